"""kutse-rdf parse: read standards and print the model."""
from __future__ import annotations

import argparse

from kutse_rdf.commands.common import add_input_argument
from kutse_rdf.errors import InputError

HELP = "parse standards and print the model (JSON or readable text)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_argument(parser)
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings and unaccounted lines as errors (exit 1)")


def run(args: argparse.Namespace) -> int:
    raise InputError("parse is not implemented yet")
