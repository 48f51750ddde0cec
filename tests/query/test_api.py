"""The Python API (kutse_rdf.open) and the example notebook docs/examples/analyst.ipynb."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import kutse_rdf
from kutse_rdf.build import run_build
from kutse_rdf.config import Config
from kutse_rdf.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
CARPENTER = ROOT / "tests" / "fixtures" / "standards" / "puusepp-tase-4.txt"
NOTEBOOK = ROOT / "docs" / "examples" / "analyst.ipynb"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("api") / "build"
    run_build([SEED, CARPENTER], out, Config(), quiet=True)
    return out


def test_standards_and_competences(build):
    graph = kutse_rdf.open(build)
    assert [(s.slug, s.title) for s in graph.standards] == [
        ("it-juht-tase-7", "IT-juht, tase 7"), ("puusepp-tase-4", "Puusepp, tase 4")]
    rows = graph.competences("IT manager")  # the qualification's English title, a prefix
    assert [r["notation"] for r in rows] == [f"B.3.{n}" for n in range(1, 20)]
    assert rows[4]["ecfCodes"] == "A.7, A.9" and rows[0]["indicators"] == "5"
    assert rows.columns[:2] == ["standard", "standardLabel"]


def test_query_by_name_and_by_sparql(build):
    graph = kutse_rdf.open(build)
    untouched = graph.query("ecf-areas-untouched")
    assert [(r["standardLabel"], r["areaNotation"], r["status"]) for r in untouched] == [
        ("IT-juht, tase 7", "B", "untouched"), ("Puusepp, tase 4", None, "no e-CF")]
    rows = graph.query("SELECT ?q WHERE { ?s kutse:describesQualification ?q }", lang="en")
    assert sorted(r["qLabel"] for r in rows) == ["Carpenter, EstQF Level 4",
                                                 "IT manager, EstQF Level 7"]
    assert graph.query("ASK { ?s a kutse:Competence }") == [{"boolean": True}]


def test_bad_input_is_an_input_error(build, tmp_path):
    graph = kutse_rdf.open(build)
    with pytest.raises(InputError, match="no standard 'Kokk'"):
        graph.competences("Kokk")
    with pytest.raises(InputError, match="SPARQL syntax error"):
        graph.query("SELECT ?x WHERE {")
    with pytest.raises(InputError, match="no such data file"):
        kutse_rdf.open(tmp_path)


def test_to_pandas(build):
    pd = pytest.importorskip("pandas", reason="pandas is the optional extra kutse-rdf[analysis]")
    frame = kutse_rdf.open(build).competences("it-juht-tase-7").to_pandas()
    assert len(frame) == 19 and frame["indicators"].dtype.kind == "i"
    assert frame["level"].dtype.kind == "i" and frame.loc[0, "notation"] == "B.3.1"
    assert isinstance(frame, pd.DataFrame)


def test_the_example_notebook_runs(build, monkeypatch):
    # its code cells run in order in one namespace, as a kernel would (no Jupyter needed)
    pytest.importorskip("pandas", reason="the notebook needs pandas (kutse-rdf[analysis])")
    monkeypatch.setenv("KUTSE_RDF_BUILD", str(build))
    namespace: dict = {}
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    assert list(namespace["table"]["notation"])[:3] == ["B.3.1", "B.3.2", "B.3.3"]
    assert namespace["out"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert "IT arendusjuht, tase 7" in namespace["matrix"].index
