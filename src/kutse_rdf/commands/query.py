"""kutse-rdf query: run a library query or a SPARQL file over the graph."""
from __future__ import annotations

import argparse

from kutse_rdf.commands.common import add_graph_arguments, add_input_argument
from kutse_rdf.errors import InputError

HELP = "run a coverage query (by name from the library, or a .rq file) over the graph"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", metavar="NAME|FILE.rq")
    add_input_argument(parser)
    add_graph_arguments(parser)
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--format", choices=("table", "csv", "json", "md"), default="table")
    parser.add_argument("--list", action="store_true", help="list the query library")


def run(args: argparse.Namespace) -> int:
    raise InputError("query is not implemented yet")
