"""A registry's own store after `kutse-rdf publish`: the library queries over HTTP
(`kutse-rdf query --endpoint`) give the answers `kutse-rdf query --data` gives on the build, on
the real Oxigraph server, Virtuoso 7 and Apache Jena Fuseki with their default settings, and no
triple is stored in two named graphs. All servers on 127.0.0.1."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import threading

import pyoxigraph as ox
import pytest

from kutse_rdf import query as q
from kutse_rdf.cli import main
from support.scripted_stores import FUSEKI, GRAPHDB, scripted_store
from support.stores import fuseki_server, oxigraph_server, virtuoso_server

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
REGISTER = ROOT / "tests" / "fixtures" / "register"  # arborist-tase-4 in versions 5, 6 and a draft
GRAPH = "https://w3id.org/kutse-rdf/id/graph/"
STANDARD = "it-juht-tase-7"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch, tmp_path):
    for name in ("KUTSE_RDF_USER", "KUTSE_RDF_PASSWORD", "KUTSE_RDF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "build"
    assert main(["build", "--quiet", "--out", str(out), str(SEED)]) == 0
    return out


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield {"store": f"{url}/store", "query": f"{url}/query", "user": None}


@pytest.fixture(scope="module")
def oxigraph_union(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-union"),
                         "--union-default-graph") as url:
        yield {"store": f"{url}/store", "query": f"{url}/query", "user": None}


@pytest.fixture(scope="module")
def register_build(tmp_path_factory) -> Path:
    """Three standards, one in three versions: the seed (its own council, seven authors'
    organisations), "Arborist, tase 4" in versions 5, 6 and a draft, and "Arborist, tase 4
    esmane kutse" version 1. The four arborist documents name one council (Metsanduse
    kutsenõukogu) and one organisation (Näidisülikool), and every version the tool that built
    it: resources that several versions' graphs name."""
    out = tmp_path_factory.mktemp("register") / "build"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14: version 6 is current
        assert main(["build", "--quiet", "--out", str(out), str(SEED),
                     *map(str, sorted(REGISTER.glob("*.txt")))]) == 0
    return out


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield {"store": f"{url}/sparql-graph-crud-auth", "query": f"{url}/sparql",
               "user": ("dba", "dba")}


@pytest.fixture(scope="module")
def fuseki(tmp_path_factory):
    with fuseki_server(tmp_path_factory.mktemp("fuseki")) as url:
        yield {"store": f"{url}/ds/data", "query": f"{url}/ds/query", "user": None}


def publish(store: dict, build: Path, monkeypatch, capsys) -> str:
    if store["user"]:
        monkeypatch.setenv("KUTSE_RDF_USER", store["user"][0])
        monkeypatch.setenv("KUTSE_RDF_PASSWORD", store["user"][1])
    assert main(["publish", "--endpoint", store["store"], "--out", str(build)]) == 0
    for name in ("KUTSE_RDF_USER", "KUTSE_RDF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return capsys.readouterr().err


def select(endpoint: str, text: str) -> list[dict]:
    """A query sent as a form POST with no dataset: the store's own default graph."""
    request = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["results"]["bindings"]


def in_two_graphs(endpoint: str) -> int:
    rows = select(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } "
                            "GRAPH ?b { ?s ?p ?o } FILTER(?a != ?b) "
                            f'FILTER(STRSTARTS(STR(?a), "{GRAPH}") && '
                            f'STRSTARTS(STR(?b), "{GRAPH}")) }}')
    return int(rows[0]["n"]["value"])


def answer(capsys, *args: str) -> list:
    """`kutse-rdf query … --format json`: its rows, each as canonical terms, sorted (stores
    order equal keys differently)."""
    assert main(["query", *args, "--format", "json"]) == 0
    text = capsys.readouterr().out
    parsed = json.loads(text)
    if "boolean" in parsed:
        return [parsed["boolean"]]
    solutions = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in solutions.variables]
    assert names == parsed["head"]["vars"]
    return sorted(tuple(q.canonical(t) for t in row) for row in map(tuple, solutions))


# the required parameters that are not a standard: a competence of the seed, a day
OTHER_PARAMS = {"code": "B.3.5", "date": "2026-01-01"}


