"""The query stage: the SPARQL library in queries/*.rq, run over the built graph.

Oxigraph (pyoxigraph) is the engine: rdflib's SPARQL is 50-100x slower on joins, too slow for a
register of hundreds of standards. rdflib stays the reference engine (`run_reference`); the tests
check that both give the same rows for every library query.

The store holds every named graph as built (standards, reference, inferred) and, in its default
graph, their merged union as a set, so that queries without GRAPH see each triple once (Oxigraph's
own union-default-graph option would repeat a triple stated in two graphs). A query that names no
graph (no GRAPH, no FROM) reads only the default graph: for a build's dump it runs on a store of
the union alone (BuildData), which loads in half the time and answers faster.

Parameters are bound as RDF terms (Oxigraph substitutions, rdflib initBindings), never pasted into
the query text. A parameter must be a variable of the SELECT clause (Oxigraph's substitution
keeps it in the answer) and bound by a triple pattern of the query, so that both engines' binding
semantics give the same answer.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import DCTERMS, KUTSE, RDF, RDFS, SCHEMA, SKOS, XSD, prefixes
from kutse_rdf.resources import resource_dir

RDF_TYPE = str(RDF.type)
XSD_INTEGER = str(XSD.integer)
NUMERIC_TYPES = (XSD_INTEGER, str(XSD.decimal), str(XSD.double), str(XSD.float))
# Predicates that give a readable name for an IRI in table output, best first.
LABEL_PREDICATES = tuple(str(p) for p in (SKOS.notation, SKOS.prefLabel, RDFS.label,
                                          DCTERMS.title, SCHEMA.name))
# Prefixes for IRIs that have no label (table output only).
PREFIXES = prefixes("kutse", "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco", "skos", "xsd")
PARAM_TYPES = ("standard", "iri", "string", "integer")
_HEADER = re.compile(r"^#\s*(title|et|en|param):\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)\s*(?:--\s*(.*))?$")


# ---------------------------------------------------------------------------------------------
# The library


@dataclass
class Param:
    name: str
    type: str  # one of PARAM_TYPES
    required: bool
    description: str = ""


@dataclass
class QueryFile:
    name: str  # file stem, e.g. "shared-competences"
    path: Path
    text: str
    title: str = ""
    question_et: str = ""
    question_en: str = ""
    params: list[Param] = field(default_factory=list)
    declared: bool = False  # the header declares its parameters (library queries do)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def library() -> dict[str, QueryFile]:
    """The library queries by name, sorted."""
    folder = resource_dir("queries")
    return {p.stem: read_query(p) for p in sorted(folder.glob("*.rq"))}


def predicates_used(queries: Iterable[QueryFile]) -> frozenset[str] | None:
    """Every IRI the queries use as a predicate (in triple patterns and property paths), or
    None when one of them can match a predicate it does not name (a variable in the predicate
    position, a negated property set). A triple whose predicate is not in the set cannot change
    any of their answers: the build's query store holds only those triples (README "Scale")."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    found: set[str] = set()

    def path(predicate) -> bool:
        if isinstance(predicate, URIRef):
            found.add(str(predicate))
            return True
        if isinstance(predicate, (SequencePath, AlternativePath)):
            return all(path(part) for part in predicate.args)
        if isinstance(predicate, InvPath):
            return path(predicate.arg)
        if isinstance(predicate, MulPath):
            return path(predicate.path)
        return False  # a variable, a negated property set

    def bgp(node, allowed: dict) -> bool:
        for _, predicate, _ in node.get("triples", []):
            if predicate in allowed:  # a variable that a VALUES joined with this BGP binds
                found.update(allowed[predicate])
            elif not path(predicate):
                return False
        return True

    def values_iris(node) -> dict:
        """{variable: IRIs} of a VALUES block that binds the variable to an IRI in every row."""
        if not (isinstance(node, CompValue) and node.name == "ToMultiSet"
                and isinstance(node.p, CompValue) and node.p.name == "values"):
            return {}
        rows = node.p.res
        names = set().union(*(row.keys() for row in rows)) if rows else set()
        return {v: {str(row[v]) for row in rows} for v in names
                if all(isinstance(row.get(v), URIRef) for row in rows)}

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                return bgp(node, {})
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                return walk(node.graph)  # rdflib translates the pattern on attribute access
            if node.name in ("TriplesBlock", "GroupGraphPatternSub"):
                return False  # a pattern not in algebra form: cannot tell, read everything
            if node.name == "Join":  # BGP joined with VALUES: the VALUES limit its variables
                for side, other in ((node.p1, node.p2), (node.p2, node.p1)):
                    allowed = values_iris(other)
                    if allowed and isinstance(side, CompValue) and side.name == "BGP":
                        return bgp(side, allowed)
            return all(walk(value) for value in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(item) for item in node)
        return True

    for query in queries:
        if not walk(prepareQuery(query.text).algebra):
            return None
    return frozenset(found)


