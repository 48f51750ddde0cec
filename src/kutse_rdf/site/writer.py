"""The static site: build/site/ from the graph, the reports and site_templates/.

Layout (see README, section "site"):
- Estonian is the default tree (/), English mirrors it under /en/; every page links to its twin.
- Every slash URI with a site path (its URI minus the base URI, or minus https://w3id.org/kutse-rdf/
  for reference vocabularies) is a folder with index.html, index.ttl and index.jsonld. Hash IRIs
  (indicators, work parts, the ELM view's nodes, ontology terms) are sections of their document's
  page, and their statements are in its index.ttl / index.jsonld.
- All links are relative and point at index.html files, so the site works from file:// and under
  any host path. No page loads anything from elsewhere.

The stages (SiteWriter.build):
1. gather the standards: a job per standard graph of data/graphs.json, with its ELM lines;
2. render each standard's pages (render.py), over its own graph, its ELM lines and the reference
   graph alone: in worker processes when there are many, and not at all when the previous build
   has them for the same inputs;
3. render the shared pages, which no standard owns (e-CF, councils, ESCO, EQF, the ontology), from
   the reference graph and each standard's summary (summary.py), not from the whole graph;
4. render the global pages: search index, validation, search and 404 pages, sitemap, and once
   the query reports are written, downloads, coverage index, home and VoID;
5. take over the unchanged pages: move their folders out of the previous build.
What may be taken over, and when, is the business of reuse.PageBook alone.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import pickle
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

import pyoxigraph as ox

from kutse_rdf.config import Config
from kutse_rdf.engine.cache import collections_paused, link_or_copy
from kutse_rdf.engine.dumps import unit_keys, write_serialisations
from kutse_rdf.engine.unit import copy_range
from kutse_rdf.graph.convert import build_time
from kutse_rdf.graph.namespaces import DCAT, ECF_SCHEMES, ESCO_ROOT, KUTSE, PREFIXES
from kutse_rdf.graph.ntriples import lines_starting
from kutse_rdf.graph.uris import Uris
from kutse_rdf.resources import resource_dir
from kutse_rdf.site.esco import SUGGESTIONS, suggestions_by_standard
from kutse_rdf.site.graph import SiteGraph, read_dump, read_manifest
from kutse_rdf.site.jsonld import embed
from kutse_rdf.site.meta import (dataset_description, described_ahead, download_files,
                                 nested_downloads)
from kutse_rdf.site.render import (FileWriter, Output, Renderer, StandardJob, StandardRenderer,
                                   Workers, load_settings, make_environment, owner, page_iris,
                                   shorten, simple_jsonld, standard_folders, worker_count)
from kutse_rdf.site.reuse import CACHE_DIR, PageBook
from kutse_rdf.site.search import (BODY, NOTATION, SEARCH_PARTS, TEXT_FOLDER, TITLE, Part,
                                   read_search_parts)
from kutse_rdf.site.summary import Summary, summarise
from kutse_rdf.site.views import Link, code_key, natural_key

if TYPE_CHECKING:
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.dumps import ElmView

QUERY_ROWS_SHOWN = 100
QUERIES = "queries"  # the site folder of the queries page and the library's .rq files
ECF_SCHEME_IRIS = {str(ns) for ns in ECF_SCHEMES.values()}  # the e-CF versions, on the home page


# graphs.json kinds whose folder's Turtle and JSON-LD are made in cached chunks: the sorted
# files data/ writes of graphs no unit owns (the changes graph is ~30 MB on a register; the
# inferred graph's are data/inferred.ttl and .jsonld, the units' pieces: linked)
CHUNKED_GRAPHS = ("changes", "shared", "reference")
# a named graph's page (graph_folders) names its dumps, the files beside it
GRAPH_ALTERNATES = [("text/turtle", "index.ttl"), ("application/ld+json", "index.jsonld"),
                    ("application/n-triples", "index.nt"), ("application/trig", "index.trig")]


@dataclass
class SiteStats:
    pages: int = 0
    resources: int = 0
    files: int = 0
    reused: int = 0  # standards whose pages were taken over from the previous build
    sitemap: list[str] = field(default_factory=list)


# -- what crosses between the stages --------------------------------------------------------------

@dataclass
class SiteInputs:
    """What the site is made of, read from data/ (stage 1)."""

    reference: list[bytes]  # the reference graph, N-Triples
    jobs: list[StandardJob]  # one per version of a standard, by IRI
    shared_elm: bytes  # the ELM view's lines about resources no standard owns
    works: dict[str, bytes] = field(default_factory=dict)  # work IRI -> its graph, N-Triples
    changes: bytes = b""  # the changes graph (graph/changes.py), N-Triples
    versions: list[dict] = field(default_factory=list)  # graphs.json's entries of the versions
    # what the versions say about the councils and organisations they name (the shared graph,
    # by subject): a version's pages read the descriptions its graph names (about_named)
    described: dict[bytes, bytes] = field(default_factory=dict)

    @property
    def standards(self) -> list[str]:
        return [job.iri for job in self.jobs]

    @functools.cached_property
    def listed(self) -> list[str]:
        """The versions the home, coverage and shared pages list: each work's current one
        (every version when the data has no work graphs); a pass over every work's graph, made
        once."""
        current = {o for graph in self.works.values() for _, o in links(graph, HAS_CURRENT)}
        return [iri for iri in self.standards if iri in current] if self.works else self.standards


HAS_VERSION = str(DCAT.hasVersion).encode()
HAS_CURRENT = str(DCAT.hasCurrentVersion).encode()
_VERSION_NAMES = tuple(str(p).encode() for p in (DCAT.version, KUTSE.decisionDate, KUTSE.validUntil))


def links(nt: bytes, predicate: bytes) -> list[tuple[str, str]]:
    """(subject, object) of the N-Triples lines with `predicate` between two IRIs."""
    tag = b"> <" + predicate + b"> <"
    found = []
    for line in nt.splitlines():
        if tag in line:
            subject, _, rest = line[1:].partition(tag)
            found.append((subject.decode(), rest.partition(b">")[0].decode()))
    return found


def described(nt: bytes) -> dict[bytes, bytes]:
    """N-Triples lines by their subject IRI (`<iri>`)."""
    found: dict[bytes, list[bytes]] = {}
    for line in nt.splitlines(keepends=True):
        if line.startswith(b"<"):
            found.setdefault(line[:line.index(b">") + 1], []).append(line)
    return {subject: b"".join(lines) for subject, lines in found.items()}


_IRI_OBJECT = re.compile(rb" (<[^<>\n]*>) \.$", re.MULTILINE)  # a line's IRI object


def about_named(nt: bytes, descriptions: dict[bytes, bytes]) -> bytes:
    """The descriptions of the IRIs that N-Triples lines `nt` name as an object."""
    if len(descriptions) <= 64:  # a few councils and organisations: one substring search each
        named = {s for s in descriptions if b" " + s + b" .\n" in nt}
    else:
        named = descriptions.keys() & set(_IRI_OBJECT.findall(nt))
    return b"".join(descriptions[subject] for subject in sorted(named))


def version_lines(iri: str, graph: bytes) -> bytes:
    """The lines of a version's graph that name and date it (its siblings' pages list it)."""
    starts = (b"<%s> <%s>" % (iri.encode(), p) for p in _VERSION_NAMES)
    # a search per predicate, not a pass over every line; the lines keep their order
    return b"".join(line for _, line in sorted(
        found for start in starts for found in lines_starting(graph, start)))


@dataclass
class StandardPages:
    """Each standard's pages: what rendering them gave, and its summary for the shared pages
    (stage 2); `todo` are the standards rendered in this build, the others were taken over."""

    outputs: dict[str, Output] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    todo: list[StandardJob] = field(default_factory=list)


@dataclass
class SharedPages:
    """The pages no standard owns, over the graph they were made from (stage 3)."""

    graph: SiteGraph
    output: Output
    triples: int  # distinct statements of the asserted graphs, for the VoID description


def changes_by_work(changes: bytes, work_of: Callable[[str], str]) -> dict[str, list[bytes]]:
    """The changes graph's lines by work (`work_of`: a subject's document -> its work). Their
    subjects are below the work's versions' IRIs and a work's lines are together
    (dumps.changes_lines), so a line that starts with the line before's `<B/standard/S/version/`
    and a version key is of the same work: the work is worked out once a run of lines, not
    once a line (~150,000 lines on a register)."""
    found: dict[str, list[bytes]] = {}
    same: bytes | None = None
    lines: list[bytes] = []
    for line in changes.splitlines(keepends=True):
        if same is None or not line.startswith(same) or line[len(same):len(same) + 1] in b"/#> ":
            document = line[1:line.find(b">")].partition(b"#")[0].decode("utf-8", "replace")
            work = work_of(document)
            lines = found.setdefault(work, [])
            same = f"<{work}/version/".encode() if work != document else None
        lines.append(line)
    return found


@functools.lru_cache(maxsize=64)
def run_pattern(length: int) -> re.Pattern:
    """Lines whose subject begins with the first line's first `length` bytes after `<` and then
    `/`, `#` or `>`: a standard's run, for its IRI of that length (one pattern per length, not
    per standard: compiling one per standard cost a register's rebuild 0.4 s)."""
    return re.compile(rb"(<[^\n]{%d})[/#>][^\n]*\n(?:\1[/#>][^\n]*\n)*" % length)


