"""The deployment files of deploy/ on real servers: Debian's nginx and Apache httpd, each started
on 127.0.0.1 (a free port) with a generated configuration over the seed's built site, asked with
the Accept headers linked-data clients and browsers send, and stopped. They must answer as
`kutse-rdf serve` does (303 to the page, index.ttl or index.jsonld; 406; Vary and Link), except
for the two cases deploy/nginx/kutse-rdf-map.conf documents. A server that is not installed
skips its tests and says so (scripts/test installs both where it can)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox
import pytest
from support.serve import ask, serving
from support.site import BASE, ROOT, build_seed

pytestmark = pytest.mark.server

DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
RESOURCE = "/standard/it-juht-tase-7/version/draft/competence/B.3.5"  # the seed is a draft
LATEST = "/standard/it-juht-tase-7/competence/B.3.5"  # version-independent: a redirect page

# (Accept header or None for none sent, the representation all three servers choose)
SAME_EVERYWHERE = [
    (None, "/"),
    ("", "/"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", "/"),
    ("*/*", "/"),
    ("text/turtle", "/index.ttl"),
    ("application/ld+json", "/index.jsonld"),
    ("TEXT/Turtle", "/index.ttl"),
    # Apache Jena's RIOT
    (("text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
      "application/rdf+xml;q=0.7,*/*;q=0.5"), "/index.ttl"),
    ("application/ld+json, application/json;q=0.5", "/index.jsonld"),
    ("text/turtle;q=0.5, application/ld+json", "/index.jsonld"),
    ("text/html;q=0.9, text/turtle", "/index.ttl"),
    ("text/turtle;q=0.5, text/html", "/"),
    ("text/html;q=0, */*", "/index.ttl"),
    ("text/html;q=0.0, text/*", "/index.ttl"),
    ("text/turtle; charset=utf-8", "/index.ttl"),
    ("application/rdf+xml, text/turtle;q=0.4", "/index.ttl"),
    ("application/*", "/index.jsonld"),
    ("application/rdf+xml", None),
    ("image/png, application/json", None),
    ("text/turtle;q=0, application/ld+json;q=0, text/html;q=0", None),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped at start (exit {process.returncode}): "
                        f"{log.read_text(errors='replace') if log.exists() else ''}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.1)
    pytest.fail("the server did not start listening within 20 s")


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stderr.close()


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    return build_seed(tmp_path_factory.mktemp("deploy") / "build")


@pytest.fixture(scope="module")
def www(build):
    """The site where a web server's unprivileged worker can read it (pytest's folders are the
    user's alone): a fresh folder, world-readable, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="kutse-rdf-www-"))
    try:
        shutil.copytree(build / "site", folder / "site")
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def nginx_on(work: Path, root: Path):
    """Debian's nginx on a free port, the deploy/ files included as they are, `root` its root."""
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is missing: install Debian's nginx (scripts/test does, as root)")
    port = free_port()
    work.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = work / "nginx.conf"
    config.write_text(f"""{user}daemon off;
master_process on;
worker_processes 1;
error_log {work}/error.log;
pid {work}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {DEPLOY}/nginx/kutse-rdf-map.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        include {DEPLOY}/nginx/kutse-rdf-site.conf;
    }}
}}
""")
    check = subprocess.run([NGINX, "-t", "-c", str(config), "-e", str(work / "error.log")],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    with running([NGINX, "-c", str(config), "-e", str(work / "error.log")], port,
                 work / "error.log") as port:
        yield port


@pytest.fixture(scope="module")
def nginx(www):
    with nginx_on(www / "nginx", www / "site") as port:
        yield port


@pytest.fixture(scope="module")
def apache(www):
    if not Path(APACHE).exists():
        pytest.skip(f"{APACHE} is missing: install Debian's apache2 (scripts/test does, as root)")
    port = free_port()
    work = www / "apache"
    work.mkdir()
    work.chmod(0o777)
    shutil.copy(DEPLOY / "apache" / "htaccess", www / "site" / ".htaccess")
    (www / "site" / ".htaccess").chmod(0o644)
    # w3id.org's folder for the project, on the same server, sending its IRIs to the site here
    w3id = www / "site" / "kutse-rdf"
    w3id.mkdir(mode=0o755)
    rules = (DEPLOY / "w3id" / "htaccess").read_text(encoding="utf-8")
    assert "https://data.example.ee/kutse/" in rules
    (w3id / ".htaccess").write_text(rules.replace("https://data.example.ee/kutse/",
                                                  f"http://127.0.0.1:{port}/"), encoding="utf-8")
    (w3id / ".htaccess").chmod(0o644)
    with apache_on(work, www / "site", port) as port:
        yield port


@contextlib.contextmanager
def apache_on(work: Path, root: Path, port: int | None = None, types: str = ""):
    """Debian's Apache httpd on a free port, `root` its DocumentRoot with .htaccess files on;
    `types` its mime.types (none by default: the site's .htaccess must name every type)."""
    if not Path(APACHE).exists():
        pytest.skip(f"{APACHE} is missing: install Debian's apache2 (scripts/test does, as root)")
    port = port or free_port()
    work.mkdir(exist_ok=True)
    work.chmod(0o777)
    modules = ["mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "unixd"]
    loads = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules
                      if (APACHE_MODULES / f"mod_{m}.so").exists())
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    (work / "mime.types").write_text(types)
    config = work / "httpd.conf"
    config.write_text(f"""{loads}
{user}ServerName localhost
Listen 127.0.0.1:{port}
PidFile {work}/httpd.pid
TypesConfig {work}/mime.types
DefaultRuntimeDir {work}
ErrorLog {work}/error.log
LogLevel warn
DocumentRoot {root}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {root}>
    AllowOverride All
    Require all granted
</Directory>
""")
    command = [APACHE, "-f", str(config), "-DFOREGROUND"]
    check = subprocess.run([APACHE, "-f", str(config), "-t"], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stderr
    with running(command, port, work / "error.log") as port:
        yield port


@pytest.fixture(scope="module")
def kutse_serve(build):
    with serving(build) as srv:
        yield srv.server_address[1]


@pytest.fixture(params=["nginx", "apache", "serve"])
def server(request):
    return request.param, request.getfixturevalue({"serve": "kutse_serve"}.get(request.param,
                                                                               request.param))


@pytest.mark.parametrize("accept, target", SAME_EVERYWHERE)
def test_resource_iri_negotiates(server, accept, target):
    name, port = server
    status, headers, _ = ask(port, RESOURCE, accept)
    if target is None:
        assert status == 406, (name, accept)
        assert "Location" not in headers
    else:
        assert status == 303, (name, accept)
        assert urlparse(headers["Location"]).path == RESOURCE + target, (name, accept)
    assert [v.strip() for v in headers["Vary"].split(",")] == ["Accept"], name
    links = headers["Link"]
    for file, media in (("/", "text/html"), ("/index.ttl", "text/turtle"),
                        ("/index.jsonld", "application/ld+json")):
        assert f'<{RESOURCE}{file}>; rel="alternate"; type="{media}"' in links, (name, links)


def test_the_representations_are_the_sites_files(server, build):
    name, port = server
    site = build / "site" / RESOURCE.strip("/")
    status, headers, body = ask(port, RESOURCE + "/index.ttl", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), name
    assert body == (site / "index.ttl").read_bytes()
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) > 10
    status, headers, body = ask(port, RESOURCE + "/index.jsonld", "application/ld+json")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json"), name
    assert body == (site / "index.jsonld").read_bytes()
    status, headers, body = ask(port, RESOURCE + "/", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html"), name
    assert body == (site / "index.html").read_bytes()


def test_other_paths_are_plain_files(server, build):
    """Only a resource IRI negotiates: a folder without data (downloads/) redirects to its slash
    as any web server does, files are files, and .well-known/void is Turtle."""
    name, port = server
    status, headers, _ = ask(port, "/downloads", "text/turtle")
    assert status == 301 and urlparse(headers["Location"]).path == "/downloads/", name
    assert "Accept" not in headers.get("Vary", ""), name
    status, headers, body = ask(port, "/.well-known/void", None)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), name
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) > 10
    status, _, _ = ask(port, RESOURCE.replace("B.3.5", "B.3.99"), "text/turtle")
    assert status == 404, name


