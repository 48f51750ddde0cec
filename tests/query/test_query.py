"""The query library (queries/*.rq) and the query package (src/kutse_rdf/query/).

Expected answers are derived by hand: for the mini graph from tests/fixtures/query/mini.trig,
for the seed from standards/it-juht-tase-7.txt (line numbers cited), for the multi-standard
cases from tests/fixtures/multi/*.txt. Every library query must give the same rows in Oxigraph
(the engine) and rdflib (the reference).
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kutse_rdf.graph.namespaces import XSD
from kutse_rdf import query as q
from kutse_rdf.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "query" / "mini.trig"
MULTI = ROOT / "tests" / "fixtures" / "multi"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
REQUIRED = ("competences-by-partial", "ecf-coverage", "ecf-uncovered", "ecf-area-coverage",
            "shared-competences", "unique-competences", "unrequired-competences",
            "coverage-matrix", "coverage-summary", "esco-links", "level-check",
            "compare-standards")
# the queries with required parameters (the build does not run them)
NEEDS_PARAMS = ("changes-between", "compare-standards", "competence-history", "competence-table",
                "coverage-matrix", "requirements", "valid-on")
MINI_STANDARD = "https://w3id.org/kutse-rdf/id/standard/naidis-tase-6"


# -- helpers -----------------------------------------------------------------------------------


def records(result: q.Result) -> list[dict[str, str | None]]:
    """Rows as dicts of plain values (IRI / lexical form), None for unbound."""
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)}
            for row in result.rows]


def column(result: q.Result, name: str) -> list[str]:
    return [r[name] for r in records(result)]


def tail(iri: str) -> str:
    """The last part of an IRI; of a version of a standard (…/S/version/K), its slug S."""
    parts = iri.split("/")
    return parts[-3] if len(parts) > 2 and parts[-2] == "version" else parts[-1]


def run(store, name, **params):
    return q.run(store, q.library()[name], params)


def params_for(name, a, b):
    """Values for a query's required parameters: standards a and b."""
    return {"compare-standards": {"a": a, "b": b}, "coverage-matrix": {"standard": a},
            "competence-table": {"standard": a}, "requirements": {"standard": a},
            "competence-history": {"standard": a, "code": "B.3.1"},
            "changes-between": {"standard": a},
            "valid-on": {"date": "2026-01-01"}}.get(name, {})


def assert_engines_agree(store, dataset, name, params=None, unbound=False):
    query = q.library()[name]
    # unbound: the text as is, required parameters left free (what the SPARQL endpoint runs)
    bindings = {} if unbound else q.bind_params(query, params or {}, store)
    fast = q.run_bound(store, query, bindings)
    reference = q.run_reference(dataset, query, bindings)
    assert fast.variables == reference.variables
    fast_rows = [tuple(map(q.canonical, r)) for r in fast.rows]
    reference_rows = [tuple(map(q.canonical, r)) for r in reference.rows]
    # ORDER BY fixes the order of the rows up to ties; compare as multisets, then the order of
    # the rows' sort keys.
    assert sorted(fast_rows, key=repr) == sorted(reference_rows, key=repr), name
    return fast


def union_copy(dataset) -> rdflib.Dataset:
    """The same quads in an rdflib Dataset whose default graph is the union (the reference)."""
    reference = rdflib.Dataset(default_union=True)
    reference.parse(data=dataset.serialize(format="nquads"), format="nquads")
    return reference


# -- the library -------------------------------------------------------------------------------


def test_library_has_every_required_query_with_header():
    library = q.library()
    assert set(REQUIRED) <= set(library)
    for name, query in library.items():
        assert query.title and query.question_et and query.question_en, name
        assert query.question_en.endswith("?") and query.question_et.endswith("?"), name
        assert query.declared or not query.params, name
        q.check_syntax(query)  # raises on a syntax error


def test_compare_standards_declares_two_required_standard_parameters():
    params = q.library()["compare-standards"].params
    assert [(p.name, p.type, p.required) for p in params] == [("a", "standard", True),
                                                             ("b", "standard", True)]


def test_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?x\nWHERE { ?x ?y }\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        q.check_syntax(q.find_query(str(bad)))
    assert err.value.line == 3
    assert str(err.value).startswith(f"{bad}:3: SPARQL syntax error")


def test_unknown_query_suggests_closest_names():
    with pytest.raises(InputError) as err:
        q.find_query("shared-competence")
    assert "did you mean shared-competences" in str(err.value)
    with pytest.raises(InputError) as err:
        q.find_query("ecf-coverag")
    assert "ecf-coverage" in str(err.value)


def test_missing_query_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such query file"):
        q.find_query(str(tmp_path / "nothing.rq"))


def test_bad_parameter_declaration_is_reported_with_line(tmp_path):
    bad = tmp_path / "p.rq"
    bad.write_text("# title: t\n# param: x colour optional -- no such type\nASK {}\n")
    with pytest.raises(InputError) as err:
        q.read_query(bad)
    assert err.value.line == 2


