"""kutse-rdf esco: import an ESCO release, show the imported one, suggest skill mappings."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.commands.common import (add_config_argument, add_graph_arguments, add_input_argument,
                                      expand_inputs, warn)
from kutse_rdf.errors import EXIT_OK, InputError

HELP = "ESCO: import a release (CSV package), show it, suggest competence -> skill mappings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="esco_command", metavar="ACTION", required=True)
    importing = sub.add_parser(
        "import", help="read an ESCO release (the CSV package, a folder or its .zip) into the "
                       "local store the build reads",
        description="Read an ESCO release as the ESCO portal publishes it (the CSV package, "
                    "as a folder or the downloaded .zip) and keep what the build needs in the "
                    "store: `esco` in kutse-rdf.toml, else $XDG_CACHE_HOME/kutse-rdf/esco.")
    importing.add_argument("path", metavar="PATH",
                           help="folder or .zip of the CSV package, or the SKOS-RDF dump "
                                "(.ttl, .nt, .rdf, or its .zip)")
    importing.add_argument("--languages", metavar="LANG,…", default="en,et",
                           help="labels kept from the SKOS-RDF dump (default: en,et); the CSV "
                                "package keeps the languages it has")
    importing.add_argument("--release-version", metavar="V",
                           help="the release's version (default: from the name, e.g. v1.2.0)")
    add_config_argument(importing)
    info = sub.add_parser("info", help="show the imported release")
    add_config_argument(info)
    suggest = sub.add_parser(
        "suggest", help="rank ESCO skills for every competence of the standards (SSSOM)",
        description="Suggest competence -> ESCO skill mappings for curation, as SSSOM TSV "
                    "(the same file a build writes to reports/esco-suggestions.sssom.tsv).")
    add_input_argument(suggest)
    add_graph_arguments(suggest)
    suggest.add_argument("--out", metavar="FILE", help="write here (default: stdout)")
    suggest.add_argument("--top", type=int, default=5, metavar="N",
                         help="suggestions per competence (default: 5)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.config import load_config

    if args.esco_command == "import":
        return run_import(args, load_config(args.config))
    if args.esco_command == "info":
        return run_info(load_config(args.config))
    return run_suggest(args, load_config(args.config, args.base_uri))


def run_import(args: argparse.Namespace, config) -> int:
    from kutse_rdf.esco.release import is_rdf, read_rdf_release, read_release
    from kutse_rdf.esco.store import store_dir, write_store

    path = Path(args.path)
    if is_rdf(path):
        languages = tuple(l.strip() for l in args.languages.split(",") if l.strip())
        release = read_rdf_release(path, args.release_version, languages)
    else:
        release = read_release(path, args.release_version)
    for message in release.warnings:
        warn(f"kutse-rdf: warning: {message}")
    folder = store_dir(config)
    try:
        index = write_store(release, folder)
    except OSError as exc:
        raise InputError(f"cannot write the ESCO store: {exc.strerror}", file=str(folder)) from None
    counts = index["counts"]
    warn(f"ESCO {index['version']} ({', '.join(index['languages'])}): {counts['isco_groups']} "
         f"ISCO groups, {counts['occupations']} occupations, {counts['skills']} skills, "
         f"{counts['relations']} occupation-skill relations -> {folder}")
    return EXIT_OK


def run_info(config) -> int:
    from kutse_rdf.esco.store import read_index, store_dir

    index = read_index(config)
    if index is None:
        print(f"no ESCO release imported ({store_dir(config)}): the build uses the shipped "
              "subset (ontology/esco.ttl)")
        return EXIT_OK
    counts = index["counts"]
    print(f"ESCO {index['version']} ({', '.join(index['languages'])}) in {store_dir(config)}, "
          f"from {index['source']}: {counts['isco_groups']} ISCO groups, "
          f"{counts['occupations']} occupations, {counts['skills']} skills, "
          f"{counts['relations']} occupation-skill relations")
    return EXIT_OK


def run_suggest(args: argparse.Namespace, config) -> int:
    from kutse_rdf.esco.store import load_store, store_dir
    from kutse_rdf.esco.suggest import sssom, suggest
    from kutse_rdf.reading.parser import parse_file

    if args.top < 1:
        raise InputError(f"--top must be 1 or more, not {args.top}")
    store = load_store(config)
    if store is None:
        raise InputError(f"no ESCO release imported ({store_dir(config)}): run `kutse-rdf esco "
                         "import PATH` first")
    standards = [parse_file(path) for path in expand_inputs(args.inputs)]
    text = sssom(suggest(store, standards, config, args.top), config, store.version)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
