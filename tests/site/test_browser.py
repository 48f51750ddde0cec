"""The site in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

The seed standard is built with the real pipeline into a temporary folder and served on
127.0.0.1; the hand-written XSS fixture is rendered by the site stage alone. Screenshots go to
build/screenshots/ as test artifacts.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import threading

import pytest

from support.browser import ARGS, CHROMIUM, need_chromium
from support.site import ROOT, build_fixture, build_seed, html_pages

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
COMPETENCE = "standard/it-juht-tase-7/version/draft/competence/B.3.14/index.html"
COVERAGE = "coverage/standard/it-juht-tase-7/version/draft/index.html"


class Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection for the page and its styles

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    need_chromium()
    seed = build_seed(tmp_path_factory.mktemp("seed") / "build") / "site"
    xss = build_fixture(tmp_path_factory.mktemp("xss")) / "site"
    return {"seed": seed, "xss": xss}


@pytest.fixture(scope="module")
def server(builds):
    """Serve the seed site on 127.0.0.1 (a free port)."""
    handler = functools.partial(Quiet, directory=str(builds["seed"]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(builds):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A page that records console errors, failed requests and requests leaving 127.0.0.1."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    def failed(request):
        # a navigation cancels the requests its previous page still had open (net::ERR_ABORTED):
        # a test that reads an h1 and goes on does not wait for that page's stylesheet. A missing
        # file is an error response, recorded below; a server that drops it fails otherwise.
        if request.failure != "net::ERR_ABORTED":
            page.problems.append(f"failed: {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def outside(route):
        page.problems.append(f"external request: {route.request.url}")
        route.abort()

    # a regex is matched inside the driver, so local requests are not slowed by a Python round trip
    page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]|file:|data:|about:)"), outside)
    yield page
    context.close()


def test_every_page_loads_without_errors(page, server, builds):
    """Every page of both language trees (about 0.1 s a page). Indicators, knowledge items, work
    parts, sections, authors and the ELM view's nodes have hash URIs: they are sections of their
    parent's page, not pages of their own, so the seed has ~360 pages."""
    site = builds["seed"]
    pages = [p.relative_to(site).as_posix() for p in html_pages(site) if p.name == "index.html"]
    # a version-independent IRI's page sends the browser on to the current version's page
    redirects = [rel for rel in pages if 'http-equiv="refresh"' in (site / rel).read_text(encoding="utf-8")]
    assert "standard/it-juht-tase-7/competence/B.3.14/index.html" in redirects
    pages = [rel for rel in pages if rel not in redirects]
    assert len(pages) > 100
    page.goto(server + "standard/it-juht-tase-7/competence/B.3.14/index.html")
    page.wait_for_url(server + "standard/it-juht-tase-7/version/draft/competence/B.3.14/index.html")
    for rel in pages:
        response = page.goto(server + rel)
        assert response.status == 200, rel
        # every embedded JSON-LD block parses in the browser too
        blocks = page.eval_on_selector_all('script[type="application/ld+json"]', "els => els.map(e => e.textContent)")
        assert blocks, rel
        for block in blocks:
            json.loads(block)
    assert page.problems == []


def results(page) -> list[tuple[str, str]]:
    page.wait_for_selector("#search-results li")
    return page.eval_on_selector_all("#search-results li > a",
                                     "els => els.map(a => [a.getAttribute('href'), a.textContent])")


def test_search_riskijuhtimine_finds_b_3_14(page, server):
    page.goto(server + "index.html")
    page.fill("#q-home", "Riskijuhtimine")
    page.press("#q-home", "Enter")
    page.wait_for_url("**/search/index.html?q=Riskijuhtimine")
    hits = results(page)
    competences = [h for h in hits if "/competence/" in h[0]]
    # source line 282: "B.3.14. Riskijuhtimine (e-CF kompetents E.3)"
    assert competences[0][0].endswith("standard/it-juht-tase-7/version/draft/competence/B.3.14/index.html")
    page.click("#search-results a[href$='competence/B.3.14/index.html']")
    assert page.url.endswith(COMPETENCE)
    assert "Riskijuhtimine" in page.inner_text("h1")
    assert page.problems == []


