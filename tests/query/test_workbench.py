"""The query workbench of `kutse-rdf serve`: GET /sparql from a browser opens an editor page
(publish/workbench/) that runs queries through the server's own /sparql endpoint. Checked over
HTTP, and in Debian's Chromium driven by Playwright: a library query runs from 127.0.0.1, its
table shows labels, the downloads are offered, the page's policy is not violated and no request
leaves the machine."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from support.browser import ARGS, CHROMIUM, need_chromium
from support.serve import serving
from support.site import build_seed


pytestmark = [pytest.mark.server]

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(build_seed(tmp_path_factory.mktemp("seed") / "build")) as srv:
        yield srv


def get(url: str, accept: str | None = None):
    request = urllib.request.Request(url)
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_a_browser_gets_the_page_other_clients_the_protocol_error(server):
    status, headers, body = get(server.url + "sparql", HTML)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy and "sandbox" not in policy
    page = body.decode("utf-8")
    # every script is a file of this server: none inline, none from elsewhere
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/sparql/' in s for s in scripts)
    assert "http://" not in page and "https://" not in page
    status, headers, _ = get(server.url + "sparql", "application/sparql-results+json")
    assert status == 400
    status, headers, _ = get(server.url + "sparql/workbench.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")


def test_library_examples_and_declared_prefixes(server):
    status, _, body = get(server.url + "sparql/library.json")
    answer = json.loads(body)
    library = {q["name"]: q for q in answer["queries"]}
    assert answer["prefixes"]["kutse"] == "https://w3id.org/kutse-rdf/ontology#"
    assert status == 200 and "competence-table" in library
    assert library["ecf-uncovered"]["covers"].startswith("any citation")
    # the endpoint declares the project's prefixes
    query = "SELECT ?s WHERE { ?s a kutse:OccupationalStandard }"
    status, _, body = get(server.url + "sparql?query=" + urllib.parse.quote(query),
                          "application/sparql-results+json")
    assert status == 200
    # the current version of the seed (a draft: it gives no version number)
    assert json.loads(body)["results"]["bindings"][0]["s"]["value"].endswith(
        "/it-juht-tase-7/version/draft")


@pytest.fixture(scope="module")
def browser_page(server):
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.problems = []
        page.requests = []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("console", lambda m: m.type == "error"
                and not m.location.get("url", "").endswith("/favicon.ico")
                and page.problems.append(f"{m.text} ({m.location.get('url')})"))
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        yield page
        browser.close()


def test_the_workbench_runs_a_library_query_in_chromium(server, browser_page):
    page = browser_page
    page.add_init_script("window.violations = [];"
                         "document.addEventListener('securitypolicyviolation',"
                         " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    response = page.goto(server.url + "sparql")
    assert response.status == 200
    page.wait_for_selector("#example option[value='competence-table']", state="attached")
    page.select_option("#example", "competence-table")
    assert "PREFIX" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("#answer tbody tr")
    columns = page.eval_on_selector_all("#answer th", "els => els.map(e => e.textContent)")
    assert columns[:3] == ["standard", "standardLabel", "competence"]
    cells = page.eval_on_selector_all("#answer tbody tr:first-child td",
                                      "els => els.map(e => e.textContent)")
    row = dict(zip(columns, cells))
    assert row["standardLabel"] == "IT-juht, tase 7" and row["notation"] == "B.3.1"
    assert row["groupLabel"] == "kutse:mandatory"  # no prefLabel: the prefixed name
    assert page.text_content("#status") == "19 rows"
    for link in ("#download-csv", "#download-excel", "#download-json"):
        assert page.get_attribute(link, "href").startswith("blob:")
    # an error is one line in the page, not a crash
    page.fill("#query", "SELECT ?x WHERE {")
    page.click("#run")
    page.wait_for_selector("#status.error")
    assert "SPARQL syntax error at line 1" in page.text_content("#status")
    assert page.evaluate("window.violations") == []
    assert page.problems == [] or all("400" in p for p in page.problems)
    # nothing left the machine: every request went to this server
    assert page.requests and all(u.startswith(server.url) for u in page.requests), page.requests