PREDICATES_FILE = "predicates.json"  # queries/: predicates_used of the library, shipped


def predicates_record(queries: Iterable[QueryFile]) -> dict:
    """{"queries": hash of the query texts, "predicates": sorted predicates_used or None}."""
    queries = list(queries)
    found = predicates_used(queries)
    return {"queries": library_digest(queries),
            "predicates": None if found is None else sorted(found)}


def library_digest(queries: Iterable[QueryFile]) -> str:
    import hashlib

    return hashlib.sha256("\0".join(q.text for q in queries).encode()).hexdigest()


def library_predicates(known: Iterable[dict | None]) -> tuple[frozenset[str] | None, dict]:
    """predicates_used of the library and its record: from the first of the `known` records
    made for the same query texts (the previous build's, the one shipped in queries/), else
    worked out (rdflib parses the queries: ~0.4 s, a third of a one-standard build)."""
    queries = list(library().values())
    digest = library_digest(queries)
    record = next((r for r in known if isinstance(r, dict) and r.get("queries") == digest), None)
    if record is None:
        record = predicates_record(queries)
    found = record.get("predicates")
    return (None if found is None else frozenset(found)), record


def shipped_predicates() -> dict | None:
    try:
        return json.loads((resource_dir("queries") / PREDICATES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_predicates_file() -> None:
    """Rewrite queries/predicates.json after a change to the library (tests/test_query.py
    checks that it is current)."""
    record = predicates_record(library().values())
    (resource_dir("queries") / PREDICATES_FILE).write_text(
        json.dumps(record, indent=1) + "\n", encoding="utf-8")


def read_query(path: Path) -> QueryFile:
    """Read a query file and its header comment (title, et, en, param lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such query file", file=str(path)) from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise InputError(f"cannot read query file: {exc}", file=str(path)) from None
    query = QueryFile(name=path.stem, path=path, text=text)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            query.title = value
        elif key == "et":
            query.question_et = value
        elif key == "en":
            query.question_en = value
        else:
            param = _PARAM.match(value)
            if not param or param.group(2) not in PARAM_TYPES:
                raise InputError("bad parameter declaration, expected "
                                 f"'# param: NAME {'|'.join(PARAM_TYPES)} required|optional -- text'",
                                 file=str(path), line=number)
            name, kind, need, description = param.groups()
            query.params.append(Param(name, kind, need == "required", description or ""))
            query.declared = True
    return query


def find_query(name_or_file: str) -> QueryFile:
    """A library query by name, or a .rq file by path; unknown names suggest the closest."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.is_file():
        return read_query(path)
    queries = library()
    if name_or_file in queries:
        return queries[name_or_file]
    close = difflib.get_close_matches(name_or_file, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"unknown query {name_or_file!r}{hint} (kutse-rdf query --list shows all)")


def check_syntax(query: QueryFile) -> None:
    """Parse the query with rdflib's parser (the reference); a syntax error names the line."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query.text)
    except ParseException as exc:
        raise InputError(f"SPARQL syntax error at column {exc.col}: {exc.msg}",
                         file=str(query.path), line=exc.lineno) from None
    except Exception as exc:  # rdflib raises others for e.g. undefined prefixes
        raise InputError(f"SPARQL syntax error: {exc}", file=str(query.path)) from None


# ---------------------------------------------------------------------------------------------
# The store


def store_from_dataset(dataset: Any) -> ox.Store:
    """An Oxigraph store holding an rdflib Dataset's graphs (N-Quads is the fast road across)."""
    store = ox.Store()
    data = dataset.serialize(format="nquads", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    _merge_into_default(store)
    return store


DATA_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


def store_from_file(path: Path) -> ox.Store:
    """An Oxigraph store from a dump of the build (data/all.trig, .nq, .ttl or .nt)."""
    fmt = _check_data_file(path)
    store = ox.Store()
    # A build's all.trig has its union beside it, each triple once (dumps.py): loaded as the
    # default graph in Rust, 5.5 -> 3.7 s on 500 standards against making the union in Python.
    union = path.with_name("all.nt") if path.name == "all.trig" else None
    try:
        store.bulk_load(path=str(path), format=fmt)
        if union is not None and union.is_file():
            store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
            return store
    except SyntaxError as exc:
        raise InputError(f"cannot read data: {exc}", file=str(path)) from None
    _merge_into_default(store)
    return store


def _check_data_file(path: Path) -> ox.RdfFormat:
    fmt = DATA_FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"unknown data format (use {', '.join(DATA_FORMATS)})", file=str(path))
    if not path.is_file():
        raise InputError("no such data file (run kutse-rdf build first?)", file=str(path))
    return fmt


# What is not SPARQL code: strings (long and short), IRIs, comments. The leftmost match wins, so
# a '#' inside an IRI or a string is not taken for a comment.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_DATASET_KEYWORD = re.compile(r"\b(?:GRAPH|FROM)\b", re.IGNORECASE)


def needs_named_graphs(text: str) -> bool:
    """Whether a query can read a named graph: only GRAPH and FROM (NAMED) can. The words in
    strings, IRIs and comments do not count; a variable ?graph does (harmless: the full store)."""
    return _DATASET_KEYWORD.search(_NOT_CODE.sub(" ", text)) is not None


class BuildData:
    """A data file for `query --data` and `serve`, as the store each query needs. For a build's
    all.trig with all.nt (their union, each triple once) beside it, a query that names no graph
    runs on a store of all.nt alone: in Oxigraph's in-memory store a triple-pattern lookup walks
    the quads of its bound term in every graph, so the named graphs' copies of the union make
    each lookup longer (500 standards: 1.6 s to load instead of 3.2 s, queries 15-40 % faster).
    The store with the named graphs (store_from_file) is loaded when a query first needs it
    (GRAPH, FROM, a protocol dataset). Any other file is one store for every query."""

    def __init__(self, path: Path):
        _check_data_file(path)
        self.path = path
        union = path.with_name("all.nt") if path.name == "all.trig" else None
        self.union_path = union if union is not None and union.is_file() else None
        self._union: ox.Store | None = None
        self._full: ox.Store | None = None
        self._lock = threading.Lock()  # the endpoint answers in several threads

    def store_for(self, text: str, dataset_given: bool = False) -> ox.Store:
        """The store for this query text; dataset_given: the protocol's default-graph-uri /
        named-graph-uri (they name graphs)."""
        if self.union_path is None or dataset_given or needs_named_graphs(text):
            return self.full()
        return self.union()

    def union(self) -> ox.Store:
        if self.union_path is None:
            return self.full()
        with self._lock:
            if self._union is None:
                store = ox.Store()
                try:
                    store.bulk_load(path=str(self.union_path), format=ox.RdfFormat.N_TRIPLES)
                except SyntaxError as exc:
                    raise InputError(f"cannot read data: {exc}",
                                     file=str(self.union_path)) from None
                self._union = store
            return self._union

    def full(self) -> ox.Store:
        with self._lock:
            if self._full is None:
                self._full = store_from_file(self.path)
            return self._full


def _merge_into_default(store: ox.Store) -> None:
    graph = ox.DefaultGraph()
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, graph) for q in store
                       if not isinstance(q.graph_name, ox.DefaultGraph)])


