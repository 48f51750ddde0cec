"""Choices and alternatives of B.1, and nothing dropped from e-CF citations (issue 15).

The fixture tests/fixtures/standards/kokk-tase-4.txt states every choice form; the expected
requirement groups below are written by hand from its B.1 (lines 36-42):
  36-37  the qualification: B.3.1-B.3.3 required; "Valitavatest kompetentsidest B.3.4.- B.3.7.
         tuleb tõendada vähemalt kaks" -> at least 2 of B.3.4-B.3.7
  38     "Spetsialiseerumise korral ... vastav ... kompetents B.3.8 või B.3.9": the specialisations
         "Pagaritööd" and "Kondiitritööd" are the titles of B.3.8 and B.3.9 -> one each
  40     Toiduvalmistaja: B.3.1, B.3.3 required; "B.3.4 ... või B.3.5 ..." -> 1 of the two
  42     Abikokk: B.3.1 required; "valitavatest ... B.3.4-B.3.7 vähemalt 3" -> 3 of 4
and its e-CF citations: line 30 (work part A.2.1) "F.4", line 50 (B.3.1) "A.7 ja F.4".
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kutse_rdf import query as q
from kutse_rdf.config import Config
from kutse_rdf.graph import validate
from kutse_rdf.graph.convert import standard_graph
from kutse_rdf.graph.namespaces import KUTSE, RDF
from kutse_rdf.graph.uris import Uris
from kutse_rdf.graph.vocab import ecf_competences, load_reference
from kutse_rdf.reading import rules as R
from kutse_rdf.reading.parser import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]
COOK = ROOT / "tests" / "fixtures" / "standards" / "kokk-tase-4.txt"
KSHAPE = "https://w3id.org/kutse-rdf/shapes#"


def groups(choices):
    return [(c.kind, c.minimum, [r.code for r in c.options], c.line) for c in choices]


def codes(refs):
    return [r.code for r in refs]


@pytest.fixture(scope="module")
def cook():
    return parse_file(COOK)


def cook_text(old: str, new: str) -> str:
    text = COOK.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


# --- parse: requirement groups ---------------------------------------------------------------

def test_qualification_required_and_at_least_two_of_the_optional(cook):
    assert codes(cook.qualification_competences) == ["B.3.1", "B.3.2", "B.3.3"]
    assert groups(cook.qualification_choices) == [
        ("choice", 2, ["B.3.4", "B.3.5", "B.3.6", "B.3.7"], 37)]


def test_specialisation_dependent_competences_paired_by_name(cook):
    specs = {s.title: (codes(s.competences), s.choices) for s in cook.specialisations}
    assert specs == {"Pagaritööd": (["B.3.8"], []), "Kondiitritööd": (["B.3.9"], [])}
    # not the qualification's own requirements
    assert "B.3.8" not in codes(cook.qualification_competences)


def test_voi_is_one_of_never_and(cook):
    pq = {p.title: p for p in cook.partial_qualifications}["Toiduvalmistaja, tase 4"]
    assert codes(pq.competences) == ["B.3.1", "B.3.3"]
    assert groups(pq.choices) == [("choice", 1, ["B.3.4", "B.3.5"], 40)]
    assert [r.title for r in pq.competences] == ["Töö planeerimine", "Toiduohutuse tagamine"]
    assert not any("ning" in w.text for w in cook.warnings)


def test_choice_inside_a_partial_qualification_with_a_digit(cook):
    pq = {p.title: p for p in cook.partial_qualifications}["Abikokk, tase 3"]
    assert codes(pq.competences) == ["B.3.1"]
    assert groups(pq.choices) == [("choice", 3, ["B.3.4", "B.3.5", "B.3.6", "B.3.7"], 42)]


def test_fixture_has_no_other_warning_and_nothing_unaccounted(cook):
    assert [(w.line, w.text) for w in cook.warnings] == [
        (30, "e-CF code F.4 is not a competence of e-CF 4.0 or 3.0; kept as written"),
        (50, "e-CF code F.4 is not a competence of e-CF 4.0 or 3.0; kept as written")]
    assert cook.unaccounted == []


@pytest.mark.parametrize("word,n", [("üks", 1), ("kaks", 2), ("kolm", 3), ("neli", 4),
                                    ("4", 4), ("kahte", 2)])
def test_the_minimum_as_a_word_or_a_digit(word, n):
    std = parse_text(cook_text("vähemalt kaks", f"vähemalt {word}"), "kokk.txt")
    assert groups(std.qualification_choices) == [
        ("choice", n, ["B.3.4", "B.3.5", "B.3.6", "B.3.7"], 37)]


def test_a_minimum_above_the_options_is_kept_and_warned():
    std = parse_text(cook_text("vähemalt kaks", "vähemalt viis"), "kokk.txt")
    assert groups(std.qualification_choices)[0][1] == 5
    assert (37, "B.1: the qualification asks for at least 5 of 4 competences") in [
        (w.line, w.text) for w in std.warnings]


def test_optional_codes_without_a_number_are_at_least_one_with_a_warning():
    std = parse_text(cook_text(" tuleb tõendada vähemalt kaks.", " tuleb tõendada."), "kokk.txt")
    assert groups(std.qualification_choices) == [
        ("choice", 1, ["B.3.4", "B.3.5", "B.3.6", "B.3.7"], 37)]
    assert any(w.line == 37 and "no 'vähemalt N'" in w.text for w in std.warnings)


def test_unpaired_specialisation_competences_stay_a_choice():
    text = cook_text("\t\tPagaritööd\n", "\t\tLeivad\n").replace("\t\tKondiitritööd\n",
                                                                  "\t\tKoogid\n")
    std = parse_text(text, "kokk.txt")
    assert groups(std.qualification_choices) == [
        ("choice", 2, ["B.3.4", "B.3.5", "B.3.6", "B.3.7"], 37),
        ("specialisation", 1, ["B.3.8", "B.3.9"], 38)]
    assert all(s.competences == [] for s in std.specialisations)
    assert (38, "B.1: the specialisation-dependent competences B.3.8, B.3.9 are not paired "
                "with specialisations by name; kept as a choice of at least one") in [
        (w.line, w.text) for w in std.warnings]


def test_old_template_optional_codes_become_a_choice():
    std = parse_file(ROOT / "tests/fixtures/standards/tarkvaraarendaja-tase-6-2013.txt")
    assert codes(std.qualification_competences) == ["B.2.1", "B.2.2", "B.2.3", "B.2.4", "B.2.7"]
    assert groups(std.qualification_choices) == [("choice", 1, ["B.2.5", "B.2.6"], 34)]


def test_seed_states_no_choice():
    std = parse_file(ROOT / "standards/it-juht-tase-7.txt")
    assert std.qualification_choices == []
    assert all(p.choices == [] for p in std.partial_qualifications)


def test_a_statement_naming_no_owner_is_warned_not_dropped():
    std = parse_text(cook_text("Abikokk, tase 3 osakutse taotlemisel",
                               "Mõne asja taotlemisel"), "kokk.txt")
    assert any(w.line == 42 and "names no qualification" in w.text for w in std.warnings)


def test_json_lists_options_as_codes(cook):
    data = cook.to_json()
    assert data["qualification_choices"][0]["options"] == ["B.3.4", "B.3.5", "B.3.6", "B.3.7"]
    assert data["qualification_choices"][0]["minimum"] == 2


# --- nothing dropped: e-CF citations ---------------------------------------------------------

def test_an_ecf_code_outside_a_to_e_is_kept(cook):
    assert cook.competence("B.3.1").ecf == ["A.7", "F.4"]
    assert cook.work_parts[0].ecf == ["F.4"]


def test_a_code_of_the_other_version_is_reported_where_the_version_is_stated():
    # A.10 is in e-CF 4.0 only
    text = cook_text("(e-CF kompetents E.6)", "(e-CF 3.0 kompetents A.10)")
    std = parse_text(text, "kokk.txt")
    assert std.ecf_version == "3.0"
    assert any("A.10 is not a competence of e-CF 3.0" in w.text for w in std.warnings)


def test_words_of_a_citation_that_are_not_codes_are_reported():
    std = parse_text(cook_text("(e-CF kompetents E.6)", "(e-CF kompetents E.6 ja X7)"),
                     "kokk.txt")
    assert std.competence("B.3.7").ecf == ["E.6"]
    assert any("'X7' is not an e-CF code" in w.text for w in std.warnings)


def test_ecf_table_of_the_parser_matches_the_ontology():
    for version in ("4.0", "3.0"):
        known = {c.code for c in ecf_competences(version)}
        table = {f"{a}.{n}" for a, top in R.ECF_AREAS[version].items()
                 for n in range(1, top + 1)}
        assert table == known, version


# --- the graph and SHACL ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def cook_graph(cook):
    return standard_graph(cook, Config())


def test_choice_node_in_the_graph(cook, cook_graph):
    u = Uris(Config().base_uri)
    qual = u.qualification(cook)
    [choice] = cook_graph.objects(qual, KUTSE.hasCompetenceChoice)
    assert choice == URIRef(str(qual) + "#choice-1")
    assert (choice, RDF.type, KUTSE.CompetenceChoice) in cook_graph
    assert cook_graph.value(choice, KUTSE.minimum) == Literal(2)
    assert cook_graph.value(choice, KUTSE.choiceKind) == KUTSE.optional
    assert sorted(str(o).rsplit("/", 1)[1] for o in cook_graph.objects(choice, KUTSE.option)) == \
        ["B.3.4", "B.3.5", "B.3.6", "B.3.7"]
    assert cook_graph.value(choice, KUTSE.sourceLine) == Literal(37)
    # an option is not a required competence of the qualification
    assert (qual, KUTSE.requiresCompetence, u.competence(cook, "B.3.4")) not in cook_graph


def test_unknown_ecf_code_is_a_shacl_violation(cook_graph):
    report = validate.validate_graph(cook_graph, load_reference())
    exists = [r for r in report.results if r.shape == KSHAPE + "EcfCitation-exists"]
    assert sorted(r.value.rsplit("/", 1)[1] for r in exists) == ["F.4", "F.4"]
    assert not report.conforms
    # the choices themselves are valid, and no option is reported as required by nothing
    assert not [r for r in report.results if "CompetenceChoice" in r.shape
                or r.shape in (KSHAPE + "Competence-required", KSHAPE + "Orphan")]


# --- queries ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cook_store(pipeline_dataset):
    return q.store_from_dataset(pipeline_dataset([COOK]))


def rows(store, name, **params):
    result = q.run(store, q.library()[name], params)
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row)}
            for row in result.rows]


def test_an_option_is_not_unrequired(cook_store):
    # B.3.2 is required by the qualification only; B.3.4-B.3.7 are options of the partials
    found = [(r["notation"], r["requiredByQualification"])
             for r in rows(cook_store, "unrequired-competences")]
    assert found == [("B.3.2", "true")]


def test_ecf_coverage_includes_codes_only_an_option_cites(cook_store):
    found = {(r["kind"], r["ecfNotation"] or r["ecf"].rsplit("/", 1)[1], r["notation"],
              r["requirement"]) for r in rows(cook_store, "ecf-coverage")}
    assert ("qualification", "E.6", "B.3.7", "choice") in found
    assert ("partial", "E.6", "B.3.7", "choice") in found
    assert ("qualification", "A.7", "B.3.1", "required") in found


def test_coverage_matrix_names_the_kind(cook_store):
    matrix = rows(cook_store, "coverage-matrix", standard="kokk-tase-4")
    by = {(r["partLabel"], r["notation"]): (r["required"], r["requirement"]) for r in matrix}
    assert by[("Toiduvalmistaja, tase 4", "B.3.1")] == ("true", "required")
    assert by[("Toiduvalmistaja, tase 4", "B.3.4")] == ("false", "choice")
    assert by[("Toiduvalmistaja, tase 4", "B.3.6")] == ("false", "")
    assert by[("Pagaritööd", "B.3.8")] == ("true", "required")


# --- ELM -------------------------------------------------------------------------------------

def test_elm_states_a_choice_as_a_note_and_conforms_to_loq(cook):
    import pyshacl

    from kutse_rdf.graph.elm import elm_graph
    from kutse_rdf.graph.namespaces import ELM
    from kutse_rdf.resources import resource_dir

    graph = elm_graph([cook], Config())
    u = Uris(Config().base_uri)
    kg = u.qualification(cook)
    qual = u.elm_qualification(kg)  # the ELM view's own elm:Qualification
    note = URIRef(f"{kg}#elm-choice-1")
    assert (qual, ELM.additionalNote, note) in graph
    assert str(graph.value(note, ELM.noteLiteral)) == (
        "Tuleb tõendada vähemalt 2 järgmistest kompetentsidest: B.3.4 Külmade roogade "
        "valmistamine; B.3.5 Soojade roogade valmistamine; B.3.6 Küpsetiste valmistamine; "
        "B.3.7 Roogade serveerimine.")
    # the options are not learning outcomes of the qualification (ELM reads those as required)
    outcomes = {str(o) for o in graph.objects(qual, ELM.learningOutcome)}
    assert str(u.competence(cook, "B.3.1")) + "#learning-outcome" in outcomes
    assert str(u.competence(cook, "B.3.4")) + "#learning-outcome" not in outcomes
    data = Graph()
    data += graph
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=Graph().parse(resource_dir("shapes") / "elm" / "LOQ-constraints.ttl"))
    assert conforms, text


# --- the site --------------------------------------------------------------------------------

def test_site_shows_choose_at_least(tmp_path):
    from kutse_rdf.build import run_build

    run_build([COOK], tmp_path, Config())
    page = (tmp_path / "site" / "standard" / "kokk-tase-4" / "version" / "draft" / "qualification"
            / "index.html")
    text = page.read_text(encoding="utf-8")
    assert "Valida vähemalt 2 järgmistest" in text
    partial = (tmp_path / "site" / "standard" / "kokk-tase-4" / "version" / "draft" / "partial"
               / "toiduvalmistaja-tase-4"
               / "index.html").read_text(encoding="utf-8")
    assert "Valida vähemalt 1 järgmistest" in partial
    assert "Külmade roogade valmistamine" in partial


def test_parse_cli_prints_choices_and_reports_the_unknown_code():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kutse_rdf", "parse", str(COOK)],
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0
    assert ("the qualification requires: B.3.1, B.3.2, B.3.3 + at least 2 of (B.3.4, B.3.5, "
            "B.3.6, B.3.7) + general skills") in done.stdout
    assert "Toiduvalmistaja, tase 4 (EKR 4): B.3.1, B.3.3 + at least 1 of (B.3.4, B.3.5)" \
        in done.stdout
    assert (f"{COOK}:50: warning: e-CF code F.4 is not a competence of e-CF 4.0 or 3.0; kept "
            "as written") in done.stderr.splitlines()


def test_coverage_summary_counts_options_apart(cook_store):
    found = {r["partLabel"]: (r["required"], r["options"], r["competences"])
             for r in rows(cook_store, "coverage-summary")}
    assert found == {"Toiduvalmistaja, tase 4": ("2", "2", "9"), "Abikokk, tase 3": ("1", "4", "9"),
                     "Pagaritööd": ("1", "0", "9"), "Kondiitritööd": ("1", "0", "9")}


def test_specialisation_statement_without_a_name_is_the_qualifications():
    # "Spetsialiseerumise korral taotlemisel ...": no specialisation named, the qualification's
    std = parse_text(cook_text("Spetsialiseerumise korral tuleb lisaks",
                               "Spetsialiseerumise korral taotlemisel tuleb lisaks"), "kokk.txt")
    assert {s.title: codes(s.competences) for s in std.specialisations} == {
        "Pagaritööd": ["B.3.8"], "Kondiitritööd": ["B.3.9"]}
    assert len(std.specialisations) == 2


def test_a_partial_qualification_with_only_a_choice_requires_something():
    # "B.3.4 ... või B.3.5 ..." alone: no kutse:requiresCompetence, but a requirement all the same
    std = parse_text(cook_text("kompetentsid B.3.1 Töö planeerimine; B.3.3 Toiduohutuse "
                               "tagamine ning B.3.4", "kompetentsid B.3.4"), "kokk.txt")
    pq = {p.title: p for p in std.partial_qualifications}["Toiduvalmistaja, tase 4"]
    assert (pq.competences, groups(pq.choices)) == ([], [("choice", 1, ["B.3.4", "B.3.5"], 40)])
    report = validate.validate_graph(standard_graph(std, Config()), load_reference())
    assert not [r for r in report.results
                if r.shape == KSHAPE + "PartialQualification-has-competence"]