# -- the package's layout ----------------------------------------------------------------------

# The query package's modules in the order of its docstring: each may import only those before
# it (no circle), and nothing of a later stage (site, publish, build, commands, cli).
QUERY_MODULES = ("tables", "xlsx", "named", "predicates", "store", "params", "execute", "formats",
                 "reports", "relabel", "remote")
LATER_STAGES = ("site", "publish", "build", "commands", "cli")


def kutse_imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("kutse_rdf")}


def test_query_modules_import_only_earlier_ones_and_no_later_stage():
    package = ROOT / "src" / "kutse_rdf" / "query"
    assert sorted(p.stem for p in package.glob("*.py")) == sorted(("__init__",) + QUERY_MODULES)
    for index, name in enumerate(QUERY_MODULES):
        imports = kutse_imports(package / f"{name}.py")
        siblings = {i.rsplit(".", 1)[-1] for i in imports if i.startswith("kutse_rdf.query")}
        assert "kutse_rdf.query" not in imports, name  # not the package's public surface
        assert siblings <= set(QUERY_MODULES[:index]), (name, siblings)
        later = {i for i in imports if i.split(".")[1] in LATER_STAGES}
        assert not later, (name, later)


# -- the mini graph (hand-written, tests/fixtures/query/mini.trig) -------------------------------


@pytest.fixture(scope="module")
def mini():
    store = q.store_from_file(MINI)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(MINI, format="trig")
    return store, dataset


@pytest.mark.parametrize("name", REQUIRED)
def test_engines_agree_on_mini(mini, name):
    assert_engines_agree(*mini, name, params_for(name, "naidis-tase-6", "naidis-tase-6"))


def test_mini_answers(mini):
    store, _ = mini
    assert column(run(store, "shared-competences"), "notation") == ["B.3.2"]
    unique = records(run(store, "unique-competences"))
    assert [(r["notation"], r["partLabel"]) for r in unique] == [("B.3.1", "Esimene, tase 6"),
                                                                ("B.3.3", "Teine, tase 6")]
    unrequired = records(run(store, "unrequired-competences"))
    assert [(r["notation"], r["requiredByQualification"]) for r in unrequired] == [("B.3.4", "false")]
    # B.3.1 is at EQF 6 and cites A.1, defined at e-4 and e-5 only (EQF 7, 8)
    check = records(run(store, "level-check"))
    assert [(r["notation"], r["ecfNotation"], r["minLevel"], r["maxLevel"]) for r in check] == [
        ("B.3.1", "A.1", "e-4", "e-5")]
    assert column(run(store, "ecf-uncovered"), "ecfNotation") == ["A.2", "E.3"]


def test_mini_answers_once_despite_repeated_inferred_triples(mini):
    store, _ = mini
    rows = records(run(store, "competences-by-partial"))
    assert [(r["partLabel"], r["notation"]) for r in rows] == [
        ("Esimene, tase 6", "B.3.1"), ("Esimene, tase 6", "B.3.2"),
        ("Teine, tase 6", "B.3.2"), ("Teine, tase 6", "B.3.3")]


def test_mini_area_coverage_counts_and_percentages(mini):
    store, _ = mini
    rows = {(r["holderLabel"], r["kind"], r["areaNotation"]): (r["covered"], r["total"], r["percent"])
            for r in records(run(store, "ecf-area-coverage"))}
    # mini.trig: area A has A.1, A.2; D has D.9; E has E.2, E.3
    assert {k: (int(c), int(t), float(p)) for k, (c, t, p) in rows.items()} == {
        ("Esimene, tase 6", "partial", "A"): (1, 2, 50.0),
        ("Esimene, tase 6", "partial", "D"): (0, 1, 0.0),
        ("Esimene, tase 6", "partial", "E"): (1, 2, 50.0),
        ("Teine, tase 6", "partial", "A"): (0, 2, 0.0),
        ("Teine, tase 6", "partial", "D"): (1, 1, 100.0),
        ("Teine, tase 6", "partial", "E"): (1, 2, 50.0),
        ("Näidis, tase 6", "qualification", "A"): (1, 2, 50.0),
        ("Näidis, tase 6", "qualification", "D"): (1, 1, 100.0),
        ("Näidis, tase 6", "qualification", "E"): (1, 2, 50.0),
    }


def test_mini_coverage_matrix_has_one_row_per_pair(mini):
    store, _ = mini
    rows = records(run(store, "coverage-matrix", standard="naidis-tase-6"))
    assert len(rows) == 2 * 4
    required = {(r["partLabel"], r["notation"]) for r in rows if r["required"] == "true"}
    assert required == {("Esimene, tase 6", "B.3.1"), ("Esimene, tase 6", "B.3.2"),
                        ("Teine, tase 6", "B.3.2"), ("Teine, tase 6", "B.3.3")}


