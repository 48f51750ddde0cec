"""The changes as RDF (graph/changes.py) and the library queries over them (changes-between,
competence-history), on the version pair tests/fixtures/history/kokk-v5.txt -> kokk-v6.txt.

IRIs are taken from Uris' methods, never written out, so these tests hold whether Uris mints
version-specific IRIs or not. Where the Uris of this checkout gives two versions the same IRIs,
VersionedUris below mints `…/version/KEY/…` as docs/graph-model.md describes, so that the two
versions' competences are told apart in the queries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL, PROV, RDF

from kutse_rdf import query as q
from kutse_rdf.config import Config
from kutse_rdf.graph import convert
from kutse_rdf.graph.changes import changes_graph, changes_nt
from kutse_rdf.graph.namespaces import KUTSE
from kutse_rdf.graph.uris import Uris
from kutse_rdf.versions import version_key, works

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "history"
DAY = date(2025, 6, 1)


class VersionedUris(Uris):
    """Version-specific IRIs: B/standard/SLUG/version/KEY/…, graphs B/graph/SLUG/version/KEY."""

    def _std(self, std, path=""):
        tail = f"/{path}" if path else ""
        return self._uri(f"standard/{self.standard_slug(std)}/version/{version_key(std)}{tail}")

    def graph(self, std):
        return self._uri(f"graph/{self.standard_slug(std)}/version/{version_key(std)}")


@pytest.fixture(scope="module")
def versions():
    from kutse_rdf.reading.parser import parse_file

    return [parse_file(FIXTURES / "kokk-v5.txt"), parse_file(FIXTURES / "kokk-v6.txt")]


@pytest.fixture(scope="module")
def uris(versions):
    plain = Uris(Config().base_uri)
    old, new = versions
    return plain if plain.standard(old) != plain.standard(new) else VersionedUris(Config().base_uri)


@pytest.fixture(scope="module")
def graph(versions, uris):
    return changes_graph(works(versions, uris.standard_slug, DAY), uris)


def kinds(graph, node):
    items = sorted(graph.objects(node, KUTSE.hasChange), key=lambda i: graph.value(i, KUTSE.order))
    return [(str(graph.value(i, KUTSE.changeKind)), graph.value(i, KUTSE.oldResource),
             graph.value(i, KUTSE.newResource), _v(graph.value(i, KUTSE.oldValue)),
             _v(graph.value(i, KUTSE.newValue))) for i in items]


def _v(term):
    return None if term is None else str(term)


def test_one_version_change_node_in_the_changes_graph(graph, versions, uris):
    old, new = versions
    assert graph.identifier == uris.changes_graph()
    [node] = graph.subjects(RDF.type, KUTSE.VersionChange)
    assert str(node).startswith(str(uris.standard(new)) + "#")
    assert graph.value(node, KUTSE.fromVersion) == uris.standard(old)
    assert graph.value(node, KUTSE.toVersion) == uris.standard(new)
    assert (graph.value(node, KUTSE.fromVersionKey), graph.value(node, KUTSE.toVersionKey)) == (
        Literal("5"), Literal("6"))


def test_each_change_with_its_resources_and_words(graph, versions, uris):
    old, new = versions
    [node] = graph.subjects(RDF.type, KUTSE.VersionChange)
    got = kinds(graph, node)
    c_old = lambda code: uris.competence(old, code)  # noqa: E731
    c_new = lambda code: uris.competence(new, code)  # noqa: E731
    expected = {
        ("competence-added", None, c_new("B.3.7"), None, "B.3.7 Jookide valmistamine"),
        ("competence-removed", c_old("B.3.6"), None, "B.3.6 Küpsetiste valmistamine", None),
        ("competence-renamed", c_old("B.3.3"), c_new("B.3.3"), "Toiduohutuse tagamine",
         "Toiduohutuse ja hügieeni tagamine"),
        ("competence-renumbered", c_old("B.3.7"), c_new("B.3.6"), "B.3.7", "B.3.6"),
        ("indicator-reworded", uris.indicator(old, "B.3.1", 1), uris.indicator(new, "B.3.1", 1),
         "Töö planeerimine vastavalt tööülesandele.",
         "Töö planeerimine vastavalt tööülesandele ja ajakavale."),
        ("indicator-added", None, uris.indicator(new, "B.3.2", 2), None,
         "Toorainete säilitamine nõuetekohaselt."),
        ("indicator-removed", uris.indicator(old, "B.3.5", 2), None, "Roogade maitsestamine.", None),
        ("ecf-added", c_old("B.3.1"), c_new("B.3.1"), None, "A.5"),
        ("ecf-removed", c_old("B.3.1"), c_new("B.3.1"), "F.4", None),
        ("level-changed", c_old("B.3.4"), c_new("B.3.4"), "4", "5"),
        ("requirement-gained", uris.partial(old, "Toiduvalmistaja, tase 4"),
         uris.partial(new, "Toiduvalmistaja, tase 4"), None, "B.3.2"),
        ("choice-changed", uris.qualification(old), uris.qualification(new),
         "at least 2 of (B.3.4, B.3.5, B.3.6, B.3.7)", "at least 3 of (B.3.4, B.3.5, B.3.6, B.3.7)"),
        ("choice-changed", uris.partial(old, "Abikokk, tase 3"), uris.partial(new, "Abikokk, tase 3"),
         "at least 3 of (B.3.4, B.3.5, B.3.6, B.3.7)", "at least 3 of (B.3.4, B.3.5, B.3.6, B.3.7)"),
        ("field-changed", uris.standard(old), uris.standard(new), "5", "6"),
        ("field-changed", uris.standard(old), uris.standard(new), "12", "21"),
        ("field-changed", uris.standard(old), uris.standard(new), "2019-02-01", "2024-02-01"),
        ("field-changed", uris.standard(old), uris.standard(new), "2024-01-31", "2029-01-31"),
    }
    assert set(got) == expected
    assert len(got) == len(expected)


def test_lineage_links_with_reason_and_similarity(graph, versions, uris):
    old, new = versions
    links = {(graph.value(r, PROV.entity), n, str(graph.value(r, KUTSE.lineageReason)),
              graph.value(r, KUTSE.titleSimilarity).toPython())
             for n, r in graph.subject_objects(PROV.qualifiedRevision)}
    c = lambda std, code: uris.competence(std, code)  # noqa: E731
    same = [(c(old, code), c(new, code), "same", Decimal("1.0"))
            for code in ("B.3.1", "B.3.2", "B.3.4", "B.3.5", "B.3.8", "B.3.9")]
    assert links == set(same) | {
        (c(old, "B.3.3"), c(new, "B.3.3"), "renamed", Decimal("0.778")),
        (c(old, "B.3.7"), c(new, "B.3.6"), "renumbered", Decimal("1.0"))}
    for before, after, _, _ in links:
        assert (after, PROV.wasRevisionOf, before) in graph


def test_what_the_later_version_removed_is_deprecated(graph, versions, uris):
    old, _ = versions
    assert set(graph.subjects(OWL.deprecated, Literal(True))) == {uris.competence(old, "B.3.6")}


def test_no_changes_for_a_work_with_one_version(versions, uris):
    assert len(changes_graph(works(versions[:1], uris.standard_slug, DAY), uris)) == 0
    assert changes_nt(works(versions[:1], uris.standard_slug, DAY), uris) == b""


def test_changes_as_sorted_ntriples(versions, uris, graph):
    nt = changes_nt(works(versions, uris.standard_slug, DAY), uris)
    lines = nt.splitlines()
    assert lines == sorted(set(lines)) and len(lines) == len(graph)
    assert Graph().parse(data=nt, format="nt").isomorphic(graph)


# -- the library queries ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(versions, uris, graph):
    """Both versions' graphs (as convert makes them, with the same Uris) and the changes graph."""
    config = Config()
    saved = convert.Uris
    convert.Uris = type(uris)
    try:
        graphs = [convert.standard_graph(std, config) for std in versions]
    finally:
        convert.Uris = saved
    dataset = Dataset()
    for g in graphs + [graph]:
        target = dataset.graph(g.identifier)
        for triple in g:
            target.add(triple)
    return q.store_from_dataset(dataset)