@pytest.mark.parametrize("accept", [None, "text/turtle", "application/ld+json"])
def test_a_version_independent_iri_is_its_redirect_page(server, build, accept):
    """The version-independent IRI has no data files on the site, so no server negotiates it:
    every one sends it to its folder as any other folder, whose page sends the reader on to the
    current version's page (its canonical URL)."""
    name, port = server
    status, headers, _ = ask(port, LATEST, accept)
    assert status == 301 and urlparse(headers["Location"]).path == LATEST + "/", (name, accept)
    assert "Accept" not in headers.get("Vary", ""), name
    status, headers, body = ask(port, LATEST + "/", accept)
    assert status == 200 and headers["Content-Type"].startswith("text/html"), (name, accept)
    assert body == (build / "site" / LATEST.strip("/") / "index.html").read_bytes()
    assert b'http-equiv="refresh"' in body
    assert f'rel="canonical" href="{BASE.rstrip("/")}{RESOURCE}/"'.encode() in body


def test_head_redirects_as_get(server):
    name, port = server
    status, headers, body = ask(port, RESOURCE, "application/ld+json", method="HEAD")
    assert status == 303 and urlparse(headers["Location"]).path == RESOURCE + "/index.jsonld", name
    assert body == b""


@pytest.mark.parametrize("accept, static, serve", [
    ("text/turtle;q=0.9, text/html;q=0.5", "/", "/index.ttl"),
    ("text/turtle;q=0.1, */*", "/index.ttl", "/"),
])
def test_where_the_static_rules_differ_from_serve(nginx, apache, kutse_serve, accept, static,
                                                   serve):
    """The two documented cases (deploy/nginx/kutse-rdf-map.conf): both static servers agree
    with each other there, and serve compares the q-values."""
    for port in (nginx, apache):
        assert urlparse(ask(port, RESOURCE, accept)[1]["Location"]).path == RESOURCE + static
    assert urlparse(ask(kutse_serve, RESOURCE, accept)[1]["Location"]).path == RESOURCE + serve