def test_coverage_matrix_needs_a_standard(mini):
    store, _ = mini
    with pytest.raises(InputError, match="needs --param standard="):
        run(store, "coverage-matrix")


def test_mini_coverage_summary(mini):
    store, _ = mini
    rows = records(run(store, "coverage-summary"))
    # mini.trig: 4 competences B.3.1-B.3.4; Esimene requires B.3.1, B.3.2, Teine B.3.2, B.3.3
    assert [(r["partLabel"], r["kind"], r["required"], r["competences"], float(r["percent"]))
            for r in rows] == [("Esimene, tase 6", "partial", "2", "4", 50.0),
                               ("Teine, tase 6", "partial", "2", "4", 50.0)]


def test_mini_esco_links(mini):
    store, _ = mini
    rows = records(run(store, "esco-links"))
    by_kind = defaultdict(set)
    for r in rows:
        by_kind[r["kind"]].add((r["escoLabel"], r["notation"], r["via"] and tail(r["via"])))
    assert by_kind == {
        "occupation": {("chief information officer", None, None)},
        "skill": {("perform project management", "B.3.2", None),  # direct closeMatch
                  ("implement ICT risk management", "B.3.3", "D.9")},  # through e-CF D.9
        "unlinked-competence": {(None, "B.3.1", None), (None, "B.3.4", None)},
    }


# -- parameters --------------------------------------------------------------------------------


def test_standard_parameter_by_slug_iri_or_file_name(mini):
    store, _ = mini
    for value in ("naidis-tase-6", MINI_STANDARD, "naidis-tase-6.txt"):
        assert column(run(store, "shared-competences", standard=value), "notation") == ["B.3.2"]


def test_unknown_standard_suggests_and_lists(mini):
    store, _ = mini
    with pytest.raises(InputError) as err:
        run(store, "shared-competences", standard="naidis-tase-7")
    assert "did you mean naidis-tase-6" in str(err.value)


def test_parameter_errors(mini):
    store, _ = mini
    with pytest.raises(InputError, match="has no parameter 'colour'"):
        run(store, "shared-competences", colour="red")
    with pytest.raises(InputError, match="needs --param a="):
        run(store, "compare-standards")
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        q.parse_params(["standard"])


def test_parameter_text_is_bound_as_a_term_not_pasted(mini, tmp_path):
    store, dataset = mini
    file = tmp_path / "by-code.rq"
    file.write_text("# title: by code\n# en: which?\n# et: milline?\n"
                    "# param: code string required -- a notation\n"
                    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                    "SELECT ?c ?code WHERE { ?c skos:notation ?code }\n", encoding="utf-8")
    query = q.read_query(file)
    assert len(q.run(store, query, {"code": "B.3.2"}).rows) == 1
    hostile = 'B.3.2" } UNION { ?c ?p ?o } #'
    assert q.run(store, query, {"code": hostile}).rows == []
    bindings = q.bind_params(query, {"code": hostile}, store)
    assert q.run_reference(dataset, query, bindings).rows == []
    with pytest.raises(InputError, match="no standard"):
        run(store, "shared-competences", standard="x> } UNION { ?s ?p ?o")


def test_undeclared_parameters_of_a_user_file_are_typed_by_their_look(mini, tmp_path):
    store, _ = mini
    file = tmp_path / "free.rq"
    file.write_text("PREFIX kutse: <https://w3id.org/kutse-rdf/ontology#>\n"
                    "SELECT ?c ?n WHERE { ?c kutse:order ?n ; kutse:isRequiredBy ?p }\n")
    rows = q.run(store, q.read_query(file), {"n": "2"}).rows
    assert {r[0].value.rsplit("/", 1)[-1] for r in rows} == {"B.3.2"}


# -- output formats ----------------------------------------------------------------------------


def test_json_is_w3c_results_json(mini):
    store, _ = mini
    result = run(store, "unique-competences")
    text = q.to_json(result)
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON)
    assert [v.value for v in parsed.variables] == result.variables
    assert [tuple(s[v] for v in result.variables) for s in parsed] == result.rows
    data = json.loads(text)
    first = data["results"]["bindings"][0]
    assert first["competenceLabel"] == {"type": "literal", "value": "Strateegia, kõik | koos",
                                        "xml:lang": "et"}
    assert first["competence"]["type"] == "uri"


