"""The query workbench of `kutse-rdf serve`: GET /sparql from a browser opens an editor page
(publish/workbench/) that runs queries through the server's own /sparql endpoint. Checked over
HTTP, and in Debian's Chromium driven by Playwright: a library query runs from 127.0.0.1, its
table shows labels, the downloads are offered (the Excel workbook made by the endpoint, read
back with openpyxl), the page's policy is not violated and no request leaves the machine."""
from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support.browser import ARGS, CHROMIUM, need_chromium
from support.serve import make_build, serving
from support.site import build_seed

from kutse_rdf.query import library


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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM = "application/x-www-form-urlencoded"


def post(url: str, fields: dict[str, str], accept: str):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode("utf-8"),
                                     headers={"Content-Type": FORM, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def workbook_rows(data: bytes) -> list[dict]:
    openpyxl = pytest.importorskip("openpyxl", reason="the test extra's openpyxl reads the "
                                                      "workbook (pip install -e '.[test]')")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, r)) for r in rows]


def test_the_endpoint_answers_an_excel_workbook(server):
    text = library()["competence-table"].text  # unbound: every standard (the seed's 19 rows)
    status, headers, body = post(server.url + "sparql", {"query": text}, XLSX)
    assert status == 200, body
    assert headers["Content-Type"] == XLSX
    assert headers["Content-Disposition"] == 'attachment; filename="answer.xlsx"'
    assert headers["Access-Control-Allow-Origin"] == "*"  # an answer of the endpoint
    rows = workbook_rows(body)
    assert len(rows) == 19 and list(rows[0])[:3] == ["standard", "standardLabel", "competence"]
    first = rows[0]
    assert first["notation"] == "B.3.1" and first["standardLabel"] == "IT-juht, tase 7"
    assert first["competenceLabel"] == "Infosüsteemi ja äristrateegia kooskõlastamine"
    assert first["groupLabel"] == "kohustuslik" and first["indicators"] == 5
    assert first["level"] == 7
    # ?format= and ?lang= for a link without an Accept header
    query = urllib.parse.urlencode({"query": text, "format": "xlsx", "lang": "en"})
    status, headers, body = get(server.url + "sparql?" + query)
    assert status == 200 and headers["Content-Type"] == XLSX
    english = workbook_rows(body)[0]
    assert english["groupLabel"] == "mandatory"
    # ASK: one boolean cell
    status, _, body = post(server.url + "sparql",
                           {"query": "ASK { ?s a kutse:OccupationalStandard }"}, XLSX)
    assert status == 200 and workbook_rows(body) == [{"boolean": True}]


def test_what_the_workbook_refuses(server):
    for fields, status, says in [
        ({"query": "CONSTRUCT WHERE { ?s a kutse:Competence }"}, 406, "can answer text/turtle"),
        ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "lang": "fi"}, 400, "lang is one of"),
        ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "xls"}, 400,
         "format is one of"),
        ({"query": "SELECT ?x WHERE {"}, 400, "SPARQL syntax error at line 1"),
    ]:
        code, headers, body = post(server.url + "sparql", fields, XLSX)
        assert code == status and says in body.decode("utf-8"), (fields, body)
        assert headers["Content-Type"].startswith("text/plain")


def test_the_workbook_keeps_the_answer_size_limit(tmp_path):
    """A workbook is made under --max-result-mb as a text answer is: refused, never cut."""
    with serving(make_build(tmp_path / "build"), max_result_mb=0.01) as srv:
        status, _, body = post(srv.url + "sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"},
                               XLSX)
        assert status == 503 and b"answer refused: larger than 0.01 MB" in body
        status, _, body = post(srv.url + "sparql", {"query": "SELECT * WHERE { ?s ?p ?o } "
                                                    "LIMIT 1"}, XLSX)
        assert status == 200 and len(workbook_rows(body)) == 1


def test_library_gives_the_individuals_labels(server):
    status, _, body = get(server.url + "sparql/library.json")
    labels = json.loads(body)["labels"]
    assert labels["https://w3id.org/kutse-rdf/ontology#mandatory"] == {
        "et": "kohustuslik", "en": "mandatory"}
    assert labels["https://w3id.org/kutse-rdf/ontology#transversal"]["et"] == "läbiv"


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
    # no prefLabel: the ontology individual's rdfs:label, as on the command line
    assert row["groupLabel"] == "kohustuslik"
    assert page.text_content("#status") == "19 rows"
    for link in ("#download-csv", "#download-excel", "#download-json"):
        assert page.get_attribute(link, "href").startswith("blob:")
    # the Excel workbook: made by the endpoint, saved by the page
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename == "answer.xlsx"
    rows = workbook_rows(Path(download.value.path()).read_bytes())
    assert len(rows) == 19 and rows[0]["groupLabel"] == "kohustuslik"
    assert rows[0]["indicators"] == 5 and rows[0]["notation"] == "B.3.1"
    assert page.text_content("#status") == "19 rows"
    # an error is one line in the page, not a crash
    page.fill("#query", "SELECT ?x WHERE {")
    page.click("#run")
    page.wait_for_selector("#status.error")
    assert "SPARQL syntax error at line 1" in page.text_content("#status")
    assert page.evaluate("window.violations") == []
    assert page.problems == [] or all("400" in p for p in page.problems)
    # nothing left the machine: every request went to this server
    assert page.requests and all(u.startswith(server.url) for u in page.requests), page.requests
