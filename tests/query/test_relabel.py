"""query/relabel.py: a report answered again after names changed equals the previous answer
with the new names put in, and the module says so only for queries where that holds."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kutse_rdf.build import run_build
from kutse_rdf.config import Config
from kutse_rdf.query import library, report_queries, write_reports
from kutse_rdf.query.named import QueryFile
from kutse_rdf.graph.ntriples import NAME_PREDICATES, PREF_LABEL, without_label_texts
from kutse_rdf.query.predicates import algebra_of, label_uses
from kutse_rdf.query.relabel import changed_labels, relabel_reports, relabelled

SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
EX = "http://example.org/"


def uses(text: str) -> dict | None:
    return label_uses(algebra_of(QueryFile(name="q", path=Path("q.rq"), text=SKOS + text)))


def test_label_joins_projected_or_sorted_are_found():
    assert uses('SELECT ?c ?name WHERE { ?c a skos:Concept '
                'OPTIONAL { ?c skos:prefLabel ?name FILTER(lang(?name) = "et") } }') == {
        "pure": {"name": ["c", "et"]}, "sorted": {}}
    assert uses('SELECT ?c ?name WHERE { ?c a skos:Concept '
                'OPTIONAL { ?c skos:prefLabel ?name FILTER(lang(?name) = "en") } } '
                'ORDER BY ?name') == {"pure": {}, "sorted": {"name": ["c", "en"]}}
    # through a subquery that passes ?c on with it
    assert uses('SELECT ?c ?name WHERE { { SELECT ?c ?name WHERE { ?c a skos:Concept '
                'OPTIONAL { ?c skos:prefLabel ?name FILTER(lang(?name) = "et") } } } }') == {
        "pure": {"name": ["c", "et"]}, "sorted": {}}
    assert uses("SELECT ?c WHERE { ?c a skos:Concept }") == {"pure": {}, "sorted": {}}
    # a predicate variable that VALUES binds to other properties reads no name
    assert uses("SELECT ?c ?r ?d WHERE { ?c ?r ?d VALUES ?r { skos:broader skos:related } }") == {
        "pure": {}, "sorted": {}}
    assert uses("SELECT ?c ?r ?d WHERE { ?c ?r ?d VALUES ?r { skos:broader skos:prefLabel } }") is None


@pytest.mark.parametrize("text", [
    # filtered, grouped, bound again, counted: a new name can change the rows
    'SELECT ?c WHERE { ?c a skos:Concept OPTIONAL { ?c skos:prefLabel ?n '
    'FILTER(lang(?n) = "et") } FILTER(CONTAINS(?n, "juht")) }',
    'SELECT ?n (COUNT(?c) AS ?k) WHERE { ?c a skos:Concept OPTIONAL { ?c skos:prefLabel ?n '
    'FILTER(lang(?n) = "et") } } GROUP BY ?n',
    'SELECT ?c ?m WHERE { ?c a skos:Concept OPTIONAL { ?c skos:prefLabel ?n '
    'FILTER(lang(?n) = "et") } BIND(UCASE(?n) AS ?m) }',
    # every language's name: one row per name
    "SELECT ?c ?n WHERE { ?c a skos:Concept OPTIONAL { ?c skos:prefLabel ?n } }",
    # a name read in a plain pattern or a path
    'SELECT ?c WHERE { ?c skos:prefLabel "Juht"@et }',
    "SELECT ?c ?n WHERE { ?c skos:broader/skos:prefLabel ?n }",
    # a name read inside FILTER (NOT) EXISTS or MINUS
    'SELECT ?c WHERE { ?c a skos:Concept FILTER EXISTS { ?c skos:prefLabel "Juht"@et } }',
    'SELECT ?c WHERE { ?c a skos:Concept FILTER NOT EXISTS { ?c skos:prefLabel ?n '
    'FILTER(CONTAINS(?n, "x")) } }',
    'SELECT ?c WHERE { ?c a skos:Concept MINUS { ?c skos:prefLabel "Juht"@et } }',
    # a variable predicate or a negated property set may match skos:prefLabel
    "SELECT ?c ?p ?n WHERE { ?c ?p ?n }",
    "SELECT ?c ?n WHERE { ?c !skos:broader ?n }",
    # a subquery passing the name on without whose name it is
    'SELECT ?n WHERE { { SELECT ?n WHERE { ?c a skos:Concept OPTIONAL { ?c skos:prefLabel ?n '
    'FILTER(lang(?n) = "et") } } } }',
    # one variable the name of two things
    'SELECT ?a ?b ?n WHERE { ?a skos:broader ?b OPTIONAL { ?a skos:prefLabel ?n '
    'FILTER(lang(?n) = "et") } OPTIONAL { ?b skos:prefLabel ?n FILTER(lang(?n) = "et") } }',
])
def test_other_uses_of_names_are_not_relabelled(text):
    assert uses(text) is None


def line(subject: str, text: str, lang: str = "et", predicate: str = PREF_LABEL) -> bytes:
    return f'<{EX}{subject}> <{predicate}> "{text}"@{lang} .\n'.encode()


def test_changed_labels_only_when_nothing_but_texts_differ():
    old = line("a", "Vana") + line("b", "Sama")
    assert changed_labels(old, line("a", "Uus") + line("b", "Sama")) == {(EX + "a", "et"): "Uus"}
    assert changed_labels(old, old) == {}
    assert changed_labels(old, line("b", "Sama")) is None  # a name removed
    assert changed_labels(old, old + line("c", "Lisatud")) is None  # a name added
    assert changed_labels(old, line("a", "Uus") + line("a", "Teine") + line("b", "Sama")) is None
    notation = "http://www.w3.org/2004/02/skos/core#notation"
    assert changed_labels(old + line("a", "1", predicate=notation),
                          old + line("a", "2", predicate=notation)) is None
    # the rows digest sees the language, not the text
    assert without_label_texts(old) == without_label_texts(line("a", "Uus") + line("b", "X"))
    assert without_label_texts(old) != without_label_texts(line("a", "Uus", "en") + line("b", "X"))


def answer(store: ox.Store, query: str) -> bytes:
    return store.query(SKOS + query).serialize(format=ox.QueryResultsFormat.JSON) + b"\n"


def test_relabelled_puts_the_new_name_in_or_declines():
    store = ox.Store()
    store.bulk_load(line("a", "Vana") + line("b", "Sama")
                    + f"<{EX}a> <{EX}p> <{EX}b> .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
    pure = ('SELECT ?s ?o ?n WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s skos:prefLabel '
            '?n FILTER(lang(?n) = "et") } } ORDER BY ?s')
    before = answer(store, pure)
    changed = {(EX + "a", "et"): 'Uus "nimi"'}
    store.remove(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(PREF_LABEL),
                         ox.Literal("Vana", language="et")))
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(PREF_LABEL),
                      ox.Literal('Uus "nimi"', language="et")))
    after, rows = relabelled(before, uses(pure), changed)
    assert after == answer(store, pure) and list(rows) == [0]  # the row of ex:a
    # sorted on a name that changed: declined; on names that did not: the same answer
    ordered = pure.replace("ORDER BY ?s", "ORDER BY ?n")
    assert relabelled(before, uses(ordered), changed) is None
    assert relabelled(before, uses(ordered), {(EX + "c", "et"): "X"}) == (before, {})
    # an answer not in Oxigraph's form: declined rather than rewritten differently
    spaced = json.dumps(json.loads(before), indent=1).encode() + b"\n"
    assert relabelled(spaced, uses(pure), changed) is None


def test_every_reported_query_relabelled_equals_its_answer_after_renaming(tmp_path, seed_path):
    """The shipped library on the seed: every name of the standard's resources changed in the
    store, each report's previous files with the new names put in equal the reports written
    from the renamed store (JSON and CSV, byte for byte)."""
    result = run_build([seed_path], tmp_path / "build", Config(), quiet=True, keep_store=True)
    store = result.store
    assert store is not None
    reported, _ = report_queries(library())
    folder = tmp_path / "build" / "reports" / "queries"
    changed = {}
    renamed = [q for q in store.quads_for_pattern(None, ox.NamedNode(PREF_LABEL), None)
               if q.subject.value.startswith(Config().base_uri)]
    assert len(renamed) > 50
    for quad in renamed:
        new = ox.Literal(quad.object.value + ", uus", language=quad.object.language)
        store.remove(quad)
        store.add(ox.Quad(quad.subject, quad.predicate, new, quad.graph_name))
        changed[(quad.subject.value, quad.object.language)] = new.value
    after = tmp_path / "after"
    write_reports(after, store, reported)
    names = [ox.Triple(q.subject, q.predicate, q.object) for q in store
             if q.predicate.value in NAME_PREDICATES]
    relabelled_folder = tmp_path / "relabelled"
    records = json.loads((Path(library()["esco-links"].path).parent
                          / "predicates.json").read_text(encoding="utf-8"))["labels"]
    again = relabel_reports(relabelled_folder, folder, reported, records, changed,
                            ox.serialize(names, format=ox.RdfFormat.N_TRIPLES))
    assert again == []
    for name in reported:
        for suffix in ("json", "csv"):
            made = (relabelled_folder / f"{name}.{suffix}").read_bytes()
            assert made == (after / f"{name}.{suffix}").read_bytes(), (name, suffix)
    assert sum((folder / f"{n}.csv").read_bytes() != (after / f"{n}.csv").read_bytes()
               for n in reported) >= 5


def test_label_texts_are_emptied_exactly_where_a_line_names_something():
    """Only a statement's own skos:prefLabel literal is emptied (its language tag or datatype
    kept): not one quoted inside another literal, not a line without a closing quote; written
    out by hand."""
    label = f"<{PREF_LABEL}>"
    nt = (f'<{EX}a> {label} "Õpetamine \\"x\\""@et .\n'
          f'_:b {label} "Nimi"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
          f'<{EX}c> <{EX}note> "see {label} \\"ei\\" ole nimi" .\n'
          f'<{EX}d> {label} "lõpetamata .\n'
          f'<{EX}e> {label} "viimane"@en .').encode()
    assert without_label_texts(nt) == (
        f'<{EX}a> {label} ""@et .\n'
        f'_:b {label} ""^^<http://www.w3.org/2001/XMLSchema#string> .\n'
        f'<{EX}c> <{EX}note> "see {label} \\"ei\\" ole nimi" .\n'
        f'<{EX}d> {label} "lõpetamata .\n'
        f'<{EX}e> {label} ""@en .').encode()
    assert without_label_texts(b"") == b""
