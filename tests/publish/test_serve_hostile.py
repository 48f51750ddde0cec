"""`kutse-rdf serve` against hostile and broken clients: any web page the user visits can send it
requests. Real servers on 127.0.0.1 (free ports), raw sockets where a request must be malformed
or a client must misbehave; nothing leaves the machine."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.serve import MINI, make_build, serving

from kutse_rdf.cli import main
from kutse_rdf.errors import InputError
from kutse_rdf.publish import serve
from kutse_rdf.publish.serve import make_server, uses_service

pytestmark = pytest.mark.server

CROSS_JOIN_3 = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# 152 triples in mini.trig's union: 534 million rows to count, minutes of CPU.
COUNT_4 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "ASK { ?s ?p ?o }"


@pytest.fixture()
def build(tmp_path):
    return make_build(tmp_path / "build")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    with serving(make_build(tmp_path_factory.mktemp("shared") / "build")) as srv:
        yield srv


@pytest.fixture()
def server(shared):
    """The module's server, with its timeouts as they were after each test."""
    idle, deadline = shared.idle_timeout, shared.request_deadline
    yield shared
    shared.idle_timeout, shared.request_deadline = idle, deadline


def raw(srv, request: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes as they are and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", srv.server_address[1]), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def host(srv) -> str:
    return f"127.0.0.1:{srv.server_address[1]}"


def get(srv, target: str, headers: str = "", host_header: str | None = None) -> bytes:
    host_line = f"Host: {host_header or host(srv)}\r\n"
    return raw(srv, f"GET {target} HTTP/1.1\r\n{host_line}{headers}\r\n".encode())


def query_target(text: str) -> str:
    return "/sparql?query=" + urllib.parse.quote(text)


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def headers_of(answer: bytes) -> dict[str, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head)}


def body_of(answer: bytes) -> str:
    return answer.split(b"\r\n\r\n", 1)[1].decode("utf-8")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition, seconds: float = 20.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


# -- item 1: no query exhausts the server ----------------------------------------------------


def test_a_query_past_the_time_limit_is_stopped_and_the_next_one_answers(build):
    with serving(build, query_timeout=1) as srv:
        before = srv.queries.pids()
        answer = get(srv, query_target(COUNT_4))
        assert status(answer) == 503
        assert "ran longer than 1 s" in body_of(answer) and "--query-timeout" in body_of(answer)
        stopped = before - srv.queries.pids()
        assert len(stopped) == 1 and not alive(stopped.pop())  # its CPU is free again
        assert status(get(srv, query_target(SMALL))) == 200


def test_an_answer_past_the_size_limit_is_refused_not_cut(build):
    with serving(build, max_result_mb=0.01) as srv:
        answer = get(srv, query_target(CROSS_JOIN_3))
        assert status(answer) == 503
        assert "larger than 0.01 MB" in body_of(answer) and "--max-result-mb" in body_of(answer)
        assert status(get(srv, query_target(SMALL))) == 200


def test_a_query_past_the_memory_limit_kills_its_worker_not_the_server(build):
    # ORDER BY keeps all 3.5 million rows of the cross join in memory (gigabytes).
    with serving(build, max_memory_mb=500) as srv:
        answer = get(srv, query_target(CROSS_JOIN_3 + " ORDER BY ?a ?d ?g"))
        assert status(answer) == 503
        assert "out of memory" in body_of(answer) and "--max-memory-mb" in body_of(answer)
        assert status(get(srv, query_target(SMALL))) == 200


def test_a_query_that_crashes_the_engine_takes_only_its_worker(server):
    """Oxigraph's parser recurses per brace: 200,000 of them overflow its stack (a segfault,
    which in-process took the whole server down)."""
    text = "SELECT * WHERE " + "{" * 200_000 + "}" * 200_000
    answer = raw(server, (f"POST /sparql HTTP/1.1\r\nHost: {host(server)}\r\n"
                          "Content-Type: application/sparql-query\r\n"
                          f"Content-Length: {len(text)}\r\n\r\n{text}").encode())
    assert status(answer) == 503 and "worker process died" in body_of(answer)
    assert status(get(server, query_target(SMALL))) == 200


