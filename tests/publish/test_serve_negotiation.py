"""`kutse-rdf serve` as a linked-data server: a resource IRI's path answers 303 See Other to the
representation the Accept header prefers (the page, index.ttl or index.jsonld), with Vary: Accept
and a Link header; 406 only when the header accepts none of them. A real server on 127.0.0.1."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from support.serve import ask, make_build, serving

from kutse_rdf.publish.serve import negotiate

pytestmark = pytest.mark.server

RESOURCE = "/standard/naidis/competence/B.3.5"
TURTLE = "<https://w3id.org/kutse-rdf/id/standard/naidis/competence/B.3.5> a <http://x/C> .\n"
JSONLD = ('[{"@id":"https://w3id.org/kutse-rdf/id/standard/naidis/competence/B.3.5",'
          '"@type":["http://x/C"]}]')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    build = make_build(tmp_path_factory.mktemp("negotiation") / "build")
    folder = build / "site" / RESOURCE.strip("/")
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>B.3.5</title>\n", encoding="utf-8")
    (folder / "index.ttl").write_text(TURTLE, encoding="utf-8")
    (folder / "index.jsonld").write_text(JSONLD, encoding="utf-8")
    # a page without data files (a global page): only HTML to offer
    (build / "site" / "downloads").mkdir()
    (build / "site" / "downloads" / "index.html").write_text("<!doctype html><title>d</title>\n")
    with serving(build) as srv:
        yield srv


def request(server, path: str, accept: str | None, method: str = "GET"):
    return ask(server.server_address[1], path, accept, method)


@pytest.mark.parametrize("accept, location", [
    (None, RESOURCE + "/"),
    ("", RESOURCE + "/"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESOURCE + "/"),
    ("*/*", RESOURCE + "/"),
    ("text/turtle", RESOURCE + "/index.ttl"),
    ("application/ld+json", RESOURCE + "/index.jsonld"),
    ("text/turtle;q=0.5, application/ld+json", RESOURCE + "/index.jsonld"),
    ("text/html;q=0.9, text/turtle", RESOURCE + "/index.ttl"),
    ("text/turtle;q=0.9, text/html;q=0.5", RESOURCE + "/index.ttl"),
    ("text/html;q=0, */*", RESOURCE + "/index.ttl"),
    ("application/rdf+xml;q=1, text/turtle;q=0.4, */*;q=0.1", RESOURCE + "/index.ttl"),
    ("application/*", RESOURCE + "/index.jsonld"),
])
def test_resource_iri_redirects_by_accept(server, accept, location):
    status, headers, body = request(server, RESOURCE, accept)
    assert (status, headers["Location"]) == (303, location)
    assert headers["Vary"] == "Accept"
    assert f'<{RESOURCE}/index.ttl>; rel="alternate"; type="text/turtle"' in headers["Link"]
    assert body == b""


def test_the_redirect_target_is_the_representation(server):
    status, headers, body = request(server, RESOURCE + "/index.ttl", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == 1
    status, headers, body = request(server, RESOURCE + "/index.jsonld", "application/ld+json")
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    status, headers, body = request(server, RESOURCE + "/", "text/html")
    assert status == 200 and b"<title>B.3.5</title>" in body


@pytest.mark.parametrize("accept", ["application/rdf+xml", "image/png",
                                    "text/turtle;q=0, application/ld+json;q=0, text/html;q=0"])
def test_406_only_when_nothing_offered_is_acceptable(server, accept):
    status, headers, body = request(server, RESOURCE, accept)
    assert status == 406
    assert headers["Vary"] == "Accept"
    assert b"text/turtle" in body and "Location" not in headers


def test_head_answers_as_get_without_a_body(server):
    status, headers, body = request(server, RESOURCE, "text/turtle", method="HEAD")
    assert (status, headers["Location"], body) == (303, RESOURCE + "/index.ttl", b"")


def test_a_page_without_data_is_not_a_resource(server):
    """downloads/ has a page but no data: not a resource IRI, the usual redirect to the folder
    (as deploy/'s nginx and Apache files do)."""
    status, headers, _ = request(server, "/downloads", "text/turtle")
    assert (status, headers["Location"]) == (301, "/downloads/")
    assert "Vary" not in headers


def test_other_paths_are_untouched(server):
    status, headers, _ = request(server, "/nothing/here", "text/turtle")
    assert status == 404
    status, headers, _ = request(server, "/standard", "text/turtle")  # a folder without a page
    assert status == 301 and "Vary" not in headers


def test_negotiate_takes_the_most_specific_range():
    offered = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate("text/html;q=0, */*", offered) == "text/turtle"
    assert negotiate("text/*;q=0.2, text/turtle;q=0.1, */*;q=0.3", offered) == "application/ld+json"
    assert negotiate("TEXT/Turtle", offered) == "text/turtle"
    assert negotiate("*/*;q=0", offered) is None


VOID_TTL = """@prefix void: <http://rdfs.org/ns/void#> .
<http://h.example/k/void.ttl#dataset> a void:Dataset ; void:uriSpace "http://h.example/k/" ;
    void:triples 3 ; void:subset <http://h.example/k/void.ttl#graph-a> .
<http://h.example/k/void.ttl#graph-a> a void:Dataset ; void:triples 3 .
"""


@pytest.mark.parametrize("path, rdf_format", [("/.well-known/void", ox.RdfFormat.TURTLE),
                                               ("/void.ttl", ox.RdfFormat.TURTLE),
                                               ("/void.jsonld", ox.RdfFormat.JSON_LD)])
def test_void_names_this_servers_sparql_endpoint(tmp_path, path, rdf_format):
    """The build cannot know where it is served: serve adds its /sparql to the dataset (the node
    with a void:uriSpace), not to its subsets; the rest of the description is kept."""
    build = make_build(tmp_path / "build")
    void = [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(VOID_TTL.encode(), format=ox.RdfFormat.TURTLE)]
    (build / "site" / "void.ttl").write_text(VOID_TTL, encoding="utf-8")
    (build / "site" / ".well-known").mkdir()
    (build / "site" / ".well-known" / "void").write_text(VOID_TTL, encoding="utf-8")
    (build / "site" / "void.jsonld").write_bytes(ox.serialize(void, format=ox.RdfFormat.JSON_LD))
    with serving(build) as srv:
        status, headers, body = request(srv, path, None)
        port = srv.server_address[1]
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle" if rdf_format == ox.RdfFormat.TURTLE
                                              else "application/ld+json")
    served = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=rdf_format)}
    endpoint = ox.Triple(ox.NamedNode("http://h.example/k/void.ttl#dataset"),
                         ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"),
                         ox.NamedNode(f"http://127.0.0.1:{port}/sparql"))
    assert served == set(void) | {endpoint}
