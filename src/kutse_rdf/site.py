"""The static site: build/site/ from the graph, the reports and site_templates/.

Layout (see README, section "site"):
- Estonian is the default tree (/), English mirrors it under /en/; every page links to its twin.
- Every resource with a site path (its URI minus the base URI, or minus https://w3id.org/kutse-rdf/
  for reference vocabularies) is a folder with index.html, index.ttl and index.jsonld (the
  resource's Concise Bounded Description). Hash IRIs (ontology terms) are sections of their
  document's page.
- All links are relative and point at index.html files, so the site works from file:// and under
  any host path. No page loads anything from elsewhere.
"""
from __future__ import annotations

import json
import os
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
import pyoxigraph as ox

from kutse_rdf.config import Config
from kutse_rdf.resources import resource_dir
from kutse_rdf.site_graph import PREFIXES, SiteGraph
from kutse_rdf.site_jsonld import embed, page_jsonld
from kutse_rdf.site_meta import dataset_description, download_files
from kutse_rdf.site_search import SearchIndex
from kutse_rdf.site_views import Page, Views, code_key

K_STANDARD = "https://w3id.org/kutse-rdf/ontology#OccupationalStandard"


@dataclass
class SiteStats:
    pages: int = 0
    resources: int = 0
    files: int = 0
    sitemap: list[str] = field(default_factory=list)


def load_settings() -> tuple[dict, dict]:
    folder = resource_dir("site_templates")
    settings = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    strings = tomllib.loads((folder / "i18n.toml").read_text(encoding="utf-8"))
    i18n = {lang: {key: texts[lang] for key, texts in strings.items()} for lang in settings["languages"]}
    return settings, i18n


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("site_templates"))),
        autoescape=True,  # every document text is escaped; no template marks anything safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = SiteGraph.href_path
    env.filters["human_size"] = human_size
    return env


def human_size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


