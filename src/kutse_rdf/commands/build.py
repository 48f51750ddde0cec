"""kutse-rdf build: the main job."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.commands.common import add_graph_arguments, add_input_argument, expand_inputs
from kutse_rdf.errors import EXIT_DATA, EXIT_OK, BuildKept, InputError

HELP = "build data dumps, reports and the site from standards into an output folder"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_argument(parser)
    add_graph_arguments(parser)
    parser.add_argument("--out", default="build", metavar="DIR",
                        help="output folder, replaced atomically (default: build)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no summary (errors are still printed)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes for the per-standard work (default: CPU count)")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="replace the previous build even when this run built nothing or "
                             "lost standards whose input failed (otherwise exit 4, build kept)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="the day whose valid version of each standard is its current one "
                             "(default: the build's day, SOURCE_DATE_EPOCH or today)")
    parser.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                        help="when another build is writing the same output folder, wait this "
                             "long for it (default: stop at once, exit 2)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.build import run_build
    from kutse_rdf.config import load_config

    from kutse_rdf.query import parse_day

    config = load_config(args.config, args.base_uri)
    as_of = parse_day(args.as_of) if args.as_of else None
    files = expand_inputs(args.inputs)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if not 0 <= args.wait <= 86400:
        raise InputError("--wait must be from 0 to 86400 seconds")
    try:
        result = run_build(files, Path(args.out), config, quiet=args.quiet, jobs=args.jobs,
                           allow_shrink=args.allow_shrink, wait=args.wait, as_of=as_of)
    except BuildKept as kept:
        for failure in kept.failures:
            print(f"kutse-rdf: skipped: {failure}", file=sys.stderr)
        raise
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    for failure in result.failures:
        print(f"kutse-rdf: skipped: {failure}", file=sys.stderr)
    if not args.quiet:
        for note in result.notes:
            print(note, file=sys.stderr)
        reused = f" ({result.cache_hits} unchanged, from the cache)" if result.cache_hits else ""
        print(f"built {len(result.standards)} standard(s) into {args.out}/{reused}",
              file=sys.stderr)
    return EXIT_DATA if result.failures or result.problems else EXIT_OK
