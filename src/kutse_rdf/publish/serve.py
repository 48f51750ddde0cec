"""Preview server on 127.0.0.1: the built site as static files, and a read-only SPARQL 1.1
Protocol endpoint at /sparql over the built graph (OUT/data/all.trig, loaded into Oxigraph with
the merged graphs as default graph, as `kutse-rdf query` sees them). A query that names no graph
runs on the union alone (OUT/data/all.nt, query.BuildData); the named graphs are loaded when a
query first needs them.

The endpoint takes GET ?query=…, POST application/x-www-form-urlencoded (query=…) and POST
application/sparql-query, with optional default-graph-uri / named-graph-uri; it answers SELECT and
ASK as SPARQL results JSON, CSV, TSV or XML, or as an Excel workbook with label columns (the
`lang` parameter's language), and CONSTRUCT / DESCRIBE as Turtle, N-Triples or JSON-LD, by the
Accept header or a `format` parameter. CORS is open on /sparql only, so that browser clients (YASGUI) on
another port can use it. The project's prefixes (graph/namespaces.py) are declared before every
query. GET /sparql from a browser (Accept: text/html, no parameters) opens the query workbench
(publish/workbench/: the library queries as examples, a table with labels, downloads), which
runs its queries through the same endpoint and limits.

Any web page the user visits can send requests here, so the server defends itself:
- queries run in worker processes (QueryPool), because an Oxigraph query cannot be interrupted
  in-process: a worker is killed when its query passes the time limit or its client goes away,
  and it dies by itself past its memory limit (RLIMIT_AS); a too large answer is refused;
- SERVICE (outbound requests) is refused unless federation is turned on;
- the Host header must name this server (DNS rebinding);
- a bounded number of connections at once (more wait in the listen backlog), each with an idle
  timeout and a deadline for the whole request; bodies only with a valid Content-Length;
- static files only from inside site/ (no symlink out of it), no directory listings, and
  nosniff / Content-Security-Policy headers.
"""
from __future__ import annotations

import dataclasses
import functools
import io
import json
import multiprocessing.connection
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

import pyoxigraph as ox

from kutse_rdf.processes import die_with_parent
from kutse_rdf.config import ServeLimits
from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import VOID
from kutse_rdf.query import (PROLOGUE, TSV, XLSX_MEDIA_TYPE, BuildData, Result, TooLarge,
                             labelled_answer, syntax_error, workbook)

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
# A SELECT or ASK answer as an Excel workbook: the labelled table of `kutse-rdf query --format
# xlsx` (a label column beside each IRI column, in the `lang` parameter's language), made here.
TABLE_TYPES = {**RESULT_TYPES, XLSX_MEDIA_TYPE: None}
# ?format=NAME: a media type for clients that cannot set Accept (a link, a spreadsheet's web
# import); it wins over the Accept header.
FORMAT_PARAMS = {"json": "application/sparql-results+json", "csv": "text/csv",
                 "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml",
                 "xlsx": XLSX_MEDIA_TYPE, "turtle": "text/turtle",
                 "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
LANGUAGES = ("et", "en")  # of the workbook's label columns (?lang=, default et)
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
    ".atom": "application/atom+xml",
}
# A resource IRI's representations, first = the default: the files the site writes in the
# resource's folder (the HTML page is the folder itself); a named graph's folder also has its
# N-Triples and TriG (site/writer.py, graph_folders). See Handler.resource.
REPRESENTATIONS = {"text/html": "", "text/turtle": "index.ttl",
                   "application/ld+json": "index.jsonld", "application/n-triples": "index.nt",
                   "application/trig": "index.trig"}
# The site's VoID description, served with this server's SPARQL endpoint added (the build
# cannot know where it will be served); media types by path, as .well-known/void has no suffix.
VOID_FILES = {"/void.ttl": ox.RdfFormat.TURTLE, "/.well-known/void": ox.RdfFormat.TURTLE,
              "/void.jsonld": ox.RdfFormat.JSON_LD}
