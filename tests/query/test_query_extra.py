"""A publisher's extra named queries: kutse-rdf.toml's `queries` folder (docs/queries.md "Coverage
questions", "Your own named queries").

The extra queries are listed and run by name like the shipped ones, go into the build's
reports, and a name a shipped query has is refused (exit 2, one line).
"""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kutse_rdf import query as q
from kutse_rdf.cli import main
from kutse_rdf.config import load_config
from kutse_rdf.errors import EXIT_USAGE, InputError

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "query" / "mini.trig"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"

# kutse:sourceFile is read by no shipped query: the build's query store keeps it only when the
# extra query's predicates count.
SOURCE_FILES = """\
# title: Source files
# et: Millisest failist on iga kutsestandard?
# en: Which file is each occupational standard read from?
PREFIX kutse: <https://w3id.org/kutse-rdf/ontology#>
SELECT ?standard ?file WHERE { ?standard a kutse:OccupationalStandard ; kutse:sourceFile ?file }
ORDER BY ?standard
"""
SOURCE_LINES = """\
# title: Source lines
# et: Mis real algab iga kutsestandard?
# en: On which line does each occupational standard start?
PREFIX kutse: <https://w3id.org/kutse-rdf/ontology#>
SELECT ?standard ?line WHERE { ?standard a kutse:OccupationalStandard ; kutse:sourceLine ?line }
ORDER BY ?standard
"""
BY_CODE = """\
# title: Competence by code
# et: Milline kompetents on selle koodiga?
# en: Which competence has this code?
# param: code string required -- a competence code, e.g. B.3.2
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?competence ?code WHERE { ?competence skos:notation ?code }
"""


def publisher(tmp_path: Path, queries: dict[str, str], setting: str = "my-queries") -> Path:
    """A publisher's folder: kutse-rdf.toml naming `setting` and that folder holding `queries`."""
    folder = tmp_path / "my-queries"
    folder.mkdir()
    for name, text in queries.items():
        (folder / f"{name}.rq").write_text(text, encoding="utf-8")
    config = tmp_path / "kutse-rdf.toml"
    config.write_text(f'queries = "{setting}"\n', encoding="utf-8")
    return config


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the setting -------------------------------------------------------------------------------


def test_the_folder_is_relative_to_the_config_file(tmp_path, monkeypatch):
    config = publisher(tmp_path, {"source-files": SOURCE_FILES})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the path is the config file's, not the working folder's
    assert load_config(str(config)).queries == (tmp_path / "my-queries").resolve()
    assert load_config().queries is None  # no kutse-rdf.toml here: no extra queries


@pytest.mark.parametrize("setting, message", [
    ('queries = "nowhere"', "queries folder not found"),
    ("queries = 3", "queries must be a folder name"),
    ('queries = ""', "queries must be a folder name"),
])
def test_a_bad_setting_is_a_usage_error(tmp_path, capsys, setting, message):
    config = tmp_path / "kutse-rdf.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_config(str(config))
    code, _, err = run(capsys, "query", "--list", "--config", str(config))
    assert code == EXIT_USAGE
    assert err.startswith(f"kutse-rdf: {config}: {message}") and err.count("\n") == 1


# -- the library -------------------------------------------------------------------------------


def test_extra_queries_join_the_library_by_name(tmp_path):
    config = publisher(tmp_path, {"source-files": SOURCE_FILES, "by-code": BY_CODE})
    extra = load_config(str(config)).queries
    shipped = q.library()
    both = q.library(extra)
    assert set(both) == set(shipped) | {"source-files", "by-code"}
    assert list(both) == sorted(both)
    assert both["source-files"].title == "Source files"
    assert both["by-code"].param("code").required
    assert q.find_query("source-files", extra).path == extra / "source-files.rq"
    with pytest.raises(InputError, match="unknown query 'source-files'"):
        q.find_query("source-files")  # without the setting: not known


def test_a_name_of_a_shipped_query_is_refused(tmp_path, capsys):
    config = publisher(tmp_path, {"shared-competences": SOURCE_FILES})
    clash = tmp_path / "my-queries" / "shared-competences.rq"
    with pytest.raises(InputError) as err:
        q.library(load_config(str(config)).queries)
    assert err.value.file == str(clash)
    for argv in (["query", "--list"], ["query", "level-check", "--data", str(MINI)]):
        code, out, err = run(capsys, *argv, "--config", str(config))
        assert code == EXIT_USAGE and out == ""
        assert err == (f"kutse-rdf: {clash}: query 'shared-competences' has the name of a "
                       "shipped query; rename the file (kutse-rdf query --list shows the names)\n")