def split_elm(elm: bytes, standards: set[str]) -> tuple[dict[str, list[bytes]], list[bytes]]:
    """The ELM view's lines by the standard whose folder holds their subject's page, and the lines
    about resources no standard owns (for the shared pages). Lines about blank nodes (none today)
    go to every standard and to the shared pages, so that no description loses them.

    The view lists a standard's nodes together, so a standard's lines are taken a run at a time
    (a regular expression finds where the run ends: run_pattern) rather than a line at a time."""
    parts: dict[str, list[bytes]] = {iri: [] for iri in standards}
    rest: list[bytes] = []
    blank: list[bytes] = []
    owners: dict[bytes, str | None] = {}  # by subject document
    names = sorted(standards)
    # runs need no standard's folder inside another's (never so; else a line at a time)
    runs_ok = not any(b.startswith(a + "/") for a, b in zip(names, names[1:]))
    pos, size = 0, len(elm)
    while pos < size:
        end = elm.find(b"\n", pos) + 1 or size
        if elm.startswith(b"<", pos):
            doc = elm[pos + 1:elm.index(b">", pos)].partition(b"#")[0]
            if doc not in owners:
                owners[doc] = owner(doc.decode("utf-8"), standards)
            iri = owners[doc]
            if iri is None:
                rest.append(elm[pos:end])
            elif runs_ok:
                end = max(run_pattern(len(iri.encode())).match(elm, pos).end(), end)
                parts[iri].append(elm[pos:end])
            else:
                parts[iri].append(elm[pos:end])
        elif elm.startswith(b"_:", pos):
            blank.append(elm[pos:end])
        pos = end
    if blank:
        for lines in parts.values():
            lines.extend(blank)
    return parts, rest + blank


class StandardsRendering:
    """The standards left to render: in worker processes, started at once, when there are many;
    else here, when `render_inline` is called (while the shared pages' graph loads)."""

    def __init__(self, todo: list[StandardJob], out: Path, base_uri: str, reference: list[bytes],
                 scratch: Path, templates: Path | None, files: FileWriter | None = None):
        self.todo, self.out, self.base_uri, self.reference = todo, out, base_uri, reference
        self.templates, self.files = templates, files
        count = worker_count(len(todo))
        self.workers = (Workers(todo, count, out, base_uri, reference, scratch, templates)
                        if count else None)
        self.outputs: dict[str, Output] = {}

    def render_inline(self) -> None:
        if self.workers is None and self.todo:
            renderer = StandardRenderer(self.out, self.base_uri, self.reference, self.templates,
                                        self.files)
            for job in self.todo:
                self.outputs[job.iri] = renderer.render(job)

    def results(self) -> dict[str, Output]:
        if self.workers is not None:
            self.outputs.update(self.workers.results())
        return self.outputs

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()


@dataclass
class WholeSitePages:
    """The renderer of the pages of the whole site, the query library both halves list, and
    what the first half gave the second (SiteWriter.pages_of_the_build: the downloads and the
    dataset's description)."""
    renderer: Renderer
    library: dict
    downloads: list[dict] = field(default_factory=list)
    nested_downloads: list[dict] | None = None  # those of data/'s folders, made before the reports
    described: dict | None = None  # their part of the description (meta.described_ahead)
    description: dict | None = None


