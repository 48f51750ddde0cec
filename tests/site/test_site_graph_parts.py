"""SiteGraph.from_parts loads each N-Triples text on its own (a register's shared pages read
~150 MB of them), except where a blank node's label could be split across two loads."""
from kutse_rdf.site.graph import SiteGraph

BASE = "https://example.org/id/"
A = b"<https://example.org/id/standard/a> <http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@et .\n"
B = b"<https://example.org/id/standard/b> <http://www.w3.org/2004/02/skos/core#prefLabel> \"B\"@et .\n"
ELM = b"<https://example.org/id/standard/a> <http://purl.org/dc/terms/title> \"A\"@et .\n"


def test_parts_load_as_their_union():
    graph = SiteGraph.from_parts(BASE, [A, b"", B, A], [ELM, b""])
    assert len(graph.store) == 2  # the repeated text is one statement, the empty one nothing
    assert len(graph.elm) == 1
    assert {str(q.subject.value) for q in graph.store} == {BASE + "standard/a", BASE + "standard/b"}
    assert len(SiteGraph.from_parts(BASE, [A, B], ELM).elm) == 1  # the ELM view as one text


def test_a_blank_node_named_in_two_parts_stays_one_node():
    # Oxigraph gives a blank node label a new node per load: parts naming one are loaded joined
    first = b"_:n <http://www.w3.org/2004/02/skos/core#prefLabel> \"N\"@et .\n"
    second = b"<https://example.org/id/standard/a> <http://purl.org/dc/terms/relation> _:n .\n"
    graph = SiteGraph.from_parts(BASE, [first, second], b"")
    nodes = {q.subject for q in graph.store if q.object.value == "N"}
    linked = {q.object for q in graph.store if q.predicate.value.endswith("relation")}
    assert len(nodes) == 1 and nodes == linked