def standards_in(store: ox.Store) -> list[str]:
    """IRIs of the occupational standards in the store, sorted."""
    found = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                    ox.NamedNode(str(KUTSE.OccupationalStandard)), ox.DefaultGraph())
    return sorted({q.subject.value for q in found})


# ---------------------------------------------------------------------------------------------
# Parameters


def parse_params(items: list[str]) -> dict[str, str]:
    """`--param KEY=VALUE` options as a dict."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"bad --param {item!r}: expected KEY=VALUE")
        params[key.strip()] = value.strip()
    return params


def bind_params(query: QueryFile, params: dict[str, str], store: ox.Store) -> dict[str, Any]:
    """Turn user text into RDF terms for the query's parameter variables."""
    if query.declared:
        for name in params:
            if not query.param(name):
                known = ", ".join(p.name for p in query.params) or "none"
                raise InputError(f"query {query.name} has no parameter {name!r} (parameters: {known})")
        missing = [p.name for p in query.params if p.required and p.name not in params]
        if missing:
            raise InputError(f"query {query.name} needs --param {missing[0]}=... "
                             f"({query.param(missing[0]).description})")
    bindings: dict[str, Any] = {}
    for name, value in params.items():
        declared = query.param(name)
        kind = declared.type if declared else _guess_type(value)
        bindings[name] = _term(name, kind, value, store)
    return bindings


