"""build/data/: every dump parses back (rdflib and pyoxigraph) with the manifest's triple counts;
the build is atomic; one standard that cannot be converted is reported and skipped."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from support.build import assert_answers_equal

from kutse_rdf import build as build_module
from kutse_rdf.build import BuildResult, run_build
from kutse_rdf.config import Config
from kutse_rdf.engine import dumps
from kutse_rdf.graph import reason
from kutse_rdf.graph.namespaces import KUTSE, RDF

V = "standards/it-juht-tase-7/version/draft"  # the seed gives no version number
G = "https://w3id.org/kutse-rdf/id/graph/"
FORMATS = {".nt": ("nt", ox.RdfFormat.N_TRIPLES), ".ttl": ("turtle", ox.RdfFormat.TURTLE),
           ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD)}


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed_path):
    out = tmp_path_factory.mktemp("b") / "build"
    result = run_build([seed_path], out, Config(), quiet=True, keep_store=True)
    assert not result.failures
    return out, result


def graph_stage_only(files: list[Path], out: Path, config: Config) -> BuildResult:
    """A whole build (what this file reads is data/)."""
    return run_build(files, out, config, quiet=True)


def rdflib_count(path: Path) -> int:
    return len(Graph().parse(path, format=FORMATS[path.suffix][0]))


def oxigraph_count(path: Path) -> int:
    return len(set(ox.parse(path=str(path), format=FORMATS[path.suffix][1])))


def manifest(out: Path) -> list[dict]:
    return json.loads((out / "data" / "graphs.json").read_text(encoding="utf-8"))


def test_layout(built):
    out, _ = built
    data = out / "data"
    for name in ("all.trig", "all.ttl", "all.nt", "all.jsonld", "reference.nt", "inferred.nt",
                 "graphs.json", "current.nt", f"{V}.ttl", f"{V}.nt",
                 "standards/it-juht-tase-7/work.ttl", "standards/it-juht-tase-7/work.nt"):
        assert (data / name).is_file(), name


def test_manifest_lists_graphs_with_counts_that_parse_back(built):
    out, _ = built
    entries = {e["kind"]: e for e in manifest(out) if e["kind"] != "elm"}
    assert entries["standard"]["graph"] == G + "it-juht-tase-7/version/draft"
    assert entries["standard"]["file"] == f"{V}.nt"
    assert (entries["standard"]["work"], entries["standard"]["version"]) == ("it-juht-tase-7", "draft")
    assert entries["work"] == {**entries["work"], "graph": G + "it-juht-tase-7",
                               "file": "standards/it-juht-tase-7/work.nt", "current": "draft"}
    assert entries["reference"] == {**entries["reference"], "graph": G + "reference",
                                    "file": "reference.nt"}
    assert entries["inferred"] == {**entries["inferred"], "graph": G + "inferred",
                                   "file": "inferred.nt"}
    for entry in entries.values():
        path = out / "data" / entry["file"]
        assert entry["triples"] > 0
        assert rdflib_count(path) == entry["triples"], entry["file"]
        assert oxigraph_count(path) == entry["triples"], entry["file"]


def test_standard_turtle_equals_its_ntriples(built):
    out, _ = built
    nt = Graph().parse(out / f"data/{V}.nt", format="nt")
    ttl = Graph().parse(out / f"data/{V}.ttl", format="turtle")
    assert isomorphic(nt, ttl)
    text = (out / f"data/{V}.ttl").read_text(encoding="utf-8")
    assert "@prefix kutse: <https://w3id.org/kutse-rdf/ontology#> ." in text
    assert " a kutse:Competence" in text or "a skos:Concept , kutse:Competence" in text
    assert "ecf4:A.7" in text


def test_trig_holds_every_named_graph(built):
    out, _ = built
    counts = {e["graph"]: e["triples"] for e in manifest(out) if e["kind"] != "elm"}
    ds = Dataset().parse(out / "data/all.trig", format="trig")
    found = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert found == counts
    by_graph: dict[str, int] = {}
    for quad in ox.parse(path=str(out / "data/all.trig"), format=ox.RdfFormat.TRIG):
        by_graph[quad.graph_name.value] = by_graph.get(quad.graph_name.value, 0) + 1
    assert by_graph == counts


def test_merged_files_hold_each_triple_once(built):
    out, _ = built
    data = out / "data"
    union = set()
    for entry in manifest(out):
        if entry["kind"] != "elm":
            union |= set(ox.parse(path=str(data / entry["file"]), format=ox.RdfFormat.N_TRIPLES))
    # blank nodes (the provenance activity) get new labels per file: compare without them
    def ground(triples):
        return {t for t in triples if not isinstance(t.subject, ox.BlankNode)
                and not isinstance(t.object, ox.BlankNode)}
    for name in ("all.nt", "all.ttl", "all.jsonld"):
        path = data / name
        assert oxigraph_count(path) == len(union), name
        assert rdflib_count(path) == len(union), name
        assert ground(ox.parse(path=str(path), format=FORMATS[path.suffix][1])) == ground(union)


def test_query_store_holds_what_the_reported_queries_read(built):
    """The build's query store is data/all.nt less the triples whose predicate no query the
    build reports names (query.predicates_used; the queries needing parameters do not run)."""
    from kutse_rdf.query import predicates_used, report_queries, typed_as

    out, result = built
    predicates = predicates_used(report_queries()[0].values())
    assert predicates is not None and str(KUTSE.requiresCompetence) in predicates
    assert str(KUTSE.sourceFile) not in predicates  # no query reads it
    # only competence-history and the like read the indicators: not in the store
    assert str(KUTSE.hasIndicator) not in predicates
    everything = set(ox.parse(path=str(out / "data" / "all.nt"), format=ox.RdfFormat.N_TRIPLES))
    # rdf:type for the classes the queries name (typed_as): not the indicators' and the like
    rdf_type = str(RDF.type)
    assert rdf_type not in predicates and typed_as(str(KUTSE.Competence)) in predicates
    wanted = {t for t in everything if t.predicate.value in predicates
              or (t.predicate.value == rdf_type and typed_as(t.object.value) in predicates)}
    assert set(result.store) == wanted
    types = {t.object.value for t in everything if t.predicate.value == rdf_type}
    kept = {t.object.value for t in wanted if t.predicate.value == rdf_type}
    assert str(KUTSE.Competence) in kept and str(KUTSE.PerformanceIndicator) in types - kept
    assert 0 < len(wanted) < len(everything)
    assert list(result.store.named_graphs()) == []
    assert any(note.startswith("graph:") for note in result.notes)


def test_library_answers_on_the_query_store_equal_those_on_the_whole_graph(built):
    """The slice must never change an answer: every library query, run on the build's store
    and on all of data/all.nt."""
    assert_answers_equal(built[1].store, built[0])


def test_a_query_reading_any_predicate_gets_the_whole_union(tmp_path, seed_path, monkeypatch):
    """When the library's predicates cannot be told (a query reads `?p`), the build's store is
    all of data/current.nt (the current versions: for one document, all of data/all.nt): the
    units' own statements, the shared ones and the works' graphs, nothing less."""
    from kutse_rdf import build

    monkeypatch.setattr(build, "query_predicates",
                        lambda cache, queries=None: {"predicates": None, "labels": {}})
    out = tmp_path / "build"
    result = run_build([seed_path], out, Config(), quiet=True, keep_store=True)
    assert set(result.store) == set(ox.parse(path=str(out / "data" / "current.nt"),
                                             format=ox.RdfFormat.N_TRIPLES)) == set(
        ox.parse(path=str(out / "data" / "all.nt"), format=ox.RdfFormat.N_TRIPLES))
    # one version, current: the same bytes, so the same file (a link, not 19 MB more per 50 standards)
    assert (out / "data" / "current.nt").stat().st_ino == (out / "data" / "all.nt").stat().st_ino
    assert_answers_equal(result.store, out)


def test_failed_build_leaves_the_previous_build_intact(built, tmp_path, monkeypatch, seed_path):
    out = tmp_path / "build"
    shutil.copytree(built[0], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_write = dumps.write_graph_files

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)  # half of the new build is on disk ...
        raise RuntimeError("stage failed")  # ... when a later step fails

    monkeypatch.setattr(dumps, "write_graph_files", write_then_fail)
    with pytest.raises(RuntimeError, match="stage failed"):
        run_build([seed_path], out, Config(), quiet=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]  # no temporary folder left


def test_failed_query_thread_fails_the_build_and_leaves_the_previous_one(built, tmp_path,
                                                                          monkeypatch, seed_path):
    """The query reports run in a thread beside the site; their error must still fail the
    build, after the site stage, with nothing of the new build left behind."""
    from kutse_rdf import build

    out = tmp_path / "build"
    shutil.copytree(built[0], out)
    (out / ".cache" / "query-reports.json").unlink()  # else the same input reuses the reports
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*args):
        raise RuntimeError("query stage failed")

    monkeypatch.setattr(build, "write_query_reports", fail)
    with pytest.raises(RuntimeError, match="query stage failed"):
        run_build([seed_path], out, Config(), quiet=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_full_disk_while_the_merged_dumps_are_written_fails_the_build_and_keeps_the_previous(
        built, tmp_path, monkeypatch, seed_path):
    """all.nt, .ttl, .jsonld, .trig and current.nt are written in a thread beside the site: a
    full disk there is still the build's one-line error (exit 2), raised before anything
    replaces the previous build, and nothing of the new build is left."""
    import errno

    from kutse_rdf.errors import InputError

    out = tmp_path / "build"
    shutil.copytree(built[0], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    site_ran = []
    real_concatenate, real_site = dumps._concatenate, build_module.write_site

    def full(path, parts):
        if path.name == "all.trig":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_concatenate(path, parts)

    def site(*args, **kwargs):
        site_ran.append(True)
        real_site(*args, **kwargs)

    monkeypatch.setattr(dumps, "_concatenate", full)
    monkeypatch.setattr(build_module, "write_site", site)
    with pytest.raises(InputError, match="No space left on device") as raised:
        run_build([seed_path], out, Config(), quiet=True)
    assert raised.value.file.endswith("all.trig")
    assert site_ran  # the thread's error surfaced where the site waits for its files
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_failed_reasoning_leaves_the_previous_build_intact(built, tmp_path, monkeypatch, seed_path):
    out = tmp_path / "build"
    shutil.copytree(built[0], out)
    shutil.rmtree(out / ".cache")  # no cached result: the standard is reasoned over again
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def fail(self, graph):
        raise RuntimeError("owlrl blew up")

    monkeypatch.setattr(reason.Reasoner, "infer_one", fail)
    with pytest.raises(RuntimeError):
        run_build([seed_path], out, Config(), quiet=True)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_two_documents_of_one_work_and_version_second_is_reported_and_skipped(tmp_path, seed_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.txt", "b.txt"):  # same document twice: same title, same URIs
        shutil.copy(seed_path, inputs / name)
    out = tmp_path / "build"
    result = graph_stage_only(sorted(inputs.glob("*.txt")), out, Config())
    assert [s.source_file for s in result.standards] == ["a.txt"]
    assert len(result.failures) == 1
    message = str(result.failures[0])
    assert message.startswith("b.txt:")
    assert "it-juht-tase-7" in message and "version 'draft'" in message and "a.txt" in message
    standards = [e for e in manifest(out) if e["kind"] == "standard"]
    assert [e["file"] for e in standards] == [f"{V}.nt"]
    assert "a.txt" in (out / f"data/{V}.nt").read_text(encoding="utf-8")


def test_base_uri_reaches_the_dumps(tmp_path, seed_path):
    out = tmp_path / "build"
    graph_stage_only([seed_path], out, Config(base_uri="https://data.example.ee/kutse/"))
    graphs = {e["graph"] for e in manifest(out)}
    assert "https://data.example.ee/kutse/graph/it-juht-tase-7/version/draft" in graphs
    assert "https://data.example.ee/kutse/graph/it-juht-tase-7" in graphs
    text = (out / f"data/{V}.nt").read_text(encoding="utf-8")
    assert "<https://data.example.ee/kutse/standard/it-juht-tase-7/version/draft/competence/B.3.5>" in text
    assert "https://w3id.org/kutse-rdf/id/" not in text


def test_the_inferred_graphs_turtle_and_jsonld_hold_its_ntriples(built):
    """data/inferred.ttl and .jsonld are the units' own inferences' pieces, then the rest's
    (engine/dumps.py): the same triples as inferred.nt, each once."""
    out, _ = built
    data = out / "data"
    lines = (data / "inferred.nt").read_bytes().splitlines()
    assert len(set(lines)) == len(lines) > 0
    expected = set(ox.parse(path=str(data / "inferred.nt"), format=ox.RdfFormat.N_TRIPLES))
    for name in ("inferred.ttl", "inferred.jsonld"):
        path = data / name
        parsed = list(ox.parse(path=str(path), format=FORMATS[path.suffix][1]))
        assert len(parsed) == len(expected) and set(parsed) == expected, name
        assert rdflib_count(path) == len(expected), name


def test_rebuild_of_the_same_input_gives_the_same_files(tmp_path, monkeypatch, seed_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    mine = ("all.trig", "all.ttl", "all.nt", "all.jsonld", "reference.nt", "inferred.nt",
            "inferred.ttl", "inferred.jsonld", "current.nt", f"{V}.ttl", f"{V}.nt", "standards/it-juht-tase-7/work.nt")
    files = []
    for name in ("one", "two"):
        graph_stage_only([seed_path], tmp_path / name, Config())
        files.append({f: (tmp_path / name / "data" / f).read_bytes() for f in mine})
    assert files[0] == files[1]
    assert b'"2023-11-14T22:13:20Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in (
        files[0][f"{V}.nt"])


def test_query_data_store_of_a_build_holds_named_graphs_and_their_union(built):
    """`query --data` / `serve` load all.trig and take its union from all.nt beside it: the
    default graph must be exactly the union of the named graphs."""
    from kutse_rdf.query import store_from_file

    out, _ = built
    store = store_from_file(out / "data" / "all.trig")
    named = {(q.subject, q.predicate, q.object) for q in store
             if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = [(q.subject, q.predicate, q.object)
               for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    assert len(default) == len(set(default)) and set(default) == named
    assert {g.value for g in store.named_graphs()} == {
        e["graph"] for e in manifest(out) if e["kind"] != "elm"}


def test_the_site_reads_the_inferred_graph_once_its_thread_has_written_it(tmp_path, monkeypatch,
                                                                          seed_path):
    """The inferred graph's merged files are written in a thread beside the site (build.py);
    the graphs' folders and the downloads read them, so they wait for it: written a second
    late, the graph's folder still holds the whole graph."""
    import time

    real_merged = dumps._write_merged

    def late(data, name, *args, **kwargs):
        if name == "inferred":
            time.sleep(1.0)
        real_merged(data, name, *args, **kwargs)

    monkeypatch.setattr(dumps, "_write_merged", late)
    out = tmp_path / "build"
    result = run_build([seed_path], out, Config(), quiet=True)
    assert not result.failures
    folder = out / "site" / "graph" / "inferred"
    for suffix in (".nt", ".ttl", ".jsonld"):
        assert (folder / f"index{suffix}").read_bytes() == (out / "data" / f"inferred{suffix}").read_bytes()
    assert (out / "data" / "inferred.nt").stat().st_size > 0


