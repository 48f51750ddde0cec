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
unchanged (site_reuse.py). Everything else (e-CF, councils, ESCO, EQF, the ontology, home,
coverage index, search index, sitemap) is made here from the whole graph.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kutse_rdf.config import Config
from kutse_rdf.resources import resource_dir
from kutse_rdf.site_graph import SiteGraph, read_dump, read_manifest
from kutse_rdf.site_jsonld import embed
from kutse_rdf.site_meta import dataset_description, download_files
from kutse_rdf.site_render import (K_STANDARD, Output, Renderer, StandardJob, StandardRenderer,
                                   Workers, load_settings, make_environment, owner, page_iris,
                                   simple_jsonld, standard_folders, worker_count)
from kutse_rdf.site_reuse import CACHE_DIR, PageReuse, inputs_digest, standard_key

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


def split_elm(elm: bytes, standards: set[str]) -> dict[str, list[bytes]]:
    """The ELM view's lines by the standard whose folder holds their subject's page. Lines about
    blank nodes (none today) go to every standard, so that no description loses them."""
    parts: dict[str, list[bytes]] = {iri: [] for iri in standards}
    shared: list[bytes] = []
    for line in elm.splitlines(keepends=True):
        if line.startswith(b"<"):
            iri = owner(line[1:line.index(b">")].decode("utf-8").partition("#")[0], standards)
            if iri is not None:
                parts[iri].append(line)
        elif line.startswith(b"_:"):
            shared.append(line)
    if shared:
        for lines in parts.values():
            lines.extend(shared)
    return parts