class SiteWriter:
    def __init__(self, root: Path, config: Config, previous: Path | None = None,
                 reports_ready: Callable[[], None] = lambda: None,
                 cache: "ArtifactCache | None" = None, merged_triples: dict[str, int] | None = None,
                 work_changes: dict[str, bytes] | None = None,
                 files_ready: Callable[[], None] = lambda: None, elm_view: "ElmView | None" = None):
        self.root = root
        self.merged_triples = merged_triples or {}
        self.work_changes = work_changes  # see build_site
        self.cache = cache  # the build's: the large graphs' Turtle and JSON-LD chunks
        self.unit_keys = unit_keys(cache) if cache is not None else {}  # data file -> unit key
        self.reports_ready = reports_ready  # returns once reports/queries/ is written
        self.files_ready = files_ready  # returns once data/'s ELM and inferred files are written
        self.elm_view = elm_view  # see build_site
        self.out = root / "site"
        self.config = config
        self.settings, self.i18n = load_settings()
        self.languages: list[str] = self.settings["languages"]
        self.env = make_environment(config.templates)
        self.previous = previous
        self.paths = SiteGraph(config.base_uri)  # URI -> folder only
        self.book: PageBook | None = None  # the build's incremental bookkeeping, set by build()
        # kernel copies nothing reads before the end (the large graphs' index.trig: ~270 MB on
        # a register after a new version), in a thread of build(): they need no interpreter lock
        self.copier: ThreadPoolExecutor | None = None
        self.copies: list[Future] = []
        # the pages' files, written in a thread while build() runs (render.FileWriter)
        self.files: FileWriter | None = None

    def tree(self, lang: str) -> str:
        return "" if lang == self.languages[0] else f"{lang}/"

    def renderer(self, graph: SiteGraph) -> Renderer:
        return Renderer(self.out, graph, self.env, self.settings, self.i18n, self.files)

    # -- the stages ----------------------------------------------------------------------------
    def build(self) -> SiteStats:
        self.copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="site-copies")
        self.files = FileWriter()
        try:
            return self._build()
        finally:
            self.files.close()  # never a write into a folder being removed
            self.files = None
            self.copier.shutdown(wait=True)
            self.copier = None

    def finish_copies(self) -> None:
        """Wait for the copies started in the copier thread and the files given to the files'
        thread; the first error is raised."""
        copies, self.copies = self.copies, []
        for copy in copies:
            copy.result()
        if self.files is not None:
            self.files.flush()

    def _build(self) -> SiteStats:
        self.out.mkdir(parents=True, exist_ok=True)
        site = self.gather_standards()
        # every standard's pages are keyed by the descriptions too: a version's graph names
        # few of them, and searching each graph for them all cost more than rendering again
        # the rare time one changes
        book = self.book = PageBook(self.previous, self.root, self.languages, self.config.base_uri,
                                    [*site.reference, *(site.described[s] for s in sorted(site.described))],
                                    self.config.templates)
        standards = self.unchanged_standards(site)
        rendering = StandardsRendering(standards.todo, self.out, self.config.base_uri, site.reference,
                                       self.root / CACHE_DIR, self.config.templates, self.files)
        try:
            # the workers have their jobs' bytes in their input files: a job's are dropped here
            # once it has its summary (a register's versions are hundreds of MB together)
            works = Output()

            def meanwhile() -> None:  # while the shared pages' graph loads
                rendering.render_inline()
                works.add(self.render_work_pages(site))

            shared = self.render_shared_pages(site, standards, meanwhile,
                                              release=rendering.workers is not None)
            whole = WholeSitePages(self.renderer(shared.graph), query_headers(self.config.queries))
            if rendering.workers is not None:  # this process would wait for them: meanwhile
                self.pages_of_the_build(whole, shared)
            standards.outputs.update(rendering.results())
        finally:
            rendering.close()
        for job in standards.todo:
            book.rendered_standard(job, standards.outputs[job.iri], standards.summaries[job.iri])
        output = self.render_global_pages(site, standards, shared, whole)
        output.add(works)
        self.finish_copies()
        # the folders taken over so far move while a rebuild may still wait for its query
        # reports; should what follows fail, they move back: the previous build stays whole
        book.take_over_so_far(self.out)
        try:
            self.render_report_pages(site, standards, shared, whole, output)
            self.finish_copies()
            book.take_over(self.out)
        except BaseException:
            book.give_back()
            raise
        return SiteStats(output.pages, output.resources, output.files,
                         reused=len(site.jobs) - len(standards.todo), sitemap=output.sitemap)

    def gather_standards(self) -> SiteInputs:
        """Stage 1: the reference graph, a job per standard graph of the manifest (with the ELM
        view's lines about it), and the ELM view's lines about resources no standard owns."""
        entries = read_manifest(self.root)
        reference = [read_dump(self.root, e) for e in entries if e.get("kind") == "reference"]
        uris = Uris(self.config.base_uri)
        versions: list[tuple[str, dict]] = []
        works: dict[str, bytes] = {}
        for entry in entries:
            if entry.get("kind") == "standard":
                # a version's graph; a build made before versions named a standard's graph so
                graph = str(entry.get("graph", ""))
                iri = uris.standard_of_graph(graph) or uris.work_of_graph(graph)
                if iri is not None:
                    versions.append((str(iri), entry))
            elif entry.get("kind") == "work":
                iri = uris.work_of_graph(str(entry.get("graph", "")))
                if iri is not None:
                    works[str(iri)] = read_dump(self.root, entry)
        # what the versions say about the councils and organisations they name sits in the
        # shared graph (one graph for all): each version's page reads it with its own graph
        # (added to the versions that are rendered: unchanged_standards)
        shared = described(b"".join(read_dump(self.root, e) for e in entries
                                    if e.get("kind") == "shared"))
        elm_parts = self.elm_parts([e for e in entries if e.get("kind") == "elm"],
                                   {iri: str(entry.get("graph", "")) for iri, entry in versions})
        if elm_parts is None:
            elm = b"".join(read_dump(self.root, e) for e in entries if e.get("kind") == "elm")
            parts, rest = split_elm(elm, {iri for iri, _ in versions})
            blank = b"_:" in elm
            del elm  # the parts are copies: hundreds of MB on a register, not held twice
        else:
            parts, rest, blank = elm_parts
        # each version's graph and ELM lines are its unit's output, named by the unit's cache
        # key: with every key known the pages are keyed by them and only the versions rendered
        # are read (a register's versions are hundreds of MB); else every graph is read and hashed
        unit_keys = {iri: self.unit_keys.get(str(entry.get("file", ""))) for iri, entry in versions}
        keyed = all(unit_keys.values()) and not blank  # blank lines go to every version
        # each version's page lists its work's versions: the work's graph and their names
        def work_of(iri: str) -> str:
            version = uris.version_of(iri)
            return str(uris.work(version[0])) if version else iri

        of_work: dict[str, list[tuple[str, dict]]] = {}
        for iri, entry in versions:
            of_work.setdefault(work_of(iri), []).append((iri, entry))
        # the suggestions name version-independent resources: each version of the work gets them
        work_iris = set(of_work)
        suggestions = suggestions_by_standard(self.root / "reports" / SUGGESTIONS, self.config.base_uri,
                                              lambda iri: owner(iri, work_iris))
        if self.work_changes is not None:  # the build's own: no split of ~150,000 lines
            work_changes = dict(self.work_changes)
            changes = b"".join(work_changes.values())
        else:
            changes = b"".join(read_dump(self.root, e) for e in entries if e.get("kind") == "changes")
            # one bytes object and one hash per work, for all its versions' jobs
            work_changes = {work: b"".join(lines)
                            for work, lines in changes_by_work(changes, work_of).items()}
        changes_digests = {work: hashlib.sha256(lines).hexdigest() for work, lines in work_changes.items()}

        # each version's graph read once: a version's names and dates are taken when it is read
        # (its siblings' pages list them); a sibling read for them first keeps its graph
        # until its own job takes it
        names: dict[str, bytes] = {}
        read_ahead: dict[str, bytes] = {}

        def graph_of(iri: str, entry: dict) -> bytes:
            graph = read_ahead.pop(iri, None)
            if graph is None:
                graph = read_dump(self.root, entry)
                names[iri] = version_lines(iri, graph)
            return graph

        def siblings(work: str) -> bytes:  # the work's graph and its versions' names and dates
            for iri, entry in of_work[work]:
                if iri not in names:
                    read_ahead[iri] = graph_of(iri, entry)
            return works.get(work, b"") + b"".join(names[iri] for iri, _ in of_work[work])

        jobs = []
        for iri, entry in sorted(versions, key=lambda version: version[0]):
            work = work_of(iri)
            # each version's lines joined and their pieces let go at once (a register's ELM
            # view would otherwise be held twice)
            own = parts.pop(iri)
            job = StandardJob(iri, b"", b"" if callable(own) else b"".join(own),
                              suggestions=suggestions.get(work, b""),
                              changes=work_changes.get(work, b""),
                              changes_digest=changes_digests.get(work, ""),
                              elm_source=own if callable(own) else None)
            job.source = lambda iri=iri, entry=entry, work=work: (graph_of(iri, entry), siblings(work))
            if keyed:
                job.inputs_key = "\n".join([
                    unit_keys[iri], hashlib.sha256(works.get(work, b"")).hexdigest(),
                    *sorted(f"{sibling} {unit_keys[sibling]}" for sibling, _ in of_work[work])])
            else:
                job.load()
            jobs.append(job)
        return SiteInputs(reference, jobs, b"".join(rest), works, changes,
                          [e for e in entries if e.get("kind") == "standard"], shared)

    def elm_parts(self, entries: list[dict], graphs: dict[str, str]):
        """split_elm's parts of data/elm.nt without reading the file, from the pieces the build
        makes it of (`elm_view`, dumps.ElmView): (each version's lines, as a function that
        reads them, the lines about resources no version owns, whether the file names a blank
        node). The shared lines after the versions' are split as split_elm would (a line there
        about a version's resource goes with it). None without the pieces of this file (then
        all of it is read and split)."""
        view = self.elm_view
        if view is None or len(entries) != 1 or entries[0].get("file") != "elm.nt" \
                or not set(graphs.values()) <= view.own.keys():
            return None
        extra, rest = split_elm(view.shared, set(graphs))
        return ({iri: lambda iri=iri: view.own[graphs[iri]]() + b"".join(extra[iri]) for iri in graphs},
                rest, view.blank)

    def unchanged_standards(self, site: SiteInputs) -> StandardPages:
        """Stage 2, first half: the standards whose pages the previous build has for the same
        inputs (taken over at the end); the others are to render."""
        standards = StandardPages()
        with collections_paused():  # the summaries and outputs read here live to the end
            found_all = [self.book.standard(job, self.folders_of(job.iri)) for job in site.jobs]
        for job, found in zip(site.jobs, found_all):
            if found is not None:
                standards.outputs[job.iri], standards.summaries[job.iri] = found
                job.release()  # keyed: nothing reads its bytes again
            else:
                job.load()
                if site.described:
                    job.graph += about_named(job.graph, site.described)
                standards.todo.append(job)
        return standards

    def render_shared_pages(self, site: SiteInputs, standards: StandardPages,
                            meanwhile: Callable[[], None], release: bool = False) -> SharedPages:
        """Stage 3: the pages no standard owns, made from the reference graph and the standards'
        summaries: taken over whole while those are unchanged, else page by page while what each
        page read is unchanged. Their graph loads in a thread (Oxigraph releases the GIL) while
        `meanwhile` runs (the changed standards, when they are rendered here, and the works'
        pages)."""
        base, book = self.config.base_uri, self.book
        listed = set(site.listed)
        for job in standards.todo:
            standards.summaries[job.iri] = summarise(job.iri, job.graph, job.elm, base,
                                                     current=job.iri in listed)
            if release:
                job.release()
        summaries = {iri: standards.summaries[iri] for iri in site.standards}
        unchanged = book.shared_pages_unchanged(site.shared_elm, summaries)
        parts = list(summaries.values())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="site-graph") as loader:
            if unchanged:
                # nothing renders them: the links from the standards are not needed
                loading: Future = loader.submit(SiteGraph.from_parts, base,
                                                [*site.reference, *(p.shared for p in parts)],
                                                site.shared_elm)
                links = 0
            else:
                loading = loader.submit(SiteGraph.from_parts, base,
                                        [*site.reference, *(t for p in parts for t in (p.shared, p.links))],
                                        [site.shared_elm, *(p.elm_links for p in parts)])
                links = sum(p.links.count(b"\n") for p in parts)
            meanwhile()
            graph = loading.result()
        if unchanged:
            output = book.take_over_shared_pages()
        else:
            renderer = self.renderer(graph)
            # the works' folders hold the versions' and the redirect pages (redirect_pages)
            book.render_shared_pages(graph, renderer,
                                     page_iris(graph, skip={*site.standards, *site.works}),
                                     site.shared_elm, renderer.ontology_path, summaries)
            output = renderer.output
            book.rendered_shared_pages(output, self.movable(graph, output.sitemap, site.standards))
        triples = len(graph.store) - links + sum(p.owned for p in parts)
        return SharedPages(graph, output, triples)

    def render_work_pages(self, site: SiteInputs) -> Output:
        """Stage 3b: the pages made from the works' graphs and the manifest alone (the
        version-independent IRIs' redirect pages, the named graphs' folders). Written while
        the workers render the standards and the shared pages' graph loads (creating files is
        most of their cost); each work's and each graph's taken over while its input is
        unchanged. Their renderer needs no graph but the base URI's."""
        renderer = self.renderer(self.paths)
        self.redirect_pages(renderer, site)
        self.graph_folders(renderer)
        return renderer.output

    def pages_of_the_build(self, whole: WholeSitePages, shared: SharedPages) -> None:
        """Stage 4, first half: the pages of the whole site that no standard's pages feed (the
        assets, validation, search and 404 pages, the downloads, queries and VoID), made from
        the build's reports and dumps. Rendered while the site's workers render the standards
        when there are workers, else in render_global_pages and render_report_pages."""
        self.pages_before_reports(whole)
        self.pages_of_the_reports(whole, shared)

    def pages_before_reports(self, whole: WholeSitePages) -> None:
        renderer = whole.renderer
        self.files_ready()  # the downloads describe data/'s files
        self.copy_assets(renderer)
        self.simple_pages(renderer)
        whole.nested_downloads = nested_downloads(self.root, self.out, self.settings,
                                                  self.graph_folder)
        whole.described = described_ahead(self.config.base_uri, whole.nested_downloads,
                                          read_manifest(self.root), self.settings)

    def pages_of_the_reports(self, whole: WholeSitePages, shared: SharedPages) -> None:
        renderer = whole.renderer
        self.reports_ready()  # the downloads (hence home, VoID) and the queries page read reports/
        whole.downloads = download_files(self.root, self.out, self.settings, self.graph_folder,
                                          self.merged_triples, whole.nested_downloads)
        renderer.output.files += len(whole.downloads)
        whole.description = dataset_description(self.config.base_uri, self.settings, whole.downloads,
                                                shared.triples, read_manifest(self.root), whole.described)
        self.queries_page(renderer, whole.library)
        self.downloads_page(renderer, whole.downloads)
        self.void(renderer, whole.description)

    def render_global_pages(self, site: SiteInputs, standards: StandardPages, shared: SharedPages,
                            whole: WholeSitePages) -> Output:
        """Stage 4: the pages of the whole site that the query reports do not feed (those made
        from a few known inputs are taken over through self.book while those are unchanged): on
        a rebuild the reports may still be running, and they are then what the build waits for
        (render_report_pages makes the rest). Returns the site's output so far."""
        total = Output()
        total.add(shared.output)
        for iri in site.standards:
            total.add(standards.outputs[iri])
        renderer = whole.renderer
        renderer.search.entries = total.search
        self.index_queries(renderer, whole.library)
        # the standards' entries are what their pages' key names (taken over or rendered the same)
        self.search_files(renderer, len(shared.output.search),
                          [(iri, len(standards.outputs[iri].search)) for iri in site.standards])
        self.sitemap(renderer, shared.graph, shared.output.sitemap,
                     {iri: standards.outputs[iri].sitemap for iri in site.standards}, site.standards)
        self.changes_feed(renderer, site, standards)
        if whole.description is None:
            self.pages_before_reports(whole)
        return total

    def render_report_pages(self, site: SiteInputs, standards: StandardPages, shared: SharedPages,
                            whole: WholeSitePages, total: Output) -> None:
        """Stage 5: the pages the query reports and the merged dumps feed (the downloads,
        queries, VoID, coverage index and home pages), added to the site's output `total`."""
        renderer = whole.renderer
        if whole.description is None:
            self.pages_of_the_reports(whole, shared)
        listed = site.listed
        links_of = {lang: [Link(*standards.outputs[iri].link[lang]) for iri in listed]
                    for lang in self.languages}
        self.coverage_index(renderer, links_of, whole.library)
        cards = {lang: {iri: standards.outputs[iri].card.get(lang, {}) for iri in listed}
                 for lang in self.languages}
        self.home(renderer, shared.graph, links_of, cards, whole.downloads, whole.description)
        total.pages += renderer.output.pages
        total.files += renderer.output.files

    # -- helpers of the stages -------------------------------------------------------------------
    def movable(self, graph: SiteGraph, iris: list[str], standards: list[str]) -> list[str] | None:
        """The folders that hold the shared pages (the topmost of them, in every tree), or None
        when one of them would also hold other pages (then they are always rendered)."""
        folders = sorted({self.tree(lang) + graph.path_of(iri) for iri in iris for lang in self.languages})
        top: list[str] = []
        for folder in folders:
            if not (top and folder.startswith(top[-1])):
                top.append(folder)
        others = [f for iri in standards for f in self.folders_of(iri)]
        reserved = {self.tree(lang) + name for lang in self.languages
                    for name in ("", "assets/", "data/", "reports/", "coverage/", "downloads/",
                                 "validation/", "search/", "queries/", ".well-known/")}
        if any(f in reserved or f.split("/", 1)[0] in ("assets", "data", "reports") for f in top):
            return None
        if any(o.startswith(f) for f in top for o in others):
            return None
        return top

    def folders_of(self, standard: str) -> list[str]:
        return standard_folders(self.paths.path_of(standard) or "", self.languages)

    def copy_assets(self, renderer: Renderer) -> None:
        source = resource_dir("site_templates") / "assets"
        for file in sorted(source.iterdir()):
            if file.is_file():
                renderer.write(self.out / "assets" / file.name, file.read_bytes())

    # -- the global pages ------------------------------------------------------------------------
    def redirect_pages(self, renderer: Renderer, site: SiteInputs) -> None:
        """The version-independent IRIs' folders (`standard/S/`, `…/competence/B.3.5/`, and the
        standard's coverage page): small pages that send the reader to the current version's
        page (meta refresh, a link, rel=canonical), so the IRIs of a lone standard keep
        resolving. A resource the current version no longer has goes to the newest version
        that has it."""
        uris = Uris(self.config.base_uri)
        template = self.env.get_template("redirect.html")
        for work, graph in sorted(site.works.items()):
            pages: list[tuple[str, str]] = []  # (the IRI's folder, its target's), made on a miss

            def occupied(work=work, graph=graph, pages=pages) -> list[str] | None:
                pages.extend(self.redirects(uris, work, graph))
                return self.redirect_entries(work, [source for source, _ in pages])

            def render(pages=pages) -> None:
                for source, target in pages:
                    for lang in self.languages:
                        tree = self.tree(lang)
                        up = "../" * (tree + source).count("/")
                        href = up + tree + SiteGraph.href_path(target)
                        renderer.write(self.out / tree / source / "index.html", template.render(
                            lang=lang, t=self.i18n[lang], href=href, target=target,
                            canonical=renderer.url(lang, target),
                            description=shorten(f"{self.i18n[lang]['redirect_text']} {target}")))

            # the pages are a function of the work's graph: a work whose graph is unchanged
            # has them in the previous build, where they are found without working them out
            self.book.global_pages(f"redirects {work}", [graph], occupied, render, renderer.output)

    def redirects(self, uris: Uris, work: str, graph: bytes) -> list[tuple[str, str]]:
        """A work's redirect pages: (the folder of a version-independent IRI, the folder of the
        version it sends to), sorted."""
        from kutse_rdf.versions import _order

        current = dict(links(graph, HAS_CURRENT))
        targets: dict[str, str] = {}
        for independent, version in links(graph, HAS_VERSION):
            if independent not in current:
                known = targets.get(independent)
                key = _order(uris.version_of(version)[1])
                if known is None or key > _order(uris.version_of(known)[1]):
                    targets[independent] = version
        targets.update(current)
        pages = [(self.paths.path_of(i), self.paths.path_of(t)) for i, t in targets.items()]
        if work in current:
            pages.append(("coverage/" + self.paths.path_of(work),
                          "coverage/" + self.paths.path_of(current[work])))
        return sorted(p for p in pages if p[0] and p[1])

    def redirect_entries(self, work: str, sources: list[str]) -> list[str] | None:
        """What a work's redirect pages occupy in every language tree, to be taken over as a
        whole: its folder's index.html, the folders beside its versions' (`competence/`,
        `partial/`, …) and its coverage page; None if one of them would hold other pages."""
        home = self.paths.path_of(work) or ""
        entries: set[str] = set()
        for source in sources:
            if source == "coverage/" + home:
                entry = source + "index.html"
            elif source.startswith(home) and home:
                first = source[len(home):].split("/", 1)[0]
                entry = home + (first if first else "index.html")
                if first == "version":
                    return None
            else:
                return None
            entries.update(self.tree(lang) + entry for lang in self.languages)
        return sorted(entries)

    def search_files(self, renderer: Renderer, first: int = 0,
                     standards: list[tuple[str, int]] = ()) -> None:
        """assets/search-index.js and the snippet scripts assets/search/NAME.js, taken over while
        the site's search entries are the same (JSON of them: the same data gives the same text).
        The entries from `first` on are those of `standards` (IRI, number of entries), in turn:
        each standard's stand in the key as its pages' key (self.book.keys), not as ~10 MB of
        JSON on a register, and name its part of the index (search.py): a part the previous
        build compiled for the same key is taken from its SEARCH_PARTS (after a new version,
        all but the work's), and a snippet script it has is linked (its name is a hash of its
        text)."""
        search = renderer.search
        before = self.previous / "site" / "assets" if self.previous is not None else None
        parts_file = self.root / CACHE_DIR / SEARCH_PARTS
        previous_parts = self.previous / CACHE_DIR / SEARCH_PARTS if self.previous is not None else None

        def render() -> None:
            known = read_search_parts(previous_parts)
            compiled: dict[str, Part] = {}
            parts = [(first, None), *((count, self.book.keys[iri]) for iri, count in standards)]
            for name, text in search.files(parts, known, compiled).items():
                target = self.out / "assets" / name
                if not (before is not None and name.startswith(f"{TEXT_FOLDER}/")
                        and renderer.link(before / name, target)):
                    renderer.write(target, text)
            parts_file.write_bytes(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))

        def as_json(entries: list[tuple]) -> bytes:
            return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()

        end = first + sum(count for _, count in standards)
        keys = "\n".join(f"{iri} {count} {self.book.keys[iri]}" for iri, count in standards)
        inputs = [as_json(search.entries[:first]), keys.encode(), as_json(search.entries[end:])]
        self.book.global_pages("search", inputs, ["assets/search-index.js", "assets/search"],
                               render, renderer.output)
        if not parts_file.exists() and previous_parts is not None and previous_parts.is_file():
            link_or_copy(previous_parts, parts_file)  # taken over: the same parts, for the next build

    def coverage_index(self, renderer: Renderer, links_of: dict[str, list[Link]], library: dict) -> None:
        folder = self.root / "reports" / "queries"
        inputs = [repr(sorted(links_of.items())).encode(), repr(library).encode()]
        for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = file.with_suffix(".csv") if file.with_suffix(".csv").is_file() else file
            inputs += [data.name.encode(), data.read_bytes()]
        names = {l.iri: l.text for l in links_of[self.languages[0]]}

        def render() -> None:
            reports = load_query_results(folder, self.config.queries)
            for report in reports:
                report["rows"] = named_cells(report["columns"], report["rows"], self.paths, names)
            for lang in self.languages:
                entries = sorted(links_of[lang], key=lambda l: (code_key(l.notation), natural_key(l.text)))
                renderer.render("coverage_index.html", "coverage/", lang,
                                embed(simple_jsonld(self.i18n[lang]["coverage_title"], lang)),
                                self.i18n[lang]["coverage_title"], standards=entries, reports=reports,
                                description=self.i18n[lang]["coverage_intro"])

        self.book.global_pages("coverage index", inputs,
                          [self.tree(l) + "coverage/index.html" for l in self.languages],
                          render, renderer.output)

    def index_queries(self, renderer: Renderer, library: dict) -> None:
        """The queries page and each of its queries are search results (found by "SPARQL", a
        query's name, title and questions)."""
        if not library:
            return
        first = self.i18n[self.languages[0]]
        titles = [(self.i18n[lang]["queries_title"], TITLE) for lang in self.languages]
        renderer.search.add(QUERIES + "/", first["queries_title"], self.languages[0], "queries", None,
                            titles + [("SPARQL", NOTATION)], 0,
                            titles={lang: (self.i18n[lang]["queries_title"], lang) for lang in self.languages[1:]})
        for name, query in library.items():
            texts = [query.title, query.question_et, query.question_en]
            renderer.search.add(f"{QUERIES}/#{name}", query.title or name, "en", "query", name,
                                [(name, NOTATION), (query.title, TITLE), ("SPARQL", BODY)],
                                0, texts=[t for t in texts[1:] if t])

    def queries_page(self, renderer: Renderer, library: dict) -> None:
        """queries/: the library's queries for analysts (what each asks, its SPARQL text, its
        results from this build), each also as queries/NAME.rq."""
        folder = self.root / "reports" / "queries"
        queries = []
        for name, query in library.items():
            renderer.write(self.out / QUERIES / f"{name}.rq", query.text)
            results = [{"format": fmt, "path": f"reports/queries/{name}.{ext}",
                        "size": (folder / f"{name}.{ext}").stat().st_size}
                       for fmt, ext in (("CSV", "csv"), ("JSON", "json")) if (folder / f"{name}.{ext}").is_file()]
            queries.append({"name": name, "title": query.title, "question": {"et": query.question_et,
                                                                               "en": query.question_en},
                            "params": query.params, "text": query.text,
                            "results": results})
        for lang in self.languages:
            t = self.i18n[lang]
            renderer.render("queries.html", QUERIES + "/", lang, embed(simple_jsonld(t["queries_title"], lang)),
                            t["queries_title"], queries=queries)

    def home(self, renderer: Renderer, graph: SiteGraph, links_of: dict[str, list[Link]],
             cards: dict[str, dict], downloads: list[dict], description: dict) -> None:
        for lang in self.languages:
            views = renderer.views[lang]
            entries = [(link, cards[lang].get(link.iri) or {})
                       for link in sorted(links_of[lang], key=lambda l: natural_key(l.text))]
            ecf = views.links(s for s in graph.subjects()
                              if s in ECF_SCHEME_IRIS)
            jsonld = embed([simple_jsonld(self.i18n[lang]["site"], lang), description["schema"]])
            renderer.render("home.html", "", lang, jsonld, self.i18n[lang]["site"], standards=entries,
                            frameworks=ecf, downloads=downloads[:6],
                            description=shorten(self.i18n[lang]["what_is_standard"]))

    def changes_feed(self, renderer: Renderer, site: SiteInputs, standards: StandardPages) -> None:
        """changes.atom in each language tree (feed.py): every version, titled by the
        standard's name in that language (the English one where the document gives it)."""
        from kutse_rdf.site.feed import FEED_FILE, FeedEntry, atom_feed, version_changes

        uris = Uris(self.config.base_uri)
        changes = version_changes(site.changes, summary_only=True)
        built = build_time()
        for lang in self.languages:
            first = lang == self.languages[0]
            entries = []
            for entry in site.versions:
                iri = uris.standard_of_graph(str(entry.get("graph", "")))
                if iri is None or str(iri) not in standards.outputs:
                    continue
                link = Link(*standards.outputs[str(iri)].link[lang])
                url = renderer.url(lang, link.path or "")
                entries.append(FeedEntry(str(iri), link.text, url, str(entry.get("version") or ""),
                                         entry.get("valid_from"), entry.get("valid_through"),
                                         id=None if first else url))
            renderer.write(self.out / self.tree(lang) / FEED_FILE,
                           atom_feed(entries, changes, self.i18n[lang], lang, renderer.url(lang, ""), built))
            renderer.output.files += 1

    def simple_pages(self, renderer: Renderer) -> None:
        """The validation pages, the search page and the 404 page."""
        report = self.root / "reports" / "validation.json"
        text = report.read_bytes() if report.is_file() else b""
        has_ttl = (self.root / "reports" / "validation.ttl").is_file()

        def validation_pages() -> None:
            validation = load_json(report)
            for lang in self.languages:
                t = self.i18n[lang]
                renderer.render("validation.html", "validation/", lang,
                                embed(simple_jsonld(t["validation_title"], lang)), t["validation_title"],
                                report=validation_view(validation), has_ttl=has_ttl)

        self.book.global_pages("validation", [text, str(has_ttl).encode()],
                          [self.tree(lang) + "validation/" for lang in self.languages],
                          validation_pages, renderer.output)
        for lang in self.languages:
            t = self.i18n[lang]
            renderer.render("search.html", "search/", lang, embed(simple_jsonld(t["nav_search"], lang)),
                            t["nav_search"])
        # the 404 page is served for any path, so its links cannot be relative: it gets a minimal
        # page whose only link is to the site root by absolute path
        html = self.env.get_template("404.html").render(t=self.i18n[self.languages[0]],
                                                        t_en=self.i18n.get("en"), lang=self.languages[0])
        renderer.write(self.out / "404.html", html)

    def downloads_page(self, renderer: Renderer, downloads: list[dict]) -> None:
        for lang in self.languages:
            t = self.i18n[lang]
            renderer.render("downloads.html", "downloads/", lang,
                            embed(simple_jsonld(t["downloads_title"], lang)), t["downloads_title"],
                            downloads=downloads, licence=self.settings["licence"],
                            licence_name=self.settings["licence_name"],
                            description=shorten(f'{t["downloads_title"]}: {t["downloads_what"]}'))

    def graph_folders(self, renderer: Renderer) -> None:
        """Every named graph's IRI (`B graph/S/version/K`, `B graph/S`, `B graph/reference`, …,
        docs/knowledge-graph.md) as a folder of the site holding that graph's dump, so that the
        IRI resolves as a resource IRI does (serve and deploy/ negotiate a folder with
        index.ttl): index.nt (the graph's own file, linked), index.ttl, index.jsonld, index.trig
        (the graph under its name) and index.html, a page sending the reader to the downloads
        page, where every dump is listed. A graph named outside the base URI has no folder."""
        self.files_ready()
        template = self.env.get_template("redirect.html")
        lang = self.languages[0]
        words = {**self.i18n[lang], "redirect_title": self.i18n[lang]["graph_redirect_title"],
                 "redirect_text": self.i18n[lang]["graph_redirect_text"]}
        prefixes = {k: v for k, v in PREFIXES.items() if k}
        entries = read_manifest(self.root)
        # the IRIs whose folder holds a graph's folder (a work's holds its versions')
        holders: set[str] = set()
        for entry in entries:
            graph = str(entry.get("graph", ""))
            while "/" in graph:
                graph = graph.rsplit("/", 1)[0]
                holders.add(graph)
        for entry in entries:
            iri, source = str(entry.get("graph", "")), self.root / "data" / entry.get("file", "")
            folder = self.graph_folder(iri)
            if not folder or not source.is_file():
                continue
            rest = folder.rstrip("/")
            files = [f"{rest}/index{suffix}" for suffix in (".nt", ".ttl", ".jsonld", ".trig", ".html")]
            # a graph whose folder holds no other graph's is taken over as one folder
            leaf = iri not in holders

            def render(iri=iri, source=source, rest=rest, entry=entry) -> None:
                # from the N-Triples file without reading it whole where it is one (the ELM
                # view's and the inferred graph are hundreds of MB on a register)
                folder = self.out / rest
                # here, not by the files' thread: Oxigraph and the copier write into it too
                folder.mkdir(parents=True, exist_ok=True)
                nt = None if source.suffix == ".nt" else read_dump(self.root, entry)  # a fixture's
                if nt is None:
                    link_or_copy(source, folder / "index.nt")
                    renderer.output.files += 1
                else:
                    renderer.write(folder / "index.nt", nt)
                if nt is None and entry.get("kind") in CHUNKED_GRAPHS:
                    # no unit's, and large on a register: a rebuild makes its changed chunks only
                    # the changes graph's made a work at a time (dumps.chunks_of)
                    parts = (list(self.work_changes.values()) if self.work_changes is not None
                             and entry.get("kind") == "changes" else None)
                    write_serialisations(source.read_bytes(), folder / "index.ttl",
                                         folder / "index.jsonld", self.cache, parts)
                    renderer.output.files += 2
                else:
                    for suffix, rdf_format in ((".ttl", ox.RdfFormat.TURTLE),
                                               (".jsonld", ox.RdfFormat.JSON_LD)):
                        written = source.with_suffix(suffix)
                        if nt is None and written.is_file():
                            link_or_copy(written, folder / f"index{suffix}")
                        else:  # parsed and serialised by Oxigraph, into the file
                            triples = (ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)
                                       if nt is None else ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
                            ox.serialize(triples, str(folder / f"index{suffix}"), format=rdf_format,
                                         prefixes=prefixes if suffix == ".ttl" else None)
                        renderer.output.files += 1
                # N-Triples lines are TriG statements as they are: the graph's block needs no parse
                def write_trig() -> None:
                    with open(folder / "index.trig", "wb", buffering=0) as trig:
                        trig.write(b"<" + iri.encode() + b"> {\n")
                        if nt is None:  # copied by the kernel (the ELM view's: 180 MB on a register)
                            with source.open("rb") as lines:
                                copy_range(lines.fileno(), trig.fileno(), 0, os.fstat(lines.fileno()).st_size)
                        else:
                            trig.write(nt)
                        trig.write(b"}\n")

                if nt is None and self.copier is not None:
                    self.copies.append(self.copier.submit(write_trig))
                else:
                    write_trig()
                renderer.output.files += 1
                href = "../" * (rest.count("/") + 1) + self.tree(lang) + \
                    SiteGraph.href_path("downloads/")
                renderer.write(folder / "index.html", template.render(
                    lang=lang, t=words, href=href, target=iri,
                    canonical=renderer.url(lang, "downloads/"), alternates=GRAPH_ALTERNATES,
                    description=shorten(f"{words['redirect_text']} {iri}")))

            # the graph's bytes are its folder's input (the dumps beside it are made from them)
            digest = self.book.file_digest(source, f"data/{entry.get('file', '')}")
            self.book.global_pages(f"graph folder {iri}", [source.suffix.encode(), digest],
                                   [rest] if leaf else files, render, renderer.output)

    def graph_folder(self, iri: str) -> str | None:
        """The site folder of a named graph (`graph/S/version/K/`); None for a graph named
        outside the base URI, or the base URI itself."""
        return self.paths.path_of(iri) if iri.startswith(self.config.base_uri) else None

    def void(self, renderer: Renderer, description: dict) -> None:
        """void.ttl, .well-known/void and void.jsonld (meta.dataset_description)."""
        triples = description["triples"]
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=description["prefixes"])
        renderer.write(self.out / "void.ttl", turtle)
        renderer.write(self.out / ".well-known" / "void", turtle)
        renderer.write(self.out / "void.jsonld", ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
        self.host_root(renderer, turtle)

    def host_root(self, renderer: Renderer, void: bytes) -> None:
        """When the base URI has a path (http://host/kutse/), crawlers still look for
        /robots.txt and VoID clients for /.well-known/void at the host's root, outside the
        site's folder: site-root/ (beside site/) holds those two files, ready to be copied into
        the host's root folder — robots.txt naming the site's sitemap, the VoID description (its
        IRIs are absolute, so the same Turtle serves there), and for Apache a .htaccess that
        serves `void` as Turtle. Without a path the site is the root and has them itself."""
        base = self.config.base_uri
        if not urlsplit(base).path.strip("/"):
            return
        folder = self.root / "site-root"
        renderer.write(folder / "robots.txt", self.env.get_template("robots.txt").render(
            sitemap=base + "sitemap.xml"))
        renderer.write(folder / ".well-known" / "void", void)
        renderer.write(folder / ".well-known" / ".htaccess",
                       '<Files "void">\n    ForceType "text/turtle; charset=utf-8"\n</Files>\n')

    def sitemap(self, renderer: Renderer, graph: SiteGraph, shared: list[str],
                pages_of: dict[str, list[str]], standards: list[str]) -> None:
        """sitemap.xml and robots.txt. The sitemap lists the site's own pages, each by its URL
        under the base URI (a page of an outside IRI, such as an ESCO concept, by its folder
        here, not by that IRI), in every language tree; robots.txt points at it. One file holds
        at most 50,000 URLs (the sitemaps protocol's limit; a register's site has more): then
        sitemap.xml is an index of sitemap-N.xml files beside it, each holding whole standards'
        pages (and shared pages) by a hash of their IRI, so a new version changes its own file
        and the index; the rest are taken over."""
        fixed = ["coverage/", "downloads/", "validation/", "search/", "queries/"]
        # (owner, paths) in the order one file lists them: the home page, the shared pages,
        # each standard's pages, each standard's coverage page, the site's own pages
        groups = [("", [""]), *((iri, [graph.path_of(iri)]) for iri in shared),
                  *((iri, [graph.path_of(page) for page in pages_of[iri]]) for iri in standards),
                  *((iri, ["coverage/" + graph.path_of(iri)]) for iri in standards), ("", fixed)]
        today = build_time().date().isoformat()  # SOURCE_DATE_EPOCH for a reproducible build

        def urls(paths: list[str]) -> list[str]:
            return [renderer.url(lang, path) for path in paths for lang in self.languages]

        def write(name: str, listed: list[str], template: str = "sitemap.xml") -> None:
            self.book.global_pages(name, [template.encode(), today.encode(), "\n".join(listed).encode()],
                                   [name], lambda: renderer.write(self.out / name, self.env.get_template(
                                       template).render(urls=listed, today=today)), renderer.output)

        per_page = len(self.languages)
        if sum(len(paths) for _, paths in groups) * per_page <= SITEMAP_LIMIT:
            write("sitemap.xml", urls([path for _, paths in groups for path in paths]))
        else:
            files = sitemap_files(groups, per_page)
            for name, paths in files:
                write(name, urls(paths))
            write("sitemap.xml", [self.config.base_uri + name for name, _ in files], "sitemap_index.xml")
        renderer.write(self.out / "robots.txt", self.env.get_template("robots.txt").render(
            sitemap=self.config.base_uri + "sitemap.xml"))


SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)


