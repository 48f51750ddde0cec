"""The `kutse-rdf` command line: wires subcommands to stages, turns errors into one-line
messages and exit codes (see errors.py). Data goes to stdout, messages to stderr."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from kutse_rdf import __version__
from kutse_rdf.commands import NAMES
from kutse_rdf.errors import EXIT_INTERNAL, EXIT_USAGE, KutseError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kutse-rdf",
        description="Turn Estonian occupational standards (kutsestandardid) into linked data: "
                    "parse, convert to RDF/SKOS, validate with SHACL, query with SPARQL, publish.")
    parser.add_argument("--version", action="version", version=f"kutse-rdf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in NAMES:
        module = importlib.import_module(f"kutse_rdf.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


# The commands after which the installed program ends without the interpreter's teardown: a
# register's build leaves ~1 GB of objects that Python would free one by one (~0.4 s) and
# nothing else to close (its threads and processes joined, its files written through `with`).
EXIT_AT_ONCE = frozenset({"build"})


def entry() -> None:
    """The installed `kutse-rdf` and `python -m kutse_rdf`: the command, then the exit."""
    parser = build_parser()
    args = parser.parse_args()
    code = run(parser, args)
    if args.command in EXIT_AT_ONCE:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a reader that went away: nothing more can be said
            pass
        os._exit(code)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    return run(parser, parser.parse_args(argv))


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The parsed command, its errors as one line and an exit code (errors.py)."""
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args) or 0)
    except KutseError as exc:
        print(f"kutse-rdf: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kutse-rdf: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line by default, the traceback on request
        if os.environ.get("KUTSE_RDF_DEBUG"):
            raise
        print(f"kutse-rdf: internal error: {type(exc).__name__}: {exc} "
              "(set KUTSE_RDF_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    entry()
