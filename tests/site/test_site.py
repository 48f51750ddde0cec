"""The static site without a browser: paths, escaping, JSON-LD, alternates, links, VoID, sitemap,
coverage numbers and the search index. Expected values come from the seed document
(standards/it-juht-tase-7.txt, line numbers cited) and /work/shared/reference/ecf-4.0.tsv."""
from __future__ import annotations

import html as html_module
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import rdflib
import rdflib.compare

from support.site import (BASE, STD, build_fixture, build_seed, html_pages, jsonld_blocks,
                               parse_page, squash, whole_graph)

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    return build_seed(tmp_path_factory.mktemp("seed") / "build") / "site"


@pytest.fixture(scope="module")
def xss(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("xss")) / "site"


def page_text(path: Path) -> str:
    return squash(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


# -- paths ------------------------------------------------------------------------------------

def test_uri_to_site_path():
    from kutse_rdf.site.graph import SiteGraph

    g = SiteGraph(BASE)
    assert g.path_of(STD + "/competence/B.3.5") == "standard/it-juht-tase-7/version/draft/competence/B.3.5/"
    assert g.path_of("https://w3id.org/kutse-rdf/ecf/4.0/A.1") == "ecf/4.0/A.1/"
    assert g.path_of("https://w3id.org/kutse-rdf/ecf/4.0/") == "ecf/4.0/"
    assert g.path_of("https://w3id.org/kutse-rdf/ontology#Competence") == "ontology/#Competence"
    assert g.path_of("http://data.europa.eu/esco/isco/C1330") == "esco/isco/C1330/"
    assert g.path_of("http://example.org/x") is None
    assert SiteGraph.href_path("ontology/#Competence") == "ontology/index.html#Competence"
    # another base URI: its resources are stripped of it; reference vocabularies keep theirs
    other = SiteGraph("https://data.example.ee/kutse/")
    assert other.path_of("https://data.example.ee/kutse/standard/s") == "standard/s/"
    assert other.path_of("https://w3id.org/kutse-rdf/ecf/3.0/A.1") == "ecf/3.0/A.1/"


def seed_subjects(seed: Path) -> set[str]:
    data = seed.parent / "data"
    subjects = set()
    for file in [data / "standards" / "it-juht-tase-7" / "version" / "draft.nt", data / "reference.nt", data / "elm.nt"]:
        subjects |= {str(s) for s in rdflib.Graph().parse(file, format="nt").subjects()
                     if isinstance(s, rdflib.URIRef)}
    return subjects


# The ESCO concepts of ontology/esco.ttl that no mapping names and no standard links to (the
# candidates mappings/README.md turned down): in the data, without a page (ESCO pages are for the
# concepts the standards link to).
UNLINKED_ESCO = {"esco/occupation/c90e5009-37f2-4dcd-aea2-362fc817bc98/",  # ICT environmental manager
                 "esco/occupation/a79170ad-0b7b-4697-864f-1748359aa10a/",  # ICT product manager
                 "esco/occupation/8b6388a4-4904-471b-9331-d3b1211f5525/",  # ICT project manager
                 "esco/skill/1e7ed56a-6d6b-422f-962e-38543d150755/",  # manage changes in ICT system
                 "esco/skill/0a099c81-6a0c-4f00-bb3b-990d23ec03a5/"}  # manage ICT change request process


def test_every_slash_uri_has_a_folder_with_three_files(seed):
    from kutse_rdf.site.graph import SiteGraph

    paths = {SiteGraph(BASE).path_of(s) for s in seed_subjects(seed) if "#" not in s} - {None}
    assert UNLINKED_ESCO <= paths
    paths -= UNLINKED_ESCO
    # the curated mappings (reference.nt) name version-independent competences and partial
    # qualifications: their folders hold a page sending the reader to the current version's
    redirects = {p for p in paths if p.startswith("standard/") and "/version/" not in p}
    assert "standard/it-juht-tase-7/competence/B.3.11/" in redirects
    assert len(paths - redirects) > 150
    for path in paths - redirects:
        for name in ("index.html", "index.ttl", "index.jsonld"):
            assert (seed / path / name).is_file(), f"{path}{name}"
        assert (seed / "en" / path / "index.html").is_file()
    for path in redirects:
        target = path.replace("standard/it-juht-tase-7/", "standard/it-juht-tase-7/version/draft/")
        for tree in ("", "en/"):
            html = (seed / tree / path / "index.html").read_text(encoding="utf-8")
            assert 'http-equiv="refresh" content="0; url=' in html
            assert f'/{tree}{target}index.html">' in html, path
        assert not (seed / path / "index.ttl").exists()


def test_hash_uris_are_sections_of_their_parents_page(seed):
    """Indicators, knowledge items, general skills, work parts, sections, authors and the ELM
    view's nodes have no folder: each is an element with its fragment as id on its parent's page
    (both languages), and its statements are in the parent's index.ttl."""
    from kutse_rdf.site.graph import SiteGraph

    hashed = {s for s in seed_subjects(seed) if "#" in s and SiteGraph(BASE).path_of(s)}
    assert len(hashed) > 200
    ontology = "https://w3id.org/kutse-rdf/ontology"
    for iri in hashed:
        document, _, fragment = iri.partition("#")
        folder = seed / SiteGraph(BASE).path_of(document)
        for page in (folder / "index.html", seed / "en" / folder.relative_to(seed) / "index.html"):
            assert f'id="{fragment}"' in page.read_text(encoding="utf-8"), iri
        if document != ontology:
            assert not (seed / SiteGraph(BASE).path_of(document) / fragment).exists()
    assert not (seed / "standard/it-juht-tase-7/version/draft/competence/B.3.18/indicator").exists()

    # B.3.18 (line 322), indicator 4 (line 328)
    comp = STD + "/competence/B.3.18"
    folder = seed / "standard/it-juht-tase-7/version/draft/competence/B.3.18"
    html = (folder / "index.html").read_text(encoding="utf-8")
    item = re.search(r'<li id="indicator-4">(.*?)</li>', html).group(1)
    assert squash(re.sub(r"<[^>]+>", " ", item)) == "Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise."
    ttl = rdflib.Graph().parse(folder / "index.ttl", format="turtle")
    assert str(ttl.value(rdflib.URIRef(comp + "#indicator-4"), rdflib.RDFS.label)) == \
        "Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise."
    assert len(set(ttl.objects(rdflib.URIRef(comp), rdflib.URIRef(
        "https://w3id.org/kutse-rdf/ontology#hasIndicator")))) == 5  # lines 326-330
    # the ELM view's learning outcome of B.3.18 is a section of its page too, with its statements
    outcome = rdflib.URIRef(comp + "#learning-outcome")
    assert 'id="learning-outcome"' in html
    # its notes (elm:additionalNote) are linked by their text (elm:noteLiteral, line 328), not
    # by their IRIs
    assert ('#learning-outcome-indicator-4"><span>Tagab kriisi- ja taasteplaanide olemasolu ning '
            'nende testimise.</span></a>') in html
    assert ">" + comp + "#learning-outcome-indicator" not in html.replace("<span>", ">")
    assert (outcome, rdflib.RDF.type, rdflib.URIRef("http://data.europa.eu/snb/model/elm/LearningOutcome")) in ttl
    # the ELM view's own elm:Qualification is a section of the qualification's page; the page's
    # resource stays the knowledge graph's concept, not an ELM specification
    qual = STD + "/qualification"
    folder = seed / "standard/it-juht-tase-7/version/draft/qualification"
    assert 'id="elm-qualification"' in (folder / "index.html").read_text(encoding="utf-8")
    ttl = rdflib.Graph().parse(folder / "index.ttl", format="turtle")
    elm_qualification = rdflib.URIRef("http://data.europa.eu/snb/model/elm/Qualification")
    assert set(ttl.subjects(rdflib.RDF.type, elm_qualification)) == {rdflib.URIRef(qual + "#elm-qualification")}
    assert (folder / "index.jsonld").is_file() and rdflib.compare.isomorphic(
        ttl, rdflib.Graph().parse(folder / "index.jsonld", format="json-ld"))

    # the standard's page: work part A.2.14 (line 77, in the linked-data part: it repeats
    # competence B.3.14's name), author Peeter Normak (line 358)
    std_html = (seed / "standard/it-juht-tase-7/version/draft/index.html").read_text(encoding="utf-8")
    work = re.search(r'<section id="work-part-A.2.14" class="term".*?</section>', std_html, re.S).group(0)
    assert "<span>Riskijuhtimine</span>" in work and "ecf/4.0/E.3/index.html" in work
    assert std_html.index('id="work-part-A.2.14"') > std_html.index('<details class="linked-data"')
    author = squash(re.sub(r"<[^>]+>", " ", re.search(r'<li id="author-peeter-normak">(.*?)</li>', std_html).group(1)))
    assert author == "Peeter Normak – Tallinna Ülikool"
    assert 'id="section-A.1"' in std_html and 'id="general-skill-14"' in std_html
    # the organisation (line 358) is a link to its own page, which names the author
    assert re.search(r'<li id="author-peeter-normak">.*?<a href="\.\./\.\./\.\./\.\./organisation/'
                     r'tallinna-ulikool/index.html">', std_html)
    org_html = (seed / "organisation/tallinna-ulikool/index.html").read_text(encoding="utf-8")
    assert "Tallinna Ülikool" in org_html and "Peeter Normak" in org_html
    std_ttl = rdflib.Graph().parse(seed / "standard/it-juht-tase-7/version/draft/index.ttl", format="turtle")
    org = rdflib.URIRef("https://w3id.org/kutse-rdf/id/organisation/tallinna-ulikool")
    assert std_ttl.value(rdflib.URIRef(STD + "#author-peeter-normak"),
                         rdflib.URIRef("https://schema.org/affiliation")) == org


# -- escaping ---------------------------------------------------------------------------------

def test_hostile_titles_are_escaped(xss):
    for page in html_pages(xss):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "<b>" not in html, page
        parser = parse_page(page)
        for attrs, text in parser.scripts:
            if attrs.get("type") == "application/ld+json":
                assert "</" not in text and "<!--" not in text, page
            else:
                assert attrs.get("src") and not text.strip(), page
    competence = parse_page(xss / "standard/xss-juht-tase-6/competence/B.3.1/index.html")
    assert squash(competence.h1) == "B.3.1 Riskijuhtimine <script>alert(1)</script>"
    # indicator 2 as written in the fixture, escaped once, in the indicator list, in the
    # statements table (rows joined in Python, site_render.markup_writers, not by the template)
    # and in the meta description (the indicators, joined by "; ")
    html = (xss / "standard/xss-juht-tase-6/competence/B.3.1/index.html").read_text(encoding="utf-8")
    escaped = "Kommunikeerib riske &#34;jutumärkides&#34; &amp; &lt;b&gt;paksult&lt;/b&gt;."
    assert html.count(escaped) == 3
    assert competence.meta["description"].endswith(
        'Kommunikeerib riske "jutumärkides" & <b>paksult</b>.')
    assert f'<li id="indicator-2"><span>{escaped}</span></li>' in html
    search_index = (xss / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in search_index


def test_python_joined_items_match_the_macros():
    """`part_items` (site_render.py) writes what the `part_id`/`part` macros write, escaping
    included, for hash IRIs with and without a notation and for links to other pages."""
    from kutse_rdf.site.render import make_environment
    from kutse_rdf.site.views import Link

    links = [Link("T <b>", "et", None, "http://x/a#frag-1", "A.1", None),
             Link("T2", "en", "p/q", "http://x/p/q", "N&1", "p/q/index.html"),
             Link("T3", None, None, "http://x/a#f2", None, None),
             Link("T4", "et", None, "http://x/a#f3", "T4", None)]
    env = make_environment()
    template = env.from_string('{% import "_macros.html" as m with context %}'
                               '{% for i in links %}<li{{ m.part_id(i) }}>{{ m.part(i) }}</li>{% endfor %}'
                               '|{{ part_items(links) }}')
    by_macros, by_python = template.render(links=links, up="../", tree="", lang="en").split("|")
    assert by_python == by_macros
    assert '<li id="frag-1"><span class="code">A.1</span> <span lang="et">T &lt;b&gt;</span></li>' in by_python


def test_links_and_literals_are_escaped_once_with_their_language():
    """`anchor_html`/`literal_html` (what `a`, `lit` and `val` write): a link to a page from the
    tree's root, an outside IRI as an external link, anything else as text; a notation shown
    when it is not the text; `lang` only when it differs from the page's; every value escaped."""
    from kutse_rdf.site.graph import Value
    from kutse_rdf.site.render import anchor_html, literal_html
    from kutse_rdf.site.views import Link

    page = Link("Risk <b>&</b>", "et", "s/c/B.3.1/", "https://w3id.org/kutse-rdf/id/s/c/B.3.1", "B.3.1",
                "s/c/B.3.1/index.html")
    assert anchor_html(page, "../../", "en") == (
        '<a href="../../s/c/B.3.1/index.html"><span class="code">B.3.1</span> '
        '<span lang="et">Risk &lt;b&gt;&amp;&lt;/b&gt;</span></a>')
    assert anchor_html(page, "../../", "et") == (
        '<a href="../../s/c/B.3.1/index.html"><span class="code">B.3.1</span> '
        '<span>Risk &lt;b&gt;&amp;&lt;/b&gt;</span></a>')
    outside = Link("\"Quoted\"", None, None, "http://data.europa.eu/esco/x?a=1&b=2", "\"Quoted\"", None)
    assert anchor_html(outside, "../", "et") == (
        '<a class="ext" href="http://data.europa.eu/esco/x?a=1&amp;b=2"><span>&#34;Quoted&#34;</span></a>')
    plain = Link("urn:x", None, None, "urn:x", None, None)
    assert anchor_html(plain, "../", "et") == "<span>urn:x</span>"
    assert literal_html(Value("a < b", "en"), "et") == '<span lang="en">a &lt; b</span>'
    assert literal_html(None, "et") == ""


def test_escape_text_writes_what_markupsafe_writes():
    """escape_text, the big tables' and the links' escaping: for a str the same characters as
    markupsafe.escape (all five of & < > " '); a Markup is not escaped again; a number is text."""
    import markupsafe

    from kutse_rdf.site.render import escape_text

    for text in ["", "plain", "a & b", "<script>alert('x')</script>", '"quoted" & \'single\'',
                 "Infosüsteemide &amp; juba viidatud", "&lt;"]:
        assert escape_text(text) == str(markupsafe.escape(text)), text
    assert escape_text("<b>'&\"") == "&lt;b&gt;&#39;&amp;&#34;"
    assert escape_text(markupsafe.Markup("<b>kept</b>")) == "<b>kept</b>"
    assert escape_text(42) == "42"


def test_embedded_block_is_one_json_graph_with_markup_escaped():
    from kutse_rdf.site.jsonld import embed, own_json

    own = own_json([{"@id": "x", "name": "</script><!-- & ä"}])
    text = embed({"@type": "WebPage", "name": "P"}, own)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"@context": {"@vocab": "https://schema.org/"},
                                "@graph": [{"@type": "WebPage", "name": "P"},
                                           {"@id": "x", "name": "</script><!-- & ä"}]}
    assert json.loads(embed([], own))["@graph"] == [{"@id": "x", "name": "</script><!-- & ä"}]
    assert json.loads(embed({"@type": "WebPage"}))["@graph"] == [{"@type": "WebPage"}]


def test_report_tables_read_partial_or_empty_inputs(tmp_path):
    """The coverage index and validation pages read reports a person may have trimmed: missing
    keys and an empty CSV give empty tables, not an error."""
    from kutse_rdf.site.writer import read_csv_head, table_of, validation_view

    assert table_of({"head": {}, "results": {}}) == ([], [])
    assert validation_view({"conforms": True})["rows"] == []
    assert validation_view({"standards": [{"file": "a.txt"}]})["rows"] == []
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert read_csv_head(empty, 10) == ([], [], 0)


def test_a_reports_rows_are_counted_as_the_csv_reader_reads_them(tmp_path):
    """read_csv_head counts a result's rows in bytes (writer.csv_records): a line end inside a
    quoted cell, a doubled quote, a comma, \\r\\n or \\n line ends and a last line without one
    must give the csv module's count, on tables written by the csv module itself."""
    import csv
    import io
    import random

    from kutse_rdf.site.writer import csv_records, read_csv_head

    cells = ["a", "b,c", 'x"y', "two\nlines", "two\r\nlines", "", '""', "ä"]
    generator = random.Random(7)
    for _ in range(500):
        rows = [[generator.choice(cells) for _ in range(generator.randint(1, 3))]
                for _ in range(generator.randint(0, 6))]
        text = io.StringIO()
        csv.writer(text, lineterminator=generator.choice(["\r\n", "\n"])).writerows(rows)
        data = text.getvalue().encode()
        if generator.random() < 0.3:
            data = data.rstrip(b"\r\n")
        assert csv_records(data) == sum(1 for _ in csv.reader(io.StringIO(data.decode(), newline="")))
    table = tmp_path / "r.csv"
    table.write_bytes(b'x,y\r\n"a\r\nb",1\r\n"c ""d""",2\r\ne,3\r\n')
    assert read_csv_head(table, 1) == (["x", "y"], [["a\r\nb", "1"]], 3)

def test_csp_meta_on_every_page(xss):
    for page in html_pages(xss):
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in \
            page.read_text(encoding="utf-8"), page


# -- JSON-LD and alternates ---------------------------------------------------------------------

def graph_of(data) -> rdflib.Graph:
    return rdflib.Graph().parse(data=json.dumps(data), format="json-ld")


def ground(graph: rdflib.Graph) -> set:
    return {t for t in graph if not any(isinstance(x, rdflib.BNode) for x in t)}


def test_embedded_jsonld_is_own_triples_plus_schema_org(seed, xss):
    for site in (seed, xss):
        checked = 0
        for page in html_pages(site):
            if page.parent.parent == site.parent:  # 404.html
                continue
            if 'http-equiv="refresh"' in page.read_text(encoding="utf-8"):
                continue  # a version-independent IRI's page, sending the reader on
            blocks = jsonld_blocks(parse_page(page))
            assert len(blocks) == 1, page
            embedded = graph_of(blocks[0])
            twin = site / page.relative_to(site).as_posix().removeprefix("en/")
            own_file = twin.parent / "index.jsonld"
            if not own_file.is_file():
                continue
            own = rdflib.Graph().parse(own_file, format="json-ld")
            assert ground(own) <= ground(embedded), page
            assert len(own) <= len(embedded)
            for s, p, o in ground(embedded) - ground(own):
                assert str(p).startswith(SCHEMA) or (str(p) == RDF_TYPE and str(o).startswith(SCHEMA)), (page, p)
            checked += 1
        assert checked > 20


def test_turtle_alternate_equals_jsonld_alternate(seed):
    folder = seed / "standard/it-juht-tase-7/version/draft/competence/B.3.5"
    ttl = rdflib.Graph().parse(folder / "index.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(folder / "index.jsonld", format="json-ld")
    assert rdflib.compare.isomorphic(ttl, jsonld)
    comp = rdflib.URIRef(STD + "/competence/B.3.5")
    # source line 204: "B.3.5. Tehnoloogia arengu jälgimine ja innovatsioon (e-CF kompetentsid A.7 ja A.9)"
    assert str(ttl.value(comp, rdflib.SKOS.notation)) == "B.3.5"
    assert {str(o) for o in ttl.objects(comp, rdflib.URIRef("https://w3id.org/kutse-rdf/ontology#citesEcf"))} == {
        "https://w3id.org/kutse-rdf/ecf/4.0/A.7", "https://w3id.org/kutse-rdf/ecf/4.0/A.9"}


def test_schema_org_terms(seed):
    block = jsonld_blocks(parse_page(seed / "standard/it-juht-tase-7/version/draft/index.html"))[0]
    g = graph_of(block)
    s = rdflib.Namespace(SCHEMA)
    qual = rdflib.URIRef(STD + "/qualification")
    # the seed "ei ole kutse andmise aluseks" and is a draft: no credential
    assert (qual, rdflib.RDF.type, s.EducationalOccupationalCredential) not in g
    assert (qual, rdflib.RDF.type, s.LearningResource) in g
    occupation = g.value(predicate=rdflib.RDF.type, object=s.Occupation)
    category = g.value(occupation, s.occupationalCategory)
    assert str(g.value(category, s.codeValue)) == "1330"  # C.1 item 8: "1330 IKT-juhid"
    level = g.value(qual, s.educationalLevel)
    assert str(g.value(level, s.termCode)) == "7"  # C.1 item 9: EQF 7
    terms = set(g.objects(qual, s.competencyRequired))
    assert len(terms) == 19  # B.1: "kohustuslikud kompetentsid B.3.1.- B.3.19."
    b35 = rdflib.URIRef(STD + "/competence/B.3.5")
    assert (b35, rdflib.RDF.type, s.DefinedTerm) in g and str(g.value(b35, s.termCode)) == "B.3.5"
    assert (g.value(b35, s.inDefinedTermSet), rdflib.RDF.type, s.DefinedTermSet) in g
    # line 358 "Peeter Normak - Tallinna Ülikool": a Person, affiliated with the Organization
    # node of the graph (its IRI), not a nameless one
    author = rdflib.URIRef(STD + "#author-peeter-normak")
    org = rdflib.URIRef("https://w3id.org/kutse-rdf/id/organisation/tallinna-ulikool")
    assert (rdflib.URIRef(STD), s.author, author) in g and (author, rdflib.RDF.type, s.Person) in g
    assert list(g.objects(author, s.affiliation)) == [org]
    assert (org, rdflib.RDF.type, s.Organization) in g
    assert str(g.value(org, s.name)) == "Tallinna Ülikool"


# -- links ------------------------------------------------------------------------------------

def test_no_broken_internal_link_or_missing_alternate(seed, xss):
    for site in (seed, xss):
        for page in html_pages(site):
            if page.name == "404.html":
                continue  # served for any path, so its one link is to the host root
            parser = parse_page(page)
            for href in parser.links:
                url = urlparse(href)
                if url.scheme or href.startswith("//"):
                    continue  # absolute links name external resources; nothing is loaded from them
                assert not href.startswith("/"), (page, href)
                target = (page.parent / unquote(url.path)).resolve() if url.path else page
                assert target.is_file(), (page, href)
                if url.fragment and target.suffix == ".html":
                    assert f'id="{unquote(url.fragment)}"' in target.read_text(encoding="utf-8"), (page, href)
            kinds = {kind for kind, _ in parser.alternates}
            if page.name == "index.html" and (page.parent / "index.ttl").exists():
                assert {"text/turtle", "application/ld+json"} <= kinds, page


def test_no_external_resources_loaded(seed):
    """Nothing a browser fetches by itself (scripts, styles, images, frames, link elements) points
    outside the site; absolute URLs appear only in <a> links, inside the JSON-LD and in the
    <link>s a browser does not fetch (canonical, hreflang), which name the page's URL under the
    base URI."""
    for page in html_pages(seed):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html):
            if re.match(r'<link rel="(?:canonical|alternate" hreflang="[a-z-]+)" href="', tag):
                assert f'href="{BASE}' in tag, (page, tag)
                continue
            assert not re.search(r'(?:src|href)="(?:[a-z]+:)?//', tag), (page, tag)
    css = (seed / "assets" / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


# -- content ----------------------------------------------------------------------------------

def test_competence_page_content(seed):
    text = page_text(seed / "standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html")
    # source line 322: "B.3.18. Infoturbestrateegia väljatöötamine ja haldamine (e-CF kompetentsid E.8 ja D.1)"
    assert "Infoturbestrateegia väljatöötamine ja haldamine" in text
    # ecf-4.0.tsv: E.8 Information Security Management (e-2..e-4), D.1 Information Security
    # Strategy Development (e-4..e-5)
    assert "Information Security Management" in text and "Information Security Strategy Development" in text
    assert "e-2, e-3, e-4" in text and "e-4, e-5" in text
    # indicator 4 (line 328): "Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise."
    assert "Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise." in text
    # required by the full qualification and Infoturbejuht (line 128)
    assert "Infoturbejuht, tase 7" in text


def test_ecf_reverse_view(seed):
    text = page_text(seed / "ecf/4.0/A.9/index.html")
    assert "Innovating" in text  # ecf-4.0.tsv
    assert "B.3.5 Tehnoloogia arengu jälgimine ja innovatsioon" in text  # line 204 cites A.7 and A.9
    assert "IT-juht, tase 7" in text
    area = page_text(seed / "ecf/4.0/E/index.html")
    assert "E.8" in area and "E.3" in area


def reader_text(path: Path) -> str:
    """The page's text before its linked-data disclosure: what a reader sees first."""
    html = path.read_text(encoding="utf-8")
    main = html[html.index("<main"):]
    return squash(re.sub(r"<[^>]+>", " ", main[:main.index('<details class="linked-data"')]))


def test_ecf_pages_say_what_the_competence_is_and_where_the_framework_is_published(seed):
    # ecf-4.0.tsv: "E.8 E Information Security Management 2 4"; e-2 = EQF 4-5 .. e-4 = EQF 7
    text = reader_text(seed / "ecf/4.0/E.8/index.html")
    assert "Kompetents Euroopa e-kompetentside raamistikust (e-CF)" in text
    assert "Raamistiku versioon e-CF 4.0" in text and "Valdkond E Manage" in text
    assert "e-CF tasemed e-2 , e-3 , e-4 (EQF tasemed: 4 , 5 , 6 , 7 )" in text
    assert "Sama e-CF 3.0-s E.8 Information Security Management" in text
    # where the framework is published (the scheme's dct:publisher and rdfs:seeAlso), and the
    # source of the lists (dct:source)
    assert "Euroopa standardina EN 16234-1:2019" in text
    html = (seed / "ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    head = html[:html.index('<details class="linked-data"')]
    assert 'href="https://www.ecompetences.eu/">' in head
    assert 'href="https://esco.ec.europa.eu/en/escopedia/european-e-competence-framework-e-cf">' in head
    assert "as transcribed in public sources and the ESCOpedia entry on e-CF" in text
    # a level by its code, not "e-2 e-CF oskustase e-2"
    assert "e-CF oskustase" not in text
    # ecf-3.0.tsv: D.6 Channel Management, "merged into D.5 Sales Development" in 4.0
    text = reader_text(seed / "ecf/3.0/D.6/index.html")
    assert "Raamistiku versioon e-CF 3.0" in text and "Allikas tasemeid ei anna." in text
    assert "e-CF 4.0-s koondatud kompetentsi D.5 Sales Development" in text
    assert "CWA 16234-1:2014" in text
    text = reader_text(seed / "en/ecf/4.0/D.5/index.html")
    assert "e-CF 3.0 competences merged into it D.5 Sales Proposal Development , D.6 Channel Management , D.7 Sales Management" in text
    # a proficiency level: a kind of its own, its EQF level and the competences described at it
    text = reader_text(seed / "en/ecf/level/e-4/index.html")
    assert text.startswith("e-CF proficiency level e-CF proficiency level e-4 One of the five proficiency levels")
    assert "EQF levels EQF level 7" in text and "E.8 Information Security Management" in text


def test_queries_page_lists_the_library_with_its_sparql_and_results(seed):
    """queries/: every library query with what it asks, its SPARQL text (also as NAME.rq) and
    links to its results from this build; linked from every page's menu; found by the search."""
    from kutse_rdf.query import library

    queries = library()
    html = (seed / "queries/index.html").read_text(encoding="utf-8")
    en = (seed / "en/queries/index.html").read_text(encoding="utf-8")
    for name, query in queries.items():
        section = re.search(rf'<section id="{name}" class="query".*?</section>', html, re.S).group(0)
        text = html_module.unescape(section)
        assert query.title in text and query.question_et in text, name
        assert query.question_en in html_module.unescape(en), name
        # the SPARQL text as written, and the file beside the page
        code = re.search(r"<pre[^>]*><code>(.*?)</code></pre>", section, re.S).group(1)
        assert html_module.unescape(code) == query.text, name
        assert (seed / "queries" / f"{name}.rq").read_text(encoding="utf-8") == query.text
        for ext in ("csv", "json"):
            result = seed / "reports" / "queries" / f"{name}.{ext}"
            assert (f'href="../reports/queries/{name}.{ext}"' in section) == result.is_file(), (name, ext)
    # the build runs the unparametrised coverage queries: their results are linked
    assert (seed / "reports/queries/ecf-coverage.csv").is_file()
    assert 'href="../../../queries/index.html"' in (seed / "ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    data, by_path = search_index(seed)
    assert data["kinds"][by_path["queries/"][3]] == "queries"
    assert "queries/" in {data["paths"][d] for d in data["terms"]["sparql"][::2]}
    assert data["kinds"][by_path["queries/#ecf-coverage"][3]] == "query"


def heatmap_rows(path: Path) -> dict[str, list[str]]:
    html = path.read_text(encoding="utf-8")
    table = html[html.index('<table class="heatmap">'):]
    table = table[:table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
        name = squash(re.sub(r"<[^>]+>", " ", row.split("</th>")[0]))
        rows[name] = re.findall(r'<td class="heat-\d">(\d+)</td>', row)
    return rows


def test_coverage_heatmap_counts(seed):
    rows = heatmap_rows(seed / "coverage/standard/it-juht-tase-7/version/draft/index.html")
    # line 128, Infoturbejuht: B.3.5 (A.7, A.9), B.3.7 (C.4), B.3.13 (E.2), B.3.14 (E.3),
    # B.3.15 (E.4), B.3.16 (E.5), B.3.18 (E.8, D.1), B.3.19 (E.9) -> A 1, B 0, C 1, D 1, E 6
    assert rows["Infoturbejuht, tase 7"] == ["1", "0", "1", "1", "6"]
    # line 119, IT arendusjuht: B.3.1 A.1, .3 A.3, .4 A.5, .5 A.7/A.9, .6 A.8, .8 D.2, .9 D.4,
    # .12 D.11, .13 E.2, .15 E.4, .17 E.7, .19 E.9 -> A 5, B 0, C 0, D 3, E 4
    assert rows["IT arendusjuht, tase 7"] == ["5", "0", "0", "3", "4"]


def test_coverage_matrix(seed):
    html = (seed / "coverage/standard/it-juht-tase-7/version/draft/index.html").read_text(encoding="utf-8")
    table = html[html.index('<table class="matrix">'):html.index("</table>")]
    header = [squash(re.sub(r"<[^>]+>", " ", h)) for h in re.findall(r'<th scope="col">(.*?)</th>', table)]
    row = next(r for r in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S) if "B.3.14" in r)
    ticks = [cell == "on" for cell in re.findall(r'<td class="(on|off)">', row)]
    ticked = {header[i + 1] for i, on in enumerate(ticks) if on}
    # B.3.14 Riskijuhtimine: the full qualification (B.3.1-B.3.19) and Infoturbejuht (line 128) only
    assert ticked == {"IT-juht, tase 7", "Infoturbejuht, tase 7"}


def search_index(site: Path) -> tuple[dict, dict[str, list]]:
    """The search index of a site and its docs by their whole path (search.py describes the
    format), with the pages folded into each doc's result."""
    from kutse_rdf.site.search import read_index

    data = read_index((site / "assets" / "search-index.js").read_text(encoding="utf-8"))
    docs = data["docs"]

    def path(doc):
        if len(doc) < 7 or doc[6] < 0:
            return doc[0]
        return doc[0][1:] if doc[0].startswith("/") else docs[doc[6]][0] + doc[0]

    data["paths"] = [path(d) for d in docs]
    return data, {path(d): d for d in docs}


def test_search_index(seed):
    from kutse_rdf.site.search import fold, tokens

    assert tokens("B.3.5. Tehnoloogia (e-CF A.7)") == ["b.3.5", "tehnoloogia", "e", "cf", "a.7"]
    assert fold("Õppe ÄRI šokk") == "oppe ari sokk"
    data, by_path = search_index(seed)
    assert "standard/it-juht-tase-7/version/draft/competence/B.3.14/" in by_path
    docs_with = {data["paths"][d] for d in data["terms"]["riskijuhtimine"][::2]}
    assert "standard/it-juht-tase-7/version/draft/competence/B.3.14/" in docs_with
    # indicator text is searchable: line 329 "Uuendab ja kaasajastab infoturvastrateegiad ..."
    docs_with = {data["paths"][d] for d in data["terms"]["kaasajastab"][::2]}
    assert docs_with == {"standard/it-juht-tase-7/version/draft/competence/B.3.18/"}
    # ... and shown from the standard's snippet script, not held in the index
    standard = data["paths"].index("standard/it-juht-tase-7/version/draft/")
    name = data["texts"][str(standard)]
    assert "Uuendab ja kaasajastab" not in (seed / "assets" / "search-index.js").read_text(encoding="utf-8")
    snippets = (seed / "assets" / "search" / f"{name}.js").read_text(encoding="utf-8")
    assert snippets.startswith(f'(window.KUTSE_SEARCH_TEXT = window.KUTSE_SEARCH_TEXT || {{}})["{name}"] = ')
    texts = json.loads(snippets[snippets.index("] = ") + 4:].rstrip().rstrip(";"))
    b318 = data["paths"].index("standard/it-juht-tase-7/version/draft/competence/B.3.18/")
    # numbered from the standard's doc, the first of its part
    assert data["part_of"][b318] == standard
    assert any(t.startswith("Uuendab ja kaasajastab infoturvastrateegiad") for t in texts[str(b318 - standard)])
    # a competence names its standard; one result per thing: e-CF 3.0's E.8 is folded into
    # 4.0's, the qualification into the standard of the same name
    assert by_path["standard/it-juht-tase-7/version/draft/competence/B.3.18/"][6] == standard
    kinds = data["kinds"]
    assert "ecf/3.0/E.8/" not in by_path
    assert by_path["ecf/4.0/E.8/"][7] == [["ecf/3.0/E.8/", kinds.index("ecf"), "E.8"]]
    assert by_path["ecf/4.0/D.6/"][7] == [["ecf/3.0/D.12/", kinds.index("ecf"), "D.12"]]  # renumbered
    assert "ecf/3.0/D.6/" in by_path  # merged into 4.0's D.5: another thing
    assert by_path["standard/it-juht-tase-7/version/draft/"][7] == [
        ["standard/it-juht-tase-7/version/draft/qualification/", kinds.index("qualification"), ""]]


def test_search_index_entries_fold_bound_and_never_title_by_an_iri():
    """The index's own rules, on hand-made entries: a page folds only into a result of its
    own; paths that are not below their standard's are kept whole; an IRI is no title."""
    from kutse_rdf.site.search import SearchIndex, read_index

    index = SearchIndex()
    index.add("s/", "Standard", "et", "standard", None, [("Standard", 4)])
    index.add("s/c/1/", "Uks", "et", "competence", "B.1", [], parent="s/", texts=["Teeb tööd."])
    index.add("elsewhere/x/", "https://example.org/a-thing", None, "resource", None, [], parent="s/")
    index.add("old/1/", "Uks", "en", "ecf", "1", [("word", 4)], same_as="new/1/")  # no such result
    index.add("old/2/", "Kaks", "en", "ecf", "2", [("kaks", 4)], same_as="old/3/")
    index.add("old/3/", "Kolm", "en", "ecf", "3", [], same_as="s/")  # folded itself: not a target
    files = index.files()
    data = read_index(files["search-index.js"])
    docs = data["docs"]
    assert [d[0] for d in docs] == ["s/", "c/1/", "/elsewhere/x/", "old/1/", "old/2/"]
    assert docs[2][1] == "a thing"
    assert docs[0][7] == [["old/3/", data["kinds"].index("ecf"), "3"]]
    assert "kaks" in data["terms"] and data["terms"]["kaks"] == [4, 4]
    name = data["texts"]["0"]
    assert set(files) == {"search-index.js", f"search/{name}.js"}
    assert name == hashlib.sha256(b'{"1":["Teeb t\xc3\xb6\xc3\xb6d."]}').hexdigest()[:20]


def search_of(standards: list[str]):
    """An index of a home page, then each of `standards` with a competence, a part each."""
    from kutse_rdf.site.search import SearchIndex

    index = SearchIndex()
    index.add("home/", "Avaleht", "et", "page", None, [("avaleht", 4)])
    for s in standards:
        index.add(f"{s}/", s, "et", "standard", None, [(s, 4), ("amet", 4)])
        index.add(f"{s}/c/1/", "Üks", "et", "competence", "B.1", [("teeb", 1)], parent=f"{s}/",
                  texts=[f"Teeb {s} tööd."])
    return index, [(1, None), *((2, f"key of {s}") for s in standards)]


def test_a_standards_snippet_script_keeps_its_name_when_results_before_it_change():
    """A snippet script is named by a hash of its texts, each doc numbered from its part's
    first: a standard added before another renumbers the other's results, not its script."""
    from kutse_rdf.site.search import read_index

    def scripts(standards):
        index, parts = search_of(standards)
        files = index.files(parts)
        data = read_index(files["search-index.js"])
        paths = [d[0] for d in data["docs"]]
        return {paths[int(doc)]: files[f"search/{name}.js"] for doc, name in data["texts"].items()}

    before, after = scripts(["b", "c"]), scripts(["a", "b", "c"])
    assert before["b/"] == after["b/"] and before["c/"] == after["c/"]
    assert '{"1":["Teeb c tööd."]}' in after["c/"]  # the competence: the doc after its standard's


def test_the_parts_merged_are_the_index_of_all_entries_and_a_known_part_is_not_compiled_again(monkeypatch):
    """The index in parts reads (read_index, as search.js merges them) as the one index of all
    the entries: every doc numbered across the parts, postings ascending, each doc's parent its
    standard's doc. A part whose key the previous build compiled is taken as it was: a
    standard added compiles its own part and the unkeyed ones only, and the text is the same
    as compiled from nothing."""
    from kutse_rdf.site import search
    from kutse_rdf.site.search import read_index

    index, parts = search_of(["a", "b", "c"])
    compiled: dict = {}
    data = read_index(index.files(parts, compiled=compiled)["search-index.js"])
    assert len(compiled) == 3  # the standards' parts: the first part has no key
    assert [d[0] for d in data["docs"]] == ["home/", "a/", "c/1/", "b/", "c/1/", "c/", "c/1/"]
    assert [d[6] for d in data["docs"][2::2]] == [1, 3, 5]  # each competence's standard
    assert data["terms"]["amet"] == [1, 4, 3, 4, 5, 4]
    assert data["terms"]["teeb"] == [2, 1, 4, 1, 6, 1]
    assert data["terms"]["b"] == [3, 4, 4, 1] and data["terms"]["avaleht"] == [0, 4]  # b: "Teeb b tööd."
    assert data["part_of"] == [0, 1, 1, 3, 3, 5, 5]
    assert set(data["texts"]) == {"1", "3", "5"}

    calls = []
    real = search.compile_part
    monkeypatch.setattr(search, "compile_part", lambda entries, kinds: calls.append(entries) or real(entries, kinds))
    more, more_parts = search_of(["a", "ab", "b", "c"])
    taken = more.files(more_parts, known=compiled)
    assert [[e[0] for e in entries] for entries in calls] == [["home/"], ["ab/", "ab/c/1/"], []]
    calls.clear()
    assert taken == more.files(more_parts)  # the same text as compiled from nothing
    assert len(calls) == 6
    merged = read_index(taken["search-index.js"])
    assert merged["terms"]["amet"] == [1, 4, 3, 4, 5, 4, 7, 4]
    assert [d[6] for d in merged["docs"][2::2]] == [1, 3, 5, 7]


# -- dataset description ----------------------------------------------------------------------

def test_void_dcat(seed):
    g = rdflib.Graph().parse(seed / "void.ttl", format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef(BASE + "void.ttl#dataset")
    dumps = {str(o) for o in g.objects(dataset, void.dataDump)}
    assert BASE + "data/all.nt" in dumps and BASE + "data/all.trig" in dumps
    assert g.value(dataset, rdflib.DCTERMS.license) is not None
    media = {str(g.value(d, dcat.mediaType)) for d in g.objects(dataset, dcat.distribution)}
    assert "http://www.iana.org/assignments/media-types/text/turtle" in media
    for dist in g.objects(dataset, dcat.distribution):
        url = str(g.value(dist, dcat.downloadURL))
        file = seed / url.removeprefix(BASE)
        assert file.is_file() and int(g.value(dist, dcat.byteSize)) == file.stat().st_size
    assert (seed / ".well-known" / "void").read_bytes() == (seed / "void.ttl").read_bytes()

    # each named graph a subset: its triple count (graphs.json's, as parsed) and its dump
    sd_name = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name")
    subsets = {str(g.value(s, sd_name)): s for s in g.objects(dataset, void.subset)}
    # the seed's one version (a draft), its work's graph (versions, current one), what it says
    # about its council, organisations and the tool (shared), the rest
    assert set(subsets) == {BASE + "graph/it-juht-tase-7/version/draft", BASE + "graph/it-juht-tase-7",
                            BASE + "graph/shared", BASE + "graph/reference", BASE + "graph/inferred",
                            BASE + "graph/elm"}
    for subset in subsets.values():
        dump = seed / str(g.value(subset, void.dataDump)).removeprefix(BASE)
        parsed = len(rdflib.Graph().parse(dump, format="nt"))
        assert int(g.value(subset, void.triples)) == parsed > 0
    # the build does not know where a SPARQL endpoint will be: serve adds its own
    assert g.value(dataset, void.sparqlEndpoint) is None


# -- web hygiene ---------------------------------------------------------------------------------

def page_url(seed: Path, page: Path, base: str = BASE) -> str:
    folder = page.parent.relative_to(seed).as_posix()
    return base + ("" if folder == "." else folder + "/")


def redirect_target(seed: Path, page: Path, base: str = BASE) -> str | None:
    """The URL under the base URI of the page a version-independent IRI's page sends the reader
    to (its meta refresh), None for any other page."""
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">',
                      page.read_text(encoding="utf-8"))
    if found is None:
        return None
    target = (page.parent / unquote(found.group(1))).resolve()
    assert target.is_file() and target.name == "index.html", (page, found.group(1))
    return page_url(seed.resolve(), target, base)


def test_every_page_head(seed):
    """Every page: one <title>, a meta description of at most 160 characters, a canonical URL
    and hreflang links to every language's page (itself included) and x-default, all absolute
    under the base URI, and the favicon. A version-independent IRI's page (it sends the reader
    to the current version's) is not indexed: its canonical URL is its target's, and it has no
    hreflang links (they would name pages that are not canonical) and no favicon (the browser
    leaves it at once)."""
    pages = [p for p in html_pages(seed) if p.name == "index.html"]
    descriptions = {}
    redirects = 0
    for page in pages:
        parsed = parse_page(page)
        url = page_url(seed, page)
        assert len(parsed.titles) == 1 and parsed.titles[0].strip(), page
        description = parsed.meta.get("description", "")
        assert 0 < len(description) <= 160 and "\n" not in description, page
        links = {(rel, hreflang): href for rel, href, hreflang in parsed.rels}
        target = redirect_target(seed, page)
        if target is not None:
            redirects += 1
            assert links[("canonical", None)] == target != url, page
            assert parsed.meta["robots"] == "noindex" and not jsonld_blocks(parsed), page
            assert not [k for k in links if k[1]] and ("icon", None) not in links, page
            continue
        descriptions[url] = description
        assert links[("canonical", None)] == url
        icon = links[("icon", None)]
        assert (page.parent / icon).resolve() == (seed / "assets" / "favicon.svg").resolve()
        tree_path = url.removeprefix(BASE).removeprefix("en/")
        et, en = BASE + tree_path, BASE + "en/" + tree_path
        assert {k: v for k, v in links.items() if k[1]} == {
            ("alternate", "et"): et, ("alternate", "en"): en, ("alternate", "x-default"): et}
    assert redirects > 50  # the seed's resources' version-independent IRIs, in both languages
    svg = (seed / "assets" / "favicon.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
    # the resource pages' descriptions are their own: no two the same in one language
    resources = [d for u, d in descriptions.items() if "/standard/" in u and "/en/" not in u]
    assert len(set(resources)) == len(resources)


def test_descriptions_come_from_the_pages_own_text(seed):
    def description(rel: str) -> str:
        return parse_page(seed / rel / "index.html").meta["description"]

    # B.3.5's first indicator (source line 199: "Jälgib ja omab ülevaadet IT valdkonna
    # arengutrendidest ...")
    competence = description("standard/it-juht-tase-7/version/draft/competence/B.3.5")
    assert competence.startswith("Kompetents: B.3.5 Tehnoloogia arengu jälgimine ja innovatsioon. "
                                 "Jälgib ja omab ülevaadet IT valdkonna arengutrendidest")
    assert competence.endswith("…")
    # the standard's job description (A.1, source line 24)
    assert description("standard/it-juht-tase-7/version/draft").startswith(
        "Kutsestandard: IT-juht, tase 7. IT-juhi töö eesmärgiks on")
    # in English by the English name the document gives (line 388: "Inglise keeles IT manager,
    # EstQF Level 7"); the job description stays as written
    assert description("en/standard/it-juht-tase-7/version/draft").startswith(
        "Occupational standard: IT manager, EstQF Level 7. IT-juhi töö eesmärgiks on")
    # the ontology's dct:description
    assert "Klassid ja omadused" in description("ontology")


def test_downloads_page_download_links_and_triple_counts(seed):
    html = (seed / "downloads" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="\.\./([^"]+)" type="[^"]+" download>.*?</tr>', html)
    files = {p.relative_to(seed).as_posix() for p in (seed / "data").rglob("*") if p.is_file()}
    files |= {p.relative_to(seed).as_posix() for p in (seed / "reports").rglob("*") if p.is_file()}
    # the version's and the work's graph files are offered in their graph's folder (the graph
    # IRI's), not linked a second time into data/
    assert not (seed / "data" / "standards").exists()
    files |= {f"graph/it-juht-tase-7/{folder}index{suffix}"
              for folder in ("", "version/draft/") for suffix in (".nt", ".ttl")}
    assert set(rows) == files
    formats = {".nt": "nt", ".ttl": "turtle", ".trig": "trig", ".jsonld": "json-ld"}
    counted = 0
    for rel in rows:
        row = re.search(r'<a href="\.\./' + re.escape(rel) + r'".*?</tr>', html).group(0)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        suffix = Path(rel).suffix
        if rel.startswith(("data/", "graph/")) and suffix in formats:
            graph = rdflib.Dataset() if suffix == ".trig" else rdflib.Graph()
            graph.parse(seed / rel, format=formats[suffix])
            count = sum(1 for _ in graph.quads()) if suffix == ".trig" else len(graph)
            assert cells[-1] == f"{count:,}".replace(",", "\u202f"), rel
            counted += 1
        else:
            assert cells[-1] == "", rel
        assert cells[0], rel  # what the file holds (the row begins inside its first cell)
    assert counted >= 10
    assert "Kõik koos: kutsestandardid" in html


def test_every_absolute_url_follows_the_base_uri(tmp_path, seed_path):
    """With another base URI, every absolute URL the site writes for its own pages and files
    is under it: canonical, hreflang, sitemap, robots.txt, VoID (and .well-known/void), the
    dataset's JSON-LD on the home page."""
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    base = "http://host.example/kutse/"
    run_build([seed_path], tmp_path / "build", Config(base_uri=base), quiet=True)
    site = tmp_path / "build" / "site"
    for page in html_pages(site):
        if page.name != "index.html":
            continue
        for rel, href, _ in parse_page(page).rels:
            if rel in ("canonical", "alternate") and href.startswith("http"):
                assert href.startswith(base + ("en/" if "en/" in href else "")), (page, href)
        canonical = redirect_target(site, page, base) or page_url(site, page, base)
        assert ("canonical", canonical, None) in parse_page(page).rels
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs and all(loc.startswith(base) for loc in locs)
    assert base + "ecf/4.0/B.3/" in locs and base + "esco/isco/C1/" in locs
    assert (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n") \
        or f"Sitemap: {base}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    void = rdflib.Graph().parse(site / ".well-known" / "void", format="turtle")
    urls = {str(x) for t in void for x in t if isinstance(x, rdflib.URIRef)}
    own = {u for u in urls if "/data/" in u or "void.ttl" in u}
    assert own and all(u.startswith(base) for u in own)
    home = jsonld_blocks(parse_page(site / "index.html"))
    dataset = [n for block in home for n in block.get("@graph", [block]) if n.get("@type") == "Dataset"]
    assert dataset[0]["@id"] == base + "void.ttl#dataset"
    assert all(d["contentUrl"].startswith(base) for d in dataset[0]["distribution"])


def test_sitemap_robots_404(seed):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(seed / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert STD + "/" in locs and STD + "/competence/B.3.5/" in locs
    assert BASE + "en/standard/it-juht-tase-7/version/draft/" in locs
    # the site's own pages only, each once, each a page of the site (an ESCO concept's page by
    # its folder here, never by the ESCO IRI); not the pages that only send a version-independent
    # IRI on to the current version's page
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE) for loc in locs)
    pages = {BASE + p.parent.relative_to(seed).as_posix().removeprefix(".") + "/"
             for p in html_pages(seed) if p.name == "index.html"
             and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")}
    pages = {u.replace(BASE + "/", BASE) for u in pages}
    assert set(locs) == pages
    assert BASE + "standard/it-juht-tase-7/" not in locs  # a redirect page
    assert BASE + "esco/isco/C2529/" in locs and BASE + "coverage/standard/it-juht-tase-7/version/draft/" in locs
    assert f"Sitemap: {BASE}sitemap.xml" in (seed / "robots.txt").read_text(encoding="utf-8")
    assert "404" in (seed / "404.html").read_text(encoding="utf-8")


def test_sitemap_dates_follow_source_date_epoch(tmp_path, seed_path, monkeypatch):
    """A reproducible build (SOURCE_DATE_EPOCH) dates its sitemap entries by that time, not by
    the day it ran."""
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    run_build([seed_path], tmp_path / "build", Config(), quiet=True)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    dates = {e.text for e in ET.parse(tmp_path / "build/site/sitemap.xml").getroot().findall("s:url/s:lastmod", ns)}
    assert dates == {"2023-11-14"}


def test_a_site_over_the_sitemap_limit_gets_a_sitemap_index(tmp_path, monkeypatch):
    """Over 50,000 URLs (here a limit of 150) sitemap.xml is a sitemap index of files beside it
    (a sitemap lists only URLs under its own folder), each within the limit, together listing
    exactly the URLs of the single sitemap, each once; after one standard changes, only its
    file and the index are written again (the others are the previous build's files)."""
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config
    from kutse_rdf.site import writer

    sys_path = str(Path(__file__).resolve().parents[2] / "benchmarks")
    monkeypatch.syspath_prepend(sys_path)
    from make_corpus import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(5, corpus, seed=3)
    *files, added = sorted(corpus.glob("*.txt"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    run_build(files, tmp_path / "one", Config(), quiet=True)
    single = [e.text for e in ET.parse(tmp_path / "one/site/sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert 150 < len(single) <= 50_000 and len(set(single)) == len(single)

    monkeypatch.setattr(writer, "SITEMAP_LIMIT", 150)
    out = tmp_path / "split"
    run_build(files, out, Config(), quiet=True)
    site = out / "site"
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    names = [e.text for e in index.findall("s:sitemap/s:loc", ns)]
    assert len(names) > 1 and all(re.fullmatch(re.escape(BASE) + r"sitemap-\d+\.xml", n) for n in names)
    listed = {}
    for name in names:
        locs = [e.text for e in ET.parse(site / name.removeprefix(BASE)).getroot().findall("s:url/s:loc", ns)]
        assert 0 < len(locs) <= 150
        listed[name] = locs
    assert sorted(u for locs in listed.values() for u in locs) == sorted(single)
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")

    inodes = {name: (site / name.removeprefix(BASE)).stat().st_ino for name in names}
    run_build([*files, added], out, Config(), quiet=True)  # one more standard
    again = [e.text for e in ET.parse(site / "sitemap.xml").getroot().findall("s:sitemap/s:loc", ns)]
    rewritten = [n for n in again if n not in inodes
                 or (site / n.removeprefix(BASE)).stat().st_ino != inodes[n]]
    assert len(rewritten) == 1  # the added standard's file; the others taken over
    [name] = rewritten
    new = [e.text for e in ET.parse(site / name.removeprefix(BASE)).getroot().findall("s:url/s:loc", ns)]
    assert any("/coverage/" in url for url in set(new) - set(listed.get(name, [])))


def test_changes_feed_is_atom_with_the_seed_version(seed):
    from support.atom import ATOM, check_atom

    feed = check_atom((seed / "changes.atom").read_bytes())
    assert feed.findtext(ATOM + "id") == BASE + "changes.atom"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "et"
    [entry] = feed.findall(ATOM + "entry")  # the seed: one version, a draft
    assert entry.findtext(ATOM + "id") == STD
    assert entry.findtext(ATOM + "title") == "IT-juht, tase 7 · kavand"
    assert entry.findtext(ATOM + "summary") == "Kavand, ei kehti. Esimene versioon selles registris"
    assert 'type="application/atom+xml" href="changes.atom"' in (seed / "index.html").read_text(encoding="utf-8")


def test_english_feed_for_the_english_pages(seed):
    """en/changes.atom: the same versions for an English reader, titled by the English name the
    document gives (line 388: "Inglise keeles IT manager, EstQF Level 7"); its entries' ids are
    the English pages' URLs, so that a reader of both feeds gets two entries, not one entry
    rewritten in the other language."""
    from support.atom import ATOM, check_atom

    feed = check_atom((seed / "en" / "changes.atom").read_bytes())
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.findtext(ATOM + "id") == BASE + "en/changes.atom"
    assert feed.findtext(ATOM + "title") == "Versions of the occupational standards and their changes"
    assert {(link.get("rel"), link.get("href")) for link in feed.findall(ATOM + "link")} == {
        ("self", BASE + "en/changes.atom"), ("alternate", BASE + "en/")}
    [entry] = feed.findall(ATOM + "entry")
    page = BASE + "en/standard/it-juht-tase-7/version/draft/"
    assert entry.findtext(ATOM + "id") == page
    assert entry.find(ATOM + "link").get("href") == page
    assert entry.findtext(ATOM + "title") == "IT manager, EstQF Level 7 · draft"
    assert entry.findtext(ATOM + "summary") == "A draft, not in force. The first version in this register"
    # every English page announces the English feed, every Estonian page the Estonian one
    for page_path in html_pages(seed):
        rel = page_path.relative_to(seed).as_posix()
        html = page_path.read_text(encoding="utf-8")
        if rel == "404.html" or 'http-equiv="refresh"' in html:
            continue  # served at any path / left at once: no links in the head
        feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)
        assert len(feeds) == 1, rel
        target = (page_path.parent / feeds[0]).resolve().relative_to(seed.resolve()).as_posix()
        assert target == ("en/changes.atom" if rel.startswith("en/") else "changes.atom"), rel


def test_english_pages_name_the_standard_in_english(seed):
    """Where the document gives an English name (C.2, line 388: "IT manager, EstQF Level 7"),
    the English pages call the standard by it, with its own name (line 2: "IT-juht, tase 7")
    under the heading, and say that the text is in Estonian; the Estonian pages stay Estonian."""
    en_name, et_name = "IT manager, EstQF Level 7", "IT-juht, tase 7"
    std = "standard/it-juht-tase-7/version/draft/"
    note = "The standard&#39;s text is in Estonian"
    en = (seed / "en" / std / "index.html").read_text(encoding="utf-8")
    head = split_linked_data(en)[0]
    assert f"<title>{en_name} · Occupational standards as linked data</title>" in en
    assert f"<h1><span>{en_name}</span></h1>" in head
    assert f'<p class="document-name">Name in Estonian: <span lang="et">{et_name}</span></p>' in head
    assert note in head
    et = (seed / std / "index.html").read_text(encoding="utf-8")
    assert f"<h1><span>{et_name}</span></h1>" in et and "document-name" not in et
    assert en_name not in split_linked_data(et)[0] and "text is in Estonian" not in et
    # the pages of its parts name it so too, and carry the note; their own words stay Estonian
    for rel in ("competence/B.3.14/", "qualification/", "partial/infoturbejuht-tase-7/"):
        html = split_linked_data((seed / "en" / std / rel / "index.html").read_text(encoding="utf-8"))[0]
        assert note in html, rel
        if rel != "qualification/":  # the qualification's page is titled by the English name
            assert f'<dt>Occupational standard</dt><dd><a href="../../../../../../../en/{std}index.html">' \
                   f"<span>{en_name}</span></a></dd>" in html, rel
        et_html = (seed / std / rel / "index.html").read_text(encoding="utf-8")
        assert "text is in Estonian" not in et_html and en_name not in split_linked_data(et_html)[0], rel
    b314 = (seed / "en" / std / "competence/B.3.14/index.html").read_text(encoding="utf-8")
    assert '<h1><span class="code">B.3.14</span> <span lang="et">Riskijuhtimine</span></h1>' in b314  # line 282
    coverage = (seed / "en/coverage" / std / "index.html").read_text(encoding="utf-8")
    assert f"<title>{en_name} · " in coverage and note in coverage
    # pages of the e-CF (English already) carry no such note, and cite the standard by its English name
    e8 = (seed / "en/ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    assert "text is in Estonian" not in e8 and f"<span>{en_name}</span>" in e8
    assert f"<span>{et_name}</span>" in (seed / "ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    # home: the card and its coverage link; the coverage index lists the standard by that name
    home = (seed / "en/index.html").read_text(encoding="utf-8")
    assert f'<span class="visually-hidden">: {en_name}</span>' in home
    assert en_name in (seed / "en/coverage/index.html").read_text(encoding="utf-8")
    # a page title names the site once
    assert "<title>Occupational standards as linked data</title>" in home


def test_english_search_finds_the_standard_by_its_english_name(seed):
    """The search index gives the standard its English title for English pages, and is found by
    the words of it ("IT manager"); its competences' results name it as their standard."""
    from kutse_rdf.site.search import read_index, tokens

    index = read_index((seed / "assets/search-index.js").read_text(encoding="utf-8"))
    [(n, doc)] = [(n, d) for n, d in enumerate(index["docs"])
                  if d[0] == "standard/it-juht-tase-7/version/draft/"]
    assert doc[1:3] == ["IT-juht, tase 7", "et"]
    assert doc[8] == {"en": ["IT manager, EstQF Level 7", "en"]}
    for token in tokens("IT manager"):
        assert n in index["terms"][token][0::2], token
    # it ranks first for "IT manager" (search.js: the docs holding every word, by the sum of
    # their weights): the ESCO "ICT operations manager" has no "it", competences no "manager"
    postings = {t: dict(zip(index["terms"][t][0::2], index["terms"][t][1::2])) for t in ("it", "manager")}
    both = {d: postings["it"][d] + postings["manager"][d] for d in postings["it"].keys() & postings["manager"].keys()}
    assert max(both, key=both.get) == n
    b314 = next(d for d in index["docs"] if d[4] == "B.3.14")
    assert b314[6] == n  # its parent: the standard's result


def test_downloads_page_lists_sizes(seed):
    text = page_text(seed / "downloads/index.html")
    size = (seed.parent / "data" / "all.nt").stat().st_size
    assert "data/all.nt" in text and f"{size / 1000:.1f} kB" in text
    assert "N-Triples" in text and "application/n-triples" in text


# -- speed: worker processes and reuse of unchanged standards' pages ---------------------------

def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def copy_inputs(build: Path, root: Path) -> Path:
    import shutil

    for name in ("data", "reports"):
        shutil.copytree(build / name, root / name)
    return root


def test_workers_render_what_the_main_process_renders(tmp_path, monkeypatch):
    """Nine generated standards: rendered in worker processes and inline, the sites are equal."""
    import sys

    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config
    from kutse_rdf.site import render as site_render
    from kutse_rdf.site.writer import build_site

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_corpus import make_corpus

    make_corpus(9, tmp_path / "corpus")
    build = tmp_path / "build"
    run_build(sorted((tmp_path / "corpus").glob("*.txt")), build, Config(), quiet=True)
    assert site_render.worker_count(9) > 0 or (os.cpu_count() or 1) < 2
    in_workers = site_files(build / "site")
    monkeypatch.setattr("kutse_rdf.site.writer.worker_count", lambda n: 0)
    root = copy_inputs(build, tmp_path / "inline")
    build_site(root, Config())
    inline = site_files(root / "site")
    assert in_workers.keys() == inline.keys()
    assert [name for name in inline if inline[name] != in_workers[name]] == []
    assert len([n for n in inline if n.startswith("standard/") and n.endswith("/index.html")]) > 9 * 10


def test_unchanged_standard_pages_are_taken_over(seed, tmp_path):
    """A second site over the same data takes the standard's folders over from the previous
    build (moved, byte for byte); a changed standard graph is rendered again."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    previous = copy_inputs(seed.parent, tmp_path / "previous")
    build_site(previous, Config())
    before = site_files(previous / "site")
    root = copy_inputs(seed.parent, tmp_path / "next")
    stats = build_site(root, Config(), previous=previous)
    assert stats.reused == 1
    assert site_files(root / "site") == before
    assert not (previous / "site" / "standard" / "it-juht-tase-7" / "version" / "draft").exists()  # moved, not copied

    # the same standard with one indicator changed (B.3.18 #4, line 328): rendered again
    changed = copy_inputs(seed.parent, tmp_path / "changed")
    graph = changed / "data" / "standards" / "it-juht-tase-7" / "version" / "draft.nt"
    text = graph.read_text(encoding="utf-8").replace("ning nende testimise.", "ning nende testimise (muudetud).")
    graph.write_text(text, encoding="utf-8")
    stats = build_site(changed, Config(), previous=root)
    assert stats.reused == 0
    html = (changed / "site/standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html").read_text(encoding="utf-8")
    assert "nende testimise (muudetud)." in html
    assert (root / "site" / "standard" / "it-juht-tase-7" / "version" / "draft").is_dir()  # nothing taken from there


def test_taken_over_folders_move_before_the_report_pages_and_back_when_those_fail(seed, tmp_path):
    """The folders taken over from the previous build move into the new site before the pages
    the query reports feed (a rebuild may still wait for those reports); should those pages
    fail, the folders move back and the previous build is whole."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    previous = copy_inputs(seed.parent, tmp_path / "previous")
    build_site(previous, Config())
    before = site_files(previous / "site")
    version = Path("site/standard/it-juht-tase-7/version/draft")
    root = copy_inputs(seed.parent, tmp_path / "next")
    moved_first: list[bool] = []

    def reports_failing() -> None:
        moved_first.append((root / version).is_dir() and not (previous / version).exists())
        raise RuntimeError("the reports failed")

    with pytest.raises(RuntimeError, match="the reports failed"):
        build_site(root, Config(), previous=previous, reports_ready=reports_failing)
    assert moved_first == [True]
    assert site_files(previous / "site") == before
    assert not (root / version).exists()


def test_downloads_of_data_folders_made_first_equal_those_made_at_once(seed, tmp_path, monkeypatch):
    """A rebuild describes data/'s folders (the graphs and models) before its merged dumps and
    reports are done, and the rest after: the downloads are those of one pass, and the early
    part is made before the reports are waited for."""
    from kutse_rdf.config import Config
    from kutse_rdf.site import writer as site_writer
    from kutse_rdf.site.graph import read_manifest
    from kutse_rdf.site.meta import (dataset_description, described_ahead, download_files,
                                     nested_downloads)
    from kutse_rdf.site.writer import SiteWriter, build_site

    root = copy_inputs(seed.parent, tmp_path / "root")
    site = SiteWriter(root, Config())
    at_once = download_files(root, tmp_path / "a", site.settings, site.graph_folder)
    first = nested_downloads(root, tmp_path / "b", site.settings, site.graph_folder)
    assert first and all(e["file"].count("/") > 1 for e in first)  # no merged dump, no report
    assert download_files(root, tmp_path / "b", site.settings, site.graph_folder,
                          earlier=first) == at_once
    assert any(e["file"] == "data/all.nt" for e in at_once)
    assert {p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*")} == \
        {p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*")}
    # their part of the dataset's description too: the same statements, in the same order
    graphs = read_manifest(root)
    ahead = described_ahead(site.config.base_uri, first, graphs, site.settings)
    assert ahead and all(kind in ("file", "graph") for kind, _ in ahead)
    assert {key for kind, key in ahead if kind == "graph"} == {
        g["file"] for g in graphs if f"data/{g['file']}" in {e["file"] for e in first}}
    whole = dataset_description(site.config.base_uri, site.settings, at_once, 7, graphs)
    assert dataset_description(site.config.base_uri, site.settings, at_once, 7, graphs, ahead) == whole
    assert len(whole["triples"]) > 8 * len(first)

    order: list[str] = []
    nested = site_writer.nested_downloads
    monkeypatch.setattr(site_writer, "nested_downloads",
                        lambda *args: order.append("folders") or nested(*args))
    build_site(copy_inputs(seed.parent, tmp_path / "next"), Config(),
               reports_ready=lambda: order.append("reports"))
    assert order == ["folders", "reports"]


def test_shared_pages_from_summaries_equal_those_from_the_whole_graph(tmp_path):
    """The e-CF, EQF, ESCO, council and ontology pages are made from the standards' summaries
    (site_summary.py); made again from the whole graph, every one of them is the same file."""
    import sys

    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import SiteWriter
    from kutse_rdf.site.render import Renderer, page_iris

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_corpus import make_corpus

    make_corpus(9, tmp_path / "corpus")
    build = tmp_path / "build"
    run_build(sorted((tmp_path / "corpus").glob("*.txt")), build, Config(), quiet=True)
    writer = SiteWriter(build, Config())
    whole = whole_graph(build)
    standards = {iri for iri in whole.subjects()
                 if "https://w3id.org/kutse-rdf/ontology#OccupationalStandard" in whole.types(iri)}
    assert len(standards) == 9
    renderer = Renderer(tmp_path / "whole", whole, writer.env, writer.settings, writer.i18n)
    shared = page_iris(whole, skip=standards)
    for iri in shared:
        renderer.resource_page(iri)
    expected = site_files(tmp_path / "whole")
    # every e-CF concept the corpus cites, EQF levels, ESCO concepts, the council, the ontology
    assert any(n.startswith("ecf/4.0/") for n in expected) and any(n.startswith("eqf/") for n in expected)
    assert any(n.startswith("council/") for n in expected) and "ontology/index.html" in expected
    built = site_files(build / "site")
    assert [name for name in expected if built.get(name) != expected[name]] == []


def test_rebuild_takes_shared_pages_over_only_while_summaries_are_unchanged(seed, tmp_path):
    """A changed indicator text leaves the shared pages' inputs unchanged: they are moved over
    from the previous build. A changed competence title is on the e-CF pages that cite it: they
    are rendered again. Either way the site equals one made from scratch."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    def rebuilt(name: str, old: str, new: str) -> tuple[Path, Path]:
        previous = copy_inputs(seed.parent, tmp_path / f"{name}-previous")
        build_site(previous, Config())
        roots = []
        for kind in ("rebuilt", "scratch"):
            root = copy_inputs(seed.parent, tmp_path / f"{name}-{kind}")
            for graph in (root / "data" / "standards" / "it-juht-tase-7" / "version" / "draft.nt", root / "data" / "elm.nt"):
                text = graph.read_text(encoding="utf-8")
                assert old in text or graph.name == "elm.nt"
                graph.write_text(text.replace(old, new), encoding="utf-8")
            build_site(root, Config(), previous=previous if kind == "rebuilt" else None)
            roots.append(root)
        return previous, *roots

    # B.3.18 indicator 4 (line 328)
    previous, root, scratch = rebuilt("text", "ning nende testimise.", "ning nende testimise (muudetud).")
    assert not (previous / "site" / "ecf" / "4.0" / "E.8").exists()  # moved, not rendered
    assert site_files(root / "site") == site_files(scratch / "site")

    # B.3.18 "Infoturbestrateegia väljatöötamine ja haldamine" (line 322) cites E.8 and D.1: their
    # pages show its title and are rendered again; the others are moved over one page at a time
    previous, root, scratch = rebuilt("title", "Infoturbestrateegia väljatöötamine ja haldamine",
                                      "Infoturbestrateegia koostamine")
    for page in ("ecf/4.0/E.8/index.html", "ecf/4.0/D.1/index.html", "en/ecf/4.0/E.8/index.html"):
        assert (previous / "site" / page).is_file()  # rendered again, not taken from there
    assert "Infoturbestrateegia koostamine" in page_text(root / "site" / "ecf/4.0/E.8/index.html")
    for page in ("ontology/index.html", "ecf/4.0/A.1/index.html", "ecf/4.0/E.4/index.jsonld",
                 "en/ontology/index.html"):
        assert not (previous / "site" / page).exists() and (root / "site" / page).is_file()  # moved
    assert site_files(root / "site") == site_files(scratch / "site")

    # B.3.18 cites A.1 instead of E.8: both e-CF pages and their areas' pages change
    ecf = "<https://w3id.org/kutse-rdf/ecf/4.0/"
    cites = "competence/B.3.18> <https://w3id.org/kutse-rdf/ontology#citesEcf> "
    previous, root, scratch = rebuilt("cites", cites + ecf + "E.8> .", cites + ecf + "A.1> .")
    for page in ("ecf/4.0/E.8/index.html", "ecf/4.0/A.1/index.html", "ecf/4.0/A/index.html",
                 "ecf/4.0/E/index.html"):
        assert (previous / "site" / page).is_file()
    link = "competence/B.3.18/index.html"
    assert link in (root / "site" / "ecf/4.0/A.1/index.html").read_text(encoding="utf-8")
    assert link not in (root / "site" / "ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    assert not (previous / "site" / "ecf/4.0/E.4/index.html").exists()
    assert site_files(root / "site") == site_files(scratch / "site")

    # a new English name (C.2, line 388): the English e-CF pages name the standard by it (its
    # qualification's label, read by every page that names the standard): rendered again
    previous, root, scratch = rebuilt("english", '"IT manager, EstQF Level 7"@en', '"IT manager (EstQF 7)"@en')
    assert (previous / "site" / "en/ecf/4.0/E.8/index.html").is_file()  # rendered again
    assert "<span>IT manager (EstQF 7)</span>" in (root / "site" / "en/ecf/4.0/E.8/index.html").read_text(encoding="utf-8")
    assert not (previous / "site" / "ontology/index.html").exists()  # moved over
    assert site_files(root / "site") == site_files(scratch / "site")


def test_changed_lines_name_the_nodes_a_page_may_have_read():
    from kutse_rdf.site.reuse import line_nodes

    b = "https://w3id.org/kutse-rdf/id/standard/s/"
    lines = {f'<{b}competence/B.3.1> <http://www.w3.org/2004/02/skos/core#prefLabel> "a <b> c"@et .'.encode(),
             f'<{b}competence/B.3.2#indicator-1> <http://p> "x y"^^<http://dt> .'.encode(),
             f'<{b}competence/B.3.3> <https://w3id.org/kutse-rdf/ontology#citesEcf> <https://w3id.org/kutse-rdf/ecf/4.0/E.8> .'.encode()}
    nodes = line_nodes(lines)
    assert nodes.subjects == {b + "competence/B.3.1", b + "competence/B.3.2#indicator-1", b + "competence/B.3.3"}
    assert nodes.objects == {"https://w3id.org/kutse-rdf/ecf/4.0/E.8"}
    assert nodes.documents == {b + "competence/B.3.2"}  # a page listing its hash IRIs
    # a blank node's statements are followed by descriptions, not noted as read: cannot be told
    assert line_nodes({f"<{b}x> <http://p> _:b0 .".encode()}) is None
    assert line_nodes({b"_:b0 <http://p> <http://o> ."}) is None


def test_missing_manifest_is_a_clear_error(tmp_path):
    from kutse_rdf.config import Config
    from kutse_rdf.errors import InputError
    from kutse_rdf.site.writer import build_site

    with pytest.raises(InputError, match="graphs.json is missing"):
        build_site(tmp_path, Config())


def test_search_folds_text_as_search_js_does():
    """site_search.fold removes what search.js's fold removes (U+0300-U+036F after NFD)."""
    from kutse_rdf.site.search import fold, tokens

    assert fold("Õppekava ÄÖÜ šž") == "oppekava aou sz"
    assert tokens("B.3.5. Tööohutus; e-CF E.8") == ["b.3.5", "tooohutus", "e", "cf", "e.8"]
    assert fold("й") == "и"  # U+0306 after NFD
    assert fold("a\u05b8") == "a\u05b8"  # a mark outside that block stays, in search.js too


def test_a_damaged_site_record_renders_again(seed, tmp_path):
    """.cache/site/records.pickle cut short or foreign: every page is rendered, nothing fails."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    previous = copy_inputs(seed.parent, tmp_path / "previous")
    build_site(previous, Config())
    expected = site_files(previous / "site")
    records = previous / ".cache" / "site" / "records.pickle"
    for damage in (records.read_bytes()[:100], b"not a pickle", __import__("pickle").dumps([1, 2])):
        records.write_bytes(damage)
        root = copy_inputs(seed.parent, tmp_path / f"next-{len(damage)}")
        stats = build_site(root, Config(), previous=previous)
        assert stats.reused == 0
        assert site_files(root / "site") == expected


def test_a_standards_summary_is_linked_into_the_next_build_and_a_damaged_one_renders_again(seed, tmp_path):
    """The summary recorded with a standard's pages (.cache/site/summaries/KEY) is the same file
    in the build that takes the pages over (a link: not written again); cut short or missing,
    that standard is rendered again, with the same pages."""
    from kutse_rdf.config import Config
    from kutse_rdf.site.writer import build_site

    first = copy_inputs(seed.parent, tmp_path / "first")
    build_site(first, Config())
    expected = site_files(first / "site")
    summaries = sorted((first / ".cache" / "site" / "summaries").iterdir())
    assert summaries and all(f.stat().st_size > 0 for f in summaries)
    second = copy_inputs(seed.parent, tmp_path / "second")
    assert build_site(second, Config(), previous=first).reused == 1
    for file in summaries:
        assert (second / ".cache" / "site" / "summaries" / file.name).stat().st_ino == file.stat().st_ino
    # the standard's summary holds its links to the shared pages: a summary whose lengths do
    # not add up is no summary
    standard = max(summaries, key=lambda f: f.stat().st_size)
    for damage in (lambda f: f.write_bytes(f.read_bytes()[:-1]), lambda f: f.unlink()):
        copy = (second / ".cache" / "site" / "summaries" / standard.name)
        data = copy.read_bytes()
        copy.unlink()  # a link: the first build's file stays whole
        copy.write_bytes(data)
        damage(copy)
        third = copy_inputs(seed.parent, tmp_path / f"third-{copy.exists()}")
        assert build_site(third, Config(), previous=second).reused == 0
        assert site_files(third / "site") == expected
        second = third


def test_the_site_spells_no_namespace_iri_and_fails_on_a_misspelt_term():
    """Every IRI of a vocabulary the site code uses is a term of graph/namespaces.py: no string
    constant in site/ starts with a namespace of the prefix table, and a misspelt term raises."""
    import ast

    from kutse_rdf.graph.namespaces import PREFIXES
    from kutse_rdf.site.graph import SKOS, K

    folder = Path(__file__).resolve().parents[2] / "src" / "kutse_rdf" / "site"
    offenders = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith(tuple(PREFIXES.values())):
                offenders.append(f"{path.name}:{node.lineno}: {node.value}")
    assert offenders == []
    assert K.citesEcf == "https://w3id.org/kutse-rdf/ontology#citesEcf" and type(K.citesEcf) is str
    with pytest.raises(AttributeError):
        _ = K.citesECF
    with pytest.raises(AttributeError):
        _ = SKOS.preflabel


# -- the user's templates (kutse-rdf.toml `templates`) -------------------------------------------

def test_config_names_a_templates_folder_relative_to_itself(tmp_path, capsys):
    from kutse_rdf.cli import main
    from kutse_rdf.config import Config, load_config

    (tmp_path / "mine").mkdir()
    config = tmp_path / "kutse-rdf.toml"
    config.write_text('templates = "mine"\n', encoding="utf-8")
    assert load_config(str(config)).templates == (tmp_path / "mine").resolve()
    assert Config().templates is None

    config.write_text('templates = "missing"\n', encoding="utf-8")
    assert main(["build", "--config", str(config), "--out", str(tmp_path / "out"), "--quiet",
                 str(Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"kutse-rdf: {config}: templates folder not found: ") and "\n" not in err
    assert "Traceback" not in err


def test_a_user_template_overrides_one_page_kind_and_an_edit_renders_it_again(seed, tmp_path):
    """A standard.html in the config's templates folder replaces the shipped one: the
    standard's page (in both languages) changes, no other file does. Editing the override
    renders the page again on a rebuild; an unchanged override lets it be taken over."""
    from kutse_rdf.config import Config
    from kutse_rdf.resources import resource_dir
    from kutse_rdf.site.writer import build_site

    mine = tmp_path / "mine"
    mine.mkdir()
    shipped = (resource_dir("site_templates") / "standard.html").read_text(encoding="utf-8")
    assert "{% block content %}" in shipped
    override = mine / "standard.html"
    override.write_text(shipped.replace("{% block content %}", "{% block content %}<p>OMA MALL 1</p>"),
                        encoding="utf-8")
    config = Config(templates=mine)

    first = copy_inputs(seed.parent, tmp_path / "first")
    build_site(first, config)
    changed = sorted(name for name, data in site_files(first / "site").items()
                     if data != (seed / name).read_bytes())
    page = "standard/it-juht-tase-7/version/draft/index.html"
    assert changed == ["en/" + page, page]
    assert "OMA MALL 1" in (first / "site" / page).read_text(encoding="utf-8")

    again = copy_inputs(seed.parent, tmp_path / "again")
    assert build_site(again, config, previous=first).reused == 1  # the same override: taken over

    override.write_text(shipped.replace("{% block content %}", "{% block content %}<p>OMA MALL 2</p>"),
                        encoding="utf-8")
    edited = copy_inputs(seed.parent, tmp_path / "edited")
    assert build_site(edited, config, previous=again).reused == 0
    assert "OMA MALL 2" in (edited / "site" / page).read_text(encoding="utf-8")


# -- page kinds (site/kinds.py) and the standards of the manifest ---------------------------------

def test_each_page_kind_is_declared_once_with_its_template_label_and_search_weight(seed):
    """The seed's resources get the kinds the registry declares, tried in order; each kind has
    its template and interface label, and the search index lists exactly the searched kinds'
    pages, each with its kind's weight (an e-CF concept some standard cites one more)."""
    from kutse_rdf.resources import resource_dir
    from kutse_rdf.site.kinds import KINDS, kind_of
    from kutse_rdf.site.render import load_settings, page_iris

    folder = resource_dir("site_templates")
    _, i18n = load_settings()
    assert len({kind.key for kind in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert (folder / kind.template).is_file() and f"kind_{kind.name}" in i18n["en"], kind.key

    graph = whole_graph(seed.parent)
    kinds = {iri: kind_of(graph, iri) for iri in page_iris(graph)}
    expected = {STD: "standard", STD + "/qualification": "qualification",
                STD + "/competence/B.3.18": "competence",
                "https://w3id.org/kutse-rdf/ecf/4.0/E.8": "ecf", "https://w3id.org/kutse-rdf/ecf/4.0/E": "ecf_area",
                "https://w3id.org/kutse-rdf/ecf/level/e-4": "ecf_level",
                "https://w3id.org/kutse-rdf/ecf/4.0/": "scheme", "http://data.europa.eu/snb/eqf/7": "eqf_level",
                "http://data.europa.eu/esco/isco/C1330": "esco_concept",
                "https://w3id.org/kutse-rdf/ontology": "document"}
    assert {iri: kinds[iri].key for iri in expected} == expected
    assert any(k.key == "partial" for k in kinds.values())

    data, by_path = search_index(seed)
    by_path = {path: doc for path, doc in by_path.items() if not path.startswith("queries/")}  # no resource
    folded = {also[0]: (also[1], doc) for doc in by_path.values() for also in (doc[7] if len(doc) > 7 else [])}
    searched = {graph.path_of(iri): kind for iri, kind in kinds.items() if kind.search_weight is not None}
    assert set(by_path) | set(folded) == set(searched) and not set(by_path) & set(folded)
    for path, kind in searched.items():
        if path in folded:
            assert data["kinds"][folded[path][0]] == kind.name
            continue
        assert data["kinds"][by_path[path][3]] == kind.name
        assert by_path[path][5] - kind.search_weight in ((0, 1) if kind.key == "ecf" else (0,))
    assert by_path["ecf/4.0/E.8/"][5] == 3  # cited by B.3.18: weight 2, one more


def test_a_standard_is_found_by_the_name_of_its_graph():
    """The site takes a standard's IRI from its graph's name in data/graphs.json (as uris.py
    mints both), not from the graph's bytes."""
    from kutse_rdf.config import Config
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.reading.parser import parse_file

    std = parse_file(Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt")
    uris = Uris(Config().base_uri)
    assert str(uris.standard_of_graph(str(uris.graph(std)))) == str(uris.standard(std)) == STD
    assert uris.standard_of_graph("https://example.org/graph/x") is None


# -- a page for people: plain words first, the data one click away ------------------------------

def split_linked_data(html: str) -> tuple[str, str]:
    """(what a reader sees first, the linked-data disclosure) of a resource page's <main>."""
    main = html[html.index("<main"):html.index("</main>")]
    start = main.index('<details class="linked-data"')
    return main[:start], main[start:]


def test_linked_data_is_one_closed_disclosure_at_the_end(seed):
    # (a named graph's folder has index.ttl too, with index.nt: its page only leads to downloads)
    pages = [p for p in html_pages(seed) if (p.parent / "index.ttl").is_file()
             and not (p.parent / "index.nt").is_file()]
    assert len(pages) > 150
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head, data = split_linked_data(html)
        assert html.count('<details class="linked-data" id="linked-data">') == 1, page
        assert "<details open" not in html and "<details class=\"linked-data\" open" not in html, page
        assert data.rstrip().endswith("</details>"), page  # nothing follows it in <main>
        assert 'class="statements"' in data and 'class="statements"' not in head, page
        assert 'class="uri"' not in head, page


def test_linked_data_labels_are_plain_words_with_the_curie_as_hint(seed):
    html = (seed / "standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html").read_text(encoding="utf-8")
    _, data = split_linked_data(html)
    # the ontology's own label in Estonian, then the CURIE
    assert '<span>tegevusnäitaja</span></a> <code class="curie">kutse:hasIndicator</code>' in data
    # a term of another vocabulary by the interface's name for it
    assert '<span>liik</span></a> <code class="curie">rdf:type</code>' in data
    en = (seed / "en/standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html").read_text(encoding="utf-8")
    assert '<span>type</span></a> <code class="curie">rdf:type</code>' in split_linked_data(en)[1]
    # no property is named by a full IRI (adms:identifier has no declared prefix)
    assert not re.search(r'<span>https?://[^<]*</span></a> <code class="curie">', data)


def test_indicators_appear_once_before_the_data_and_in_source_order_within_it(seed):
    html = (seed / "standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html").read_text(encoding="utf-8")
    head, data = split_linked_data(html)
    # lines 326-330: five indicators, the fourth "Tagab kriisi- ja taasteplaanide ..."
    text = "Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise."
    assert head.count(text) == 1
    row = re.search(r'kutse:hasIndicator</code></th>\s*<td>(.*?)</td>', data, re.S).group(1)
    assert re.findall(r"#indicator-(\d+)", row) == ["1", "2", "3", "4", "5"]
    # the ELM view's notes too, in their numbered order
    notes = re.search(r'elm:additionalNote</code></dt><dd>(.*?)</dd>', data, re.S).group(1)
    assert re.findall(r"#learning-outcome-indicator-(\d+)", notes) == ["1", "2", "3", "4", "5"]


def test_standard_page_is_an_overview(seed):
    html = (seed / "standard/it-juht-tase-7/version/draft/index.html").read_text(encoding="utf-8")
    head, data = split_linked_data(html)
    text = squash(re.sub(r"<[^>]+>", " ", head))
    # the summary first: the job description A.1 (line 12 ff.) before the competences
    job = "IT-juhi töö eesmärgiks on organisatsiooni põhiprotsesse"
    assert text.index("Ülevaade") < text.index(job) < text.index("Sisukord") < text.index("Kohustuslikud kompetentsid")
    assert 'id="section-A.1"' in head  # the hash IRI resolves to the summary's job description
    # level 7 with its EQF level, ISCO 1330 (line 383), 19 competences, 5 partials (lines 123-128)
    assert "EKR tase 7 (" in text and "eqf/7/index.html" in head
    assert "esco/isco/C1330/index.html" in head
    assert "Kompetentsid 19 (19 kohustuslikku)" in text
    assert re.search(r"Osakutsed 5: ", text)
    assert "Kehtib kuni dokumendis märkimata" in text  # line 374 is empty
    assert 'kutseregister.ee' not in html  # no register code in the seed, and no URL pattern for one
    # no IRI as a heading, the untitled first section named
    assert not re.search(r"<h[1-6][^>]*>(<[^>]+>)*https?://", head)
    assert '<h3 id="section-intro">Sissejuhatus</h3>' in head
    # work parts are not a second list of the competences' names
    assert 'id="work-part-' not in head and "Tööosad" not in text
    # competences in natural order, each with its indicators in a closed disclosure
    codes = re.findall(r'competence/(B\.3\.\d+)/index.html"><span class="code">', head)
    assert codes == [f"B.3.{n}" for n in range(1, 20)]
    b318 = head[head.index("competence/B.3.18/index.html"):head.index("competence/B.3.19/index.html")]
    assert '<details class="indicators"><summary>Tegevusnäitajad (5)</summary>' in b318
    assert "<li><span>Tagab kriisi- ja taasteplaanide olemasolu ning nende testimise.</span></li>" in b318
    # general skills in their document numbers 1..14
    assert re.findall(r'id="general-skill-(\d+)"', head) == [str(n) for n in range(1, 15)]
    en = (seed / "en/standard/it-juht-tase-7/version/draft/index.html").read_text(encoding="utf-8")
    assert "text is in Estonian" in en


def test_every_list_is_in_natural_order(seed):
    """Lists whose items lead with a code are in natural order on every page: B.3.2 before
    B.3.10, E.8 after D.1 (lists of texts keep the document's numbering, checked above). In the
    linked-data part, what points here is in the natural order of its IRIs (checked below)."""
    from kutse_rdf.site.views import code_key

    checked = 0
    for page in html_pages(seed):
        html = page.read_text(encoding="utf-8")
        if '<details class="linked-data"' in html:
            html = split_linked_data(html)[0]
        for match in re.finditer(r"<(ul|ol)\b[^>]*>(.*?)</\1>", html, re.S):
            codes = re.findall(r'<li[^>]*>\s*(?:<a [^>]*>)?<span class="code">([^<]+)</span>', match.group(2))
            assert codes == sorted(codes, key=code_key), (page, codes)
            checked += len(codes) > 1
    assert checked > 40
    # what points at EQF level 7: the competences B.3.1 … B.3.19, not B.3.1, B.3.10, B.3.11 …
    eqf7 = (seed / "eqf/7/index.html").read_text(encoding="utf-8")
    order = re.findall(r"competence/B\.3\.(\d+)/index.html", eqf7)
    assert order == [str(n) for n in range(1, 20)]


def test_home_page_is_for_people(seed):
    html = (seed / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    text = squash(re.sub(r"<[^>]+>", " ", main))
    assert text.index("Kutsestandard kirjeldab tööd") < text.index("Kutsestandardid (1)")
    # the seed's card: level 7 (line 2), 19 competences (B.3.1-B.3.19), 5 partials (lines 123-128)
    card = squash(re.sub(r"<[^>]+>", " ", re.search(r'<li class="card">(.*?)</li>', main, re.S).group(1)))
    assert card.startswith("IT-juht, tase 7 EKR tase 7 ")
    assert "Kompetentsid 19 Osakutsed 5 Kehtib kuni dokumendis märkimata" in card
    assert "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu" in card
    assert 'href="coverage/index.html"' in main and 'action="search/index.html"' in main
    # files are on the downloads page, not here
    assert 'href="data/' not in main and "text/turtle" not in main
    assert 'href="downloads/index.html"' in main
    # the English card uses the English name the document gives (line 2: "IT manager, EstQF Level 7")
    en = (seed / "en/index.html").read_text(encoding="utf-8")
    assert re.search(r'<li class="card">\s*<h3><a href="[^"]*">IT manager, EstQF Level 7</a></h3>', en)


def test_coverage_pages_for_readers(seed):
    html = (seed / "coverage/index.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert "kompetentsi nimetus" in heads and "competenceLabel" not in heads
    # no IRI as a cell's text: B.3.3 by its name, linked to its page
    assert not re.search(r"<td>https?://", html)
    assert ('<td><a href="../standard/it-juht-tase-7/version/draft/competence/B.3.3/index.html">Tegevusplaani väljatöötamine'
            '</a></td>') in html
    en = (seed / "en/coverage/index.html").read_text(encoding="utf-8")
    assert "competence name" in re.findall(r'<th scope="col">([^<]*)</th>', en)
    # the standard's matrix and heatmap, each one click from the coverage page
    assert 'coverage/standard/it-juht-tase-7/version/draft/index.html#h-matrix"' in html
    matrix = (seed / "coverage/standard/it-juht-tase-7/version/draft/index.html").read_text(encoding="utf-8")
    assert matrix.count('<div class="table-wrap sticky"') == 2


def test_a_rebuild_takes_over_the_search_files_while_the_entries_are_the_same(tmp_path, seed_path):
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    source = tmp_path / "it-juht-tase-7.txt"
    source.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "build"
    run_build([source], out, Config(), quiet=True)
    index, snippets = out / "site/assets/search-index.js", out / "site/assets/search"
    before = (index.stat().st_ino, snippets.stat().st_ino, index.read_bytes())
    run_build([source], out, Config(), quiet=True)  # nothing changed: the same files, moved
    assert (index.stat().st_ino, snippets.stat().st_ino, index.read_bytes()) == before
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("B.3.2. Teenusetaseme haldus", "B.3.2. Teenusetaseme haldus uus"),
                      encoding="utf-8")
    run_build([source], out, Config(), quiet=True)  # a competence's title: written again
    assert index.stat().st_ino != before[0]
    assert "Teenusetaseme haldus uus" in index.read_text(encoding="utf-8")
    # an indicator's words are in the snippets alone (the standard's key stands for its entries)
    scripts = {p.name for p in snippets.iterdir()}
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Uuendab ja kaasajastab infoturvastrateegiad", "Uuendab ja kaasajastab infoturbestrateegiad"),
        encoding="utf-8")
    run_build([source], out, Config(), quiet=True)
    now = {p.name for p in snippets.iterdir()}
    assert now != scripts
    assert any("infoturbestrateegiad" in (snippets / name).read_text(encoding="utf-8") for name in now - scripts)


def test_version_lines_are_the_lines_naming_and_dating_that_version_in_their_order():
    """A version's page lists its siblings by these lines; they are found by a search per
    predicate, so check the edges a line-by-line pass handled: the first line, the last line
    without its newline, another subject, a predicate that only begins the same."""
    from kutse_rdf.graph.ntriples import lines_starting
    from kutse_rdf.site.writer import version_lines

    version = "https://example.org/standard/s/version/2"
    dcat, kutse = "http://www.w3.org/ns/dcat#", "https://w3id.org/kutse-rdf/ontology#"
    graph = (f'<{version}> <{dcat}version> "2" .\n'
             f'<{version}> <{dcat}versionNotes> "not a name" .\n'
             f'<{version}/competence/B.3.1> <{dcat}version> "2" .\n'
             f'<{version}> <{kutse}decisionDate> "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
             f'<https://example.org/standard/s/version/1> <{dcat}version> "1" .\n'
             f'<{version}> <{kutse}validUntil> "2029-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .').encode()
    assert version_lines(version, graph).decode().splitlines() == [
        f'<{version}> <{dcat}version> "2" .',
        f'<{version}> <{kutse}decisionDate> "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date> .',
        f'<{version}> <{kutse}validUntil> "2029-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .']
    assert version_lines(version, graph).endswith(b" .\n")  # the last line gets its newline
    assert version_lines(version, b"") == b""
    assert list(lines_starting(b"ab\nab c\nxab\nab", b"ab ")) == [(3, b"ab c\n")]
    assert list(lines_starting(b"ab\nab c\nxab\nab", b"ab")) == [(0, b"ab\n"), (3, b"ab c\n"), (12, b"ab\n")]


def test_a_data_file_is_hashed_again_only_when_its_inode_size_or_time_differ(tmp_path, monkeypatch):
    """The graph folders are keyed by their graph file's hash; a rebuild takes it from the
    previous build's record while the file is the one hashed (a link keeps inode, size and
    modification time), and hashes a file written anew, one rewritten in place, or any file
    when the record is damaged."""
    import hashlib

    from kutse_rdf.site import reuse

    previous, current = tmp_path / "previous", tmp_path / "current"
    graph = tmp_path / "v1.nt"
    graph.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    first = reuse.PageReuse(None, previous, ["et"])
    assert first.file_digest(graph, "data/v1.nt") == hashlib.sha256(graph.read_bytes()).digest()
    first.save()

    hashed: list[str] = []
    real = hashlib.file_digest

    def counting(handle, name):
        hashed.append(handle.name)
        return real(handle, name)

    monkeypatch.setattr(reuse.hashlib, "file_digest", counting)
    linked = tmp_path / "linked.nt"
    os.link(graph, linked)  # what a rebuild does with an unchanged graph
    again = reuse.PageReuse(previous, current, ["et"])
    assert again.file_digest(linked, "data/v1.nt") == hashlib.sha256(graph.read_bytes()).digest()
    assert hashed == []
    # the same inode and size, other bytes: the modification time tells
    stat = graph.stat()
    graph.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")
    os.utime(graph, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_001))
    assert again.file_digest(graph, "data/v1.nt") == hashlib.sha256(b"<urn:a> <urn:b> <urn:d> .\n").digest()
    assert hashed == [str(graph)]
    # a damaged record: every file is hashed
    (previous / reuse.CACHE_DIR / reuse.DIGESTS).write_text("{not json", encoding="utf-8")
    damaged = reuse.PageReuse(previous, tmp_path / "third", ["et"])
    damaged.file_digest(linked, "data/v1.nt")
    assert hashed == [str(graph), str(linked)]


def test_a_rebuild_with_nothing_changed_hashes_no_graph_file_and_keeps_the_graph_folders(tmp_path, seed_path):
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config
    from kutse_rdf.site import reuse

    source = tmp_path / "it-juht-tase-7.txt"
    source.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "build"
    run_build([source], out, Config(), quiet=True)
    folder = out / "site/graph/it-juht-tase-7/version/draft"
    before = (folder.stat().st_ino, (folder / "index.trig").read_bytes())
    recorded = json.loads((out / reuse.CACHE_DIR / reuse.DIGESTS).read_text(encoding="utf-8"))
    assert "data/standards/it-juht-tase-7/version/draft.nt" in recorded
    graphs = json.loads((out / "data/graphs.json").read_text(encoding="utf-8"))
    inodes = {f"data/{e['file']}": (out / "data" / e["file"]).stat().st_ino for e in graphs}
    hashed: list[str] = []
    real = reuse.hashlib.file_digest
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reuse.hashlib, "file_digest",
                      lambda handle, name: hashed.append(handle.name) or real(handle, name))
        run_build([source], out, Config(), quiet=True)
    # hashed: the files written anew (the seed's shared and reference lines are), not those
    # linked from the previous build (the version's and the work's graphs), nor those written
    # anew with a key of what they were made of (the inferred graph, the ELM view)
    from kutse_rdf.engine.cache import content_key

    keyed = {"data/inferred.nt", "data/elm.nt"}
    assert all(content_key(out, out / name) for name in keyed)
    hashed_names = {"data/" + h.rsplit("/data/", 1)[1] for h in hashed}
    written = {name for name, inode in inodes.items() if (out / name).stat().st_ino != inode}
    assert keyed <= written
    assert hashed_names == written - keyed
    assert "data/standards/it-juht-tase-7/version/draft.nt" not in hashed_names
    assert (folder.stat().st_ino, (folder / "index.trig").read_bytes()) == before  # moved over