def test_csv_is_w3c_results_csv(mini):
    store, _ = mini
    text = q.to_csv(run(store, "unique-competences"))
    assert text.startswith("standard,competence,notation,competenceLabel,part,partLabel\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][2:4] == ["B.3.1", "Strateegia, kõik | koos"]
    assert rows[1][0] == MINI_STANDARD


def test_table_and_markdown_show_labels_not_iris(mini):
    store, _ = mini
    result = run(store, "unique-competences")
    table = q.to_table(result, store)
    assert "https://" not in table
    assert "Näidis, tase 6" in table and "Esimene, tase 6" in table and "(2 rows)" in table
    md = q.to_markdown(result, store).splitlines()
    assert md[0] == "| standard | competence | notation | competenceLabel | part | partLabel |"
    assert md[2] == ("| Näidis, tase 6 | B.3.1 | B.3.1 | Strateegia, kõik \\| koos | "
                     "Esimene, tase 6 | Esimene, tase 6 |")


def test_ask_queries_answer_a_boolean(mini, tmp_path):
    store, _ = mini
    file = tmp_path / "ask.rq"
    file.write_text("ASK { ?s a <https://w3id.org/kutse-rdf/ontology#Competence> }\n")
    result = q.run(store, q.read_query(file))
    assert result.boolean is True
    assert json.loads(q.to_json(result)) == {"head": {}, "boolean": True}


def test_write_reports_writes_csv_and_json_per_query(tmp_path):
    dataset = rdflib.Dataset()
    dataset.parse(MINI, format="trig")
    skipped = q.write_reports(tmp_path, dataset)
    assert skipped == list(NEEDS_PARAMS)
    for name in REQUIRED:
        if name in skipped:
            continue
        assert (tmp_path / f"{name}.csv").is_file() and (tmp_path / f"{name}.json").is_file()
    shared = json.loads((tmp_path / "shared-competences.json").read_text(encoding="utf-8"))
    assert [b["notation"]["value"] for b in shared["results"]["bindings"]] == ["B.3.2"]


def test_reports_are_what_the_cli_prints(mini, tmp_path):
    # write_reports and the CLI: the same labelled CSV (query --format csv) and W3C JSON
    store, _ = mini
    q.write_reports(tmp_path, store)
    for name in REQUIRED:
        if name in NEEDS_PARAMS:
            assert not (tmp_path / f"{name}.csv").exists(), name
            continue
        result = run(store, name)
        assert (tmp_path / f"{name}.csv").read_bytes().decode("utf-8") == q.to_labelled(result, store), name
        assert (tmp_path / f"{name}.json").read_text(encoding="utf-8") == q.to_json(result), name


# -- the seed (standards/it-juht-tase-7.txt), through the real pipeline --------------------------

# B.1 (lines 119-129): the competences each partial qualification requires.
SEED_PARTIALS = {
    "IT arendusjuht, tase 7": {1, 3, 4, 5, 6, 8, 9, 12, 13, 15, 17, 19},
    "IT haldusjuht, tase 7": {2, 7, 9, 12, 13, 15, 16, 19},
    "IT meeskonna- ja partnerlusjuht, tase 7": {5, 10, 13, 15},
    "Andmehaldusejuht, tase 7": {5, 11, 13, 15, 19},
    "Infoturbejuht, tase 7": {5, 7, 13, 14, 15, 16, 18, 19},
}
# B.3 (lines 167-332): the e-CF competences each competence cites.
SEED_ECF = {1: {"A.1"}, 2: {"A.2"}, 3: {"A.3"}, 4: {"A.5"}, 5: {"A.7", "A.9"}, 6: {"A.8"},
            7: {"C.4"}, 8: {"D.2"}, 9: {"D.4"}, 10: {"D.9"}, 11: {"D.10"}, 12: {"D.11"},
            13: {"E.2"}, 14: {"E.3"}, 15: {"E.4"}, 16: {"E.5"}, 17: {"E.7"}, 18: {"E.8", "D.1"},
            19: {"E.9"}}
# e-CF 4.0 areas and their sizes (EN 16234-1:2019, /work/shared/reference/ecf-4.0.tsv)
ECF_AREA_SIZE = {"A": 10, "B": 6, "C": 5, "D": 11, "E": 9}


def b3(numbers) -> set[str]:
    return {f"B.3.{n}" for n in numbers}


@pytest.fixture(scope="module")
def seed(pipeline_dataset):
    dataset = pipeline_dataset([SEED])
    return q.store_from_dataset(dataset), union_copy(dataset)


@pytest.mark.parametrize("name", [n for n in REQUIRED if n != "compare-standards"])
def test_engines_agree_on_seed(seed, name):
    assert_engines_agree(*seed, name, params_for(name, SEED_SLUG, SEED_SLUG))


def test_seed_shared_competences_are_b3_13_and_b3_15(seed):
    assert column(run(seed[0], "shared-competences"), "notation") == ["B.3.13", "B.3.15"]


def test_seed_no_competence_is_unrequired(seed):
    assert run(seed[0], "unrequired-competences").rows == []


def test_seed_competences_by_partial(seed):
    got = defaultdict(set)
    for r in records(run(seed[0], "competences-by-partial")):
        assert r["kind"] == "partial" and r["level"] == "7" and r["partLevel"] == "7"
        got[r["partLabel"]].add(r["notation"])
    assert got == {part: b3(numbers) for part, numbers in SEED_PARTIALS.items()}
    assert got["IT meeskonna- ja partnerlusjuht, tase 7"] == {"B.3.5", "B.3.10", "B.3.13", "B.3.15"}


def test_seed_unique_competences(seed):
    got = {r["notation"]: r["partLabel"] for r in records(run(seed[0], "unique-competences"))}
    expected = {}
    for n in range(1, 20):
        holders = [p for p, numbers in SEED_PARTIALS.items() if n in numbers]
        if len(holders) == 1:
            expected[f"B.3.{n}"] = holders[0]
    # worked out by hand from B.1: 1, 3, 4, 6, 8, 17 (arendusjuht), 2 (haldusjuht),
    # 10 (meeskonna- ja partnerlusjuht), 11 (andmehaldusejuht), 14, 18 (infoturbejuht)
    assert set(expected) == b3({1, 3, 4, 6, 8, 17, 2, 10, 11, 14, 18})
    assert got == expected


def test_seed_ecf_coverage_cites_21_codes_and_none_of_area_b(seed):
    rows = records(run(seed[0], "ecf-coverage"))
    assert len({r["ecfNotation"] for r in rows}) == 21
    assert not any(r["ecfNotation"].startswith("B.") for r in rows)
    for part, numbers in SEED_PARTIALS.items():
        through = {(r["ecfNotation"], r["notation"]) for r in rows if r["holderLabel"] == part
                   and r["kind"] == "partial"}
        assert through == {(code, f"B.3.{n}") for n in numbers for code in SEED_ECF[n]}
    qualification = {r["ecfNotation"] for r in rows if r["kind"] == "qualification"}
    assert qualification == set().union(*SEED_ECF.values())


def test_seed_ecf_uncovered_is_the_other_20_grouped_by_area(seed):
    rows = records(run(seed[0], "ecf-uncovered"))
    assert {r["version"] for r in rows} == {"4.0"}
    got = defaultdict(list)
    for r in rows:
        got[r["areaNotation"]].append(r["ecfNotation"])
    assert dict(got) == {"A": ["A.4", "A.6", "A.10"],
                         "B": ["B.1", "B.2", "B.3", "B.4", "B.5", "B.6"],
                         "C": ["C.1", "C.2", "C.3", "C.5"],
                         "D": ["D.3", "D.5", "D.6", "D.7", "D.8"],
                         "E": ["E.1", "E.6"]}


def test_seed_ecf_area_coverage(seed):
    rows = records(run(seed[0], "ecf-area-coverage"))
    assert len(rows) == 6 * 5  # qualification and 5 partials x 5 areas
    for part, numbers in SEED_PARTIALS.items():
        codes = set().union(*(SEED_ECF[n] for n in numbers))
        for area, size in ECF_AREA_SIZE.items():
            row = next(r for r in rows if r["holderLabel"] == part and r["areaNotation"] == area)
            covered = len({c for c in codes if c.startswith(area + ".")})
            assert (int(row["covered"]), int(row["total"])) == (covered, size)
            assert float(row["percent"]) == pytest.approx(round(1000 * covered / size) / 10)
    team = {r["areaNotation"]: int(r["covered"]) for r in rows
            if r["holderLabel"] == "IT meeskonna- ja partnerlusjuht, tase 7"}
    assert team == {"A": 2, "B": 0, "C": 0, "D": 1, "E": 2}  # A.7, A.9; D.9; E.2, E.4


def test_seed_coverage_matrix(seed):
    rows = records(run(seed[0], "coverage-matrix", standard=SEED_SLUG))
    assert len(rows) == 5 * 19
    flagged = {(r["partLabel"], r["notation"]) for r in rows if r["required"] == "true"}
    assert flagged == {(p, f"B.3.{n}") for p, numbers in SEED_PARTIALS.items() for n in numbers}


def test_seed_coverage_summary(seed):
    rows = records(run(seed[0], "coverage-summary"))
    # B.1 lines 119-129 against the 19 competences of B.3; parts in document order
    assert [r["partLabel"] for r in rows] == list(SEED_PARTIALS)
    for r in rows:
        required = len(SEED_PARTIALS[r["partLabel"]])
        assert (int(r["required"]), int(r["competences"])) == (required, 19)
        assert float(r["percent"]) == pytest.approx(round(1000 * required / 19) / 10)
    assert [float(r["percent"]) for r in rows] == [63.2, 42.1, 21.1, 26.3, 42.1]


def test_seed_levels_are_all_consistent(seed):
    # every competence is at EKR 7 (= EQF 7 = e-4) and every cited e-CF competence is defined at
    # e-4 (ecf-4.0.tsv ranges: all 21 span level 4)
    assert run(seed[0], "level-check").rows == []


def test_seed_esco_links(seed):
    rows = records(run(seed[0], "esco-links"))
    occupations = {r["escoLabel"] for r in rows if r["kind"] == "occupation"}
    suggested = {r["escoLabel"] for r in rows if r["kind"] == "occupation" and r["curated"] == "false"}
    # esco.tsv: the occupations whose ISCO group is 1330 (chief ICT security officer is 2529,
    # listed for its curated row only)
    assert "chief information officer" in occupations - suggested
    assert "chief ICT security officer" in occupations - suggested
    assert suggested == {"ICT environmental manager", "ICT product manager", "ICT project manager"}
    linked = {r["notation"] for r in rows if r["kind"] == "skill"}
    unlinked = {r["notation"] for r in rows if r["kind"] == "unlinked-competence"}
    assert linked.isdisjoint(unlinked)
    assert linked | unlinked == b3(range(1, 20))


# -- several standards (tests/fixtures/multi) --------------------------------------------------

ANALYST = "andmeanaluutik-tase-6"
DEVELOPER = "tarkvaraarendaja-tase-6"
SEED_SLUG = "it-juht-tase-7"


@pytest.fixture(scope="module")
def multi(pipeline_dataset):
    dataset = pipeline_dataset(sorted(MULTI.glob("*.txt")) + [SEED])
    return q.store_from_dataset(dataset), union_copy(dataset)


@pytest.mark.parametrize("name", REQUIRED)
def test_engines_agree_on_several_standards(multi, name):
    assert_engines_agree(*multi, name, params_for(name, ANALYST, DEVELOPER))


def test_coverage_matrix_unbound_answers_for_every_standard(multi):
    # the text as sent to the endpoint: every standard's matrix, the same in both engines, and
    # coverage-summary counts its rows per part
    matrix = records(assert_engines_agree(*multi, "coverage-matrix", unbound=True))
    assert {tail(r["standard"]) for r in matrix} == {ANALYST, SEED_SLUG}  # tarkvaraarendaja: no parts
    counted = defaultdict(lambda: [0, 0])
    for r in matrix:
        counted[r["part"]][0] += r["required"] == "true"
        counted[r["part"]][1] += 1
    summary = records(run(multi[0], "coverage-summary"))
    assert {r["part"]: [int(r["required"]), int(r["competences"])] for r in summary} == counted


def test_compare_two_fixture_standards(multi):
    rows = records(run(multi[0], "compare-standards", a=ANALYST, b=DEVELOPER))
    got = {r["ecfNotation"]: r["status"] for r in rows}
    # andmeanalüütik cites D.10, D.7, D.11, E.2, E.8, D.1, D.3; tarkvaraarendaja B.1, B.3, E.2, D.7
    assert got == {"D.7": "both", "E.2": "both",
                   "D.1": "only-a", "D.3": "only-a", "D.10": "only-a", "D.11": "only-a",
                   "E.8": "only-a", "B.1": "only-b", "B.3": "only-b"}


def test_compare_seed_with_a_fixture(multi):
    rows = records(run(multi[0], "compare-standards", a=SEED_SLUG, b=DEVELOPER))
    status = defaultdict(set)
    for r in rows:
        status[r["status"]].add(r["ecfNotation"])
    seed_codes = set().union(*SEED_ECF.values())
    assert status["both"] == {"E.2"}
    assert status["only-b"] == {"B.1", "B.3", "D.7"}
    assert status["only-a"] == seed_codes - {"E.2"}


def test_several_standards_shared_unique_unrequired(multi):
    store = multi[0]
    shared = {(tail(r["standard"]), r["notation"]) for r in records(run(store, "shared-competences"))}
    assert shared == {(SEED_SLUG, "B.3.13"), (SEED_SLUG, "B.3.15"),
                      (ANALYST, "B.3.3"), (ANALYST, "B.3.4")}  # the developer has no partials
    unique = {(tail(r["standard"]), r["notation"], r["partLabel"])
              for r in records(run(store, "unique-competences", standard=ANALYST))}
    assert unique == {(ANALYST, "B.3.1", "Andmeinsener, tase 6"),
                      (ANALYST, "B.3.5", "Andmeinsener, tase 6"),
                      (ANALYST, "B.3.2", "Andmeteadur, tase 6")}
    unrequired = records(run(store, "unrequired-competences"))
    assert [(tail(r["standard"]), r["notation"], r["requiredByQualification"]) for r in unrequired] \
        == [(ANALYST, "B.3.6", "false")]  # the optional competence, in no partial and not in B.1


def test_several_standards_level_check(multi):
    rows = records(run(multi[0], "level-check"))
    # andmeanalüütik B.3.5 is at EKR 6 (= e-3) and cites D.1, defined at e-4..e-5 only
    assert [(tail(r["standard"]), r["notation"], r["ecfNotation"]) for r in rows] == [
        (ANALYST, "B.3.5", "D.1")]


def test_standard_parameter_restricts_to_one_standard(multi):
    rows = records(run(multi[0], "competences-by-partial", standard=ANALYST))
    assert {tail(r["standard"]) for r in rows} == {ANALYST}
    assert {(r["partLabel"], r["notation"]) for r in rows} == {
        ("Andmeinsener, tase 6", n) for n in b3({1, 3, 4, 5})} | {
        ("Andmeteadur, tase 6", n) for n in b3({2, 3, 4})}


def test_shipped_predicates_record_is_current():
    """queries/predicates.json spares a build the ~0.4 s rdflib takes to parse the library; it
    must say what predicates_used says of the queries the build reports as they are now."""
    import json

    from kutse_rdf.resources import resource_dir

    shipped = json.loads((resource_dir("queries") / q.PREDICATES_FILE).read_text(encoding="utf-8"))
    reported, skipped = q.report_queries()
    assert "changes-between" in skipped and "changes-between" not in shipped["labels"]
    assert shipped == q.predicates_record(reported.values()), (
        "queries changed: run python -c 'import kutse_rdf.query as q; q.write_predicates_file()'")


def test_predicates_used_reads_paths_values_and_refuses_open_predicates(tmp_path):
    def predicates(text):
        path = tmp_path / "x.rq"
        path.write_text(text, encoding="utf-8")
        return q.predicates_used([q.read_query(path)])

    p = "PREFIX e: <http://e/> "
    assert predicates(p + "SELECT * { ?s e:a/^e:b ?o ; (e:c|e:d)* ?x }") == {
        "http://e/a", "http://e/b", "http://e/c", "http://e/d"}
    assert predicates(p + "SELECT * { ?s ?r ?o VALUES ?r { e:a e:b } }") == {"http://e/a",
                                                                            "http://e/b"}
    assert predicates(p + "SELECT * { ?s ?p ?o }") is None  # any predicate
    assert predicates(p + "SELECT * { ?s !e:a ?o }") is None  # any but one
    # a VALUES that may leave the variable unbound does not limit it
    assert predicates(p + "SELECT * { ?s ?r ?o VALUES ?r { e:a UNDEF } }") is None
    assert predicates(p + "SELECT * { ?s e:a ?o FILTER EXISTS { ?o ?p ?x } }") is None
    # patterns inside EXISTS / NOT EXISTS count too
    assert predicates(p + "SELECT * { ?s e:a ?o FILTER NOT EXISTS { ?o e:z ?x } "
                          "BIND(EXISTS { ?s e:y ?o } AS ?b) }") == {"http://e/a", "http://e/z",
                                                                   "http://e/y"}


def test_predicates_used_reads_rdf_type_for_the_classes_named(tmp_path):
    """rdf:type is read for the classes the queries name, unless a pattern of it leaves its
    class open (a variable, a path through rdf:type, a VALUES that binds it): then for all."""
    from kutse_rdf.graph.ntriples import with_predicates

    def predicates(*texts):
        files = []
        for n, text in enumerate(texts):
            path = tmp_path / f"q{n}.rq"
            path.write_text("PREFIX e: <http://e/> " + text, encoding="utf-8")
            files.append(q.read_query(path))
        return q.predicates_used(files)

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    named = predicates("SELECT * { ?s a e:C ; e:a ?o }", "SELECT * { ?s a e:D }")
    assert named == {"http://e/a", f"{rdf_type} http://e/C", f"{rdf_type} http://e/D"}
    assert named == {"http://e/a", q.typed_as("http://e/C"), q.typed_as("http://e/D")}
    open_class = {"http://e/a", rdf_type}
    assert predicates("SELECT * { ?s a e:C ; e:a ?o }", "SELECT * { ?s a ?class }") == open_class
    assert predicates("SELECT * { ?s a e:C ; e:a/a ?o }") == open_class
    assert predicates("SELECT * { ?s e:a ?o ; ?r e:C VALUES ?r { rdf:type } }".replace(
        "rdf:type", f"<{rdf_type}>")) == open_class
    assert predicates("SELECT * { ?s e:a ?o }") == {"http://e/a"}

    lines = (f'<http://e/1> <{rdf_type}> <http://e/C> .\n'
             f'<http://e/2> <{rdf_type}> <http://e/E> .\n'
             f'<http://e/2> <http://e/a> "a <{rdf_type}> <http://e/C> ." .\n'
             f'<http://e/3> <http://e/b> <http://e/C> .\n').encode()
    assert with_predicates(lines, named) == b"".join(lines.splitlines(keepends=True)[i] for i in (0, 2))
    assert with_predicates(lines, frozenset(open_class)) == b"".join(
        lines.splitlines(keepends=True)[i] for i in (0, 1, 2))


# -- the store a query runs on (query --data, serve) ----------------------------------------------


def build_folder(folder: Path) -> Path:
    """A build's data folder made of the mini graph: all.trig, and all.nt beside it holding the
    union of its graphs, each triple once (as dumps.py writes them; a build made before versions,
    without current.nt: BuildData reads all.nt then)."""
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "all.trig").write_bytes(MINI.read_bytes())
    union = {ox.Triple(x.subject, x.predicate, x.object)
             for x in ox.parse(path=str(MINI), format=ox.RdfFormat.TRIG)}
    (data / "all.nt").write_bytes(ox.serialize(sorted(union, key=str), format=ox.RdfFormat.N_TRIPLES))
    return data / "all.trig"


