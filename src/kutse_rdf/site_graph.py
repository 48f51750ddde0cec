"""Read access to the built graph for the site stage.

The site reads the N-Triples dumps the graph stage wrote (`data/graphs.json` lists them) into an
in-memory Oxigraph store: parsing is done in Rust, and per-resource lookups and serialisation are
fast enough for hundreds of standards (rdflib's Turtle/JSON-LD writers are ~10x slower).

Only the asserted graphs (kind "standard" and "reference") are loaded: a resource's page shows
what the sources say, not the owlrl closure, and the ELM view is its own export.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kutse_rdf.errors import DataError, InputError
from kutse_rdf.namespaces import KUTSE, PROJECT

PAGE_GRAPH_KINDS = ("standard", "reference")

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
LABEL_PROPERTIES = [SKOS + "prefLabel", RDFS + "label", DCT + "title", SCHEMA + "name"]

# Prefixes for the per-resource Turtle files and for showing property names.
PREFIXES = {
    "kutse": str(KUTSE),
    "skos": SKOS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "dct": DCT,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": SCHEMA,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ecf4": PROJECT + "ecf/4.0/",
    "ecf3": PROJECT + "ecf/3.0/",
    "ecfl": PROJECT + "ecf/level/",
    "eqf": "http://data.europa.eu/snb/eqf/",
    "isco": "http://data.europa.eu/esco/isco/",
    "esco": "http://data.europa.eu/esco/model#",
    "elm": "http://data.europa.eu/snb/model/elm/",
}

# External vocabularies the site describes (what the reference graph says about them) get pages
# under a fixed folder; they are not resolved there, their URIs stay with their publishers.
EXTERNAL_FOLDERS = {
    "http://data.europa.eu/esco/": "esco/",
    "http://data.europa.eu/snb/eqf/": "eqf/",
}


@dataclass(frozen=True)
class Value:
    """One object of a statement, ready for a template."""

    text: str
    lang: str | None = None  # language tag of a literal
    iri: str | None = None  # set for IRIs
    datatype: str | None = None


class SiteGraph:
    def __init__(self, base_uri: str):
        self.base_uri = base_uri
        self.store = ox.Store()
        self.graph_files: list[dict] = []
        self._subjects: set[str] | None = None
        self.other_pages: set[str] = set()  # pages made from another SiteGraph (the ELM view)

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def from_build(cls, root: Path, base_uri: str, kinds: tuple[str, ...] = PAGE_GRAPH_KINDS) -> "SiteGraph":
        manifest = root / "data" / "graphs.json"
        if not manifest.is_file():
            raise InputError("no graph to publish: data/graphs.json is missing (graph stage did "
                             "not run)", file=str(manifest))
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError(f"graph manifest is not valid JSON: {exc}", file=str(manifest)) from None
        graph = cls(base_uri)
        graph.graph_files = entries
        for entry in entries:
            if entry.get("kind") not in kinds:
                continue
            file = root / "data" / entry["file"]
            try:
                graph.store.bulk_load(path=str(file), format=ox.RdfFormat.from_extension(file.suffix[1:]),
                                      to_graph=ox.NamedNode(entry["graph"]))
            except (OSError, SyntaxError) as exc:
                raise DataError(f"cannot read graph dump: {exc}", file=str(file)) from None
        return graph

    # -- paths ---------------------------------------------------------------------------------
    def path_of(self, iri: str) -> str | None:
        """Site folder of a resource ("standard/s/competence/B.3.5/"), or None when the site has
        no page for it. Hash IRIs map to their document's folder plus the fragment."""
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
    def href_path(path: str) -> str:
        """A folder path as used inside an href (percent-encoded, fragment kept)."""
        folder, hash_, fragment = path.partition("#")
        return quote(folder) + "index.html" + (hash_ + quote(fragment) if hash_ else "")

    # -- lookups -------------------------------------------------------------------------------
    def subjects(self) -> list[str]:
        """Every IRI that is the subject of an asserted statement, sorted."""
        if self._subjects is None:
            self._subjects = {q.subject.value for q in self.store.quads_for_pattern(None, None, None)
                              if isinstance(q.subject, ox.NamedNode)}
        return sorted(self._subjects)

    def has_page(self, iri: str) -> bool:
        """The site has a page (or, for a hash IRI, a section) for every subject with a path."""
        if self._subjects is None:
            self.subjects()
        return (iri in self._subjects or iri in self.other_pages) and self.path_of(iri) is not None

    def statements(self, iri: str) -> dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]:
        out: dict[str, list] = defaultdict(list)
        seen = set()
        for q in self.store.quads_for_pattern(ox.NamedNode(iri), None, None):
            key = (q.predicate.value, q.object)
            if key not in seen:
                seen.add(key)
                out[q.predicate.value].append(q.object)
        return out

    def objects(self, iri: str, predicate: str) -> list:
        return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(predicate), None)))

    def subjects_of(self, predicate: str | None, iri: str) -> list[str]:
        """Subjects pointing at `iri` (through `predicate`, or any predicate)."""
        pred = ox.NamedNode(predicate) if predicate else None
        return sorted({q.subject.value for q in self.store.quads_for_pattern(None, pred, ox.NamedNode(iri))
                       if isinstance(q.subject, ox.NamedNode)})

    def incoming(self, iri: str) -> list[tuple[str, str]]:
        """(subject, predicate) pairs pointing at `iri`."""
        return sorted({(q.subject.value, q.predicate.value)
                       for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri))
                       if isinstance(q.subject, ox.NamedNode)})

    def types(self, iri: str) -> set[str]:
        return {o.value for o in self.objects(iri, RDF_TYPE.value)}

    def literal(self, iri: str, predicate: str, lang: str | None = None) -> Value | None:
        """One literal of `predicate`, preferring language `lang`, then Estonian, English, any."""
        values = [o for o in self.objects(iri, predicate) if isinstance(o, ox.Literal)]
        if not values:
            return None
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
        notation = self.literal(iri, SKOS + "notation")
        if notation:
            return notation
        return Value(self.curie(iri))

    def notation(self, iri: str) -> str | None:
        value = self.literal(iri, SKOS + "notation")
        return value.text if value else None

    def curie(self, iri: str) -> str:
        best = None
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        if best and "/" not in iri[len(best[1]):]:
            return f"{best[0]}:{iri[len(best[1]):]}"
        return iri

    def value(self, term, lang: str | None = None) -> Value:
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else None
            return Value(term.value, term.language, datatype=datatype)
        if isinstance(term, ox.NamedNode):
            return Value(self.label(term.value, lang).text, self.label(term.value, lang).lang,
                         iri=term.value)
        return Value("[…]")  # a blank node: its statements are shown in the Turtle/JSON-LD files

    # -- the resource's own triples --------------------------------------------------------------
    def cbd(self, iri: str) -> list[ox.Triple]:
        """Concise Bounded Description: the statements about `iri`, following blank nodes."""
        triples: dict[ox.Triple, None] = {}
        todo = [ox.NamedNode(iri)]
        done: set = set()
        while todo:
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            for q in self.store.quads_for_pattern(node, None, None):
                triples[ox.Triple(q.subject, q.predicate, q.object)] = None
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        return list(triples)
