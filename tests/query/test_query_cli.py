"""`kutse-rdf query`: the command line over the query library."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kutse_rdf.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "query" / "mini.trig"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
MULTI = ROOT / "tests" / "fixtures" / "multi"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_query_with_its_questions(capsys):
    code, out, _ = run(capsys, "query", "--list")
    assert code == 0
    for name in ("shared-competences", "compare-standards", "ecf-uncovered", "level-check"):
        assert f"\n{name}: " in "\n" + out
    assert "en: Which competences are required by every partial qualification?" in out
    assert "et: Milliseid kompetentse nõuavad kõik osakutsed?" in out
    assert "--param a=... (standard, required)" in out


def test_json_output_is_w3c_results(capsys):
    code, out, _ = run(capsys, "query", "shared-competences", "--data", str(MINI), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"] == ["standard", "competence", "notation", "competenceLabel"]
    assert [b["notation"]["value"] for b in data["results"]["bindings"]] == ["B.3.2"]


def test_csv_table_and_markdown_outputs(capsys):
    _, out, _ = run(capsys, "query", "unrequired-competences", "--data", str(MINI), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["standard", "standardLabel", "competence", "notation"]
    assert rows[1][1] == "Näidis, tase 6" and rows[1][3] == "B.3.4"
    _, out, _ = run(capsys, "query", "unrequired-competences", "--data", str(MINI))
    assert "Näidis, tase 6" in out and "https://" not in out and "(1 row)" in out
    _, out, _ = run(capsys, "query", "unrequired-competences", "--data", str(MINI), "--format", "md")
    assert out.splitlines()[1].startswith("|---|")


def test_a_query_file_with_parameters(capsys, tmp_path):
    file = tmp_path / "mine.rq"
    file.write_text("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                    "SELECT ?c ?code WHERE { ?c skos:notation ?code }\n", encoding="utf-8")
    code, out, _ = run(capsys, "query", str(file), "--data", str(MINI), "--param", "code=B.3.3",
                       "--format", "csv")
    assert code == 0
    assert out.splitlines()[1].endswith("/competence/B.3.3,Personaliarendus,B.3.3")


def test_syntax_error_gives_file_and_line_exit_2(capsys, tmp_path):
    file = tmp_path / "broken.rq"
    file.write_text("# a comment\nSELECT ?x\nWHERE { ?x ?y }\n", encoding="utf-8")
    code, out, err = run(capsys, "query", str(file), "--data", str(MINI))
    assert code == 2 and out == ""
    assert err.startswith(f"kutse-rdf: {file}:3: SPARQL syntax error")
    assert len(err.strip().splitlines()) == 1


def test_unknown_name_suggests_closest_exit_2(capsys):
    code, _, err = run(capsys, "query", "ecf-uncoverd")
    assert code == 2
    assert "unknown query 'ecf-uncoverd'; did you mean ecf-uncovered" in err


@pytest.mark.parametrize("argv, message", [
    (["query"], "name a query"),
    (["query", "shared-competences", "--data", str(MINI), "--param", "nothing"], "KEY=VALUE"),
    (["query", "shared-competences", "--data", str(MINI), "--param", "x=1"], "no parameter 'x'"),
    (["query", "compare-standards", "--data", str(MINI)], "needs --param a="),
    (["query", "shared-competences", "--data", str(MINI), "--param", "standard=nope"],
     "no standard 'nope'"),
    (["query", "shared-competences", "--data", "missing.trig"], "no such data file"),
    (["query", "shared-competences", str(SEED), "--data", str(MINI)], "either INPUT files or --data"),
])
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_unreadable_data_file_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    code, _, err = run(capsys, "query", "shared-competences", "--data", str(bad))
    assert code == 2 and f"{bad}: cannot read data" in err


def test_seed_from_inputs_and_compare_from_folders(capsys, tmp_path):
    pytest.importorskip("kutse_rdf.reading.parser")
    pytest.importorskip("kutse_rdf.graph.vocab")
    out_dir = str(tmp_path / "build")
    code, out, _ = run(capsys, "query", "shared-competences", str(SEED), "--format", "csv",
                       "--out", out_dir)
    assert code == 0
    assert [r[3] for r in csv.reader(io.StringIO(out))][1:] == ["B.3.13", "B.3.15"]
    code, out, _ = run(capsys, "query", "compare-standards", str(MULTI), "--param",
                       "a=andmeanaluutik-tase-6", "--param", "b=tarkvaraarendaja-tase-6.txt",
                       "--format", "json", "--out", out_dir)
    assert code == 0
    both = {b["ecfNotation"]["value"] for b in json.loads(out)["results"]["bindings"]
            if b["status"]["value"] == "both"}
    assert both == {"D.7", "E.2"}  # the two fixtures' common e-CF citations


GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g\n"


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    out = tmp_path_factory.mktemp("query") / "build"
    run_build([SEED], out, Config(), quiet=True)
    return out


def test_inputs_give_the_graph_of_the_build(capsys, seed_build, tmp_path):
    """One road: a query over INPUT answers as over the build of the same INPUT, a query that
    names graphs too (each standard's, the reference and the inferred graph)."""
    graphs = tmp_path / "graphs.rq"
    graphs.write_text(GRAPHS_QUERY, encoding="utf-8")
    trig = str(seed_build / "data" / "all.trig")
    for query in ("ecf-coverage", "esco-links", str(graphs)):
        code, from_build, _ = run(capsys, "query", query, "--data", trig, "--format", "json")
        assert code == 0
        code, from_input, err = run(capsys, "query", query, str(SEED), "--out",
                                    str(tmp_path / "other"), "--format", "json")
        assert code == 0, err
        assert from_input == from_build, query
    counts = {b["g"]["value"] for b in json.loads(from_input)["results"]["bindings"]}
    g = "https://w3id.org/kutse-rdf/id/graph/"
    assert counts == {g + "it-juht-tase-7/version/draft", g + "it-juht-tase-7", g + "shared",
                      g + "reference", g + "inferred"}


def test_inputs_are_answered_from_the_build_cache(capsys, seed_build, monkeypatch):
    """`query NAME INPUT --out DIR` reads the units the build of DIR cached: no conversion."""
    from kutse_rdf.graph import convert

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(convert, "standard_graph", no_conversion)
    code, out, err = run(capsys, "query", "shared-competences", str(SEED), "--out",
                         str(seed_build), "--format", "csv")
    assert code == 0, err
    assert [r[3] for r in csv.reader(io.StringIO(out))][1:] == ["B.3.13", "B.3.15"]


def test_an_unwritable_cache_folder_still_answers(capsys, tmp_path):
    """The cache goes to a temporary folder when DIR/.cache cannot be made."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, out, err = run(capsys, "query", "shared-competences", str(SEED), "--out",
                         str(blocker / "build"), "--format", "csv")
    assert code == 0, err
    assert [r[3] for r in csv.reader(io.StringIO(out))][1:] == ["B.3.13", "B.3.15"]


def test_a_document_that_fails_ends_the_query(capsys, tmp_path):
    empty = tmp_path / "tyhi.txt"
    empty.write_text("", encoding="utf-8")
    code, out, err = run(capsys, "query", "shared-competences", str(empty), str(SEED), "--out",
                         str(tmp_path / "build"))
    assert code == 2 and out == ""
    assert err.startswith(f"kutse-rdf: {empty}: ") and len(err.strip().splitlines()) == 1


def test_the_query_benchmark_compares_two_builds_in_turn(seed_build, tmp_path):
    """benchmarks/queries.py --vs: each side's reported queries on its own build's store, a line
    per query and side, and the ratio of the two sides' slowest."""
    import subprocess
    import sys

    from kutse_rdf.query import report_queries

    other = tmp_path / "queries"
    other.mkdir()
    for name in ("shared-competences", "unique-competences"):
        (other / f"{name}.rq").write_text((ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "queries.py"), str(seed_build),
                           "--vs", str(seed_build), "--vs-queries", str(other), "--repeat", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {tuple(line.split()[:2]) for line in done.stdout.splitlines()[1:] if not line.startswith("slowest")}
    reported, _ = report_queries()
    assert rows == {(name, "this") for name in reported} | {
        ("shared-competences", "other"), ("unique-competences", "other")}
    summary = [line for line in done.stdout.splitlines() if line.startswith("slowest")]
    assert [line.split(":")[0] for line in summary] == ["slowest by min", "slowest by median"]
    assert all(" ms against " in line and ", ratio " in line for line in summary)