def test_search_notation_e8_finds_b_3_18(page, server):
    page.goto(server + "search/index.html?q=E.8")
    hits = results(page)
    # the cited e-CF 4.0 concept first, then the one competence citing it: B.3.18 (source line
    # 322: "... (e-CF kompetentsid E.8 ja D.1)")
    assert hits[0][0].endswith("ecf/4.0/E.8/index.html")
    competences = [h[0] for h in hits if "/competence/" in h[0]]
    assert competences == ["../standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html"]
    # one result per thing: e-CF 3.0's E.8 (the same competence) is no result of its own but
    # named in the 4.0 one's, which says its version
    assert not any("ecf/3.0/" in h[0] for h in hits)
    first = "#search-results > li:first-child"
    assert page.inner_text(first + " .kind-label").endswith("e-CF 4.0")
    also = page.eval_on_selector_all(first + " .about a", "els => els.map(a => [a.getAttribute('href'), a.textContent])")
    assert also == [["../ecf/3.0/E.8/index.html", "e-CF 3.0 E.8"]]
    # the competence's standard beside it
    b318 = "#search-results > li:has(> a[href$='competence/B.3.18/index.html'])"
    assert page.inner_text(b318 + " a.parent") == "IT-juht, tase 7"
    assert page.inner_text("#search-status") == f"Leitud: {len(hits)}"
    assert page.problems == []


def test_search_shows_the_matching_indicator_with_the_words_marked(page, server):
    # line 329: "Uuendab ja kaasajastab infoturvastrateegiad ..." (an indicator of B.3.18)
    page.goto(server + "search/index.html?q=kaasajastab+infoturva")
    hits = results(page)
    assert [h[0] for h in hits] == ["../standard/it-juht-tase-7/version/draft/competence/B.3.18/index.html"]
    page.wait_for_selector("#search-results .snippet")
    snippet = page.inner_text("#search-results .snippet")
    assert snippet.startswith("Uuendab ja kaasajastab infoturvastrateegiad")
    marks = page.eval_on_selector_all("#search-results .snippet mark", "els => els.map(e => e.textContent)")
    assert marks == ["kaasajastab", "infoturvastrateegiad"]
    # a hit by its title alone has no snippet
    page.goto(server + "search/index.html?q=riskijuhtimine")
    results(page)
    page.wait_for_timeout(300)
    assert page.eval_on_selector_all(
        "#search-results > li:has(> a[href$='B.3.14/index.html']) .snippet", "els => els.length") == 0
    assert page.problems == []


def test_search_gives_a_standard_and_its_qualification_as_one_result(page, server):
    page.goto(server + "en/search/index.html?q=IT-juht")
    hits = results(page)
    # on the English pages by the English name the document gives (line 388)
    titled = [h for h in hits if h[1] == "IT manager, EstQF Level 7"]
    assert [h[0] for h in titled] == ["../../en/standard/it-juht-tase-7/version/draft/index.html"]
    also = page.eval_on_selector_all("#search-results > li:first-child .about a", "els => els.map(a => a.textContent)")
    assert also == ["Qualification"]
    # no result is titled by an IRI, and every result is counted
    assert not any(re.match(r"\s*https?://", h[1]) for h in hits)
    assert page.inner_text("#search-status") == f"Found: {len(hits)}"
    assert page.problems == []


