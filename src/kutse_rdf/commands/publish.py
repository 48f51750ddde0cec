"""kutse-rdf publish: upload a build to a triple store (SPARQL 1.1 Graph Store Protocol)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.errors import EXIT_OK

HELP = "upload the build's named graphs to a triple store with the Graph Store Protocol"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store "
                             "(credentials: KUTSE_RDF_USER + KUTSE_RDF_PASSWORD, "
                             "KUTSE_RDF_TOKEN, or ~/.netrc)")
    parser.add_argument("--out", default="build", metavar="DIR", help="the build to upload")
    parser.add_argument("--graph-base", metavar="URI",
                        help="base URI of the named graphs: replaces everything before each "
                             "graph name's last segment")
    parser.add_argument("--dry-run", action="store_true",
                        help="list what would be uploaded, send nothing")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.publish.upload import check_endpoint, publish, read_manifest

    check_endpoint(args.endpoint)
    graphs = read_manifest(Path(args.out), args.graph_base)
    if args.dry_run:
        for g in graphs:
            print(f"{g.graph}\t{g.file}\t{g.triples}")
        print(f"dry run: {len(graphs)} graph(s), {sum(g.triples for g in graphs)} triples, "
              "nothing sent", file=sys.stderr)
        return EXIT_OK
    done = publish(args.endpoint, graphs, report=lambda line: print(line, file=sys.stderr))
    print(f"published {len(done)} graph(s), {sum(g.triples for g in done)} triples to "
          f"{args.endpoint}", file=sys.stderr)
    return EXIT_OK