def _guess_type(value: str) -> str:
    if value.startswith(("http://", "https://", "urn:")):
        return "iri"
    if re.fullmatch(r"[+-]?\d+", value):
        return "integer"
    return "string"


def _term(name: str, kind: str, value: str, store: ox.Store) -> Any:
    try:
        if kind == "standard":
            return ox.NamedNode(resolve_standard(value, store))
        if kind == "iri":
            return ox.NamedNode(value.strip("<>"))
        if kind == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD_INTEGER))
        return ox.Literal(value)
    except ValueError as exc:
        raise InputError(f"bad value for parameter {name}: {value!r} ({exc})") from None


def resolve_standard(value: str, store: ox.Store) -> str:
    """A standard's IRI from its IRI, its slug (it-juht-tase-7) or its file name."""
    standards = standards_in(store)
    if value in standards:
        return value
    slug = Path(value).stem if value.endswith(".txt") else value
    by_slug = {iri.rstrip("/").rsplit("/", 1)[-1]: iri for iri in standards}
    if slug in by_slug:
        return by_slug[slug]
    by_file = {Path(q.object.value).stem: q.subject.value
               for q in store.quads_for_pattern(None, ox.NamedNode(str(KUTSE.sourceFile)), None,
                                                ox.DefaultGraph())
               if q.subject.value in standards}
    if slug in by_file:
        return by_file[slug]
    close = difflib.get_close_matches(slug, list(by_slug), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    known = ", ".join(sorted(by_slug)) or "none"
    raise InputError(f"no standard {value!r} in the graph{hint} (standards: {known})")


# ---------------------------------------------------------------------------------------------
# Running


TSV = ox.QueryResultsFormat.TSV
JSON = ox.QueryResultsFormat.JSON
KEPT_FORMATS = (TSV, JSON)  # the formats an answer is kept in: both give back the exact terms


class Result:
    """A query's answer: SELECT rows of pyoxigraph terms (None = unbound), or an ASK boolean, or
    CONSTRUCT/DESCRIBE triples.

    Oxigraph's SELECT answer is kept as it wrote it (in Rust): SPARQL TSV by default (the
    cheapest of its formats to write and to read back), or JSON when that is what the caller
    prints. The CLI's JSON and CSV are written from it by Oxigraph too, and `rows` makes Python
    terms only when first read. On 500 standards, for 15k rows: terms ~80 ms; Oxigraph's JSON /
    CSV from the TSV 50 / 25 ms; Python's json / csv writers from terms 640 / 115 ms. A Result
    made from rows (the reference engine) keeps no answer and is only compared."""

    def __init__(self, variables: Iterable[str] = (), rows: list[tuple[Any, ...]] | None = None,
                 boolean: bool | None = None, triples: list[Any] | None = None,
                 answer: bytes | None = None, answer_format: ox.QueryResultsFormat = TSV):
        self.variables = list(variables)
        self.boolean = boolean
        self.triples = triples
        self.answer = answer
        self.answer_format = answer_format
        self._rows = rows

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            # tuple(solution) is the row in SELECT order; solution[name] per cell is 2-3x slower
            self._rows = [] if self.answer is None else list(map(tuple, self._solutions()))
        return self._rows

    def serialize(self, fmt: ox.QueryResultsFormat) -> bytes:
        """The SELECT answer in a W3C results format, written by Oxigraph."""
        if fmt == self.answer_format and self.answer is not None:
            return self.answer
        return self._solutions().serialize(format=fmt)

    def _solutions(self) -> ox.QuerySolutions:
        if self.answer is None:
            raise ValueError("only Oxigraph's answers are written (this one was made from rows)")
        return ox.parse_query_results(self.answer, format=self.answer_format)


def run(store: ox.Store, query: QueryFile, params: dict[str, str] | None = None,
        keep: ox.QueryResultsFormat = TSV) -> Result:
    """Run a query on the store with user parameters (text, bound as terms); a SELECT's answer
    is kept in `keep` (TSV or JSON: JSON when it is what will be printed)."""
    bindings = bind_params(query, params or {}, store)
    return run_bound(store, query, bindings, keep)


def run_bound(store: ox.Store, query: QueryFile, bindings: dict[str, Any],
              keep: ox.QueryResultsFormat = TSV) -> Result:
    if keep not in KEPT_FORMATS:
        raise ValueError(f"an answer is kept as TSV or JSON, not {keep}")
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    try:
        answer = store.query(query.text, substitutions=substitutions or None)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {exc}", file=str(query.path),
                         line=_error_line(str(exc))) from None
    except RuntimeError as exc:  # Oxigraph substitutes only variables the SELECT projects
        names = ", ".join(f"?{k}" for k in bindings)
        raise InputError(f"cannot bind {names}: a parameter must be a variable of the SELECT "
                         f"clause ({exc})", file=str(query.path)) from None
    if isinstance(answer, ox.QuerySolutions):
        # evaluated here (written out), so that its cost and its errors are the run's
        return Result(variables=[v.value for v in answer.variables],
                      answer=answer.serialize(format=keep), answer_format=keep)
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    return Result(triples=list(answer))


