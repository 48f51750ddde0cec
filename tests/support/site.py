"""Helpers shared by the site tests (test_site.py, test_browser.py): build a site, read its pages.
No tests here; the name only keeps it among the site's own test files."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
XSS_FIXTURE = ROOT / "tests" / "fixtures" / "site"
BASE = "https://w3id.org/kutse-rdf/id/"
STD = BASE + "standard/it-juht-tase-7/version/draft"  # the seed: no version number, a draft


def build_seed(out: Path) -> Path:
    """The real pipeline on the seed standard; returns the build folder."""
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    run_build([SEED], out, Config())
    return out


def build_fixture(root: Path) -> Path:
    """The site stage alone over the hand-written XSS fixture graph (tests/fixtures/site)."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    shutil.copytree(XSS_FIXTURE / "data", root / "data")
    build_site(root, Config())
    return root


def whole_graph(build: Path):
    """The SiteGraph of every graph of a build: the asserted ones (standards, what they say about
    shared resources, reference) and the ELM view, as the site would show them were it made from
    the whole graph at once."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.graph import SiteGraph, read_dump, read_manifest

    entries = read_manifest(build)
    asserted = [read_dump(build, e) for e in entries if e.get("kind") in ("standard", "shared", "reference")]
    elm = b"".join(read_dump(build, e) for e in entries if e.get("kind") == "elm")
    return SiteGraph.from_parts(Config().base_uri, asserted, elm)


class PageParser(HTMLParser):
    """Collects links, alternates, scripts (with their text) and text of elements by id/tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []  # href/src values
        self.alternates: list[tuple[str, str]] = []  # (type or hreflang, href)
        self.scripts: list[tuple[dict, str]] = []
        self.h1 = ""
        self._in: list[str] = []
        self._script: dict | None = None
        self._text: list[str] = []
        self.html_lang = None
        self.meta: dict[str, str] = {}  # <meta name=… content=…>
        self.rels: list[tuple[str, str, str | None]] = []  # <link>: (rel, href, hreflang)
        self.titles: list[str] = []  # the <title> elements' texts

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content", "")
        if tag == "link":
            self.rels.append((a.get("rel", ""), a.get("href", ""), a.get("hreflang")))
        if tag == "title":
            self.titles.append("")
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
            if tag == "link" and a.get("rel") == "alternate":
                self.alternates.append((a.get("type") or a.get("hreflang"), a["href"]))
        if tag in ("script", "img") and a.get("src"):
            self.links.append(a["src"])
        if tag == "form" and a.get("action"):
            self.links.append(a["action"])
        if tag == "script":
            self._script, self._text = a, []
        self._in.append(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)
        if "h1" in self._in:
            self.h1 += data
        if self._in and self._in[-1] == "title":
            self.titles[-1] += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def jsonld_blocks(parser: PageParser) -> list[dict]:
    return [json.loads(text) for attrs, text in parser.scripts if attrs.get("type") == "application/ld+json"]


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
