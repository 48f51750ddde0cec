"""Preview server on 127.0.0.1: the built site as static files, and a read-only SPARQL 1.1
Protocol endpoint at /sparql over the built graph (OUT/data/all.trig, loaded into Oxigraph with
the merged graphs as default graph, as `kutse-rdf query` sees them). A query that names no graph
runs on the union alone (OUT/data/all.nt, query.BuildData); the named graphs are loaded when a
query first needs them.

The endpoint takes GET ?query=…, POST application/x-www-form-urlencoded (query=…) and POST
application/sparql-query, with optional default-graph-uri / named-graph-uri; it answers SELECT and
ASK as SPARQL results JSON, CSV, TSV or XML and CONSTRUCT / DESCRIBE as Turtle, N-Triples or
JSON-LD, by the Accept header. CORS is open so that browser clients (YASGUI) on another port can
use it; the server only ever listens on 127.0.0.1.
"""
from __future__ import annotations

import functools
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.query import BuildData

HOST = "127.0.0.1"
ENDPOINT = "/sparql"
# Media types of results, first = default when the client accepts anything.
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
# Linked-data files of the site and dumps, beyond what mimetypes knows.
EXTRA_TYPES = {
    ".ttl": "text/turtle; charset=utf-8", ".nt": "application/n-triples",
    ".nq": "application/n-quads", ".trig": "application/trig",
    ".jsonld": "application/ld+json", ".rq": "application/sparql-query",
    ".json": "application/json", ".js": "text/javascript", ".svg": "image/svg+xml",
}
MAX_BODY = 10 * 1024 * 1024


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, site: Path, data: BuildData | None, quiet: bool):
        self.site = site
        self.data = data
        self.quiet = quiet
        handler = functools.partial(Handler, directory=str(site))
        super().__init__((HOST, port), handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class Handler(SimpleHTTPRequestHandler):
    server: PreviewServer
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            sys.stderr.write(f"serve: {self.address_string()} {format % args}\n")

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    # -- routing -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == ENDPOINT:
            self.sparql(parse_qs(url.query))
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path == ENDPOINT:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST for SPARQL")
        else:
            super().do_HEAD()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != ENDPOINT:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        params = parse_qs(url.query)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            params["query"] = [body]
        elif kind == "application/sparql-update":
            self.plain(HTTPStatus.FORBIDDEN, "this endpoint is read-only (no SPARQL update)")
            return
        else:
            self.plain(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                       "POST application/x-www-form-urlencoded or application/sparql-query")
            return
        self.sparql(params)

    def do_OPTIONS(self) -> None:  # CORS preflight of browser clients
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

    # -- the SPARQL protocol -----------------------------------------------------------------

    def sparql(self, params: dict[str, list[str]]) -> None:
        data = self.server.data
        if data is None:
            self.plain(HTTPStatus.SERVICE_UNAVAILABLE,
                       "no graph to query: the build has no data/all.trig")
            return
        if "update" in params:
            self.plain(HTTPStatus.FORBIDDEN, "this endpoint is read-only (no SPARQL update)")
            return
        queries = params.get("query", [])
        if len(queries) != 1:
            self.plain(HTTPStatus.BAD_REQUEST, "give exactly one query parameter: "
                       f"{ENDPOINT}?query=SELECT…")
            return
        options = {}
        if params.get("default-graph-uri"):
            options["default_graph"] = [ox.NamedNode(g) for g in params["default-graph-uri"]]
        if params.get("named-graph-uri"):
            options["named_graphs"] = [ox.NamedNode(g) for g in params["named-graph-uri"]]
        try:
            store = data.store_for(queries[0], dataset_given=bool(options))
            answer = store.query(queries[0], **options)
        except SyntaxError as exc:
            self.plain(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
            return
        except (ValueError, OSError, InputError) as exc:  # InputError: the named graphs' file
            self.plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
            return
        choices = GRAPH_TYPES if isinstance(answer, ox.QueryTriples) else RESULT_TYPES
        media = negotiate(self.headers.get("Accept", ""), list(choices))
        if media is None:
            self.plain(HTTPStatus.NOT_ACCEPTABLE, "can answer " + ", ".join(choices))
            return
        try:
            body = answer.serialize(format=choices[media])
        except (ValueError, OSError) as exc:
            self.plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def plain(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values, wildcards); the first offered
    when the header is empty."""
    wanted: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        quality = 1.0
        for part in parts[1:]:
            if part.startswith("q="):
                try:
                    quality = float(part[2:])
                except ValueError:
                    quality = 0.0
        wanted.append((-quality, position, parts[0].lower()))
    if not wanted:
        return offered[0]
    for negative_quality, _, media in sorted(wanted):
        if negative_quality == 0:
            break
        for candidate in offered:
            major = candidate.split("/")[0]
            if media in (candidate, "*/*", f"{major}/*"):
                return candidate
    return None


def make_server(out: Path, port: int = 0, quiet: bool = False) -> PreviewServer:
    """A server for the build in `out` (not yet serving: call serve_forever)."""
    site = out / "site"
    data = out / "data" / "all.trig"
    if not out.is_dir():
        raise InputError("no build here: run kutse-rdf build first", file=str(out))
    if not site.is_dir() and not data.is_file():
        raise InputError("the build has neither site/ nor data/all.trig: run kutse-rdf build",
                         file=str(out))
    found = BuildData(data) if data.is_file() else None
    if found is not None:
        found.union()  # loaded before serving; the named graphs when a query first needs them
    try:
        return PreviewServer(port, site, found, quiet)
    except OSError as exc:
        raise InputError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc} "
                         "(--port 0 picks a free port)") from None