def sitemap_files(groups: list[tuple[str, list[str]]], per_page: int) -> list[tuple[str, list[str]]]:
    """The pages of a site too large for one sitemap, as files sitemap-N.xml: each owner's
    (a standard's, a shared page's) by a hash of its IRI, in as few files (16, 32, …) as keep
    each within SITEMAP_LIMIT URLs (`per_page`: one per language)."""
    hashes = [int.from_bytes(hashlib.sha256(owner.encode()).digest()[:4], "big")
              for owner, _ in groups]
    count = 16
    while True:
        files: list[list[str]] = [[] for _ in range(count)]
        for number, (_, paths) in zip(hashes, groups):
            files[number % count] += paths
        if max(len(paths) for paths in files) * per_page <= SITEMAP_LIMIT:
            return [(f"sitemap-{n}.xml", paths) for n, paths in enumerate(files) if paths]
        count *= 2


def load_json(path: Path):
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def table_of(data) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of a query result: SPARQL JSON results or a list of objects."""
    if isinstance(data, dict) and "results" in data and "head" in data:
        columns = data["head"].get("vars", [])
        rows = [[(b.get(c) or {}).get("value", "") for c in columns] for b in data["results"].get("bindings", [])]
        return columns, rows
    if isinstance(data, dict) and "rows" in data:
        return table_of(data["rows"]) if not data.get("columns") else (
            data["columns"], [[str(r.get(c, "")) if isinstance(r, dict) else str(v) for c, v in
                               zip(data["columns"], r if isinstance(r, list) else [None] * len(data["columns"]))]
                              for r in data["rows"]])
    if isinstance(data, list) and data and isinstance(data[0], dict):
        columns = list(dict.fromkeys(k for row in data for k in row))
        return columns, [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in data]
    return [], []


def query_headers(extra: Path | None = None) -> dict:
    """The named queries' headers (shipped and Config.queries'), for the reports' titles."""
    try:
        from kutse_rdf.query import library

        return library(extra)
    except Exception:  # noqa: BLE001 (a broken query library must not stop the site)
        return {}


