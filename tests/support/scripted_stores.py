"""Scripted triple stores on 127.0.0.1 for the stores that cannot run here: Apache Jena Fuseki
(its jar cannot be fetched on the development machine) and Ontotext GraphDB (not free to
download from a package registry). Each speaks the part of the store's documented HTTP protocol
that `kutse-rdf publish` and `kutse-rdf query --endpoint` use, at the store's own URLs, with its
status codes, its default graph and its authentication; the data sit in an in-memory Oxigraph
store, so SPARQL answers are real. Where each detail comes from is said beside it.

Sources:
- [GSP] SPARQL 1.1 Graph Store HTTP Protocol, W3C Recommendation, and its test suite
  (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/): `?graph=IRI`
  names the graph; PUT of a new graph 201 Created, of an existing one 204 No Content (or 200);
  DELETE 204, of a graph the store does not hold 404.
- [SPARQL-P] SPARQL 1.1 Protocol: GET ?query=, POST form (query=…) or application/sparql-query;
  default-graph-uri / named-graph-uri name the dataset.
- [FUSEKI-DS] Fuseki data services
  (https://jena.apache.org/documentation/fuseki2/fuseki-data-services.html) and endpoint
  configuration (…/fuseki2/fuseki-config-endpoint.html): a dataset /NAME with the named
  endpoints /NAME/query and /NAME/sparql (query), /NAME/update, /NAME/data (GSP read-write),
  /NAME/get (GSP read-only); `--mem` is an in-memory dataset whose default graph is its own
  (not the union: that is `tdb2:unionDefaultGraph`).
- [FUSEKI-AUTH] Data access control for Fuseki Main
  (https://jena.apache.org/documentation/fuseki2/fuseki-data-access-control.html): HTTP Basic
  authentication (server `--passwd` file, `fuseki:allowedUsers` on a service or endpoint), a
  401 with a `WWW-Authenticate: Basic` challenge without credentials or with wrong ones.
- [RDF4J] The RDF4J REST API (https://rdf4j.org/documentation/reference/rest-api/), which
  GraphDB serves: /repositories/ID answers queries (GET/POST), /repositories/ID/statements,
  /repositories/ID/rdf-graphs/service is the Graph Store Protocol on indirectly referenced
  named graphs (`?graph=IRI`); a repository's default graph is the union of all its graphs
  (RDF4J's dataset semantics: a query without a dataset reads every context).
- [GDB-AUTH] GraphDB's authentication
  (https://graphdb.ontotext.com/documentation/free/authentication.html): with security on, a
  request carries `Authorization: GDB <token>` (a JWT from POST /rest/login) or HTTP Basic on
  every call (Ontotext-AD/graphdb.js#103, eclipse-rdf4j/rdf4j#1367); "free access" mode lets
  anonymous users read a repository (…/secure-graphdb-server.html). No `WWW-Authenticate`
  challenge is documented for its 401, so none is sent here.
"""
from __future__ import annotations

import base64
import contextlib
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

