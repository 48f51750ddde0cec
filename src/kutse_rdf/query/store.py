"""The Oxigraph stores queries run on, and how they are loaded.

A store holds every named graph as built (standards, reference, inferred) and, in its default
graph, their merged union as a set, so that a query without GRAPH sees each triple once
(Oxigraph's own union-default-graph option would repeat a triple stated in two graphs).

A query that names no graph (no GRAPH, no FROM) reads only the default graph, so for a build's
dump it runs on a store of the union alone (BuildData): such a store loads faster and answers
faster, because Oxigraph's in-memory store walks a term's quads in every graph on each lookup.
Timings: docs/benchmarks.md.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import KUTSE, RDF

RDF_TYPE = str(RDF.type)
DATA_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


def store_from_dataset(dataset: Any) -> ox.Store:
    """An Oxigraph store holding an rdflib Dataset's graphs (N-Quads is the fast road across)."""
    store = ox.Store()
    data = dataset.serialize(format="nquads", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    _merge_into_default(store)
    return store


def store_from_file(path: Path) -> ox.Store:
    """An Oxigraph store from a dump of the build (data/all.trig, .nq, .ttl or .nt)."""
    fmt = check_data_file(path)
    store = ox.Store()
    # A build's all.trig has its union beside it in all.nt, each triple once (engine/dumps.py):
    # loading that as the default graph is done in Rust, faster than merging the graphs here.
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


def check_data_file(path: Path) -> ox.RdfFormat:
    """The RDF format of a data file by its suffix; an unknown suffix or a missing file is an
    InputError."""
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
    """A data file for `query --data` and `serve`, as the store each query needs.

    For a build's all.trig with all.nt (their union, each triple once) beside it, a query that
    names no graph runs on a store of all.nt alone; the named graphs' copies of the union would
    only make each of Oxigraph's lookups longer. The store with the named graphs
    (store_from_file) is loaded when a query first needs it (GRAPH, FROM, a protocol dataset).
    Any other file is one store for every query."""

    def __init__(self, path: Path):
        check_data_file(path)
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
