"""Rendering resource pages: one page per slash URI, in every interface language, beside its
index.ttl and index.jsonld.

`Renderer` writes the pages of one SiteGraph. The site stage uses one over the whole graph for the
pages no standard owns (e-CF, councils, ESCO, EQF, the ontology), and one per standard over a
graph of that standard alone plus the reference graph and its ELM nodes (`render_standard`): a
standard's pages then depend only on those inputs, which is what lets them run in worker
processes and be reused from the previous build when nothing they depend on changed.
"""
from __future__ import annotations

import json
import os
import re
import pickle
import queue
import subprocess
import sys
import threading
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

import jinja2
import markupsafe
import pyoxigraph as ox

from kutse_rdf.errors import DISK_ERRNOS, DocumentError
from kutse_rdf.graph.namespaces import ESCO_ROOT, ONTOLOGY
from kutse_rdf.resources import resource_dir
from kutse_rdf.site.esco import portal_url, read_suggestions
from kutse_rdf.site.feed import lineage, version_changes
from kutse_rdf.site.graph import DCT, PREFIXES, RDFS, SCHEMA, SKOS, SiteGraph, document_of
from kutse_rdf.site.jsonld import embed, own_json, page_jsonld
from kutse_rdf.site.kinds import kind_of, make_page
from kutse_rdf.site.search import SearchIndex
from kutse_rdf.site.views import Link, Page, Views

MARKUP_CACHE_LIMIT = 20_000  # rendered links and literals kept per process (~1,000 new per version)
DESCRIPTION_LENGTH = 160  # a meta description's characters; search engines show about this many
# statements that say what a resource is, in the order a page's description prefers them
DESCRIBING = (SKOS.definition, DCT.description, SCHEMA.description, RDFS.comment, SKOS.scopeNote)


def load_settings() -> tuple[dict, dict]:
    folder = resource_dir("site_templates")
    settings = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    strings = tomllib.loads((folder / "i18n.toml").read_text(encoding="utf-8"))
    i18n = {lang: {key: texts[lang] for key, texts in strings.items()} for lang in settings["languages"]}
    return settings, i18n