def load_query_results(folder: Path, extra: Path | None = None) -> list[dict]:
    """The query stage's results, titled by the questions in the queries' headers; the first
    QUERY_ROWS_SHOWN rows of each (on 500 standards a result has ~10^4 rows and the page would
    be ~40 MB; the files hold them all). Read from the CSV (SPARQL 1.1 CSV results: the same
    values as the JSON, a quarter of its size), else from the JSON."""
    headers = query_headers(extra)
    results = []
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        csv_file = file.with_suffix(".csv")
        if csv_file.is_file():
            columns, rows, total = read_csv_head(csv_file, QUERY_ROWS_SHOWN)
        else:
            columns, rows = table_of(load_json(file))
            total, rows = len(rows), rows[:QUERY_ROWS_SHOWN]
        header = headers.get(file.stem)
        title = getattr(header, "title", "") or file.stem
        results.append({"name": file.stem, "title": title, "columns": columns, "rows": rows,
                        "total": total,
                        "question": {"et": getattr(header, "question_et", ""),
                                     "en": getattr(header, "question_en", "")},
                        "csv": csv_file.name if csv_file.is_file() else None, "json": file.name})
    return results


def named_cells(columns: list[str], rows: list[list[str]], paths: SiteGraph, names: dict[str, str]) -> list[list]:
    """A query result's cells for readers: an IRI becomes (name, site folder or None, IRI), named
    by its row's label column (`xLabel` for column `x`), else its code (`notation`, `xNotation`),
    else a standard's name, else its IRI's last part; other cells stay text. Only the result
    itself is read, so the page depends on the result files alone: an ESCO concept, which has a
    page here only when the standards link to it, gets no folder (it links to the ESCO portal)."""
    index = {c: i for i, c in enumerate(columns)}
    named = []
    for row in rows:
        out: list = []
        for col, cell in zip(columns, row):
            if not cell.startswith(("http://", "https://")):
                out.append(cell)
                continue
            source = next((index[c] for c in (col + "Label", col + "Notation", "notation" if col == "competence" else "")
                           if c in index and index[c] < len(row) and row[index[c]]), None)
            name = row[source] if source is not None else names.get(cell) or cell.rstrip("/#").rpartition("/")[2]
            out.append((name, None if cell.startswith(ESCO_ROOT) else paths.path_of(cell), cell))
        named.append(out)
    return named


