"""Real triple stores on 127.0.0.1 for the publish tests: Oxigraph (pip), Virtuoso 7 (Debian)
and Apache Jena Fuseki (a jar scripts/test fetches from Maven Central). Each starts on free
ports with a fresh database in a temporary folder and is stopped by its own process id."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

FUSEKI_VERSION = "5.6.0"
# where scripts/test puts the jar; KUTSE_RDF_FUSEKI_JAR names another
FUSEKI_JAR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / \
    "kutse-rdf-test" / f"jena-fuseki-server-{FUSEKI_VERSION}.jar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, probe: str, seconds: float, name: str,
                  log=lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(probe, timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail(f"{name} did not start: {log()[-500:]}")
            time.sleep(0.3)


def stop(proc: subprocess.Popen, seconds: float = 30) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def oxigraph_server(folder: Path, *options: str):
    """Oxigraph's server: Graph Store at URL/store, SPARQL at URL/query; its defaults (the
    default graph is its own, not the union) unless `options` say otherwise."""
    exe = shutil.which("oxigraph")
    if not exe:
        pytest.fail("the `oxigraph` server (pip package oxigraph, test extra) is not installed")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(folder), "--bind",
                             f"127.0.0.1:{port}", *options], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/query?query=ASK%7B%7D", 30, "oxigraph",
                  lambda: proc.stderr.read().decode(errors="replace"))
    try:
        yield url
    finally:
        stop(proc, 10)


@contextlib.contextmanager
def virtuoso_server(folder: Path):
    """Virtuoso 7: Graph Store at URL/sparql-graph-crud-auth (user dba, password dba, a new
    database's default), SPARQL at URL/sparql. Skips where Debian's package is missing."""
    exe = shutil.which("virtuoso-t")
    if not exe:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource-7; "
                    "scripts/test installs it)")
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(
        "[Database]\nDatabaseFile = virtuoso.db\nErrorLogFile = virtuoso.log\n"
        "LockFile = virtuoso.lck\nTransactionFile = virtuoso.trx\nxa_persistent_file = "
        "virtuoso.pxa\n[TempDatabase]\nDatabaseFile = virtuoso-temp.db\nTransactionFile = "
        f"virtuoso-temp.trx\n[Parameters]\nServerPort = 127.0.0.1:{sql}\nDisableUnixSocket = 1\n"
        "NumberOfBuffers = 2000\nMaxDirtyBuffers = 1200\nDirsAllowed = .\n[HTTPServer]\n"
        f"ServerPort = 127.0.0.1:{http}\nServerRoot = .\nServerThreads = 4\n")
    proc = subprocess.Popen([exe, "-f", "-c", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http}"
    log = folder / "virtuoso.log"
    wait_until_up(proc, f"{url}/sparql?query=ASK%7B%7D", 90, "Virtuoso",
                  lambda: log.read_text(errors="replace") if log.exists() else "")
    try:
        yield url
    finally:
        stop(proc)


def fuseki_jar() -> Path | None:
    named = os.environ.get("KUTSE_RDF_FUSEKI_JAR")
    jar = Path(named) if named else FUSEKI_JAR
    return jar if jar.is_file() else None


@contextlib.contextmanager
def fuseki_server(folder: Path):
    """Apache Jena Fuseki (main server, in memory, updatable) with one dataset: Graph Store at
    URL/ds/data, SPARQL at URL/ds/query. Skips where Java or the jar is missing."""
    java = shutil.which("java")
    jar = fuseki_jar()
    if not java or jar is None:
        missing = "Java" if not java else f"the Fuseki jar ({FUSEKI_JAR})"
        pytest.skip(f"Apache Jena Fuseki cannot run here: {missing} is missing (scripts/test "
                    f"fetches org.apache.jena:jena-fuseki-server:{FUSEKI_VERSION} from Maven "
                    "Central; set KUTSE_RDF_FUSEKI_JAR to use another copy)")
    port = free_port()
    log = folder / "fuseki.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([java, "-Xmx1g", "-jar", str(jar), "--localhost", "--port",
                                 str(port), "--mem", "--update", "/ds"], cwd=folder,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/ds/query?query=ASK%7B%7D", 90, "Fuseki",
                  lambda: log.read_text(errors="replace"))
    try:
        yield url
    finally:
        stop(proc)
