"""A register with versions (issue 15, docs/graph-model.md "Versions"): the fixture documents of
tests/fixtures/register/ built together — "Arborist, tase 4" in versions 5 (2014-02-20 …
2019-02-19), 6 (2019-02-20 … 2030-12-05) and a draft, "Arborist, tase 4 esmane kutse" version 1
(from 2020-03-01), and in duplicate/ a second version 6. The expected IRIs, links and answers are
written out by hand."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kutse_rdf.build import run_build
from kutse_rdf.config import Config
from kutse_rdf.site.search import read_index

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "register"
B = "https://w3id.org/kutse-rdf/id/"
A = B + "standard/arborist-tase-4"
E = B + "standard/arborist-tase-4-esmane-kutse"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
KUTSE = "https://w3id.org/kutse-rdf/ontology#"
DAY = "1700000000"  # 2023-11-14: version 6 is valid, 5 has expired


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    out = tmp_path_factory.mktemp("register") / "build"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", DAY)
        result = run_build(sorted(FIXTURES.glob("*.txt")), out, Config(), quiet=True)
    assert not result.failures
    return out


def nt(path: Path) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)}


def test_every_version_has_its_own_graph_and_each_work_one(register):
    manifest = json.loads((register / "data" / "graphs.json").read_text())
    graphs = {(e["kind"], e["graph"], e["file"]) for e in manifest if e["kind"] in ("standard", "work")}
    assert graphs == {
        ("standard", B + "graph/arborist-tase-4/version/5", "standards/arborist-tase-4/version/5.nt"),
        ("standard", B + "graph/arborist-tase-4/version/6", "standards/arborist-tase-4/version/6.nt"),
        ("standard", B + "graph/arborist-tase-4/version/draft",
         "standards/arborist-tase-4/version/draft.nt"),
        ("standard", B + "graph/arborist-tase-4-esmane-kutse/version/1",
         "standards/arborist-tase-4-esmane-kutse/version/1.nt"),
        ("work", B + "graph/arborist-tase-4", "standards/arborist-tase-4/work.nt"),
        ("work", B + "graph/arborist-tase-4-esmane-kutse", "standards/arborist-tase-4-esmane-kutse/work.nt"),
    }
    trig = ox.Dataset(ox.parse(path=str(register / "data" / "all.trig"), format=ox.RdfFormat.TRIG))
    names = {q.graph_name.value for q in trig if isinstance(q.graph_name, ox.NamedNode)}
    assert {g for _, g, _ in graphs} <= names


def test_a_version_graph_holds_its_content_at_version_specific_iris(register):
    v6 = nt(register / "data" / "standards" / "arborist-tase-4" / "version" / "6.nt")
    assert (A + "/version/6", DCAT + "version", "6") in v6
    assert (A + "/version/6", KUTSE + "decisionDate", "2019-02-20") in v6
    assert (A + "/version/6", KUTSE + "validUntil", "2030-12-05") in v6
    assert (A + "/version/6", DCT + "isVersionOf", A) in v6
    assert (A + "/version/6/competence/B.3.4", DCT + "isVersionOf", A + "/competence/B.3.4") in v6
    assert (A + "/version/6/qualification", DCT + "isVersionOf", A + "/qualification") in v6
    assert (A + "/version/6/qualification", "https://w3id.org/kutse-rdf/ontology#requiresCompetence",
            A + "/version/6/competence/B.3.4") in v6
    # nothing of it at another version's or at a version-independent IRI
    subjects = {s for s, _, _ in v6 if s.startswith(A)}
    assert all(s.startswith(A + "/version/6") for s in subjects)
    draft = nt(register / "data" / "standards" / "arborist-tase-4" / "version" / "draft.nt")
    assert (A + "/version/draft", DCAT + "version", "draft") in draft
    assert not {t for t in draft if t[1] in (KUTSE + "decisionDate", KUTSE + "validUntil")}


def test_the_work_graph_links_the_versions(register):
    work = nt(register / "data" / "standards" / "arborist-tase-4" / "work.nt")
    v = lambda key, path="": f"{A}/version/{key}{path}"  # noqa: E731
    links = {t for t in work if t[1] not in ("http://www.w3.org/2004/02/skos/core#prefLabel",
                                             "http://www.w3.org/2004/02/skos/core#notation")}
    expected = {
        (A, DCAT + "hasVersion", v(5)), (A, DCAT + "hasVersion", v(6)),
        (A, DCAT + "hasVersion", v("draft")), (A, DCAT + "hasCurrentVersion", v(6)),
        (v(6), DCAT + "previousVersion", v(5)), (v("draft"), DCAT + "previousVersion", v(6)),
        (v(6), DCT + "replaces", v(5)), (v(5), DCT + "isReplacedBy", v(6)),
        (v(5), SCHEMA + "creativeWorkStatus", "expired"),
        (v(6), SCHEMA + "creativeWorkStatus", "valid"),
        (v("draft"), SCHEMA + "creativeWorkStatus", "draft"),
        # B.3.3 is in version 5 and the draft, not in the current version 6
        (A + "/competence/B.3.3", DCAT + "hasVersion", v(5, "/competence/B.3.3")),
        (A + "/competence/B.3.3", DCAT + "hasVersion", v("draft", "/competence/B.3.3")),
        # B.3.4 came with version 6
        (A + "/competence/B.3.4", DCAT + "hasVersion", v(6, "/competence/B.3.4")),
        (A + "/competence/B.3.4", DCAT + "hasVersion", v("draft", "/competence/B.3.4")),
        (A + "/competence/B.3.4", DCAT + "hasCurrentVersion", v(6, "/competence/B.3.4")),
    }
    assert expected <= links
    assert not {t for t in links if t[0] == A + "/competence/B.3.3" and t[1] == DCAT + "hasCurrentVersion"}
    types = {(s, o) for s, p, o in work if p == DCT + "type"}
    assert (A, "https://w3id.org/kutse-rdf/ontology#OccupationalStandard") in types
    assert (A + "/competence/B.3.3", "https://w3id.org/kutse-rdf/ontology#Competence") in types
    # the esmane kutse variant is a work of its own, with one version
    variant = nt(register / "data" / "standards" / "arborist-tase-4-esmane-kutse" / "work.nt")
    assert (E, DCAT + "hasCurrentVersion", E + "/version/1") in variant
    assert not {t for t in variant if t[1] == DCAT + "previousVersion"}


def test_a_second_document_of_one_work_and_version_is_refused_naming_both(tmp_path):
    files = [FIXTURES / "arborist-tase-4-v6.txt", FIXTURES / "duplicate" / "arborist-tase-4-v6-uus.txt"]
    result = run_build(files, tmp_path / "out", Config(), quiet=True)
    assert [u.source_file for u in result.standards] == ["arborist-tase-4-v6.txt"]
    (failure,) = result.failures
    assert failure.file == "arborist-tase-4-v6-uus.txt"
    assert "version '6'" in failure.message and "arborist-tase-4-v6.txt" in failure.message


def test_the_cli_exits_1_on_a_duplicate_version(tmp_path, capsys):
    from kutse_rdf.cli import main

    code = main(["build", str(FIXTURES / "arborist-tase-4-v6.txt"),
                 str(FIXTURES / "duplicate" / "arborist-tase-4-v6-uus.txt"),
                 "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "arborist-tase-4-v6-uus.txt:2: standard 'Arborist, tase 4' version '6'" in err
    assert "Traceback" not in err


def competences(store) -> set[str]:
    rows = store.query("SELECT ?c WHERE { ?c a <https://w3id.org/kutse-rdf/ontology#Competence> }")
    return {row["c"].value for row in rows}


def test_queries_read_the_current_versions_by_default(register):
    from kutse_rdf.query import BuildData

    store = BuildData(register / "data" / "all.trig").store_for("SELECT * {}")
    assert competences(store) == {f"{A}/version/6/competence/B.3.{n}" for n in (1, 2, 4)} | {
        f"{E}/version/1/competence/B.3.{n}" for n in (1, 3)}


def test_query_as_of_a_day_and_a_chosen_version(register):
    from kutse_rdf.query import select_versions
    from datetime import date

    v5 = select_versions(register / "data" / "all.trig", date(2018, 6, 1), {})
    # on 2018-06-01 version 5 was valid; the esmane kutse (from 2020-03-01) is not yet in
    # force, and its only version is then the one read
    assert competences(v5) == {f"{A}/version/5/competence/B.3.{n}" for n in (1, 2, 3)} | {
        f"{E}/version/1/competence/B.3.{n}" for n in (1, 3)}
    draft = select_versions(register / "data" / "all.trig", None, {"arborist-tase-4": "draft"})
    assert {c for c in competences(draft) if c.startswith(A + "/")} == {
        f"{A}/version/draft/competence/B.3.{n}" for n in (1, 2, 3, 4)}


def test_query_cli_as_of_version_and_valid_on(register, capsys):
    from kutse_rdf.cli import main

    data = str(register / "data" / "all.trig")
    assert main(["query", "valid-on", "--data", data, "--param", "date=2018-06-01",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [(r["standard"]["value"], r["key"]["value"], r["current"]["value"]) for r in rows] == [
        (A, "5", "false")]
    assert main(["query", "valid-on", "--data", data, "--param", "date=2021-01-01",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [(r["standard"]["value"], r["key"]["value"], r["current"]["value"]) for r in rows] == [
        (A, "6", "true"), (E, "1", "true")]
    query = "SELECT ?c WHERE { ?c a kutse:Competence ; skos:notation 'B.3.3' }"
    assert main(["query", "-e", query, "--data", data, "--as-of", "2018-06-01", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["c,cLabel", f"{A}/version/5/competence/B.3.3,Tööohutus",
                                               f"{E}/version/1/competence/B.3.3,Tööohutus"]
    assert main(["query", "-e", query, "--data", data, "--version", "arborist-tase-4-esmane-kutse=1",
                 "--version", "arborist-tase-4=draft", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["c,cLabel", f"{A}/version/draft/competence/B.3.3,Tööohutus",
                                               f"{E}/version/1/competence/B.3.3,Tööohutus"]
    for bad, message in ((["--as-of", "2018-13-01"], "is not a day"),
                         (["--version", "arborist-tase-4=7"], "has no version '7'"),
                         (["--version", "puusepp=1"], "no standard 'puusepp'"),
                         (["--version", "arborist-tase-4"], "is not SLUG=KEY")):
        assert main(["query", "-e", query, "--data", data, *bad]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_query_inputs_as_of(capsys, tmp_path):
    from kutse_rdf.cli import main

    query = tmp_path / "b34.rq"
    query.write_text("SELECT ?c WHERE { ?c a kutse:Competence ; skos:notation 'B.3.4' }")
    query = str(query)
    files = [str(FIXTURES / "arborist-tase-4-v5.txt"), str(FIXTURES / "arborist-tase-4-v6.txt")]
    assert main(["query", query, *files, "--out", str(tmp_path / "b"), "--as-of", "2018-06-01", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["c"]  # version 5 has no B.3.4
    assert main(["query", query, *files, "--out", str(tmp_path / "b"), "--as-of", "2020-06-01", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "c,cLabel", f"{A}/version/6/competence/B.3.4,Puu otsas ronimine"]


def test_site_version_pages_list_the_versions_and_old_iris_redirect(register):
    site = register / "site"
    page = (site / "standard" / "arborist-tase-4" / "version" / "6" / "index.html").read_text()
    versions = page[page.index('id="h-versions"'):page.index("</ul>", page.index('id="h-versions"'))]
    assert versions.index("kavand") < versions.index("Versioon 6") < versions.index("Versioon 5")
    assert "<strong>Versioon 6</strong>" in versions  # this one
    assert "kehtiv versioon" in versions.split("</li>")[1]  # 6 is current
    assert '<li class="expired"><a href="../../../../standard/arborist-tase-4/version/5/index.html">' in versions
    assert (site / "standard" / "arborist-tase-4" / "version" / "5" / "competence" / "B.3.3" / "index.html").is_file()
    # version-independent IRIs: small pages sending the reader to the current version's page
    for path, target in (
            ("standard/arborist-tase-4", "../../standard/arborist-tase-4/version/6/index.html"),
            ("standard/arborist-tase-4/competence/B.3.1",
             "../../../../standard/arborist-tase-4/version/6/competence/B.3.1/index.html"),
            # not in the current version: the newest that has it
            ("standard/arborist-tase-4/competence/B.3.3",
             "../../../../standard/arborist-tase-4/version/draft/competence/B.3.3/index.html"),
            ("en/standard/arborist-tase-4/qualification",
             "../../../../en/standard/arborist-tase-4/version/6/qualification/index.html"),
            ("coverage/standard/arborist-tase-4",
             "../../../coverage/standard/arborist-tase-4/version/6/index.html")):
        html = (site / path / "index.html").read_text()
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html, path
        assert (site / path / target).resolve().is_file(), path
        # the canonical URL: the target's, under the base URI, as every page's
        folder = (site / path / target).resolve().parent.relative_to(site.resolve()).as_posix()
        assert f'<link rel="canonical" href="{B}{folder}/">' in html, path
    # the home page lists each work once, by its current version
    home = (site / "index.html").read_text()
    assert "standard/arborist-tase-4/version/6/index.html" in home
    assert "standard/arborist-tase-4/version/5/index.html" not in home


def test_the_shared_pages_list_what_the_current_versions_cite(register):
    """An e-CF competence's page lists the competences of each work's current version citing it
    (fixtures: on DAY version 6 of "Arborist, tase 4" and version 1 of the esmane kutse): E.8 is
    cited by 6's B.3.4, by 5's and the draft's B.3.3 and the draft's B.3.4, and by the esmane
    kutse's B.3.3; E.6 by B.3.1 and B.3.2 of each. Not once per version under one name."""
    import re

    site = register / "site"

    def cited(path: str) -> list[str]:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        return sorted(set(re.findall(r'href="(?:\.\./)*(standard/[^"#]+)/index\.html"', html)))

    assert cited("ecf/4.0/E.8") == ["standard/arborist-tase-4-esmane-kutse/version/1",
                                    "standard/arborist-tase-4-esmane-kutse/version/1/competence/B.3.3",
                                    "standard/arborist-tase-4/version/6",
                                    "standard/arborist-tase-4/version/6/competence/B.3.4"]
    assert cited("ecf/4.0/E.6") == ["standard/arborist-tase-4-esmane-kutse/version/1",
                                    "standard/arborist-tase-4-esmane-kutse/version/1/competence/B.3.1",
                                    "standard/arborist-tase-4/version/6",
                                    "standard/arborist-tase-4/version/6/competence/B.3.1",
                                    "standard/arborist-tase-4/version/6/competence/B.3.2"]
    # the older versions' pages are still there, and still name their e-CF competences
    old = (site / "standard/arborist-tase-4/version/5/competence/B.3.3/index.html").read_text(encoding="utf-8")
    assert "ecf/4.0/E.8/index.html" in old