def rows(result):
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)}
            for row in result.rows]


def run(store, name, **params):
    query = q.library()[name]
    return rows(q.run_bound(store, query, q.bind_params(query, params, store)))


def test_changes_between_lists_every_change_in_order(store, versions, uris):
    _, new = versions
    got = run(store, "changes-between", standard=str(uris.standard(new)), older="5", newer="6")
    assert len(got) == 17
    assert [int(r["order"]) for r in got] == list(range(1, 18))
    assert {r["standard"] for r in got} == {str(uris.standard(new))}
    renamed = [r for r in got if r["kind"] == "competence-renamed"]
    assert [(r["oldValue"], r["newValue"]) for r in renamed] == [
        ("Toiduohutuse tagamine", "Toiduohutuse ja hügieeni tagamine")]
    assert [r["field"] for r in got if r["kind"] == "field-changed"] == [
        "version", "decision_number", "decision_date", "valid_until"]
    # without the keys: the same rows; another pair of keys, or the older version: none
    assert len(run(store, "changes-between", standard=str(uris.standard(new)))) == 17
    assert run(store, "changes-between", standard=str(uris.standard(new)), older="4") == []
    assert run(store, "changes-between", standard=str(uris.standard(versions[0]))) == []


def test_competence_history_follows_a_renumbered_competence(store, versions, uris):
    old, new = versions
    got = run(store, "competence-history", standard=str(uris.standard(new)), code="B.3.6")
    assert [(r["versionKey"], r["notation"], r["competenceLabel"], r["reason"]) for r in got] == [
        ("5", "B.3.7", "Roogade serveerimine", None),
        ("6", "B.3.6", "Roogade serveerimine", "renumbered")]
    assert [r["competence"] for r in got] == [str(uris.competence(old, "B.3.7")),
                                              str(uris.competence(new, "B.3.6"))]


