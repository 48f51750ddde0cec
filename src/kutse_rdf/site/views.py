"""View models of the site's resource pages: plain dataclasses built from the graph.

Templates get these objects only, never the graph. One `Views` object per interface language,
since labels are picked by language (an e-CF title exists in English only, a competence title in
Estonian only; each keeps its own language tag for the template's `lang` attribute).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox

from kutse_rdf.graph import namespaces
from kutse_rdf.graph.namespaces import ECF3, ECF4, ECF_SCHEMES, ESCO, ESCO_ROOT, GROUP_TERMS
from kutse_rdf.model import GROUPS
from kutse_rdf.site.esco import portal_url
from kutse_rdf.site.graph import DCT, RDF, RDFS, SKOS, K, SiteGraph, Terms, Value
from kutse_rdf.versions import _order as version_order

DCAT = Terms(namespaces.DCAT)
SCHEMA = Terms(namespaces.SCHEMA)

# the curated links to ESCO: the SKOS mapping properties, and kutse:qualifiesFor from a
# qualification to the occupation it qualifies for (not a SKOS match: docs/graph-model.md)
MATCH_PROPERTIES = [K.qualifiesFor, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                    SKOS.relatedMatch]
INCOMING_LIMIT = 100  # hub resources (an EQF level, a competence group) are cited thousands of times
GROUP_NAMES = {str(term): name for name, term in GROUP_TERMS.items()}  # i18n group_NAME by term
E = Terms(ESCO)
ECF_VERSIONS = (str(ECF4), str(ECF3))  # the e-CF versions' concepts (their crosswalk)


class Link(NamedTuple):
    """A link to a resource, ready for a template. A named tuple, not a frozen dataclass: a
    standard's pages make, hash and compare tens of thousands, and a tuple does that in C."""

    text: str
    lang: str | None = None
    path: str | None = None  # site folder; None when the site has no page for it
    iri: str | None = None
    notation: str | None = None
    href: str | None = None  # `path` as an href from the tree's root (…/index.html)

    @property
    def fragment(self) -> str:
        """The id of a hash IRI's section on its document's page ("indicator-1")."""
        return (self.iri or "").partition("#")[2]


@dataclass
class Statement:
    property: Link
    values: list  # Value or Link
    curie: str = ""  # the property's CURIE, shown as a hint beside its plain-language label


@dataclass
class Page:
    """What every resource page shows (kinds.make_page); `kind` names its template."""

    iri: str
    path: str
    kind: str
    title: Value
    notation: str | None = None
    statements: list[Statement] = field(default_factory=list)
    incoming: list[tuple[Link, Link]] = field(default_factory=list)  # (subject, property)
    incoming_more: int = 0
    data: dict = field(default_factory=dict)  # kind-specific parts
    parts: list[dict] = field(default_factory=list)  # hash IRIs the kind's template does not show


@lru_cache(maxsize=65536)
def code_key(text: str | None) -> tuple:
    """Sort key of a notation: "B.3.10" after "B.3.9"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", text or ""))


@lru_cache(maxsize=65536)
def natural_key(text: str | None) -> tuple:
    """Sort key of a name or IRI with numbers in it: "… 2" before "… 10", "B.3.2" before "B.3.10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in re.split(r"(\d+)", text or "") if p)