def test_a_superseded_versions_links_resolve(tmp_path, monkeypatch):
    """Version 5 names another ISCO group (1330, which the shipped reference describes: it has
    a page while something points at it) than the current version 6 (6210, no page: a link to
    the ESCO portal): the shared pages list what the current versions cite, yet 5's link to
    its group's page resolves (a page only a superseded version points at is still made), as
    does every other internal link of the register's site."""
    from urllib.parse import unquote, urlparse

    from support.site import html_pages, parse_page

    inputs = tmp_path / "in"
    shutil.copytree(FIXTURES, inputs, ignore=shutil.ignore_patterns("duplicate"))
    v5 = inputs / "arborist-tase-4-v5.txt"
    v5.write_text(v5.read_text(encoding="utf-8").replace("6210 Metsatöötajad", "1330 IKT-juhid"),
                  encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    out = tmp_path / "build"
    assert not run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True).failures
    site = out / "site"
    qualification = site / "standard/arborist-tase-4/version/5/qualification/index.html"
    assert "esco/isco/C1330/index.html" in qualification.read_text(encoding="utf-8")
    assert (site / "esco/isco/C1330/index.html").is_file()
    for page in html_pages(site):
        if page.name == "404.html":
            continue  # its one link is to the host root
        for href in parse_page(page).links:
            url = urlparse(href)
            if url.scheme or href.startswith("//") or not url.path:
                continue
            assert (page.parent / unquote(url.path)).resolve().is_file(), (page, href)


