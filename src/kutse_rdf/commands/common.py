"""Options and helpers shared by several subcommands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.config import DEFAULT_BASE_URI
from kutse_rdf.errors import InputError
from kutse_rdf.resources import resource_dir


STANDARD_SUFFIXES = (".txt", ".docx")


def add_input_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT",
        help="standard files (.txt or .docx) or folders of them (default: the shipped standards/)")


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-uri", metavar="URI",
                        help="base URI of minted resources (default from kutse-rdf.toml, else "
                             f"{DEFAULT_BASE_URI})")
    add_config_argument(parser)


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: ./kutse-rdf.toml if present)")


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Files as given, folders expanded to their *.txt and *.docx files (sorted); the shipped
    standards when nothing is given. Word's lock files (~$name.docx) are not standards."""
    if not inputs:
        inputs = [str(resource_dir("standards"))]
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in STANDARD_SUFFIXES and p.is_file()
                           and not p.name.startswith("~$"))
            if not found:
                raise InputError("folder holds no standard (*.txt, *.docx)", file=item)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder", file=item)
    return files


def warn(message: str) -> None:
    print(message, file=sys.stderr)
