"""Which predicates the named queries can read, so that the build's query store holds only those.

A triple whose predicate no query names cannot change any answer, so the build's reports run on a
store of the triples the queries can read (docs/performance.md), and a rebuild whose changes touch none
of them reuses the previous reports. Working the set out needs rdflib to parse every query, a
noticeable share of a small build, so the set is recorded with a hash of the query texts:
queries/predicates.json for the shipped library, the build cache's record for the last build.
"""
from __future__ import annotations

import hashlib
import json
from typing import Iterable

from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import SKOS
from kutse_rdf.query.named import QueryFile, check_syntax, library
from kutse_rdf.resources import resource_dir

# What the reports' label columns read (tables.label), whatever the queries name.
LABEL_PREDICATES_READ = (str(SKOS.prefLabel), str(SKOS.notation))
PREDICATES_FILE = "predicates.json"  # queries/: predicates_used of the shipped library


def predicates_used(queries: Iterable[QueryFile]) -> frozenset[str] | None:
    """Every IRI the queries use as a predicate (in triple patterns and property paths), or
    None when one of them can match a predicate it does not name (a variable in the predicate
    position, a negated property set). A query rdflib cannot parse is an InputError."""
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
        try:
            algebra = prepareQuery(query.text).algebra
        except Exception as exc:  # noqa: BLE001 (rdflib raises several kinds)
            check_syntax(query)  # a syntax error: the InputError naming the line
            raise InputError(f"SPARQL error: {exc}", file=str(query.path)) from None
        if not walk(algebra):
            return None
    return frozenset(found)


def predicates_record(queries: Iterable[QueryFile]) -> dict:
    """{"queries": hash of the query texts, "predicates": sorted predicates_used or None}."""
    queries = list(queries)
    found = predicates_used(queries)
    if found is not None:  # and what the label columns of the reports read (tables.py)
        found = found | set(LABEL_PREDICATES_READ)
    return {"queries": library_digest(queries),
            "predicates": None if found is None else sorted(found)}


def library_digest(queries: Iterable[QueryFile]) -> str:
    return hashlib.sha256("\0".join(q.text for q in queries).encode()).hexdigest()


def library_predicates(known: Iterable[dict | None], queries: Iterable[QueryFile] | None = None,
                       ) -> tuple[frozenset[str] | None, dict]:
    """predicates_used of the queries (default: the shipped library) and its record: taken from
    the first of the `known` records made for the same query texts (the previous build's, the
    one shipped in queries/), else worked out."""
    queries = list(library().values() if queries is None else queries)
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
    record = predicates_record(library().values())
    (resource_dir("queries") / PREDICATES_FILE).write_text(
        json.dumps(record, indent=1) + "\n", encoding="utf-8")
