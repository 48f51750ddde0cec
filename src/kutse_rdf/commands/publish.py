"""kutse-rdf publish: upload a build to a triple store (SPARQL 1.1 Graph Store Protocol)."""
from __future__ import annotations

import argparse

from kutse_rdf.errors import InputError

HELP = "upload the build's named graphs to a triple store with the Graph Store Protocol"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store")
    parser.add_argument("--out", default="build", metavar="DIR", help="the build to upload")
    parser.add_argument("--graph-base", metavar="URI", help="base URI of the named graphs")
    parser.add_argument("--dry-run", action="store_true",
                        help="list what would be uploaded, send nothing")


def run(args: argparse.Namespace) -> int:
    raise InputError("publish is not implemented yet")