def human_size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def escape_text(value) -> str:
    """markupsafe.escape's text, without a Markup object made for each value: the big tables
    and the links escape ~350,000 short texts on a register's rebuild, and making the Markup
    was most of each one's cost. Anything but a plain str (a Markup, a number) goes through
    markupsafe.escape."""
    if type(value) is not str:
        return markupsafe.escape(value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def anchor_html(link: Link, prefix: str, lang: str) -> markupsafe.Markup:
    """A link: <a> to its page (`prefix` leads from the page to the tree's root) or to an
    outside IRI, else plain text; its notation as a code when that differs from the text, its
    language when that is not the page's. Python rather than a template macro: every link a
    worker has not written yet would otherwise be a jinja2 macro call (arguments bound, a new
    context), ~1,500 per standard's pages."""
    esc = escape_text
    if link.href is not None:
        start = f'<a href="{esc(prefix)}{esc(link.href)}">'
    elif link.iri is not None and link.iri.startswith("http"):
        # an ESCO concept without a page here: its page on the ESCO portal
        start = f'<a class="ext" href="{esc(portal_url(link.iri, lang) or link.iri)}">'
    else:
        start = ""
    # the code before the name, unless the name says it already ("e-CF proficiency level e-2")
    shown = link.notation and link.notation != link.text and link.notation not in link.text.split()
    code = f'<span class="code">{esc(link.notation)}</span> ' if shown else ""
    return markupsafe.Markup(f'{start}{code}{literal_html(link, lang)}{"</a>" if start else ""}')


def literal_html(value, lang: str) -> markupsafe.Markup:
    """A literal (a Value or a Link's text) in a span, with its language when that is not the
    page's."""
    if value is None:
        return markupsafe.Markup("")
    attr = f' lang="{escape_text(value.lang)}"' if value.lang and value.lang != lang else ""
    return markupsafe.Markup(f"<span{attr}>{escape_text(value.text)}</span>")


def markup_writers() -> dict:
    """The templates' functions that write HTML in Python (see docs/site.md, "How it runs"): values
    (`a`, `lit`, `val`), the rows repeated on every resource page, and the big tables."""
    a, lit, val = value_writers()
    return {"a": a, "lit": lit, "val": val, **row_writers(a, lit, val),
            "download_rows": download_rows, "cell_rows": cell_rows}


def value_writers() -> tuple:
    """The templates' `a(l)` (a link), `lit(v)` (a literal) and `val(x)` (either): HTML from
    `anchor_html` and `literal_html`, made once per (value, path prefix, language) and then
    reused. Links and labels repeat on every page of a standard."""
    cache: dict[tuple, str] = {}

    def render(writer, *args) -> str:
        key = (writer, *args)
        html = cache.get(key)
        if html is None:
            if len(cache) > MARKUP_CACHE_LIMIT:
                cache.clear()
            html = cache[key] = writer(*args)
        return html

    @jinja2.pass_context
    def a(context, link):
        return render(anchor_html, link, context["up"] + context["tree"], context["lang"])

    @jinja2.pass_context
    def lit(context, value):
        if value is None:
            return ""
        return render(literal_html, value, context["lang"])

    @jinja2.pass_context
    def val(context, value):
        return a(context, value) if isinstance(value, Link) else lit(context, value)

    return a, lit, val


def row_writers(a, lit, val) -> dict:
    """The rows of resource.html's "all statements" table, "incoming" list, parts' sections and
    facts, written here rather than by a template loop: a page has tens of rows and each loop
    step of a template costs more than the row's text. Every value goes through `a`/`val`/`lit`
    (escaped by anchor_html/literal_html), any other text through markupsafe.escape."""

    props: dict[tuple, str] = {}

    def prop(context, st):
        # the same few properties head the rows of every page: made once per page language and
        # folder depth
        key = (st.property, st.curie, context["lang"], context["up"], context["tree"])
        html = props.get(key)
        if html is None:
            if len(props) > MARKUP_CACHE_LIMIT:
                props.clear()
            html = props[key] = prop_html(context, st)
        return html

    def prop_html(context, st):
        # a property by its plain-language label (the ontology's rdfs:label in the page's
        # language, or the interface's own name for a term of another vocabulary), its CURIE
        # beside it as a hint
        link = st.property
        plain = context["t"].get("term " + st.curie) if st.curie else None
        if plain:
            link = link._replace(text=plain, lang=None)
        hint = (f' <code class="curie">{markupsafe.escape(st.curie)}</code>'
                if st.curie and st.curie != link.text else "")
        return f"{a(context, link)}{hint}"

    @jinja2.pass_context
    def statement_rows(context, statements):
        return markupsafe.Markup("".join(
            f'      <tr><th scope="row">{prop(context, st)}</th>\n'
            f'          <td>{"<br>".join(val(context, v) for v in st.values)}</td></tr>\n'
            for st in statements))

    @jinja2.pass_context
    def incoming_rows(context, incoming):
        return markupsafe.Markup("".join(
            f'    <li>{a(context, subject)} <span class="muted">({a(context, prop)})</span></li>\n'
            for subject, prop in incoming))

    @jinja2.pass_context
    def fact_rows(context, statements):
        return markupsafe.Markup("".join(
            f'<dt>{prop(context, st)}</dt><dd>{", ".join(val(context, v) for v in st.values)}</dd>'
            for st in statements))

    @jinja2.pass_context
    def term_sections(context, terms):
        # resource.html's generic section per hash IRI (ELM nodes, ontology terms)
        html = []
        for term in terms:
            tid = markupsafe.escape(term["id"])
            html.append(f'<section id="{tid}" class="term" aria-labelledby="h-{tid}">\n'
                        f'  <h4 id="h-{tid}"><code>{markupsafe.escape(term["curie"])}</code> '
                        f'{lit(context, term["link"])}</h4>\n')
            if term["comment"]:
                html.append(f'<p>{lit(context, term["comment"])}</p>')
            html.append(f'  <dl class="facts">\n{fact_rows(context, term["statements"])}  </dl>\n</section>\n')
        return markupsafe.Markup("".join(html))

    def part(context, link):
        # as the `part` and `part_id` macros of _macros.html: a hash IRI shown on this page is
        # text with its fragment as the element's id, anything else a link
        if not link.fragment:
            return a(context, link)
        code = link.notation and link.notation != link.text
        # an f-string, not `+`: str + Markup would escape the str part
        code_html = f'<span class="code">{markupsafe.escape(link.notation)}</span> ' if code else ""
        return f"{code_html}{lit(context, link)}"

    def part_id(link):
        return f' id="{markupsafe.escape(link.fragment)}"' if link.fragment else ""

    @jinja2.pass_context
    def part_items(context, links):
        return markupsafe.Markup("".join(
            f'<li{part_id(l)}>{part(context, l)}</li>' for l in links))

    @jinja2.pass_context
    def text_items(context, values):
        # texts shown on another page than their own (a competence's indicators on its standard's)
        return markupsafe.Markup("".join(f"<li>{lit(context, v)}</li>" for v in values))

    return {"statement_rows": statement_rows, "incoming_rows": incoming_rows, "fact_rows": fact_rows,
            "term_sections": term_sections, "part_items": part_items, "text_items": text_items}


@jinja2.pass_context
def download_rows(context, downloads):
    """downloads.html's table: ~1,500 files on 500 standards, in both languages. Each link
    downloads its file (`download`) rather than opening it as text; beside it what the file
    holds, its format, size and, for RDF, its number of statements."""
    esc, up, t = escape_text, escape_text(context["up"]), context["t"]

    def row(f) -> str:
        contents = esc(t.get(f["contents"], "")) if f.get("contents") else ""
        triples = f'{f["triples"]:,}'.replace(",", "\u202f") if f.get("triples") is not None else ""
        return (f'<tr><td><a href="{up}{esc(f["path"])}" type="{esc(f["media_type"])}" download>'
                f'{esc(f["path"])}</a></td><td>{contents}</td>'
                f'<td>{esc(f["format"])} <span class="muted">({esc(f["media_type"])})</span></td>'
                f'<td class="num">{esc(human_size(f["size"]))}</td><td class="num">{triples}</td></tr>\n')

    return markupsafe.Markup("".join(row(f) for f in downloads))


@jinja2.pass_context
def cell_rows(context, rows):
    """A query result's table on the coverage index: 12 results x 100 rows, in both languages.
    A cell is text, or (name, site folder or None, IRI) for an IRI (writer.named_cells)."""
    esc = escape_text
    prefix = context["up"] + context["tree"]

    def cell(value) -> str:
        if isinstance(value, str):
            return esc(value)
        name, path, iri = value
        if path is None:
            portal = portal_url(iri, context["lang"])
            if portal:
                return f'<a class="ext" href="{esc(portal)}">{esc(name)}</a>'
            return f"<span>{esc(name)}</span>"
        return f'<a href="{esc(prefix)}{esc(SiteGraph.href_path(path))}">{esc(name)}</a>'

    return markupsafe.Markup("".join(
        "<tr>" + "".join(f"<td>{cell(value)}</td>" for value in row) + "</tr>" for row in rows))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class SiteEnvironment(jinja2.Environment):
    """jinja2's environment, with `d.key` on a plain dict looked up as an item first. jinja tries
    the attribute first and takes the item when that raises AttributeError; the templates read
    their words and view dicts that way thousands of times per standard, and raising and catching
    each AttributeError cost more than the rest of the lookup. A dict has no attribute but its
    class's, so the answer is the same: a name of dict's own (`d.items`) still goes to jinja's."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_environment(templates: Path | None = None) -> jinja2.Environment:
    """The templates' environment: the shipped site_templates/, each overridden by a file of the
    same name in `templates` (the config's `templates` folder), if given."""
    folders = [templates] if templates is not None else []
    env = SiteEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder))
                                    for folder in [*folders, resource_dir("site_templates")]]),
        autoescape=True,  # every document text is escaped; no template marks anything safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: no stat() per page
        bytecode_cache=template_cache(),
    )
    env.filters["href"] = SiteGraph.href_path
    env.filters["human_size"] = human_size
    env.globals.update(markup_writers())
    return env