def _error_line(message: str) -> int | None:
    match = re.search(r"at (\d+):\d+", message)
    return int(match.group(1)) if match else None


def run_reference(dataset: Any, query: QueryFile, bindings: dict[str, Any]) -> Result:
    """The same query with rdflib over a Dataset whose default graph is the union of its graphs
    (the reference engine, used by the tests). Bindings are pyoxigraph terms."""
    from rdflib import BNode, Literal, URIRef, Variable

    def to_rdflib(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        lang = term.language
        return Literal(term.value, lang=lang, datatype=None if lang else URIRef(term.datatype.value))

    init = {Variable(k): to_rdflib(v) for k, v in bindings.items()}
    answer = dataset.query(query.text, initBindings=init)
    if answer.type == "ASK":
        return Result(boolean=bool(answer.askAnswer))
    if answer.type != "SELECT":
        return Result(triples=list(answer))
    variables = [str(v) for v in answer.vars]
    rows = [tuple(_from_rdflib(row[i]) for i in range(len(variables))) for row in answer]
    return Result(variables=variables, rows=rows)


def _from_rdflib(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
    return ox.Literal(str(term), datatype=datatype)


def canonical(term: Any) -> Any:
    """A comparable form of a term: numbers by value (engines write 60 or 60.0), others as
    N-Triples text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC_TYPES:
        try:
            return ("number", Decimal(term.value))
        except InvalidOperation:
            pass
    return str(term)


# ---------------------------------------------------------------------------------------------
# Output formats


def to_json(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results JSON (a SELECT's written by Oxigraph, without indentation,
    as the build's reports and the endpoint write it)."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    return result.serialize(JSON).decode("utf-8") + "\n"


def to_csv(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results CSV: plain values, CRLF line ends, RFC 4180 quoting (a
    SELECT's written by Oxigraph)."""
    if result.boolean is not None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    return result.serialize(ox.QueryResultsFormat.CSV).decode("utf-8")


def _plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def labels_for(store: ox.Store, terms: Iterable[Any]) -> dict[str, str]:
    """A readable name for each IRI: notation, else Estonian / English / any prefLabel, else
    rdfs:label, dct:title or schema:name; else a prefixed name."""
    names: dict[str, str] = {}
    for term in terms:
        if not isinstance(term, ox.NamedNode) or term.value in names:
            continue
        names[term.value] = _label(store, term) or _compact(term.value)
    return names


def _label(store: ox.Store, node: ox.NamedNode) -> str | None:
    for predicate in LABEL_PREDICATES:
        values = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None,
                                                            ox.DefaultGraph())
                  if isinstance(q.object, ox.Literal)]
        for lang in ("et", "en", None, ""):
            for value in values:
                if lang is None or (value.language or "") == lang:
                    return value.value
    return None


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def readable_rows(result: Result, store: ox.Store, width: int = 60) -> list[list[str]]:
    """Rows as text with labels for IRIs; long cells cut to `width` characters."""
    names = labels_for(store, (t for row in result.rows for t in row))
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            text = names[term.value] if isinstance(term, ox.NamedNode) else _plain(term)
            text = " ".join(text.split())
            cells.append(text if len(text) <= width else text[:width - 1] + "…")
        rows.append(cells)
    return rows


