"""Which predicates the build's reported queries can read, so that its query store holds only those.

A triple whose predicate no reported query names cannot change any answer, so the build's reports
run on a store of the triples those queries can read (docs/performance.md; the build does not run
the queries that need parameters, so what only they read, the changes graph's details and the
indicators, stays out), and a rebuild whose changes touch none of them reuses the previous
reports. Working the set out needs rdflib to parse every query, a
noticeable share of a small build, so the set is recorded with a hash of the query texts:
queries/predicates.json for the shipped library's, the build cache's record for the last build.
The record also says how each query reads names (label_uses, for relabel.py).
"""
from __future__ import annotations

import functools
import hashlib
import json
from typing import Iterable

from kutse_rdf.errors import InputError
from kutse_rdf.graph.ntriples import NAME_PREDICATES, PREF_LABEL, RDF_TYPE
from kutse_rdf.query.named import QueryFile, check_syntax, report_queries
from kutse_rdf.resources import resource_dir

PREDICATES_FILE = "predicates.json"  # queries/: predicates_used of the shipped reported queries


def predicates_used(queries: Iterable[QueryFile]) -> frozenset[str] | None:
    """Every IRI the queries use as a predicate (in triple patterns and property paths), or
    None when one of them can match a predicate it does not name (a variable in the predicate
    position, a negated property set). A query rdflib cannot parse is an InputError.

    rdf:type is read for the classes the queries name alone when every pattern of it names its
    class (`?s a kutse:Competence`): then the set holds "RDF_TYPE CLASS" for each (typed_as),
    not rdf:type itself. Most of a register's types are of indicators, revisions and the like,
    which no reported query asks for: ~150,000 of the query store's ~480,000 statements."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    found: set[str] = set()
    classes: set[str] = set()
    any_class = False  # a pattern of rdf:type whose class is not named

    def path(predicate) -> bool:
        nonlocal any_class
        if isinstance(predicate, URIRef):
            found.add(str(predicate))
            any_class |= str(predicate) == RDF_TYPE  # in a path: its class is not named
            return True
        if isinstance(predicate, (SequencePath, AlternativePath)):
            return all(path(part) for part in predicate.args)
        if isinstance(predicate, InvPath):
            return path(predicate.arg)
        if isinstance(predicate, MulPath):
            return path(predicate.path)
        return False  # a variable, a negated property set

    def bgp(node, allowed: dict) -> bool:
        nonlocal any_class
        for _, predicate, thing in node.get("triples", []):
            if predicate in allowed:  # a variable that a VALUES joined with this BGP binds
                found.update(allowed[predicate])
                any_class |= RDF_TYPE in allowed[predicate]
            elif str(predicate) == RDF_TYPE and isinstance(predicate, URIRef):
                found.add(RDF_TYPE)
                if isinstance(thing, URIRef):
                    classes.add(str(thing))
                else:
                    any_class = True
            elif not path(predicate):
                return False
        return True

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
                    allowed = _values_iris(other)
                    if allowed and isinstance(side, CompValue) and side.name == "BGP":
                        return bgp(side, allowed)
            return all(walk(value) for value in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(item) for item in node)
        return True

    for query in queries:
        if not walk(algebra_of(query)):
            return None
    if RDF_TYPE in found and not any_class:
        found.discard(RDF_TYPE)
        found.update(typed_as(c) for c in classes)
    return frozenset(found)


def typed_as(class_iri: str) -> str:
    """The entry of predicates_used for rdf:type statements of the class `class_iri` (with a
    space, which no IRI holds: graph/ntriples.with_predicates reads it)."""
    return f"{RDF_TYPE} {class_iri}"


def _values_iris(node) -> dict:
    """{variable: IRIs} of a VALUES block that binds the variable to an IRI in every row."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    if not (isinstance(node, CompValue) and node.name == "ToMultiSet"
            and isinstance(node.p, CompValue) and node.p.name == "values"):
        return {}
    rows = node.p.res
    names = set().union(*(row.keys() for row in rows)) if rows else set()
    return {v: {str(row[v]) for row in rows} for v in names
            if all(isinstance(row.get(v), URIRef) for row in rows)}


def algebra_of(query: QueryFile):
    """rdflib's algebra of the query (an InputError naming the line when it cannot parse it)."""
    try:
        return _algebras(query.text)
    except Exception as exc:  # noqa: BLE001 (rdflib raises several kinds)
        check_syntax(query)  # a syntax error: the InputError naming the line
        raise InputError(f"SPARQL error: {exc}", file=str(query.path)) from None


@functools.lru_cache(maxsize=64)
def _algebras(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text).algebra


def predicates_record(queries: Iterable[QueryFile]) -> dict:
    """{"queries": hash of the query texts, "predicates": sorted predicates_used or None,
    "labels": {name: relabel.label_uses of the query}}."""
    queries = list(queries)
    found = predicates_used(queries)
    if found is not None:  # and what the label columns of the reports read (tables.py)
        found = found | NAME_PREDICATES
    return {"queries": library_digest(queries),
            "predicates": None if found is None else sorted(found),
            "labels": {q.name: label_uses(algebra_of(q)) for q in queries}}