def template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in the user's cache folder
    (`$XDG_CACHE_HOME/kutse-rdf/templates`, default ~/.cache), as Python keeps .pyc files:
    compiling the site's templates costs each rendering process about half a second. An entry is
    found by the template's name and its source's hash, so an edited or overriding template is
    compiled again. None (compile every time) where that folder cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "kutse-rdf", "templates")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(folder)


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """A cache that is only ever a shortcut: an entry it cannot read (damaged) or write (a full
    or read-only disk) means compiling the template, never a failed build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (… when cut)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.") + "…"


def page_description(page: Page, t: dict, lang: str) -> str:
    """A resource page's meta description, from the page's own text: its kind, code and title,
    then what the page says about it first: a standard's job description (A.1), a competence's
    indicators, else a statement that describes it (definition, description, comment), else the
    standard or scheme it belongs to."""
    kind = t.get("kind_" + page.kind) or t.get("kind_resource", "")
    code = f"{page.notation} " if page.notation and page.notation != page.title.text else ""
    head = f"{kind}: {code}{page.title.text}"
    data = page.data
    more = ""
    job = data.get("job")
    if job and job.get("text") is not None:
        more = job["text"].text
    elif data.get("indicators"):
        more = "; ".join(i.text for i in data["indicators"])
    else:
        texts = [v for prop in DESCRIBING for st in page.statements
                 if st.property.iri == prop for v in st.values if not isinstance(v, Link)]
        texts.sort(key=lambda v: v.lang != lang)  # the page's language first
        if texts:
            more = texts[0].text
        elif data.get("standard") is not None:
            more = f'{t.get("standard", "")}: {data["standard"].text}'
    return shorten(f"{head}. {more}" if more else head)


def simple_jsonld(name: str, lang: str, about: str | None = None) -> dict:
    node = {"@type": "WebPage", "name": name, "inLanguage": lang}
    if about:
        node["about"] = {"@id": about}
    return node


@dataclass
class Output:
    """What rendering some pages produced, besides the files: counts, the search index entries
    and the sitemap's IRIs. Plain data, so a worker process can hand it back."""

    pages: int = 0
    resources: int = 0
    files: int = 0
    sitemap: list[str] = field(default_factory=list)
    search: list[tuple] = field(default_factory=list)
    # a standard's link in every language (Link fields), for the home page and coverage index
    link: dict[str, list] = field(default_factory=dict)
    card: dict[str, dict] = field(default_factory=dict)  # the home page's card, in every language

    def add(self, other: "Output") -> None:
        self.pages += other.pages
        self.resources += other.resources
        self.files += other.files
        self.sitemap += other.sitemap
        self.search += [tuple(entry) for entry in other.search]