def version_5_and_the_variant(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """(inputs, out): a folder with version 5 and the variant, not yet built."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "arborist-tase-4-v5.txt", inputs)
    shutil.copy(FIXTURES / "arborist-tase-4-esmane-kutse.txt", inputs)
    return inputs, tmp_path / "out"


def test_adding_a_version_rebuilds_only_that_version(tmp_path, monkeypatch):
    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    first = run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert first.cache_hits == 0
    before = nt(out / "data" / "standards" / "arborist-tase-4" / "work.nt")
    assert (A, DCAT + "hasCurrentVersion", A + "/version/5") in before
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    second = run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert second.cache_hits == 2  # version 5 and the variant: only version 6 was made
    after = nt(out / "data" / "standards" / "arborist-tase-4" / "work.nt")
    assert (A, DCAT + "hasCurrentVersion", A + "/version/6") in after
    assert (A + "/version/5", SCHEMA + "creativeWorkStatus", "expired") in after


def test_a_new_version_is_made_in_a_worker_while_the_cached_ones_are_read(tmp_path, monkeypatch):
    """On a rebuild the unit the cache lacks is made in a worker process started before the
    cached entries are read (on a register: beside ~1,000 of them; here the threshold is
    lowered to the two cached ones): the build is the same as one made from scratch."""
    import kutse_rdf.build as build

    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    pools = []

    class Pool(build.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(build, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(build, "EARLY_UNITS_BESIDE", 2)
    second = run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert pools == [1] and second.cache_hits == 2 and not second.failures
    scratch = run_build(sorted(inputs.glob("*.txt")), tmp_path / "scratch", Config(), quiet=True,
                        jobs=1)  # every unit made in this process
    assert pools == [1] and scratch.cache_hits == 0
    for name in ("all.nt", "current.nt", "changes.nt", "graphs.json"):
        assert (out / "data" / name).read_bytes() == (tmp_path / "scratch" / "data" / name).read_bytes()
    page = Path("site/standard/arborist-tase-4/version/6/index.html")
    assert (out / page).read_bytes() == (tmp_path / "scratch" / page).read_bytes()


def test_a_rebuilds_query_reports_are_answered_in_a_forked_process(tmp_path, monkeypatch):
    """A rebuild answers the library's reports, and writes the merged dumps, in child processes
    (start_forked), a cold build in threads: the same files; an error in the child is the
    build's error, one line."""
    import kutse_rdf.build as build
    from kutse_rdf.errors import InputError

    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    forks = []
    real_fork = build.start_forked
    monkeypatch.setattr(build, "start_forked", lambda work: forks.append(work.__name__) or real_fork(work))
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert forks == []  # cold: in a thread
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert forks == ["answer", "write_merged_files"]
    scratch = tmp_path / "scratch"
    run_build(sorted(inputs.glob("*.txt")), scratch, Config(), quiet=True)
    reports = sorted(p.name for p in (out / "reports" / "queries").iterdir())
    assert reports and reports == sorted(p.name for p in (scratch / "reports" / "queries").iterdir())
    for name in reports:
        assert (out / "reports" / "queries" / name).read_bytes() == \
            (scratch / "reports" / "queries" / name).read_bytes(), name
    for name in ("all.nt", "all.ttl", "all.jsonld", "all.trig", "current.nt"):
        assert (out / "data" / name).read_bytes() == (scratch / "data" / name).read_bytes(), name

    def broken(root, result, store, named):
        raise InputError("the child's error", file="q.rq", line=3)

    monkeypatch.setattr(build, "write_query_reports", broken)
    (inputs / "arborist-tase-4-v6.txt").unlink()
    with pytest.raises(InputError) as raised:
        run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    assert str(raised.value) == "q.rq:3: the child's error" and len(forks) == 4


def test_a_new_versions_rebuild_links_the_other_standards_snippet_scripts(tmp_path, monkeypatch):
    """The search's snippet scripts are named by their texts, numbered from their standard's
    result: after version 6 arrives the other versions' scripts are the previous build's files
    (linked), and the index names a script for every standard with texts."""
    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    folder = out / "site" / "assets" / "search"
    before = {p.name: p.stat().st_ino for p in folder.iterdir()}
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    after = {p.name: p.stat().st_ino for p in folder.iterdir()}
    kept = set(before) & set(after)
    assert len(kept) >= 2 and all(before[name] == after[name] for name in kept)
    assert len(after) == len(before) + 1  # version 6's
    index = (out / "site" / "assets" / "search-index.js").read_text(encoding="utf-8")
    data = read_index(index)
    assert {f"{name}.js" for name in data["texts"].values()} == set(after)
    assert {data["docs"][int(doc)][0] for doc in data["texts"] if doc != "0"} >= {
        "standard/arborist-tase-4/version/5/", "standard/arborist-tase-4/version/6/"}


def test_the_build_hands_the_site_each_works_changes_as_data_changes_nt_splits(tmp_path, monkeypatch):
    """The site takes each work's lines of the changes graph from the build (no split of
    data/changes.nt): the same works, the same lines in the same order, as changes_by_work
    reads from the file; and the site made so is the site made from the file, page for page."""
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.site.writer import build_site, changes_by_work

    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    out = tmp_path / "out"
    result = run_build(sorted(FIXTURES.glob("*.txt")), out, Config(), quiet=True)
    uris = Uris(Config().base_uri)

    def work_of(iri: str) -> str:
        version = uris.version_of(iri)
        return str(uris.work(version[0])) if version else iri

    split = changes_by_work((out / "data" / "changes.nt").read_bytes(), work_of)
    assert {work: b"".join(lines) for work, lines in split.items()} == result.work_changes
    assert list(split) == list(result.work_changes) and len(split) >= 1
    assert b"".join(result.work_changes.values()) == (out / "data" / "changes.nt").read_bytes()
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("site", ".cache"))
    build_site(copy, Config())  # from the file
    for page in (out / "site").rglob("*.html"):
        assert page.read_bytes() == (copy / "site" / page.relative_to(out / "site")).read_bytes(), page