RDF_TYPES = {  # request media types a GSP PUT may carry (both stores take these)
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class Flavour:
    name: str
    gsp: str  # the Graph Store Protocol path
    queries: tuple[str, ...]  # the paths that answer SPARQL queries
    union_default: bool  # the store's default graph is the union of its graphs
    put_new: int  # status of a PUT that creates a graph
    put_existing: int  # status of a PUT that replaces one
    delete_missing: int  # status of a DELETE of a graph the store does not hold
    challenge: str | None  # the WWW-Authenticate header of a 401
    token_scheme: str | None = None  # an Authorization scheme for a login token (GDB)


FUSEKI = Flavour(
    "fuseki", gsp="/ds/data", queries=("/ds/query", "/ds/sparql", "/ds"),  # [FUSEKI-DS]
    union_default=False,  # [FUSEKI-DS] --mem
    put_new=201, put_existing=204, delete_missing=404,  # [GSP] test suite
    challenge='Basic realm="Fuseki"')  # [FUSEKI-AUTH]
GRAPHDB = Flavour(
    "graphdb", gsp="/repositories/kutse/rdf-graphs/service",  # [RDF4J]
    queries=("/repositories/kutse",), union_default=True,  # [RDF4J]
    put_new=204, put_existing=204, delete_missing=204,  # [RDF4J] 204 No Content on success
    challenge=None, token_scheme="GDB")  # [GDB-AUTH]


@dataclass
class ScriptedStore:
    flavour: Flavour
    user: tuple[str, str]  # who may write
    url: str = ""
    store: ox.Store = field(default_factory=ox.Store)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, auth)
    tokens: set[str] = field(default_factory=set)

    def graphs(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for quad in self.store:
            if isinstance(quad.graph_name, ox.NamedNode):
                counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
        return counts

    def login(self) -> str:
        """[GDB-AUTH] POST /rest/login answers with `Authorization: GDB <token>`."""
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return f"GDB {token}"


def handler_for(state: ScriptedStore) -> type[BaseHTTPRequestHandler]:
    flavour = state.flavour

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status: int, body: bytes = b"", media: str = "text/plain",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body or status not in (204, 304):
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def authorised(self) -> bool:
            given = self.headers.get("Authorization", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() == "basic":
                try:
                    user, _, password = base64.b64decode(value).decode().partition(":")
                except ValueError:
                    return False
                return (user, password) == state.user
            if flavour.token_scheme and scheme == flavour.token_scheme:
                return value in state.tokens
            return False

        def refuse(self) -> None:
            headers = {"WWW-Authenticate": flavour.challenge} if flavour.challenge else {}
            self.reply(401, b"Unauthorized\n", headers=headers)

        def handle_any(self) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            body = self.body() if self.command in ("PUT", "POST") else b""
            state.requests.append((self.command, parts.path,
                                   self.headers.get("Authorization", "").split(" ")[0]))
            if parts.path == "/rest/login" and flavour.token_scheme and self.command == "POST":
                if self.headers.get("X-GraphDB-Password") == state.user[1]:
                    self.reply(200, b"{}", "application/json",
                               {"Authorization": state.login()})
                else:
                    self.reply(401, b"Bad credentials\n")
                return
            if parts.path == flavour.gsp:
                self.graph_store(params, body)
            elif parts.path in flavour.queries and self.command in ("GET", "POST"):
                self.query(params, body)
            else:
                self.reply(404, b"Not Found\n")

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

        def graph_store(self, params: dict, body: bytes) -> None:
            if self.command in ("PUT", "DELETE", "POST") and not self.authorised():
                self.refuse()
                return
            names = params.get("graph", [])
            if len(names) != 1:
                self.reply(400, b"name one graph: ?graph=IRI\n")
                return
            graph = ox.NamedNode(names[0])
            held = any(True for _ in state.store.quads_for_pattern(None, None, None, graph))
            if self.command == "DELETE":
                if not held:
                    self.reply(flavour.delete_missing, b"" if flavour.delete_missing == 204
                               else b"No such graph\n")
                    return
                state.store.clear_graph(graph)
                state.store.remove_graph(graph)
                self.reply(204)
            elif self.command == "PUT":
                media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if media not in RDF_TYPES:
                    self.reply(415, b"Unsupported Media Type\n")
                    return
                try:
                    quads = [ox.Quad(q.subject, q.predicate, q.object, graph)
                             for q in ox.parse(body, format=RDF_TYPES[media])]
                except SyntaxError as exc:
                    self.reply(400, f"parse error: {exc}\n".encode())
                    return
                if held:
                    state.store.clear_graph(graph)
                state.store.extend(quads)
                status = flavour.put_existing if held else flavour.put_new
                self.reply(status, b"" if status == 204 else b"Created\n")
            else:
                self.reply(405, b"Method Not Allowed\n")

        def query(self, params: dict, body: bytes) -> None:
            # [SPARQL-P]: GET ?query=, or POST as a form or as application/sparql-query
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if self.command == "POST" and media == "application/x-www-form-urlencoded":
                for key, values in parse_qs(body.decode()).items():
                    params.setdefault(key, []).extend(values)
            elif self.command == "POST" and media == "application/sparql-query":
                params["query"] = [body.decode()]
            if len(params.get("query", [])) != 1:
                self.reply(400, b"one query please\n")
                return
            default = [ox.NamedNode(g) for g in params.get("default-graph-uri", [])]
            named = [ox.NamedNode(g) for g in params.get("named-graph-uri", [])]
            options = {}
            if default:
                options["default_graph"] = default
                # [SPARQL-P] a request naming its default graphs and no named graphs has none
                options["named_graphs"] = named
            elif named:
                options["named_graphs"] = named
            else:
                options["use_default_graph_as_union"] = flavour.union_default
            try:
                answer = state.store.query(params["query"][0], **options)
            except SyntaxError as exc:
                self.reply(400, f"Parse error: {exc}\n".encode())
                return
            if isinstance(answer, ox.QueryTriples):
                self.reply(200, answer.serialize(format=ox.RdfFormat.N_TRIPLES),
                           "application/n-triples")
            else:
                self.reply(200, answer.serialize(format=ox.QueryResultsFormat.JSON),
                           "application/sparql-results+json")

    return Handler


@contextlib.contextmanager
def scripted_store(flavour: Flavour, user: tuple[str, str]):
    state = ScriptedStore(flavour, user)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
