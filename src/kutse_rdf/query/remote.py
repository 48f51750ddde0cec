"""Queries over HTTP on a triple store loaded by `kutse-rdf publish` (`query --endpoint URL`).

`publish` puts each standard, the reference vocabularies, the inferred triples and the ELM view
in named graphs, no triple in two of them; a store's default graph is empty (Oxigraph, Fuseki
as they start) or the union of every graph it holds (Virtuoso; Oxigraph with
--union-default-graph, Fuseki with unionDefaultGraph). The local query runs on the current
versions with the works' graphs and the reference (data/current.nt). So the dataset of the
requests is chosen once (Remote.dataset):
- when the store's default graph holds standards and no version but the current ones, the
  store's own default graph: the union, each triple once (the ELM graph in it changes no
  library answer: the tests compare);
- else, or when a graph base is given, one `default-graph-uri` per graph of the store under
  the graph base, the ELM graph and the other versions' graphs left out (and every graph as a
  `named-graph-uri` for a query with GRAPH or FROM). Oxigraph evaluates each pattern once per
  graph named so: on a register of 500 standards a query then takes a minute, not a second.

What stores do differently, handled here:
- every request is a form POST (application/x-www-form-urlencoded): Virtuoso 7 hangs on a
  query POSTed as application/sparql-query, and a GET URL would be too long for the dataset of
  a large register;
- Virtuoso writes booleans as the integers 1 and 0 (an ASK as a one-row SELECT of
  ?__ASK_RETVAL): the columns a library query declares `# boolean:` are made booleans again;
- parameters are sent as a trailing VALUES clause (the protocol has no bindings); a library
  query's parameter is a projected variable bound by a triple pattern, so the answer is the
  one the local engine gives with the parameter bound;
- a standard given by slug or title is looked up in the store, and the labels of the table
  formats are fetched for the IRIs of the answer (one CONSTRUCT each).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kutse_rdf.errors import DataError, InputError
from kutse_rdf.graph.namespaces import DCAT, DCTERMS, KUTSE, SKOS, XSD
from kutse_rdf.query.execute import JSON, Result, sorted_lists
from kutse_rdf.query.formats import LABEL_PREDICATES
from kutse_rdf.query.named import QueryFile
from kutse_rdf.query.params import bind_params
from kutse_rdf.query.store import _NOT_CODE, needs_named_graphs

XSD_BOOLEAN = str(XSD.boolean)
RESULTS_JSON = "application/sparql-results+json"
VIRTUOSO_ASK = "__ASK_RETVAL"
TIMEOUT_S = 120.0  # one request; a library query on a register takes well under a second


def check_endpoint(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint must be an http(s) URL, not {url!r}")
    if parts.username or parts.password:
        raise InputError("--endpoint must not carry credentials (a query endpoint is read "
                         "without them)")


class Remote:
    """A store's SPARQL query endpoint and the build's graphs in it."""

    def __init__(self, endpoint: str, graph_base: str, skip: tuple[str, ...] = (),
                 timeout_s: float = TIMEOUT_S, named: bool = False):
        """named: always name the graphs under the graph base (the user gave one)."""
        check_endpoint(endpoint)
        self.endpoint, self.graph_base, self.skip = endpoint, graph_base, set(skip)
        self.timeout_s, self.named = timeout_s, named
        self._dataset: list[str] | None = None
        self._named: list[str] = []  # every graph under the graph base (GRAPH reads them)

    def post(self, text: str, accept: str, dataset: bool = True) -> tuple[bytes, str]:
        """(body, content type) of the store's answer to a query, sent as a form POST with the
        build's graphs as its default graph; any failure is one line (exit 1)."""
        fields = [("query", text)]
        if dataset:
            fields += [("default-graph-uri", g) for g in self.dataset()]
            if self._dataset and needs_named_graphs(text):
                # naming a default graph leaves no named graph unless they are named too
                fields += [("named-graph-uri", g) for g in self._named]
        request = urllib.request.Request(
            self.endpoint, data=urlencode(fields).encode("ascii"), method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            with exc:
                detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
            raise DataError(f"{self.endpoint}: HTTP {exc.code} {exc.reason}"
                            + (f": {detail}" if detail else "")) from None
        except TimeoutError:
            raise DataError(f"{self.endpoint}: no answer within {self.timeout_s:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            if isinstance(reason, TimeoutError):
                raise DataError(f"{self.endpoint}: no answer within {self.timeout_s:g} s") \
                    from None
            raise DataError(f"{self.endpoint}: endpoint unreachable ({reason})") from None

    def select(self, text: str, dataset: bool = True) -> dict[str, Any]:
        body, _ = self.post(text, RESULTS_JSON, dataset)
        try:
            answer = json.loads(body)
            answer["head"]
        except (ValueError, KeyError, TypeError):
            raise DataError(f"{self.endpoint}: the answer is not SPARQL JSON results") from None
        return answer

    def dataset(self) -> list[str]:
        """The graphs every request names as its default graph: none when the store's own
        default graph holds the standards and no version other than the current ones, else
        those under the graph base less the skipped (ELM) and the other versions' graphs (the
        local default graph, data/current.nt, holds the current versions only)."""
        if self._dataset is None:
            stale = self.stale_versions()
            if not self.named and not stale and \
                    self.ask(f"ASK {{ ?s a <{KUTSE.OccupationalStandard}> }}"):
                self._dataset = []
                return self._dataset
            graphs = self.graphs("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            if not graphs:  # Virtuoso answers that with one empty row: look at the triples
                base = self.graph_base.replace("\\", "\\\\").replace('"', '\\"')
                graphs = self.graphs("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                                     f'FILTER(STRSTARTS(STR(?g), "{base}")) }}')
            self._named = graphs
            self._dataset = [g for g in graphs if g not in stale]
            if not self._dataset:
                raise DataError(f"{self.endpoint}: the store holds no graph under "
                                f"{self.graph_base} (publish the build first, or give "
                                "--graph-base)")
        return self._dataset

    def stale_versions(self) -> set[str]:
        """The graphs of the standards' versions that are not their work's current version."""
        versions = self.select(
            f"SELECT DISTINCT ?g ?v WHERE {{ GRAPH ?g {{ ?v a <{KUTSE.OccupationalStandard}> ; "
            f"<{DCTERMS.isVersionOf}> ?w }} }}", dataset=False)
        current = self.select(f"SELECT DISTINCT ?v WHERE {{ GRAPH ?g {{ ?w "
                              f"<{DCAT.hasCurrentVersion}> ?v }} }}", dataset=False)
        now = {r["v"]["value"] for r in current.get("results", {}).get("bindings", []) if "v" in r}
        return {r["g"]["value"] for r in versions.get("results", {}).get("bindings", [])
                if "g" in r and "v" in r and r["v"]["value"] not in now}

    def graphs(self, text: str) -> list[str]:
        """The graph names under the graph base (less the skipped) a listing query gives."""
        rows = self.select(text, dataset=False).get("results", {}).get("bindings", [])
        names = {r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri"}
        return sorted(g for g in names if g.startswith(self.graph_base) and g not in self.skip)

    def ask(self, text: str, dataset: bool = False) -> bool:
        """An ASK's answer (Virtuoso's one-row SELECT of 1 / 0 too)."""
        answer = self.select(text, dataset)
        if "boolean" in answer:
            return bool(answer["boolean"])
        rows = answer.get("results", {}).get("bindings", [])
        return bool(rows) and rows[0].get(VIRTUOSO_ASK, {}).get("value") not in ("0", "false")

    def construct(self, text: str) -> ox.Store:
        """A local store holding the triples a CONSTRUCT gives (in its default graph)."""
        body, kind = self.post(text, "application/n-triples, text/turtle;q=0.9")
        fmt = ox.RdfFormat.TURTLE if "turtle" in kind else ox.RdfFormat.N_TRIPLES
        store = ox.Store()
        try:
            store.bulk_load(body, format=fmt)
        except SyntaxError as exc:
            raise DataError(f"{self.endpoint}: unreadable CONSTRUCT answer ({exc})") from None
        return store

    def index(self) -> ox.Store:
        """The standards, their source files and titles (what params.resolve_standard reads)."""
        return self.construct(
            f"CONSTRUCT {{ ?s a <{KUTSE.OccupationalStandard}> ; <{KUTSE.sourceFile}> ?f ; "
            f"<{SKOS.prefLabel}> ?l ; <{KUTSE.describesQualification}> ?q . "
            f"?q <{SKOS.prefLabel}> ?ql }} WHERE {{ ?s a <{KUTSE.OccupationalStandard}> . "
            f"OPTIONAL {{ ?s <{KUTSE.sourceFile}> ?f }} OPTIONAL {{ ?s <{SKOS.prefLabel}> ?l }} "
            f"OPTIONAL {{ ?s <{KUTSE.describesQualification}> ?q . "
            f"OPTIONAL {{ ?q <{SKOS.prefLabel}> ?ql }} }} }}")

    def labels(self, result: Result) -> ox.Store:
        """The label triples of the IRIs in a SELECT answer (formats.py and tables.py read
        them), in a local store."""
        iris = sorted({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
        if not iris:
            return ox.Store()
        values = " ".join(f"<{i}>" for i in iris)
        predicates = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
                              f"VALUES ?p {{ {predicates} }} ?s ?p ?o }}")

    def run(self, query: QueryFile, params: dict[str, str]) -> Result:
        """The query's answer from the store, parameters bound as in execute.run."""
        wanted = [p for p in params if (query.param(p) and query.param(p).type == "standard")]
        bindings = bind_params(query, params, self.index() if wanted else ox.Store())
        text = with_values(query.text, bindings) if bindings else query.text
        kind = query_form(query.text)
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return Result(triples=list(self.construct(text)))
        if kind == "ASK":
            return Result(boolean=self.ask(text, dataset=True))
        answer = self.select(text)
        variables = answer["head"].get("vars", [])
        rows = answer.get("results", {}).get("bindings", [])
        fix_booleans(rows, query.booleans)
        # the answer as Oxigraph writes it (a store's extra head fields and term types go)
        clean = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}})
        try:
            solutions = ox.parse_query_results(clean.encode("utf-8"), format=JSON)
            result = Result(variables=variables, answer=solutions.serialize(format=JSON),
                            answer_format=JSON)
        except (SyntaxError, ValueError) as exc:
            raise DataError(f"{self.endpoint}: unreadable SPARQL JSON results ({exc})") from None
        return sorted_lists(result, query.lists) if query.lists else result


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """The query with its parameters bound by VALUES: at the end of the query (the answer, for
    a parameter that is a projected variable bound by a triple pattern) and at the start of each
    WHERE group, subqueries' too, as Oxigraph's substitution binds them everywhere: a subquery
    that aggregates the whole register then aggregates one standard."""
    names = list(bindings)
    values = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
              + " ".join(str(bindings[n]) for n in names) + ") }")
    code = _NOT_CODE.sub(lambda m: " " * len(m.group()), text)  # strings, IRIs, comments out
    for match in reversed(list(re.finditer(r"\bWHERE\s*\{", code, re.IGNORECASE))):
        text = text[:match.end()] + " " + values + " " + text[match.end():]
    return text + "\n" + values + "\n"


def fix_booleans(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Booleans written as the integers 1 / 0 (Virtuoso) made xsd:boolean again, in the columns
    a query declares boolean."""
    for row in rows:
        for name in columns:
            cell = row.get(name)
            if cell and cell.get("datatype", "").endswith("#integer") and \
                    cell.get("value") in ("0", "1"):
                row[name] = {"type": "literal", "datatype": XSD_BOOLEAN,
                             "value": "true" if cell["value"] == "1" else "false"}


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these words in the code (prefixes,
    IRIs, strings and comments left out)."""
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", _NOT_CODE.sub(" ", text),
                      re.IGNORECASE)
    return match.group(1).upper() if match else "SELECT"
