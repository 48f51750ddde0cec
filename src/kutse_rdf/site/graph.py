"""Read access to the built graph for the site stage.

The site reads the N-Triples dumps the graph stage wrote (`data/graphs.json` lists them) into an
in-memory Oxigraph store: parsing is done in Rust, and per-resource lookups and serialisation are
fast enough for hundreds of standards (rdflib's Turtle/JSON-LD writers are ~10x slower).

A resource's page shows what the sources say (the graphs of kind "standard", "shared" and
"reference"), not
the owlrl closure; the ELM view is kept apart and only describes its own nodes (see SiteGraph).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import pyoxigraph as ox

from kutse_rdf.errors import DataError, InputError
from kutse_rdf.graph import namespaces
from kutse_rdf.graph.namespaces import ESCO_ROOT, KUTSE, PROJECT

DISTINCT_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"


class Terms:
    """A vocabulary's terms as plain strings: the site compares them with Oxigraph's values, which
    an rdflib URIRef never equals. A name the vocabulary does not define fails as it does there
    (AttributeError), at import for the module-level ones."""

    def __init__(self, vocabulary):
        self._vocabulary = vocabulary

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        value = str(getattr(self._vocabulary, name))
        setattr(self, name, value)  # found as an attribute from now on
        return value

    def __str__(self) -> str:
        return str(self._vocabulary)


K = Terms(KUTSE)
SKOS = Terms(namespaces.SKOS)
RDF = Terms(namespaces.RDF)
RDFS = Terms(namespaces.RDFS)
DCT = Terms(namespaces.DCTERMS)
SCHEMA = Terms(namespaces.SCHEMA)
ELM = Terms(namespaces.ELM)
RDF_TYPE = ox.NamedNode(RDF.type)
# elm:noteLiteral: the ELM view's notes (a learning outcome's indicators and knowledge) have no
# other name, and a link showing their IRI tells a reader nothing
LABEL_PROPERTIES = [SKOS.prefLabel, RDFS.label, DCT.title, SCHEMA.name, ELM.noteLiteral]

# Prefixes for the per-resource Turtle files and for showing property names.
PREFIXES = namespaces.prefixes("kutse", "skos", "rdf", "rdfs", "dct", "owl", "prov", "schema", "xsd",
                               "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco", "elm")

# External vocabularies the site describes (what the reference graph says about them) get pages
# under a fixed folder; they are not resolved there, their URIs stay with their publishers.
EXTERNAL_FOLDERS = {
    namespaces.ESCO_ROOT: "esco/",
    str(namespaces.EQF): "eqf/",
}


def read_manifest(root: Path) -> list[dict]:
    manifest = root / "data" / "graphs.json"
    if not manifest.is_file():
        raise InputError("no graph to publish: data/graphs.json is missing (graph stage did "
                         "not run)", file=str(manifest))
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"graph manifest is not valid JSON: {exc}", file=str(manifest)) from None


def read_dump(root: Path, entry: dict) -> bytes:
    """One graph of the manifest as N-Triples (the site reads the .nt dumps only)."""
    file = root / "data" / entry["file"]
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read graph dump: {exc.strerror}", file=str(file)) from None
    if file.suffix != ".nt":  # a hand-written fixture in another syntax
        data = ox.serialize(ox.parse(data, format=ox.RdfFormat.from_extension(file.suffix[1:])),
                            format=ox.RdfFormat.N_TRIPLES)
    return data if data.endswith(b"\n") or not data else data + b"\n"


def document_of(iri: str) -> str:
    """The IRI without its fragment: the page a hash IRI is a section of."""
    return iri.partition("#")[0]


@dataclass
class ReadSet:
    """What one page read of the graph (see SiteGraph.reads): the IRIs whose statements it asked
    for (or whether they have a page), the IRIs whose incoming statements it asked for, and the
    documents whose hash IRIs it listed. A graph changed only in statements whose subject, IRI
    object and subject's document are none of these gives the same page (reuse.py)."""

    subjects: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    def update(self, other: "ReadSet") -> None:
        self.subjects |= other.subjects
        self.objects |= other.objects
        self.documents |= other.documents

    def meets(self, other: "ReadSet") -> bool:
        return not (self.subjects.isdisjoint(other.subjects) and self.objects.isdisjoint(other.objects)
                    and self.documents.isdisjoint(other.documents))