def test_a_new_versions_rebuild_compiles_the_search_parts_of_its_work_only(tmp_path, monkeypatch):
    """The index's parts of the standards whose pages are unchanged (the variant's) come from
    the previous build's compiled parts; the work's versions (their version lists changed) and
    the unkeyed shared and global parts are compiled, and the index is the text a build from
    nothing writes."""
    from kutse_rdf.site import search

    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    compiled = []
    real = search.compile_part
    monkeypatch.setattr(search, "compile_part",
                        lambda entries, kinds: compiled.append(entries[:1]) or real(entries, kinds))
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    firsts = sorted(entries[0][0] for entries in compiled if entries and entries[0][3] == "standard")
    assert firsts == ["standard/arborist-tase-4/version/5/", "standard/arborist-tase-4/version/6/"]
    assert len(compiled) == 4  # and the shared pages' part and the global pages'
    fresh = tmp_path / "fresh"
    run_build(sorted(inputs.glob("*.txt")), fresh, Config(), quiet=True)
    index = "site/assets/search-index.js"
    assert (out / index).read_text(encoding="utf-8") == (fresh / index).read_text(encoding="utf-8")
    assert len(read_index((out / index).read_text(encoding="utf-8"))["texts"]) == 4  # and the global pages' (the queries')


def test_the_site_reads_each_versions_elm_lines_from_the_pieces_of_elm_nt(tmp_path, monkeypatch):
    """The site takes each version's ELM lines from the pieces the build makes data/elm.nt of
    (dumps.ElmView) instead of splitting the whole file: the same lines as split_elm's of the
    finished file, and the same site, page for page."""
    import filecmp

    import kutse_rdf.site.writer as writer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    files = sorted(FIXTURES.glob("*.txt"))
    read = []
    real = writer.SiteWriter.elm_parts

    def spy(self, *args):
        found = real(self, *args)
        read.append(None if found is None else
                    ({iri: lines() for iri, lines in found[0].items()}, found[1], found[2]))
        return found

    monkeypatch.setattr(writer.SiteWriter, "elm_parts", spy)
    out = tmp_path / "pieces"
    run_build(files, out, Config(), quiet=True)
    assert len(read) == 1 and read[0] is not None
    parts, rest, blank = read[0]
    assert len(parts) == 4 and not blank  # the four versions' lines, no blank node
    manifest = json.loads((out / "data" / "graphs.json").read_text(encoding="utf-8"))
    graphs = {e["graph"].replace("/graph/", "/standard/") for e in manifest if e["kind"] == "standard"}
    split, split_rest = writer.split_elm((out / "data" / "elm.nt").read_bytes(), graphs)
    assert parts == {iri: b"".join(lines) for iri, lines in split.items()}
    assert rest == split_rest and all(split.values())
    monkeypatch.setattr(writer.SiteWriter, "elm_parts", lambda self, *args: None)
    run_build(files, tmp_path / "split", Config(), quiet=True)

    def differences(a: Path, b: Path) -> list[str]:
        compared = filecmp.dircmp(a, b)
        found = [str(a / n) for n in compared.left_only + compared.right_only + compared.diff_files]
        return found + [d for sub in compared.common_dirs for d in differences(a / sub, b / sub)]

    assert differences(out / "site", tmp_path / "split" / "site") == []
    # without the pieces (or for another file) the file is split
    assert writer.SiteWriter(out, Config()).elm_parts([{"file": "elm.nt"}], {}) is None


