"""Upload a build to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph listed in DIR/data/graphs.json is replaced whole by one PUT of its N-Triples
file (`PUT ENDPOINT?graph=URI`), so publishing again is idempotent and a reader sees the old
graph or the new one, never half of it. Standard library only (urllib): the protocol is one
request per graph and needs nothing more.

Credentials come from the environment (KUTSE_RDF_TOKEN, or KUTSE_RDF_USER and
KUTSE_RDF_PASSWORD) or from ~/.netrc (or the file $NETRC names), never from the command line,
and are never printed.
"""
from __future__ import annotations

import base64
import json
import netrc
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

from kutse_rdf.errors import DataError, InputError

RETRIES = 3  # extra attempts after the first, on 5xx and connection errors
BACKOFF_S = 1.0  # first wait; doubled before each further attempt
TIMEOUT_S = 60.0


@dataclass
class GraphFile:
    graph: str  # named graph URI (already rebased when --graph-base is given)
    path: Path
    file: str  # as listed in graphs.json, relative to DIR/data
    triples: int
    kind: str


def read_manifest(out: Path, graph_base: str | None = None) -> list[GraphFile]:
    """The graphs of the build in `out`; a missing or unbuilt folder is a usage error (exit 2)."""
    data = out / "data"
    manifest = data / "graphs.json"
    if not manifest.is_file():
        raise InputError(f"no build here ({manifest} is missing): run `kutse-rdf build --out "
                         f"{out}` first", file=str(out))
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        graphs = [GraphFile(rebase(e["graph"], graph_base), data / e["file"], e["file"],
                            int(e.get("triples", 0)), e.get("kind", "")) for e in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a graphs manifest ({exc}): run `kutse-rdf build` again",
                         file=str(manifest)) from None
    for g in graphs:
        if not g.path.is_file():
            raise InputError(f"{g.file} listed for graph <{g.graph}> is missing: run "
                             "`kutse-rdf build` again", file=str(manifest))
    return graphs


def rebase(graph: str, graph_base: str | None) -> str:
    """--graph-base replaces everything before a graph name's last segment:
    B/graph/it-juht-tase-7 with base http://x/g/ -> http://x/g/it-juht-tase-7."""
    if not graph_base:
        return graph
    base = graph_base if graph_base.endswith(("/", "#")) else graph_base + "/"
    return base + graph.rstrip("/").rsplit("/", 1)[-1]


def check_endpoint(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
    if parts.username or parts.password:
        raise InputError("--endpoint must not carry credentials: set KUTSE_RDF_USER and "
                         "KUTSE_RDF_PASSWORD (or KUTSE_RDF_TOKEN) or use ~/.netrc")


def credentials(endpoint: str) -> tuple[urllib.request.OpenerDirector, list[str]]:
    """An opener that authenticates, and the secrets to keep out of every message.

    A token is sent as `Authorization: Bearer`. A user and password are sent as HTTP Basic
    from the first request (Fuseki, GraphDB, Oxigraph behind a proxy) and answer a Digest
    challenge too (Virtuoso's /sparql-graph-crud-auth)."""
    token = os.environ.get("KUTSE_RDF_TOKEN")
    if token:
        opener = urllib.request.build_opener()
        opener.addheaders = [("Authorization", f"Bearer {token}")]
        return opener, [token]
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
        return urllib.request.build_opener(), []
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    passwords.add_password(None, endpoint, user, password, is_authenticated=True)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords),
                                         urllib.request.HTTPDigestAuthHandler(passwords))
    basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return opener, [password, basic]


def graph_url(endpoint: str, graph: str) -> str:
    return f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph, safe='')}"


class UploadError(Exception):
    def __init__(self, reason: str, retry: bool):
        super().__init__(reason)
        self.reason, self.retry = reason, retry


def put_once(opener: urllib.request.OpenerDirector, url: str, body: bytes) -> None:
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        status = f"HTTP {exc.code} {exc.reason}".strip()
        if exc.code in (401, 403):
            raise UploadError(f"{status}: the endpoint refused the credentials (set "
                              "KUTSE_RDF_USER and KUTSE_RDF_PASSWORD, or KUTSE_RDF_TOKEN, or "
                              "use ~/.netrc)", retry=False) from None
        detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
        raise UploadError(status + (f": {detail}" if detail else ""),
                          retry=exc.code >= 500) from None
    except (urllib.error.URLError, ConnectionError, socket.timeout) as exc:
        reason = getattr(exc, "reason", exc)
        raise UploadError(f"endpoint unreachable ({reason})", retry=True) from None


def publish(endpoint: str, graphs: list[GraphFile], retries: int | None = None,
            backoff_s: float | None = None, report: Callable[[str], None] = lambda _: None
            ) -> list[GraphFile]:
    """PUT every graph; on failure raise DataError naming the graph, the status and the
    graphs already uploaded. Returns the graphs uploaded."""
    check_endpoint(endpoint)
    retries = RETRIES if retries is None else retries
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    opener, secrets = credentials(endpoint)
    done: list[GraphFile] = []
    for g in graphs:
        body = g.path.read_bytes()
        for attempt in range(retries + 1):
            try:
                put_once(opener, graph_url(endpoint, g.graph), body)
                break
            except UploadError as exc:
                if exc.retry and attempt < retries:
                    time.sleep(backoff_s * 2 ** attempt)
                    continue
                tries = f" after {attempt + 1} attempts" if attempt else ""
                uploaded = ", ".join(f"<{d.graph}>" for d in done) or "none"
                message = (f"upload of graph <{g.graph}> to {endpoint} failed{tries}: "
                           f"{exc.reason}; graphs already uploaded: {uploaded}")
                for secret in secrets:
                    message = message.replace(secret, "***")
                raise DataError(message) from None
        done.append(g)
        report(f"uploaded <{g.graph}> ({g.triples} triples)")
    return done
