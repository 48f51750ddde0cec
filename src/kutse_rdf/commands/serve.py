"""kutse-rdf serve: preview the site and a SPARQL endpoint on 127.0.0.1."""
from __future__ import annotations

import argparse

from kutse_rdf.errors import InputError

HELP = "serve build/site and a SPARQL 1.1 endpoint on 127.0.0.1 for preview"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="build", metavar="DIR", help="the build to serve")
    parser.add_argument("--port", type=int, default=8000)


def run(args: argparse.Namespace) -> int:
    raise InputError("serve is not implemented yet")