def test_a_failed_inferred_graph_thread_fails_the_build_and_leaves_the_previous_one(
        built, tmp_path, monkeypatch, seed_path):
    out = tmp_path / "build"
    shutil.copytree(built[0], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_merged = dumps._write_merged

    def fail(data, name, *args, **kwargs):
        if name == "inferred":
            raise RuntimeError("inferred files failed")
        real_merged(data, name, *args, **kwargs)

    monkeypatch.setattr(dumps, "_write_merged", fail)
    with pytest.raises(RuntimeError, match="inferred files failed"):
        run_build([seed_path], out, Config(), quiet=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_the_site_reads_the_elm_view_from_its_parts_while_its_files_are_written(
        tmp_path, monkeypatch, seed_path):
    """The ELM view's merged files are written in a thread while the site starts: the site
    reads the view's lines from the pieces the files are made of (dumps.ElmView), so its
    standards' pages are made before data/elm.nt is, and they are the pages a build that reads
    the finished file makes (byte for byte, with the same build time)."""
    import threading

    from kutse_rdf.site import writer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    gathered = threading.Event()
    real_gather, real_merged = writer.SiteWriter.gather_standards, dumps._write_merged

    def gather(self):
        inputs = real_gather(self)
        gathered.set()
        return inputs

    def after_the_site_started(data, name, *args, **kwargs):
        if name == "elm":
            assert gathered.wait(60), "the site waited for the ELM files"
        real_merged(data, name, *args, **kwargs)

    monkeypatch.setattr(writer.SiteWriter, "gather_standards", gather)
    monkeypatch.setattr(dumps, "_write_merged", after_the_site_started)
    early = tmp_path / "early"
    assert not run_build([seed_path], early, Config(), quiet=True).failures
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(build_module.BuildResult, "elm_view", property(lambda self: None,
                                                                      lambda self, value: None))
    from_file = tmp_path / "from-file"
    assert not run_build([seed_path], from_file, Config(), quiet=True).failures

    def pages(root: Path) -> dict:
        return {p.relative_to(root): p.read_bytes() for p in (root / "site").rglob("*.html")}

    made = pages(early)
    assert made == pages(from_file) and len(made) > 50
    page = early / "site" / "standard" / "it-juht-tase-7" / "version" / "draft" / "index.html"
    assert b"data.europa.eu/snb/model/elm/LearningOutcome" in page.read_bytes()  # from the view