@pytest.mark.parametrize("iri_path, accept, site_path, then", [
    ("/kutse-rdf/id" + RESOURCE, "text/turtle", RESOURCE, RESOURCE + "/index.ttl"),
    ("/kutse-rdf/id" + RESOURCE, None, RESOURCE, RESOURCE + "/"),
    ("/kutse-rdf/ecf/4.0/E.8", "application/ld+json", "/ecf/4.0/E.8", "/ecf/4.0/E.8/index.jsonld"),
    ("/kutse-rdf/ontology", "text/turtle", "/ontology", "/ontology/index.ttl"),
    ("/kutse-rdf/", None, "/", None),
])
def test_w3id_rules_send_the_default_bases_iris_to_the_site(apache, iri_path, accept, site_path,
                                                            then):
    """deploy/w3id/htaccess, as w3id.org would serve it (Apache, the project's folder), with the
    site on the same test server: the IRI redirects to the site's path, where the site's rules
    then negotiate with the same Accept header."""
    status, headers, _ = ask(apache, iri_path, accept)
    assert status == 303 and headers["Location"] == f"http://127.0.0.1:{apache}{site_path}"
    if then is not None:
        status, headers, _ = ask(apache, site_path, accept)
        assert status == 303 and urlparse(headers["Location"]).path == then


# --- named graphs: B graph/… resolves to the graph's dump ----------------------------------
# (docs/knowledge-graph.md: a version's graph, its work's graph, the reference, inferred and ELM
# graphs; the seed has one version, so no changes graph: tests/engine/test_register.py checks
# that a register's build writes its folder too)
GRAPHS = ["/graph/it-juht-tase-7/version/draft", "/graph/it-juht-tase-7", "/graph/reference", "/graph/shared",
          "/graph/inferred", "/graph/elm"]
