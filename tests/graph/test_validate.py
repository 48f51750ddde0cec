"""The validation stage end to end: model -> convert -> validate_standard -> report, and the
`kutse-rdf validate` command (through the build's units and cache) on the seed and on broken
copies of it."""
from __future__ import annotations

import json
from pathlib import Path


from kutse_rdf.graph import validate
from kutse_rdf.cli import main
from kutse_rdf.config import Config
from kutse_rdf.model import Competence, CompetenceRef, Line, PartialQualification, Standard

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
BASE = "https://w3id.org/kutse-rdf/id/"
KSHAPE = "https://w3id.org/kutse-rdf/shapes#"



def competence(code: str, ecf: str, line: int, level: int = 7) -> Competence:
    return Competence(code=code, title=f"Kompetents {code}", group="mandatory", level=level,
                      ecf=[ecf], indicators=[Line("Teeb tööd.", line + 3)], knowledge=[],
                      assessment=None, line=line)


def small_standard() -> Standard:
    """A standard with two competences and one partial qualification naming B.3.1 on line 12
    and an undefined B.3.25 on line 13 (its list runs over two lines)."""
    return Standard(
        source_file="proov.txt", title="Proov, tase 7", level=7,
        competences=[competence("B.3.1", "A.1", 30), competence("B.3.2", "A.2", 40)],
        qualification_competences=[CompetenceRef("B.3.1", None, 10),
                                   CompetenceRef("B.3.2", None, 10)],
        partial_qualifications=[PartialQualification(
            title="Proovijuht, tase 7", level=7, line=12,
            competences=[CompetenceRef("B.3.1", "Esimene", 12),
                         CompetenceRef("B.3.25", "Puuduv", 13)])],
    )


def report_of(std: Standard) -> validate.ValidationReport:
    """The standard's report, as its unit validates it."""
    from kutse_rdf.graph.convert import standard_graph
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.graph.vocab import load_reference

    uris = Uris(Config().base_uri)
    return validate.validate_standard(std, uris.standard(std), standard_graph(std, Config()),
                                      load_reference(Config()), uris)


def test_undefined_competence_points_at_the_line_where_it_is_named():
    std = small_standard()
    report = report_of(std)
    assert not report.conforms
    assert [(r.severity, r.shape, r.focus, r.value, r.source_file, r.source_line)
            for r in report.results] == [
        ("violation", KSHAPE + "RequiredCompetence-exists",
         BASE + "standard/proov-tase-7/version/draft/partial/proovijuht-tase-7",
         BASE + "standard/proov-tase-7/version/draft/competence/B.3.25", "proov.txt", 13)]


def test_level_mismatch_is_a_warning_only():
    std = small_standard()
    std.partial_qualifications[0].competences.pop()  # no undefined competence
    std.competences[1].level = 8  # e-CF A.2 is defined at e-3 and e-4 only: EQF 6 and 7
    report = report_of(std)
    assert report.conforms
    assert [(r.severity, r.shape, r.source_line, r.message_en) for r in report.results] == [
        ("warning", KSHAPE + "Competence-level-consistent", 40,
         "The competence's level EQF 8 matches no proficiency level at which e-CF A.2 is "
         "defined.")]


def test_format_report_groups_by_standard_with_file_and_line():
    std = small_standard()
    text = validate.format_report([report_of(std)])
    assert text.splitlines() == [
        "proov.txt (Proov, tase 7): 1 violation, 0 warnings",
        "proov.txt:13: violation: [partial/proovijuht-tase-7] Requires competence B.3.25, "
        "which is not a competence of this standard.",
        "    et: Nõutud kompetentsi B.3.25 selles kutsestandardis ei ole.",
        "1 standard validated: 1 violation, 0 warnings",
    ]


def test_write_report_files(tmp_path):
    from rdflib import Graph
    from rdflib.namespace import SH

    report = report_of(small_standard())
    assert validate.write_report_files([report.to_json()], [report.turtle_body()],
                                       tmp_path) == (1, 0)
    data = json.loads((tmp_path / "validation.json").read_text(encoding="utf-8"))
    assert (data["conforms"], data["violations"], data["warnings"]) == (False, 1, 0)
    [entry] = data["standards"]
    assert entry["file"] == "proov.txt"
    assert entry["results"][0]["source_line"] == 13
    graph = Graph().parse(tmp_path / "validation.ttl")
    assert len(list(graph.subjects(None, SH.ValidationReport))) == 1
    assert len(list(graph.objects(None, SH.result))) == 1