def test_english_search_finds_the_standard_by_its_english_name(page, server):
    """An English reader searching "IT manager" finds the standard first, titled by the English
    name the document gives (C.2, line 388: "Inglise keeles IT manager, EstQF Level 7"); the
    competences found name it as their standard in English too. The Estonian search shows the
    Estonian name (line 2: "IT-juht, tase 7")."""
    page.goto(server + "en/index.html")
    page.fill("#q-home", "IT manager")
    page.press("#q-home", "Enter")
    page.wait_for_url("**/en/search/index.html?q=IT+manager")
    hits = results(page)
    assert hits[0] == ["../../en/standard/it-juht-tase-7/version/draft/index.html", "IT manager, EstQF Level 7"]
    assert page.get_attribute("#search-results > li:first-child > a .title", "lang") is None  # the page's own
    page.click("#search-results > li:first-child > a")
    assert page.inner_text("h1") == "IT manager, EstQF Level 7"
    assert page.inner_text("p.document-name") == "Name in Estonian: IT-juht, tase 7"
    assert page.get_attribute("p.document-name span", "lang") == "et"
    assert "The standard's text is in Estonian" in page.inner_text("main")
    # a competence's result: its Estonian title marked as such, its standard in English
    page.goto(server + "en/search/index.html?q=riskijuhtimine")
    hits = results(page)
    b314 = "#search-results > li:has(> a[href$='competence/B.3.14/index.html'])"
    assert page.get_attribute(b314 + " > a .title", "lang") == "et"
    assert page.inner_text(b314 + " a.parent") == "IT manager, EstQF Level 7"
    page.goto(server + "search/index.html?q=riskijuhtimine")
    results(page)
    assert page.inner_text(b314 + " a.parent") == "IT-juht, tase 7"
    assert page.problems == []


def test_each_tree_announces_its_own_feed(page, server):
    """The browser finds each tree's Atom feed from its pages' <link rel=alternate>: served, and
    read as Atom 1.0 in the page's language."""
    from support.atom import ATOM, check_atom

    for rel, lang, title in (("index.html", "et", "IT-juht, tase 7 · kavand"),
                             ("en/index.html", "en", "IT manager, EstQF Level 7 · draft"),
                             ("en/" + COMPETENCE, "en", "IT manager, EstQF Level 7 · draft")):
        page.goto(server + rel)
        href = page.eval_on_selector('link[rel="alternate"][type="application/atom+xml"]', "l => l.href")
        assert href == server + ("en/" if lang == "en" else "") + "changes.atom", rel
        response = page.request.get(href)
        assert response.status == 200
        feed = check_atom(response.body())
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert [e.findtext(ATOM + "title") for e in feed.findall(ATOM + "entry")] == [title]
    assert page.problems == []


def test_search_finds_the_queries_for_analysts(page, server):
    page.goto(server + "en/search/index.html?q=sparql")
    hits = results(page)
    assert hits[0] == ["../../en/queries/index.html", "Queries for analysts"]
    page.goto(server + "search/index.html?q=ecf-coverage")
    hits = results(page)
    assert hits[0][0] == "../queries/index.html#ecf-coverage"
    page.click("#search-results > li:first-child > a")
    assert page.url.endswith("queries/index.html#ecf-coverage")
    assert page.inner_text(":target h2") == "e-CF coverage"
    # its SPARQL text, one click away
    assert not page.is_visible(":target pre")
    page.click(":target details.sparql > summary")
    assert page.inner_text(":target pre").startswith("# title: e-CF coverage")
    assert page.problems == []


def test_search_works_from_file_url(browser, builds):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto((builds["seed"] / "search" / "index.html").as_uri() + "?q=riskijuhtimine")
    hits = results(page)
    assert any(h[0].endswith("competence/B.3.14/index.html") for h in hits)
    page.click("#search-results a[href$='competence/B.3.14/index.html']")
    assert "Riskijuhtimine" in page.inner_text("h1")
    assert errors == []
    page.close()


