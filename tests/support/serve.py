"""Serving helpers shared by tests/publish/: a small build folder and a real server on it."""
from __future__ import annotations

import contextlib
import http.client
import shutil
import threading
from pathlib import Path

from kutse_rdf.config import ServeLimits
from kutse_rdf.publish.serve import make_server

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "query" / "mini.trig"


def make_build(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "site" / "standard").mkdir(parents=True)
    shutil.copy(MINI, folder / "data" / "all.trig")
    (folder / "site" / "index.html").write_text("<!doctype html><title>Näidis</title>\n",
                                                encoding="utf-8")
    (folder / "site" / "standard" / "index.ttl").write_text("<a:b> <a:c> <a:d> .\n")
    return folder


@contextlib.contextmanager
def serving(build: Path, **limits):
    """A real server on 127.0.0.1 (a free port) over a build folder, stopped afterwards;
    `limits` are ServeLimits fields."""
    srv = make_server(build, port=0, quiet=True, limits=ServeLimits(**limits))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def ask(port: int, path: str, accept: str | None, method: str = "GET"):
    """One request to a server on 127.0.0.1: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Accept": accept} if accept is not None else {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
