"""ESCO: importing a release (CSV package), linking by ISCO code, suggested skill mappings."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kutse_rdf.cli import main
from kutse_rdf.config import Config

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "tests" / "fixtures" / "esco" / "release-v1.2.0"
STANDARDS = ROOT / "tests" / "fixtures" / "standards"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
ISCO = "http://data.europa.eu/esco/isco/C"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ESCO_MODEL = "http://data.europa.eu/esco/model#"
CIO = "http://data.europa.eu/esco/occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4"
RISK = "http://data.europa.eu/esco/skill/69cfc5ed-6569-4aca-a4cc-fd782ba51d9c"
FLOOR = 0.65  # share of curated skill mappings in their competence's top 5 (docs/esco.md)


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Never the user's own store: every test has its own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KUTSE_RDF_ESCO", raising=False)  # conftest's
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cache"


@pytest.fixture
def imported(cache_home):
    assert main(["esco", "import", str(RELEASE)]) == 0
    return cache_home / "kutse-rdf" / "esco"


def _esco(*args, capsys) -> tuple[int, str, str]:
    code = main(["esco", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- import ---------------------------------------------------------------------------------

def test_import_keeps_version_languages_and_counts(imported, capsys):
    import json

    index = json.loads((imported / "release.json").read_text())
    assert index["version"] == "v1.2.0"
    assert index["languages"] == ["en", "et"]
    assert index["counts"] == {"isco_groups": 17, "occupations": 14, "skills": 128,
                               "relations": 40}
    code, out, _ = _esco("info", capsys=capsys)
    assert code == 0 and "ESCO v1.2.0 (en, et)" in out and "128 skills" in out


def test_info_without_release_says_the_subset_serves(capsys):
    code, out, _ = _esco("info", capsys=capsys)
    assert code == 0 and "no ESCO release imported" in out and "ontology/esco.ttl" in out


def test_import_from_zip_and_config_path(tmp_path, capsys):
    zipped = tmp_path / "ESCO dataset - v1.2.0 - classification - csv.zip"
    shutil.make_archive(str(zipped.with_suffix("")), "zip", RELEASE.parent, RELEASE.name)
    (tmp_path / "kutse-rdf.toml").write_text('esco = "my-esco"\n')
    code, _, err = _esco("import", str(zipped), capsys=capsys)
    assert code == 0, err
    assert (tmp_path / "my-esco" / "release.json").is_file()
    assert not (tmp_path / "cache").exists()  # the config's path, not the user's cache


def _copy(tmp_path) -> Path:
    folder = tmp_path / "esco-v1.2.0"
    shutil.copytree(RELEASE, folder)
    return folder


def _bad(tmp_path, capsys, folder: Path) -> tuple[int, str]:
    code, out, err = _esco("import", str(folder), capsys=capsys)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kutse-rdf: ") and "Traceback" not in err, err
    assert not (tmp_path / "cache" / "kutse-rdf" / "esco").exists()
    return code, lines[0]


def test_wrong_column_layout(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "skills_et.csv"
    path.write_text(path.read_text().replace("preferredLabel", "prefLabel", 1))
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1
    assert "skills_et.csv:1: not the column layout of ESCO's skills_LANG.csv" in line
    assert "preferredLabel" in line


def test_truncated_file(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "occupations_en.csv"
    text = path.read_text()
    path.write_text(text[: text.index("chief technology officer") + 5])  # cut inside a row
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "occupations_en.csv:4: truncated file" in line


def test_a_file_cut_after_its_header(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "skills_en.csv"
    path.write_text(path.read_text().splitlines(keepends=True)[0])
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "skills_en.csv: no skills in the file (only its header)" in line


def test_truncated_inside_a_quoted_cell(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "skills_en.csv"
    path.write_text(path.read_text() + 'KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/x,'
                    'knowledge,cross-sector,"cut here\n')
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "skills_en.csv:130: truncated or malformed CSV" in line


def test_mixed_release_languages_disagree(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "skills_et.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))  # the last skill only in English
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "mixed release: 1 skills of the en files are missing" in line


def test_mixed_release_relations_name_unknown_skill(tmp_path, capsys):
    folder = _copy(tmp_path)
    path = folder / "occupationSkillRelations_en.csv"
    path.write_text(path.read_text().replace("000000000036", "999999999999", 1))
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "occupationSkillRelations_en.csv:" in line and "mixed release" in line


def test_mixed_release_versions_in_names(tmp_path, capsys):
    folder = _copy(tmp_path)
    # files of two downloads put together
    shutil.copy(RELEASE / "skills_en.csv", folder / "skills_en - v1.1.1.csv")
    shutil.copy(RELEASE / "skills_en.csv", folder / "skills_en - v1.2.0.csv")
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 1 and "mixed release: file names carry versions v1.1.1, v1.2.0" in line


def test_no_version_and_not_a_release(tmp_path, capsys):
    folder = tmp_path / "plain"
    shutil.copytree(RELEASE, folder)
    code, line = _bad(tmp_path, capsys, folder)
    assert code == 2 and "--release-version" in line
    assert main(["esco", "import", str(folder), "--release-version", "v1.2.0"]) == 0
    capsys.readouterr()
    shutil.rmtree(tmp_path / "cache")
    empty = tmp_path / "empty-v1"
    empty.mkdir()
    code, line = _bad(tmp_path, capsys, empty)
    assert code == 1 and "no skills_LANG.csv" in line


def test_the_environment_names_the_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KUTSE_RDF_ESCO", str(tmp_path / "elsewhere"))
    code, _, err = _esco("import", str(RELEASE), capsys=capsys)
    assert code == 0 and (tmp_path / "elsewhere" / "release.json").is_file(), err
    assert not (tmp_path / "cache").exists()


def test_the_build_cache_key_follows_the_imported_release(cache_home):
    from kutse_rdf.engine.cache import environment_key

    before = environment_key(Config())
    assert main(["esco", "import", str(RELEASE)]) == 0
    assert environment_key(Config()) != before


# --- link by code ---------------------------------------------------------------------------

def _reference():
    from kutse_rdf.graph.vocab import load_reference

    return load_reference(Config())


def test_reference_takes_the_release_isco_groups_and_occupations(imported):
    graph = _reference()
    group = URIRef(ISCO + "2512")  # the software developer fixture standard's group
    assert Literal("Tarkvaraarendajad", lang="et") in set(graph.objects(group, URIRef(SKOS + "prefLabel")))
    assert Literal("Software developers", lang="en") in set(graph.objects(group, URIRef(SKOS + "prefLabel")))
    chain, node = [], group
    while (node := graph.value(node, URIRef(SKOS + "broader"))) is not None:
        chain.append(str(node)[len(ISCO):])
    assert chain == ["251", "25", "2"]
    members = set(graph.subjects(URIRef(ESCO_MODEL + "memberOfISCOGroup"), group))
    assert len(members) == 2
    # the seed's group in Estonian; curated mappings still in the graph, their skills described
    assert Literal("IKT-juhid", lang="et") in set(graph.objects(URIRef(ISCO + "1330"), URIRef(SKOS + "prefLabel")))
    qual = URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/qualification")
    qualifies_for = URIRef("https://w3id.org/kutse-rdf/ontology#qualifiesFor")
    assert (qual, qualifies_for, URIRef(CIO)) in graph
    assert Literal("IKT-riskijuhtimise rakendamine", lang="et") in set(
        graph.objects(URIRef(RISK), URIRef(SKOS + "prefLabel")))


def test_without_release_the_subset_serves():
    graph = _reference()
    assert (URIRef(ISCO + "2512"), None, None) not in graph
    assert Literal("Information and communications technology service managers", lang="en") in set(
        graph.objects(URIRef(ISCO + "1330"), URIRef(SKOS + "prefLabel")))


def test_occupation_candidates_of_other_groups(imported):
    from kutse_rdf.esco.store import load_store
    from kutse_rdf.esco.suggest import index_of, prior_of
    from kutse_rdf.reading.parser import parse_file

    index = index_of(load_store(Config()))
    got = {}
    for name in ("puusepp-tase-4.txt", "tarkvaraarendaja-tase-6-2013.txt", "andmeanaluutik-tase-6.txt"):
        _, occupations = prior_of(index, parse_file(STANDARDS / name))
        got[name] = sorted(index.occupation_labels[o] for o in occupations)
    assert got["puusepp-tase-4.txt"] == ["carpenter (invented row)", "joiner (invented row)"]
    assert got["tarkvaraarendaja-tase-6-2013.txt"] == ["software developer (invented row)",
                                                       "web developer (invented row)"]
    assert got["andmeanaluutik-tase-6.txt"] == ["statistician (invented row)"]


# --- suggestions ----------------------------------------------------------------------------

def _standard(title: str, isco: list[str], competences: list[tuple[str, list[str], list[str]]]):
    from kutse_rdf.model import Competence, Line, Standard

    std = Standard(source_file="kasitsi.txt", title=title, level=5, isco=isco)
    for n, (name, ecf, indicators) in enumerate(competences, 1):
        std.competences.append(Competence(
            code=f"B.3.{n}", title=name, group="mandatory", level=5, ecf=ecf,
            indicators=[Line(t, 10 + i) for i, t in enumerate(indicators)], knowledge=[],
            assessment=None, line=n))
    return std


def _top(std, decided=frozenset()):
    from kutse_rdf.esco.store import load_store
    from kutse_rdf.esco.suggest import index_of, suggest_standard

    found = suggest_standard(index_of(load_store(Config())), std, Config(), set(decided))
    top: dict[str, list[str]] = {}
    for s in found:
        top.setdefault(s.subject.rsplit("/", 1)[1], []).append(s.skill.label_et)
    return top, found


def test_hand_made_competences_get_the_expected_skills(imported):
    std = _standard("Käsitsi, tase 5", ["1330"], [
        ("Riskijuhtimine", ["E.3"], ["Juhib IT riskide kaardistamist."]),
        ("Puidu töötlemine", [], ["Töötleb puitu käsitööriistadega."]),
        ("Infoturbestrateegia loomine", ["D.1"], ["Loob organisatsiooni infoturbe strateegia."]),
        ("Andmete visualiseerimine", [], ["Esitab andmed joonistena."]),
    ])
    top, found = _top(std)
    assert top["B.3.1"][0] == "IKT-riskijuhtimise rakendamine"
    assert top["B.3.2"][0] == "puidu töötlemine"
    assert top["B.3.3"][0] == "infoturbe strateegia"
    assert top["B.3.4"][0] == "andmete visualiseerimine"
    assert all(len(v) <= 5 for v in top.values())
    first = found[0]
    assert "riski" in first.comment and "e-CF E.3" in first.comment
    assert "essential for chief information officer" in first.comment


def test_a_decided_pair_is_not_offered_again(imported):
    std = _standard("Käsitsi, tase 5", ["1330"], [("Riskijuhtimine", ["E.3"], [])])
    top, found = _top(std)
    subject = found[0].subject
    top, _ = _top(std, {(subject, RISK)})
    assert "IKT-riskijuhtimise rakendamine" not in top["B.3.1"]


def test_rejected_rows_stay_out_of_the_graph_and_out_of_suggestions(tmp_path, monkeypatch, imported):
    from kutse_rdf.esco.suggest import decided_pairs
    from kutse_rdf.graph import vocab

    rejected = tmp_path / "rejected.sssom.tsv"
    rejected.write_text(
        "# curie_map:\n#   kutseid: https://w3id.org/kutse-rdf/id/\n"
        "#   skos: http://www.w3.org/2004/02/skos/core#\n#   semapv: https://w3id.org/semapv/vocab/\n"
        "#   ESCO.SKILL: http://data.europa.eu/esco/skill/\n"
        "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\n"
        "kutseid:standard/it-juht-tase-7/competence/B.3.2\tskos:relatedMatch\tNot\t"
        "ESCO.SKILL:00000000-0000-4000-8000-000000000035\tsemapv:ManualMappingCuration\n")
    shipped = vocab.mapping_files()
    monkeypatch.setattr(vocab, "mapping_files", lambda: [*shipped, rejected])
    vocab._decisions.cache_clear()
    try:
        subject = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/competence/B.3.2"
        skill = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000035"
        assert all(m.object != skill for m in vocab.load_mappings())
        assert (URIRef(subject), None, URIRef(skill)) not in vocab.load_reference(Config())
        assert (subject, skill) in decided_pairs(Config())
    finally:
        vocab._decisions.cache_clear()


def _seed_share() -> float:
    from kutse_rdf.graph.vocab import load_mappings
    from kutse_rdf.reading.parser import parse_file

    curated = [(m.subject, m.object) for m in load_mappings(Config()) if "/skill/" in m.object]
    top, found = _top(parse_file(SEED))
    offered = {(s.subject, s.skill.uri) for s in found}
    return sum(pair in offered for pair in curated) / len(curated)


def test_floor_curated_skills_in_top_5_on_the_seed(imported):
    assert _seed_share() >= FLOOR


def test_suggestions_are_deterministic_sssom(imported, capsys):
    code, first, _ = _esco("suggest", str(SEED), capsys=capsys)
    code2, second, _ = _esco("suggest", str(SEED), capsys=capsys)
    assert code == code2 == 0 and first == second
    rows = [line.split("\t") for line in first.splitlines() if not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    assert header[:7] == ["subject_id", "subject_label", "predicate_id", "object_id",
                          "object_label", "mapping_justification", "confidence"]
    skills = [r for r in rows if r[5] == "semapv:LexicalMatching"]
    assert skills and all(0 < float(r[6]) <= 1 for r in skills)
    assert all(r[0].startswith("kutseid:standard/it-juht-tase-7/competence/") for r in skills)
    # the qualification's candidates: the occupations of ISCO 1330 but the two curated rows
    occupations = [r for r in rows if r[5] == "semapv:MappingChaining"]
    assert {r[0] for r in occupations} == {"kutseid:standard/it-juht-tase-7/qualification"}
    assert len(occupations) == 6 and len(skills) + len(occupations) == len(rows)
    assert "ESCO.OCC:82f90e87-de92-4678-adae-61d3e5f7e1e4" not in {r[3] for r in occupations}
    assert "IKT-projektijuht" in {r[4] for r in occupations}
    assert "# object_source_version: ESCO v1.2.0" in first


def test_suggest_without_release_is_a_usage_error(capsys):
    code, _, err = _esco("suggest", str(SEED), capsys=capsys)
    assert code == 2 and "no ESCO release imported" in err


def test_build_writes_the_suggestions_report(imported, tmp_path):
    from kutse_rdf.build import run_build

    result = run_build([SEED], tmp_path / "out", Config(), quiet=True, jobs=1)
    report = tmp_path / "out" / "reports" / "esco-suggestions.sssom.tsv"
    assert report.is_file() and "semapv:LexicalMatching" in report.read_text()
    assert any(note.startswith("esco: ") for note in result.notes)
    reference = (tmp_path / "out" / "data" / "reference.nt").read_text()
    assert '"IKT-juhid"@et' in reference


# --- the SKOS-RDF dump ----------------------------------------------------------------------

DUMP = ROOT / "tests" / "fixtures" / "esco" / "esco-v1.2.0-excerpt.ttl"


def test_import_the_rdf_dump(cache_home, capsys):
    import json

    from kutse_rdf.esco.store import load_store

    code, _, err = _esco("import", str(DUMP), capsys=capsys)
    assert code == 0, err
    index = json.loads((cache_home / "kutse-rdf" / "esco" / "release.json").read_text())
    assert index["version"] == "v1.2.0" and index["languages"] == ["en", "et"]  # not de
    assert index["counts"] == {"isco_groups": 3, "occupations": 1, "skills": 2, "relations": 2}
    store = load_store(Config())
    assert store.labels(RISK, "et") == ["IKT-riskijuhtimise rakendamine", [], ["riskide juhtimine IKT-s"]]
    assert store.concepts["relations"][CIO] == [[RISK, 1], [
        "http://data.europa.eu/esco/skill/94dd823c-148e-4614-a6e8-99249b16357d", 0]]
    graph = _reference()
    assert (URIRef(ISCO + "1330"), URIRef(SKOS + "broader"), URIRef(ISCO + "133")) in graph


def test_a_broken_rdf_dump_is_one_line(tmp_path, capsys):
    broken = tmp_path / "esco-v1.2.0.ttl"
    broken.write_text(DUMP.read_text()[:-200])  # cut inside a statement
    code, line = _bad(tmp_path, capsys, broken)
    assert code == 1 and "not valid RDF (turtle)" in line and str(broken) in line