def params_for(query: q.QueryFile, optional: bool, values: dict[str, str]) -> list[str]:
    args = []
    for p in query.params:
        if p.type == "standard" and (p.required or optional):
            args += ["--param", f"{p.name}={values['standard']}"]
        elif p.required:
            args += ["--param", f"{p.name}={values[p.name]}"]
    return args


def library_answers_agree(store: dict, build: Path, capsys, *options: str,
                          values: dict[str, str] | None = None) -> None:
    data = str(build / "data" / "all.trig")
    values = values or {"standard": STANDARD, **OTHER_PARAMS}
    differ = []
    for name, query in q.library().items():
        for optional in (False, True):
            args = params_for(query, optional, values)
            local = answer(capsys, name, "--data", data, *args)
            remote = answer(capsys, name, "--endpoint", store["query"], *options, *args)
            if local != remote:
                a, b = Counter(local), Counter(remote)
                differ.append(f"{name} {args}: {len(local)} rows here, {len(remote)} there; "
                              f"only here {list(a - b)[:1]}, only there {list(b - a)[:1]}")
    assert not differ, "\n".join(differ)


@pytest.mark.server
def test_library_queries_agree_on_oxigraph_with_its_defaults(oxigraph, seed_build,
                                                             monkeypatch, capsys):
    publish(oxigraph, seed_build, monkeypatch, capsys)
    # the store's default graph is empty: a query must name the build's graphs itself
    assert select(oxigraph["query"], "SELECT * WHERE { ?s ?p ?o } LIMIT 1") == []
    library_answers_agree(oxigraph, seed_build, capsys)


@pytest.mark.server
def test_library_queries_agree_on_oxigraph_with_a_union_default_graph(oxigraph_union, seed_build,
                                                                      monkeypatch, capsys):
    """The union of the store's graphs as its default graph (each triple once: publish stores
    none in two graphs) is read as it is, without naming graphs."""
    publish(oxigraph_union, seed_build, monkeypatch, capsys)
    assert in_two_graphs(oxigraph_union["query"]) == 0
    library_answers_agree(oxigraph_union, seed_build, capsys)


@pytest.mark.server
def test_a_store_holding_several_versions_answers_for_the_current_ones(
        tmp_path, register_build, monkeypatch, capsys):
    """Every version of a standard is published; the queries read the current ones, as `query
    --data` does (data/current.nt), whether the store's default graph is the union or not."""
    with oxigraph_server(tmp_path, "--union-default-graph") as url:
        store = {"store": f"{url}/store", "query": f"{url}/query", "user": None}
        publish(store, register_build, monkeypatch, capsys)
        assert in_two_graphs(store["query"]) == 0
        values = {"standard": "arborist-tase-4", "code": "B.3.4", "date": "2020-01-01"}
        library_answers_agree(store, register_build, capsys, values=values)
        library_answers_agree(store, register_build, capsys, "--graph-base", GRAPH, values=values)


B = "https://w3id.org/kutse-rdf/id/"
COUNCIL = B + "council/metsanduse-kutsenoukogu"
ORGANISATION = B + "organisation/naidisulikool"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
APPROVED_BY = "https://w3id.org/kutse-rdf/ontology#approvedBy"
ARBORIST_VERSIONS = {GRAPH + "arborist-tase-4/version/" + k for k in ("5", "6", "draft")} | {
    GRAPH + "arborist-tase-4-esmane-kutse/version/1"}


