"""The seed site through `kutse-rdf serve` in a real browser (Debian's Chromium driven by
Playwright): the server's headers (Content-Security-Policy, nosniff, the Host check) must not
break a page, its JSON-LD blocks, its styles or the search script. tests/site/test_browser.py serves
the site with Python's plain file server; this file uses the preview server itself."""
from __future__ import annotations

import json

import pytest
from support.browser import ARGS, CHROMIUM, need_chromium
from support.serve import serving
from support.site import build_seed


pytestmark = [pytest.mark.browser, pytest.mark.server]

PAGES = ["index.html", "standard/it-juht-tase-7/version/draft/competence/B.3.14/index.html",
         "en/standard/it-juht-tase-7/version/draft/index.html", "coverage/standard/it-juht-tase-7/version/draft/index.html",
         "search/index.html?q=Riskijuhtimine"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_chromium()
    with serving(build_seed(tmp_path_factory.mktemp("seed") / "build")) as srv:
        yield srv


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.problems = []
        # a browser may still ask for /favicon.ico (the site links assets/favicon.svg): no page's problem
        page.on("console", lambda m: m.type == "error"
                and not m.location.get("url", "").endswith("/favicon.ico")
                and page.problems.append(f"{m.text} ({m.location.get('url')})"))
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
        yield page
        browser.close()


@pytest.mark.parametrize("rel", PAGES)
def test_pages_work_under_the_servers_policy(server, page, rel):
    page.problems.clear()
    # a violation of the policy is also a DOM event: count them from the page itself
    page.add_init_script("window.violations = [];"
                         "document.addEventListener('securitypolicyviolation',"
                         " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    response = page.goto(server.url + rel)
    assert response.status == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    blocks = page.eval_on_selector_all('script[type="application/ld+json"]',
                                       "els => els.map(e => e.textContent)")
    assert blocks and all(json.loads(block) for block in blocks)
    # the stylesheet applied: the page's body is not in the browser's default serif font
    assert "serif" != page.evaluate("getComputedStyle(document.body).fontFamily")
    if rel.startswith("search/"):
        page.wait_for_selector("#search-results li")
        hrefs = page.eval_on_selector_all("#search-results li a",
                                          "els => els.map(a => a.getAttribute('href'))")
        assert any(h.endswith("competence/B.3.14/index.html") for h in hrefs)
    assert page.evaluate("window.violations") == []
    assert page.problems == []


def test_the_page_works_by_localhost_too(server, page):
    """The Host check lets the names of this machine through: http://localhost:PORT/."""
    page.problems.clear()
    response = page.goto(server.url.replace("127.0.0.1", "localhost") + "index.html")
    assert response.status == 200 and page.problems == []


def test_a_resource_iri_opens_its_page_in_the_browser(server, page):
    """A reader following a resource IRI (what the data and the JSON-LD name) lands on its page:
    the browser's Accept prefers HTML, serve answers 303 to the page's folder. A
    version-independent IRI (what the curated mappings name) is a folder with a page that sends
    the browser on to the current version's page."""
    def fresh():
        # leave the page before: a request it still has open (its favicon) is cut off here
        page.goto("about:blank")
        page.problems.clear()

    fresh()
    iri_path = "standard/it-juht-tase-7/version/draft/competence/B.3.14"  # the seed: a draft
    response = page.goto(server.url + iri_path)
    assert response.status == 200 and response.url == server.url + iri_path + "/"
    redirect = response.request.redirected_from
    assert redirect is not None and redirect.url == server.url + iri_path
    assert redirect.response().status == 303
    assert redirect.response().headers["vary"] == "Accept"
    assert "Riskijuhtimine" in page.inner_text("h1")
    assert page.problems == []

    fresh()
    independent = "standard/it-juht-tase-7/competence/B.3.14"
    response = page.goto(server.url + independent)
    assert response.status == 200 and response.url == server.url + independent + "/"
    assert response.request.redirected_from.response().status == 301
    page.wait_for_url(server.url + iri_path + "/index.html")
    assert "Riskijuhtimine" in page.inner_text("h1")
    assert page.problems == []
