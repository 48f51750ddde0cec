"""The Oxigraph stores queries run on, and how they are loaded.

A store holds every named graph as built (each version of each standard, each work's graph,
reference, inferred) and, in its default graph, the merged union as a set of what queries
answer for: the current valid version of each work with the works' graphs, the changes graph
and the reference (a build's data/current.nt; `select_versions` for another day or version), so that a query
without GRAPH sees each triple once (Oxigraph's own union-default-graph option would repeat a
triple stated in two graphs, and would mix the versions).

A query that names no graph (no GRAPH, no FROM) reads only the default graph, so for a build's
dump it runs on a store of the union alone (BuildData): such a store loads faster and answers
faster, because Oxigraph's in-memory store walks a term's quads in every graph on each lookup.
Timings: docs/benchmarks.md.
"""
from __future__ import annotations

import re
import threading
from datetime import date
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
    # A build's all.trig has its default graph beside it in current.nt (all.nt before
    # versions), each triple once (engine/dumps.py): loading that as the default graph is done
    # in Rust, faster than merging the graphs here.
    union = default_dump(path)
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
        self.union_path = default_dump(path)
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


def default_dump(path: Path) -> Path | None:
    """The dump beside a build's all.trig that is its default graph: current.nt (the current
    versions), else all.nt (a build made before versions); None for another file."""
    if path.name != "all.trig":
        return None
    for name in ("current.nt", "all.nt"):
        if path.with_name(name).is_file():
            return path.with_name(name)
    return None


def parse_day(text: str) -> date:
    """A --as-of day, YYYY-MM-DD (InputError otherwise)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a day (YYYY-MM-DD)") from None


def parse_versions(items: list[str]) -> dict[str, str]:
    """--version SLUG=KEY options as {slug: key}."""
    chosen = {}
    for item in items:
        slug, sep, key = item.partition("=")
        if not sep or not slug.strip() or not key.strip():
            raise InputError(f"--version: {item!r} is not SLUG=KEY (e.g. it-juht-tase-7=6)")
        chosen[slug.strip()] = key.strip()
    return chosen


def select_versions(path: Path, on: date | None, chosen: dict[str, str],
                    base_uri: str | None = None) -> ox.Store:
    """A store of a build's all.trig whose default graph is one version of each work — the one
    current on the day `on` (versions.current_version), or the one `chosen` names (SLUG ->
    version key) — with the works' graphs, the changes graph, the reference and the inferences
    about them (those about the other versions left out); the named graphs as built. Read from data/graphs.json
    beside it."""
    import json

    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.model import Standard
    from kutse_rdf.versions import current_version

    check_data_file(path)
    try:
        manifest = json.loads(path.with_name("graphs.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--as-of and --version need the build's graphs.json: {exc}",
                         file=str(path.with_name("graphs.json"))) from None
    versions: dict[str, dict[str, dict]] = {}
    for entry in manifest:
        if entry.get("kind") == "standard" and entry.get("work") and entry.get("version"):
            versions.setdefault(entry["work"], {})[entry["version"]] = entry
    picked: dict[str, dict] = {}
    for work, entries in versions.items():
        key = chosen.get(work)
        if key is not None and key not in entries:
            raise InputError(f"--version: {work} has no version {key!r} "
                             f"(it has {', '.join(sorted(entries))})")
        if key is None:
            models = {k: Standard(source_file=e.get("file", ""), title=work, level=None,
                                  version=None if k == "draft" else k,
                                  decision_date=e.get("valid_from"),
                                  valid_until=e.get("valid_through"))
                      for k, e in entries.items()}
            from kutse_rdf.versions import _order

            ordered = [models[k] for k in sorted(models, key=_order)]
            std = current_version(ordered, on or date.today())
            key = next(k for k, m in models.items() if m is std)
        picked[work] = entries[key]
    unknown = sorted(set(chosen) - set(versions))
    if unknown:
        raise InputError(f"--version: no standard {unknown[0]!r} in this build")
    folder = path.parent
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
        # the shared graph describes the councils and organisations of every version: those
        # of versions not picked are then described but named by nothing in the default graph
        wanted = [e for e in manifest if e.get("kind") in ("work", "changes", "shared", "reference")
                  ] + list(picked.values())
        for entry in wanted:
            store.bulk_load(path=str(folder / entry["file"]), format=ox.RdfFormat.N_TRIPLES)
        uris = Uris(base_uri or _base_of(manifest))
        chosen_graphs = {e["graph"] for e in picked.values()}
        inferred = [e for e in manifest if e.get("kind") == "inferred"]
        lines = []
        for entry in inferred:
            for line in (folder / entry["file"]).read_bytes().splitlines(keepends=True):
                subject = line[1:line.find(b">")].decode("utf-8", "replace").partition("#")[0]
                version = uris.version_of(subject)
                if version is None or (str(uris.work_graph(version[0])) + "/version/"
                                       + version[1]) in chosen_graphs:
                    lines.append(line)
        store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot read data: {exc}", file=str(path)) from None
    return store


def _base_of(manifest: list[dict]) -> str:
    """The base URI of a build, from its reference graph's name (`B graph/reference`)."""
    for entry in manifest:
        if entry.get("kind") == "reference":
            return str(entry["graph"]).removesuffix("graph/reference")
    return ""


def _merge_into_default(store: ox.Store) -> None:
    graph = ox.DefaultGraph()
    store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, graph) for q in store
                       if not isinstance(q.graph_name, ox.DefaultGraph)])


def standards_in(store: ox.Store) -> list[str]:
    """IRIs of the occupational standards in the store, sorted."""
    found = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                    ox.NamedNode(str(KUTSE.OccupationalStandard)), ox.DefaultGraph())
    return sorted({q.subject.value for q in found})