class SiteWriter:
    def __init__(self, root: Path, config: Config, standards: list | None = None):
        self.root = root
        self.out = root / "site"
        self.config = config
        self.settings, self.i18n = load_settings()
        self.languages: list[str] = self.settings["languages"]
        self.env = make_environment()
        self.graph = SiteGraph.from_build(root, config.base_uri)
        self.views = {lang: Views(self.graph, lang) for lang in self.languages}
        # Resources minted only by the ELM view (learning outcomes, addresses, ...) get plain
        # pages from the ELM graph, so that their URIs resolve too.
        self.elm = SiteGraph.from_build(root, config.base_uri, kinds=("elm",))
        self.elm_only = [iri for iri in self.elm.subjects()
                         if not self.graph.has_page(iri) and self.elm.path_of(iri) and "#" not in iri]
        self.graph.other_pages = set(self.elm_only)
        self.elm.other_pages = set(self.graph.subjects())
        self.elm_views = {lang: Views(self.elm, lang) for lang in self.languages}
        self.stats = SiteStats()
        self.folders: set[Path] = set()
        self.search = SearchIndex()
        self.standards = standards or []
        ontology = "https://w3id.org/kutse-rdf/ontology"
        self.env.globals["ontology_path"] = self.graph.path_of(ontology) if any(
            s.startswith(ontology) for s in self.graph.subjects()) else None

    # -- helpers -------------------------------------------------------------------------------
    def tree(self, lang: str) -> str:
        return "" if lang == self.languages[0] else f"{lang}/"

    def write(self, path: Path, data: str | bytes) -> None:
        # one mkdir per folder, not per file: on a busy disk each call costs ~100 µs
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        self.stats.files += 1

    def render(self, template: str, path: str, lang: str, jsonld: str, title: str,
               alternates: bool = False, **context) -> None:
        """Render one page at tree-relative folder `path` in language `lang`."""
        tree = self.tree(lang)
        depth = (tree + path).count("/")
        up = "../" * depth
        others = [(other, "../" * depth + self.tree(other) + SiteGraph.href_path(path))
                  for other in self.languages if other != lang]
        html = self.env.get_template(template).render(
            lang=lang, t=self.i18n[lang], up=up, tree=tree, path=path, others=others,
            jsonld=jsonld, title=title, alternates=alternates,
            alt_prefix="../" * depth + SiteGraph.href_path(path).removesuffix("index.html"),
            **context)
        self.write(self.out / tree / path / "index.html", html)
        self.stats.pages += 1

    # -- stages --------------------------------------------------------------------------------
    def build(self) -> SiteStats:
        self.out.mkdir(parents=True, exist_ok=True)
        self.copy_assets()
        downloads = download_files(self.root, self.out, self.settings)
        self.stats.files += len(downloads)
        pages, documents = self.resource_iris()
        for iri in pages:
            self.resource_page(iri)
        for iri in self.elm_only:
            self.resource_page(iri, self.elm, self.elm_views)
        for document, terms in documents.items():
            self.document_page(document, terms)
        standards = [iri for iri in pages if K_STANDARD in self.graph.types(iri)]
        self.coverage_pages(standards)
        self.home(standards, downloads)
        self.simple_pages(downloads)
        self.write(self.out / "assets" / "search-index.js", self.search.to_script())
        self.write_meta(downloads)
        return self.stats

    def copy_assets(self) -> None:
        source = resource_dir("site_templates") / "assets"
        for file in sorted(source.iterdir()):
            if file.is_file():
                self.write(self.out / "assets" / file.name, file.read_bytes())

    def resource_iris(self) -> tuple[list[str], dict[str, list[str]]]:
        """IRIs with a page of their own, and hash-IRI documents with their terms."""
        pages, documents = [], {}
        for iri in self.graph.subjects():
            path = self.graph.path_of(iri)
            if path is None:
                continue
            if "#" in iri:
                documents.setdefault(iri.partition("#")[0], []).append(iri)
            else:
                pages.append(iri)
        for document in documents:
            if document in pages:
                pages.remove(document)
        return pages, documents

    def rdf_files(self, path: str, triples: list[ox.Triple]) -> list[dict]:
        """Write index.ttl and index.jsonld; return the JSON-LD nodes for embedding."""
        folder = self.out / path.partition("#")[0]
        self.write(folder / "index.ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
        own = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
        self.write(folder / "index.jsonld", own)
        self.stats.resources += 1
        return json.loads(own)

    def resource_page(self, iri: str, graph: SiteGraph | None = None, views: dict | None = None) -> None:
        graph, views = graph or self.graph, views or self.views
        pages: dict[str, Page] = {lang: views[lang].page(iri) for lang in self.languages}
        first = pages[self.languages[0]]
        own = self.rdf_files(first.path, graph.cbd(iri))
        self.search.add_page(first, pages)
        self.stats.sitemap.append(iri)
        for lang, page in pages.items():
            jsonld = embed(page_jsonld(page, lang, graph, views[lang]), own)
            self.render(f"{page.kind}.html", page.path, lang, jsonld, page.title.text,
                        alternates=True, page=page)

    def document_page(self, document: str, terms: list[str]) -> None:
        path = self.graph.path_of(document)
        triples = self.graph.cbd(document) + [t for term in terms for t in self.graph.cbd(term)]
        own = self.rdf_files(path, triples)
        self.stats.sitemap.append(document)
        for lang in self.languages:
            views = self.views[lang]
            page = views.page(document)
            page.kind = "document"
            page.data = views.document(document, terms)
            jsonld = embed(page_jsonld(page, lang, self.graph, views), own)
            self.render("document.html", path, lang, jsonld, page.title.text, alternates=True, page=page)

    def coverage_pages(self, standards: list[str]) -> None:
        reports = load_query_results(self.root / "reports" / "queries")
        for lang in self.languages:
            views = self.views[lang]
            entries = views.links(standards)
            self.render("coverage_index.html", "coverage/", lang,
                        embed(simple_jsonld(self.i18n[lang]["coverage_title"], lang), []),
                        self.i18n[lang]["coverage_title"], standards=entries, reports=reports)
            for iri in standards:
                coverage = views.coverage(iri)
                path = "coverage/" + self.graph.path_of(iri)
                self.render("coverage.html", path, lang,
                            embed(simple_jsonld(coverage["title"].text, lang, iri), []),
                            coverage["title"].text, coverage=coverage)

    def home(self, standards: list[str], downloads: list[dict]) -> None:
        for lang in self.languages:
            views = self.views[lang]
            entries = sorted((views.link(s) for s in standards), key=lambda l: l.text)
            ecf = views.links(s for s in self.graph.subjects()
                              if s.startswith("https://w3id.org/kutse-rdf/ecf/") and s.endswith(".0/"))
            data = dataset_description(self.config.base_uri, self.settings, downloads, self.graph)
            jsonld = embed([simple_jsonld(self.i18n[lang]["site"], lang), data["schema"]], [])
            self.render("home.html", "", lang, jsonld, self.i18n[lang]["site"], standards=entries,
                        frameworks=ecf, downloads=downloads[:6])

    def simple_pages(self, downloads: list[dict]) -> None:
        validation = load_json(self.root / "reports" / "validation.json")
        for lang in self.languages:
            t = self.i18n[lang]
            self.render("search.html", "search/", lang, embed(simple_jsonld(t["nav_search"], lang), []),
                        t["nav_search"])
            self.render("downloads.html", "downloads/", lang,
                        embed(simple_jsonld(t["downloads_title"], lang), []), t["downloads_title"],
                        downloads=downloads, licence=self.settings["licence"],
                        licence_name=self.settings["licence_name"])
            self.render("validation.html", "validation/", lang,
                        embed(simple_jsonld(t["validation_title"], lang), []), t["validation_title"],
                        report=validation_view(validation),
                        has_ttl=(self.root / "reports" / "validation.ttl").is_file())
        # the 404 page is served for any path, so its links cannot be relative: it gets a minimal
        # page whose only link is to the site root by absolute path
        html = self.env.get_template("404.html").render(t=self.i18n[self.languages[0]],
                                                        t_en=self.i18n.get("en"), lang=self.languages[0])
        self.write(self.out / "404.html", html)

    def write_meta(self, downloads: list[dict]) -> None:
        base = self.config.base_uri
        data = dataset_description(base, self.settings, downloads, self.graph)
        turtle = ox.serialize(data["triples"], format=ox.RdfFormat.TURTLE, prefixes=data["prefixes"])
        self.write(self.out / "void.ttl", turtle)
        self.write(self.out / ".well-known" / "void", turtle)
        self.write(self.out / "void.jsonld", ox.serialize(data["triples"], format=ox.RdfFormat.JSON_LD))
        urls = [base]
        for iri in self.stats.sitemap:
            urls.append(iri)
            path = self.graph.path_of(iri)
            for lang in self.languages[1:]:
                urls.append(base + self.tree(lang) + path)
        for extra in ("coverage/", "downloads/", "validation/", "search/"):
            urls.append(base + extra)
        today = date.today().isoformat()
        self.write(self.out / "sitemap.xml",
                   self.env.get_template("sitemap.xml").render(urls=urls, today=today))
        self.write(self.out / "robots.txt",
                   self.env.get_template("robots.txt").render(sitemap=base + "sitemap.xml"))


def simple_jsonld(name: str, lang: str, about: str | None = None) -> dict:
    node = {"@type": "WebPage", "name": name, "inLanguage": lang}
    if about:
        node["about"] = {"@id": about}
    return node


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
    """The query stage's results (SPARQL JSON), titled by the questions in the queries' headers."""
    try:
        from kutse_rdf.query import library

        headers = library()
    except Exception:  # noqa: BLE001 (a broken query library must not stop the site)
        headers = {}
    results = []
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        columns, rows = table_of(load_json(file))
        header = headers.get(file.stem)
        title = getattr(header, "title", "") or file.stem
        results.append({"name": file.stem, "title": title, "columns": columns, "rows": rows,
                        "question": {"et": getattr(header, "question_et", ""),
                                     "en": getattr(header, "question_en", "")},
                        "csv": file.with_suffix(".csv").name if file.with_suffix(".csv").is_file() else None})
    return results


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


def build_site(root: Path, config: Config, standards: list | None = None) -> SiteStats:
    """Write root/site/ from root/data/ and root/reports/ (the [site] stage of the build)."""
    return SiteWriter(root, config, standards).build()
