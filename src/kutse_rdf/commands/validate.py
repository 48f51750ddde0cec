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
                        help="the SHACL report graph goes to DIR/reports/; the standards' "
                             "units are read from and added to the build cache DIR/.cache/ "
                             "(default: build)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.build import cached_units, write_validation
    from kutse_rdf.config import load_config
    from kutse_rdf.graph.validate import ValidationReport, format_report

    config = load_config(args.config, args.base_uri)
    files = expand_inputs(args.inputs)
    out = Path(args.out)
    # each standard is validated by its unit, as in `kutse-rdf build` (or taken from its cache)
    with cached_units(files, out, config) as made:
        skipped = made.result.failures
        for failure in skipped:
            warn(f"kutse-rdf: skipped: {failure}")
        reports = [ValidationReport.from_json(u.validation_report()) for u in made.units]
        sys.stdout.write(format_report(reports))
        write_validation(out, made.units, made.result)
    folder = out / "reports"
    warn(f"SHACL report: {folder / 'validation.ttl'}, {folder / 'validation.json'}")
    if skipped:  # an unreadable file (2) outranks a document with problems (1)
        return max(failure.exit_code for failure in skipped)
    return EXIT_DATA if made.result.problems else EXIT_OK