def test_the_elm_view_says_whether_elm_nt_names_a_blank_node(tmp_path):
    """The ELM view's pieces tell the site whether data/elm.nt names a blank node (then every
    version's pages read all of it) from the units' own flags, not by searching the file."""
    from kutse_rdf.engine.dumps import ElmDumps
    from kutse_rdf.engine.unit import UnitResult, split_elm_view

    def unit(name: str, obj: str) -> UnitResult:
        subject = f"https://example.org/standard/{name}"
        made = UnitResult(source_file=f"{name}.txt", path=f"{name}.txt",
                          graph_uri=f"https://example.org/graph/{name}",
                          elm_nt=f"<{subject}> <https://example.org/p> {obj} .\n".encode())
        split_elm_view(made, subject)
        return made

    for units, named in (([unit("a", '"x"'), unit("b", "<https://example.org/o>")], False),
                         ([unit("a", '"x"'), unit("b", "_:b1")], True)):
        out = tmp_path / str(named)
        (out / "data").mkdir(parents=True)
        dumps = ElmDumps(out, units)
        dumps.write_files()
        view = dumps.view()
        assert [u.elm_own_blank for u in units] == [False, named]
        assert view.blank is named is (b"_:" in (out / "data" / "elm.nt").read_bytes())
        assert b"".join(view.own[u.graph_uri]() for u in dumps.units) + view.shared == \
            (out / "data" / "elm.nt").read_bytes()


def test_a_rebuild_takes_over_an_unchanged_works_redirect_pages_and_graph_folders(tmp_path, monkeypatch):
    import kutse_rdf.engine.works as works

    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    site = out / "site"
    redirect = "standard/{}/competence/B.3.1/index.html"
    variant = [redirect.format("arborist-tase-4-esmane-kutse"),
               "en/" + redirect.format("arborist-tase-4-esmane-kutse"),
               "graph/arborist-tase-4-esmane-kutse/index.trig",
               "graph/arborist-tase-4-esmane-kutse/version/1/index.ttl"]
    changed = [redirect.format("arborist-tase-4"), "graph/arborist-tase-4/index.trig"]
    inodes = {path: (site / path).stat().st_ino for path in variant + changed}
    assert "version/5/competence/B.3.1/" in (site / redirect.format("arborist-tase-4")).read_text()
    made = []
    real = works.work_triples
    monkeypatch.setattr(works, "work_triples", lambda work, *a: made.append(work.slug) or real(work, *a))
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    # the variant's pages and folders are the previous build's files, moved; its work graph
    # came from the cache; the work with a new version has all of them made anew
    assert made == ["arborist-tase-4"]
    assert all((site / path).stat().st_ino == inodes[path] for path in variant)
    assert all((site / path).stat().st_ino != inodes[path] for path in changed)
    assert "version/6/competence/B.3.1/" in (site / redirect.format("arborist-tase-4")).read_text()
    assert "/version/6>" in (site / "graph/arborist-tase-4/index.trig").read_text()


def test_a_rebuild_reads_the_graphs_of_the_versions_it_renders_only(tmp_path, monkeypatch):
    """The site keys a version's pages by its unit's cache key and its work's (site/reuse.py,
    standard_key): after a new version of one work, the site reads that work's versions' graphs
    (the new one's pages, and its siblings', which list it), each once, and not the variant's,
    whose pages are taken over; the pages still say what the new version changed."""
    import kutse_rdf.site.writer as writer

    inputs, out = version_5_and_the_variant(tmp_path, monkeypatch)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    read = []
    real = writer.read_dump
    monkeypatch.setattr(writer, "read_dump", lambda root, entry: read.append(entry["file"]) or real(root, entry))
    shutil.copy(FIXTURES / "arborist-tase-4-v6.txt", inputs)
    run_build(sorted(inputs.glob("*.txt")), out, Config(), quiet=True)
    versions = sorted(f for f in read if "/version/" in f)
    assert versions == ["standards/arborist-tase-4/version/5.nt",
                        "standards/arborist-tase-4/version/6.nt"], versions  # each once
    site = out / "site" / "standard" / "arborist-tase-4"
    assert "version/6/" in (site / "version" / "5" / "index.html").read_text(encoding="utf-8")
    assert (site / "version" / "6" / "index.html").is_file()


