"""kutse-rdf validate: SHACL validation of the graph of the given standards."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.commands.common import add_graph_arguments, add_input_argument, expand_inputs, warn
from kutse_rdf.errors import EXIT_DATA, EXIT_OK

HELP = "validate standards with the SHACL shapes; exit 1 on any violation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_argument(parser)
    add_graph_arguments(parser)
    parser.add_argument("--out", default="build", metavar="DIR",
                        help="the SHACL report graph goes to DIR/reports/ (default: build)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.build import BuildResult, parse_all
    from kutse_rdf.config import load_config
    from kutse_rdf.graph.convert import build_dataset, distinct_standards
    from kutse_rdf.graph.validate import format_report, validate_dataset, write_reports

    config = load_config(args.config, args.base_uri)
    files = expand_inputs(args.inputs)
    parsed = BuildResult()
    parse_all(files, parsed)
    standards, refused = distinct_standards(parsed.standards, config)
    skipped = parsed.failures + refused
    for failure in skipped:
        warn(f"kutse-rdf: skipped: {failure}")
    reports = validate_dataset(build_dataset(standards, config), standards)
    sys.stdout.write(format_report(reports))
    folder = Path(args.out) / "reports"
    write_reports(reports, folder)
    warn(f"SHACL report: {folder / 'validation.ttl'}, {folder / 'validation.json'}")
    if skipped:  # an unreadable file (2) outranks a document with problems (1)
        return max(failure.exit_code for failure in skipped)
    return EXIT_OK if all(r.conforms for r in reports) else EXIT_DATA