def test_a_register_states_each_triple_in_one_graph_and_its_union_answers_as_the_cli(
        register_build, capsys):
    """all.trig of several standards and versions: no triple in two named graphs; what the
    versions say about the council, the organisation and the tool they share is in the shared
    graph once, each version's graph keeps its link. Every library query then gives over the
    union of the graphs (as a store with a union default graph is read: the current versions,
    the works', shared, changes, reference and inferred graphs) the answer `query --data` gives."""
    data = register_build / "data"
    store = ox.Store()
    store.bulk_load(path=str(data / "all.trig"), format=ox.RdfFormat.TRIG)
    graphs_of: dict = {}
    for quad in store:
        graphs_of.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object),
                             set()).add(quad.graph_name.value)
    assert graphs_of and [t for t, g in graphs_of.items() if len(g) > 1] == []
    for subject in (COUNCIL, ORGANISATION):
        [label] = [t for t in graphs_of if t.subject.value == subject
                   and t.predicate.value == RDFS_LABEL]
        assert graphs_of[label] == {GRAPH + "shared"}, subject
    assert {g for t, graphs in graphs_of.items() for g in graphs
            if t.predicate.value == APPROVED_BY and t.object.value == COUNCIL} == ARBORIST_VERSIONS
    manifest = json.loads((data / "graphs.json").read_text(encoding="utf-8"))
    [shared] = [e for e in manifest if e["kind"] == "shared"]
    assert (shared["graph"], shared["file"]) == (GRAPH + "shared", "shared.nt")
    # the union: each triple once (a COUNT over it counts no triple twice)
    current = {str(e["graph"]).rsplit("/version/", 1)[0] + "/version/" + e["current"]
               for e in manifest if e["kind"] == "work"}
    union = [ox.NamedNode(e["graph"]) for e in manifest if e["kind"] != "elm"
             and (e["kind"] != "standard" or e["graph"] in current)]
    assert len(union) == len(manifest) - 1 - 2  # less the ELM graph and arborist 5 and draft
    [[rows]] = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=union)
    [[distinct]] = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * "
                               "WHERE { ?s ?p ?o } }", default_graph=union)
    assert rows == distinct
    lookup = ox.Store()
    lookup.bulk_load(path=str(data / "current.nt"), format=ox.RdfFormat.N_TRIPLES)
    values = {"standard": "arborist-tase-4", "code": "B.3.4", "date": "2020-01-01"}
    differ, answered = [], 0
    for name, query in q.library().items():
        for optional in (False, True):
            args = params_for(query, optional, values)
            local = answer(capsys, name, "--data", str(data / "all.trig"), *args)
            given = dict(a.split("=", 1) for a in args[1::2])
            bindings = q.bind_params(query, given, lookup)
            result = store.query(query.text, default_graph=union,
                                 substitutions={ox.Variable(k): v for k, v in bindings.items()})
            there = [result] if isinstance(result, bool) else sorted(
                tuple(q.canonical(t) for t in row) for row in result)
            answered += bool(local)
            if local != there:
                differ.append(f"{name} {args}: {len(local)} rows here, {len(there)} there")
    assert not differ, "\n".join(differ)
    assert answered >= len(q.library())  # most answer something, not empty against empty


