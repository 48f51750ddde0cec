"""kutse-rdf query: run a library query or a SPARQL file over the graph."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kutse_rdf.commands.common import add_graph_arguments, add_input_argument, expand_inputs
from kutse_rdf.errors import InputError

HELP = "run a coverage query (by name from the library, or a .rq file) over the graph"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", metavar="NAME|FILE.rq")
    parser.add_argument("-e", "--execute", metavar="SPARQL",
                        help="run this query text (the project's prefixes are declared)")
    add_input_argument(parser)
    add_graph_arguments(parser)
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a query parameter (repeatable); --list shows each query's")
    parser.add_argument("--format",
                        choices=("table", "csv", "tsv", "excel-csv", "xlsx", "json", "md"),
                        default="table",
                        help="table (labels, for reading); csv, tsv, excel-csv (UTF-8 with a "
                             "byte-order mark and ';', for Excel), xlsx (an Excel workbook, "
                             "redirect it to a file): a label column beside each IRI column; "
                             "json (W3C SPARQL results); md (Markdown table); default table")
    parser.add_argument("--lang", choices=("et", "en"), default="et",
                        help="language of the label columns of csv / tsv / excel-csv / xlsx "
                             "(default et)")
    parser.add_argument("--data", metavar="FILE",
                        help="query a build's dump (e.g. build/data/all.trig) instead of "
                             "building the graph from INPUT")
    parser.add_argument("--endpoint", metavar="URL",
                        help="query a triple store loaded by `kutse-rdf publish` over HTTP "
                             "(its SPARQL query endpoint, e.g. http://127.0.0.1:7878/query): "
                             "the query reads the build's graphs there, the ELM graph left out")
    parser.add_argument("--graph-base", metavar="URI",
                        help="with --endpoint: read only the graphs whose names start with "
                             "URI, as published (default: the store's default graph when it "
                             "holds standards, else the graphs under BASE-URI graph/)")
    parser.add_argument("--out", default="build", metavar="DIR",
                        help="the standards' units for the graph from INPUT are read from and "
                             "added to the build cache DIR/.cache/ (default: build)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="answer for the version of each standard valid on this day "
                             "(default: the current valid version, as of the build)")
    parser.add_argument("--version", action="append", default=[], metavar="SLUG=KEY",
                        help="answer for this version of one standard (repeatable), e.g. "
                             "it-juht-tase-7=6 or it-juht-tase-7=draft")
    parser.add_argument("--list", action="store_true", help="list the query library")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf import query as q
    from kutse_rdf.config import load_config

    extra = load_config(args.config, args.base_uri).queries  # kutse-rdf.toml's queries folder
    if args.list:
        print(library_listing(q.library(extra)), end="")
        return 0
    if args.execute is not None:
        if args.query:
            raise InputError("give either a query (NAME or FILE.rq) or -e 'SPARQL', not both")
        chosen = q.inline_query(args.execute)
    elif not args.query:
        raise InputError("name a query (kutse-rdf query --list shows the library), a .rq file, "
                         "or give -e 'SELECT …'")
    else:
        chosen = q.find_query(args.query, extra)
    q.check_syntax(chosen)
    if args.format == "xlsx" and sys.stdout.isatty():  # before the query: it may take a while
        raise InputError("--format xlsx writes a binary workbook: redirect it to a file "
                         "(kutse-rdf query … --format xlsx > answer.xlsx)")
    params = q.parse_params(args.param)
    if args.endpoint:
        if args.as_of or args.version:
            raise InputError("--as-of and --version choose versions of a build's data; a store "
                             "behind --endpoint answers from what publish loaded into it")
        return run_remote(args, chosen, params)
    if args.graph_base:
        raise InputError("--graph-base goes with --endpoint")
    as_of = q.parse_day(args.as_of) if args.as_of else None
    versions = q.parse_versions(args.version)
    if args.data:
        if args.inputs:
            raise InputError("give either INPUT files or --data, not both")
        if as_of is not None or versions:
            store = q.select_versions(Path(args.data), as_of, versions)
        else:
            # a build's all.trig: its default graph alone (current.nt) unless the query
            # names graphs
            store = q.BuildData(Path(args.data)).store_for(chosen.text)
    else:
        store = store_from_inputs(args, q.needs_named_graphs(chosen.text), as_of, versions)
    # the answer kept as JSON when JSON is printed (no second writing), else as TSV
    result = q.run(store, chosen, params, keep=q.JSON if args.format == "json" else q.TSV)
    write_answer(result, args, chosen, store)
    return 0


def write_answer(result, args: argparse.Namespace, chosen, store) -> None:
    """The answer on stdout in --format: text as UTF-8 whatever the locale (excel-csv's BOM),
    xlsx as the workbook's bytes."""
    from kutse_rdf import query as q

    if args.format == "xlsx":
        if result.triples is not None:
            raise InputError("--format xlsx is for SELECT and ASK answers; a CONSTRUCT or "
                             "DESCRIBE answer is triples (any other --format prints N-Triples)")
        try:
            sheet = "answer" if args.execute is not None else chosen.name
            data = q.to_xlsx(result, store, args.lang, sheet)
        except q.TooLarge as exc:
            raise InputError(f"the answer does not fit an Excel worksheet: {exc} "
                             "(--format csv holds it)") from None
    else:
        data = q.render(result, args.format, store, args.lang).encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def run_remote(args: argparse.Namespace, chosen, params: dict[str, str]) -> int:
    """The query on a store's endpoint (query/remote.py), printed as a local answer is."""
    from kutse_rdf.config import load_config
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.query import Remote

    if args.data or args.inputs:
        raise InputError("give either --endpoint or --data / INPUT files, not both")
    uris = Uris(load_config(args.config, args.base_uri).base_uri)
    base = args.graph_base or uris.graph_prefix
    base = base if base.endswith(("/", "#")) else base + "/"  # as publish --graph-base
    elm = str(uris.elm_graph()).rsplit("/", 1)[-1]
    # a graph base given: name its graphs, whatever the store's default graph holds
    remote = Remote(args.endpoint, base, skip=(base + elm,), named=bool(args.graph_base))
    result = remote.run(chosen, params)
    labels = remote.labels(result) if result.variables and args.format != "json" else None
    write_answer(result, args, chosen, labels)
    return 0


def library_listing(queries: dict) -> str:
    lines = []
    for name, query in queries.items():
        lines.append(f"{name}: {query.title}")
        lines.append(f"    en: {query.question_en}")
        lines.append(f"    et: {query.question_et}")
        if query.covers:
            lines.append(f"    covers: {query.covers}")
        for param in query.params:
            need = "required" if param.required else "optional"
            lines.append(f"    --param {param.name}=... ({param.type}, {need}) {param.description}")
    return "\n".join(lines) + "\n"


def store_from_inputs(args: argparse.Namespace, named_graphs: bool, as_of=None,
                      versions: dict[str, str] | None = None):
    """The graph `kutse-rdf build` makes of INPUT, from the same units and cache: the current
    version of each standard (or the one valid `as_of`, or chosen in `versions`) with the
    works' graphs and the reference, and the named graphs when the query reads them (GRAPH,
    FROM). The first document that fails ends the command."""
    from kutse_rdf.build import cached_units, units_store
    from kutse_rdf.config import load_config

    config = load_config(args.config, args.base_uri)
    with cached_units(expand_inputs(args.inputs), Path(args.out), config) as made:
        if made.result.failures:
            raise made.result.failures[0]
        return units_store(made.units, made.reference(), config, named_graphs, as_of, versions)