def to_table(result: Result, store: ox.Store) -> str:
    """A readable terminal table, labels instead of bare IRIs."""
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    rows = readable_rows(result, store)
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(result: Result, store: ox.Store) -> str:
    """A Markdown table, labels instead of bare IRIs."""
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(result.variables) + " |",
             "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |"
              for row in readable_rows(result, store, width=10_000)]
    return "\n".join(lines) + "\n"


def triples_text(result: Result) -> str:
    """CONSTRUCT / DESCRIBE answers as N-Triples."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples or [])


def render(result: Result, fmt: str, store: ox.Store) -> str:
    if result.triples is not None:
        return triples_text(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "md":
        return to_markdown(result, store)
    return to_table(result, store)


# ---------------------------------------------------------------------------------------------
# The build's reports


REPORT_SUFFIXES = ("csv", "json")  # the files of a report: NAME.csv, NAME.json


def report_queries() -> tuple[dict[str, QueryFile], list[str]]:
    """The library queries a build reports (those without required parameters), and the names
    of the others."""
    queries = library()
    skipped = [name for name, q in queries.items() if any(p.required for p in q.params)]
    return {n: q for n, q in queries.items() if n not in skipped}, skipped


def write_reports(out_dir: Path, data: Any) -> list[str]:
    """Run every library query without required parameters on the build's data (an Oxigraph
    store with the union as default graph, or an rdflib Dataset); write NAME.csv and
    NAME.json. Returns the names of queries skipped (they need parameters).

    Two queries at a time: Oxigraph releases the GIL while it answers and writes, so on two
    cores the reports of 500 standards take ~0.8 s instead of ~1.6 s (a rebuild waits for them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    store = data if isinstance(data, ox.Store) else store_from_dataset(data)
    reported, skipped = report_queries()

    def report(name: str, query: QueryFile) -> None:
        # run_bound keeps the answer as TSV (written in Rust); Oxigraph writes both W3C formats
        # from it: on a large register several times faster than Python terms and json / csv.
        # The files are what `query --format csv / json` print.
        result = run_bound(store, query, {})
        if result.answer is None:
            raise InputError("a library query must be a SELECT query", file=str(query.path))
        for suffix, fmt, end in (("json", ox.QueryResultsFormat.JSON, b"\n"),
                                 ("csv", ox.QueryResultsFormat.CSV, b"")):
            (out_dir / f"{name}.{suffix}").write_bytes(result.serialize(fmt) + end)

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for done in [pool.submit(report, name, query) for name, query in reported.items()]:
            done.result()  # a query's error is raised here, in the order of the library
    return skipped
