"""Upload a build to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph listed in DIR/data/graphs.json is replaced whole by one PUT of its N-Triples
file (`PUT ENDPOINT?graph=URI`), so publishing again is idempotent and a reader sees the old
graph or the new one, never half of it. With `prune`, graphs under the graph base that the store
holds and the build no longer lists are then deleted (`DELETE ENDPOINT?graph=URI`); the store's
graphs are listed with one SPARQL query. Standard library only (urllib, hashlib).

A triple is stored in one graph only: the reference graph keeps the vocabulary it holds (e-CF,
EstQF, the ESCO subset), and another graph's copy of one of its triples (the ELM view repeats the
ESCO skills' types and labels to stand alone as a file) is left out of that graph's upload, so
that a store's union default graph does not count it twice.

Every request carries the credentials (Bearer, Basic, or Digest once the server asked for it),
has its own time limit, and the whole run has a deadline. Any failure ends the run with one
line naming the fault and the graphs already uploaded.

Credentials come from the environment (KUTSE_RDF_TOKEN, or KUTSE_RDF_USER and
KUTSE_RDF_PASSWORD) or from ~/.netrc (or the file $NETRC names), never from the command line,
and are never printed.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import netrc
import os
import re
import secrets
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from kutse_rdf.errors import DataError, InputError

RETRIES = 3  # extra attempts after the first, on 5xx and dropped connections
BACKOFF_S = 1.0  # first wait; doubled before each further attempt
CREDENTIAL_HINT = "set KUTSE_RDF_USER and KUTSE_RDF_PASSWORD, or KUTSE_RDF_TOKEN, or use ~/.netrc"


@dataclass
class GraphFile:
    graph: str  # named graph URI (already rebased when --graph-base is given)
    path: Path
    file: str  # as listed in graphs.json, relative to DIR/data
    triples: int
    kind: str
    left_out: int = 0  # triples not uploaded: the reference graph holds them (shared_lines)


def read_manifest(out: Path, graph_base: str | None = None) -> list[GraphFile]:
    """The graphs of the build in `out`; a missing or unbuilt folder is a usage error (exit 2)."""
    data = out / "data"
    manifest = data / "graphs.json"
    if not manifest.is_file():
        raise InputError(f"no build here ({manifest} is missing): run `kutse-rdf build --out "
                         f"{out}` first", file=str(out))
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        own = shared_base([e["graph"] for e in entries])
        graphs = [GraphFile(rebase(e["graph"], own, graph_base), data / e["file"], e["file"],
                            int(e.get("triples", 0)), e.get("kind", "")) for e in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a graphs manifest ({exc}): run `kutse-rdf build` again",
                         file=str(manifest)) from None
    for g in graphs:
        if not g.path.is_file():
            raise InputError(f"{g.file} listed for graph <{g.graph}> is missing: run "
                             "`kutse-rdf build` again", file=str(manifest))
    return graphs


def require_standards(out: Path, graphs: list[GraphFile]) -> None:
    """A build without standards would replace the store's ELM and inferred graphs with empty
    ones (and, with prune, delete every standard): refuse it (exit 1)."""
    if not any(g.kind == "standard" for g in graphs):
        raise DataError("the build holds no standards: nothing uploaded (it would empty the "
                        "store's ELM graph); fix the inputs and run `kutse-rdf build` again",
                        file=str(out / "data" / "graphs.json"))


def shared_base(graphs: list[str]) -> str:
    """The namespace all of a build's graph names share (B graph/): their common prefix, up to
    its last `/` or `#`; "" when they share none."""
    prefix = os.path.commonprefix(graphs)  # of strings, character by character
    return prefix[:max(prefix.rfind("/"), prefix.rfind("#")) + 1]


def rebase(graph: str, own_base: str, graph_base: str | None) -> str:
    """--graph-base replaces the build's graph base, keeping the rest of each name:
    B graph/it-juht-tase-7/version/6 with base http://x/g/ -> http://x/g/it-juht-tase-7/version/6
    (the versions of two standards keep apart, as `query --graph-base` expects)."""
    if not graph_base or not own_base:
        return graph
    return base_of(graph_base) + graph[len(own_base):]


def base_of(graph_base: str) -> str:
    return graph_base if graph_base.endswith(("/", "#")) else graph_base + "/"


def check_endpoint(endpoint: str, option: str = "--endpoint") -> None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{option} must be an http(s) URL, not {endpoint!r}")
    if parts.username or parts.password:
        raise InputError(f"{option} must not carry credentials: set KUTSE_RDF_USER and "
                         "KUTSE_RDF_PASSWORD (or KUTSE_RDF_TOKEN) or use ~/.netrc")


def graph_url(endpoint: str, graph: str) -> str:
    return f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph, safe='')}"


def shared_lines(graphs: list[GraphFile]) -> set[bytes]:
    """The N-Triples lines of the reference graph(s): stored there, and nowhere else. Lines
    with a blank node are not shared (the same label in two files is two nodes)."""
    lines: set[bytes] = set()
    for g in graphs:
        if g.kind == "reference":
            lines.update(line for line in g.path.read_bytes().splitlines()
                         if line.strip() and b"_:" not in line)
    return lines


def payload(g: GraphFile, shared: set[bytes]) -> bytes:
    """The graph's N-Triples to upload: its file, less the lines the reference graph holds
    (counted in g.left_out)."""
    data = g.path.read_bytes()
    if g.kind == "reference" or not shared:
        return data
    lines = data.splitlines()
    kept = [line for line in lines if line not in shared]
    g.left_out = len(lines) - len(kept)
    return b"".join(line + b"\n" for line in kept) if g.left_out else data


# --- credentials -------------------------------------------------------------------------

TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
PARAM = re.compile(rf'[\s,]*({TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{TOKEN})')
SCHEME = re.compile(rf"[\s,]*({TOKEN})(?=\s|,|$)")
DIGEST_HASHES = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}


def parse_challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """WWW-Authenticate header values -> [(scheme in lower case, {param: value})] (RFC 9110
    11.6.1: one header may hold several challenges, separated by commas like their params)."""
    challenges: list[tuple[str, dict[str, str]]] = []
    for value in values:
        pos = 0
        while pos < len(value):
            param = PARAM.match(value, pos)
            if param and challenges:
                raw = param.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                challenges[-1][1][param.group(1).lower()] = raw
                pos = param.end()
                continue
            scheme = SCHEME.match(value, pos)
            if scheme:
                challenges.append((scheme.group(1).lower(), {}))
                pos = scheme.end()
                continue
            pos += 1  # a token68 or stray character: not used by Digest or Basic
    return challenges


def digest_choice(challenges: list[tuple[str, dict[str, str]]]) -> tuple[dict | None, str]:
    """The strongest Digest challenge we can answer, or None and why not."""
    usable, why = [], ""
    for scheme, params in challenges:
        if scheme != "digest":
            continue
        algorithm = params.get("algorithm", "MD5").upper()
        qops = {q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()}
        if algorithm.removesuffix("-SESS") not in DIGEST_HASHES:
            why = f"Digest algorithm {algorithm} is not supported"
        elif qops and "auth" not in qops:
            why = f"Digest qop={','.join(sorted(qops))} is not supported"
        elif "nonce" not in params:
            why = "the Digest challenge has no nonce"
        else:
            usable.append(params)
    rank = ["MD5", "SHA-256", "SHA-512-256"]
    usable.sort(key=lambda p: rank.index(p.get("algorithm", "MD5").upper().removesuffix("-SESS")))
    return (usable[-1] if usable else None), why


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def digest_authorization(challenge: dict[str, str], user: str, password: str, method: str,
                         uri: str, nc: int, cnonce: str) -> str:
    """The Authorization header answering a Digest challenge (RFC 7616, qop=auth or none)."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    name = DIGEST_HASHES[algorithm.removesuffix("-SESS")]

    def h(text: str) -> str:
        return hashlib.new(name, text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge["nonce"]
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qop = "auth" if challenge.get("qop") else None
    if qop:
        response = h(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:{qop}:{ha2}")
    else:  # RFC 2069
        response = h(f"{ha1}:{nonce}:{ha2}")
    userhash = challenge.get("userhash", "").lower() == "true"
    if userhash:
        name_field = f"username={quoted(h(f'{user}:{realm}'))}"
    elif user.isascii():
        name_field = f"username={quoted(user)}"
    else:
        name_field = f"username*=UTF-8''{quote(user, safe='')}"
    fields = [name_field, f"realm={quoted(realm)}", f"nonce={quoted(nonce)}",
              f"uri={quoted(uri)}", f"algorithm={challenge.get('algorithm', 'MD5')}",
              f"response={quoted(response)}"]
    if qop:
        fields += [f"qop={qop}", f"nc={nc:08x}", f"cnonce={quoted(cnonce)}"]
    if "opaque" in challenge:
        fields.append(f"opaque={quoted(challenge['opaque'])}")
    if userhash:
        fields.append("userhash=true")
    return "Digest " + ", ".join(fields)


class Auth:
    """Credentials sent with every request.

    mode "basic": Basic on every request. "digest": the first request goes without credentials
    to get the server's Digest challenge, every later one answers it. "auto" (default): Basic
    from the first request; a 401 with a Digest challenge switches to Digest, and a 401 with no
    challenge at all (Virtuoso's answer to Basic) is asked again without credentials once, to
    get one."""

    def __init__(self, mode: str = "auto", user: str | None = None,
                 password: str | None = None, token: str | None = None):
        self.mode, self.user, self.password, self.token = mode, user, password, token
        self.scheme = "bearer" if token else "none" if not user else \
            "digest" if mode == "digest" else "basic"
        self.challenge: dict[str, str] | None = None
        self.nc = 0
        self.unsupported = ""

    @property
    def secrets(self) -> list[str]:
        if self.token:
            return [self.token]
        if self.user and self.password:
            return [self.password, self.basic()]
        return []

    def basic(self) -> str:
        return base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")

    def header(self, method: str, url: str) -> str | None:
        if self.scheme == "bearer":
            return f"Bearer {self.token}"
        if self.scheme == "basic":
            return f"Basic {self.basic()}"
        if self.scheme == "digest" and self.challenge:
            self.nc += 1
            parts = urlsplit(url)
            uri = parts.path + (f"?{parts.query}" if parts.query else "")
            return digest_authorization(self.challenge, self.user or "", self.password or "",
                                        method, uri, self.nc, secrets.token_hex(8))
        return None  # no credentials, or a Digest challenge still to fetch

    def sent(self) -> str:
        return {"bearer": "a Bearer token", "basic": "Basic credentials",
                "digest": "Digest credentials" if self.challenge else "no credentials (to get "
                "the Digest challenge)", "probe": "no credentials (to get a challenge)"
                }.get(self.scheme, "no credentials")

    def learn(self, headers: Message) -> bool:
        """After a 401: True when the request is worth sending again with the new state."""
        if not self.user:
            return False
        challenges = parse_challenges(headers.get_all("WWW-Authenticate") or [])
        digest, self.unsupported = digest_choice(challenges)
        probed = self.scheme == "probe"
        if probed:
            self.scheme = "basic"
        if digest and self.mode != "basic":
            if self.scheme == "digest" and self.challenge and \
                    digest["nonce"] == self.challenge["nonce"]:
                return False  # the same nonce refused: wrong user or password
            self.scheme, self.challenge, self.nc = "digest", digest, 0
            return True
        if self.mode == "auto" and self.scheme == "basic" and not challenges and not probed:
            self.scheme = "probe"
            return True
        return False

    def done(self) -> None:
        """After a request: a probe without credentials is never the standing state."""
        if self.scheme == "probe":
            self.scheme = "basic"


def credentials(endpoint: str, mode: str = "auto") -> Auth:
    """A token is sent as `Authorization: Bearer`; a user and password as Basic or Digest."""
    token = os.environ.get("KUTSE_RDF_TOKEN")
    if token:
        return Auth(mode, token=token)
    user, password = os.environ.get("KUTSE_RDF_USER"), os.environ.get("KUTSE_RDF_PASSWORD")
    if not (user and password):
        user = password = None
        try:
            found = netrc.netrc(os.environ.get("NETRC")).authenticators(
                urlsplit(endpoint).hostname or "")
        except (FileNotFoundError, netrc.NetrcParseError, OSError):
            found = None
        if found:
            user, password = found[0], found[2]
    if not (user and password):
        return Auth(mode)
    return Auth(mode, user, password)


# --- requests under time limits ------------------------------------------------------------

class Fault(Exception):
    """A request that failed: `reason` is one line; `retry` says whether trying again may help."""

    def __init__(self, reason: str, retry: bool = False, attempts: int = 1):
        super().__init__(reason)
        self.reason, self.retry, self.attempts = reason, retry, attempts


@dataclass
class Answer:
    status: int
    reason: str
    headers: Message
    body: bytes


class Watchdog:
    """Shuts a request's sockets when its time is up. A socket timeout bounds each wait for a
    byte, not the request: a server that sends one byte every 25 s would never trip it."""

    def __init__(self, seconds: float):
        self.fired = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self.fire)
        self.timer.daemon = True
        self.timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self.lock:
            self.sockets.append(sock)
            if self.fired:
                self.shut(sock)
        return sock

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            for sock in self.sockets:
                self.shut(sock)

    @staticmethod
    def shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self.timer.cancel()


def watched(connection: type, watchdog: Watchdog) -> type:
    class Watched(connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: watchdog.watch(
                socket.create_connection(*a, **k))
    return Watched


class WatchedHTTP(urllib.request.HTTPHandler):
    def __init__(self, watchdog: Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req):
        return self.do_open(watched(http.client.HTTPConnection, self.watchdog), req)


class WatchedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req):
        return self.do_open(watched(http.client.HTTPSConnection, self.watchdog), req,
                            context=self._context)


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


def network_fault(exc: BaseException, limit: float) -> Fault:
    """A one-line Fault for anything urllib or http.client raise below the HTTP status."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    elif isinstance(exc, urllib.error.URLError):
        return Fault(f"endpoint unreachable ({one_line(exc.reason)})", retry=True)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return Fault(f"no answer within {limit:g} s", retry=False)
    if isinstance(exc, http.client.IncompleteRead):
        expected = f", {exc.expected} more expected" if exc.expected else ""
        return Fault("the server closed the connection in the middle of its answer "
                     f"({len(exc.partial)} bytes read{expected})", retry=True)
    if isinstance(exc, http.client.RemoteDisconnected):
        return Fault("the server closed the connection without answering", retry=True)
    if isinstance(exc, http.client.BadStatusLine):
        return Fault(f"not an HTTP answer (status line {one_line(repr(exc.line), 80)})")
    if isinstance(exc, http.client.HTTPException):
        return Fault(f"broken HTTP answer ({type(exc).__name__}: {one_line(exc, 80)})")
    if isinstance(exc, ConnectionRefusedError):
        return Fault("endpoint unreachable (connection refused)", retry=True)
    if isinstance(exc, ConnectionError):
        return Fault(f"connection lost ({one_line(exc.strerror or exc)})", retry=True)
    if isinstance(exc, socket.gaierror):
        return Fault(f"endpoint unreachable (host not found: {one_line(exc.strerror)})")
    if isinstance(exc, ssl.SSLError):
        return Fault(f"TLS failed ({one_line(getattr(exc, 'reason', None) or exc)})")
    return Fault(f"network error ({one_line(getattr(exc, 'strerror', None) or exc)})",
                 retry=True)


class Store:
    """Requests to one triple store: each with the credentials, each under its own time limit,
    all within the run's deadline."""

    def __init__(self, auth: Auth, request_timeout_s: float, total_timeout_s: float):
        self.auth = auth
        self.request_timeout_s = request_timeout_s
        self.total_timeout_s = total_timeout_s
        self.deadline = time.monotonic() + total_timeout_s

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def out_of_time(self) -> str:
        return f"the time limit for the whole publish ran out (--timeout {self.total_timeout_s:g} s)"

    def send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        limit = self.request_timeout_s + len(body or b"") / 1e6
        if self.remaining() <= 0:
            raise Fault(self.out_of_time())
        whole_run = self.remaining() < limit
        limit = min(limit, self.remaining())
        auth = self.auth.header(method, url)
        if auth:
            headers = {**headers, "Authorization": auth}
        watchdog = Watchdog(limit)
        opener = urllib.request.build_opener(WatchedHTTP(watchdog), WatchedHTTPS(watchdog))
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            try:
                with opener.open(request, timeout=limit) as response:
                    return Answer(response.status, response.reason, response.headers,
                                  response.read())
            except urllib.error.HTTPError as exc:
                with exc:
                    return Answer(exc.code, str(exc.reason or ""), exc.headers, exc.read(2000))
        except (OSError, http.client.HTTPException) as exc:
            if watchdog.fired:
                raise Fault(self.out_of_time() if whole_run else
                            f"no complete answer within {limit:.3g} s (--request-timeout)"
                            ) from None
            raise network_fault(exc, limit) from None
        finally:
            watchdog.cancel()

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        """send(), answering at most two 401 challenges (Digest, or a probe for one)."""
        headers = headers or {}
        try:
            answer = self.send(method, url, body, headers)
            for _ in range(2):
                if answer.status != 401 or not self.auth.learn(answer.headers):
                    break
                answer = self.send(method, url, body, headers)
            return answer
        finally:
            self.auth.done()

    def refusal(self, answer: Answer) -> Fault:
        """A Fault for a non-2xx answer; 5xx are worth retrying."""
        status = f"HTTP {answer.status} {answer.reason}".strip()
        detail = one_line(answer.body[:300].decode("utf-8", "replace"))
        detail = f": {detail}" if detail else ""
        if answer.status == 401:
            if not self.auth.user and not self.auth.token:
                return Fault(f"{status}: the endpoint wants credentials ({CREDENTIAL_HINT})")
            if self.auth.scheme == "digest" and not self.auth.challenge:
                return Fault(f"{status}: the endpoint sent no Digest challenge (--auth digest); "
                             "try --auth basic")
            why = f"; {self.auth.unsupported}" if self.auth.unsupported else ""
            digest = ", or try --auth digest" if self.auth.scheme == "basic" else ""
            return Fault(f"{status}: the endpoint refused {self.auth.sent()}{why} (check the "
                         f"credentials{digest}; {CREDENTIAL_HINT})")
        if answer.status == 403:
            who = "" if self.auth.user or self.auth.token else \
                f" (no credentials were sent: {CREDENTIAL_HINT})"
            return Fault(f"{status}: the store forbids this request{who}{detail}")
        return Fault(status + detail, retry=answer.status >= 500)


def with_retries(store: Store, call: Callable[[], object], retries: int, backoff_s: float):
    attempt = 0
    while True:
        try:
            return call()
        except Fault as exc:
            exc.attempts = attempt + 1
            if not exc.retry or attempt >= retries:
                raise
            wait = backoff_s * 2 ** attempt
            if wait >= store.remaining():
                exc.reason += f"; {store.out_of_time()}"
                raise
            time.sleep(wait)
            attempt += 1


# --- pruning -------------------------------------------------------------------------------

# Graph Store endpoint path -> the same store's SPARQL query endpoint (for listing graphs)
QUERY_ENDPOINTS = [
    (re.compile(r"/store$"), "/query"),  # Oxigraph
    (re.compile(r"/rdf-graphs/service$"), ""),  # GraphDB: /repositories/REPO
    (re.compile(r"/sparql-graph-crud(-auth)?$"), "/sparql"),  # Virtuoso
    (re.compile(r"/data$"), "/sparql"),  # Fuseki: /DATASET/data
]
SAFE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+')


@dataclass
class Prune:
    base: str  # only graphs named as a build names them under it are candidates (prunable)
    query_endpoint: str
    keep: set[str] = field(default_factory=set)


def prune_plan(endpoint: str, graphs: list[GraphFile], graph_base: str | None,
               query_endpoint: str | None) -> Prune:
    """Where --prune looks and what it keeps; checked before anything is sent (exit 2)."""
    base = base_of(graph_base) if graph_base else shared_base([g.graph for g in graphs])
    if not SAFE_IRI.fullmatch(base) or not urlsplit(base).path.strip("/"):
        raise InputError(f"--prune: graph base {base!r} is not an IRI with a path: give "
                         "--graph-base")
    if query_endpoint:
        check_endpoint(query_endpoint, "--sparql-endpoint")
    else:
        parts = urlsplit(endpoint)
        for pattern, replacement in QUERY_ENDPOINTS:
            if not parts.query and pattern.search(parts.path):
                query_endpoint = parts._replace(
                    path=pattern.sub(replacement, parts.path)).geturl()
                break
        else:
            raise InputError("--prune needs the store's SPARQL query endpoint to list its "
                             f"graphs and cannot guess it from {endpoint}: give "
                             "--sparql-endpoint URL")
    return Prune(base, query_endpoint, {g.graph for g in graphs})


# what a build names under its graph base: a work (S), a version of it (S/version/K), or one of
# the shared graphs (reference, inferred, elm, changes); nothing deeper or wider
BUILT_GRAPH = re.compile(r"[^/#?]+(?:/version/[^/#?]+)?")


def prunable(graph: str, base: str) -> bool:
    rest = graph[len(base):] if graph.startswith(base) else ""
    return bool(BUILT_GRAPH.fullmatch(rest))


def stale_graphs(store: Store, plan: Prune, retries: int, backoff_s: float) -> list[str]:
    literal = plan.base.replace("\\", "\\\\").replace('"', '\\"')
    query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
             f'FILTER(STRSTARTS(STR(?g), "{literal}")) }}')
    url = f"{plan.query_endpoint}{'&' if '?' in plan.query_endpoint else '?'}" + \
        urlencode({"query": query})

    def ask() -> list[str]:
        answer = store.request("GET", url, headers={"Accept": "application/sparql-results+json"})
        if not 200 <= answer.status < 300:
            raise store.refusal(answer)
        try:
            rows = json.loads(answer.body)["results"]["bindings"]
            return sorted({r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri"})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Fault("the answer is not SPARQL JSON results") from None

    listed = with_retries(store, ask, retries, backoff_s)
    return [g for g in listed if prunable(g, plan.base) and g not in plan.keep]


# --- the run ---------------------------------------------------------------------------------

def change(store: Store, method: str, url: str, body: bytes | None) -> None:
    """PUT a graph, or DELETE one (a graph already gone is fine)."""
    headers = {"Content-Type": "application/n-triples"} if body is not None else {}
    answer = store.request(method, url, body, headers)
    if not (200 <= answer.status < 300 or (method == "DELETE" and answer.status == 404)):
        raise store.refusal(answer)


@dataclass
class Published:
    uploaded: list[GraphFile]
    deleted: list[str]


def publish(endpoint: str, graphs: list[GraphFile], *, request_timeout_s: float,
            total_timeout_s: float, auth: str = "auto", prune: Prune | None = None,
            dry_run: bool = False, report: Callable[[str], None] = lambda _: None,
            retries: int | None = None, backoff_s: float | None = None) -> Published:
    """PUT every graph, then delete the stale ones when `prune` is given; on any failure raise
    DataError naming the fault and the graphs already uploaded (and deleted). `dry_run` sends
    only the read-only query that lists the store's graphs for `prune`."""
    check_endpoint(endpoint)
    retries = RETRIES if retries is None else retries
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    credential = credentials(endpoint, auth)
    store = Store(credential, request_timeout_s, total_timeout_s)
    done: list[GraphFile] = []
    deleted: list[str] = []

    def fail(what: str, exc: Fault) -> DataError:
        tries = f" after {exc.attempts} attempts" if exc.attempts > 1 else ""
        uploaded = ", ".join(f"<{d.graph}>" for d in done) or "none"
        message = f"{what} failed{tries}: {exc.reason}; graphs already uploaded: {uploaded}"
        if prune and not dry_run and len(done) == len(graphs):
            message += f"; graphs deleted: {', '.join(f'<{g}>' for g in deleted) or 'none'}"
        for secret in credential.secrets:
            message = message.replace(secret, "***")
        return DataError(message)

    if not dry_run:
        shared = shared_lines(graphs)
        for g in graphs:
            put = partial(change, store, "PUT", graph_url(endpoint, g.graph),
                          payload(g, shared))
            try:
                with_retries(store, put, retries, backoff_s)
            except Fault as exc:
                raise fail(f"upload of graph <{g.graph}> to {endpoint}", exc) from None
            done.append(g)
            left_out = f"; {g.left_out} left out, the reference graph holds them" \
                if g.left_out else ""
            report(f"uploaded <{g.graph}> ({g.triples - g.left_out} triples{left_out})")
    if prune is None:
        return Published(done, deleted)
    try:
        stale = stale_graphs(store, prune, retries, backoff_s)
    except Fault as exc:
        raise fail(f"listing the store's graphs at {prune.query_endpoint} (for --prune)",
                   exc) from None
    if dry_run:
        return Published(done, stale)
    for graph in stale:
        delete = partial(change, store, "DELETE", graph_url(endpoint, graph), None)
        try:
            with_retries(store, delete, retries, backoff_s)
        except Fault as exc:
            raise fail(f"deleting stale graph <{graph}> at {endpoint}", exc) from None
        deleted.append(graph)
        report(f"deleted <{graph}> (its standard is no longer built)")
    return Published(done, deleted)