def make_parent(path: Path, made: set[Path]) -> None:
    """`path`'s folder, made once per folder in `made`, not once per file: on a busy disk
    creating entries is what costs."""
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)


def write_file(path: Path, data: bytes) -> None:
    # os.open/os.write rather than open(): no fstat, isatty and lseek per file (64k files on
    # 500 standards); creating the file is the cost that remains
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class FileWriter:
    """Pages' files written in a thread of its own, in the order given. Creating a file or a
    folder mostly waits on the file system (on the development machine ~0.4 ms a file and
    ~0.7 ms a folder while a rebuild's dumps are written, little of it CPU), which the site's
    thread need not wait for (os.open, mkdir and write release the interpreter lock).
    `flush` returns once everything given so far is written, and raises the first error. At
    most `ahead` files wait to be written (a cold build's shared pages would otherwise pile up
    in memory while a slow disk lags): `write` waits for room beyond that."""

    def __init__(self, ahead: int = 256):
        self._queue: queue.Queue = queue.Queue(maxsize=ahead)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="site-files", daemon=True)
        self._thread.start()

    def write(self, path: Path, data: bytes) -> None:
        self._queue.put((path, data))

    def _run(self) -> None:
        folders: set[Path] = set()
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            if self._error is not None:
                continue  # the first error is the one raised; nothing after it is written
            path, data = item
            try:
                make_parent(path, folders)
                write_file(path, data)
            except BaseException as exc:  # noqa: BLE001 (raised by flush, in the site's thread)
                self._error = exc

    def flush(self) -> None:
        done = threading.Event()
        self._queue.put(done)
        done.wait()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        """Stop the thread once everything given is written (errors are flush's)."""
        self._queue.put(None)
        self._thread.join()