def test_language_switch(page, server):
    page.goto(server + COMPETENCE)
    assert page.get_attribute("html", "lang") == "et"
    assert "Tegevusnäitajad" in page.inner_text("main")
    page.click("a.lang-switch")
    assert page.url.endswith("/en/" + COMPETENCE)
    assert page.get_attribute("html", "lang") == "en"
    assert "Performance indicators" in page.inner_text("main")
    # the document's own text stays Estonian, marked as such
    assert page.get_attribute("h1 span[lang]", "lang") == "et"
    page.click("a.lang-switch")
    assert page.url == server + COMPETENCE
    assert page.problems == []


def test_hash_uri_resolves_to_its_section(page, server):
    """`…/competence/B.3.14#indicator-2` is the second indicator on the competence's page."""
    page.goto(server + COMPETENCE + "#indicator-2")
    # line 287: "2. Korraldab organisatsiooni riskihalduse protsessi."
    assert page.inner_text(":target") == "Korraldab organisatsiooni riskihalduse protsessi."
    page.goto(server + "en/" + COMPETENCE + "#learning-outcome")  # the ELM view's node
    assert "Riskijuhtimine" in page.inner_text(":target h4")
    assert page.problems == []


@pytest.mark.parametrize("rel", ["index.html", COMPETENCE, COVERAGE, "en/" + COVERAGE, "ecf/4.0/E.8/index.html",
                                 "en/ecf/level/e-4/index.html", "search/index.html?q=infoturbe+E.8",
                                 "queries/index.html", "esco/isco/C1330/index.html",
                                 "standard/it-juht-tase-7/version/draft/qualification/index.html"])
def test_axe_no_serious_violations(page, server, rel):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + rel)
    if "?q=" in rel:  # the results and their snippets written
        page.wait_for_selector("#search-results .snippet")
    result = Axe().run(page)
    # the pages of the e-CF and the search: no violation at all
    strict = rel.startswith(("ecf/", "en/ecf/", "search/", "queries/"))
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in result.response["violations"] if strict or v["impact"] in ("serious", "critical")]
    assert bad == []
    assert page.problems == []