def test_build_as_of_a_day_chooses_the_current_versions(tmp_path, capsys):
    from kutse_rdf.cli import main

    out = tmp_path / "out"
    code = main(["build", str(FIXTURES / "arborist-tase-4-v5.txt"),
                 str(FIXTURES / "arborist-tase-4-v6.txt"), "--out", str(out), "--as-of", "2018-06-01"])
    assert code == 0
    assert "versions: 2 version(s) of 1 standard(s), the current ones as of 2018-06-01" in (
        capsys.readouterr().err)
    work = nt(out / "data" / "standards" / "arborist-tase-4" / "work.nt")
    assert (A, DCAT + "hasCurrentVersion", A + "/version/5") in work
    assert (A + "/version/5", SCHEMA + "creativeWorkStatus", "valid") in work
    assert (A + "/version/6", SCHEMA + "creativeWorkStatus", "future") in work
    assert main(["build", str(FIXTURES / "arborist-tase-4-v5.txt"), "--out", str(out),
                 "--as-of", "1.6.2018"]) == 2
    assert "--as-of: '1.6.2018' is not a day (YYYY-MM-DD)" in capsys.readouterr().err


KUTSE = "https://w3id.org/kutse-rdf/ontology#"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_the_build_has_the_changes_graph(register):
    manifest = json.loads((register / "data" / "graphs.json").read_text())
    [entry] = [e for e in manifest if e["kind"] == "changes"]
    assert (entry["graph"], entry["file"]) == (B + "graph/changes", "changes.nt")
    changes = nt(register / "data" / "changes.nt")
    assert entry["triples"] == len(changes)
    v = lambda key, path="": f"{A}/version/{key}{path}"  # noqa: E731
    node = v(6, "#changes-from-5")
    assert {(node, RDF_TYPE, KUTSE + "VersionChange"), (node, KUTSE + "fromVersion", v(5)),
            (node, KUTSE + "toVersion", v(6)), (node, KUTSE + "fromVersionKey", "5"),
            (node, KUTSE + "toVersionKey", "6")} <= changes
    items = {o for s, p, o in changes if s == node and p == KUTSE + "hasChange"}
    values = {}
    for s, p, o in changes:
        if s in items:
            values.setdefault(s, {})[p.rsplit("#", 1)[-1]] = o
    competence_changes = {(c["changeKind"], c.get("oldResource"), c.get("newResource"),
                           c.get("oldValue"), c.get("newValue"))
                          for c in values.values() if c["changeKind"].startswith("competence-")}
    # version 6 added B.3.4 "Puu otsas ronimine" and dropped B.3.3 "Tööohutus"
    assert competence_changes == {
        ("competence-added", None, v(6, "/competence/B.3.4"), None, "B.3.4 Puu otsas ronimine"),
        ("competence-removed", v(5, "/competence/B.3.3"), None, "B.3.3 Tööohutus", None)}
    assert sorted(c["changeKind"] for c in values.values()) == [
        "competence-added", "competence-removed", "field-changed", "field-changed",
        "field-changed", "field-changed", "requirement-gained", "requirement-lost"]
    assert (v(5, "/competence/B.3.3"), OWL + "deprecated", "true") in changes
    for code in ("B.3.1", "B.3.2"):
        assert (v(6, f"/competence/{code}"), PROV + "wasRevisionOf", v(5, f"/competence/{code}")) in changes
    # the draft follows version 6: its pair is there too
    assert (v("draft", "#changes-from-6"), KUTSE + "fromVersion", v(6)) in changes
    # every version current: current.nt is all.nt, the same file; here they differ
    assert (register / "data" / "current.nt").read_bytes() != (register / "data" / "all.nt").read_bytes()
    # a named graph of all.trig; in all.nt and in current.nt, the default graph of queries
    trig = ox.Dataset(ox.parse(path=str(register / "data" / "all.trig"), format=ox.RdfFormat.TRIG))
    in_trig = {(q.subject.value, q.predicate.value, q.object.value) for q in trig
               if q.graph_name == ox.NamedNode(B + "graph/changes")}
    assert in_trig == changes
    assert changes <= nt(register / "data" / "all.nt")
    assert changes <= nt(register / "data" / "current.nt")
    # publish uploads the graphs the manifest lists
    from kutse_rdf.publish.upload import read_manifest

    assert B + "graph/changes" in {g.graph for g in read_manifest(register)}