def test_validation_json_is_joined_from_the_standards_entries(tmp_path):
    """A build joins each standard's entry, made once by its unit (report_entry), into
    validation.json: the same text as the whole report written by json.dumps with indent 2,
    for no standard, one, and two with quotes, newlines and non-ASCII in their results."""
    first = {"conforms": False, "source_file": "a.txt", "title": "Õpetaja, tase 6",
             "subject": "https://example.org/a", "report_graph": "",
             "results": [{"severity": "violation", "message": 'puudub "B.3.2"\nrida', "line": 4},
                         {"severity": "warning", "message": "ä <b>", "line": None}]}
    second = {"conforms": True, "source_file": "b.txt", "title": "B", "subject": "https://example.org/b",
              "report_graph": "", "results": []}
    for reports in ([], [first], [first, second]):
        assert validate.write_report_files(reports, [], tmp_path) == (
            sum(r is first for r in reports), sum(r is first for r in reports))
        whole = {"conforms": all(r["conforms"] for r in reports),
                 "violations": sum(r is first for r in reports),
                 "warnings": sum(r is first for r in reports),
                 "standards": [{"file": r["source_file"], "title": r["title"], "standard": r["subject"],
                                "conforms": r["conforms"], "violations": int(r is first),
                                "warnings": int(r is first), "results": r["results"]} for r in reports]}
        assert (tmp_path / "validation.json").read_text(encoding="utf-8") == \
            json.dumps(whole, ensure_ascii=False, indent=2) + "\n"