class Renderer:
    def __init__(self, out: Path, graph: SiteGraph, env: jinja2.Environment, settings: dict,
                 i18n: dict, files: FileWriter | None = None):
        self.out = out
        self.files = files  # where set, the files are written in its thread
        self.graph = graph
        self.env = env
        self.settings = settings
        self.i18n = i18n
        self.languages: list[str] = settings["languages"]
        self.views = {lang: Views(graph, lang) for lang in self.languages}
        self.output = Output()
        self.search = SearchIndex()
        self.search.entries = self.output.search
        self.folders: set[Path] = set()
        self.written: list[Path] | None = None  # set to note the files written (a shared page's)
        self.templates: dict[str, jinja2.Template] = {}
        # the header links to the ontology's page when this graph gives it one: a value of this
        # renderer's pages, not of the environment other renderers share
        ontology = str(ONTOLOGY)
        self.ontology_path = (graph.path_of(ontology)
                              if graph.has_page(ontology) or graph.parts(ontology) else None)

    def tree(self, lang: str) -> str:
        return "" if lang == self.languages[0] else f"{lang}/"

    def link(self, source: Path, path: Path) -> bool:
        """`path` as a hard link to `source` (a file of the previous build), counted as
        written; False where there is no such file (or no link across file systems)."""
        make_parent(path, self.folders)
        try:
            os.link(source, path)
        except OSError:
            return False
        self.output.files += 1
        return True

    def write(self, path: Path, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.files is not None:
            self.files.write(path, data)
        else:
            make_parent(path, self.folders)
            write_file(path, data)
        self.output.files += 1
        if self.written is not None:
            self.written.append(path)

    def template(self, name: str) -> jinja2.Template:
        if name not in self.templates:
            self.templates[name] = self.env.get_template(name)
        return self.templates[name]

    def url(self, lang: str, path: str) -> str:
        """The absolute URL of the page at tree-relative folder `path` in `lang`: the base URI's
        (every absolute URL the site writes comes from it)."""
        return self.graph.base_uri + self.tree(lang) + quote(path)

    def render(self, template: str, path: str, lang: str, jsonld: str, title: str,
               alternates: bool = False, description: str | None = None, **context) -> None:
        """Render one page at tree-relative folder `path` in language `lang`; `description` is
        its meta description (default: its title and the site's name)."""
        tree = self.tree(lang)
        depth = (tree + path).count("/")
        up = "../" * depth
        others = [(other, up + self.tree(other) + SiteGraph.href_path(path))
                  for other in self.languages if other != lang]
        # hreflang: every language's page, this one included, and x-default (the first language)
        hreflang = [(other, self.url(other, path)) for other in self.languages]
        hreflang.append(("x-default", self.url(self.languages[0], path)))
        t = self.i18n[lang]
        html = self.template(template).render(
            lang=lang, t=t, up=up, tree=tree, path=path, others=others,
            jsonld=jsonld, title=title, alternates=alternates,
            alt_prefix=up + SiteGraph.href_path(path).removesuffix("index.html"),
            canonical=self.url(lang, path), hreflang=hreflang, ontology_path=self.ontology_path,
            description=description or shorten(f"{title} · {t['site']}. {t['tagline']}"),
            **context)
        self.write(self.out / tree / path / "index.html", html)
        self.output.pages += 1

    def rdf_files(self, path: str, triples: list[ox.Triple]) -> str:
        """Write index.ttl and index.jsonld; return the JSON-LD nodes for embedding (own_json)."""
        folder = self.out / path
        self.write(folder / "index.ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
        own = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
        self.write(folder / "index.jsonld", own)
        self.output.resources += 1
        text = own.decode("utf-8").strip()
        # Oxigraph writes one compact JSON array: its items go into the page's block as they are
        return text[1:-1] if text.startswith("[") and text.endswith("]") else own_json(json.loads(text))

    def resource_page(self, iri: str) -> None:
        """The page of a slash IRI with its hash IRIs as sections, in every language."""
        kind = kind_of(self.graph, iri)
        pages: dict[str, Page] = {lang: make_page(self.views[lang], iri, kind) for lang in self.languages}
        first = pages[self.languages[0]]
        own = self.rdf_files(first.path, self.graph.description(iri))
        kind.index(self.search, first, pages)
        self.output.sitemap.append(iri)
        for lang, page in pages.items():
            jsonld = embed(page_jsonld(page, lang, kind.jsonld(page, self.views[lang]),
                                       self.views[lang], self.tree(lang)), own)
            self.render(kind.template, page.path, lang, jsonld, page.title.text,
                        alternates=True, description=page_description(page, self.i18n[lang], lang),
                        page=page)

    def coverage_page(self, standard: str) -> None:
        for lang in self.languages:
            coverage = self.views[lang].coverage(standard)
            t = self.i18n[lang]
            self.render("coverage.html", "coverage/" + self.graph.path_of(standard), lang,
                        embed(simple_jsonld(coverage["title"].text, lang, standard)),
                        coverage["title"].text, coverage=coverage,
                        description=shorten(f"{coverage['title'].text}. {t['coverage_intro']}"))


def page_iris(graph: SiteGraph, skip: set[str] = frozenset(), within: str | None = None) -> list[str]:
    """The IRIs that get a page: every slash IRI with a site path that is described, or that
    has hash IRIs (a document such as the ontology), sorted; without those in the folders of the
    standards in `skip` (tested first: on the whole graph that is cheaper than `path_of`), or
    only those in the folder of the standard `within`."""
    pages = set()
    only = {within} if within is not None else None
    for iri in graph.subjects():
        doc = document_of(iri)
        if only is not None and owner(doc, only) is None:
            continue
        if (not skip or owner(doc, skip) is None) and graph.path_of(iri) is not None:
            pages.add(doc)
    # of ESCO, only the concepts the standards link to (SiteGraph.esco_linked)
    return sorted(p for p in pages if not p.startswith(ESCO_ROOT) or graph.esco_linked(p))


def owner(iri: str, standards: set[str]) -> str | None:
    """The standard whose folder holds the page of `iri` (the standard itself, or a URI below it)."""
    current = iri
    while current:
        if current in standards:
            return current
        current = current.rpartition("/")[0]
    return None


# -- one standard's pages -------------------------------------------------------------------------

@dataclass
class StandardJob:
    iri: str  # the version of a standard (`B standard/S/version/K`)
    graph: bytes  # its named graph, N-Triples
    elm: bytes  # the ELM view's statements about it and its parts
    suggestions: bytes = b""  # its rows of the ESCO suggestions report (esco.suggestions_by_standard)
    # its work's graph and the other versions' names and validity: its page lists the versions
    versions: bytes = b""
    changes: bytes = b""  # the changes graph's lines about its work's versions (feed.py reads them)
    changes_digest: str = ""  # their sha256, made once per work (reuse.standard_key), or ""
    # its unit's cache key, its work graph's hash and its siblings' keys, when all are known:
    # they name `graph`, `elm` and `versions` (reuse.standard_key), which are then read only
    # for a version that is rendered (`source`, by load)
    inputs_key: str = ""
    source: Callable[[], tuple[bytes, bytes]] | None = field(default=None, repr=False)
    elm_source: Callable[[], bytes] | None = field(default=None, repr=False)  # reads `elm`

    def load(self) -> None:
        """Read `graph` and `versions`, and `elm` where it is read later too (once)."""
        if self.source is not None:
            self.graph, self.versions = self.source()
            self.source = None
        if self.elm_source is not None:
            self.elm, self.elm_source = self.elm_source(), None

    def release(self) -> None:
        """Drop the bytes (once keyed, summarised and handed to a worker)."""
        self.graph = self.elm = self.suggestions = self.versions = self.changes = b""
        self.source = self.elm_source = None


def standard_folders(base_path: str, languages: list[str]) -> list[str]:
    """The site folders that hold a standard's pages (`standard/S/`, its coverage page) in every
    language tree: nothing else is written there."""
    trees = [""] + [f"{lang}/" for lang in languages[1:]]
    return [tree + prefix + base_path for tree in trees for prefix in ("", "coverage/")]


class StandardRenderer:
    """Renders standards one at a time, each over its own graph + the reference graph."""

    def __init__(self, out: Path, base_uri: str, reference: list[bytes], templates: Path | None = None,
                 files: FileWriter | None = None):
        self.out = out
        self.base_uri = base_uri
        self.reference = reference
        self.files = files
        self.env = make_environment(templates)
        self.settings, self.i18n = load_settings()

    def render(self, job: StandardJob) -> Output:
        """The pages of one standard; an unexpected exception becomes that standard's
        DocumentError (the build leaves the standard out and builds the others)."""
        try:
            return self._render(job)
        except Exception as exc:  # noqa: BLE001
            if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
                raise  # a full or read-only output: not the standard's fault
            raise rendering_failed(job.iri, f"{type(exc).__name__}: {exc}", type(exc).__name__) \
                from exc

    def _render(self, job: StandardJob) -> Output:
        graph = SiteGraph.from_parts(self.base_uri, [*self.reference, job.graph, job.versions],
                                     job.elm)
        graph.suggested = read_suggestions(job.suggestions)
        graph.changes, graph.lineage = version_changes(job.changes), lineage(job.changes)
        renderer = Renderer(self.out, graph, self.env, self.settings, self.i18n, self.files)
        for iri in page_iris(graph, within=job.iri):
            renderer.resource_page(iri)
        renderer.coverage_page(job.iri)
        renderer.output.link = {lang: list(renderer.views[lang].link(job.iri))
                                for lang in renderer.languages}
        renderer.output.card = {lang: renderer.views[lang].standard_card(job.iri) for lang in renderer.languages}
        return renderer.output


# -- worker processes ------------------------------------------------------------------------------

class Workers:
    """Standards rendered in worker processes, `python -m kutse_rdf.site.render`, each given its
    share of the jobs in a file and answering with its outputs on stdout.

    Plain subprocesses rather than multiprocessing: a forked worker would be counted with all the
    memory the build holds by the site stage (its resident pages are the parent's), and a
    multiprocessing "spawn" worker re-imports the caller's main script, which loops or hangs
    when a script calls the build without an `if __name__ == "__main__"` guard."""

    def __init__(self, jobs: list[StandardJob], count: int, out: Path, base_uri: str,
                 reference: list[bytes], scratch: Path, templates: Path | None = None):
        shares: list[list[StandardJob]] = [[] for _ in range(count)]
        loads = [0] * count
        for job in sorted(jobs, key=lambda j: (-len(j.graph), j.iri)):  # biggest first, to the least loaded
            least = loads.index(min(loads))
            shares[least].append(job)
            loads[least] += len(job.graph)
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
               PARENT_VARIABLE: str(os.getpid())}  # the worker dies with this process
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        self.readers: list[threading.Thread] = []
        self.answers: dict[str, dict] = {}  # standard -> its Output's fields, or its failure
        try:
            for n, share in enumerate(s for s in shares if s):
                file = scratch / f"site-jobs-{n}.pickle"
                # the settings, then one pickle per job: the worker holds one job's bytes at a
                # time, not its whole share (a register's share is hundreds of versions)
                with file.open("wb") as jobs_file:
                    pickle.dump((str(out), base_uri, reference, str(templates) if templates else None),
                                jobs_file, protocol=pickle.HIGHEST_PROTOCOL)
                    for j in share:
                        pickle.dump((j.iri, j.graph, j.elm, j.suggestions, j.versions, j.changes),
                                    jobs_file, protocol=pickle.HIGHEST_PROTOCOL)
                with file.open("rb") as stdin:
                    proc = subprocess.Popen([sys.executable, "-m", "kutse_rdf.site.render"],
                                            stdin=stdin, stdout=subprocess.PIPE, env=env)
                self.procs.append((proc, file))
                # its answers read as they come (the pipe never fills; reading releases the GIL)
                reader = threading.Thread(target=self._read, args=(proc,), daemon=True,
                                          name=f"site-worker-{n}")
                reader.start()
                self.readers.append(reader)
        except BaseException:
            self.close()
            raise

    def _read(self, proc: subprocess.Popen) -> None:
        try:
            for iri, fields in jobs_of(proc.stdout):
                self.answers[iri] = fields
        except (pickle.UnpicklingError, ValueError, OSError):
            pass  # a worker that died mid-answer: results() reports its exit code

    def results(self) -> dict[str, Output]:
        outputs: dict[str, Output] = {}
        failed: dict[str, tuple[str, str]] = {}  # standard -> (message, exception type)
        for reader in self.readers:
            reader.join()
        for proc, file in self.procs:
            proc.wait()
            file.unlink(missing_ok=True)
            if proc.returncode != 0:
                raise RuntimeError(f"a site worker process failed (exit code {proc.returncode}); "
                                   "its message is above")
        for iri, fields in self.answers.items():
            if "oserror" in fields:
                raise OSError(*fields["oserror"])
            if "failed" in fields:
                failed[iri] = fields["failed"]
            else:
                outputs[iri] = Output(**fields)
        if failed:
            message, kind = failed[min(failed)]
            raise DocumentError(message, kind=kind, standards=sorted(failed))
        return outputs

    def close(self) -> None:
        for proc, file in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            file.unlink(missing_ok=True)


def rendering_failed(standard: str, detail: str, kind: str) -> DocumentError:
    return DocumentError(f"its site pages cannot be rendered (a bug, please report it): {detail}",
                         kind=kind, standards=[standard])


PARENT_VARIABLE = "KUTSE_RDF_SITE_PARENT"  # the process id a site worker must not outlive


def jobs_of(stream) -> Iterator[tuple]:
    """The jobs after the settings in a worker's input, one at a time."""
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


def worker_main() -> None:
    """A worker process: jobs from stdin (see Workers), outputs as plain dicts to stdout."""
    if os.environ.get(PARENT_VARIABLE, "").isdigit():
        from kutse_rdf.processes import die_with_parent

        die_with_parent(int(os.environ[PARENT_VARIABLE]))
    out, base_uri, reference, templates = pickle.load(sys.stdin.buffer)
    renderer = StandardRenderer(Path(out), base_uri, reference, Path(templates) if templates else None)
    answers = sys.stdout.buffer
    for iri, graph, elm, suggestions, versions, changes in jobs_of(sys.stdin.buffer):
        # each job's answer as soon as it is made: kept here, a register's share of outputs
        # (search texts, cards, sitemap rows) grew a worker by ~0.7 MB per version
        try:
            result = asdict(renderer.render(StandardJob(iri, graph, elm, suggestions, versions, changes)))
        except DocumentError as exc:  # that standard fails, the others are rendered
            result = {"failed": (exc.message, exc.kind)}
        except OSError as exc:  # a full or read-only output: the build says so (exit 2)
            result = {"oserror": (exc.errno, exc.strerror, exc.filename)}
        pickle.dump((iri, result), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()
        if "oserror" in result:
            break


def worker_count(standards: int) -> int:
    """Worker processes for `standards` to render: none for a handful (starting one costs about
    as much as rendering five standards), else one per core."""
    cores = os.cpu_count() or 1
    return 0 if standards < 8 or cores < 2 else cores


if __name__ == "__main__":
    # run as `python -m kutse_rdf.site.render`: use the package's module, so that what is
    # pickled names kutse_rdf.site.render, not __main__
    from kutse_rdf.site.render import worker_main as main

    main()