def test_screenshots(page, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "index.html")
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    page.goto(server + COMPETENCE)
    page.screenshot(path=str(SCREENSHOTS / "competence.png"), full_page=True)
    page.goto(server + COVERAGE)
    page.screenshot(path=str(SCREENSHOTS / "coverage.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    page.goto(server + COMPETENCE)
    page.screenshot(path=str(SCREENSHOTS / "competence-phone.png"), full_page=True)
    # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert (SCREENSHOTS / "home.png").stat().st_size > 10_000
    assert page.problems == []


def test_hostile_titles_render_as_text(browser, builds):
    """The fixture's titles hold <script>alert(1)</script> and </script>: no script runs, the
    titles are shown as written, and the JSON-LD still parses."""
    site = builds["xss"]
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for rel in ["index.html", "standard/xss-juht-tase-6/index.html",
                "standard/xss-juht-tase-6/competence/B.3.1/index.html",
                "standard/xss-juht-tase-6/partial/skriptijuht-tase-6/index.html",
                "en/standard/xss-juht-tase-6/qualification/index.html",
                "coverage/standard/xss-juht-tase-6/index.html",
                "search/index.html"]:
        page.goto((site / rel).as_uri() + ("?q=script" if rel.startswith("search") else ""))
        for block in page.eval_on_selector_all('script[type="application/ld+json"]', "els => els.map(e => e.textContent)"):
            json.loads(block)
        # only the site's own scripts: the JSON-LD block and, on the search page, two files and
        # the snippet texts of the standards shown
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.type || e.src)")
        assert all(s == "application/ld+json" or s.endswith(("search-index.js", "search.js"))
                   or re.search(r"/assets/search/[0-9a-f]{20}\.js$", s) for s in scripts), rel
    page.goto((site / "standard/xss-juht-tase-6/competence/B.3.1/index.html").as_uri())
    assert page.inner_text("h1") == "B.3.1 Riskijuhtimine <script>alert(1)</script>"
    assert "Hindamine </script> & <!-- kommentaar" in page.inner_text("main")
    page.goto((site / "search/index.html").as_uri() + "?q=skriptijuht")
    assert "Skriptijuht </script><script>alert(2)</script>, tase 6" in page.inner_text("#search-results")
    # a snippet is text too (indicator 1 of B.3.1, line 22)
    page.goto((site / "search/index.html").as_uri() + "?q=kaardistamist")
    page.wait_for_selector("#search-results .snippet")
    assert page.inner_text("#search-results .snippet") == "Juhib riskide kaardistamist </script>."
    assert dialogs == []
    page.close()


# -- what a reader sees, on every page kind ---------------------------------------------------

PAGE_KINDS = {
    "home": "index.html",
    "standard": "standard/it-juht-tase-7/version/draft/index.html",
    "qualification": "standard/it-juht-tase-7/version/draft/qualification/index.html",
    "partial": "standard/it-juht-tase-7/version/draft/partial/infoturbejuht-tase-7/index.html",
    "competence": COMPETENCE,
    "ecf": "ecf/4.0/E.8/index.html",
    "ecf-area": "ecf/4.0/E/index.html",
    "ecf-3": "ecf/3.0/D.6/index.html",
    "ecf-level": "ecf/level/e-4/index.html",
    "esco-scheme": "esco/concept-scheme/skills/index.html",
    "esco-isco": "esco/isco/C1330/index.html",
    "esco-skill": "esco/skill/69cfc5ed-6569-4aca-a4cc-fd782ba51d9c/index.html",
    "eqf-level": "eqf/7/index.html",
    "council": "council/infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu/index.html",
    "ontology": "ontology/index.html",
    "coverage": COVERAGE,
    "coverage-index": "coverage/index.html",
    "queries": "queries/index.html",
    "search": "search/index.html?q=riskijuhtimine",
    "search-snippets": "search/index.html?q=infoturbe",
    "downloads": "downloads/index.html",
    "validation": "validation/index.html",
}
RESOURCE_KINDS = [k for k in PAGE_KINDS if k not in (
    "home", "coverage", "coverage-index", "queries", "search", "search-snippets", "downloads", "validation")]

# the codes leading the items of each list and the rows of each table a reader sees (not the
# linked-data disclosure's, nor the search results, which are ranked): "B.3.14", "E.8", "e-4"
LISTED_CODES = """() => {
  const code = el => {
    const c = el.querySelector(':scope > .code, :scope > a:first-child > .code');
    return c ? c.textContent.trim() : null;
  };
  return [...document.querySelectorAll('ul, ol, tbody')]
    .filter(l => !l.closest('details.linked-data, #search-results'))
    .map(l => [...l.children].map(item => item.tagName === 'TR' ? (item.cells.length ? code(item.cells[0]) : null) : code(item)))
    .map(codes => codes.filter(c => c !== null))
    .filter(codes => codes.length > 1);
}"""

# visible elements (outside the linked-data disclosure) whose whole text is an IRI
VISIBLE_IRIS = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('details.linked-data') && e.children.length === 0 && e.getClientRects().length
               && /^\\s*https?:\\/\\/\\S+\\s*$/.test(e.textContent))
  .map(e => e.textContent.trim())"""


@pytest.mark.parametrize("width", [390, 1366])
def test_every_page_kind_at_phone_and_desktop_width(page, server, width):
    """Screenshots of every page kind (build/screenshots/KIND-WIDTH.png); nothing wider than the
    screen; the linked-data disclosure closed; no IRI shown as text outside it; lists and
    tables that lead with codes in natural order, as the reader sees them."""
    from kutse_rdf.site.views import code_key

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    listed = {}
    for lang in ("", "en/"):
        for kind, rel in PAGE_KINDS.items():
            page.goto(server + lang + rel)
            name = f"{kind}{'-en' if lang else ''}-{width}"
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            assert page.evaluate(VISIBLE_IRIS) == [], name
            listed[name] = page.evaluate(LISTED_CODES)
            for codes in listed[name]:  # natural order: B.3.2 before B.3.10
                assert codes == sorted(codes, key=code_key), (name, codes)
            if kind in RESOURCE_KINDS:
                assert page.eval_on_selector_all("details.linked-data", "els => els.length") == 1, name
                assert page.evaluate("document.querySelector('details.linked-data').open") is False, name
                # the disclosure is the last thing in <main>
                assert page.evaluate("document.querySelector('main').lastElementChild.matches('details.linked-data')"), name
    # what was checked includes the standard's competences B.3.1 … B.3.19 (lines 117, 167-332) and the
    # matrix's rows, in both trees
    competences = [f"B.3.{n}" for n in range(1, 20)]
    for lang in ("", "-en"):
        assert competences in listed[f"standard{lang}-{width}"]
        assert competences in listed[f"coverage{lang}-{width}"]
    assert page.problems == []


def test_linked_data_opens_on_click_and_for_a_fragment(page, server):
    page.goto(server + COMPETENCE)
    assert not page.is_visible("table.statements")
    page.click("details.linked-data > summary")
    assert page.is_visible("table.statements")
    assert "kutse:hasIndicator" in page.inner_text("table.statements")
    # a hash IRI of the ELM view resolves into the closed disclosure: the browser opens it
    page.goto(server + "en/" + COMPETENCE + "#learning-outcome")
    assert page.evaluate("document.querySelector('details.linked-data').open") is True
    assert page.problems == []


# -- web hygiene: what a reader's browser shows besides the page (tab, icon, downloads) -------

EVERY_KIND = [lang + rel for lang in ("", "en/") for rel in PAGE_KINDS.values()]


def test_axe_every_page_kind_has_no_violation_of_any_impact(page, server):
    """Unique landmarks included (axe's landmark-unique, a moderate rule: the coverage pages had
    a section and its table's scroll box named by the same heading)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for rel in EVERY_KIND:
        page.goto(server + rel)
        violations = axe.run(page).response["violations"]
        if violations:
            found[rel] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                          for v in violations]
    assert found == {}
    assert page.problems == []