def test_a_build_of_one_version_has_no_changes_graph(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    out = tmp_path / "out"
    run_build([FIXTURES / "arborist-tase-4-v6.txt"], out, Config(), quiet=True)
    manifest = json.loads((out / "data" / "graphs.json").read_text())
    assert "changes" not in {e["kind"] for e in manifest}
    assert not (out / "data" / "changes.nt").exists()
    assert "graph/changes" not in (out / "data" / "all.trig").read_text()


def test_the_history_queries_answer_on_the_build(register, capsys):
    from kutse_rdf.cli import main

    data = str(register / "data" / "all.trig")
    assert main(["query", "changes-between", "--data", data, "--param", "standard=arborist-tase-4",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    got = [(r["older"]["value"], r["newer"]["value"], r["kind"]["value"],
            r.get("oldValue", {}).get("value"), r.get("newValue", {}).get("value")) for r in rows]
    assert [g for g in got if g[2] != "field-changed"] == [
        ("5", "6", "competence-added", None, "B.3.4 Puu otsas ronimine"),
        ("5", "6", "competence-removed", "B.3.3 Tööohutus", None),
        ("5", "6", "requirement-gained", None, "B.3.4"),
        ("5", "6", "requirement-lost", "B.3.3", None)]
    assert main(["query", "competence-history", "--data", data, "--param", "standard=arborist-tase-4",
                 "--param", "code=B.3.1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [(r["versionKey"]["value"], r["competence"]["value"], r.get("reason", {}).get("value"))
            for r in rows] == [("5", f"{A}/version/5/competence/B.3.1", None),
                               ("6", f"{A}/version/6/competence/B.3.1", "same"),
                               ("draft", f"{A}/version/draft/competence/B.3.1", "same")]


def test_a_rebuild_takes_the_changes_of_an_unchanged_pair_from_the_cache(tmp_path, monkeypatch):
    import kutse_rdf.graph.changes as changes

    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    files = [FIXTURES / "arborist-tase-4-v5.txt", FIXTURES / "arborist-tase-4-v6.txt"]
    out = tmp_path / "out"
    run_build(files, out, Config(), quiet=True)
    first = (out / "data" / "changes.nt").read_bytes()
    calls = []
    monkeypatch.setattr(changes, "pair_nt", lambda *a: calls.append(a) or b"")
    run_build(files, out, Config(), quiet=True)
    assert calls == [] and (out / "data" / "changes.nt").read_bytes() == first


def test_the_changes_feed_lists_every_version_newest_first(register):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(register / "site" / "changes.atom").getroot()
    assert feed.tag == atom + "feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "et"
    assert feed.findtext(atom + "id") == B + "changes.atom"
    assert feed.findtext(atom + "updated") == "2023-11-14T00:00:00Z"  # SOURCE_DATE_EPOCH's day
    assert feed.findtext(f"{atom}author/{atom}name")
    assert {(link.get("rel"), link.get("href")) for link in feed.findall(atom + "link")} == {
        ("self", B + "changes.atom"), ("alternate", B)}
    entries = feed.findall(atom + "entry")
    for entry in entries:
        assert entry.findtext(atom + "title") and entry.findtext(atom + "updated")
    got = [(e.findtext(atom + "id"), e.findtext(atom + "updated"), e.find(atom + "link").get("href"))
           for e in entries]
    assert got == [
        (A + "/version/draft", "2023-11-14T00:00:00Z", A + "/version/draft/"),  # no date: the build's
        (E + "/version/1", "2020-03-01T00:00:00Z", E + "/version/1/"),
        (A + "/version/6", "2019-02-20T00:00:00Z", A + "/version/6/"),
        (A + "/version/5", "2014-02-20T00:00:00Z", A + "/version/5/")]
    summaries = [e.findtext(atom + "summary") for e in entries]
    assert summaries[2] == ("Kehtib 2019-02-20 – 2030-12-05. Muudatused versiooniga 5 võrreldes: "
                           "muutunud andmed: 4, lisatud kompetentsid: 1, eemaldatud kompetentsid: 1, "
                           "lisandunud nõutud kompetentsid: 1, kadunud nõutud kompetentsid: 1")
    assert summaries[3] == "Kehtib 2014-02-20 – 2019-02-19. Esimene versioon selles registris"
    assert summaries[0].startswith("Kavand, ei kehti. Muudatused versiooniga 6 võrreldes:")
    home = (register / "site" / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml" href="changes.atom"' in home
    # the English pages link the English feed
    assert 'type="application/atom+xml" href="../en/changes.atom"' in (register / "site" / "en" / "index.html").read_text()


def test_the_english_feed_names_each_version_in_english(register, tmp_path, monkeypatch):
    """en/changes.atom: the same versions in the same order, titled by the English names the
    documents give (C.2: "Inglise keeles Arborist, EstQF Level 4", "... (first qualification)"
    in the esmane kutse document), their summaries in English; each entry's id is its English
    page, the same in a build on another day."""
    from support.atom import ATOM, check_atom

    feed = check_atom((register / "site" / "en" / "changes.atom").read_bytes())
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.findtext(ATOM + "id") == B + "en/changes.atom"
    entries = feed.findall(ATOM + "entry")
    EN = B + "en/standard/arborist-tase-4"
    got = [(e.findtext(ATOM + "id"), e.findtext(ATOM + "title"), e.findtext(ATOM + "updated")) for e in entries]
    assert got == [
        (EN + "/version/draft/", "Arborist, EstQF Level 4 · draft", "2023-11-14T00:00:00Z"),
        (EN + "-esmane-kutse/version/1/", "Arborist, EstQF Level 4 (first qualification) · Version 1",
         "2020-03-01T00:00:00Z"),
        (EN + "/version/6/", "Arborist, EstQF Level 4 · Version 6", "2019-02-20T00:00:00Z"),
        (EN + "/version/5/", "Arborist, EstQF Level 4 · Version 5", "2014-02-20T00:00:00Z")]
    assert [e.find(ATOM + "link").get("href") for e in entries] == [i for i, _, _ in got]
    summaries = [e.findtext(ATOM + "summary") for e in entries]
    # the counts as in the Estonian feed (test above), the words in English
    assert summaries[2] == ("Valid 2019-02-20 – 2030-12-05. Changes from version 5: "
                            "fields changed: 4, competences added: 1, competences removed: 1, "
                            "required competences gained: 1, required competences lost: 1")
    assert summaries[3] == "Valid 2014-02-20 – 2019-02-19. The first version in this register"
    # no id is shared with the Estonian feed's entries
    estonian = ET.parse(register / "site" / "changes.atom").getroot()
    assert not {i for i, _, _ in got} & {e.findtext(ATOM + "id") for e in estonian.findall(ATOM + "entry")}
    # stable: a build on another day gives the same ids (only the draft's `updated` moves)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(DAY) + 86400 * 3))
    run_build(sorted(FIXTURES.glob("*.txt")), tmp_path / "again", Config(), quiet=True)
    again = check_atom((tmp_path / "again" / "site" / "en" / "changes.atom").read_bytes())
    assert [e.findtext(ATOM + "id") for e in again.findall(ATOM + "entry")] == [i for i, _, _ in got]


def test_a_version_page_says_what_changed_and_a_competence_page_its_versions(register):
    site = register / "site" / "standard" / "arborist-tase-4" / "version"
    page = (site / "6" / "index.html").read_text()
    changes = page[page.index('id="h-changes"'):page.index("</ul>\n", page.index('id="h-changes"'))]
    assert "Muudatused versiooniga 5 võrreldes" in changes
    assert ('lisatud kompetentsid: 1\n  <ul><li><a href="../../../../standard/arborist-tase-4/version/6/'
            'competence/B.3.4/index.html">') in changes
    assert "eemaldatud kompetentsid: 1\n  <ul><li><del>B.3.3 Tööohutus</del></li></ul>" in changes
    assert "<li>valid_until: <del>2019-02-19</del> → <ins>2030-12-05</ins></li>" in changes
    assert 'id="h-changes"' not in (site / "5" / "index.html").read_text()  # the first version
    comp = (site / "6" / "competence" / "B.3.1" / "index.html").read_text()
    timeline = comp[comp.index('id="h-timeline"'):comp.index("</ol>", comp.index('id="h-timeline"'))]
    up = "../../../../../../standard/arborist-tase-4/version/"
    assert [line.strip() for line in timeline.splitlines()[2:]] == [
        f'<li>Versioon 5: <a href="{up}5/competence/B.3.1/index.html"><span>B.3.1</span></a></li>',
        "<li>Versioon 6: <strong>B.3.1</strong></li>",
        f'<li>Versioon kavand: <a href="{up}draft/competence/B.3.1/index.html"><span>B.3.1</span></a></li>']
    # a competence of one version has no timeline
    assert 'id="h-timeline"' not in (register / "site" / "standard" / "arborist-tase-4-esmane-kutse" / "version"
                                     / "1" / "competence" / "B.3.1" / "index.html").read_text()


def test_every_named_graph_of_a_register_has_its_folder_on_the_site(register):
    """Each graph's IRI resolves to its dump (docs/knowledge-graph.md): the changes graph and
    every version's and work's graph have a folder under site/graph/ with the graph's triples."""
    out = register
    base = "https://w3id.org/kutse-rdf/id/"
    entries = json.loads((out / "data" / "graphs.json").read_text(encoding="utf-8"))
    assert "changes" in {e["kind"] for e in entries}
    for entry in entries:
        folder = out / "site" / entry["graph"].removeprefix(base)
        assert (folder / "index.nt").read_bytes() == (out / "data" / entry["file"]).read_bytes()
        lines = (folder / "index.nt").read_bytes().splitlines()
        assert len(set(lines)) == len(lines) == entry["triples"], entry["file"]  # each once
        trig = list(ox.parse(path=str(folder / "index.trig"), format=ox.RdfFormat.TRIG))
        assert len(trig) == entry["triples"]
        assert {q.graph_name.value for q in trig} == {entry["graph"]}
        assert len(list(ox.parse(path=str(folder / "index.jsonld"),
                                 format=ox.RdfFormat.JSON_LD))) == entry["triples"]
        assert len(list(ox.parse(path=str(folder / "index.ttl"),
                                 format=ox.RdfFormat.TURTLE))) == entry["triples"]
        assert (folder / "index.html").is_file()
    # the merged dumps too: every line once (the changes graph's lines are joined, not sorted)
    for name in ("all.nt", "current.nt"):
        lines = (out / "data" / name).read_bytes().splitlines()
        assert len(set(lines)) == len(lines), name


def test_a_damaged_works_record_makes_the_works_graphs_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    files = [FIXTURES / "arborist-tase-4-v5.txt", FIXTURES / "arborist-tase-4-v6.txt"]
    out = tmp_path / "out"
    run_build(files, out, Config(), quiet=True)
    work = (out / "data" / "standards" / "arborist-tase-4" / "work.nt").read_bytes()
    (out / ".cache" / "works.pickle").write_bytes(b"\x80\x05not a pickle")
    result = run_build(files, out, Config(), quiet=True)
    assert not result.failures
    assert (out / "data" / "standards" / "arborist-tase-4" / "work.nt").read_bytes() == work


def test_the_downloads_count_the_merged_files_lines(register):
    """data/all.nt and data/current.nt (every version, and the current ones: different files
    on a register) are listed with their statements, which the build knows from the pieces it
    joined: each count is the file's number of lines, and each line one distinct statement."""
    import re

    html = (register / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    counts = {}
    for name in ("all.nt", "current.nt"):
        lines = (register / "data" / name).read_bytes().splitlines()
        assert len(set(lines)) == len(lines) == len(nt(register / "data" / name))
        row = re.search(r'<a href="\.\./data/' + re.escape(name) + r'".*?</tr>', html).group(0)
        counts[name] = re.findall(r"<td[^>]*>(.*?)</td>", row)[-1]
        assert counts[name] == f"{len(lines):,}".replace(",", "\u202f"), name
    assert counts["all.nt"] != counts["current.nt"]


def test_the_feeds_summaries_read_only_the_change_statements(register):
    """The feed counts each version's changes from the lines naming a change's kind and order
    (summary_only): the same summaries as from the whole changes graph, here the register's
    version 6 against 5 (a competence renamed, indicators reworded, ...). A literal that
    happens to hold such a predicate is not taken for a statement."""
    from kutse_rdf.site.feed import summary_lines, version_changes

    changes = (register / "data" / "changes.nt").read_bytes()
    whole, summaries = version_changes(changes), version_changes(changes, summary_only=True)
    assert {iri: (c.older_key, c.kinds) for iri, c in whole.items()} == \
        {iri: (c.older_key, c.kinds) for iri, c in summaries.items()}
    assert summaries[A + "/version/6"].older_key == "5"
    assert sum(summaries[A + "/version/6"].kinds.values()) >= 4
    kind = f"<{KUTSE}changeKind>"
    trap = f'<{A}/version/6#x> <{KUTSE}newValue> "a > {kind} \\"added\\" ." .\n'.encode()
    real = f'<{A}/version/6#x> {kind} "added" .\n'.encode()
    assert summary_lines(trap + real) == real