def test_competence_history_of_a_removed_competence(store, versions, uris):
    old, _ = versions
    got = run(store, "competence-history", standard=str(uris.standard(old)), code="B.3.6")
    assert [(r["versionKey"], r["competenceLabel"], r["deprecated"]) for r in got] == [
        ("5", "Küpsetiste valmistamine", "true")]


def test_an_ambiguous_competence_is_recorded_not_linked(uris):
    from kutse_rdf.model import Competence, Standard

    def std(version, comps):
        s = Standard("naidis.txt", "Näidis, tase 4", 4, version=version)
        s.competences = [Competence(code, title, "mandatory", 4, [], [], [], None, 1)
                         for code, title in comps]
        return s

    old = std("1", [("B.3.1", "Andmete analüüsimine")])
    new = std("2", [("B.3.4", "Andmete analüüsimise"), ("B.3.5", "Andmete analüüsiminee")])
    graph = changes_graph(works([old, new], uris.standard_slug, DAY), uris)
    [node] = graph.subjects(RDF.type, KUTSE.VersionChange)
    [(kind, before, after, old_value, new_value)] = [k for k in kinds(graph, node)
                                                     if k[0] == "competence-ambiguous"]
    assert (before, after, old_value) == (uris.competence(old, "B.3.1"), None,
                                          "B.3.1 Andmete analüüsimine")
    assert "B.3.4 Andmete analüüsimise" in new_value and "B.3.5 Andmete analüüsiminee" in new_value
    # no lineage, nothing deprecated, neither candidate listed as added
    assert list(graph.subject_objects(PROV.wasRevisionOf)) == []
    assert list(graph.subjects(OWL.deprecated, None)) == []
    assert [k for k in kinds(graph, node) if k[0] in ("competence-added", "competence-removed")] == []