class Views:
    def __init__(self, graph: SiteGraph, lang: str):
        self.g = graph
        self.lang = lang
        # labels and links are asked for again and again (every page links its standard, levels,
        # groups): cache them per language
        self._cached_label = lru_cache(maxsize=None)(self._label)
        self._cached_link = lru_cache(maxsize=None)(self._link)
        # the IRIs besides its own whose statements gave a label (a standard's English name is
        # its qualification's): noted as read on every cached answer too
        self._label_sources: dict[str, tuple[str, ...]] = {}

    # both depend on the IRI's statements alone: a cached answer is noted as a read of them (see
    # SiteGraph.reads), as the lookup it saves would have been
    def label(self, iri: str) -> Value:
        label = self._cached_label(iri)
        if self.g.reads is not None:
            self.g.reads.subjects.add(iri)
            self.g.reads.subjects.update(self._label_sources.get(iri, ()))
        return label

    def link(self, iri: str) -> Link:
        link = self._cached_link(iri)
        if self.g.reads is not None:
            self.g.reads.subjects.add(iri)
            self.g.reads.subjects.update(self._label_sources.get(iri, ()))
        return link

    def _label(self, iri: str) -> Value:
        label = self.g.label(iri, self.lang)
        if label.lang and label.lang != self.lang:
            named = self.standard_name(iri)
            if named is not None:
                return named
        if label.text == iri and "://" in iri:
            # no label, code or prefix (an ESCO concept scheme): a name from the IRI's last part
            # rather than the IRI as a heading
            name = iri.rstrip("/#").rpartition("/")[2].rpartition("#")[2].replace("-", " ")
            return Value(f"ESCO: {name}" if iri.startswith(ESCO_ROOT) else name)
        return label

    def standard_name(self, iri: str) -> Value | None:
        """A standard's name in the page's language where the document gives one: the name of
        the qualification it describes (C.2 "Kutse nimetus võõrkeeles", the qualification's
        skos:prefLabel@en; docs/graph-model.md). None for anything else, or without that name."""
        quals = self.iris(iri, K.describesQualification)
        if not quals:
            return None
        name = self.g.label(quals[0], self.lang)
        self._label_sources[iri] = (quals[0],)
        return name if name.lang == self.lang else None

    def _link(self, iri: str) -> Link:
        label = self.label(iri)
        path = self.g.path_of(iri) if self.g.has_page(iri) else None
        return Link(label.text, label.lang, path, iri, self.g.notation(iri),
                    SiteGraph.href_path(path) if path is not None else None)

    def value(self, term) -> Value | Link:
        if isinstance(term, ox.NamedNode):
            return self.link(term.value)
        return self.g.value(term, self.lang)

    def links(self, iris) -> list[Link]:
        return sorted((self.link(i) for i in iris), key=lambda l: (code_key(l.notation), natural_key(l.text)))

    def iris(self, iri: str, predicate: str) -> list[str]:
        return [o.value for o in self.g.objects(iri, predicate) if isinstance(o, ox.NamedNode)]

    def ordered(self, iris: list[str]) -> list[str]:
        def key(i: str):
            order = self.g.literal(i, K.order)
            return (int(order.text) if order and order.text.isdigit() else 10**9, code_key(self.g.notation(i)), i)

        return sorted(iris, key=key)

    def source_key(self, value) -> tuple:
        """Sort key of a statement's values in source order: the document's numbering (k:order),
        then the code ("B.3.2" before "B.3.10"), then a hash IRI's fragment ("indicator-2" before
        "indicator-10"), then the text."""
        iri = getattr(value, "iri", None)
        order = self.g.literal(iri, K.order) if iri else None
        return (int(order.text) if order and order.text.isdigit() else 10**9,
                code_key(getattr(value, "notation", None)), code_key(iri.partition("#")[2] if iri else ""),
                natural_key(value.text))

    def statements(self, iri: str) -> list[Statement]:
        """The linked-data section's rows: every property (by CURIE) with its values in source order."""
        return [Statement(self.link(p), self.in_source_order([self.value(o) for o in objs]), self.g.curie(p))
                for p, objs in sorted(self.g.statements(iri).items(), key=lambda kv: self.g.curie(kv[0]))]

    def in_source_order(self, values: list) -> list:
        return sorted(values, key=self.source_key) if len(values) > 1 else values

    def text(self, iri: str, predicate: str) -> Value | None:
        return self.g.literal(iri, predicate, self.lang)

    # -- kind-specific parts (each page kind's view builder, see kinds.py) ------------------------
    def standard_of(self, iri: str) -> str | None:
        schemes = self.iris(iri, SKOS.inScheme)
        return schemes[0] if schemes else None

    def data_standard(self, iri: str) -> dict:
        """The standard's overview: a summary (job description A.1, levels, ISCO, counts,
        partial qualifications, validity), its competences with their indicators, general skills,
        the other sections and the authors. Work parts are not listed: they repeat the
        competences' names (A.2.n is B.3.n); they stay sections of the linked-data part."""
        comps = self.ordered(self.g.subjects_of(SKOS.inScheme, iri))
        comps = [c for c in comps if K.Competence in self.g.types(c)]
        groups: dict[str, list] = {}
        for comp in comps:
            group = self.iris(comp, K.competenceGroup)
            name = GROUP_NAMES.get(group[0], "other") if group else "other"
            groups.setdefault(name, []).append(self.competence_row(comp, indicators=True))
        quals = self.iris(iri, K.describesQualification)
        qual = quals[0] if quals else None
        skills: dict[str, list] = {}
        shown = {o for p in (K.hasGeneralSkill, K.hasSection, K.hasAuthor)
                 for o in self.iris(iri, p) if "#" in o}
        for skill in self.ordered(self.iris(iri, K.hasGeneralSkill)):
            group = self.text(skill, K.skillGroup)
            skills.setdefault(group.text if group else "", []).append(
                (self.link(skill), group.lang if group else None))
        sections = [{"link": self.link(s), "title": self.text(s, DCT.title), "text": self.text(s, RDF.value),
                     "code": self.g.notation(s)}
                    for s in self.ordered(self.iris(iri, K.hasSection))]
        job = next((s for s in sections if s["code"] == "A.1"), None)
        levels = self.iris(qual, K.hasLevel) if qual else []
        return {
            "qualification": self.link(qual) if qual else None,
            "partials": self.links(self.iris(qual, K.hasPartialQualification)) if qual else [],
            "specialisations": self.links(self.iris(qual, K.hasSpecialisation)) if qual else [],
            "groups": [(name, rows) for name, rows in sorted(groups.items(),
                                                            key=lambda kv: (GROUPS + ("other",)).index(kv[0]))],
            "competence_count": len(comps),
            "general_skills": list(skills.items()),
            "job": job,
            # its own name (Estonian): the page's title is the English one where the document gives it
            "document_name": self.g.label(iri, self.lang),
            "sections": [s for s in sections if s is not job],
            "authors": [{"name": self.label(a), "link": self.link(a),
                         "organisations": self.links(self.iris(a, SCHEMA.affiliation))}
                        for a in self.iris(iri, K.hasAuthor)],
            "council": self.links(self.iris(iri, K.approvedBy)),
            "level": self.text(qual, K.estqfLevel) if qual else None,
            "eqf": self.links(levels),
            "isco_code": self.text(qual, K.iscoCode) if qual else None,
            "isco_label": self.text(qual, K.iscoLabel) if qual else None,
            "isco": self.links(self.iris(qual, K.iscoGroup)) if qual else [],
            "valid_until": self.text(iri, K.validUntil),
            "version": self.text(iri, K.standardVersion),
            "register_code": self.text(iri, K.registerCode),
            "coverage_path": "coverage/" + self.g.path_of(iri),
            "versions": self.versions(iri),
            "changes": self.changes_into(iri),
            "shown": shown,
        }

    def changes_into(self, iri: str) -> dict | None:
        """What changed from the version before to the version `iri` (the changes graph): the
        older version's key and, by kind in the order they first come, each change's old and
        new words and its resource's link where this version has a page for it."""
        found = self.g.changes.get(iri)
        if found is None:
            return None
        kinds: dict[str, list[dict]] = {}
        for item in found.items:
            new = item.get("newResource")
            kinds.setdefault(item.get("changeKind", ""), []).append({
                "field": item.get("changedField"), "old": item.get("oldValue"),
                "new": item.get("newValue"),
                "link": self.link(new) if new and self.g.has_page(new) and new != iri else None})
        return {"older": found.older_key,
                "kinds": [{"kind": kind, "changes": items} for kind, items in kinds.items()]}

    def versions(self, iri: str) -> list[dict]:
        """The versions of the standard whose version `iri` is, newest first: each one's link,
        version key, validity, status on the build's day, whether it is the current one and
        whether it is this one (from the work's graph, site/writer.py)."""
        works = self.iris(iri, DCT.isVersionOf)
        if not works:
            return []
        current = set(self.iris(works[0], DCAT.hasCurrentVersion))
        rows = []
        for version in self.iris(works[0], DCAT.hasVersion):
            key = self.text(version, DCAT.version)
            if key is None:
                continue
            status = self.text(version, SCHEMA.creativeWorkStatus)
            rows.append({"link": self.link(version), "key": key.text,
                         "valid_from": self.text(version, K.decisionDate),
                         "valid_through": self.text(version, K.validUntil),
                         "status": status.text if status else None,
                         "current": version in current, "this": version == iri})
        return sorted(rows, key=lambda r: version_order(r["key"]), reverse=True)

    def standard_card(self, iri: str) -> dict:
        """The home page's card of a standard, as plain data (a worker hands it back): its name
        in the page's language where the document gives one (the qualification's English name),
        level, field (the approving council), counts and validity."""
        quals = self.iris(iri, K.describesQualification)
        qual = quals[0] if quals else None
        name = self.label(qual) if qual else None
        if not (name and name.lang == self.lang):
            name = None
        comps = [c for c in self.g.subjects_of(SKOS.inScheme, iri) if K.Competence in self.g.types(c)]
        level = self.text(qual, K.estqfLevel) if qual else None
        valid = self.text(iri, K.validUntil)
        return {"name": name.text if name else None,
                "level": level.text if level else None,
                "field": [l.text for l in self.links(self.iris(iri, K.approvedBy))],
                "competences": len(comps),
                "partials": len(self.iris(qual, K.hasPartialQualification)) if qual else 0,
                "valid_until": valid.text if valid else None}

    def competence_row(self, comp: str, indicators: bool = False) -> dict:
        row = {"link": self.link(comp), "ecf": self.links(self.iris(comp, K.citesEcf))}
        if indicators:  # their texts, in their numbered order (they are sections of the competence's page)
            row["indicators"] = [self.label(i) for i in self.ordered(self.iris(comp, K.hasIndicator))]
        return row

    def data_qualification(self, iri: str) -> dict:
        required = self.iris(iri, K.requiresCompetence)
        parents = (self.iris(iri, K.isPartialQualificationOf) + self.iris(iri, K.isSpecialisationOf)
                   or self.iris(iri, SKOS.broader))
        return {
            "standard": self.link(self.standard_of(iri)) if self.standard_of(iri) else None,
            "parent": self.links(parents),
            "level": self.text(iri, K.estqfLevel),
            "competences": [self.competence_row(c) for c in self.ordered(required)],
            # B.1 choice groups: "choose at least N of ..."
            "choices": [{"minimum": self.text(c, K.minimum),
                         "specialisation": K.specialisationGroup in self.iris(c, K.choiceKind),
                         "competences": [self.competence_row(o)
                                         for o in self.ordered(self.iris(c, K.option))]}
                        for c in self.iris(iri, K.hasCompetenceChoice)],
            "general_skills": bool(self.iris(iri, K.requiresGeneralSkill)),
            "partials": self.links(self.iris(iri, K.hasPartialQualification)),
            "specialisations": self.links(self.iris(iri, K.hasSpecialisation)),
            "name_on_certificate": self.text(iri, K.nameOnCertificate),
            "esco": self.esco_links(iri),
        }

    def ecf_row(self, ecf: str, eqf_level: str | None) -> dict:
        levels = self.ordered(self.iris(ecf, K.proficiencyLevel))
        eqf_of_levels = {e for lvl in levels for e in self.iris(lvl, K.correspondingEqfLevel)}
        return {
            "link": self.link(ecf),
            "levels": self.links(levels),
            # the level-consistency check of docs/graph-model.md; None when it cannot be told
            "consistent": (eqf_level in eqf_of_levels) if (eqf_level and levels) else None,
        }

    def data_competence(self, iri: str) -> dict:
        levels = self.iris(iri, K.hasLevel)
        eqf_level = levels[0] if levels else None
        required_by = self.g.subjects_of(K.requiresCompetence, iri)
        return {
            "standard": self.link(self.standard_of(iri)) if self.standard_of(iri) else None,
            "group": self.links(self.iris(iri, K.competenceGroup)),
            "level": self.text(iri, K.estqfLevel),
            "ecf": [self.ecf_row(e, eqf_level) for e in
                    sorted(self.iris(iri, K.citesEcf), key=lambda e: code_key(self.g.notation(e)))],
            "indicators": [self.link(i) for i in self.ordered(self.iris(iri, K.hasIndicator))],
            "knowledge": [self.link(i) for i in self.ordered(self.iris(iri, K.hasKnowledge))],
            "assessment": self.text(iri, K.assessment),
            "required_by": self.links(required_by),
            "esco": self.esco_links(iri),
            "source_file": self.text(iri, K.sourceFile),
            "source_line": self.text(iri, K.sourceLine),
            "shown": {o for p in (K.hasIndicator, K.hasKnowledge) for o in self.iris(iri, p) if "#" in o},
            "timeline": self.timeline(iri),
        }

    def timeline(self, iri: str) -> list[dict]:
        """The versions a competence is in, oldest first, following its lineage (the changes
        graph's prov:wasRevisionOf, across renumbering and renaming): each one's version key,
        code, link, why it is the same competence as the one before, whether it is this one.
        Empty for a competence of one version."""
        lineage = self.g.lineage
        after = {old: new for new, (old, _) in lineage.items()}
        chain = [iri]
        while chain[0] in lineage and lineage[chain[0]][0] not in chain:
            chain.insert(0, lineage[chain[0]][0])
        while chain[-1] in after and after[chain[-1]] not in chain:
            chain.append(after[chain[-1]])
        if len(chain) < 2:
            return []
        rows = []
        for comp in chain:
            key = comp.partition("/version/")[2].partition("/")[0]
            code = comp.rpartition("/competence/")[2]
            path = self.g.path_of(comp)
            rows.append({"key": key, "this": comp == iri, "reason": lineage.get(comp, ("", ""))[1],
                         "link": Link(code, None, path, comp, code,
                                      SiteGraph.href_path(path) if path is not None else None)})
        return rows

    def esco_links(self, iri: str) -> dict:
        """A qualification's or competence's ESCO links, curated apart from suggested: curated
        are its skos:*Match statements to ESCO (only mappings/*.sssom.tsv makes them), each with
        its relation; suggested are the ESCO occupations of its ISCO group and the rows of the
        build's suggestions report (SiteGraph.suggested) that it has no curated link to, never
        statements of the graph."""
        # the curated mappings and suggestions name the version-independent resource (its
        # current version, docs/graph-model.md "Versions")
        sources = (iri, *self.iris(iri, DCT.isVersionOf))
        curated = sorted({(self.link(o), self.g.curie(p)) for s in sources for p in MATCH_PROPERTIES
                          for o in self.iris(s, p) if o.startswith(ESCO_ROOT)},
                         key=lambda row: (code_key(row[0].notation), natural_key(row[0].text), row[1]))
        named = {link.iri for link, _ in curated}
        members = {m for group in self.iris(iri, K.iscoGroup)
                   for m in self.g.subjects_of(E.memberOfISCOGroup, group)} - named
        suggested = [{"link": link, "confidence": None} for link in self.links(members)]
        for concept, label, confidence in [row for s in sources  # best first
                                           for row in self.g.suggested.get(s, [])]:
            if concept not in named and concept not in members:
                link = self.link(concept)
                if link.path is None and label:  # a skill of the release the graph does not hold
                    link = Link(label, "et", None, concept)
                suggested.append({"link": link, "confidence": confidence})
        return {"curated": [{"link": link, "relation": relation} for link, relation in curated],
                "suggested": suggested}

    def data_esco(self, iri: str) -> dict:
        """An ESCO concept the standards link to: its page on the ESCO portal, its ISCO group and
        broader group, the curated links to it (which resource, which relation), and for an ISCO
        group the qualifications in it and its occupations (suggested for those, not curated)."""
        curated = sorted(((self.link(s), self.g.curie(p)) for s, p in self.curated_to(iri)),
                         key=lambda row: (code_key(row[0].notation), natural_key(row[0].text), row[1]))
        members = self.g.subjects_of(E.memberOfISCOGroup, iri)
        mapped = {m for m in members if self.curated_to(m)}
        return {
            "portal": portal_url(iri, self.lang),
            "group": self.links(self.iris(iri, E.memberOfISCOGroup) + self.iris(iri, SKOS.broader)),
            "curated": [{"link": link, "relation": relation} for link, relation in curated],
            "qualifications": self.links(self.g.subjects_of(K.iscoGroup, iri)),
            "mapped_occupations": self.links(mapped),
            "occupations": self.links(m for m in members if m not in mapped),
        }

    def curated_to(self, iri: str) -> list[tuple[str, str]]:
        """(subject, relation) of the curated links to an ESCO concept from outside ESCO."""
        return [(s, p) for p in MATCH_PROPERTIES for s in self.g.subjects_of(p, iri)
                if not s.startswith(ESCO_ROOT)]

    def data_ecf(self, iri: str) -> dict:
        """An e-CF competence: what it is (framework, area, levels with their EQF levels, the same
        competence in the other version), where the framework is published, and who cites it."""
        citing = self.g.subjects_of(K.citesEcf, iri)
        comps = [c for c in citing if K.Competence in self.g.types(c)]
        work_parts = [c for c in citing if c not in comps]
        by_standard: dict[str, list] = {}
        for comp in comps:
            by_standard.setdefault(self.standard_of(comp) or "", []).append(comp)
        # the crosswalk between the versions gets plain words on the page; other matches a row each
        crosswalk = {p: [o for o in self.iris(iri, p) if o.startswith(ECF_VERSIONS)] for p in MATCH_PROPERTIES}
        counterparts = {p: [s for s in self.g.subjects_of(p, iri) if s.startswith(ECF_VERSIONS)]
                        for p in MATCH_PROPERTIES}
        matches = [(self.g.curie(p), self.link(p), self.links(o for o in self.iris(iri, p) if o not in crosswalk[p]))
                   for p in MATCH_PROPERTIES if set(self.iris(iri, p)) - set(crosswalk[p])]
        matches += [(self.g.curie(p), self.link(p), self.links(s for s in self.g.subjects_of(p, iri) if s not in counterparts[p]))
                    for p in MATCH_PROPERTIES if set(self.g.subjects_of(p, iri)) - set(counterparts[p])
                    and all(self.g.path_of(s) for s in self.g.subjects_of(p, iri))]
        levels = self.ordered(self.iris(iri, K.proficiencyLevel))
        same = crosswalk[SKOS.exactMatch]
        return {
            **self.framework(iri),
            "area": self.links(self.iris(iri, K.ecfArea)),
            "levels": self.codes(self.links(levels)),
            "eqf": self.codes(self.links({e for lvl in levels for e in self.iris(lvl, K.correspondingEqfLevel)})),
            # the same competence in the newer version (this page's search result is folded there)
            "same_as": self.link(same[0]) if same else None,
            "same_in_older": self.links(counterparts[SKOS.exactMatch]),
            "successor": [(name, self.links(crosswalk[p])) for name, p in
                          (("close", SKOS.closeMatch), ("broader", SKOS.broadMatch)) if crosswalk[p]],
            "predecessor": [(name, self.links(counterparts[p])) for name, p in
                            (("close", SKOS.closeMatch), ("narrower", SKOS.broadMatch)) if counterparts[p]],
            "change_note": self.text(iri, SKOS.changeNote),
            "cited_by": [(self.link(std) if std else None, self.links(cs)) for std, cs in sorted(by_standard.items(), key=lambda kv: natural_key(kv[0]))],
            "work_parts": self.links(work_parts),
            "matches": matches,
        }

    @staticmethod
    def codes(links: list[Link]) -> list[Link]:
        """Links shown by their code alone ("e-2", not "e-2 e-CF proficiency level e-2")."""
        return [l._replace(text=l.notation, lang=None) if l.notation else l for l in links]

    def framework(self, iri: str) -> dict:
        """The e-CF version a concept is of (its scheme) and where that is published: the
        scheme's title, source, note, publisher and pages (rdfs:seeAlso)."""
        schemes = self.iris(iri, SKOS.inScheme) or self.iris(iri, SKOS.topConceptOf)
        scheme = schemes[0] if schemes else None
        if scheme is None:
            return {"scheme": None}
        title = self.text(scheme, DCT.title)
        return {"scheme": self.link(scheme),
                "scheme_titled": self.link(scheme)._replace(text=title.text, lang=title.lang) if title else self.link(scheme),
                "source": self.text(scheme, DCT.source),
                "note": self.text(scheme, RDFS.comment),
                "publisher": self.text(scheme, DCT.publisher),
                "published_at": self.links(self.iris(scheme, RDFS.seeAlso))}

    def data_ecf_area(self, iri: str) -> dict:
        members = self.g.subjects_of(K.ecfArea, iri)
        # an e-CF 3.0 area is the 4.0 area of the same code and name (no crosswalk states it)
        twin = str(ECF4) + iri.removeprefix(str(ECF3)) if iri.startswith(str(ECF3)) else None
        same = twin if twin and self.g.has_page(twin) and self.label(twin) == self.label(iri) else None
        return {**self.framework(iri),
                "same_as": self.link(same) if same else None,
                "members": [(self.link(m), len(self.g.subjects_of(K.citesEcf, m)))
                            for m in sorted(members, key=lambda m: code_key(self.g.notation(m)))]}

    def data_ecf_level(self, iri: str) -> dict:
        """An e-CF proficiency level: its EQF levels and the competences defined at it."""
        members = self.g.subjects_of(K.proficiencyLevel, iri)
        by_scheme: dict[str, list] = {}
        for member in members:
            schemes = self.iris(member, SKOS.inScheme)
            by_scheme.setdefault(schemes[0] if schemes else "", []).append(member)
        return {**self.framework(iri),
                "eqf": self.links(self.iris(iri, K.correspondingEqfLevel)),
                "members": [(self.link(scheme) if scheme else None, self.links(ms))
                            for scheme, ms in sorted(by_scheme.items(), key=lambda kv: natural_key(kv[0]), reverse=True)]}

    def data_scheme(self, iri: str) -> dict:
        top = self.iris(iri, SKOS.hasTopConcept) or self.g.subjects_of(SKOS.topConceptOf, iri)
        members = self.g.subjects_of(SKOS.inScheme, iri)
        return {"top": self.links(top), "members": self.links(m for m in members if m not in top)}

    def data_resource(self, iri: str) -> dict:
        return {"members": []}

    def part_rows(self, terms: list[str]) -> list[dict]:
        """Hash IRIs shown as generic sections of their document's page (the ontology's terms, the
        ELM view's nodes), anchored by their fragment."""
        rows = []
        for term in sorted(terms, key=lambda t: code_key(t.partition("#")[2])):
            statements = self.statements(term)
            comment = self.text(term, RDFS.comment)
            fragment = term.partition("#")[2]
            curie = self.g.curie(term)
            rows.append({"id": fragment, "link": self.link(term),
                         "curie": curie if curie != term else "#" + fragment,
                         "comment": comment, "statements": statements})
        return rows

    # -- coverage ------------------------------------------------------------------------------
    def coverage(self, standard: str) -> dict:
        """The partial × competence matrix and the e-CF area heatmap of one standard."""
        quals = self.iris(standard, K.describesQualification)
        columns = []
        for qual in quals:
            columns.append(qual)
            columns += sorted(self.iris(qual, K.hasPartialQualification), key=lambda i: natural_key(self.label(i).text))
            columns += sorted(self.iris(qual, K.hasSpecialisation), key=lambda i: natural_key(self.label(i).text))
        required = {col: set(self.iris(col, K.requiresCompetence)) for col in columns}
        comps = [c for c in self.g.subjects_of(SKOS.inScheme, standard) if K.Competence in self.g.types(c)]
        # codes required but absent from the standard still get a row (marked missing)
        comps += sorted({c for reqs in required.values() for c in reqs} - set(comps))
        rows = [{"link": self.link(c), "cells": [c in required[col] for col in columns]}
                for c in self.ordered(comps)]

        version = self.text(standard, K.ecfVersion)
        scheme = str(ECF_SCHEMES[version.text]) if version and version.text in ECF_SCHEMES else None
        areas = set(self.g.subjects_of(SKOS.topConceptOf, scheme)) if scheme else set()
        counts: dict[tuple[str, str], int] = {}
        for col in columns:
            for comp in required[col]:
                for area in {a for e in self.iris(comp, K.citesEcf) for a in self.iris(e, K.ecfArea)}:
                    areas.add(area)
                    counts[(col, area)] = counts.get((col, area), 0) + 1
        areas_sorted = sorted(areas, key=lambda a: code_key(self.g.notation(a)))
        top = max(counts.values(), default=0)
        heat = [{"link": self.link(col),
                 "cells": [{"n": counts.get((col, a), 0),
                            "step": 0 if not top else -(-5 * counts.get((col, a), 0) // top)}
                           for a in areas_sorted]}
                for col in columns]
        return {
            "standard": self.link(standard),
            "title": self.label(standard),
            "columns": [self.link(c) for c in columns],
            "rows": rows,
            "areas": [self.link(a) for a in areas_sorted],
            "heat": heat,
        }