def test_the_query_of_a_client_that_left_is_stopped(build):
    """COUNT(*) over a 4-way cross join, the client gone at once: its worker is killed (the time
    limit is far away), and a new worker takes its place."""
    with serving(build, query_timeout=600) as srv:
        before = srv.queries.pids()
        with socket.create_connection(("127.0.0.1", srv.server_address[1])) as sock:
            sock.sendall(f"GET {query_target(COUNT_4)} HTTP/1.1\r\nHost: {host(srv)}\r\n\r\n"
                         .encode())
            time.sleep(0.5)  # the query is running
        assert wait_for(lambda: len(before - srv.queries.pids()) == 1)
        assert not any(alive(pid) for pid in before - srv.queries.pids())
        assert len(srv.queries.pids()) == serve.QUERY_WORKERS
        assert status(get(srv, query_target(SMALL))) == 200


# -- item 2: no outbound requests ------------------------------------------------------------


@contextlib.contextmanager
def listener():
    """A TCP listener on 127.0.0.1 recording every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    got: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    got.append(conn.recv(65536))
                except OSError:
                    got.append(b"")
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], got
    finally:
        stop.set()
        thread.join(5)
        sock.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o SERVICE <http://127.0.0.1:{port}/sparql> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o SERVICE SILENT <http://127.0.0.1:{port}/sparql> { ?a ?b ?c } }",
    "select * where { ?s ?p ?o .service<http://127.0.0.1:{port}/sparql>{ ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o # SERVICE in a comment\n SeRvIcE <http://127.0.0.1:{port}/> {} }",
    # the parser reads these as SERVICE too
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE { ?s ?p ?o SERVICE:x { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o MINUS{}SERVICE<http://127.0.0.1:{port}/x> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o VALUES ?x { true } ?s ?p trueSERVICE<http://127.0.0.1:{port}/> {} }",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_service_is_refused_and_nothing_goes_out(server, text):
    with listener() as (port, got):
        answer = get(server, query_target(text.replace("{port}", str(port))))
        time.sleep(0.5)
    assert status(answer) == 403 and "--allow-service" in body_of(answer)
    assert got == []


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_each_of_those_queries_goes_out_when_run(text):
    """Oxigraph itself connects for every query above: refusing them is not refusing nothing."""
    store = ox.Store()
    store.load(path=str(MINI), format=ox.RdfFormat.TRIG)
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal(True)))
    with listener() as (port, got):
        with contextlib.suppress(OSError):  # the listener answers nothing
            list(store.query(text.replace("{port}", str(port)), use_default_graph_as_union=True))
        assert wait_for(lambda: got, 10)


def test_service_goes_out_only_when_turned_on(build):
    """The same listener sees the request when federation is on: the test above can fail."""
    with serving(build, allow_service=True) as srv, listener() as (port, got):
        answer = get(srv, query_target(SERVICE_QUERIES[1].replace("{port}", str(port))))
        assert wait_for(lambda: got, 10)
    assert status(answer) == 200
    assert got[0].startswith(b"POST /sparql ")


def test_service_spelled_in_strings_iris_and_names_is_no_service():
    assert not uses_service('SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }')
    assert not uses_service("SELECT * WHERE { ?s ?p '''a\nSERVICE <x> {}''' }")
    assert not uses_service("SELECT ?service WHERE { ?service a <http://x/SERVICE> }")
    assert not uses_service("PREFIX ex: <http://x/> SELECT * WHERE { ?s a ex:Service }")
    assert not uses_service("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> {}")
    assert not uses_service("SELECT * WHERE { _:bservice ?p ?o }")
    assert uses_service("SELECT * WHERE {?s ?p ?o}SERVICE<http://x/>{}")
    assert uses_service("SELECT * WHERE { FILTER(?a<?b) SERVICE <http://x/> {} }")
    assert uses_service("SELECT * WHERE { FILTER(?a<?b)SERVICE:x{} }")
    assert uses_service("SELECT * WHERE { ?s ?p falseSERVICE <http://x/> {} }")


# -- item 10: connections, bodies, malformed requests, files, headers -------------------------


def test_a_real_listen_backlog(build):
    """Before the server accepts anything, 100 clients can connect (the kernel queues them)."""
    srv = make_server(build, port=0, quiet=True)
    sockets = []
    try:
        for _ in range(100):
            try:
                sockets.append(socket.create_connection(("127.0.0.1", srv.server_address[1]),
                                                        timeout=0.5))
            except OSError:
                break
        assert len(sockets) == 100
    finally:
        for sock in sockets:
            sock.close()
        srv.server_close()


def test_connections_are_handled_by_a_bounded_number_of_threads(server):
    """100 idle connections: at most CONNECTIONS threads wait on them; once the clients send
    their requests, every one is answered."""
    threads_before = threading.active_count()
    sockets = [socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30)
               for _ in range(100)]
    try:
        time.sleep(1.0)
        assert threading.active_count() - threads_before <= serve.CONNECTIONS
        for sock in sockets:
            sock.sendall(f"GET /index.html HTTP/1.1\r\nHost: {host(server)}\r\n\r\n".encode())
        for sock in sockets:
            assert sock.recv(12).startswith(b"HTTP/1.0 200")
    finally:
        for sock in sockets:
            sock.close()


def test_200_simultaneous_clients_are_all_answered(server):
    results: list[int] = []

    def client() -> None:
        try:
            results.append(status(get(server, "/index.html")))
        except OSError:
            results.append(0)
    threads = [threading.Thread(target=client) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [200] * 200


@pytest.mark.parametrize("sent", [
    b"",                                            # connected, nothing sent
    b"GET /index.html HTTP/1.1\r\nHost: x\r\n",      # headers never end
    b"POST /sparql HTTP/1.1\r\nContent-Length: 100\r\n\r\nquery=",  # body never ends
])
def test_idle_and_half_open_connections_time_out(server, sent):
    server.idle_timeout = 0.5
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(sent)
        assert sock.recv(65536) == b""  # closed by the server, not by our 10 s timeout


def test_a_request_that_trickles_in_is_cut_at_its_deadline(server):
    server.idle_timeout = 2
    server.request_deadline = 1.5
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        start = time.monotonic()
        closed = False
        for byte in b"GET /index.html HTTP/1.1\r\nX-Slow: " + b"a" * 100:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.2)
            if time.monotonic() - start > 3:
                sock.settimeout(5)
                try:
                    closed = sock.recv(65536) == b""
                except ConnectionResetError:  # closed while bytes were on their way
                    closed = True
                break
        assert closed


FORM = b"query=" + urllib.parse.quote(SMALL).encode()


@pytest.mark.parametrize("length, expected", [
    ("-1", 400), ("abc", 400), ("1e3", 400), (str(serve.MAX_BODY + 1), 413),
    (f" {len(FORM)} ", 200), (f"{len(FORM)}\r\nContent-Length: 5", 400),
])
def test_request_bodies_are_bounded_whatever_content_length_says(server, length, expected):
    """The client keeps sending and never closes: an answer at all means the server did not
    wait for the body's end (with -1, an unbounded reader would wait for the end of stream)."""
    head = (f"POST /sparql HTTP/1.1\r\nHost: {host(server)}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(head + FORM)
        with contextlib.suppress(OSError):
            sock.sendall(b"&x=" + b"x" * 256 * 1024)
        answer = sock.recv(65536)
    assert status(answer) == expected


def test_chunked_bodies_are_refused(server):
    answer = raw(server, (f"POST /sparql HTTP/1.1\r\nHost: {host(server)}\r\n"
                          "Content-Type: application/sparql-query\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n10\r\nASK { ?s ?p ?o }\r\n0\r\n\r\n")
                 .encode())
    assert status(answer) == 411


@pytest.mark.parametrize("target", [
    "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
    "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx%3E",
    "/index.html%00.txt",
    "/%ff%fe",
    "/index%0a.html",
    "http://127.0.0.1/sparql?query=ASK%7B%7D",
])
def test_malformed_requests_get_a_4xx_and_no_traceback(server, capfd, target):
    answer = get(server, target)
    assert 400 <= status(answer) < 500
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("request_bytes, expected", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\n\r\n", 505),  # "HTTP Version Not Supported"
    (b"GET / HTTX/1.1\r\n\r\n", 400),
    (b"GET /\x00 HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nbad header line\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n", 431),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
])
def test_garbage_gets_an_error_status_and_no_traceback(server, capfd, request_bytes, expected):
    answer = raw(server, request_bytes)
    assert status(answer) == expected
    assert "Traceback" not in capfd.readouterr().err


