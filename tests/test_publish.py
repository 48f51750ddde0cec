"""kutse-rdf publish: the Graph Store Protocol upload, against a real Oxigraph server and against
tiny scripted HTTP servers for the failure paths (all on 127.0.0.1)."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kutse_rdf.publish import upload as publish_module
from kutse_rdf.cli import main

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A real Oxigraph server: Graph Store at /store, SPARQL at /query."""
    exe = shutil.which("oxigraph")
    if not exe:
        pytest.fail("the `oxigraph` server (pip package oxigraph, test extra) is not installed")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([exe, "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode()[:500]}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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
    assert len(seen) == 1  # no retry on 401
    assert seen[0]["auth"].startswith("Basic ")
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