MAX_BODY = 10 * 1024 * 1024
CONNECTIONS = 32          # requests handled at once; further ones wait in the listen backlog
BACKLOG = 256
IDLE_TIMEOUT = 10.0       # seconds without a byte from (or to) the client
REQUEST_DEADLINE = 30.0   # seconds to receive a whole request, however it trickles in
QUERY_WORKERS = 2
# The site's pages carry the same policy in a <meta> (site_templates/base.html); the header
# adds frame-ancestors, which a <meta> cannot set. JSON-LD <script> blocks are data, not script.
SITE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ENDPOINT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
# The query workbench (GET /sparql from a browser): its own script and style from this server,
# and requests to this server only (the endpoint, its library).
WORKBENCH_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                    "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                    "frame-ancestors 'none'")
WORKBENCH_DIR = Path(__file__).with_name("workbench")
# The workbench's files, served from the package (no CDN: the page works offline).
WORKBENCH_FILES = {
    f"{ENDPOINT}/workbench.js": ("workbench.js", "text/javascript; charset=utf-8"),
    f"{ENDPOINT}/workbench.css": ("workbench.css", "text/css; charset=utf-8"),
}


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, port: int, site: Path, queries: QueryPool | None, quiet: bool,
                 limits: ServeLimits):
        self.site = site
        self.queries = queries
        self.quiet = quiet
        self.limits = limits
        self.slots = threading.BoundedSemaphore(CONNECTIONS)
        self.stopping = threading.Event()
        self.idle_timeout = IDLE_TIMEOUT
        self.request_deadline = REQUEST_DEADLINE
        handler = functools.partial(Handler, directory=str(site))
        super().__init__((HOST, port), handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def process_request(self, request, client_address) -> None:
        # Waiting here (not in a new thread) leaves the next connections in the listen backlog.
        while not self.slots.acquire(timeout=0.5):
            if self.stopping.is_set():
                self.shutdown_request(request)
                return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    def server_close(self) -> None:
        super().server_close()
        if self.queries is not None:
            self.queries.close()

    def handle_error(self, request, client_address) -> None:
        """One line on stderr, never a traceback; a client that left or stalled is no error."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            sys.stderr.write(f"serve: internal error on a request from {client_address[0]}: "
                             f"{type(error).__name__}: {error}\n")


class _DeadlineReader(io.RawIOBase):
    """The socket as read by the handler: every read waits at most the idle timeout, and all
    reads of one request end by its deadline (a client sending a byte now and then is cut off)."""

    def __init__(self, sock: socket.socket, idle: float, deadline: float):
        self.sock = sock
        self.idle = idle
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request took too long to arrive")
        self.sock.settimeout(min(self.idle, remaining))
        return self.sock.recv_into(buffer)


class Handler(SimpleHTTPRequestHandler):
    server: PreviewServer
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}
    default_request_version = "HTTP/1.0"  # errors get a status line, also for garbage

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # the socket's, also for writing the answer
        super().setup()
        self.reader = _DeadlineReader(self.connection, self.timeout,
                                      time.monotonic() + self.server.request_deadline)
        self.rfile = io.BufferedReader(self.reader)
        self.to_endpoint = False
        self.policy: str | None = None  # a page's own policy (the workbench's)
        self.query_string = ""
        self.content_length: int | None = None
        self.responded = False

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            sys.stderr.write(f"serve: {self.address_string()} {format % args}\n")

    def send_response(self, code, message=None) -> None:
        self.responded = True
        super().send_response(code, message)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.policy is not None:
            self.send_header("Content-Security-Policy", self.policy)
        elif self.to_endpoint:
            self.send_header("Content-Security-Policy", ENDPOINT_POLICY)
            self.send_header("Access-Control-Allow-Origin", "*")
        else:
            self.send_header("Content-Security-Policy", SITE_POLICY)
        super().end_headers()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):  # the client left or stalled
            self.close_connection = True
        except Exception as error:  # a bug: one line and a 500, not a traceback
            self.close_connection = True
            request = f"{getattr(self, 'command', None)} {getattr(self, 'path', '')!r}"
            sys.stderr.write(f"serve: internal error on {request}: "
                             f"{type(error).__name__}: {error}\n")
            if not self.responded:
                try:
                    self.plain(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error (see the "
                               "server's output)")
                except OSError:
                    pass

    # -- what every request must pass ------------------------------------------------------

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        problem = self.refusal()
        if problem is not None:
            status, message = problem
            self.plain(status, message)
            return False
        return True

    def refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request (line and headers) is refused, or None."""
        if self.headers.defects:  # e.g. a header line without a colon
            return HTTPStatus.BAD_REQUEST, "malformed header"
        hosts = self.headers.get_all("Host") or []
        port = self.server.server_address[1]
        if len(hosts) > 1:
            return HTTPStatus.BAD_REQUEST, "more than one Host header"
        # DNS rebinding: a page of another site whose name now points here still says its name.
        if hosts and hosts[0].strip().lower() not in allowed_hosts(port):
            return (HTTPStatus.MISDIRECTED_REQUEST,
                    f"this server is {HOST}:{port} or localhost:{port}, not {hosts[0].strip()!r}")
        target = self.path.split("#", 1)[0]
        path, _, self.query_string = target.partition("?")
        if not path.startswith("/"):
            return HTTPStatus.BAD_REQUEST, "the request target must be a path (/…)"
        try:
            decoded = unquote(path, errors="strict")
        except UnicodeDecodeError:
            return HTTPStatus.BAD_REQUEST, "the path is not UTF-8"
        if any(ord(c) < 0x20 or c == "\x7f" for c in decoded):
            return HTTPStatus.BAD_REQUEST, "control character in the path"
        self.to_endpoint = path == ENDPOINT
        if self.headers.get_all("Transfer-Encoding"):
            return HTTPStatus.LENGTH_REQUIRED, "send a body with Content-Length, not chunked"
        lengths = self.headers.get_all("Content-Length") or []
        if lengths:
            if len(set(lengths)) > 1 or not re.fullmatch(r"[0-9]{1,15}", lengths[0].strip()):
                return HTTPStatus.BAD_REQUEST, "Content-Length must be one number of bytes"
            self.content_length = int(lengths[0])
            if self.content_length > MAX_BODY:
                return (HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        f"the body may have at most {MAX_BODY} bytes")
        return None

    def request_read(self) -> None:
        """The request is all in: from now on only the idle timeout applies (to writing)."""
        self.reader.deadline = float("inf")
        self.connection.settimeout(self.timeout)

    # -- routing -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.request_read()
        path = self.path.split("#", 1)[0].split("?", 1)[0]
        if self.to_endpoint:
            params = parse_qs(self.query_string)
            if not params and self.wants_html():
                self.workbench_file("workbench.html", "text/html; charset=utf-8")
            else:
                self.sparql(params)
        elif path in WORKBENCH_FILES:
            self.workbench_file(*WORKBENCH_FILES[path])
        elif path == f"{ENDPOINT}/library.json":
            self.library()
        elif path in VOID_FILES and self.server.queries is not None:
            self.void(path)
        elif not self.resource(path):
            super().do_GET()

    # -- the query workbench (GET /sparql from a browser) ------------------------------------

    def wants_html(self) -> bool:
        """A browser's navigation: Accept prefers text/html to the endpoint's result types."""
        accept = self.headers.get("Accept", "")
        return negotiate(accept, ["text/html", *RESULT_TYPES]) == "text/html" and bool(accept)

    def workbench_file(self, name: str, media: str) -> None:
        self.send_bytes((WORKBENCH_DIR / name).read_bytes(), media, WORKBENCH_POLICY)

    def library(self) -> None:
        """The library queries as the workbench's examples (name, title, questions, covers,
        parameters, text), the prefix table (IRIs without a label are shown prefixed) and the
        labels of the ontology's individuals (kutse:mandatory …), as the command line's label
        columns have them (query/tables.py)."""
        from kutse_rdf.graph.namespaces import PREFIXES
        from kutse_rdf.query import individual_labels, library

        entries = [{"name": q.name, "title": q.title, "question_et": q.question_et,
                    "question_en": q.question_en, "covers": q.covers,
                    "params": [p.name for p in q.params], "text": q.text}
                   for q in library().values()]
        body = json.dumps({"queries": entries, "prefixes": PREFIXES,
                           "labels": individual_labels()},
                          ensure_ascii=False).encode("utf-8")
        self.send_bytes(body, "application/json; charset=utf-8", WORKBENCH_POLICY)

    def send_bytes(self, body: bytes, media: str, policy: str) -> None:
        self.to_endpoint = False  # a page, not an answer: no CORS, the page's own policy
        self.policy = policy
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.request_read()
        path = self.path.split("#", 1)[0].split("?", 1)[0]
        if self.to_endpoint:
            self.plain(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST for SPARQL")
        elif path in VOID_FILES and self.server.queries is not None:
            self.void(path)
        elif not self.resource(path):
            super().do_HEAD()

    def do_POST(self) -> None:
        if not self.to_endpoint:
            self.plain(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST")
            return
        if self.content_length is None:
            self.plain(HTTPStatus.LENGTH_REQUIRED, "POST needs a Content-Length")
            return
        raw = self.rfile.read(self.content_length)
        if len(raw) < self.content_length:  # the client closed before sending it all
            self.close_connection = True
            return
        self.request_read()
        body = raw.decode("utf-8", errors="replace")
        params = parse_qs(self.query_string)
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
        self.request_read()
        if not self.to_endpoint:
            self.plain(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes OPTIONS")
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

    # -- linked data: a resource IRI answers by the Accept header ----------------------------

    def resource(self, path: str) -> bool:
        """Answer a resource IRI's path (a site folder with a page and its data, index.ttl,
        named without its final slash, as the IRI is) with 303 See Other to the representation
        the Accept header prefers: the page (the folder), index.ttl or index.jsonld; 406 when it
        accepts none of them. The IRI names the thing (a competence), not a document about it,
        hence 303 (W3C, Cool URIs for the Semantic Web). False for any other path (a folder
        without data, such as downloads/, gets the usual redirect to its slash), as the
        deployment files of deploy/ do."""
        if path.endswith("/"):
            return False
        folder = Path(self.translate_path(path))
        root = os.path.realpath(self.directory)
        if not os.path.realpath(folder).startswith(root + os.sep) or \
                not (folder / "index.html").is_file() or not (folder / "index.ttl").is_file():
            return False
        offered = {media: file for media, file in REPRESENTATIONS.items()
                   if not file or (folder / file).is_file()}
        links = ", ".join(f'<{path}/{file}>; rel="alternate"; type="{media}"'
                          for media, file in offered.items())
        media = negotiate(self.headers.get("Accept", ""), list(offered))
        if media is None:
            body = ("this resource is available as " + ", ".join(offered) + "\n").encode("utf-8")
            self.send_response(HTTPStatus.NOT_ACCEPTABLE)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        else:
            body = b""
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", f"{path}/{offered[media]}")
            self.send_header("Content-Length", "0")
        self.send_header("Vary", "Accept")
        self.send_header("Link", links)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True

    def void(self, path: str) -> None:
        """The site's VoID description with `void:sparqlEndpoint` this server's /sparql (as the
        client addressed it: the Host header was checked) on the dataset, the node with a
        void:uriSpace."""
        file = Path(self.directory) / path.lstrip("/")
        if not file.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        rdf_format = VOID_FILES[path]
        try:
            triples = [ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(file.read_bytes(), format=rdf_format)]
        except (SyntaxError, ValueError) as exc:
            self.plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"{path} cannot be read: {exc}")
            return
        host = self.headers.get("Host") or f"{HOST}:{self.server.server_address[1]}"
        endpoint = ox.NamedNode(f"http://{host.strip()}{ENDPOINT}")
        for dataset in {t.subject for t in triples if t.predicate.value == str(VOID.uriSpace)}:
            triples.append(ox.Triple(dataset, ox.NamedNode(str(VOID.sparqlEndpoint)), endpoint))
        body = ox.serialize(triples, format=rdf_format, prefixes={"void": str(VOID)})
        media = "text/turtle; charset=utf-8" if rdf_format == ox.RdfFormat.TURTLE \
            else "application/ld+json"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # -- static files ----------------------------------------------------------------------

    def send_head(self):
        # Nothing outside site/, also not through a symbolic link inside it.
        root = os.path.realpath(self.directory)
        real = os.path.realpath(self.translate_path(self.path))
        if real != root and not real.startswith(root + os.sep):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):  # no listings: a folder without index.html is not found
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    # -- the SPARQL protocol -----------------------------------------------------------------

    def sparql(self, params: dict[str, list[str]]) -> None:
        pool = self.server.queries
        if pool is None:
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
        graphs = {name: params.get(name, []) for name in ("default-graph-uri", "named-graph-uri")}
        for name, values in graphs.items():
            for value in values:
                try:
                    ox.NamedNode(value)
                except ValueError:
                    self.plain(HTTPStatus.BAD_REQUEST, f"{name} is not an IRI: {value!r}")
                    return
        accept = self.headers.get("Accept", "")
        formats, langs = params.get("format", []), params.get("lang", [])
        if len(formats) > 1 or (formats and formats[0] not in FORMAT_PARAMS):
            self.plain(HTTPStatus.BAD_REQUEST, "format is one of " + ", ".join(FORMAT_PARAMS))
            return
        if len(langs) > 1 or (langs and langs[0] not in LANGUAGES):
            self.plain(HTTPStatus.BAD_REQUEST, "lang is one of " + ", ".join(LANGUAGES))
            return
        if formats:
            accept = FORMAT_PARAMS[formats[0]]
        request = (queries[0], graphs["default-graph-uri"], graphs["named-graph-uri"],
                   accept, langs[0] if langs else LANGUAGES[0])
        reply = pool.run(request, self.connection)
        if reply is None:  # the client went away: its query was stopped
            self.close_connection = True
            self.log_message("client left; query stopped")
            return
        status, media, body = reply
        if media == "text/plain":
            self.plain(HTTPStatus(status), body.decode("utf-8"))
            return
        self.send_response(status)
        if media == XLSX_MEDIA_TYPE:
            self.send_header("Content-Type", media)
            self.send_header("Content-Disposition", 'attachment; filename="answer.xlsx"')
        else:
            self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def plain(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def allowed_hosts(port: int) -> set[str]:
    names = {f"{HOST}:{port}", f"localhost:{port}"}
    return names | {HOST, "localhost"} if port == 80 else names


# SPARQL's strings, IRIs and comments (skipped whole), names (variables, prefixed names, keywords)
# and runs of anything else. Possessive: linear time on any text.
_SPARQL_TOKENS = re.compile(r"""
      '''(?:[^'\\]++|\\.|'(?!''))*+'''
    | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
    | '(?:[^'\\\n\r]++|\\.)*+'
    | "(?:[^"\\\n\r]++|\\.)*+"
    | <[^<>"{}|^`\\\x00-\x20]*+>
    | \#[^\n\r]*+
    | (?P<name>[\w:?$]++)
    | [^'"<#\w:?$]++
    | .
""", re.VERBOSE | re.DOTALL)


def uses_service(query: str) -> bool:
    """Whether the query may hold SERVICE (a federated query: the engine would make an outbound
    HTTP request). Oxigraph's parser finds keywords without a boundary before them (`trueSERVICE
    <…>` is `true SERVICE <…>`), so any name with SERVICE in it counts, except a variable and
    the local part of a prefixed name (`?service`, `schema:Service`), which its parser reads
    whole. Strings, IRIs and comments do not count."""
    if "SERVICE" not in query.upper():
        return False
    for match in _SPARQL_TOKENS.finditer(query):
        name = match.group("name")
        if name is None or name[0] in "?$":
            continue
        if "SERVICE" in name.partition(":")[0].upper():
            return True
    return False


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers, or None when it accepts none of them
    (RFC 9110, 12.5.1): each offered type gets the quality of the most specific range that
    matches it (`text/turtle` before `text/*` before `*/*`, so `text/html;q=0, */*` excludes
    HTML); the highest quality wins, then the range named first, then the first offered. An
    empty header accepts anything: the first offered."""
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        quality = 1.0
        for part in parts[1:]:
            if part.lower().startswith("q="):
                try:
                    quality = min(max(float(part[2:]), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((parts[0].lower(), quality))
    if not ranges:
        return offered[0]
    best: tuple[float, int, int] | None = None
    choice = None
    for rank, candidate in enumerate(offered):
        major = candidate.split("/")[0] + "/*"
        matched = None  # (specificity, quality, position in the header)
        for position, (media, quality) in enumerate(ranges):
            specificity = {candidate: 3, major: 2, "*/*": 1}.get(media, 0)
            if specificity and (matched is None or specificity > matched[0]):
                matched = (specificity, quality, position)
        if matched is None or matched[1] <= 0:
            continue
        key = (-matched[1], matched[2], rank)
        if best is None or key < best:
            best, choice = key, candidate
    return choice


# ---------------------------------------------------------------------------------------------
# Query workers


class _Stopped(Exception):
    """A query was stopped; `reply` is what the client gets (None: the client left)."""

    def __init__(self, reply: tuple[int, str, bytes] | None):
        super().__init__()
        self.reply = reply


def _unavailable(message: str) -> tuple[int, str, bytes]:
    return HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", message.encode("utf-8")


class _Worker:
    """A query worker process (a fresh interpreter: no fork of a threaded server) and the
    connection to it."""

    def __init__(self, data: Path, limits: ServeLimits):
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        settings = json.dumps([str(data), dataclasses.asdict(limits)])
        program = ("import sys; from kutse_rdf.publish.serve import worker_main; "
                   "worker_main(int(sys.argv[1]), sys.argv[2])")
        self.process = subprocess.Popen(
            [sys.executable, "-c", program, str(theirs.fileno()), settings],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            # Rust's message when an allocation fails is the server's to report, in one line.
            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": path},
            start_new_session=True)  # Ctrl-C is for the server, which then kills its workers
        theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        self.ready = False  # its first message says whether it loaded the graph

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.conn.close()


class QueryPool:
    """QUERY_WORKERS processes, each with the build's graph loaded, answering one query at a
    time. A worker whose query is stopped is killed and replaced by a fresh one."""

    def __init__(self, data: Path, limits: ServeLimits, size: int = QUERY_WORKERS):
        self.data = data
        self.limits = limits
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.workers: set[_Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        started = [self._start() for _ in range(size)]
        for worker in started:  # a graph that cannot be read is a usage error at start
            try:
                message = worker.conn.recv()
            except EOFError:
                message = ("error", "the query worker could not start", str(data))
            if message[0] == "error":
                self.close()
                raise InputError(message[1], file=message[2])
            worker.ready = True
            self.idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.data, self.limits)
        with self.lock:
            self.workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self.lock:
            self.workers.discard(worker)
            if self.closed:
                return
        self.idle.put(self._start())

    def pids(self) -> set[int]:
        with self.lock:
            return {w.process.pid for w in self.workers}

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.kill()

    def run(self, request: tuple, client: socket.socket | None) -> tuple[int, str, bytes] | None:
        """(status, media type, body) for a query request, or None when the client left first."""
        timeout = self.limits.query_timeout
        deadline = time.monotonic() + timeout
        watch = [client] if client is not None else []
        worker = None
        while worker is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _unavailable(f"busy: no query worker was free within {timeout:g} s")
            try:
                worker = self.idle.get(timeout=min(0.25, remaining))
            except queue.Empty:
                if watch and _gone(watch[0]):
                    return None
        try:
            if not worker.ready:
                message = self._wait(worker, deadline, watch)
                if message[0] == "error":
                    raise _Stopped(_unavailable(f"cannot load the graph: {message[1]}"))
                worker.ready = True
            worker.conn.send(request)
            reply = self._wait(worker, deadline, watch)
        except _Stopped as stop:
            self._retire(worker)
            return stop.reply
        except (OSError, ValueError):  # its pipe broke: it died between two queries
            self._retire(worker)
            return _unavailable("the query worker died; try again")
        if reply[0] == HTTPStatus.SERVICE_UNAVAILABLE:
            self._retire(worker)  # a limit was hit: the memory it grew to goes with it
        else:
            self.idle.put(worker)
        return reply

    def _wait(self, worker: _Worker, deadline: float, watch: list[socket.socket]):
        """The worker's next message, watching the clock and the client."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Stopped(_unavailable(
                    f"query stopped: it ran longer than {self.limits.query_timeout:g} s "
                    "(kutse-rdf serve --query-timeout)"))
            ready = multiprocessing.connection.wait([worker.conn, *watch], timeout=remaining)
            if worker.conn in ready:
                try:
                    return worker.conn.recv()
                except (EOFError, OSError):
                    raise _Stopped(_unavailable(
                        "query stopped: its worker process died, out of memory "
                        f"(more than {self.limits.max_memory_mb:g} MB, kutse-rdf serve "
                        "--max-memory-mb) or on a query too deeply nested")) from None
            if watch and watch[0] in ready:
                if _gone(watch[0]):
                    raise _Stopped(None)
                watch = []  # it sent more (pipelining): stop watching it


def _gone(client: socket.socket) -> bool:
    """Whether the client closed its side (a read would give end-of-file)."""
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class _ResultTooLarge(Exception):
    pass


class _CappedBuffer:
    """Where an answer is serialized: refuses to grow past `limit` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, chunk) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _ResultTooLarge
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


def worker_main(fd: int, settings: str) -> None:
    """A query worker process: load the graph, then answer (query, default graphs, named graphs,
    Accept, label language) requests from the connection on `fd` with (status, media type, body) until it
    closes. `settings`: JSON of [the data file, ServeLimits as a dict]."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which kills us
    conn = multiprocessing.connection.Connection(fd)
    data_path, limit_fields = json.loads(settings)
    limits = ServeLimits(**limit_fields)
    _limit_memory(limits.max_memory_mb)
    die_with_parent(os.getppid())  # the server gone (even killed): end, also mid-query
    data = BuildData(Path(data_path))
    try:
        data.union()
    except InputError as error:
        conn.send(("error", error.message, error.file))
        return
    except MemoryError:
        message = f"the graph needs more than --max-memory-mb {limits.max_memory_mb:g}"
        conn.send(("error", message, data_path))
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(data, request, limits))