def test_no_symlink_out_of_the_site(build, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web\n")
    (build / "site" / "leak.txt").symlink_to(secret)
    (build / "site" / "leakdir").symlink_to(tmp_path)
    (build / "site" / "home.html").symlink_to(build / "site" / "index.html")  # inside: fine
    with serving(build) as srv:
        assert status(get(srv, "/leak.txt")) == 404
        assert status(get(srv, "/leakdir/secret.txt")) == 404
        assert status(get(srv, "/home.html")) == 200


def test_no_directory_listings(server):
    # standard/ has a file but no index.html
    assert status(get(server, "/standard/")) == 404
    assert status(get(server, "/standard/index.ttl")) == 200


def test_pages_say_nosniff_and_their_content_security_policy(server):
    headers = headers_of(get(server, "/index.html"))
    assert headers["x-content-type-options"] == "nosniff"
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers_of(get(server, "/nothing-here"))["x-content-type-options"] == "nosniff"


def test_the_header_policy_is_the_pages_own_policy_plus_frame_ancestors():
    """site_templates/base.html sets the same policy in a <meta>: one must not loosen or break
    the other."""
    base = (Path(__file__).resolve().parents[2] / "site_templates" / "base.html").read_text()
    meta = base.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert serve.SITE_POLICY == f"{meta}; frame-ancestors 'none'"


@pytest.mark.parametrize("host_header, expected", [
    ("evil.example:{port}", 421),
    ("evil.example", 421),
    ("127.0.0.1:1", 421),
    ("127.0.0.1:{port}", 200),
    ("localhost:{port}", 200),
    ("LOCALHOST:{port}", 200),
])
def test_the_host_header_must_name_this_server(server, host_header, expected):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends its own
    name as Host."""
    name = host_header.replace("{port}", str(server.server_address[1]))
    assert status(get(server, query_target(SMALL), host_header=name)) == expected
    assert status(get(server, "/index.html", host_header=name)) == expected


def test_cors_only_on_the_endpoint(server):
    assert headers_of(get(server, query_target(SMALL)))["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in headers_of(get(server, "/index.html"))
    preflight = raw(server, f"OPTIONS /sparql HTTP/1.1\r\nHost: {host(server)}\r\n\r\n".encode())
    assert status(preflight) == 204
    assert headers_of(preflight)["access-control-allow-origin"] == "*"
    elsewhere = raw(server, f"OPTIONS /index.html HTTP/1.1\r\nHost: {host(server)}\r\n\r\n"
                    .encode())
    assert "access-control-allow-origin" not in headers_of(elsewhere)


def test_a_graph_the_workers_cannot_read_is_a_usage_error_at_start(build):
    (build / "data" / "all.trig").write_text("<a> <b> .\n")
    with pytest.raises(InputError, match=r"all\.trig: cannot read data"):
        make_server(build, port=0, quiet=True)


def test_a_request_without_host_is_served(server):
    """Raw HTTP/1.0 clients may send no Host; a browser always does (so no rebinding risk)."""
    assert status(raw(server, b"GET /index.html HTTP/1.0\r\n\r\n")) == 200


# -- the command -----------------------------------------------------------------------------


@pytest.mark.parametrize("option, value", [("--query-timeout", "0"), ("--max-result-mb", "-1"),
                                           ("--max-memory-mb", "nan")])
def test_limits_must_be_positive(build, capsys, option, value):
    assert main(["serve", "--out", str(build), "--port", "0", option, value]) == 2
    assert capsys.readouterr().err.strip() == (f"kutse-rdf: {option} must be a positive number, "
                                               f"not {value}")


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def start_cli(build: Path, *options: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "kutse_rdf", "serve", "--out", str(build),
                                "--port", "0", "--quiet", *options], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    return process, process.stdout.readline().strip()


def default_sigint() -> None:
    # as a terminal starts it: an earlier test of the run may have left this process ignoring
    # SIGINT, which a child inherits (Python then installs no KeyboardInterrupt handler)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_command_applies_its_limits_and_ctrl_c_ends_its_workers(build):
    process, url = start_cli(build, "--query-timeout", "1")
    try:
        workers = children(process.pid)
        assert len(workers) == serve.QUERY_WORKERS
        port = int(url.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(f"GET {query_target(COUNT_4)} HTTP/1.0\r\n\r\n".encode())
            assert sock.recv(12) == b"HTTP/1.0 503"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0  # a killed query worker may be starting again
        assert "Traceback" not in process.stderr.read()
        assert wait_for(lambda: not any(alive(pid) for pid in workers | children(process.pid)),
                        10)
    finally:
        process.kill()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_workers_end_when_their_server_is_killed(build):
    """kill -9 leaves the server no time to stop them: they notice by themselves."""
    process, _ = start_cli(build)
    try:
        workers = children(process.pid)
        assert len(workers) == serve.QUERY_WORKERS
        process.kill()
        process.wait(10)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10)
    finally:
        process.stdout.close()
        process.stderr.close()
