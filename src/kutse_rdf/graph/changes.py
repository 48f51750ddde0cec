"""The changes between consecutive versions of each work as RDF, in the named graph
`Uris.changes_graph()` (B/graph/changes; docs/graph-model.md, "History").

For each pair (older, newer) of a work's versions:
- a kutse:VersionChange (`newer#changes-from-KEY`) with kutse:fromVersion / kutse:toVersion (the
  version-specific standards), their version keys, and one kutse:Change per change
  (`newer#change-KEY-N`: kutse:changeKind, kutse:oldResource / kutse:newResource, kutse:oldValue /
  kutse:newValue), the same changes `kutse-rdf diff --format json` lists;
- competence lineage: `new prov:wasRevisionOf old`, qualified by a prov:Revision
  (`new#revision-of-KEY`) with kutse:lineageReason and kutse:titleSimilarity;
- `owl:deprecated true` on the older version's competences, partial qualifications and
  specialisations the newer version removed.
Every IRI comes from Uris: the version-specific ones when Uris mints them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from kutse_rdf.graph.convert import bind_prefixes
from kutse_rdf.graph.ntriples import sorted_lines, sorted_nt
from kutse_rdf.graph.namespaces import KUTSE, OWL, PROV, RDF, RDFS, XSD
from kutse_rdf.graph.uris import Uris
from kutse_rdf.history.diff import Diff, diff
from kutse_rdf.history.lineage import fold
from kutse_rdf.model import Line, Standard
from kutse_rdf.versions import Work, version_key


def changes_graph(works: Iterable[Work], uris: Uris) -> Graph:
    """The changes graph of a register: every consecutive pair of every work's versions."""
    # no contexts needed: rdflib's SimpleMemory adds ~3x faster than Memory (as convert.py)
    graph = Graph(store=SimpleMemory(), identifier=uris.changes_graph())
    bind_prefixes(graph)
    for triple in changes_triples(works, uris):
        graph.add(triple)
    return graph


def changes_nt(works: Iterable[Work], uris: Uris) -> bytes:
    """The changes graph's triples as sorted N-Triples lines (b"" when no work has two
    versions): the form in which the build's dumps and query store take a graph."""
    return sorted_lines(*(pair_nt(older, newer, uris) for work in works
                          for older, newer in zip(work.versions, work.versions[1:])))


def pair_nt(old: Standard, new: Standard, uris: Uris) -> bytes:
    """The changes from `old` to `new` as sorted N-Triples lines. They depend only on the two
    documents (and the base URI), so a build can keep them by the two units' content hashes
    and compute only a new version's pair again. Written without an rdflib graph, whose adds
    would take most of the time."""
    triples: list[tuple] = []
    add_changes(triples, old, new, uris)
    return sorted_nt(triples)


def changes_triples(works: Iterable[Work], uris: Uris) -> list[tuple]:
    triples: list[tuple] = []
    for work in works:
        for older, newer in zip(work.versions, work.versions[1:]):
            add_changes(triples, older, newer, uris)
    return triples


def add_changes(triples: list[tuple], old: Standard, new: Standard, uris: Uris,
                changes: Diff | None = None) -> URIRef:
    """Append the triples of the changes from `old` to `new` (their diff, computed unless
    given); returns the kutse:VersionChange node."""
    return _Writer(triples, old, new, uris, changes or diff(old, new)).write()