GRAPH_ACCEPT = [
    (None, "/"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/"),
    ("text/turtle", "/index.ttl"),
    ("application/n-triples", "/index.nt"),
    ("application/trig", "/index.trig"),
    ("application/ld+json", "/index.jsonld"),
    # Apache Jena's RIOT: Turtle first
    (("text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
      "application/rdf+xml;q=0.7,*/*;q=0.5"), "/index.ttl"),
    ("application/n-triples;q=0.5, application/trig", "/index.trig"),
    ("application/n-triples, */*;q=0.1", "/index.nt"),
    ("text/html;q=0, application/n-triples;q=0.5", "/index.nt"),
    ("application/trig; charset=utf-8", "/index.trig"),
    ("application/*", "/index.jsonld"),
    ("*/*", "/"),
    ("application/rdf+xml", None),
    ("application/n-quads", None),
]
GRAPH_MEDIA = {"/index.ttl": "text/turtle", "/index.nt": "application/n-triples",
               "/index.trig": "application/trig", "/index.jsonld": "application/ld+json",
               "/": "text/html"}


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("accept, target", GRAPH_ACCEPT)
def test_a_named_graph_iri_negotiates_its_dump(server, graph, accept, target):
    name, port = server
    status, headers, _ = ask(port, graph, accept)
    if target is None:
        assert status == 406, (name, graph, accept)
    else:
        assert status == 303, (name, graph, accept)
        assert urlparse(headers["Location"]).path == graph + target, (name, graph, accept)
    assert [v.strip() for v in headers["Vary"].split(",")] == ["Accept"], name
    for file, media in GRAPH_MEDIA.items():
        assert f'<{graph}{file}>; rel="alternate"; type="{media}"' in headers["Link"], \
            (name, headers["Link"])


@pytest.mark.parametrize("graph", GRAPHS)
def test_a_named_graphs_representations_are_its_dump(server, build, graph):
    """Each representation holds exactly the graph's triples (the N-Triples file byte for byte,
    the manifest's count); the TriG names the graph by its IRI; the page leads to downloads."""
    import json

    name, port = server
    iri = BASE.rstrip("/") + graph
    entry = next(e for e in json.loads((build / "data" / "graphs.json").read_text())
                 if e["graph"] == iri)
    expected = set(ox.parse(path=str(build / "data" / entry["file"]),
                            format=ox.RdfFormat.N_TRIPLES))
    assert len(expected) == entry["triples"]
    for file, rdf_format in (("/index.nt", ox.RdfFormat.N_TRIPLES),
                             ("/index.ttl", ox.RdfFormat.TURTLE),
                             ("/index.jsonld", ox.RdfFormat.JSON_LD),
                             ("/index.trig", ox.RdfFormat.TRIG)):
        status, headers, body = ask(port, graph + file, GRAPH_MEDIA[file])
        assert status == 200, (name, file)
        assert headers["Content-Type"].startswith(GRAPH_MEDIA[file]), (name, file)
        quads = list(ox.parse(body, format=rdf_format))
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in quads} == \
            {ox.Triple(q.subject, q.predicate, q.object) for q in expected}, (name, file)
        if file == "/index.nt":
            assert body == (build / "data" / entry["file"]).read_bytes()
        if file == "/index.trig":
            assert {q.graph_name for q in quads} == {ox.NamedNode(iri)}
    status, headers, body = ask(port, graph + "/", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html"), name
    assert b'http-equiv="refresh"' in body and b"downloads/" in body


def test_w3id_sends_a_graph_iri_to_the_site(apache):
    """The default base's graph IRI through w3id's rules, then the site's: N-Triples."""
    status, headers, _ = ask(apache, "/kutse-rdf/id/graph/elm", "application/n-triples")
    assert status == 303 and headers["Location"] == f"http://127.0.0.1:{apache}/graph/elm"
    status, headers, _ = ask(apache, "/graph/elm", "application/n-triples")
    assert status == 303 and urlparse(headers["Location"]).path == "/graph/elm/index.nt"


@pytest.mark.parametrize("path, accept, static, serve", [
    (RESOURCE, "application/ld+json, text/turtle", "/index.ttl", "/index.jsonld"),
    ("/graph/elm", "application/trig, application/n-triples", "/index.nt", "/index.trig"),
])
def test_two_types_at_full_quality(nginx, apache, kutse_serve, path, accept, static, serve):
    """Two offered types both at full quality: serve takes the one named first (RFC 9110 leaves
    the tie to the server), the static rules their fixed order (HTML, Turtle, JSON-LD,
    N-Triples, TriG); docs/deployment.md says so."""
    for port in (nginx, apache):
        assert urlparse(ask(port, path, accept)[1]["Location"]).path == path + static
    assert urlparse(ask(kutse_serve, path, accept)[1]["Location"]).path == path + serve


# --- a site under a path: the host's root files (site-root/) ---------------------------------

@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """The seed built for http://localhost/kutse/ and laid out as docs/deployment.md says: the
    site in the host root's kutse/, site-root/'s files in the host root itself."""
    from kutse_rdf.cli import main

    out = tmp_path_factory.mktemp("under-a-path") / "build"
    assert main(["build", "--quiet", "--base-uri", "http://localhost/kutse/", "--out", str(out),
                 str(ROOT / "standards" / "it-juht-tase-7.txt")]) == 0
    folder = Path(tempfile.mkdtemp(prefix="kutse-rdf-host-"))
    try:
        shutil.copytree(out / "site", folder / "root" / "kutse")
        shutil.copy(DEPLOY / "apache" / "htaccess", folder / "root" / "kutse" / ".htaccess")
        shutil.copytree(out / "site-root", folder / "root", dirs_exist_ok=True)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield out, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["nginx", "apache"])
