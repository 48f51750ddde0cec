"""kutse-rdf publish: upload a build to a triple store (SPARQL 1.1 Graph Store Protocol)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.errors import EXIT_OK

HELP = "upload the build's named graphs to a triple store with the Graph Store Protocol"
TIMEOUT_S = 600.0  # the whole run: uploads, retries, waits and pruning
REQUEST_TIMEOUT_S = 30.0  # one request, plus one second per MB sent


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store "
                             "(credentials: KUTSE_RDF_USER + KUTSE_RDF_PASSWORD, "
                             "KUTSE_RDF_TOKEN, or ~/.netrc)")
    parser.add_argument("--out", default="build", metavar="DIR", help="the build to upload")
    parser.add_argument("--graph-base", metavar="URI",
                        help="base URI of the named graphs: replaces everything before each "
                             "graph name's last segment")
    parser.add_argument("--auth", choices=("auto", "basic", "digest"), default="auto",
                        help="how a user and password are sent: auto (Basic, switching to "
                             "Digest when the server asks for it; default), basic, digest")
    parser.add_argument("--timeout", type=seconds, default=TIMEOUT_S, metavar="SECONDS",
                        help=f"deadline for the whole run (default {TIMEOUT_S:g})")
    parser.add_argument("--request-timeout", type=seconds, default=REQUEST_TIMEOUT_S,
                        metavar="SECONDS",
                        help=f"time one request may take, plus 1 s per MB sent "
                             f"(default {REQUEST_TIMEOUT_S:g})")
    parser.add_argument("--prune", action="store_true",
                        help="after uploading, delete the store's graphs under the graph base "
                             "that the build no longer lists (standards no longer built)")
    parser.add_argument("--sparql-endpoint", metavar="URL",
                        help="the store's SPARQL query endpoint, where --prune lists the "
                             "graphs (default: guessed from --endpoint for Oxigraph, Fuseki, "
                             "GraphDB and Virtuoso)")
    parser.add_argument("--dry-run", action="store_true",
                        help="list what would be uploaded (and, with --prune, deleted), "
                             "change nothing")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.publish.upload import (
        check_endpoint,
        prune_plan,
        publish,
        read_manifest,
        require_standards,
    )

    check_endpoint(args.endpoint)
    out = Path(args.out)
    graphs = read_manifest(out, args.graph_base)
    require_standards(out, graphs)
    prune = prune_plan(args.endpoint, graphs, args.graph_base, args.sparql_endpoint) \
        if args.prune else None
    report = (lambda line: print(line, file=sys.stderr))
    if args.dry_run:
        for g in graphs:
            print(f"{g.graph}\t{g.file}\t{g.triples}")
        stale = []
        if prune:
            stale = publish(args.endpoint, graphs, auth=args.auth, dry_run=True, prune=prune,
                            request_timeout_s=args.request_timeout,
                            total_timeout_s=args.timeout).deleted
            for graph in stale:
                report(f"would delete <{graph}> (its standard is no longer built)")
        deletions = f", {len(stale)} stale graph(s) to delete" if prune else ""
        report(f"dry run: {len(graphs)} graph(s), {sum(g.triples for g in graphs)} triples"
               f"{deletions}, {'nothing changed' if prune else 'nothing sent'}")
        return EXIT_OK
    result = publish(args.endpoint, graphs, report=report, auth=args.auth, prune=prune,
                     request_timeout_s=args.request_timeout, total_timeout_s=args.timeout)
    done = result.uploaded
    deleted = f", deleted {len(result.deleted)} stale graph(s)" if prune else ""
    triples = sum(g.triples - g.left_out for g in done)
    report(f"published {len(done)} graph(s), {triples} triples to {args.endpoint}{deleted}")
    return EXIT_OK
