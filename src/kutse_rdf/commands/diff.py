"""kutse-rdf diff: what changed between two versions of a standard."""
from __future__ import annotations

import argparse
import sys

from kutse_rdf.errors import EXIT_OK

HELP = ("print what changed between two versions of a standard (two files, or two versions in "
        "a build)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("versions", nargs="*", metavar="ARG",
                        help="OLD NEW: two standard files (.txt or .docx); with --build: SLUG "
                             "OLDKEY NEWKEY, a work and two of its version keys (6, 6-1, draft)")
    parser.add_argument("--build", metavar="DIR",
                        help="compare two versions in a build's parsed models (DIR/data/model/)")
    parser.add_argument("--format", choices=("text", "json", "md"), default="text",
                        help="text (default), json, or md (Markdown)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.errors import InputError
    from kutse_rdf.history.diff import diff
    from kutse_rdf.history.render import render

    if args.build:
        if len(args.versions) != 3:
            raise InputError("diff --build DIR needs SLUG OLDKEY NEWKEY")
        from kutse_rdf.graph.uris import Uris
        from kutse_rdf.history.stored import from_build
        old, new = from_build(args.build, *args.versions, slug_of=Uris.standard_slug)
    else:
        if len(args.versions) != 2:
            raise InputError("diff needs two files, OLD NEW (or --build DIR SLUG OLDKEY NEWKEY)")
        from kutse_rdf.reading.parser import parse_file
        old, new = (parse_file(path) for path in args.versions)
    sys.stdout.write(render(diff(old, new), args.format))
    return EXIT_OK