class Value(NamedTuple):
    """One object of a statement, ready for a template (a named tuple: see views.Link)."""

    text: str
    lang: str | None = None  # language tag of a literal
    iri: str | None = None  # set for IRIs


class SiteGraph:
    """The asserted graphs (standards and reference) in one Oxigraph store, and the ELM view in
    another. A resource is described by the store that has statements about it: the asserted
    graphs, else the ELM view (its own nodes, such as `…/competence/B.3.5#learning-outcome`). The
    ELM view's statements about resources the asserted graphs describe are not shown: it
    relabels shared concepts (EQF levels) in its own way, and it is published as its own export.
    """

    def __init__(self, base_uri: str):
        self.base_uri = base_uri
        self.store = ox.Store()
        self.elm = ox.Store()
        self._subjects: set[str] | None = None
        self._parts: dict[str, list[str]] | None = None
        self._source: dict[str, ox.Store] = {}
        self._described: dict[str, dict[str, list]] = {}
        self._paths: dict[str, str | None] = {}
        self._curies: dict[str, str] = {}
        self._literals: dict[tuple, Value | None] = {}  # literal()'s answers
        self._esco: dict[str, tuple[bool, frozenset[str]]] = {}  # esco_linked's answers
        # a standard's suggested ESCO mappings, subject -> [(concept, label, confidence)] (esco.py)
        self.suggested: dict[str, list[tuple[str, str, float | None]]] = {}
        # the changes into each version of the standard and its competences' lineage (feed.py)
        self.changes: dict = {}
        self.lineage: dict[str, tuple[str, str]] = {}
        self.other_pages: set[str] = set()  # pages made elsewhere (global pages, for a standard's graph)
        # set while a shared page is rendered: every lookup below notes what it read (a cached
        # answer too), so that the page can be taken over while none of that changes
        self.reads: ReadSet | None = None

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def from_parts(cls, base_uri: str, asserted: list[bytes], elm: list[bytes] | bytes) -> "SiteGraph":
        """A graph of N-Triples texts: the asserted graphs (merged: the site does not tell them
        apart) and the ELM view. Each text is loaded on its own (a register's shared pages read
        ~150 MB of them: joined first, they were held twice while they loaded), unless one names
        a blank node: Oxigraph scopes a blank node's label to one load, so those are joined."""
        graph = cls(base_uri)
        for store, parts in ((graph.store, asserted), (graph.elm, [elm] if isinstance(elm, bytes) else elm)):
            if any(b"_:" in part for part in parts):
                parts = [b"".join(parts)]
            for data in parts:
                if data:
                    # not bulk_load: in memory it needed ~100 MB more per 90 MB of lines.
                    # `lenient`: the lines are Oxigraph's own writing of graphs it checked
                    try:
                        store.load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
                    except SyntaxError as exc:
                        raise DataError(f"cannot read graph dump: {exc}") from None
        return graph

    # -- paths ---------------------------------------------------------------------------------
    def path_of(self, iri: str) -> str | None:
        """Site folder of a resource ("standard/s/competence/B.3.5/"), or None when the site has
        no page for it. Hash IRIs map to their document's folder plus the fragment."""
        if iri not in self._paths:
            self._paths[iri] = self._path_of(iri)
        return self._paths[iri]

    def _path_of(self, iri: str) -> str | None:
        for prefix, folder in [(self.base_uri, ""), (PROJECT, ""), *EXTERNAL_FOLDERS.items()]:
            if iri.startswith(prefix):
                rest = iri[len(prefix):]
                break
        else:
            return None
        rest, _, fragment = rest.partition("#")
        parts = [p for p in rest.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        path = folder + "".join(p + "/" for p in parts)
        return path + ("#" + fragment if fragment else "")

    @staticmethod
    @lru_cache(maxsize=65536)
    def href_path(path: str) -> str:
        """A folder path as used inside an href (percent-encoded, fragment kept). Kept: each
        link of a standard's pages is made once per language, and urllib's quote is slow."""
        folder, hash_, fragment = path.partition("#")
        return quote(folder) + "index.html" + (hash_ + quote(fragment) if hash_ else "")

    # -- lookups -------------------------------------------------------------------------------
    def _subject_set(self) -> set[str]:
        if self._subjects is None:
            # DISTINCT in Oxigraph: one Python object per subject, not per statement
            self._subjects = {row[0].value for store in (self.store, self.elm)
                              for row in store.query(DISTINCT_SUBJECTS)}
        return self._subjects

    def subjects(self) -> list[str]:
        """Every IRI that is the subject of a statement (asserted or ELM view), sorted."""
        return sorted(self._subject_set())

    def parts(self, document: str) -> list[str]:
        """The hash IRIs of a document (`…/competence/B.3.5#indicator-1`), sorted."""
        if self.reads is not None:
            self.reads.documents.add(document)
        if self._parts is None:
            self._parts = defaultdict(list)
            for iri in self.subjects():
                if "#" in iri:
                    self._parts[document_of(iri)].append(iri)
        return self._parts.get(document, [])

    def has_page(self, iri: str) -> bool:
        """The site has a page (or, for a hash IRI, a section of its document's page) for every
        subject with a path."""
        if self.reads is not None:
            self.reads.subjects.add(iri)
        return ((iri in self._subject_set() or iri in self.other_pages) and self.path_of(iri) is not None
                and (not iri.startswith(ESCO_ROOT) or self.esco_linked(iri)))

    def esco_linked(self, iri: str) -> bool:
        """Whether an ESCO concept gets a page: something outside ESCO points at it (a
        standard's ISCO group, a curated mapping), or an ESCO concept that gets one does (its
        ISCO group, the groups above, its scheme). The rest of an imported release (thousands of
        occupations) stays in the data; links to it go to the ESCO portal. What the answer
        depends on (the incoming statements of the concepts it looked at) is noted as read."""
        linked, looked_at = self._esco_answer(iri)
        if self.reads is not None:
            self.reads.objects.update(looked_at)
        return linked

    def _esco_answer(self, iri: str) -> tuple[bool, frozenset[str]]:
        if iri in self._esco:
            return self._esco[iri]
        self._esco[iri] = (False, frozenset((iri,)))  # a cycle of ESCO statements links nothing
        node, looked_at, linked = ox.NamedNode(iri), {iri}, False
        for store in (self.store, self.elm):
            for quad in store.quads_for_pattern(None, None, node):
                subject = quad.subject
                if not isinstance(subject, ox.NamedNode):
                    continue
                if not subject.value.startswith(ESCO_ROOT):
                    linked = True
                    break
                found, seen = self._esco_answer(subject.value)
                looked_at |= seen
                if found:
                    linked = True
                    break
            if linked:
                break
        self._esco[iri] = answer = (linked, frozenset(looked_at))
        return answer

    def _store(self, iri: str) -> ox.Store:
        """The store that describes `iri`: the asserted graphs when they say anything about it."""
        self.statements(iri)
        return self._source[iri]

    def statements(self, iri: str) -> dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """The statements about `iri` by predicate, from the store that describes it. Asked once
        per IRI: pages ask for the same labels, types and links again and again."""
        if self.reads is not None:
            self.reads.subjects.add(iri)
        described = self._described.get(iri)
        if described is None:
            node = ox.NamedNode(iri)
            described = {}
            for store in (self.store, self.elm):
                for q in store.quads_for_pattern(node, None, None):  # a store holds each triple once
                    described.setdefault(q.predicate.value, []).append(q.object)
                if described:
                    break
            self._source[iri] = store
            self._described[iri] = described
        return described

    def objects(self, iri: str, predicate: str) -> list:
        """The objects of `predicate` (a list the caller must not change)."""
        return self.statements(iri).get(predicate, [])

    def subjects_of(self, predicate: str | None, iri: str) -> list[str]:
        """Subjects pointing at `iri` (through `predicate`, or any predicate)."""
        if self.reads is not None:
            self.reads.objects.add(iri)
        pred = ox.NamedNode(predicate) if predicate else None
        return sorted({q.subject.value for q in self._store(iri).quads_for_pattern(None, pred, ox.NamedNode(iri))
                       if isinstance(q.subject, ox.NamedNode)})

    def incoming(self, iri: str) -> list[tuple[str, str]]:
        """(subject, predicate) pairs pointing at `iri`, from the store that describes it."""
        if self.reads is not None:
            self.reads.objects.add(iri)
        return sorted({(q.subject.value, q.predicate.value)
                       for q in self._store(iri).quads_for_pattern(None, None, ox.NamedNode(iri))
                       if isinstance(q.subject, ox.NamedNode)})

    def types(self, iri: str) -> set[str]:
        return {o.value for o in self.objects(iri, RDF_TYPE.value)}

    def literal(self, iri: str, predicate: str, lang: str | None = None) -> Value | None:
        """One literal of `predicate`, preferring language `lang`, then Estonian, English, any.
        Kept once worked out: a standard's pages ask ~7,000 times for ~4,300 answers (codes and
        source order of the same links, again for each page and language)."""
        key = (iri, predicate, lang)
        if key in self._literals:
            if self.reads is not None:
                self.reads.subjects.add(iri)  # as statements() notes it
            return self._literals[key]
        value = self._literals[key] = self._literal(iri, predicate, lang)
        return value

    def _literal(self, iri: str, predicate: str, lang: str | None) -> Value | None:
        values = [o for o in self.objects(iri, predicate) if isinstance(o, ox.Literal)]
        if not values:
            return None
        if len(values) == 1:  # most are (a pyoxigraph attribute read costs as much as a dict lookup)
            return Value(values[0].value, values[0].language)
        order = [lang, "et", "en", None, ""]

        def rank(lit: ox.Literal) -> int:
            tag = lit.language
            return order.index(tag) if tag in order else len(order)

        best = min(values, key=lambda lit: (rank(lit), lit.value))
        return Value(best.value, best.language)

    def label(self, iri: str, lang: str | None = None) -> Value:
        for predicate in LABEL_PROPERTIES:
            value = self.literal(iri, predicate, lang)
            if value:
                return value
        notation = self.literal(iri, SKOS.notation)
        if notation:
            return notation
        return Value(self.curie(iri))

    def notation(self, iri: str) -> str | None:
        value = self.literal(iri, SKOS.notation)
        return value.text if value else None

    def curie(self, iri: str) -> str:
        if iri not in self._curies:
            self._curies[iri] = self._curie(iri)
        return self._curies[iri]

    def _curie(self, iri: str) -> str:
        best = None
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        if best and "/" not in iri[len(best[1]):]:
            return f"{best[0]}:{iri[len(best[1]):]}"
        return iri

    def value(self, term, lang: str | None = None) -> Value:
        if isinstance(term, ox.Literal):
            return Value(term.value, term.language)
        if isinstance(term, ox.NamedNode):
            label = self.label(term.value, lang)
            return Value(label.text, label.lang, iri=term.value)
        return Value("[…]")  # a blank node: its statements are shown in the Turtle/JSON-LD files

    # -- the resource's own triples --------------------------------------------------------------
    def cbd(self, iri: str) -> list[ox.Triple]:
        """Concise Bounded Description: the statements about `iri`, following blank nodes."""
        store = self._store(iri)
        triples: dict[ox.Triple, None] = {}
        todo = [ox.NamedNode(iri)]
        done: set = set()
        while todo:
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            for q in store.quads_for_pattern(node, None, None):
                triples[q.triple] = None
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        return list(triples)

    def description(self, document: str) -> list[ox.Triple]:
        """What a page's index.ttl / index.jsonld hold: the CBD of the document and of each of
        its hash IRIs (the parts shown on the page)."""
        triples = dict.fromkeys(self.cbd(document))
        for part in self.parts(document):
            triples.update(dict.fromkeys(self.cbd(part)))
        return list(triples)
