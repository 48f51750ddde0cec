"""The static site: build/site/ from the graph, the reports and site_templates/.

Layout (see README, section "site"):
- Estonian is the default tree (/), English mirrors it under /en/; every page links to its twin.
- Every slash URI with a site path (its URI minus the base URI, or minus https://w3id.org/kutse-rdf/
  for reference vocabularies) is a folder with index.html, index.ttl and index.jsonld. Hash IRIs
  (indicators, work parts, the ELM view's nodes, ontology terms) are sections of their document's
  page, and their statements are in its index.ttl / index.jsonld.
- All links are relative and point at index.html files, so the site works from file:// and under
  any host path. No page loads anything from elsewhere.

Speed (README, "site"): a standard's pages depend only on its own graph, its ELM nodes and the
reference graph, so they are rendered per standard (site_render.py) — in worker processes when
there are many — and taken over from the previous build when a content hash of those inputs is
unchanged (site_reuse.py). The pages no standard owns (e-CF, councils, ESCO, EQF, the ontology)
are made here from the reference graph and each standard's summary (site_summary.py), not from the
whole graph, and taken over as well while those are unchanged — as a whole, or else page by page
by what each page read of the graph (site_reuse.py); then search index, sitemap and, once the
query reports are written, downloads, coverage index, home and VoID.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from kutse_rdf.config import Config
from kutse_rdf.graph.convert import build_time
from kutse_rdf.resources import resource_dir
from kutse_rdf.site.graph import ReadSet, SiteGraph, read_dump, read_manifest
from kutse_rdf.site.jsonld import embed
from kutse_rdf.site.meta import dataset_description, download_files
from kutse_rdf.site.render import (K_STANDARD, Output, Renderer, StandardJob, StandardRenderer,
                                   Workers, load_settings, make_environment, owner, page_iris,
                                   simple_jsonld, standard_folders, worker_count)
from kutse_rdf.site.reuse import (CACHE_DIR, PageReuse, SharedPage, SharedPagesRecord, inputs_digest,
                                  shared_pages_key, standard_key)
from kutse_rdf.site.summary import Summary, summarise
from kutse_rdf.site.views import Link, code_key

QUERY_ROWS_SHOWN = 100
STANDARD_TYPE_LINE = (b"> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <" + K_STANDARD.encode()
                      + b"> .")


@dataclass
class SiteStats:
    pages: int = 0
    resources: int = 0
    files: int = 0
    reused: int = 0  # standards whose pages were taken over from the previous build
    sitemap: list[str] = field(default_factory=list)


def standard_iri(nt: bytes) -> str | None:
    """The standard a graph describes: the subject typed kutse:OccupationalStandard (read off the
    N-Triples text, so that jobs can start before the whole graph is loaded)."""
    end = nt.find(STANDARD_TYPE_LINE)
    if end < 0:
        return None
    start = nt.rfind(b"\n", 0, end) + 1
    return nt[start + 1:end].decode("utf-8") if nt[start:start + 1] == b"<" else None


def split_elm(elm: bytes, standards: set[str]) -> tuple[dict[str, list[bytes]], list[bytes]]:
    """The ELM view's lines by the standard whose folder holds their subject's page, and the lines
    about resources no standard owns (for the shared pages). Lines about blank nodes (none today)
    go to every standard and to the shared pages, so that no description loses them.

    The view lists a standard's nodes together, so a standard's lines are taken a run at a time
    (a regular expression finds where the run ends): a rebuild reads the whole view, and a
    line at a time cost ~0.2 s on 500 standards."""
    parts: dict[str, list[bytes]] = {iri: [] for iri in standards}
    rest: list[bytes] = []
    blank: list[bytes] = []
    owners: dict[bytes, str | None] = {}  # by subject document
    names = sorted(standards)
    # runs need no standard's folder inside another's (never so; else a line at a time)
    runs_ok = not any(b.startswith(a + "/") for a, b in zip(names, names[1:]))
    runs: dict[str, re.Pattern] = {}
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
                if iri not in runs:
                    runs[iri] = re.compile(b"(?:<" + re.escape(iri.encode()) + b"[/#>][^\n]*\n)*")
                end = max(runs[iri].match(elm, pos).end(), end)
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


class Reusable:
    """Pages made from a few known inputs (the validation report, the query results, the sitemap's
    URLs): taken over from the previous build when a hash of those inputs is unchanged (as a
    standard's pages, see site_reuse.py), else rendered. On a rebuild they cost more to render
    than all else but the changed standard."""

    def __init__(self, reuse: PageReuse, taken_over: list, renderer: Renderer, digest: str):
        self.reuse, self.taken_over, self.renderer, self.digest = reuse, taken_over, renderer, digest

    def __call__(self, name: str, inputs: list[bytes], paths: list[str], render) -> None:
        h = hashlib.sha256(f"{name}\0{self.digest}".encode())
        for part in inputs:
            h.update(len(part).to_bytes(8, "big") + part)
        key = h.hexdigest()
        output = self.renderer.output
        found = self.reuse.lookup(key)
        if found is not None and found[2] == paths:
            self.taken_over.append((key, paths))
            output.pages += found[0].pages
            output.files += found[0].files
            return
        pages, files = output.pages, output.files
        render()
        self.reuse.record(key, Output(pages=output.pages - pages, files=output.files - files), folders=paths)


class SiteWriter:
    def __init__(self, root: Path, config: Config, previous: Path | None = None,
                 reports_ready: Callable[[], None] = lambda: None):
        self.root = root
        self.reports_ready = reports_ready  # returns once reports/queries/ is written
        self.out = root / "site"
        self.config = config
        self.settings, self.i18n = load_settings()
        self.languages: list[str] = self.settings["languages"]
        self.env = make_environment()
        self.previous = previous
        self.stats = SiteStats()
        self.paths = SiteGraph(config.base_uri)  # URI -> folder only

    def tree(self, lang: str) -> str:
        return "" if lang == self.languages[0] else f"{lang}/"

    # -- stages --------------------------------------------------------------------------------
    def build(self) -> SiteStats:
        self.out.mkdir(parents=True, exist_ok=True)
        base = self.config.base_uri
        entries = read_manifest(self.root)
        reference = [read_dump(self.root, e) for e in entries if e.get("kind") == "reference"]
        jobs, shared_elm = self.standard_jobs(entries)
        standards = [job.iri for job in jobs]
        reuse = PageReuse(self.previous, self.root, self.languages)
        digest = inputs_digest(base, reference)
        keys = {job.iri: standard_key(digest, job) for job in jobs}
        outputs: dict[str, Output] = {}
        summaries: dict[str, Summary] = {}
        todo = []
        for job in jobs:
            found = reuse.lookup(keys[job.iri], self.folders_of(job.iri))
            if found is not None:
                outputs[job.iri], summaries[job.iri], _ = found
            else:
                todo.append(job)
        self.stats.reused = len(outputs)
        taken_over = [(keys[iri], self.folders_of(iri)) for iri in standards if iri in outputs]

        count = worker_count(len(todo))
        workers = (Workers(todo, count, self.out, base, reference, self.root / CACHE_DIR)
                   if count else None)
        loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="site-graph")
        try:
            # while the workers render: the standards' summaries and the shared pages
            for job in todo:
                summaries[job.iri] = summarise(job.iri, job.graph, job.elm, base)
            parts = [summaries[iri] for iri in standards]
            shared_key = shared_pages_key(digest, shared_elm, standards, parts)
            found = reuse.lookup(shared_key)
            # the shared pages' graph loads in a thread (Oxigraph releases the GIL) while a
            # handful of changed standards render here: on a rebuild that is the critical path
            if found is not None:
                loading = loader.submit(SiteGraph.from_parts, base, [*reference, *(p.shared for p in parts)],
                                        shared_elm)
                links = 0
            else:
                loading = loader.submit(SiteGraph.from_parts, base,
                                        [*reference, *(p.shared + p.links for p in parts)],
                                        shared_elm + b"".join(p.elm_links for p in parts))
                links = sum(p.links.count(b"\n") for p in parts)
            if not workers and todo:
                inline = StandardRenderer(self.out, base, reference)
                for job in todo:
                    outputs[job.iri] = inline.render(job)
            graph = loading.result()
            if found is not None:
                shared, _, folders = found
                taken_over.append((shared_key, folders))
                reuse.carry_shared_pages(keys)
            else:
                state = hashlib.sha256(b"shared pages\0" + digest.encode() + shared_elm).hexdigest()
                shared, moved = self.shared_pages(graph, set(standards), reuse, state, keys, summaries)
                if moved:
                    taken_over.append(("shared pages", moved))
                folders = self.movable(graph, shared.sitemap, standards)
                if folders is not None:
                    reuse.record(shared_key, shared, folders=folders)
            triples = len(graph.store) - links + sum(p.owned for p in parts)
            renderer = Renderer(self.out, graph, self.env, self.settings, self.i18n)
            self.copy_assets(renderer)
            if workers:
                outputs.update(workers.results())
        finally:
            loader.shutdown()
            if workers:
                workers.close()
        for job in todo:
            reuse.record(keys[job.iri], outputs[job.iri], summaries[job.iri])

        total = Output()
        total.add(shared)
        for iri in standards:
            total.add(outputs[iri])
        renderer.search.entries = total.search
        links_of = {lang: [Link(*outputs[iri].link[lang]) for iri in standards] for lang in self.languages}
        self.reusable = Reusable(reuse, taken_over, renderer, digest)
        # first what the query reports do not change: on a rebuild the build's query thread may
        # still be running, and it is then what the build waits for
        renderer.write(self.out / "assets" / "search-index.js", renderer.search.to_script())
        self.simple_pages(renderer)
        self.sitemap(renderer, graph, total.sitemap)
        self.reports_ready()  # the downloads (hence home, VoID) and the coverage index read reports/
        downloads = download_files(self.root, self.out, self.settings)
        renderer.output.files += len(downloads)
        description = dataset_description(base, self.settings, downloads, triples)
        self.coverage_index(renderer, links_of)
        self.home(renderer, graph, links_of, downloads, description)
        self.downloads_page(renderer, downloads)
        self.void(renderer, description)
        reuse.save()
        # last, so that a failure before leaves the previous build whole (see site_reuse.py)
        reuse.take_over(self.out, taken_over)
        total.pages += renderer.output.pages
        total.files += renderer.output.files
        self.stats.pages, self.stats.resources, self.stats.files = total.pages, total.resources, total.files
        self.stats.sitemap = total.sitemap
        return self.stats

    def shared_pages(self, graph: SiteGraph, owned: set[str], reuse: PageReuse, state: str,
                     keys: dict[str, str], summaries: dict[str, Summary]) -> tuple[Output, list[str]]:
        """The pages no standard owns (e-CF, ESCO, EQF, councils, the ontology), each rendered
        while noting what it reads of the graph, or taken over from the previous build when none
        of that changed (site_reuse.py); and the files to take over."""
        renderer = Renderer(self.out, graph, self.env, self.settings, self.i18n)
        # the templates' one global read of the graph is part of every page's state
        state = hashlib.sha256(f"{state}\0{self.env.globals['ontology_path']}".encode()).hexdigest()
        previous = reuse.shared_pages(state)
        changed = reuse.changed_nodes(previous.standards, keys, summaries) if previous else None
        record = SharedPagesRecord(state, dict(keys), {})
        output = renderer.output
        moved: list[str] = []
        for iri in page_iris(graph, skip=owned):
            old = previous.pages.get(iri) if previous and changed is not None else None
            if old is not None and not old.reads.meets(changed) and reuse.files_exist(old.files):
                moved += old.files
                output.add(old.output)
                record.pages[iri] = old
                continue
            counts = (output.pages, output.resources, output.files, len(output.sitemap), len(output.search))
            graph.reads, renderer.written = ReadSet(), []
            renderer.resource_page(iri)
            record.pages[iri] = SharedPage(
                [str(path.relative_to(self.out)) for path in renderer.written],
                Output(output.pages - counts[0], output.resources - counts[1], output.files - counts[2],
                       output.sitemap[counts[3]:], output.search[counts[4]:]),
                graph.reads)
        graph.reads = renderer.written = None
        reuse.write_shared_pages(record)
        return output, moved

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
                                 "validation/", "search/", ".well-known/")}
        if any(f in reserved or f.split("/", 1)[0] in ("assets", "data", "reports") for f in top):
            return None
        if any(o.startswith(f) for f in top for o in others):
            return None
        return top

    def folders_of(self, standard: str) -> list[str]:
        return standard_folders(self.paths.path_of(standard) or "", self.languages)

    def standard_jobs(self, entries: list[dict]) -> tuple[list[StandardJob], bytes]:
        """A job per standard graph of the manifest, with the ELM view's lines about it; and the
        ELM view's lines about resources no standard owns."""
        graphs = []
        for entry in entries:
            if entry.get("kind") == "standard":
                data = read_dump(self.root, entry)
                iri = standard_iri(data)
                if iri is not None and self.paths.path_of(iri):
                    graphs.append((iri, data))
        elm = b"".join(read_dump(self.root, e) for e in entries if e.get("kind") == "elm")
        parts, rest = split_elm(elm, {iri for iri, _ in graphs})
        return [StandardJob(iri, data, b"".join(parts[iri])) for iri, data in sorted(graphs)], b"".join(rest)

    def copy_assets(self, renderer: Renderer) -> None:
        source = resource_dir("site_templates") / "assets"
        for file in sorted(source.iterdir()):
            if file.is_file():
                renderer.write(self.out / "assets" / file.name, file.read_bytes())

    def coverage_index(self, renderer: Renderer, links_of: dict[str, list[Link]]) -> None:
        folder = self.root / "reports" / "queries"
        inputs = [repr(sorted(links_of.items())).encode(), repr(query_headers(self.config.queries)).encode()]
        for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = file.with_suffix(".csv") if file.with_suffix(".csv").is_file() else file
            inputs += [data.name.encode(), data.read_bytes()]

        def render() -> None:
            reports = load_query_results(folder, self.config.queries)
            for lang in self.languages:
                entries = sorted(links_of[lang], key=lambda l: (code_key(l.notation), l.text))
                renderer.render("coverage_index.html", "coverage/", lang,
                                embed(simple_jsonld(self.i18n[lang]["coverage_title"], lang)),
                                self.i18n[lang]["coverage_title"], standards=entries, reports=reports)

        self.reusable("coverage index", inputs, [self.tree(l) + "coverage/index.html" for l in self.languages],
                      render)

    def home(self, renderer: Renderer, graph: SiteGraph, links_of: dict[str, list[Link]],
             downloads: list[dict], description: dict) -> None:
        for lang in self.languages:
            views = renderer.views[lang]
            entries = sorted(links_of[lang], key=lambda l: l.text)
            ecf = views.links(s for s in graph.subjects()
                              if s.startswith("https://w3id.org/kutse-rdf/ecf/") and s.endswith(".0/"))
            jsonld = embed([simple_jsonld(self.i18n[lang]["site"], lang), description["schema"]])
            renderer.render("home.html", "", lang, jsonld, self.i18n[lang]["site"], standards=entries,
                            frameworks=ecf, downloads=downloads[:6])

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

        self.reusable("validation", [text, str(has_ttl).encode()],
                      [self.tree(lang) + "validation/" for lang in self.languages], validation_pages)
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
                            licence_name=self.settings["licence_name"])

    def void(self, renderer: Renderer, description: dict) -> None:
        """void.ttl, .well-known/void and void.jsonld (site_meta.dataset_description)."""
        triples = description["triples"]
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=description["prefixes"])
        renderer.write(self.out / "void.ttl", turtle)
        renderer.write(self.out / ".well-known" / "void", turtle)
        renderer.write(self.out / "void.jsonld", ox.serialize(triples, format=ox.RdfFormat.JSON_LD))

    def sitemap(self, renderer: Renderer, graph: SiteGraph, sitemap: list[str]) -> None:
        """sitemap.xml and robots.txt."""
        base = self.config.base_uri
        urls = [base]
        for iri in sitemap:
            urls.append(iri)
            path = graph.path_of(iri)
            for lang in self.languages[1:]:
                urls.append(base + self.tree(lang) + path)
        for extra in ("coverage/", "downloads/", "validation/", "search/"):
            urls.append(base + extra)
        today = build_time().date().isoformat()  # SOURCE_DATE_EPOCH for a reproducible build
        self.reusable("sitemap", [today.encode(), "\n".join(urls).encode()], ["sitemap.xml"],
                      lambda: renderer.write(self.out / "sitemap.xml", self.env.get_template(
                          "sitemap.xml").render(urls=urls, today=today)))
        renderer.write(self.out / "robots.txt",
                       self.env.get_template("robots.txt").render(sitemap=base + "sitemap.xml"))


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


def read_csv_head(path: Path, limit: int) -> tuple[list[str], list[list[str]], int]:
    """Header, the first `limit` rows and the number of rows of a CSV file."""
    # a cell may hold a whole long title (csv's default limit is 128 KiB), never more than the file
    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = next(reader, [])
        rows = [row for _, row in zip(range(limit), reader)]
        return columns, rows, len(rows) + sum(1 for _ in reader)


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


def build_site(root: Path, config: Config, standards: list | None = None,
               previous: Path | None = None,
               reports_ready: Callable[[], None] = lambda: None) -> SiteStats:
    """Write root/site/ from root/data/ and root/reports/ (the [site] stage of the build).
    `previous` is the build being replaced, whose pages of unchanged standards are taken over;
    `standards` (the parsed models) is accepted for the build's call and not needed;
    `reports_ready` returns once reports/queries/ is complete (the build writes it in a thread
    while the site starts)."""
    return SiteWriter(root, config, previous, reports_ready).build()
