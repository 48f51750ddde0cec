"""kutse-rdf publish: the Graph Store Protocol upload, against a real Oxigraph server and against
tiny scripted HTTP servers for the failure paths (all on 127.0.0.1)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import socketserver
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kutse_rdf.cli import main
from kutse_rdf.publish import upload as publish_module
from support.stores import free_port, oxigraph_server, virtuoso_server

BASE = "https://w3id.org/kutse-rdf/id/"
EX = "<https://w3id.org/kutse-rdf/id/standard/demo/"
# Three small graphs written by hand: the expected counts are the lines below.
GRAPHS = {
    "standards/demo.nt": (BASE + "graph/demo", "standard", [
        f"{EX}qualification> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"IT-juht, tase 7"@et .',
        f"{EX}qualification> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/2004/02/skos/core#Concept> .",
        f"{EX}competence/B.3.1> <http://www.w3.org/2004/02/skos/core#notation> \"B.3.1\" .",
    ]),
    "reference.nt": (BASE + "graph/reference", "reference", [
        "<http://data.europa.eu/snb/eqf/7> <http://www.w3.org/2004/02/skos/core#notation> \"7\" .",
        "<http://data.europa.eu/snb/eqf/7> <http://www.w3.org/2004/02/skos/core#inScheme> "
        "<http://data.europa.eu/snb/eqf/25831c2> .",
    ]),
    "elm.nt": (BASE + "graph/elm", "elm", [
        f"{EX}qualification> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://data.europa.eu/snb/model/elm/Qualification> .",
    ]),
}


def write_build(out: Path, graphs: dict = GRAPHS) -> Path:
    data = out / "data"
    manifest = []
    for file, (graph, kind, lines) in graphs.items():
        (data / file).parent.mkdir(parents=True, exist_ok=True)
        (data / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
        manifest.append({"graph": graph, "file": file, "triples": len(lines), "kind": kind})
    (data / "graphs.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.fixture
def build(tmp_path) -> Path:
    return write_build(tmp_path / "build")


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch, tmp_path):
    for name in ("KUTSE_RDF_USER", "KUTSE_RDF_PASSWORD", "KUTSE_RDF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    # keep the retry tests quick; the back-off arithmetic is the same
    monkeypatch.setattr(publish_module, "BACKOFF_S", 0.01)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A real Oxigraph server: Graph Store at /store, SPARQL at /query."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def count(server: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{server}/query?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def manifest_counts(build: Path) -> dict[str, int]:
    return {e["graph"]: e["triples"]
            for e in json.loads((build / "data" / "graphs.json").read_text())}


@pytest.mark.server
def test_publish_to_oxigraph_then_counts_match(oxigraph, build, capsys):
    assert main(["publish", "--endpoint", f"{oxigraph}/store", "--out", str(build)]) == 0
    expected = {GRAPHS[f][0]: len(GRAPHS[f][2]) for f in GRAPHS}
    assert manifest_counts(build) == expected
    assert {g: count(oxigraph, g) for g in expected} == expected
    err = capsys.readouterr().err
    assert "published 3 graph(s), 6 triples" in err


@pytest.mark.server
def test_publish_again_is_idempotent_and_replaces_whole_graphs(oxigraph, build, tmp_path):
    endpoint = f"{oxigraph}/store"
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    first = {g: count(oxigraph, g) for g in manifest_counts(build)}
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    assert {g: count(oxigraph, g) for g in manifest_counts(build)} == first
    # A rebuilt standard with one triple fewer replaces its graph, it is not merged into it.
    smaller = dict(GRAPHS)
    graph, kind, lines = GRAPHS["standards/demo.nt"]
    smaller["standards/demo.nt"] = (graph, kind, lines[:2])
    rebuilt = write_build(tmp_path / "rebuilt", smaller)
    assert main(["publish", "--endpoint", endpoint, "--out", str(rebuilt)]) == 0
    assert count(oxigraph, graph) == 2


@pytest.mark.server
def test_graph_base_renames_graphs(oxigraph, build):
    base = "http://registry.example/graphs/"
    assert main(["publish", "--endpoint", f"{oxigraph}/store", "--out", str(build),
                 "--graph-base", base]) == 0
    assert count(oxigraph, base + "demo") == 3
    assert count(oxigraph, base + "elm") == 1


def test_wrong_port_is_a_clear_error(build, capsys):
    port = free_port()  # nothing listens there
    code = main(["publish", "--endpoint", f"http://127.0.0.1:{port}/store", "--out", str(build)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1
    assert f"<{BASE}graph/demo>" in err and "unreachable" in err
    assert "after 4 attempts" in err and "graphs already uploaded: none" in err


class Scripted(BaseHTTPRequestHandler):
    """Answers each PUT with the next status of `script` (the last one repeats)."""

    script: list[int] = []
    seen: list[dict] = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self.seen.append({"graph": query.get("graph", [""])[0], "body": body,
                          "type": self.headers.get("Content-Type"),
                          "auth": self.headers.get("Authorization")})
        status = self.script[min(len(self.seen), len(self.script)) - 1]
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    """Start a scripted server: scripted([500, 204]) -> (endpoint URL, list of requests)."""
    servers = []

    def start(script: list[int]):
        handler = type("Handler", (Scripted,), {"script": script, "seen": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/store", handler.seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_retries_after_500(build, scripted):
    endpoint, seen = scripted([500, 204])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    assert len(seen) == 4  # the first graph twice, then the other two
    assert seen[0]["graph"] == seen[1]["graph"] == BASE + "graph/demo"
    assert seen[0]["body"] == seen[1]["body"] == (build / "data/standards/demo.nt").read_bytes()
    assert {r["type"] for r in seen} == {"application/n-triples"}


def test_server_error_after_some_graphs_lists_what_was_uploaded(build, scripted, capsys):
    endpoint, seen = scripted([204, 503])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(seen) == 1 + 4  # first graph ok, second graph: 1 attempt + 3 retries
    assert f"<{BASE}graph/reference>" in err and "HTTP 503" in err
    assert f"graphs already uploaded: <{BASE}graph/demo>" in err


def test_401_names_graph_and_never_prints_the_password(build, scripted, capsys, monkeypatch):
    monkeypatch.setenv("KUTSE_RDF_USER", "registry")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "s3cret-Pa55")
    endpoint, seen = scripted([401])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 1
    out, err = capsys.readouterr()
    # no retry on 401; a 401 without a challenge is asked once more without credentials, in
    # case the server wants Digest (Virtuoso answers Basic like this)
    assert len(seen) == 2
    assert seen[0]["auth"].startswith("Basic ") and seen[1]["auth"] is None
    assert len(err.strip().splitlines()) == 1 and "refused Basic credentials" in err
    assert "HTTP 401" in err and f"<{BASE}graph/demo>" in err and "KUTSE_RDF_USER" in err
    assert "s3cret-Pa55" not in out + err and seen[0]["auth"][6:] not in out + err


def test_403_and_other_4xx_are_not_retried(build, scripted, capsys):
    endpoint, seen = scripted([403])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 1
    assert len(seen) == 1 and "HTTP 403" in capsys.readouterr().err
    endpoint, seen = scripted([415])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 1
    assert len(seen) == 1 and "HTTP 415" in capsys.readouterr().err


def test_token_and_netrc_credentials(build, scripted, monkeypatch, tmp_path):
    endpoint, seen = scripted([204])
    monkeypatch.setenv("KUTSE_RDF_TOKEN", "tok-123")
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    assert seen[0]["auth"] == "Bearer tok-123"
    monkeypatch.delenv("KUTSE_RDF_TOKEN")
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine 127.0.0.1 login alice password wonderland\n")
    netrc_file.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc_file))
    endpoint, seen = scripted([204])
    assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    assert seen[0]["auth"] == "Basic YWxpY2U6d29uZGVybGFuZA=="  # base64("alice:wonderland")


def test_credentials_in_the_url_are_refused(build, capsys):
    code = main(["publish", "--endpoint", "http://u:p@127.0.0.1:1/store", "--out", str(build)])
    assert code == 2
    err = capsys.readouterr().err
    assert "KUTSE_RDF_USER" in err and "u:p" not in err


def test_dry_run_lists_graphs_and_sends_nothing(build, capsys):
    port = free_port()
    assert main(["publish", "--endpoint", f"http://127.0.0.1:{port}/store", "--out", str(build),
                 "--dry-run"]) == 0
    out, err = capsys.readouterr()
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [[BASE + "graph/demo", "standards/demo.nt", "3"],
                    [BASE + "graph/reference", "reference.nt", "2"],
                    [BASE + "graph/elm", "elm.nt", "1"]]
    assert "nothing sent" in err


def test_missing_build_says_run_build(tmp_path, capsys):
    code = main(["publish", "--endpoint", "http://127.0.0.1:1/store",
                 "--out", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2 and "kutse-rdf build" in err and len(err.strip().splitlines()) == 1


def test_manifest_naming_a_missing_file(build, capsys):
    (build / "data" / "elm.nt").unlink()
    assert main(["publish", "--endpoint", "http://127.0.0.1:1/store", "--out", str(build)]) == 2
    assert "elm.nt" in capsys.readouterr().err


class DigestChallenge(Scripted):
    """Virtuoso-style: a request without Digest credentials gets a Digest challenge."""

    def do_PUT(self):
        auth = self.headers.get("Authorization") or ""
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append({"auth": auth})
        self.send_response(204 if auth.startswith("Digest ") else 401)
        if not auth.startswith("Digest "):
            self.send_header("WWW-Authenticate",
                             'Digest realm="SPARQL", nonce="5a1b", qop="auth", algorithm="MD5"')
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_answers_a_digest_challenge(build, monkeypatch):
    monkeypatch.setenv("KUTSE_RDF_USER", "dba")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "dba-pass")
    handler = type("Handler", (DigestChallenge,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud-auth"
        assert main(["publish", "--endpoint", endpoint, "--out", str(build)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert handler.seen[0]["auth"].startswith("Basic ")  # sent first, refused
    assert handler.seen[1]["auth"].startswith('Digest username="dba", realm="SPARQL"')
    assert "dba-pass" not in handler.seen[1]["auth"]


# --- faults: servers that misbehave below HTTP, or too slowly ---------------------------------

class Raw(socketserver.BaseRequestHandler):
    """Reads one request, then plays the next reply of `replies` (the last one repeats):
    bytes are sent and the connection closed; ("drip", s) sends one byte every s seconds;
    "hang" answers nothing. Hanging and dripping stop when the test ends."""

    replies: list = []
    seen: list = []
    stop: threading.Event

    def handle(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        while len(body) < int(headers.get("Content-Length", 0)):
            body += self.request.recv(65536)
        self.seen.append({"line": lines[0], "auth": headers.get("Authorization")})
        reply = self.replies[min(len(self.seen), len(self.replies)) - 1]
        if reply == "hang":
            self.stop.wait(60)
        elif isinstance(reply, tuple):
            for byte in b"HTTP/1.1 204 No Content\r\n\r\n":
                if self.stop.wait(reply[1]):
                    return
                self.request.sendall(bytes([byte]))
        else:
            self.request.sendall(reply)


NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"


@pytest.fixture
def raw():
    """raw([reply, ...]) -> (endpoint URL, list of requests) of a raw TCP server."""
    servers = []

    def start(replies: list):
        handler = type("Handler", (Raw,), {"replies": replies, "seen": [],
                                           "stop": threading.Event()})
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_address[1]}/store", handler.seen

    yield start
    for server, handler in servers:
        handler.stop.set()
        server.shutdown()
        server.server_close()


def publish_err(capsys, endpoint, build, *options) -> tuple[int, str]:
    code = main(["publish", "--endpoint", endpoint, "--out", str(build), *options])
    lines = capsys.readouterr().err.strip().splitlines()
    # progress lines, then the one line of the error
    assert all(line.startswith("uploaded <") for line in lines[:-1]), lines
    assert lines[-1].startswith("kutse-rdf: ") and "internal error" not in lines[-1], lines
    return code, lines[-1]


def test_server_closing_mid_answer_is_one_line_with_the_uploaded_graphs(build, raw, capsys):
    endpoint, seen = raw([NO_CONTENT,
                          b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"])
    code, err = publish_err(capsys, endpoint, build)
    assert code == 1
    assert "closed the connection in the middle of its answer (10 bytes read, 90 more" in err
    assert f"graphs already uploaded: <{BASE}graph/demo>" in err
    assert len(seen) == 1 + 4  # retried: a PUT is safe to repeat


def test_garbage_status_line(build, raw, capsys):
    endpoint, seen = raw([b"SSH-2.0-OpenSSH_9.2\r\nnot http\r\n\r\n"])
    code, err = publish_err(capsys, endpoint, build)
    assert code == 1 and "not an HTTP answer" in err and "SSH-2.0" in err
    assert "graphs already uploaded: none" in err
    assert len(seen) == 1  # not retried: it is not an HTTP server


def test_server_closing_without_answer_is_retried(build, raw, capsys):
    endpoint, seen = raw([b""])
    code, err = publish_err(capsys, endpoint, build)
    assert code == 1 and "closed the connection without answering" in err
    assert "after 4 attempts" in err and len(seen) == 4


def test_hung_server_costs_one_request_time_limit(build, raw, capsys):
    endpoint, seen = raw(["hang"])
    code, err = publish_err(capsys, endpoint, build, "--request-timeout", "0.5")
    assert code == 1 and "no complete answer within 0.5 s (--request-timeout)" in err
    assert len(seen) == 1  # a timeout is not retried


def test_a_server_dripping_bytes_is_cut_by_the_request_limit(build, raw, capsys):
    # one byte every 0.2 s: the socket never waits long enough to time out
    endpoint, seen = raw([("drip", 0.2)])
    code, err = publish_err(capsys, endpoint, build, "--request-timeout", "1")
    assert code == 1 and "no complete answer within 1 s" in err and len(seen) == 1


def test_the_whole_run_has_a_deadline(build, raw, capsys):
    endpoint, seen = raw([NO_CONTENT, ("drip", 0.5)])  # the second answer would take 13 s
    code, err = publish_err(capsys, endpoint, build, "--timeout", "3")
    assert code == 1 and "the time limit for the whole publish ran out (--timeout 3 s)" in err
    assert f"graphs already uploaded: <{BASE}graph/demo>" in err and len(seen) == 2


def test_timeouts_must_be_positive(build, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["publish", "--endpoint", "http://127.0.0.1:1/store", "--out", str(build),
              "--timeout", "0"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "--timeout: '0' is not a number of seconds above 0" in err


class Guarded(Scripted):
    """A store that wants credentials on every request: 503 once, then 204 with credentials
    and 403 without (what a store behind an access proxy answers)."""

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        auth = self.headers.get("Authorization")
        self.seen.append({"auth": auth})
        status = 503 if len(self.seen) == 1 else 204 if auth else 403
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(handler) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_credentials_on_every_request_after_a_server_error(build, monkeypatch, capsys):
    monkeypatch.setenv("KUTSE_RDF_USER", "registry")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "s3cret-Pa55")
    handler = type("Handler", (Guarded,), {"seen": []})
    server, url = serve(handler)
    try:
        code = main(["publish", "--endpoint", f"{url}/store", "--out", str(build)])
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, capsys.readouterr().err
    assert len(handler.seen) == 4
    assert all(r["auth"] == "Basic cmVnaXN0cnk6czNjcmV0LVBhNTU=" for r in handler.seen)


def test_403_is_not_called_a_credential_refusal(build, scripted, capsys, monkeypatch):
    monkeypatch.setenv("KUTSE_RDF_USER", "registry")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "s3cret-Pa55")
    endpoint, seen = scripted([403])
    code, err = publish_err(capsys, endpoint, build)
    assert code == 1 and "HTTP 403" in err and "forbids" in err
    assert "credentials" not in err and len(seen) == 1


def test_an_empty_build_is_not_uploaded(tmp_path, scripted, capsys):
    empty = write_build(tmp_path / "empty", {f: GRAPHS[f] for f in ("reference.nt", "elm.nt")})
    endpoint, seen = scripted([204])
    code, err = publish_err(capsys, endpoint, empty)
    assert code == 1 and "holds no standards" in err and "graphs.json" in err
    assert seen == []


# --- --prune -------------------------------------------------------------------------------

def put_graph(server: str, graph: str, line: str) -> None:
    request = urllib.request.Request(
        f"{server}/store?graph={urllib.parse.quote(graph, safe='')}", data=line.encode() + b"\n",
        method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=10).read()


def store_graphs(server: str) -> set[str]:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(f"{server}/query?query={urllib.parse.quote(query)}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return {row["g"]["value"] for row in json.load(response)["results"]["bindings"]}


@pytest.mark.server
def test_prune_deletes_graphs_of_standards_no_longer_built(oxigraph, build, tmp_path, capsys):
    endpoint = f"{oxigraph}/store"
    line = f"{EX}old> <http://www.w3.org/2004/02/skos/core#notation> \"old\" ."
    old = BASE + "graph/old"
    before = write_build(tmp_path / "before", {**GRAPHS,
                                               "standards/old.nt": (old, "standard", [line])})
    assert main(["publish", "--endpoint", endpoint, "--out", str(before)]) == 0
    # graphs no build makes: outside the graph base, and deeper than one segment under it
    outside, deeper = "http://other.example/graph/old", BASE + "graph/old/extra"
    for graph in (outside, deeper):
        put_graph(oxigraph, graph, line)
    capsys.readouterr()

    assert main(["publish", "--endpoint", endpoint, "--out", str(build), "--prune",
                 "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert f"would delete <{old}>" in err and "1 stale graph(s) to delete, nothing changed" in err
    assert count(oxigraph, old) == 1

    assert main(["publish", "--endpoint", endpoint, "--out", str(build), "--prune"]) == 0
    err = capsys.readouterr().err
    assert f"deleted <{old}>" in err and "deleted 1 stale graph(s)" in err
    graphs = store_graphs(oxigraph)
    assert old not in graphs
    assert {outside, deeper} | set(manifest_counts(build)) <= graphs
    # again: nothing left to delete
    assert main(["publish", "--endpoint", endpoint, "--out", str(build), "--prune"]) == 0
    assert "deleted 0 stale graph(s)" in capsys.readouterr().err


@pytest.mark.server
def test_prune_with_graph_base_stays_under_that_base(oxigraph, build, capsys):
    base = "http://registry.example/prune-test/"
    put_graph(oxigraph, base + "gone", f"{EX}x> <http://example.org/p> \"x\" .")
    put_graph(oxigraph, BASE + "graph/kept-elsewhere", f"{EX}x> <http://example.org/p> \"x\" .")
    assert main(["publish", "--endpoint", f"{oxigraph}/store", "--out", str(build),
                 "--graph-base", base, "--prune",
                 "--sparql-endpoint", f"{oxigraph}/query"]) == 0
    graphs = store_graphs(oxigraph)
    assert base + "gone" not in graphs and base + "demo" in graphs
    assert BASE + "graph/kept-elsewhere" in graphs


def test_prune_needs_a_query_endpoint_it_can_find(build, capsys):
    code = main(["publish", "--endpoint", "http://127.0.0.1:1/gsp", "--out", str(build),
                 "--prune"])
    err = capsys.readouterr().err
    assert code == 2 and "--sparql-endpoint" in err and len(err.strip().splitlines()) == 1


def test_prune_listing_failure_names_what_was_done(build, scripted, capsys):
    endpoint, _ = scripted([204])  # answers PUT only: GET gets 501
    code, err = publish_err(capsys, endpoint, build, "--prune",
                            "--sparql-endpoint", endpoint.replace("/store", "/query"))
    assert code == 1 and "listing the store's graphs" in err and "HTTP 501" in err
    assert f"graphs already uploaded: <{BASE}graph/demo>, <{BASE}graph/reference>" in err
    assert err.endswith("graphs deleted: none")


# --- HTTP Digest, the way Virtuoso asks for it ---------------------------------------------

class VirtuosoLike(BaseHTTPRequestHandler):
    """Wants Digest like Virtuoso's /sparql-graph-crud-auth: Basic is answered 401 with no
    challenge, a request without credentials gets a Digest challenge. Each nonce serves two
    requests, then the next is answered with a new challenge marked stale."""

    algorithm = "MD5"
    user, password, realm = "dba", "dba-pass", "SPARQL"
    seen: list = []
    stored: dict = {}
    nonces: dict = {}

    def h(self, text: str) -> str:
        name = {"MD5": "md5", "SHA-256": "sha256"}[self.algorithm]
        return hashlib.new(name, text.encode()).hexdigest()

    def challenge(self, stale: bool = False):
        nonce = os.urandom(8).hex()
        self.nonces[nonce] = []
        self.send_response(401)
        self.send_header("WWW-Authenticate",
                         f'Digest realm="{self.realm}", domain="/", nonce="{nonce}", '
                         f'opaque="5ccc069c403ebaf9f0171e9517f40e41", '
                         f'stale={"true" if stale else "false"}, qop="auth", '
                         f'algorithm={self.algorithm}')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def verified(self, auth: str) -> str:
        """'' for a valid Digest answer, else what is wrong with it."""
        fields = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', auth)}
        uses = self.nonces.get(fields.get("nonce"))
        if uses is None:
            return "unknown nonce"
        if len(uses) >= 2:
            return "stale"
        ha1 = self.h(f"{self.user}:{self.realm}:{self.password}")
        ha2 = self.h(f"{self.command}:{self.path}")
        expected = self.h(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:"
                          f"auth:{ha2}")
        if (fields.get("username"), fields.get("uri"), fields.get("qop")) != \
                (self.user, self.path, "auth") or fields.get("response") != expected:
            return "wrong"
        if fields.get("algorithm") != self.algorithm or \
                fields.get("opaque") != "5ccc069c403ebaf9f0171e9517f40e41":
            return "wrong"
        if uses and int(fields["nc"], 16) <= uses[-1]:
            return "replayed"
        uses.append(int(fields["nc"], 16))
        return ""

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        auth = self.headers.get("Authorization")
        self.seen.append(auth)
        if auth is None:
            return self.challenge()
        if not auth.startswith("Digest "):
            self.send_response(401)  # Virtuoso: no challenge for Basic
            self.send_header("Content-Length", "0")
            return self.end_headers()
        problem = self.verified(auth)
        if problem:
            return self.challenge(stale=problem == "stale")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self.stored[query["graph"][0]] = body
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def virtuoso_like(monkeypatch, password: str = "dba-pass", **attributes):
    monkeypatch.setenv("KUTSE_RDF_USER", "dba")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", password)
    handler = type("Handler", (VirtuosoLike,), {"seen": [], "stored": {}, "nonces": {},
                                                **attributes})
    server, url = serve(handler)
    return server, f"{url}/sparql-graph-crud-auth", handler


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_digest_when_basic_gets_401_without_challenge(build, monkeypatch, capsys, algorithm):
    server, endpoint, handler = virtuoso_like(monkeypatch, algorithm=algorithm)
    try:
        code = main(["publish", "--endpoint", endpoint, "--out", str(build)])
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, capsys.readouterr().err
    assert set(handler.stored) == {g for g in manifest_counts(build)}
    assert handler.stored[BASE + "graph/demo"] == (build / "data/standards/demo.nt").read_bytes()
    seen = handler.seen
    # Basic (401, no challenge), without credentials (the challenge), then Digest on every
    # request: the third graph's request meets a stale nonce and answers the new challenge
    assert seen[0].startswith("Basic ") and seen[1] is None
    assert len(seen) == 6 and all(a.startswith("Digest ") for a in seen[2:])
    assert f"algorithm={algorithm}" in seen[2] and "dba-pass" not in "".join(seen[2:])


def test_auth_digest_never_sends_basic(build, monkeypatch, capsys):
    server, endpoint, handler = virtuoso_like(monkeypatch)
    try:
        code = main(["publish", "--endpoint", endpoint, "--out", str(build), "--auth", "digest"])
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, capsys.readouterr().err
    assert handler.seen[0] is None and all(a.startswith("Digest ") for a in handler.seen[1:])
    assert len(handler.stored) == 3


def test_auth_basic_against_a_digest_server_fails_in_one_request(build, monkeypatch, capsys):
    server, endpoint, handler = virtuoso_like(monkeypatch)
    try:
        code, err = publish_err(capsys, endpoint, build, "--auth", "basic")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1 and "refused Basic credentials" in err and "--auth digest" in err
    assert len(handler.seen) == 1


def test_wrong_password_with_digest_is_one_line_and_bounded(build, monkeypatch, capsys):
    server, endpoint, handler = virtuoso_like(monkeypatch, password="not-the-password")
    try:
        code, err = publish_err(capsys, endpoint, build)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1 and "refused Digest credentials" in err and "graphs already uploaded: none"
    assert "not-the-password" not in err
    # Basic, without credentials, Digest (refused with a fresh challenge), Digest again: stop
    assert len(handler.seen) <= 4 and handler.stored == {}


def test_digest_response_matches_rfc_7616_examples():
    # RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5
    challenge = {"realm": "http-auth@example.org", "qop": "auth, auth-int",
                 "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                 "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"}
    cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    for algorithm, response in [
            ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
            ("MD5", "8ca523f5e9506fed4657c9700eebdbec")]:
        header = publish_module.digest_authorization(
            {**challenge, "algorithm": algorithm}, "Mufasa", "Circle of Life", "GET",
            "/dir/index.html", 1, cnonce)
        assert f'response="{response}"' in header
        assert 'username="Mufasa"' in header and "nc=00000001" in header
        assert f'opaque="{challenge["opaque"]}"' in header and "qop=auth," in header


def test_challenges_are_parsed_from_one_header():
    header = ('Basic realm="x, y", Digest realm="a\\"b", nonce="n1", qop="auth,auth-int", '
              'algorithm=MD5, Digest realm="a", nonce="n2", algorithm=SHA-256, Bearer abc==')
    challenges = publish_module.parse_challenges([header])
    assert [scheme for scheme, _ in challenges] == ["basic", "digest", "digest", "bearer"]
    assert challenges[0][1] == {"realm": "x, y"}
    assert challenges[1][1]["realm"] == 'a"b' and challenges[1][1]["qop"] == "auth,auth-int"
    chosen, _ = publish_module.digest_choice(challenges)
    assert chosen["nonce"] == "n2"  # SHA-256 is preferred to MD5


# --- a real Virtuoso (Debian's virtuoso-opensource-7), where the machine has it -------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Virtuoso 7 with a fresh database in a temporary folder, SQL and HTTP on 127.0.0.1;
    user dba, password dba (a new database's default)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


def virtuoso_counts(server: str) -> dict[str, int]:
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }} GROUP BY ?g')
    request = urllib.request.Request(f"{server}/sparql?query={urllib.parse.quote(query)}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.mark.server
def test_publish_to_virtuoso_with_digest_and_prune(virtuoso, build, tmp_path, monkeypatch,
                                                   capsys):
    monkeypatch.setenv("KUTSE_RDF_USER", "dba")
    monkeypatch.setenv("KUTSE_RDF_PASSWORD", "dba")
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    # what the README documents: Basic is refused without a challenge, auto finds Digest
    code, err = publish_err(capsys, endpoint, build, "--auth", "basic")
    assert code == 1 and "HTTP 401" in err and "refused Basic credentials" in err
    line = f"{EX}old> <http://www.w3.org/2004/02/skos/core#notation> \"old\" ."
    old = BASE + "graph/old"
    before = write_build(tmp_path / "before", {**GRAPHS,
                                               "standards/old.nt": (old, "standard", [line])})
    assert main(["publish", "--endpoint", endpoint, "--out", str(before)]) == 0
    assert virtuoso_counts(virtuoso) == {**manifest_counts(build), old: 1}
    # the standard is withdrawn: --prune deletes its graph (listed through /sparql)
    assert main(["publish", "--endpoint", endpoint, "--out", str(build), "--prune",
                 "--auth", "digest"]) == 0
    assert virtuoso_counts(virtuoso) == manifest_counts(build)
    assert "deleted 1 stale graph(s)" in capsys.readouterr().err


def test_graph_base_keeps_each_name_below_the_builds_base():
    """A real build names versions B graph/S/version/K: --graph-base replaces B graph/ only,
    so two standards' drafts stay two graphs, and --prune takes a withdrawn standard's work
    and version graphs, never a graph of another shape."""
    from kutse_rdf.publish.upload import prunable, rebase, shared_base

    names = [BASE + "graph/a/version/draft", BASE + "graph/b/version/draft", BASE + "graph/a",
             BASE + "graph/reference"]
    own = shared_base(names)
    assert own == BASE + "graph/"
    assert [rebase(n, own, "http://x/g") for n in names] == [
        "http://x/g/a/version/draft", "http://x/g/b/version/draft", "http://x/g/a",
        "http://x/g/reference"]
    assert [prunable(BASE + "graph/" + rest, own) for rest in (
        "old", "old/version/6", "old/extra", "old/version/6/x", "old#x", "")] == [
        True, True, False, False, False, False]