class _Writer:
    def __init__(self, triples: list[tuple], old: Standard, new: Standard, uris: Uris, d: Diff):
        self.triples, self.old, self.new, self.u, self.d = triples, old, new, uris, d
        self.old_key, self.new_key = version_key(old), version_key(new)
        self.node = uris.part(uris.standard(new), f"changes-from-{self.old_key}")
        self.count = 0

    def add(self, s, p, o) -> None:
        self.triples.append((s, p, o))

    def change(self, kind: str, old: URIRef | None = None, new: URIRef | None = None,
               old_value: object = None, new_value: object = None) -> URIRef:
        self.count += 1
        item = self.u.part(self.u.standard(self.new), f"change-{self.old_key}-{self.count}")
        self.add(self.node, KUTSE.hasChange, item)
        self.add(item, RDF.type, KUTSE.Change)
        self.add(item, KUTSE.changeKind, Literal(kind))
        self.add(item, KUTSE.order, Literal(self.count))
        for prop, value in ((KUTSE.oldResource, old), (KUTSE.newResource, new)):
            if value is not None:
                self.add(item, prop, value)
        for prop, value in ((KUTSE.oldValue, old_value), (KUTSE.newValue, new_value)):
            if value not in (None, "", []):
                self.add(item, prop, Literal(_text(value)))
        return item

    def write(self) -> URIRef:
        u, old, new, d = self.u, self.old, self.new, self.d
        self.add(self.node, RDF.type, KUTSE.VersionChange)
        self.add(self.node, KUTSE.fromVersion, u.standard(old))
        self.add(self.node, KUTSE.toVersion, u.standard(new))
        self.add(self.node, KUTSE.fromVersionKey, Literal(self.old_key))
        self.add(self.node, KUTSE.toVersionKey, Literal(self.new_key))
        label = f"{new.title}: {self.old_key} → {self.new_key}"
        self.add(self.node, RDFS.label, Literal(label, lang="et"))
        for name, a, b in d.fields:
            item = self.change("field-changed", u.standard(old), u.standard(new), a, b)
            self.add(item, KUTSE.changedField, Literal(name))
        self.lineage()
        for c in d.added:
            self.change("competence-added", new=u.competence(new, c.code), new_value=_named(c))
        for c in d.removed:
            iri = u.competence(old, c.code)
            self.add(iri, OWL.deprecated, Literal(True))
            self.change("competence-removed", old=iri, old_value=_named(c))
        for a in d.ambiguous:
            # the competence on its side; its candidates, with their similarity, as the other value
            options = "; ".join(f"{c.code} {c.title} ({s})" for c, s in a.candidates)
            if a.side == "old":
                self.change("competence-ambiguous", old=u.competence(old, a.competence.code),
                            old_value=_named(a.competence), new_value=options)
            else:
                self.change("competence-ambiguous", new=u.competence(new, a.competence.code),
                            old_value=options, new_value=_named(a.competence))
        for c in d.competences:
            self.competence(c)
        self.requirements()
        return self.node

    def lineage(self) -> None:
        u, old, new, add = self.u, self.old, self.new, self.add
        fragment = f"revision-of-{self.old_key}"
        for m in self.d.lineage.matches:
            before, after = u.competence(old, m.old.code), u.competence(new, m.new.code)
            add(after, _WAS_REVISION_OF, before)
            revision = u.part(after, fragment)
            add(after, _QUALIFIED_REVISION, revision)
            add(revision, RDF.type, _REVISION)
            add(revision, _ENTITY, before)
            add(revision, _REASON, _literal(m.reason))
            add(revision, _SIMILARITY, _decimal(m.similarity))

    def competence(self, c) -> None:
        u, old, new = self.u, self.old, self.new
        before, after = u.competence(old, c.old_code), u.competence(new, c.new_code)
        if c.renamed:
            self.change("competence-renamed", before, after, c.old_title, c.new_title)
        if c.renumbered:
            self.change("competence-renumbered", before, after, c.old_code, c.new_code)
        old_comp, new_comp = old.competence(c.old_code), new.competence(c.new_code)
        for name, texts, mint, old_items, new_items in (
                ("indicator", c.indicators, u.indicator, old_comp.indicators, new_comp.indicators),
                ("knowledge", c.knowledge, u.knowledge, old_comp.knowledge, new_comp.knowledge)):
            for text in texts.added:
                self.change(f"{name}-added", new=mint(new, c.new_code, _at(new_items, text)),
                            new_value=text)
            for text in texts.removed:
                self.change(f"{name}-removed", old=mint(old, c.old_code, _at(old_items, text)),
                            old_value=text)
            for a, b in texts.reworded:
                self.change(f"{name}-reworded", mint(old, c.old_code, _at(old_items, a)),
                            mint(new, c.new_code, _at(new_items, b)), a, b)
        for code in c.ecf_added:
            self.change("ecf-added", before, after, new_value=code)
        for code in c.ecf_removed:
            self.change("ecf-removed", before, after, old_value=code)
        for kind, pair in (("level-changed", c.level), ("group-changed", c.group),
                           ("assessment-changed", c.assessment)):
            if pair:
                self.change(kind, before, after, pair[0], pair[1])

    def holder(self, std: Standard, kind: str, title: str) -> URIRef:
        if kind == "qualification":
            return self.u.qualification(std)
        if kind == "partial":
            return self.u.partial(std, title)
        return self.u.specialisation(std, title)

    def requirements(self) -> None:
        old, new = self.old, self.new
        for r in self.d.requirements:
            old_title = self._old_title(r.kind, r.title)
            before = self.holder(old, r.kind, old_title) if r.status != "added" else None
            after = self.holder(new, r.kind, r.title) if r.status != "removed" else None
            if r.status == "added":
                self.change(f"{r.kind}-added", new=after, new_value=r.title)
            elif r.status == "removed":
                self.add(before, OWL.deprecated, Literal(True))
                self.change(f"{r.kind}-removed", old=before, old_value=r.title)
                continue
            for code in r.gained:
                self.change("requirement-gained", before, after, new_value=code)
            for code in r.lost:
                self.change("requirement-lost", before, after, old_value=code)
            for c in r.choices_added:
                self.change("choice-added", before, after, new_value=c.text())
            for c in r.choices_removed:
                self.change("choice-removed", before, after, old_value=c.text())
            for c in r.choices_changed:
                self.change("choice-changed", before, after, c.old.text(), c.new.text())
            if r.general_skills:
                item = self.change("field-changed", before, after, *r.general_skills)
                self.add(item, KUTSE.changedField, Literal("requires_general_skills"))
            if r.level:
                self.change("level-changed", before, after, *r.level)

    def _old_title(self, kind: str, title: str) -> str:
        """The holder's title as the older version writes it (matched folded)."""
        holders = (self.old.partial_qualifications if kind == "partial"
                   else self.old.specialisations if kind == "specialisation" else [])
        return next((h.title for h in holders if fold(h.title) == fold(title)), title)


# The terms and literals of the lineage, which has a few triples per competence of every pair.
_WAS_REVISION_OF, _QUALIFIED_REVISION = PROV.wasRevisionOf, PROV.qualifiedRevision
_REVISION, _ENTITY = PROV.Revision, PROV.entity
_REASON, _SIMILARITY = KUTSE.lineageReason, KUTSE.titleSimilarity


@lru_cache(maxsize=64)
def _literal(text: str) -> Literal:
    return Literal(text)


@lru_cache(maxsize=4096)
def _decimal(value: float) -> Literal:
    return Literal(str(value), datatype=XSD.decimal)


def _named(c) -> str:
    return f"{c.code} {c.title}"


def _at(items: list[Line], text: str) -> int:
    """The 1-based position of a text in a list (as the IRIs of indicators number them)."""
    wanted = " ".join(text.split())
    return next(n for n, item in enumerate(items, 1) if " ".join(item.text.split()) == wanted)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "/".join(map(str, value))
    return str(value)