def read_csv_head(path: Path, limit: int) -> tuple[list[str], list[list[str]], int]:
    """Header, the first `limit` rows and the number of rows of a CSV file."""
    data = path.read_bytes()
    # a cell may hold a whole long title (csv's default limit is 128 KiB), never more than the file
    csv.field_size_limit(max(csv.field_size_limit(), len(data) + 1))
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
    columns = next(reader, [])
    rows = [row for _, row in zip(range(limit), reader)]
    return columns, rows, max(csv_records(data) - 1, len(rows))


def csv_records(data: bytes) -> int:
    """The records of CSV text: its line ends outside quoted cells (a quote opens or closes a
    cell, a doubled one inside twice), and a last line without one. Counted in bytes: parsing
    every row took 0.15 s of a rebuild's last, lone steps on the benchmark's register (~10^5
    rows)."""
    def line_ends(text: bytes) -> int:
        return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")

    quoted = b'"'.join(data.split(b'"')[1::2])  # the quoted cells' text, a quote between two
    return line_ends(data) - line_ends(quoted) + (1 if data and not data.endswith((b"\n", b"\r")) else 0)


def validation_view(report) -> dict | None:
    if report is None:
        return None
    if isinstance(report, dict):
        # reports/validation.json: {"conforms", "violations", "warnings", "standards": [{"file",
        # ..., "results": [...]}]}; a flat "results" list is read too
        results = [{"file": std.get("file", ""), **r} for std in report.get("standards", [])
                   for r in std.get("results", []) if isinstance(r, dict)] or report.get("results") or []
        columns, rows = table_of(results)
        return {"conforms": report.get("conforms"), "columns": columns, "rows": rows,
                "summary": {k: v for k, v in report.items() if isinstance(v, (int, float, str, bool))}}
    columns, rows = table_of(report)
    return {"conforms": not rows, "columns": columns, "rows": rows, "summary": {}}