@pytest.mark.server
def test_library_queries_agree_on_virtuoso(virtuoso, seed_build, monkeypatch, capsys):
    """Virtuoso: booleans written as 1/0, integer division in percentages, an e-CF label
    subquery that lost rows, a hanging application/sparql-query POST. Its default graph is the
    union of its graphs; with --graph-base the build's graphs are named instead."""
    publish(virtuoso, seed_build, monkeypatch, capsys)
    library_answers_agree(virtuoso, seed_build, capsys)
    library_answers_agree(virtuoso, seed_build, capsys, "--graph-base", GRAPH)
    # an ASK comes back from Virtuoso as a one-row SELECT of 1
    assert main(["query", "-e", "ASK { ?s a kutse:OccupationalStandard }", "--endpoint",
                 virtuoso["query"]]) == 0
    assert capsys.readouterr().out == "yes\n"
    assert main(["query", "-e", "ASK { ?s a kutse:NoSuchClass }", "--endpoint",
                 virtuoso["query"], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["boolean"] is False


@pytest.mark.server
def test_library_queries_agree_on_fuseki(fuseki, seed_build, monkeypatch, capsys):
    publish(fuseki, seed_build, monkeypatch, capsys)
    library_answers_agree(fuseki, seed_build, capsys)


@pytest.mark.server
def test_no_triple_is_stored_in_two_graphs(oxigraph, seed_build, monkeypatch, capsys):
    # the ELM view repeats the ESCO skills' types and labels of the reference graph
    elm = set((seed_build / "data" / "elm.nt").read_bytes().splitlines())
    reference = set((seed_build / "data" / "reference.nt").read_bytes().splitlines())
    shared = len(elm & reference)
    assert shared > 0
    err = publish(oxigraph, seed_build, monkeypatch, capsys)
    assert f"<{GRAPH}elm> ({len(elm) - shared} triples; {shared} left out, the reference " \
        "graph holds them)" in err
    assert in_two_graphs(oxigraph["query"]) == 0
    # the reference graph is whole; the ELM graph holds the rest of its file
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in select(
        oxigraph["query"],
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    assert counts[GRAPH + "reference"] == len(reference)
    assert counts[GRAPH + "elm"] == len(elm) - shared


@pytest.mark.server
def test_the_standard_parameter_by_title_and_labels_from_the_store(oxigraph, seed_build,
                                                                   monkeypatch, capsys):
    publish(oxigraph, seed_build, monkeypatch, capsys)
    data = str(seed_build / "data" / "all.trig")
    for fmt in ("table", "csv", "md"):
        args = ["coverage-matrix", "--param", "standard=IT-juht, tase 7", "--format", fmt]
        assert main(["query", *args, "--data", data]) == 0
        here = capsys.readouterr().out
        assert main(["query", *args, "--endpoint", oxigraph["query"]]) == 0
        assert capsys.readouterr().out == here
    assert "IT arendusjuht, tase 7" in here
    # an unknown standard is named as a local run names it
    assert main(["query", "coverage-matrix", "--param", "standard=no-such",
                 "--endpoint", oxigraph["query"]]) == 2
    assert "no standard 'no-such' in the graph" in capsys.readouterr().err


class Recorder(BaseHTTPRequestHandler):
    """A SPARQL endpoint that records what it is sent and knows one graph."""
    sent: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.sent.append((self.headers["Content-Type"], urllib.parse.parse_qs(body.decode())))
        text = urllib.parse.parse_qs(body.decode())["query"][0]
        if "SELECT DISTINCT ?g" in text:
            rows = [{"g": {"type": "uri", "value": GRAPH + g}} for g in ("a", "elm", "reference")]
            reply = {"head": {"vars": ["g"]}, "results": {"bindings": rows}}
        else:
            reply = {"head": {"vars": ["x"]}, "results": {"bindings": []}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_queries_are_form_posts_naming_the_builds_graphs_but_elm(capsys):
    """A store whose default graph is empty (Oxigraph and Fuseki as they start)."""
    handler = type("Handler", (Recorder,), {"sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        assert main(["query", "-e", "SELECT ?x WHERE { ?x a kutse:Competence }",
                     "--endpoint", url, "--format", "csv"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert capsys.readouterr().out == "x\r\n"
    kinds = {kind for kind, _ in handler.sent}
    assert kinds == {"application/x-www-form-urlencoded"}  # never application/sparql-query
    # the store's default graph holds no standard: the build's graphs are named
    versions, current, ask, listing, run = handler.sent  # which versions are current, first
    assert "isVersionOf" in versions[1]["query"][0] and "hasCurrentVersion" in current[1]["query"][0]
    assert ask[1]["query"][0].startswith("ASK") and "default-graph-uri" not in ask[1]
    assert "default-graph-uri" not in listing[1]
    assert run[1]["default-graph-uri"] == [GRAPH + "a", GRAPH + "reference"]


def test_endpoint_errors_are_one_line(seed_build, capsys):
    assert main(["query", "coverage-summary", "--endpoint", "http://127.0.0.1:1/sparql"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kutse-rdf: http://127.0.0.1:1/sparql: endpoint unreachable")
    assert err.count("\n") == 1
    assert main(["query", "coverage-summary", "--endpoint", "ftp://x/sparql"]) == 2
    assert "--endpoint must be an http(s) URL" in capsys.readouterr().err
    assert main(["query", "coverage-summary", "--endpoint", "http://127.0.0.1:1/sparql",
                 "--data", str(seed_build / "data" / "all.trig")]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["query", "coverage-summary", "--graph-base", "http://x/"]) == 2
    assert "--graph-base goes with --endpoint" in capsys.readouterr().err


def test_parameters_are_bound_in_every_where_group_and_at_the_end():
    from kutse_rdf.query.remote import with_values

    text = ('SELECT ?s ?n WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p "WHERE {" } '
            'GROUP BY ?s } } # WHERE {')
    bound = with_values(text, {"s": ox.NamedNode("http://example.org/x")})
    assert bound.count("VALUES (?s) { (<http://example.org/x>) }") == 3
    assert bound.count("WHERE {") == 4  # the string's and the comment's stay, nothing after them
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/x"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("WHERE {")))
    store.add(ox.Quad(ox.NamedNode("http://example.org/y"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("WHERE {")))
    assert [(r[0].value, r[1].value) for r in store.query(bound)] == [("http://example.org/x", "1")]


# --- Fuseki and GraphDB, scripted (tests/support/scripted_stores.py) -----------------------
# Neither can run here (Fuseki's jar is on Maven Central, out of reach of the development
# machine; GraphDB is not free to download from a registry), so each is a scripted server at
# the store's documented URLs, with its status codes, default graph and authentication (the
# sources are cited in scripted_stores.py). The URLs are those of docs/publishing.md's table.

SCRIPTED = {
    # docs/publishing.md: `http://host:3030/DATASET/data`, queries at …/DATASET/sparql or /query
    "fuseki": (FUSEKI, ("admin", "fuseki-pw"), "/ds/data", "/ds/sparql"),
    # docs/publishing.md: `…/repositories/REPO/rdf-graphs/service`, queries at …/repositories/REPO
    "graphdb": (GRAPHDB, ("admin", "root"), "/repositories/kutse/rdf-graphs/service",
                "/repositories/kutse"),
}


@pytest.fixture(params=sorted(SCRIPTED))
def scripted(request):
    flavour, user, store, query = SCRIPTED[request.param]
    with scripted_store(flavour, user) as state:
        yield state, {"store": state.url + store, "query": state.url + query, "user": user}


def test_publish_to_scripted_fuseki_and_graphdb_as_documented(scripted, seed_build,
                                                             monkeypatch, capsys):
    """Basic credentials from the environment on every write; each graph stored whole (the
    ELM graph less the reference graph's triples); publishing again replaces, not adds."""
    state, store = scripted
    manifest = json.loads((seed_build / "data" / "graphs.json").read_text())
    for _ in range(2):
        err = publish(store, seed_build, monkeypatch, capsys)
        counts = state.graphs()
        assert set(counts) == {e["graph"] for e in manifest}
        for e in manifest:
            left_out = 0 if e["kind"] != "elm" else int(
                err.split(f"<{e['graph']}> (")[1].split("; ")[1].split(" left out")[0])
            assert counts[e["graph"]] == e["triples"] - left_out, e["graph"]
    writes = [r for r in state.requests if r[0] == "PUT"]
    assert len(writes) == 2 * len(manifest) and {r[2] for r in writes} == {"Basic"}
    assert in_two_graphs(store["query"]) == 0


def test_scripted_stores_refuse_a_wrong_password_in_one_line(scripted, seed_build,
                                                            monkeypatch, capsys):
    state, store = scripted
    monkeypatch.setenv("KUTSE_RDF_USER", "admin")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "not-the-password")
    assert main(["publish", "--endpoint", store["store"], "--out", str(seed_build)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not-the-password" not in err
    assert "HTTP 401" in err and "refused Basic credentials" in err
    assert state.graphs() == {}
    monkeypatch.delenv("KUTSE_RDF_PASSWORD")
    assert main(["publish", "--endpoint", store["store"], "--out", str(seed_build)]) == 1
    assert "the endpoint wants credentials" in capsys.readouterr().err


def test_prune_on_scripted_stores_lists_through_the_derived_query_endpoint(
        scripted, seed_build, monkeypatch, capsys):
    """--prune derives the query endpoint of docs/publishing.md's table from --endpoint
    (Fuseki /ds/data -> /ds/sparql, GraphDB …/rdf-graphs/service -> /repositories/kutse),
    lists the store's graphs there and deletes the withdrawn standard's graph only."""
    state, store = scripted
    publish(store, seed_build, monkeypatch, capsys)
    triple = (ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
              ox.Literal("o"))
    withdrawn, outside = GRAPH + "withdrawn-tase-4", "http://example.org/other-graph"
    for graph in (withdrawn, outside):
        state.store.add(ox.Quad(*triple, ox.NamedNode(graph)))
    monkeypatch.setenv("KUTSE_RDF_USER", store["user"][0])
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", store["user"][1])
    assert main(["publish", "--endpoint", store["store"], "--out", str(seed_build),
                 "--prune"]) == 0
    assert f"deleted <{withdrawn}>" in capsys.readouterr().err
    assert withdrawn not in state.graphs() and outside in state.graphs()
    listing = [r for r in state.requests if r[0] == "GET"]
    assert [r[1] for r in listing] == [urllib.parse.urlsplit(store["query"]).path]
    deletes = [r for r in state.requests if r[0] == "DELETE"]
    assert len(deletes) == 1 and deletes[0][2] == "Basic"


def test_library_queries_agree_on_scripted_fuseki_and_graphdb(scripted, seed_build,
                                                             monkeypatch, capsys):
    """`query --endpoint` on each store's documented query URL, read without credentials
    (GraphDB: free access to read; Fuseki: only the data endpoint is protected): Fuseki's
    in-memory default graph is empty, so the build's graphs are named; GraphDB's is the union
    of its graphs, read as it is."""
    state, store = scripted
    publish(store, seed_build, monkeypatch, capsys)
    state.requests.clear()
    library_answers_agree(store, seed_build, capsys)
    assert {r[2] for r in state.requests} == {""}  # no credentials sent to the query URL


def test_graphdb_takes_basic_on_every_call_or_its_login_token(seed_build):
    """[GDB-AUTH] A GDB token from /rest/login is accepted too, but publish sends a token as
    `Bearer` (KUTSE_RDF_TOKEN), which GraphDB's own scheme is not: with GraphDB, publish uses
    the user and password (Basic), as docs/publishing.md says."""
    with scripted_store(GRAPHDB, ("admin", "root")) as state:
        login = urllib.request.Request(state.url + "/rest/login", method="POST", data=b"",
                                       headers={"X-GraphDB-Password": "root"})
        with urllib.request.urlopen(login, timeout=10) as response:
            token = response.headers["Authorization"]
        assert token.startswith("GDB ")
        url = state.url + "/repositories/kutse/rdf-graphs/service?graph=" + \
            urllib.parse.quote(GRAPH + "x", safe="")
        for authorization, status in ((token, 204), ("Bearer " + token[4:], 401)):
            put = urllib.request.Request(url, method="PUT", data=b"<a:b> <a:c> <a:d> .\n",
                                         headers={"Content-Type": "application/n-triples",
                                                  "Authorization": authorization})
            try:
                with urllib.request.urlopen(put, timeout=10) as response:
                    got = response.status
            except urllib.error.HTTPError as exc:
                got = exc.code
            assert got == status, authorization[:6]


@pytest.mark.server
def test_prune_on_a_real_store_deletes_a_withdrawn_standards_versions(
        tmp_path, register_build, seed_build, monkeypatch, capsys):
    """A real build's graphs are named B graph/S and B graph/S/version/K: after the register's
    standard (three versions) is withdrawn, --prune deletes its work's and versions' graphs and
    keeps the seed's; with --graph-base the versions of two standards keep apart."""
    with oxigraph_server(tmp_path / "store") as url:
        store = {"store": f"{url}/store", "query": f"{url}/query", "user": None}
        publish(store, register_build, monkeypatch, capsys)
        register = {e["graph"] for e in json.loads(
            (register_build / "data" / "graphs.json").read_text())}
        seed = {e["graph"] for e in json.loads((seed_build / "data" / "graphs.json").read_text())}
        withdrawn = register - seed  # the works, their versions, the changes between them
        assert GRAPH + "arborist-tase-4/version/5" in withdrawn and GRAPH + "changes" in withdrawn
        assert main(["publish", "--endpoint", store["store"], "--out", str(seed_build),
                     "--prune"]) == 0
        err = capsys.readouterr().err
        assert sorted(line.split("<")[1].split(">")[0] for line in err.splitlines()
                      if line.startswith("kutse-rdf: deleted <") or line.startswith("deleted <")
                      ) == sorted(withdrawn), err
        graphs = {row["g"]["value"] for row in select(
            store["query"], "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        assert graphs == seed
        # --graph-base keeps the path below B graph/: the draft is …/it-juht-tase-7/version/draft
        base = "http://registry.example/g/"
        assert main(["publish", "--endpoint", store["store"], "--out", str(seed_build),
                     "--graph-base", base]) == 0
        capsys.readouterr()
        graphs = {row["g"]["value"] for row in select(
            store["query"], "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        assert {base + "it-juht-tase-7/version/draft", base + "it-juht-tase-7"} <= graphs
        assert main(["query", "coverage-summary", "--endpoint", store["query"],
                     "--graph-base", base, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["results"]["bindings"]