# -- the command line --------------------------------------------------------------------------


def test_list_and_run_an_extra_query_by_name(tmp_path, capsys, monkeypatch):
    config = publisher(tmp_path, {"source-files": SOURCE_FILES, "by-code": BY_CODE})
    code, out, _ = run(capsys, "query", "--list", "--config", str(config))
    assert code == 0
    assert "\nsource-files: Source files\n" in out and "shared-competences: " in out
    assert "--param code=... (string, required) a competence code" in out
    code, out, _ = run(capsys, "query", "by-code", "--data", str(MINI), "--param", "code=B.3.2",
                       "--format", "csv", "--config", str(config))
    assert code == 0
    assert out.splitlines()[1].endswith("/competence/B.3.2,Projektijuhtimine,B.3.2")
    # kutse-rdf.toml in the working folder is read without --config
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "query", "source-files", "--data", str(MINI), "--format", "json")
    assert code == 0
    assert json.loads(out)["head"]["vars"] == ["standard", "file"]


# -- the build ---------------------------------------------------------------------------------


def union_answer(out: Path, name: str, text: str, tmp_path: Path) -> bytes:
    """The query's answer as W3C JSON on the whole of the build's data/all.nt."""
    store = ox.Store()
    store.bulk_load(path=str(out / "data" / "all.nt"), format=ox.RdfFormat.N_TRIPLES)
    file = tmp_path / f"{name}.rq"
    file.write_text(text, encoding="utf-8")
    return q.run(store, q.read_query(file)).serialize(q.JSON) + b"\n"


def test_the_build_reports_extra_queries_and_rereads_them_when_they_change(tmp_path, capsys):
    config = publisher(tmp_path, {"source-files": SOURCE_FILES, "by-code": BY_CODE})
    out = tmp_path / "build"
    code, _, err = run(capsys, "build", str(SEED), "--out", str(out), "--config", str(config),
                       "--quiet")
    assert code == 0, err
    reports = out / "reports" / "queries"
    answer = json.loads((reports / "source-files.json").read_text(encoding="utf-8"))
    assert [b["file"]["value"] for b in answer["results"]["bindings"]] == ["it-juht-tase-7.txt"]
    assert (reports / "source-files.json").read_bytes() == union_answer(
        out, "a", SOURCE_FILES, tmp_path)
    assert (reports / "source-files.csv").is_file()
    assert not (reports / "by-code.json").exists()  # a required parameter: not reported
    coverage = (out / "site" / "en" / "coverage" / "index.html").read_text(encoding="utf-8")
    assert "Which file is each occupational standard read from?" in coverage

    # the same name, another text reading another predicate: the cached units and the
    # previous reports must not be taken for it
    (tmp_path / "my-queries" / "source-files.rq").write_text(SOURCE_LINES, encoding="utf-8")
    code, _, err = run(capsys, "build", str(SEED), "--out", str(out), "--config", str(config),
                       "--quiet")
    assert code == 0, err
    answer = json.loads((reports / "source-files.json").read_text(encoding="utf-8"))
    assert answer["head"]["vars"] == ["standard", "line"]
    assert answer["results"]["bindings"]
    assert (reports / "source-files.json").read_bytes() == union_answer(
        out, "b", SOURCE_LINES, tmp_path)


@pytest.mark.parametrize("text, message", [
    ("# title: broken\nSELECT ?x WHERE { ?x ?y }\n", ":2: SPARQL syntax error"),
    ("# title: yes or no\nASK { ?s ?p ?o }\n", ": a query the build reports must be a SELECT"),
])
def test_a_bad_extra_query_stops_the_build_with_one_line(tmp_path, capsys, text, message):
    config = publisher(tmp_path, {"mine": text})
    out = tmp_path / "build"
    code, _, err = run(capsys, "build", str(SEED), "--out", str(out), "--config", str(config),
                       "--quiet")
    assert code == EXIT_USAGE
    assert err.startswith(f"kutse-rdf: {tmp_path / 'my-queries' / 'mine.rq'}{message}")
    assert err.count("\n") == 1 and "Traceback" not in err
