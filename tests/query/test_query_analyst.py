"""The analyst's tables: label columns, natural order, sorted lists, the excel-csv dialect, the
competence table / requirements / untouched e-CF areas queries (answers counted by reading
standards/it-juht-tase-7.txt), prefixes declared for ad hoc queries, and standards by title."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

import kutse_rdf.query as q
from kutse_rdf.cli import main
from kutse_rdf.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "standards").glob("*.txt"))
IT_WORK = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7"
IT = IT_WORK + "/version/draft"  # the seed gives no version number: its draft is current
CARPENTER = "https://w3id.org/kutse-rdf/id/standard/puusepp-tase-4/version/draft"


@pytest.fixture(scope="module")
def dataset(pipeline_dataset):
    return pipeline_dataset([SEED] + FIXTURES)


@pytest.fixture(scope="module")
def built(dataset, tmp_path_factory):
    """The seed and the fixture standards: (store, a TriG dump for `query --data`)."""
    dump = tmp_path_factory.mktemp("analyst") / "all.trig"
    dump.write_bytes(dataset.serialize(format="trig", encoding="utf-8"))
    return q.store_from_dataset(dataset), dump


def rows_of(store, name, **params):
    result = q.run(store, q.library()[name], params)
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)}
            for row in result.rows]


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- natural order and lists -----------------------------------------------------------------


def test_codes_sort_in_natural_order():
    codes = ["B.3.10", "B.3.2", "B.3.1", "A.10", "A.9", "B.3.19"]
    assert sorted(codes, key=q.natural_key) == ["A.9", "A.10", "B.3.1", "B.3.2", "B.3.10",
                                                "B.3.19"]
    assert q.sort_list("A.9, A.7, A.10") == "A.7, A.9, A.10"
    assert q.sort_list("") == ""


# -- the new library queries, counted by reading the seed document ------------------------------


def test_competence_table_of_the_seed(built):
    store, _ = built
    rows = rows_of(store, "competence-table", standard="it-juht-tase-7")
    # B.3.1-B.3.19 (lines 167-340), in the document's (natural) order: B.3.2 before B.3.10
    assert [r["notation"] for r in rows] == [f"B.3.{n}" for n in range(1, 20)]
    by_code = {r["notation"]: r for r in rows}
    first = by_code["B.3.1"]
    assert first["competenceLabel"] == "Infosüsteemi ja äristrateegia kooskõlastamine"
    assert first["group"].endswith("#mandatory") and first["level"] == "7"
    assert first["indicators"] == "5"          # lines 171-175
    assert by_code["B.3.19"]["indicators"] == "6"  # lines 336-341
    # "(e-CF kompetentsid A.7 ja A.9)", "(e-CF kompetentsid E.8 ja D.1)": sorted, not as cited
    assert by_code["B.3.5"]["ecfCodes"] == "A.7, A.9"
    assert by_code["B.3.18"]["ecfCodes"] == "D.1, E.8"
    assert by_code["B.3.11"]["ecfCodes"] == "D.10"


def test_requirements_of_the_qualification_and_a_partial(built):
    store, _ = built
    rows = rows_of(store, "requirements", standard="it-juht-tase-7")
    holders: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        holders.setdefault((r["kind"], r["holderLabel"]), set()).add(r["notation"])
    # line 117: the qualification requires B.3.1-B.3.19
    assert holders[("qualification", "IT-juht, tase 7")] == {f"B.3.{n}" for n in range(1, 20)}
    # line 119: IT arendusjuht
    assert holders[("partial", "IT arendusjuht, tase 7")] == {
        f"B.3.{n}" for n in (1, 3, 4, 5, 6, 8, 9, 12, 13, 15, 17, 19)}
    assert len([k for k in holders if k[0] == "partial"]) == 5


def test_untouched_areas_and_a_standard_without_ecf(built):
    store, _ = built
    # the seed cites areas A, C, D and E (lines 64-82), never B
    rows = rows_of(store, "ecf-areas-untouched", standard="it-juht-tase-7")
    assert [(r["areaNotation"], r["status"]) for r in rows] == [("B", "untouched")]
    # the carpenter cites no e-CF: one row saying so, in both queries
    for name in ("ecf-areas-untouched", "ecf-uncovered"):
        rows = rows_of(store, name, standard="puusepp-tase-4")
        assert [(r["standard"], r["status"]) for r in rows] == [(CARPENTER, "no e-CF")], name
    uncovered = rows_of(store, "ecf-uncovered", standard="it-juht-tase-7")
    assert len(uncovered) == 41 - 21 and {r["status"] for r in uncovered} == {"uncovered"}


@pytest.mark.parametrize("name", ["competence-table", "requirements", "ecf-areas-untouched",
                                  "ecf-uncovered"])
def test_engines_agree_on_the_new_queries(built, dataset, name):
    # rdflib (the reference) gives the same rows; lists compared with their items sorted
    import rdflib

    store, _ = built
    reference_data = rdflib.Dataset(default_union=True)
    reference_data.parse(data=dataset.serialize(format="nquads"), format="nquads")
    query = q.library()[name]
    for params in ({"standard": "it-juht-tase-7"}, {"standard": "puusepp-tase-4"}):
        bindings = q.bind_params(query, params, store)
        fast = q.run_bound(store, query, bindings)
        reference = q.run_reference(reference_data, query, bindings)

        def cell(term):
            if name == "competence-table" and isinstance(term, ox.Literal) and ", " in term.value:
                return q.sort_list(term.value)  # GROUP_CONCAT's order is the engine's
            return q.canonical(term)

        def rows(result):
            return sorted((tuple(map(cell, row)) for row in result.rows), key=repr)

        assert fast.variables == reference.variables
        assert rows(fast) == rows(reference), (name, params)


def test_every_coverage_query_defines_covers():
    library = q.library()
    assert library["ecf-coverage"].covers.startswith("required")
    assert library["ecf-area-coverage"].covers.startswith("required")
    for name in ("ecf-uncovered", "compare-standards", "ecf-areas-untouched"):
        assert library[name].covers.startswith("any citation"), name


# -- labelled, spreadsheet-ready tables ----------------------------------------------------------


def test_excel_csv_has_labels_bom_and_semicolons(built, capsys):
    _, dump = built
    code, out, _ = cli(capsys, "query", "competence-table", "--data", str(dump), "--param",
                       "standard=it-juht-tase-7", "--format", "excel-csv")
    assert code == 0
    raw = out.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:3] == ["standard", "standardLabel", "competence"]
    assert "groupLabel" in header and "competenceLabel" in header
    first = dict(zip(header, rows[1]))
    assert first["standardLabel"] == "IT-juht, tase 7"
    assert first["competenceLabel"] == "Infosüsteemi ja äristrateegia kooskõlastamine"
    # no skos:prefLabel: the ontology individual's rdfs:label (ontology/kutse.ttl)
    assert first["groupLabel"] == "kohustuslik"


def test_label_language_and_tsv(built, capsys):
    _, dump = built
    text = ("SELECT ?qualification WHERE { ?s kutse:describesQualification ?qualification "
            "FILTER(?s = <%s>) }" % IT)
    for lang, label in (("et", "IT-juht, tase 7"), ("en", "IT manager, EstQF Level 7")):
        code, out, _ = cli(capsys, "query", "-e", text, "--data", str(dump), "--format", "tsv",
                           "--lang", lang)
        assert code == 0
        assert out.splitlines() == ["qualification\tqualificationLabel",
                                    f"{IT}/qualification\t{label}"]


def test_build_reports_carry_labels(built, tmp_path):
    store, _ = built
    skipped = q.write_reports(tmp_path, store)
    # one standard at a time (register-wide they are over the time budget): not reported
    assert {"competence-table", "requirements"} <= set(skipped)
    with (tmp_path / "competences-by-partial.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seed = [r for r in rows if r["standard"] == IT]
    assert seed[0]["standardLabel"] == "IT-juht, tase 7"
    assert seed[0]["partLabel"] == "IT arendusjuht, tase 7" and "partLabelLabel" not in rows[0]
    carpenter = [r for r in csv.DictReader(
        (tmp_path / "ecf-uncovered.csv").open(encoding="utf-8", newline=""))
        if r["standard"] == CARPENTER]
    assert len(carpenter) == 1 and carpenter[0]["status"] == "no e-CF"


# -- ad hoc queries ------------------------------------------------------------------------------


def test_prefixes_are_declared_for_files_and_e(built, capsys, tmp_path):
    _, dump = built
    file = tmp_path / "mine.rq"
    file.write_text("SELECT ?c WHERE {\n  ?c a kutse:Competence ; skos:notation \"B.3.19\" ;"
                    " skos:inScheme ?s .\n  ?s dct:title ?t }\n", encoding="utf-8")
    code, out, err = cli(capsys, "query", str(file), "--data", str(dump), "--format", "csv")
    assert code == 0, err
    assert f"{IT}/competence/B.3.19" in out
    code, out, _ = cli(capsys, "query", "-e", "ASK { ?x a kutse:OccupationalStandard }",
                       "--data", str(dump))
    assert code == 0 and out == "yes\n"


@pytest.mark.parametrize("text, line, column", [
    ("SELECT ?x WHERE {\n  ?x nope:thing ?y }", 2, "column 16"),   # an undefined prefix
    ("SELECT ?x WHERE {\n  ?x ?p ?y \n", 3, None),                  # an unclosed group
])
def test_syntax_errors_in_one_line_with_the_users_line(built, capsys, text, line, column):
    _, dump = built
    code, out, err = cli(capsys, "query", "-e", text, "--data", str(dump))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"kutse-rdf: -e:{line}: SPARQL syntax error at line {line}" in err
    if column:
        assert column in err


# -- standards by title --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "it-juht-tase-7", IT, IT_WORK, "it-juht-tase-7.txt", "IT-juht, tase 7", "it-juht, TASE 7",
    "IT manager, EstQF Level 7", "IT-ju", "IT manager",
])
def test_a_standard_by_slug_iri_or_title(built, value):
    store, _ = built
    assert q.resolve_standard(value, store) == IT


def test_an_unknown_standard_is_one_clear_message(built):
    store, _ = built
    with pytest.raises(InputError) as info:
        q.resolve_standard("Pagar, tase 4", store)
    assert "no standard 'Pagar, tase 4'" in str(info.value)