def host_server(request, host):
    _, folder = host
    if request.param == "nginx":
        server = nginx_on(folder / "nginx", folder / "root")
    else:  # the host's own files (robots.txt) get the host's usual types, as Debian's have
        server = apache_on(folder / "apache", folder / "root", types="text/plain txt\n")
    with server as port:
        yield request.param, port


def test_site_root_files_are_where_crawlers_look(host, host_server):
    """robots.txt at the host's root names the site's sitemap; /.well-known/void is the site's
    VoID as Turtle; the site under /kutse/ negotiates as at a root."""
    out, _ = host
    name, port = host_server
    assert sorted(p.relative_to(out / "site-root").as_posix()
                  for p in (out / "site-root").rglob("*") if p.is_file()) == \
        [".well-known/.htaccess", ".well-known/void", "robots.txt"]
    status, headers, body = ask(port, "/robots.txt", None)
    assert status == 200 and headers["Content-Type"].startswith("text/plain"), name
    assert "Sitemap: http://localhost/kutse/sitemap.xml" in body.decode().splitlines()
    status, headers, body = ask(port, "/.well-known/void", None)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), name
    void = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert ox.Literal("http://localhost/kutse/") in {t.object for t in void}
    assert body == (out / "site" / ".well-known" / "void").read_bytes()
    status, _, body = ask(port, "/kutse/sitemap.xml", None)
    assert status == 200 and b"<loc>http://localhost/kutse/</loc>" in body, name
    path = "/kutse" + RESOURCE
    status, headers, _ = ask(port, path, "text/turtle")
    assert status == 303 and urlparse(headers["Location"]).path == path + "/index.ttl", name
    status, headers, _ = ask(port, "/kutse/graph/elm", "application/n-triples")
    assert status == 303 and urlparse(headers["Location"]).path == "/kutse/graph/elm/index.nt"


def test_no_site_root_when_the_site_is_the_root(build):
    """The default base has a path (w3id.org/kutse-rdf/id/), so its build writes site-root/
    too; a base without one (the site is the host's root) has nothing to add there."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    assert (build / "site-root" / "robots.txt").is_file()
    root = build.parent / "at-the-root"
    shutil.copytree(build / "data", root / "data")
    shutil.copytree(build / "reports", root / "reports")
    build_site(root, Config(base_uri="http://localhost/"))
    assert (root / "site" / "robots.txt").is_file() and not (root / "site-root").exists()
    assert "Sitemap: http://localhost/sitemap.xml" in (root / "site" / "robots.txt").read_text()