def test_report_blank_nodes_are_named_by_content():
    """validation.ttl is the same bytes in every build: blank nodes are named from what they say
    and the standard (the salt), whatever labels and order the validator produced; two results
    saying the same stay two; the graph is unchanged up to blank-node names."""
    import pyoxigraph as ox
    import rdflib.compare
    from rdflib import Graph

    text = """
    _:r <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/shacl#ValidationReport> .
    _:r <http://www.w3.org/ns/shacl#result> _:x .
    _:r <http://www.w3.org/ns/shacl#result> _:y .
    _:r <http://www.w3.org/ns/shacl#result> _:z .
    _:x <http://www.w3.org/ns/shacl#focusNode> <http://e/a> .
    _:y <http://www.w3.org/ns/shacl#focusNode> <http://e/a> .
    _:z <http://www.w3.org/ns/shacl#focusNode> <http://e/b> .
    _:z <http://www.w3.org/ns/shacl#resultPath> _:p .
    _:p <http://www.w3.org/ns/shacl#inversePath> <http://e/q> .
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    relabelled = "\n".join(reversed(lines)).replace("_:x", "_:n1").replace("_:y", "_:n2").replace("_:r", "_:n3")

    def named(nt: str, salt: str = "http://e/standard") -> list:
        return validate.stable_blank_nodes(ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES), salt)

    first, second = named("\n".join(lines)), named(relabelled)
    assert first == second and len(first) == 9
    assert len({t.subject for t in first}) == 5  # the report, three results, the path
    assert {t.subject.value for t in named("\n".join(lines), "http://e/other")}.isdisjoint(
        t.subject.value for t in first)
    written = ox.serialize(first, format=ox.RdfFormat.N_TRIPLES).decode()
    assert rdflib.compare.isomorphic(Graph().parse(data="\n".join(lines), format="nt"),
                                     Graph().parse(data=written, format="nt"))


def test_build_counts_violations_as_problems(tmp_path, seed_path):
    from kutse_rdf.build import run_build

    edited = tmp_path / "proov.txt"
    edited.write_text(seed_path.read_text(encoding="utf-8").replace(
        "B.3.10. Personaliarendus;", "B.3.25. Personaliarendus;", 1), encoding="utf-8")
    result = run_build([edited], tmp_path / "build", Config(), quiet=True)
    assert result.problems == 1
    assert "validation: 1 violation(s), 0 warning(s) (reports/validation.json; " \
           "details: kutse-rdf validate)" in result.notes
    assert (tmp_path / "build" / "reports" / "validation.ttl").is_file()


# --- the command on the seed and on edited copies of it


def run_validate(capsys, tmp_path, *inputs):
    code = main(["validate", *map(str, inputs), "--out", str(tmp_path / "build")])
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_conforms(capsys, tmp_path):
    code, out, err = run_validate(capsys, tmp_path, SEED)
    assert code == 0, out + err
    assert out.splitlines()[0] == "it-juht-tase-7.txt (IT-juht, tase 7): 0 violations, 0 warnings"
    data = json.loads((tmp_path / "build/reports/validation.json").read_text(encoding="utf-8"))
    assert data["conforms"] is True
    assert (tmp_path / "build/reports/validation.ttl").is_file()


def edited_seed(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    copy = tmp_path / "it-juht-tase-7.txt"
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


def test_partial_qualification_naming_b325_fails_once_at_its_b1_line(capsys, tmp_path):
    # Line 123 of the seed is the B.1 entry of "IT meeskonna- ja partnerlusjuht, tase 7".
    copy = edited_seed(tmp_path, 123, "B.3.10. Personaliarendus", "B.3.25. Personaliarendus")
    code, out, err = run_validate(capsys, tmp_path, copy)
    assert code == 1
    violations = [line for line in out.splitlines() if ": violation: " in line]
    assert violations == [
        "it-juht-tase-7.txt:123: violation: [partial/it-meeskonna-ja-partnerlusjuht-tase-7] "
        "Requires competence B.3.25, which is not a competence of this standard."]
    data = json.loads((tmp_path / "build/reports/validation.json").read_text(encoding="utf-8"))
    assert data["violations"] == 1


def test_warnings_alone_exit_0(capsys, tmp_path):
    # B.3.2 cites e-CF A.2 (defined at e-3 and e-4); at EKR 8 no proficiency level matches.
    copy = edited_seed(tmp_path, 178, "EKR tase 7", "EKR tase 8")
    code, out, err = run_validate(capsys, tmp_path, copy)
    assert code == 0, out + err
    assert "it-juht-tase-7.txt:177: warning: [competence/B.3.2] The competence's level EQF 8 " \
           "matches no proficiency level at which e-CF A.2 is defined." in out.splitlines()


def test_unreadable_input_is_skipped_with_exit_2(capsys, tmp_path):
    empty = tmp_path / "tyhi.txt"
    empty.write_text("", encoding="utf-8")
    code, out, err = run_validate(capsys, tmp_path, empty)
    assert code == 2
    assert err.startswith("kutse-rdf: skipped: ")
    assert "tyhi.txt" in err


def test_each_standard_is_validated_on_its_own(capsys, tmp_path):
    """Two standards in one run: each report counts its own results only."""
    bad = edited_seed(tmp_path, 123, "B.3.10. Personaliarendus", "B.3.25. Personaliarendus")
    renamed = tmp_path / "muu" / "it-ulem-tase-7.txt"
    renamed.parent.mkdir()
    renamed.write_text(SEED.read_text(encoding="utf-8").replace(
        "\nIT-juht, tase 7\n", "\nIT-ülem, tase 7\n", 1), encoding="utf-8")
    code, out, err = run_validate(capsys, tmp_path, bad, renamed)
    assert code == 1
    summaries = [line for line in out.splitlines() if not line.startswith((" ", "it-juht-tase-7.txt:"))]
    assert summaries == ["it-juht-tase-7.txt (IT-juht, tase 7): 1 violation, 0 warnings",
                         "it-ulem-tase-7.txt (IT-ülem, tase 7): 0 violations, 0 warnings",
                         "2 standards validated: 1 violation, 0 warnings"]


def test_two_documents_of_one_work_and_version_second_is_skipped(capsys, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run_validate(capsys, tmp_path, tmp_path / "a.txt", tmp_path / "b.txt")
    assert code == 1
    assert err.splitlines()[0] == (
        "kutse-rdf: skipped: b.txt:2: standard 'IT-juht, tase 7' version 'draft' (URI slug "
        "'it-juht-tase-7') is also in a.txt ('IT-juht, tase 7'); remove one of the two")
    assert out.splitlines()[-1] == "1 standard validated: 0 violations, 0 warnings"


def test_a_standard_that_cannot_be_converted_is_skipped_the_others_validated(capsys, tmp_path):
    """As in `build`: a document whose graph cannot be made (two competences B.3.2) is reported
    and skipped, and the other standards are still validated."""
    broken = edited_seed(tmp_path, 186, "B.3.3. Tegevusplaani", "B.3.2. Tegevusplaani")
    renamed = tmp_path / "yks.txt"
    renamed.write_text(broken.read_text(encoding="utf-8").replace(
        "\nIT-juht, tase 7\n", "\nIT-ülem, tase 7\n", 1), encoding="utf-8")
    code, out, err = run_validate(capsys, tmp_path, renamed, SEED)
    assert code == 1
    assert err.splitlines()[0] == (
        "kutse-rdf: skipped: yks.txt:186: competence gives the same URI as the one on line 177: "
        "https://w3id.org/kutse-rdf/id/standard/it-ulem-tase-7/version/draft/competence/B.3.2")
    assert out.splitlines() == ["it-juht-tase-7.txt (IT-juht, tase 7): 0 violations, 0 warnings",
                                "1 standard validated: 0 violations, 0 warnings"]


def test_validate_reads_the_units_a_build_cached(capsys, tmp_path, monkeypatch):
    """One road: after `build --out DIR`, `validate --out DIR` takes each standard's report
    from the unit the build cached; nothing is converted again."""
    from kutse_rdf.build import run_build
    from kutse_rdf.graph import convert

    run_build([SEED], tmp_path / "build", Config(), quiet=True)
    built = (tmp_path / "build/reports/validation.json").read_bytes()

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(convert, "standard_graph", no_conversion)
    code, out, err = run_validate(capsys, tmp_path, SEED)
    assert code == 0, err
    assert out.splitlines()[-1] == "1 standard validated: 0 violations, 0 warnings"
    assert (tmp_path / "build/reports/validation.json").read_bytes() == built


def test_a_build_reuses_the_units_validate_made(capsys, tmp_path):
    from kutse_rdf.build import run_build

    assert run_validate(capsys, tmp_path, SEED)[0] == 0
    result = run_build([SEED], tmp_path / "build", Config(), quiet=True)
    assert result.cache_hits == 1