class SiteWriter:
    def __init__(self, root: Path, config: Config, previous: Path | None = None):
        self.root = root
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
        entries = read_manifest(self.root)
        reference = [read_dump(self.root, e) for e in entries if e.get("kind") == "reference"]
        jobs = self.standard_jobs(entries)
        reuse = PageReuse(self.previous, self.root, self.languages)
        digest = inputs_digest(self.config.base_uri, reference)
        keys = {job.iri: standard_key(digest, job) for job in jobs}
        outputs: dict[str, Output] = {}
        todo = []
        for job in jobs:
            found = reuse.lookup(keys[job.iri], self.folders_of(job.iri))
            if found is not None:
                outputs[job.iri] = found
            else:
                todo.append(job)
        self.stats.reused = len(outputs)

        count = worker_count(len(todo))
        workers = (Workers(todo, count, self.out, self.config.base_uri, reference, self.root / CACHE_DIR)
                   if count else None)
        try:
            # the whole graph, for the pages no standard owns, while the workers render
            graph = SiteGraph.from_build(self.root, self.config.base_uri)
            renderer = Renderer(self.out, graph, self.env, self.settings, self.i18n)
            self.copy_assets(renderer)
            downloads = download_files(self.root, self.out, self.settings)
            renderer.output.files += len(downloads)
            standards = [job.iri for job in jobs]
            owned = set(standards)
            for iri in page_iris(graph, skip=owned):
                renderer.resource_page(iri)
            if workers:
                outputs.update(workers.results())
            else:
                inline = StandardRenderer(self.out, self.config.base_uri, reference)
                for job in todo:
                    outputs[job.iri] = inline.render(job)
        finally:
            if workers:
                workers.close()
        for job in todo:
            reuse.record(keys[job.iri], outputs[job.iri])

        total = renderer.output
        for iri in standards:
            total.add(outputs[iri])
        renderer.search.entries = total.search
        self.coverage_index(renderer, standards)
        self.home(renderer, graph, standards, downloads)
        self.simple_pages(renderer, downloads)
        renderer.write(self.out / "assets" / "search-index.js", renderer.search.to_script())
        self.write_meta(renderer, graph, downloads, total.sitemap)
        # last, so that a failure before leaves the previous build whole (see site_reuse.py)
        reuse.take_over(self.out, [(keys[iri], self.folders_of(iri)) for iri in standards
                                   if iri not in {job.iri for job in todo}])
        self.stats.pages, self.stats.resources, self.stats.files = total.pages, total.resources, total.files
        self.stats.sitemap = total.sitemap
        return self.stats

    def folders_of(self, standard: str) -> list[str]:
        return standard_folders(self.paths.path_of(standard) or "", self.languages)

    def standard_jobs(self, entries: list[dict]) -> list[StandardJob]:
        """A job per standard graph of the manifest, with the ELM view's lines about it."""
        graphs = []
        for entry in entries:
            if entry.get("kind") == "standard":
                data = read_dump(self.root, entry)
                iri = standard_iri(data)
                if iri is not None and self.paths.path_of(iri):
                    graphs.append((iri, data))
        elm = b"".join(read_dump(self.root, e) for e in entries if e.get("kind") == "elm")
        parts = split_elm(elm, {iri for iri, _ in graphs})
        return [StandardJob(iri, data, b"".join(parts[iri])) for iri, data in sorted(graphs)]

    def copy_assets(self, renderer: Renderer) -> None:
        source = resource_dir("site_templates") / "assets"
        for file in sorted(source.iterdir()):
            if file.is_file():
                renderer.write(self.out / "assets" / file.name, file.read_bytes())

    def coverage_index(self, renderer: Renderer, standards: list[str]) -> None:
        reports = load_query_results(self.root / "reports" / "queries")
        for lang in self.languages:
            entries = renderer.views[lang].links(standards)
            renderer.render("coverage_index.html", "coverage/", lang,
                            embed(simple_jsonld(self.i18n[lang]["coverage_title"], lang), []),
                            self.i18n[lang]["coverage_title"], standards=entries, reports=reports)

    def home(self, renderer: Renderer, graph: SiteGraph, standards: list[str], downloads: list[dict]) -> None:
        for lang in self.languages:
            views = renderer.views[lang]
            entries = sorted((views.link(s) for s in standards), key=lambda l: l.text)
            ecf = views.links(s for s in graph.subjects()
                              if s.startswith("https://w3id.org/kutse-rdf/ecf/") and s.endswith(".0/"))
            data = dataset_description(self.config.base_uri, self.settings, downloads, graph)
            jsonld = embed([simple_jsonld(self.i18n[lang]["site"], lang), data["schema"]], [])
            renderer.render("home.html", "", lang, jsonld, self.i18n[lang]["site"], standards=entries,
                            frameworks=ecf, downloads=downloads[:6])

    def simple_pages(self, renderer: Renderer, downloads: list[dict]) -> None:
        validation = load_json(self.root / "reports" / "validation.json")
        for lang in self.languages:
            t = self.i18n[lang]
            renderer.render("search.html", "search/", lang, embed(simple_jsonld(t["nav_search"], lang), []),
                            t["nav_search"])
            renderer.render("downloads.html", "downloads/", lang,
                            embed(simple_jsonld(t["downloads_title"], lang), []), t["downloads_title"],
                            downloads=downloads, licence=self.settings["licence"],
                            licence_name=self.settings["licence_name"])
            renderer.render("validation.html", "validation/", lang,
                            embed(simple_jsonld(t["validation_title"], lang), []), t["validation_title"],
                            report=validation_view(validation),
                            has_ttl=(self.root / "reports" / "validation.ttl").is_file())
        # the 404 page is served for any path, so its links cannot be relative: it gets a minimal
        # page whose only link is to the site root by absolute path
        html = self.env.get_template("404.html").render(t=self.i18n[self.languages[0]],
                                                        t_en=self.i18n.get("en"), lang=self.languages[0])
        renderer.write(self.out / "404.html", html)

    def write_meta(self, renderer: Renderer, graph: SiteGraph, downloads: list[dict],
                   sitemap: list[str]) -> None:
        base = self.config.base_uri
        data = dataset_description(base, self.settings, downloads, graph)
        turtle = ox.serialize(data["triples"], format=ox.RdfFormat.TURTLE, prefixes=data["prefixes"])
        renderer.write(self.out / "void.ttl", turtle)
        renderer.write(self.out / ".well-known" / "void", turtle)
        renderer.write(self.out / "void.jsonld", ox.serialize(data["triples"], format=ox.RdfFormat.JSON_LD))
        urls = [base]
        for iri in sitemap:
            urls.append(iri)
            path = graph.path_of(iri)
            for lang in self.languages[1:]:
                urls.append(base + self.tree(lang) + path)
        for extra in ("coverage/", "downloads/", "validation/", "search/"):
            urls.append(base + extra)
        today = date.today().isoformat()
        renderer.write(self.out / "sitemap.xml",
                       self.env.get_template("sitemap.xml").render(urls=urls, today=today))
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


def load_query_results(folder: Path) -> list[dict]:
    """The query stage's results, titled by the questions in the queries' headers; the first
    QUERY_ROWS_SHOWN rows of each (on 500 standards a result has ~10^4 rows and the page would
    be ~40 MB; the files hold them all). Read from the CSV (SPARQL 1.1 CSV results: the same
    values as the JSON, a quarter of its size), else from the JSON."""
    try:
        from kutse_rdf.query import library

        headers = library()
    except Exception:  # noqa: BLE001 (a broken query library must not stop the site)
        headers = {}
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
               previous: Path | None = None) -> SiteStats:
    """Write root/site/ from root/data/ and root/reports/ (the [site] stage of the build).
    `previous` is the build being replaced, whose pages of unchanged standards are taken over;
    `standards` (the parsed models) is accepted for the build's call and not needed."""
    return SiteWriter(root, config, previous).build()
