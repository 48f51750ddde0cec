"""`kutse-rdf serve`: static files of OUT/site and the SPARQL 1.1 Protocol endpoint at /sparql,
on 127.0.0.1 only. The build served is a small folder made here (data/all.trig = the hand-written
mini graph), except in the end-to-end test, which builds the seed."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kutse_rdf import query as q
from kutse_rdf.cli import main
from kutse_rdf.errors import InputError
from kutse_rdf.publish.serve import make_server, negotiate
from support.serve import MINI, make_build, serving

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"


@pytest.fixture()
def server(tmp_path):
    with serving(make_build(tmp_path / "build")) as srv:
        yield srv


def get(url: str, accept: str | None = None, data: bytes | None = None,
        content_type: str | None = None):
    request = urllib.request.Request(url, data=data)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def library_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def cli_json(capsys, *argv) -> dict:
    assert main(["query", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)


def test_static_files_with_linked_data_types(server):
    status, kind, body = get(server.url)
    assert status == 200 and kind.startswith("text/html") and "Näidis".encode() in body
    status, kind, _ = get(server.url + "standard/index.ttl")
    assert status == 200 and kind.startswith("text/turtle")
    status, _, _ = get(server.url + "nothing-here.html")
    assert status == 404


def test_data_outside_the_site_is_not_served(server):
    status, _, _ = get(server.url + "%2e%2e/data/all.trig")
    assert status == 404


def test_get_library_query_matches_the_cli(server, capsys):
    query = urllib.parse.quote(library_text("unique-competences"))
    status, kind, body = get(f"{server.url}sparql?query={query}",
                             accept="application/sparql-results+json")
    assert status == 200 and kind.startswith("application/sparql-results+json")
    over_http = json.loads(body)
    from_cli = cli_json(capsys, "unique-competences", "--data", str(MINI))
    assert over_http == from_cli
    assert [b["notation"]["value"] for b in over_http["results"]["bindings"]] == ["B.3.1", "B.3.3"]


def test_post_form_and_direct_body_answer_the_same(server):
    text = library_text("coverage-matrix")
    form = urllib.parse.urlencode({"query": text}).encode()
    _, _, by_form = get(server.url + "sparql", accept="application/sparql-results+json",
                        data=form, content_type="application/x-www-form-urlencoded")
    _, _, by_body = get(server.url + "sparql", accept="application/json", data=text.encode(),
                        content_type="application/sparql-query")
    assert json.loads(by_form) == json.loads(by_body)
    assert len(json.loads(by_form)["results"]["bindings"]) == 8


def test_csv_by_accept_matches_the_api(server):
    text = library_text("shared-competences")
    status, kind, body = get(server.url + "sparql", accept="text/csv", data=text.encode(),
                             content_type="application/sparql-query")
    assert status == 200 and kind.startswith("text/csv")
    store = q.store_from_file(MINI)
    expected = q.to_csv(q.run(store, q.library()["shared-competences"]))
    assert list(csv.reader(io.StringIO(body.decode()))) == list(csv.reader(io.StringIO(expected)))


def test_ask_and_construct(server):
    ask = urllib.parse.quote("ASK { ?c a <https://w3id.org/kutse-rdf/ontology#Competence> }")
    _, _, body = get(f"{server.url}sparql?query={ask}")
    assert json.loads(body) == {"head": {}, "boolean": True}
    construct = urllib.parse.quote("CONSTRUCT { ?c ?p ?o } WHERE { ?c "
                                   "<http://www.w3.org/2004/02/skos/core#notation> \"B.3.4\" ; ?p ?o }")
    status, kind, body = get(f"{server.url}sparql?query={construct}", accept="application/n-triples")
    assert status == 200 and kind.startswith("application/n-triples")
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    assert any(t.object == ox.Literal("Valikuline", language="et") for t in triples)


def test_named_graph_protocol_parameters(server):
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    graph = urllib.parse.quote("https://w3id.org/kutse-rdf/id/graph/inferred")
    _, _, body = get(f"{server.url}sparql?query={query}&default-graph-uri={graph}")
    # mini.trig's inferred graph holds 5 triples
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"


@pytest.mark.parametrize("path, data, content_type, accept, status", [
    ("sparql?query=SELEC", None, None, None, 400),
    ("sparql", None, None, None, 400),
    ("sparql?update=CLEAR%20ALL", None, None, None, 403),
    ("sparql", b"CLEAR ALL", "application/sparql-update", None, 403),
    ("sparql", b"x", "text/plain", None, 415),
    ("sparql?query=ASK%7B%7D", None, None, "image/png", 406),
    ("index.html", b"query=ASK{}", "application/x-www-form-urlencoded", None, 405),
])
def test_protocol_errors(server, path, data, content_type, accept, status):
    got, kind, body = get(server.url + path, accept=accept, data=data, content_type=content_type)
    assert got == status
    if path.startswith("sparql"):
        assert kind.startswith("text/plain") and body.strip()


def test_syntax_error_message_names_the_position(server):
    _, _, body = get(f"{server.url}sparql?query=" + urllib.parse.quote("SELECT ?x\nWHERE { ?x }"))
    assert body.decode().startswith("SPARQL syntax error at line 2, column ")


def test_content_negotiation():
    offered = ["application/sparql-results+json", "text/csv"]
    assert negotiate("", offered) == "application/sparql-results+json"
    assert negotiate("*/*", offered) == "application/sparql-results+json"
    assert negotiate("text/csv;q=0.9, application/sparql-results+json;q=0.5", offered) == "text/csv"
    assert negotiate("text/*", offered) == "text/csv"
    assert negotiate("image/png", offered) is None
    assert negotiate("text/csv;q=0", offered) is None


def test_missing_build_is_a_usage_error(tmp_path):
    with pytest.raises(InputError, match="run kutse-rdf build"):
        make_server(tmp_path / "nothing", port=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="neither site/ nor data/all.trig"):
        make_server(tmp_path / "empty", port=0)


def test_port_in_use_is_a_usage_error(server, tmp_path):
    with pytest.raises(InputError, match="cannot listen on 127.0.0.1"):
        make_server(make_build(tmp_path / "other"), port=server.server_address[1])


def test_cli_serve_with_port_0_prints_the_url(tmp_path):
    """The command itself, in a subprocess: the URL on stdout, a query over HTTP, then stop."""
    build = make_build(tmp_path / "build")
    process = subprocess.Popen([sys.executable, "-m", "kutse_rdf", "serve", "--out", str(build),
                                "--port", "0", "--quiet"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), process.stderr.read()
        query = urllib.parse.quote(library_text("shared-competences"))
        status, _, body = get(f"{url}sparql?query={query}")
        assert status == 200
        assert [b["notation"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["B.3.2"]
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_end_to_end_on_the_seed_build(tmp_path, capsys):
    """kutse-rdf build on the seed, then serve it: the endpoint answers like the query CLI."""
    pytest.importorskip("kutse_rdf.reading.parser")
    pytest.importorskip("kutse_rdf.graph.vocab")
    out = tmp_path / "build"
    assert main(["build", str(ROOT / "standards" / "it-juht-tase-7.txt"), "--out", str(out),
                 "--quiet"]) in (0, 1)
    capsys.readouterr()
    with serving(out) as srv:
        query = urllib.parse.quote(library_text("shared-competences"))
        _, _, body = get(f"{srv.url}sparql?query={query}")
    over_http = json.loads(body)
    from_cli = cli_json(capsys, "shared-competences", str(ROOT / "standards"), "--out", str(out))
    assert over_http == from_cli
    assert [b["notation"]["value"] for b in over_http["results"]["bindings"]] == ["B.3.13", "B.3.15"]
    reports = out / "reports" / "queries"
    assert json.loads((reports / "shared-competences.json").read_text(encoding="utf-8")) == from_cli


def test_graph_free_queries_on_the_union_and_graph_queries_on_the_named_graphs(tmp_path, capsys):
    """With all.nt beside all.trig (a real build), a query naming no graph runs on the union
    alone and a GRAPH query (or a protocol dataset) on the named graphs; all over HTTP."""
    build = make_build(tmp_path / "build")
    union = {ox.Triple(x.subject, x.predicate, x.object)
             for x in ox.parse(path=str(MINI), format=ox.RdfFormat.TRIG)}
    (build / "data" / "all.nt").write_bytes(ox.serialize(union, format=ox.RdfFormat.N_TRIPLES))
    with serving(build) as srv:
        library = urllib.parse.quote(library_text("unique-competences"))
        _, _, by_union = get(f"{srv.url}sparql?query={library}")
        graphs = urllib.parse.quote("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        _, _, named = get(f"{srv.url}sparql?query={graphs}")
        count = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        inferred = urllib.parse.quote("https://w3id.org/kutse-rdf/id/graph/inferred")
        _, _, in_inferred = get(f"{srv.url}sparql?query={count}&default-graph-uri={inferred}")
    assert json.loads(by_union) == cli_json(capsys, "unique-competences", "--data", str(MINI))
    assert [b["g"]["value"].rsplit("/", 1)[-1] for b in json.loads(named)["results"]["bindings"]] == [
        "inferred", "naidis-tase-6", "reference"]
    assert json.loads(in_inferred)["results"]["bindings"][0]["n"]["value"] == "5"
