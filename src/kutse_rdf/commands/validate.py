"""kutse-rdf validate: SHACL validation of the graph of the given standards."""
from __future__ import annotations

import argparse

from kutse_rdf.commands.common import add_graph_arguments, add_input_argument
from kutse_rdf.errors import InputError

HELP = "validate standards with the SHACL shapes; exit 1 on any violation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_argument(parser)
    add_graph_arguments(parser)
    parser.add_argument("--out", default="build", metavar="DIR",
                        help="the SHACL report graph goes to DIR/reports/ (default: build)")


def run(args: argparse.Namespace) -> int:
    raise InputError("validate is not implemented yet")