def _limit_memory(megabytes: float) -> None:
    try:
        import resource
        limit = int(megabytes * 1024 * 1024)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on this system: the time limit still holds
        pass


def _answer(data: BuildData, request: tuple, limits: ServeLimits) -> tuple[int, str, bytes]:
    text, default_graphs, named_graphs, accept, lang = request

    def plain(status: HTTPStatus, message: str) -> tuple[int, str, bytes]:
        return int(status), "text/plain", message.encode("utf-8")

    # Checked here, not in the server: reading a 10 MB query text is also under the time limit.
    if not limits.allow_service and uses_service(text):
        return plain(HTTPStatus.FORBIDDEN, "SERVICE (federated query) is off: this server makes "
                     "no outbound requests unless started with --allow-service")

    options = {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        store = data.store_for(text, dataset_given=bool(options))
        # the project's prefixes declared on a line before the query (the query's own win)
        answer = store.query(PROLOGUE + "\n" + text, **options)
    except SyntaxError as exc:
        return plain(HTTPStatus.BAD_REQUEST, syntax_error(str(exc), offset=1)[1])
    except (ValueError, OSError, InputError) as exc:  # InputError: the named graphs' file
        return plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
    except MemoryError:
        return plain(HTTPStatus.SERVICE_UNAVAILABLE, "query stopped: out of memory")
    choices = GRAPH_TYPES if isinstance(answer, ox.QueryTriples) else TABLE_TYPES
    media = negotiate(accept, list(choices))
    if media is None:
        return plain(HTTPStatus.NOT_ACCEPTABLE, "can answer " + ", ".join(choices))
    max_mb = limits.max_result_mb
    cap = int(max_mb * 1024 * 1024)
    too_large = plain(HTTPStatus.SERVICE_UNAVAILABLE,
                      f"answer refused: larger than {max_mb:g} MB (kutse-rdf "
                      "serve --max-result-mb); add LIMIT or narrow the query")
    out = _CappedBuffer(cap)
    try:
        if media == XLSX_MEDIA_TYPE:
            body = _workbook(answer, store, lang, cap)
        else:
            answer.serialize(out, format=choices[media])
            body = b"".join(out.parts)
    except _ResultTooLarge:
        return too_large
    except TooLarge as exc:
        return plain(HTTPStatus.NOT_ACCEPTABLE, f"the answer does not fit an Excel worksheet: "
                     f"{exc}; ask for text/csv")
    except MemoryError:
        return plain(HTTPStatus.SERVICE_UNAVAILABLE, "query stopped: out of memory")
    except (ValueError, OSError) as exc:
        return plain(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
    return int(HTTPStatus.OK), media, body


def _workbook(answer, store: ox.Store, lang: str, cap: int) -> bytes:
    """A SELECT or ASK answer as the workbook `kutse-rdf query --format xlsx` writes. The
    answer's text, the table made of it and the workbook each stay under `cap` bytes
    (_ResultTooLarge), as a text answer does."""
    if isinstance(answer, ox.QueryBoolean):
        return workbook(["boolean"], [[bool(answer)]])
    variables = [v.value for v in answer.variables]
    out = _CappedBuffer(cap)
    answer.serialize(out, format=TSV)
    result = Result(variables, answer=b"".join(out.parts), answer_format=TSV)
    csv_text = result.serialize(ox.QueryResultsFormat.CSV)
    if len(csv_text) > cap:
        raise _ResultTooLarge
    columns, rows = labelled_answer(variables, result.answer, csv_text, store, lang, typed=True)
    body = workbook(columns, rows)
    if len(body) > cap:
        raise _ResultTooLarge
    return body


def make_server(out: Path, port: int = 0, quiet: bool = False,
                limits: ServeLimits | None = None) -> PreviewServer:
    """A server for the build in `out` (not yet serving: call serve_forever)."""
    limits = limits or ServeLimits()
    site = out / "site"
    data = out / "data" / "all.trig"
    if not out.is_dir():
        raise InputError("no build here: run kutse-rdf build first", file=str(out))
    if not site.is_dir() and not data.is_file():
        raise InputError("the build has neither site/ nor data/all.trig: run kutse-rdf build",
                         file=str(out))
    queries = None
    if data.is_file():
        BuildData(data)  # the same checks of the file as `query --data`
        queries = QueryPool(data, limits)  # the graph is loaded before serving
    try:
        return PreviewServer(port, site, queries, quiet, limits)
    except OSError as exc:
        if queries is not None:
            queries.close()
        raise InputError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc} "
                         "(--port 0 picks a free port)") from None