@pytest.mark.parametrize("text, named", [
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", True),
    ("select * from <http://e/g> { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED <http://e/g> { ?s ?p ?o }", True),
    ("SELECT * {\n  ?s ?p \"#\" .\n  graph ?g { ?a ?b ?c } }", True),  # '#' in a string
    ("SELECT ?graph { ?graph ?p ?o }", True),  # a variable: the full store, harmless
    ("# GRAPH and FROM in a comment\nSELECT * { ?s ?p ?o }", False),
    ("SELECT * { ?s <http://e/graph#from> ?o }", False),
    ('SELECT * { ?s ?p "graph" , \'from\' , """a " GRAPH""" }', False),
    ('SELECT * { ?s ?p "x\\" GRAPH" }', False),  # an escaped quote inside the string
    ("SELECT * { ?s <http://e/a#> ?o . # GRAPH ?g {}\n}", False),
])
def test_only_graph_and_from_in_sparql_code_need_the_named_graphs(text, named):
    assert q.needs_named_graphs(text) is named


def test_only_valid_on_needs_the_named_graphs():
    """valid-on and competence-history read every version's graph; the others read the default
    graph alone (the current versions)."""
    assert [name for name, query in q.library().items()
            if q.needs_named_graphs(query.text)] == ["competence-history", "valid-on"]