def library_digest(queries: Iterable[QueryFile]) -> str:
    return hashlib.sha256("\0".join(q.text for q in queries).encode()).hexdigest()


def library_predicates(known: Iterable[dict | None], queries: Iterable[QueryFile] | None = None,
                       ) -> tuple[frozenset[str] | None, dict]:
    """predicates_used of the queries (default: the shipped library's reported ones) and its
    record: taken from the first of the `known` records made for the same query texts (the
    previous build's, the one shipped in queries/), else worked out."""
    queries = list(report_queries()[0].values() if queries is None else queries)
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
    """Rewrite queries/predicates.json after a change to the library (tests/query/test_query.py
    checks that it is current)."""
    record = predicates_record(report_queries()[0].values())
    (resource_dir("queries") / PREDICATES_FILE).write_text(
        json.dumps(record, indent=1) + "\n", encoding="utf-8")


def label_uses(algebra) -> dict | None:
    """{"pure": {V: [S, L]}, "sorted": {V: [S, L]}} of a query's rdflib algebra (see
    relabel.py's docstring), or None when it reads skos:prefLabel some other way."""
    from rdflib.paths import NegatedPath, Path as RdfPath
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Literal, URIRef, Variable

    label = URIRef(PREF_LABEL)
    joins: dict[str, set[tuple[str, str]]] = {}
    uses: dict[str, set[str]] = {}  # variable -> "sorted" / "other"
    opaque = []
    bound: dict[int, dict] = {}  # id of a BGP -> the IRIs VALUES binds its variables to

    def label_join(node) -> tuple[str, str, str] | None:
        """(S, V, L) when `node` is LeftJoin(_, BGP[(?S prefLabel ?V)], lang(?V) = "L")."""
        p2, expr = node.get("p2"), node.get("expr")
        if not (isinstance(p2, CompValue) and p2.name == "BGP" and len(p2.triples) == 1):
            return None
        s, p, v = p2.triples[0]
        if not (p == label and isinstance(s, Variable) and isinstance(v, Variable)):
            return None
        if (isinstance(expr, CompValue) and expr.name == "RelationalExpression" and expr.op == "="
                and isinstance(expr.expr, CompValue) and expr.expr.name == "Builtin_LANG"
                and expr.expr.arg == v and isinstance(expr.other, Literal)):
            return str(s), str(v), str(expr.other)
        return None

    def walk(node, context: str, projects: tuple) -> None:
        if isinstance(node, CompValue):
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                # rdflib translates the pattern on attribute access (as in predicates_used)
                walk(node.graph, context, projects)
                return
            if node.name in ("TriplesBlock", "GroupGraphPatternSub"):
                opaque.append("pattern")  # not in algebra form: cannot tell what it reads
                return
            if node.name == "LeftJoin":
                found = label_join(node)
                if found is not None:
                    s, v, lang = found
                    # every subquery that passes ?V on must pass its ?S on too
                    if any(v in pv and s not in pv for pv in projects):
                        opaque.append(v)
                    joins.setdefault(v, set()).add((s, lang))
                    walk(node.p1, context, projects)
                    return
            if node.name == "Project":
                projects = (*projects, {str(x) for x in node.PV})
            if node.name == "Join":  # a BGP joined with VALUES: its predicate variables' IRIs
                for side, other in ((node.p1, node.p2), (node.p2, node.p1)):
                    if isinstance(side, CompValue) and side.name == "BGP":
                        bound[id(side)] = _values_iris(other)
            for key, value in node.items():
                if key.startswith("_") or (key == "PV" and (node.name == "Project"
                                                            or node.name.endswith("Query"))):
                    continue
                if node.name == "BGP" and key == "triples":
                    allowed = bound.get(id(node), {})
                    for _, predicate, _ in value:  # a name read, or perhaps read
                        if isinstance(predicate, Variable) and predicate in allowed:
                            if PREF_LABEL in allowed[predicate]:
                                opaque.append("prefLabel")
                        elif (predicate == label or isinstance(predicate, (Variable, NegatedPath))
                              or isinstance(predicate, RdfPath) and label in str(predicate)):
                            opaque.append("prefLabel")
                walk(value, "sorted" if node.name == "OrderBy" and key == "expr" else context,
                     projects)
        elif isinstance(node, (list, tuple, set)):
            for item in node:
                walk(item, context, projects)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item, context, projects)
        elif isinstance(node, Variable):
            uses.setdefault(str(node), set()).add(context)
        elif isinstance(node, RdfPath) and label in str(node):
            opaque.append("prefLabel")

    walk(algebra, "other", ())
    if opaque:
        return None
    result: dict[str, dict[str, list[str]]] = {"pure": {}, "sorted": {}}
    for v, sources in joins.items():
        if len(sources) != 1 or "other" in uses.get(v, ()):
            return None  # ?V filtered, grouped, bound again … or the name of two things
        kind = "sorted" if uses.get(v) else "pure"
        result[kind][v] = list(next(iter(sources)))
    return result
