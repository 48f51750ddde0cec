"""kutse-rdf serve: preview the site and a SPARQL endpoint on 127.0.0.1."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.config import ServeLimits
from kutse_rdf.errors import InputError

HELP = "serve build/site and a SPARQL 1.1 endpoint on 127.0.0.1 for preview"
DEFAULTS = ServeLimits()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="build", metavar="DIR", help="the build to serve")
    parser.add_argument("--port", type=int, default=8000,
                        help="port on 127.0.0.1 (default 8000; 0 picks a free port)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument("--query-timeout", type=float, default=DEFAULTS.query_timeout,
                        metavar="SECONDS", help="stop a SPARQL query after this long "
                        f"(default {DEFAULTS.query_timeout:g})")
    parser.add_argument("--max-result-mb", type=float, default=DEFAULTS.max_result_mb,
                        metavar="MB", help="refuse a query's answer larger than this "
                        f"(default {DEFAULTS.max_result_mb:g})")
    parser.add_argument("--max-memory-mb", type=float, default=DEFAULTS.max_memory_mb,
                        metavar="MB", help="memory of each query worker process, graph "
                        f"included (default {DEFAULTS.max_memory_mb:g})")
    parser.add_argument("--allow-service", action="store_true",
                        help="allow SERVICE (federated queries): the server then makes "
                        "outbound HTTP requests that queries ask for")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.publish.serve import ENDPOINT, make_server

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be 0-65535, not {args.port}")
    for option in ("query_timeout", "max_result_mb", "max_memory_mb"):
        value = getattr(args, option)
        if not value > 0 or value == float("inf"):
            raise InputError(f"--{option.replace('_', '-')} must be a positive number, "
                             f"not {value:g}")
    limits = ServeLimits(query_timeout=args.query_timeout, max_result_mb=args.max_result_mb,
                         max_memory_mb=args.max_memory_mb, allow_service=args.allow_service)
    out = Path(args.out)
    server = make_server(out, args.port, quiet=args.quiet, limits=limits)
    if not server.site.is_dir():
        print(f"kutse-rdf: {server.site}: no site in this build; serving the endpoint only",
              file=sys.stderr)
    if server.queries is None:
        print(f"kutse-rdf: {out / 'data' / 'all.trig'}: no graph in this build; "
              "serving the site only", file=sys.stderr)
    # The URL goes to stdout (it is what the command gives), the rest to stderr.
    print(f"{server.url}", flush=True)
    print(f"serving {server.site} at {server.url} and SPARQL at {server.url.rstrip('/')}{ENDPOINT}"
          " (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