def test_build_data_runs_graph_free_queries_on_the_union_alone(tmp_path):
    data = q.BuildData(build_folder(tmp_path))
    union = data.store_for(q.library()["shared-competences"].text)
    assert list(union.named_graphs()) == []
    assert len(union) == len(set(ox.parse(path=str(tmp_path / "data" / "all.nt"),
                                          format=ox.RdfFormat.N_TRIPLES)))
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    full = data.store_for(graphs)
    assert full is not union and full is data.store_for(graphs)  # loaded once
    assert [row[0].value.rsplit("/", 1)[-1] for row in q.run(full, q.QueryFile(
        "graphs", tmp_path / "graphs.rq", graphs)).rows] == ["inferred", "naidis-tase-6",
                                                             "reference"]
    assert data.store_for("SELECT * { ?s ?p ?o }", dataset_given=True) is full
    # the same answers on both stores: the union is the full store's default graph
    for name, query in q.library().items():
        params = params_for(name, "naidis-tase-6", "naidis-tase-6")
        assert q.run(union, query, params).rows == q.run(full, query, params).rows, name


def test_build_data_of_other_files_is_one_store(tmp_path):
    data = q.BuildData(MINI)  # no all.nt beside: the union is made in the store
    store = data.store_for("SELECT * { ?s ?p ?o }")
    assert store is data.store_for("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    assert len(list(store.named_graphs())) == 3
    with pytest.raises(InputError, match="unknown data format"):
        q.BuildData(tmp_path / "x.csv")
    with pytest.raises(InputError, match="no such data file"):
        q.BuildData(tmp_path / "all.trig")


def test_rows_read_from_the_kept_answer_keep_their_terms(mini):
    """query.run keeps Oxigraph's answer as SPARQL TSV (or JSON); the rows made from it are the
    terms the engine gave (IRIs, language tags, datatypes, unbound cells)."""
    store, _ = mini
    for name in ("coverage-summary", "esco-links"):  # esco-links leaves cells unbound
        query = q.library()[name]
        direct = [tuple(s) for s in store.query(query.text)]
        for keep in (q.TSV, q.JSON):
            result = q.run(store, query, keep=keep)
            assert result.answer is not None and result.answer_format == keep
            assert result.rows == direct, (name, keep)
        assert q.to_json(q.run(store, query, keep=q.JSON)) == q.to_json(q.run(store, query))
        assert q.to_csv(q.run(store, query, keep=q.JSON)) == q.to_csv(q.run(store, query))
    with pytest.raises(ValueError):
        q.run(store, q.library()["esco-links"], keep=ox.QueryResultsFormat.CSV)  # loses types
    assert None in {cell for row in result.rows for cell in row}
    result = q.run(store, q.library()["coverage-summary"])
    percents = {row[result.variables.index("percent")] for row in result.rows}
    assert {p.datatype.value for p in percents} == {str(XSD.decimal)}
    labels = [row[result.variables.index("partLabel")] for row in result.rows]
    assert {label.language for label in labels} == {"et"}
