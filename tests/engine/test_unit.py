"""unit.py's own writers give the bytes the slower general ones give (the build's outputs must
not change when the unit gets faster)."""
from dataclasses import asdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kutse_rdf.config import Config
from kutse_rdf.engine.unit import sorted_nt
from kutse_rdf.graph.convert import standard_graph

EX = "https://example.org/"


def rdflib_nt(graph: Graph) -> bytes:
    """What unit.sorted_nt wrote before: rdflib's N-Triples, lines sorted as bytes."""
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines()) - {b""})
    return b"\n".join(lines) + b"\n"


def test_sorted_nt_writes_what_rdflibs_serializer_writes():
    g = Graph()
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    for value in [Literal('say "hi"\\ now\nand\r\tthen'), Literal("Õmbleja", lang="et"),
                  Literal(7), Literal("07", datatype=XSD.integer), Literal("x", datatype=XSD.string),
                  Literal("2020-01-01", datatype=XSD.date), URIRef(EX + "ä#b"), BNode("b1")]:
        g.add((s, p, value))
    g.add((BNode("b1"), p, s))
    assert sorted_nt(g) == rdflib_nt(g)
    assert sorted_nt(list(g)) == rdflib_nt(g)


def test_sorted_nt_of_the_seed_graph_equals_rdflibs(seed_standard):
    graph = standard_graph(seed_standard, Config())
    assert sorted_nt(list(graph)) == rdflib_nt(graph)


def test_sorted_nt_writes_a_repeated_triple_once_and_nothing_for_none():
    triple = (URIRef(EX + "s"), URIRef(EX + "p"), Literal("o"))
    assert sorted_nt([triple, triple]) == b'<https://example.org/s> <https://example.org/p> "o" .\n'
    assert sorted_nt([]) == b""


def test_model_json_is_the_dataclass_tree_with_the_cli_lists(seed_standard):
    data = seed_standard.to_json()
    plain = asdict(seed_standard)
    for key in plain.keys() - {"competences", "partial_qualifications", "specialisations",
                               "qualification_competences"}:
        assert data[key] == plain[key]
    first = seed_standard.competences[0]
    assert data["competences"][0]["indicators"] == [i.text for i in first.indicators]
    assert data["competences"][0]["title"] == first.title


def test_a_cache_read_and_added_to_in_place(tmp_path):
    """validate and query read a build's cache and add to it: one folder as both the previous
    and the current cache. An entry loads from where it is and keeps its bytes."""
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.unit import UnitResult

    cache = ArtifactCache(tmp_path, tmp_path)
    unit = UnitResult(source_file="a.txt", path="a.txt", key="k1", graph_nt=b"<a> <b> <c> .\n")
    cache.store(unit)
    again = ArtifactCache(tmp_path, tmp_path).load("k1")
    assert again is not None and again.data("graph_nt") == b"<a> <b> <c> .\n"
    assert [p.name for p in (tmp_path / ".cache").iterdir()] == ["k1.unit"]