def build_site(root: Path, config: Config, previous: Path | None = None,
               reports_ready: Callable[[], None] = lambda: None,
               cache: "ArtifactCache | None" = None,
               merged_triples: dict[str, int] | None = None,
               work_changes: dict[str, bytes] | None = None,
               files_ready: Callable[[], None] = lambda: None,
               elm_view: "ElmView | None" = None) -> SiteStats:
    """Write root/site/ from root/data/ and root/reports/ (the [site] stage of the build).
    `previous` is the build being replaced, whose unchanged pages are taken over;
    `reports_ready` returns once reports/queries/ is complete (the build writes it in a thread
    while the site starts); `merged_triples`: the lines of data/'s merged N-Triples files
    by name, where the build knows them (else they are counted); `work_changes`: each work's
    lines of the changes graph by the work's IRI, in the graph's order, where the build has
    them (else data/changes.nt is split: changes_by_work); `files_ready` returns once the
    ELM view's and the inferred graph's files of data/ are written (the build writes them in
    threads while the site starts; the graphs' folders and the downloads read them), and
    `elm_view` is data/elm.nt as its parts meanwhile (dumps.ElmView; else the file is read)."""
    return SiteWriter(root, config, previous, reports_ready, cache, merged_triples,
                      work_changes, files_ready, elm_view).build()