def test_tab_shows_one_title_and_the_favicon(page, server):
    for rel in EVERY_KIND:
        page.goto(server + rel)
        assert page.locator("title").count() == 1, rel
        assert page.title().endswith("Kutsestandardid lingitud andmetena") or \
            page.title().endswith("Occupational standards as linked data"), rel
        icon = page.eval_on_selector('link[rel="icon"]', "l => l.href")
        assert icon == server + "assets/favicon.svg", rel
    response = page.goto(icon)
    assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"
    # it draws: an SVG image the browser renders at 32 x 32
    size = page.evaluate("() => { const s = document.querySelector('svg').getBBox(); "
                         "return [s.width, s.height]; }")
    assert size == [32, 32]
    assert page.problems == []


def test_download_links_download_rather_than_open(page, server, builds):
    """A reader clicking a dump gets a file saved, not pages of Turtle in the tab; the page says
    how big it is and how many statements it holds."""
    page.goto(server + "downloads/index.html")
    with page.expect_download() as info:
        page.click("a[href='../data/all.ttl']")
    download = info.value
    assert download.suggested_filename == "all.ttl"
    assert page.url == server + "downloads/index.html"  # still on the downloads page
    saved = download.path()
    assert saved.read_bytes() == (builds["seed"] / "data" / "all.ttl").read_bytes()
    row = page.inner_text("tr:has(a[href='../data/all.ttl'])")
    triples = sum(1 for _ in (builds["seed"] / "data" / "all.nt").open("rb"))
    assert f"{triples:,}".replace(",", "\u202f") in row and "kB" in row
    assert page.problems == []
