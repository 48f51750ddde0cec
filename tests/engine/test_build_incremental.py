"""The build at scale: per-standard units in worker processes, the content-hash artifact cache,
one bad document among good ones."""
from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kutse_rdf.build import run_build
from kutse_rdf.config import Config

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402


def data_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes()
            for p in sorted((out / "data").rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    make_corpus(4, folder, seed=11)
    return folder


def test_second_build_takes_every_standard_from_the_cache(tmp_path, seed_path):
    out = tmp_path / "build"
    first = run_build([seed_path], out, Config(), quiet=True)
    before = data_files(out)
    second = run_build([seed_path], out, Config(), quiet=True)
    assert (first.cache_hits, second.cache_hits) == (0, 1)
    assert data_files(out) == before  # same bytes: the cached unit keeps its build time too


def test_a_touched_but_unchanged_file_is_still_a_hit(tmp_path, seed_path):
    source = tmp_path / "it-juht-tase-7.txt"
    shutil.copy(seed_path, source)
    out = tmp_path / "build"
    run_build([source], out, Config(), quiet=True)
    os.utime(source, (1, 1))  # content hashes, not timestamps
    assert run_build([source], out, Config(), quiet=True).cache_hits == 1


def test_a_changed_document_is_rebuilt_and_the_others_reused(tmp_path, corpus):
    out = tmp_path / "build"
    files = sorted(corpus.glob("*.txt"))
    run_build(files, out, Config(), quiet=True)
    text = files[0].read_text(encoding="utf-8")
    first_indicator = next(line for line in text.splitlines() if line[:2] == "1.")
    files[0].write_text(text.replace(first_indicator, first_indicator + " Muudetud.", 1),
                        encoding="utf-8")
    folder = out / "data"
    # each version's files (standards/SLUG/version/KEY.*), each work's graph, each model
    def made_from_one_input():
        return sorted([*folder.glob("standards/*/version/*"), *folder.glob("standards/*/work.*"),
                       *folder.glob("model/*.json")])

    inodes = {str(p.relative_to(folder)): p.stat().st_ino for p in made_from_one_input()}
    before = {str(p.relative_to(folder)): p.read_bytes() for p in made_from_one_input()}
    assert len(before) == 5 * len(files)
    result = run_build(files, out, Config(), quiet=True)
    assert result.cache_hits == len(files) - 1
    assert "Muudetud." in (out / "data" / "all.nt").read_text(encoding="utf-8")
    # the unchanged files are the previous build's (linked), the changed ones new
    after = {str(p.relative_to(folder)): p for p in made_from_one_input()}
    assert after.keys() == before.keys()
    changed = [name for name, path in after.items() if path.read_bytes() != before[name]]
    assert {Path(n).suffix for n in changed if "/version/" in n} == {".nt", ".ttl"}
    assert [n for n in changed if n.startswith("model/")] == [f"model/{files[0].stem}.json"]
    assert len(changed) == 3  # an indicator's text is not in the work's graph
    assert all(after[n].stat().st_ino == inodes[n] for n in after if n not in changed)
    assert all(after[n].stat().st_ino != inodes[n] for n in changed)


def test_another_base_uri_misses_the_cache(tmp_path, seed_path):
    out = tmp_path / "build"
    run_build([seed_path], out, Config(), quiet=True)
    other = run_build([seed_path], out, Config(base_uri="https://data.example.ee/k/"), quiet=True)
    assert other.cache_hits == 0
    assert "https://data.example.ee/k/standard/" in (out / "data/all.nt").read_text(encoding="utf-8")


def test_a_damaged_cache_entry_is_a_miss_not_an_error(tmp_path, seed_path):
    out = tmp_path / "build"
    run_build([seed_path], out, Config(), quiet=True)
    entries = list((out / ".cache").glob("*.unit"))
    assert len(entries) == 2  # the seed's unit and the reference unit
    for entry in entries:
        entry.write_bytes(b"not a cache entry")
    result = run_build([seed_path], out, Config(), quiet=True)
    assert result.cache_hits == 0 and not result.failures


def test_an_entry_checked_by_the_previous_build_is_trusted_until_its_file_is_touched(
        tmp_path, seed_path, monkeypatch):
    """Each build records its cache entries' inode, size and times once it has replaced the
    previous build and removed that build's links to them; the next reads an entry with the same four without hashing it again. A
    write in place, even of the same length with the modification time put back, changes the
    change time: that entry is hashed, found damaged and made again."""
    import json

    from kutse_rdf.engine import cache

    out = tmp_path / "build"
    run_build([seed_path], out, Config(), quiet=True)
    entries = sorted((out / ".cache").glob("*.unit"))
    record = json.loads((out / ".cache" / cache.VERIFIED).read_text(encoding="utf-8"))
    assert sorted(record) == [e.name for e in entries] and len(entries) == 2
    hashed = []
    real_digest = cache.content_digest
    monkeypatch.setattr(cache, "content_digest", lambda path, length: hashed.append(path.name)
                        or real_digest(path, length))
    result = run_build([seed_path], out, Config(), quiet=True)
    assert result.cache_hits == 1 and hashed == []  # the seed's unit; the reference is read alike
    # a build that replaced another (its links to the entries removed, in process, before the
    # record; the rest of that folder in the background) is trusted alike
    result = run_build([seed_path], out, Config(), quiet=True)
    assert result.cache_hits == 1 and hashed == []

    iri = b"<https://w3id.org/kutse-rdf/id/standard/"
    entry = next(e for e in sorted((out / ".cache").glob("*.unit")) if iri in e.read_bytes())
    before = entry.stat()
    data = entry.read_bytes()
    index = data.index(iri)
    entry.write_bytes(data[:index + 1] + b"H" + data[index + 2:])  # same length, one byte
    os.utime(entry, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = run_build([seed_path], out, Config(), quiet=True)
    assert entry.name in hashed
    assert any("damaged cache entry" in w and entry.name in w for w in result.warnings)
    assert "Https://" not in (out / "data" / "all.nt").read_text(encoding="utf-8")

    # without the record every entry is hashed
    (out / ".cache" / cache.VERIFIED).unlink()
    hashed.clear()
    run_build([seed_path], out, Config(), quiet=True)
    assert sorted(hashed) == sorted(e.name for e in (out / ".cache").glob("*.unit"))

    # nor is anything trusted where the file system's times have no fraction of a second
    (out / ".cache" / cache.VERIFIED).unlink()
    monkeypatch.setattr(cache, "stat_key", lambda path: None)
    hashed.clear()
    run_build([seed_path], out, Config(), quiet=True)
    assert sorted(hashed) == sorted(e.name for e in (out / ".cache").glob("*.unit"))


def test_worker_processes_give_the_same_data_as_one_process(tmp_path, corpus, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = sorted(corpus.glob("*.txt"))
    serial = run_build(files, tmp_path / "one", Config(), quiet=True, jobs=1)
    parallel = run_build(files, tmp_path / "two", Config(), quiet=True, jobs=2)
    assert [s.title for s in serial.standards] == [s.title for s in parallel.standards]
    one, two = data_files(tmp_path / "one"), data_files(tmp_path / "two")
    # blank-node labels (the provenance activity) differ between processes; all else is equal
    assert one.keys() == two.keys()
    for name in ("elm.nt", "inferred.nt", "reference.nt", "graphs.json"):
        assert one[f"data/{name}"] == two[f"data/{name}"], name
    assert _without_bnodes(one["data/all.nt"]) == _without_bnodes(two["data/all.nt"])
    # the SHACL reports too, blank nodes and all (validate.stable_blank_nodes)
    report = (tmp_path / "one/reports/validation.ttl").read_bytes()
    assert b"sh:ValidationResult" in report
    assert report == (tmp_path / "two/reports/validation.ttl").read_bytes()


def _without_bnodes(nt: bytes) -> set[bytes]:
    return {line for line in nt.splitlines() if b"_:" not in line}


def test_one_bad_document_is_reported_and_skipped_the_rest_built(tmp_path, corpus):
    (corpus / "rikutud.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "build"
    proc = subprocess.run([sys.executable, "-m", "kutse_rdf", "build", str(corpus), "--out",
                           str(out), "--quiet"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    [skipped] = [line for line in proc.stderr.splitlines() if "skipped" in line]
    assert "rikutud.txt" in skipped
    assert len(list((out / "data" / "standards").glob("*/version/*.nt"))) == 4


def test_merged_dumps_of_several_standards_state_each_triple_once(tmp_path, corpus):
    """The merged files are concatenated from per-standard pieces (dumps.py); what standards
    share (council, tool) must still be stated once, and every file must hold the union of the
    named graphs."""
    import pyoxigraph as ox

    out = tmp_path / "build"
    run_build(sorted(corpus.glob("*.txt")), out, Config(), quiet=True, jobs=1)
    data = out / "data"
    manifest = __import__("json").loads((data / "graphs.json").read_text(encoding="utf-8"))
    union: set = set()
    for entry in manifest:
        if entry["kind"] != "elm":
            union |= set(ox.parse(path=str(data / entry["file"]), format=ox.RdfFormat.N_TRIPLES))
    standards = [data / e["file"] for e in manifest if e["kind"] == "standard"]
    graphs = [set(ox.parse(path=str(p), format=ox.RdfFormat.N_TRIPLES)) for p in standards]
    # the tool that built them (PROV agent) is named by every standard's graph and described
    # once, in the shared graph
    [shared] = [set(ox.parse(path=str(data / e["file"]), format=ox.RdfFormat.N_TRIPLES))
                for e in manifest if e["kind"] == "shared"]
    tool = [t for t in shared if t.subject.value.startswith("https://w3id.org/kutse-rdf/tool/")]
    assert len(standards) == 4 and tool
    assert not any(t in g for g in graphs for t in tool)
    assert all(any(t.object == tool[0].subject for t in g) for g in graphs)
    lines = (data / "all.nt").read_bytes().splitlines()
    assert len(lines) == len(set(lines)) == len(union)
    for name, fmt in (("all.ttl", ox.RdfFormat.TURTLE), ("all.jsonld", ox.RdfFormat.JSON_LD)):
        assert set(ox.parse(path=str(data / name), format=fmt)) == union, name
    quads = list(ox.parse(path=str(data / "all.trig"), format=ox.RdfFormat.TRIG))
    assert len(quads) == len(set(quads)) == sum(e["triples"] for e in manifest
                                                if e["kind"] != "elm")
    assert {ox.Quad(q.subject, q.predicate, q.object) for q in quads} == union
    # the ELM view, merged the same way
    elm = (data / "elm.nt").read_bytes().splitlines()
    assert len(elm) == len(set(elm))
    elm_triples = set(ox.parse(path=str(data / "elm.nt"), format=ox.RdfFormat.N_TRIPLES))
    for name, fmt in (("elm.ttl", ox.RdfFormat.TURTLE), ("elm.jsonld", ox.RdfFormat.JSON_LD)):
        assert set(ox.parse(path=str(data / name), format=fmt)) == elm_triples, name


def test_query_reports_rerun_only_when_what_the_queries_read_changes(tmp_path, corpus):
    """An indicator's text is not read by any library query: the rebuild links the previous
    reports. A competence title is, only as a name: the previous answers get the new name,
    byte for byte what a build from scratch answers, and no query runs. A competence's level
    changes rows: the queries run again, on a store whose answers equal those on the whole
    graph."""
    from support.build import assert_answers_equal

    out = tmp_path / "build"
    files = sorted(corpus.glob("*.txt"))
    run_build(files, out, Config(), quiet=True, jobs=1)
    reports = out / "reports" / "queries" / "coverage-summary.csv"
    text = files[0].read_text(encoding="utf-8")
    indicator = next(line for line in text.splitlines() if line[:2] == "1.")
    files[0].write_text(text.replace(indicator, indicator + " Muudetud.", 1), encoding="utf-8")
    inode = reports.stat().st_ino
    again = run_build(files, out, Config(), quiet=True, jobs=1, keep_store=True)
    assert again.store is None and reports.stat().st_ino == inode
    assert any("taken from the previous build" in note for note in again.notes)
    # a report file missing from the previous build: the queries run again
    (out / "reports" / "queries" / "esco-links.json").unlink()
    files[0].write_text(files[0].read_text(encoding="utf-8").replace(" Muudetud.", " Veel.", 1),
                        encoding="utf-8")
    fourth = run_build(files, out, Config(), quiet=True, jobs=1, keep_store=True)
    assert fourth.store is not None and (out / "reports" / "queries" / "esco-links.json").is_file()
    inode = reports.stat().st_ino

    heading = next(line for line in text.splitlines() if line.startswith("\tB.3.1. "))
    title = heading.split(" (e-CF")[0]
    files[0].write_text(files[0].read_text(encoding="utf-8").replace(title, title + " uus", 1),
                        encoding="utf-8")
    third = run_build(files, out, Config(), quiet=True, jobs=1, keep_store=True)
    # coverage-summary names partial qualifications, not competences: linked as it was
    assert third.store is None and reports.stat().st_ino == inode
    assert any("changed name(s) put in" in note for note in third.notes), third.notes
    fresh = tmp_path / "fresh"
    run_build(files, fresh, Config(), quiet=True, jobs=1)
    answers = sorted((fresh / "reports" / "queries").iterdir())
    assert [p.name for p in answers] == sorted(p.name for p in reports.parent.iterdir())
    for answer in answers:
        assert (reports.parent / answer.name).read_bytes() == answer.read_bytes(), answer.name
    renamed = title.split(". ", 1)[1] + " uus"
    assert sum(renamed in p.read_text(encoding="utf-8") for p in answers) >= 2  # a JSON, a CSV

    text = files[0].read_text(encoding="utf-8")
    start = text.index("\tB.3.1. ")
    level = re.search(r"\tEKR tase (\d)", text[start:])
    lower = f"\tEKR tase {int(level.group(1)) - 1}"
    files[0].write_text(text[:start] + text[start:].replace(level.group(0), lower, 1),
                        encoding="utf-8")
    fifth = run_build(files, out, Config(), quiet=True, jobs=1, keep_store=True)
    assert fifth.store is not None
    assert_answers_equal(fifth.store, out)


def test_copy_range_falls_back_to_read_and_write(tmp_path, monkeypatch):
    """Where the kernel cannot copy between the files (another file system), the bytes are
    read and written instead."""
    import errno

    from kutse_rdf.engine import unit

    source = tmp_path / "source"
    source.write_bytes(b"0123456789")

    def refuse(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(unit.os, "copy_file_range", refuse)
    target = tmp_path / "target"
    with open(source, "rb") as src, open(target, "wb", buffering=0) as out:
        out.write(b">")
        unit.copy_range(src.fileno(), out.fileno(), 2, 5)
        out.write(b"<")
    assert target.read_bytes() == b">23456<"


def test_a_missing_previous_standard_file_is_written_not_linked(tmp_path, seed_path):
    """The previous build's record says the file came from the same unit, but the file is
    gone (deleted by hand): the rebuild writes it from the cache entry."""
    out = tmp_path / "build"
    run_build([seed_path], out, Config(), quiet=True)
    nt = out / "data" / "standards" / "it-juht-tase-7" / "version" / "draft.nt"
    expected = nt.read_bytes()
    nt.unlink()
    result = run_build([seed_path], out, Config(), quiet=True)
    assert result.cache_hits == 1 and nt.read_bytes() == expected


def test_the_elm_view_and_inferred_graph_are_keyed_by_what_they_were_made_of(tmp_path, corpus):
    """elm.nt and inferred.nt carry a key of their inputs (the units' keys and the lines no
    unit owns) while they are the files written: the same for the same documents, another
    when one changes, none for a file written since; the site's graph folders use it instead
    of hashing the files."""
    from kutse_rdf.engine.cache import content_key

    out = tmp_path / "build"
    files = sorted(corpus.glob("*.txt"))
    run_build(files, out, Config(), quiet=True)
    first = {name: content_key(out, out / "data" / name) for name in ("elm.nt", "inferred.nt")}
    assert all(key and len(key) == 64 for key in first.values()) and len(set(first.values())) == 2
    run_build(files, out, Config(), quiet=True)
    assert {name: content_key(out, out / "data" / name) for name in first} == first
    text = files[1].read_text(encoding="utf-8")
    files[1].write_text(text.replace("Analüüsib", "Analüüsib põhjalikult", 1), encoding="utf-8")
    run_build(files, out, Config(), quiet=True)
    again = {name: content_key(out, out / "data" / name) for name in first}
    assert all(again[name] not in (None, first[name]) for name in first)
    # a file written since (another inode) has no key: the site hashes it
    elm = out / "data" / "elm.nt"
    data = elm.read_bytes()
    elm.unlink()
    elm.write_bytes(data)
    assert content_key(out, elm) is None


def test_only_standards_pages_keep_a_summary_file(tmp_path, corpus):
    """The site's records of pages without a summary (graph folders, global and shared pages)
    keep no file for it, and a rebuild still takes every page over."""
    import pickle

    out = tmp_path / "build"
    files = sorted(corpus.glob("*.txt"))
    run_build(files, out, Config(), quiet=True)
    records = pickle.loads((out / ".cache" / "site" / "records.pickle").read_bytes())
    without = {key for key, record in records.items() if record.get("summary") is False}
    kept = {p.name for p in (out / ".cache" / "site" / "summaries").iterdir()}
    assert without and kept and kept == set(records) - without
    assert len(kept) == len(files)  # a summary per standard's pages
    graph_pages = {p: p.stat().st_ino for p in (out / "site" / "graph").rglob("index.html")}
    assert len(graph_pages) > len(files)  # each version's graph, the reference, the ELM view, …
    run_build(files, out, Config(), quiet=True)
    assert {p: p.stat().st_ino for p in graph_pages} == graph_pages  # taken over, not rendered
    assert pickle.loads((out / ".cache" / "site" / "records.pickle").read_bytes()) == records


def test_a_standards_page_output_is_kept_in_its_summary_file(tmp_path, corpus):
    """A standard's pages' output (counts, search entries, sitemap IRIs, links) is in its
    summary file, written once and linked by the next build, not in the records pickle every
    build writes whole; the next build takes the pages over with the same output. A file
    without it (and a record without it) is a miss: the pages are rendered again."""
    import pickle

    from kutse_rdf.site.reuse import read_summary

    out = tmp_path / "build"
    files = sorted(corpus.glob("*.txt"))
    first = run_build(files, out, Config(), quiet=True)
    folder = out / ".cache" / "site" / "summaries"
    records = pickle.loads((out / ".cache" / "site" / "records.pickle").read_bytes())
    kept = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert len(kept) == len(files) and all("output" not in records[key] for key in kept)
    pages = {}
    for key in kept:  # each standard's own: its search entries are below its page
        output = pickle.loads(read_summary(folder / key, records[key]["owned"])[1])
        path = output["link"]["et"][2]
        assert output["pages"] > 0 and output["sitemap"] and output["search"]
        assert all(entry[0].startswith(path) for entry in output["search"])
        pages[key] = out / "site" / path / "index.html"
    inodes = {key: page.stat().st_ino for key, page in pages.items()}
    second = run_build(files, out, Config(), quiet=True)
    assert {p.name: p.stat().st_ino for p in folder.iterdir()} == kept  # linked, not written
    assert {key: page.stat().st_ino for key, page in pages.items()} == inodes  # taken over
    site_note = [n for n in first.notes if n.startswith("site:")]
    assert site_note and [n for n in second.notes if n.startswith("site:")] == site_note
    # a summary file of three parts, as an older build wrote it: its standard is rendered again
    key = sorted(kept)[0]
    head, _, body = (folder / key).read_bytes().partition(b"\n")
    lengths = [int(n) for n in head.split()]
    (folder / key).unlink()
    (folder / key).write_bytes(b" ".join(head.split()[:3]) + b"\n" + body[:sum(lengths[:3])])
    third = run_build(files, out, Config(), quiet=True)
    assert {k for k, page in pages.items() if page.stat().st_ino != inodes[k]} == {key}
    assert [n for n in third.notes if n.startswith("site:")] == site_note


def _folders(out: Path) -> set[str]:
    return {str(p.relative_to(out / "data")) for p in (out / "data").rglob("*") if p.is_dir()}


def _files(out: Path) -> set[str]:
    return {str(p.relative_to(out / "data")) for folder in ("standards", "model")
            for p in (out / "data" / folder).rglob("*") if p.is_file()}


def test_a_rebuild_links_the_standards_files_ahead_and_leaves_nothing_stale(tmp_path, corpus,
                                                                             monkeypatch):
    """The rebuild's data/standards/ and data/model/ files come linked from the previous build
    by the cp started with the build (the main thread links none and makes no folder there),
    and a standard removed since leaves no file and no empty folder: the files and folders are
    those of a first build of the same documents, the files the same inodes as the previous
    build's."""
    import kutse_rdf.engine.dumps as dumps

    files = sorted(corpus.glob("*.txt"))
    out = tmp_path / "build"
    run_build(files, out, Config(), quiet=True)
    inodes = {name: (out / "data" / name).stat().st_ino for name in _files(out)}
    made_here: list[str] = []
    makedirs, link = os.makedirs, os.link

    def counting(name, *args, **kwargs):
        if "/data/standards/" in str(name):
            made_here.append(str(name))
        return makedirs(name, *args, **kwargs)

    def counting_links(source, target, *args, **kwargs):
        # the build's data/, not the site's copies of it (site/data/…)
        if ("/data/standards/" in str(target) or "/data/model/" in str(target)) \
                and "/site/" not in str(target):
            made_here.append(str(target))
        return link(source, target, *args, **kwargs)

    monkeypatch.setattr(dumps.os, "makedirs", counting)
    monkeypatch.setattr(dumps.os, "link", counting_links)
    run_build(files[1:], out, Config(), quiet=True, allow_shrink=True)
    monkeypatch.undo()
    assert made_here == []
    fresh = tmp_path / "fresh"
    run_build(files[1:], fresh, Config(), quiet=True)
    assert _folders(out) == _folders(fresh)
    assert _files(out) == _files(fresh) and len(_files(out)) < len(inodes)
    assert {name.split("/")[0] for name in _files(out)} == {"standards", "model"}
    assert all((out / "data" / name).stat().st_ino == inodes[name] for name in _files(out))
    assert not [p for p in (out / "data").rglob("*") if p.is_dir() and not any(p.iterdir())]


class _Record:
    def __init__(self, stems: dict, previous_build=None):
        self.stems = stems
        self.previous_build = previous_build

    def load_record(self, name: str) -> dict:
        return self.stems

    def store_record(self, name: str, record: dict) -> None:
        self.stored = record


def _previous_build(tmp_path: Path, names: list[str]) -> Path:
    previous = tmp_path / "previous"
    for name in names:
        (previous / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (previous / "data" / name).write_bytes(f"old {name}".encode())
    return previous


def test_files_ahead_are_links_of_the_recorded_files_in_data_standards(tmp_path):
    from kutse_rdf.engine.dumps import FilesAhead

    previous = _previous_build(tmp_path, ["standards/a/version/1.nt", "standards/a/version/1.ttl",
                                          "standards/b/work.nt", "standards/b/work.ttl",
                                          "model/z.nt", "x/y.nt"])
    data = tmp_path / "build" / "data"
    ahead = FilesAhead(data, _Record({"standards/a/version/1": "k", "standards/../../x/y": "k",
                                      "model/z": "k", "standards/b/work": "k"}, previous))
    assert ahead.take() == (["standards/a/version/1", "standards/b/work"], True)
    made = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())
    assert made == ["standards/a/version/1.nt", "standards/a/version/1.ttl",
                    "standards/b/work.nt", "standards/b/work.ttl"]
    assert all((data / name).stat().st_ino == (previous / "data" / name).stat().st_ino for name in made)
    assert ahead.take() == ([], True)  # once: a build that starts its outputs again removed them


def test_a_changed_file_linked_ahead_is_written_anew_and_the_previous_one_kept(tmp_path):
    """The file linked ahead is the previous build's inode: a standard changed since gets a new
    file (never written through the link), an unchanged one keeps the link, one gone since
    leaves no file and no empty folder."""
    import kutse_rdf.engine.dumps as dumps

    names = ["standards/a/version/1.nt", "standards/a/version/1.ttl",
             "standards/b/version/1.nt", "standards/b/version/1.ttl",
             "standards/c/version/1.nt", "standards/c/version/1.ttl"]
    previous = _previous_build(tmp_path, names)
    record = _Record({"standards/a/version/1": "ka", "standards/b/version/1": "kb",
                      "standards/c/version/1": "kc"}, previous)
    root = tmp_path / "build"
    files = dumps.StandardFiles(root, record, ahead=dumps.FilesAhead(root / "data", record))
    files.put("standards/a/version/1", "ka", [(n, lambda out: out.write(b"new a")) for n in names[:2]])
    files.put("standards/b/version/1", "kb2", [(n, lambda out: out.write(b"new b")) for n in names[2:4]])
    files.close()
    data = root / "data"
    assert sorted(str(p.relative_to(data)) for p in data.rglob("*")) == [
        "standards", "standards/a", "standards/a/version", *names[:2],
        "standards/b", "standards/b/version", *names[2:4]]
    for name in names[:2]:  # unchanged: the link
        assert (data / name).stat().st_ino == (previous / "data" / name).stat().st_ino
    for name in names[2:4]:  # changed: a file of its own; the previous build's as it was
        assert (data / name).read_bytes() == b"new b"
        assert (previous / "data" / name).read_bytes() == f"old {name}".encode()
    assert (previous / "data" / names[4]).read_bytes() == f"old {names[4]}".encode()


def test_files_ahead_that_failed_in_part_are_linked_or_written_here(tmp_path):
    # the previous build lost one of its files: cp links the others and fails; the standard
    # of the lost one is written, the others are linked
    import kutse_rdf.engine.dumps as dumps

    names = ["standards/a/version/1.nt", "standards/a/version/1.ttl",
             "standards/b/version/1.nt", "standards/b/version/1.ttl"]
    previous = _previous_build(tmp_path, names)
    (previous / "data" / names[3]).unlink()
    record = _Record({"standards/a/version/1": "ka", "standards/b/version/1": "kb"}, previous)
    root = tmp_path / "build"
    ahead = dumps.FilesAhead(root / "data", record)
    files = dumps.StandardFiles(root, record, ahead=ahead)
    files.put("standards/a/version/1", "ka", [(n, lambda out: out.write(b"new a")) for n in names[:2]])
    files.put("standards/b/version/1", "kb", [(n, lambda out: out.write(b"new b")) for n in names[2:]])
    files.close()
    assert not files.all_linked
    data = root / "data"
    for name in names[:2]:
        assert (data / name).stat().st_ino == (previous / "data" / name).stat().st_ino
    assert [(data / name).read_bytes() for name in names[2:]] == [b"new b", b"new b"]
    assert (previous / "data" / names[2]).read_bytes() == f"old {names[2]}".encode()


def test_files_ahead_without_cp_link_nothing(tmp_path, monkeypatch):
    import kutse_rdf.engine.dumps as dumps

    def no_cp(*args, **kwargs):
        raise FileNotFoundError("cp")

    previous = _previous_build(tmp_path, ["standards/a/version/1.nt"])
    monkeypatch.setattr(dumps.subprocess, "Popen", no_cp)
    ahead = dumps.FilesAhead(tmp_path / "data", _Record({"standards/a/version/1": "k"}, previous))
    monkeypatch.undo()
    assert ahead.take() == ([], True)
    files = dumps.StandardFiles(tmp_path, None, ahead=ahead)
    files.put("standards/a/version/1", "", [("standards/a/version/1.nt", lambda out: out.write(b"x"))])
    files.close()
    assert (tmp_path / "data" / "standards" / "a" / "version" / "1.nt").read_bytes() == b"x"


def test_the_cached_units_are_read_without_cyclic_collections(tmp_path, corpus, monkeypatch):
    # the entries read are the build's live data: a collection while they are read finds
    # nothing to free, and the collector is on again afterwards
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.site.reuse import PageBook

    files = sorted(corpus.glob("*.txt"))
    out = tmp_path / "build"
    run_build(files, out, Config(), quiet=True)
    units: list[bool] = []
    pages: list[bool] = []
    load_all, standard = ArtifactCache.load_all, PageBook.standard

    def load_all_watched(self, keys):
        units.append(gc.isenabled())
        return load_all(self, keys)

    def standard_watched(self, *args):
        pages.append(gc.isenabled())
        return standard(self, *args)

    monkeypatch.setattr(ArtifactCache, "load_all", load_all_watched)
    monkeypatch.setattr(PageBook, "standard", standard_watched)
    assert gc.isenabled()
    assert run_build(files, out, Config(), quiet=True).cache_hits == len(files)
    assert units == [False]
    assert pages == [False] * len(files)  # each standard's summary and pages' output
    assert gc.isenabled()
