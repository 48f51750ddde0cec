"""The parsed model -> the RDF/SKOS knowledge graph (docs/graph-model.md is the contract).

`standard_graph` writes the triples of one standard into its own named graph (a build's unit,
engine/unit.py, does this once per standard). Nothing here reads text or writes files.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from datetime import datetime, timezone
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from kutse_rdf import __version__
from kutse_rdf.config import Config
from kutse_rdf.errors import DataError
from kutse_rdf.model import CompetenceChoice, CompetenceRef, Standard
from kutse_rdf.graph.namespaces import (DCAT, DCTERMS, ECF_SCHEMES, GROUP_TERMS, KUTSE, PROV, RDF,
                                        RDFS, SCHEMA, SKOS, TOOL, XSD, eqf_level, estqf_level,
                                        isco_group, prefixes)
from kutse_rdf.graph.uris import Uris
from kutse_rdf.versions import version_key

# Prefixes bound on every graph we make, so Turtle output reads well.
PREFIXES = prefixes("kutse", "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco", "skos", "dct", "rdfs",
                    "prov", "schema", "xsd", "dcat")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The template's own words for a standard that cannot be the basis for awarding the qualification
# ("... on õppekava aluseks ning ei ole kutse andmise aluseks").
_NOT_AWARDING = re.compile(r"\bei\s+ole\s+kutse\s+andmise\s+aluseks", re.IGNORECASE)


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def build_time(built_at: datetime | None = None) -> datetime:
    """The build time: as given, else SOURCE_DATE_EPOCH (reproducible builds), else now (UTC)."""
    if built_at is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        built_at = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit()
                    else datetime.now(timezone.utc))
    if built_at.tzinfo is None:
        built_at = built_at.replace(tzinfo=timezone.utc)
    return built_at.replace(microsecond=0)


def et(text: str) -> Literal:
    return Literal(text, lang="et")


def _date(value: str) -> Literal:
    # The parser gives ISO dates where the document has a date; anything else stays as written.
    return Literal(value, datatype=XSD.date) if _ISO_DATE.match(value) else Literal(value)


def not_awardable_because(std: Standard) -> str | None:
    """Why the qualification cannot be awarded on this document, or None when it can: the
    document says so, or the council's decision is not filled in (a draft)."""
    reasons = []
    if any(_NOT_AWARDING.search(p.text) for sec in std.sections for p in sec.paragraphs):
        reasons.append("the document says it is not a basis for awarding the qualification")
    if not (std.decision_number or std.decision_date):
        reasons.append("the professional council's decision is not filled in (a draft)")
    return "; ".join(reasons) or None


def _check_unique(std: Standard, kind: str, items: Iterable[tuple[URIRef, int]]) -> None:
    """Two elements of one standard minting the same URI would merge silently: refuse."""
    seen: dict[URIRef, int] = {}
    for uri, line in items:
        if uri in seen:
            raise DataError(f"{kind} gives the same URI as the one on line {seen[uri]}: {uri}",
                            file=std.source_file, line=line)
        seen[uri] = line


class _Writer:
    """Adds the triples of one standard to one graph."""

    def __init__(self, std: Standard, config: Config, graph: Graph):
        self.std, self.g, self.u = std, graph, Uris(config.base_uri)
        self.ecf_version = config.ecf_version_for(std.source_file, std.ecf_version)
        # Neither the document nor the configuration names the version: the default was assumed.
        self.ecf_assumed = not std.ecf_version and \
            not config.ecf_version.get(Path(std.source_file).stem)
        self.not_awardable = not_awardable_because(std)
        self.ecf = ECF_SCHEMES[self.ecf_version]
        self.file = Literal(std.source_file)

    def add(self, s, p, o) -> None:
        self.g.add((s, p, o))

    def source(self, s: URIRef, line: int | None) -> None:
        if line:
            self.add(s, KUTSE.sourceFile, self.file)
            self.add(s, KUTSE.sourceLine, Literal(line))

    def level(self, s: URIRef, estqf: int | None, eqf: int | None = None) -> None:
        # EstQF (EKR) levels are defined identically to EQF's, so EKR N is eqf:N unless the
        # document states an EQF level of its own (C.1 item 9).
        if estqf is not None:
            self.add(s, KUTSE.estqfLevel, Literal(estqf))
            self.add(s, KUTSE.hasEstqfLevel, estqf_level(estqf))
        if eqf is None:
            eqf = estqf
        if eqf is not None:
            self.add(s, KUTSE.hasLevel, eqf_level(eqf))

    def cites(self, s: URIRef, codes: list[str]) -> None:
        for code in codes:
            self.add(s, KUTSE.citesEcf, self.ecf[code])

    def requires(self, s: URIRef, refs: list[CompetenceRef], general_skills: bool) -> None:
        # Minted from the code as written even when no such competence exists: SHACL reports it.
        for ref in refs:
            comp = self.u.competence(self.std, ref.code)
            self.add(s, KUTSE.requiresCompetence, comp)
            if ref.title:
                self.add(comp, KUTSE.referencedAs, et(ref.title))
        if general_skills:
            for n in range(1, len(self.std.general_skills) + 1):
                self.add(s, KUTSE.requiresGeneralSkill, self.u.general_skill(self.std, n))

    def choices(self, s: URIRef, choices: list[CompetenceChoice]) -> None:
        """B.1's choice groups: `s kutse:hasCompetenceChoice s#choice-N`, a kutse:CompetenceChoice
        with its kutse:minimum, its kutse:option competences and its kutse:choiceKind
        (docs/graph-model.md, "Choices")."""
        for n, choice in enumerate(choices, 1):
            node = self.u.choice(s, n)
            self.add(s, KUTSE.hasCompetenceChoice, node)
            self.add(node, RDF.type, KUTSE.CompetenceChoice)
            self.add(node, KUTSE.minimum, Literal(choice.minimum))
            kind = KUTSE.specialisationGroup if choice.kind == "specialisation" else KUTSE.optional
            self.add(node, KUTSE.choiceKind, kind)
            codes = ", ".join(ref.code for ref in choice.options)
            self.add(node, RDFS.label, et(f"vähemalt {choice.minimum}: {codes}"))
            self.add(node, RDFS.label, Literal(f"at least {choice.minimum} of {codes}", lang="en"))
            for ref in choice.options:
                comp = self.u.competence(self.std, ref.code)
                self.add(node, KUTSE.option, comp)
                if ref.title:
                    self.add(comp, KUTSE.referencedAs, et(ref.title))
            self.source(node, choice.line)

    def awardable(self, s: URIRef) -> None:
        """A credential in schema.org's sense only where the document makes it awardable."""
        self.add(s, KUTSE.awardable, Literal(self.not_awardable is None))
        if self.not_awardable is None:
            self.add(s, RDF.type, SCHEMA.EducationalOccupationalCredential)
        else:
            self.add(s, SKOS.editorialNote, Literal(f"Not awardable: {self.not_awardable}.",
                                                    lang="en"))

    def versioned(self, s: URIRef) -> None:
        """A version-specific resource names its version-independent IRI (docs/graph-model.md,
        "Versions")."""
        self.add(s, DCTERMS.isVersionOf, self.u.unversioned(s))

    def concept(self, s: URIRef, cls: URIRef, label: str) -> None:
        self.versioned(s)
        self.add(s, RDF.type, cls)
        self.add(s, RDF.type, SKOS.Concept)
        self.add(s, SKOS.inScheme, self.u.standard(self.std))
        self.add(s, SKOS.prefLabel, et(label))

    def write(self, built_at: datetime) -> None:
        std, u = self.std, self.u
        self.check()
        scheme, qual = u.standard(std), u.qualification(std)
        self.standard(scheme, qual, built_at)
        self.qualification(scheme, qual)
        for pq in std.partial_qualifications:
            self.partial(qual, pq)
        for spec in std.specialisations:
            self.specialisation(qual, spec)
        for order, comp in enumerate(std.competences, 1):
            self.competence(order, comp)

    def check(self) -> None:
        std, u = self.std, self.u
        _check_unique(std, "competence",
                      ((u.competence(std, c.code), c.line) for c in std.competences))
        _check_unique(std, "partial qualification",
                      ((u.partial(std, p.title), p.line) for p in std.partial_qualifications))
        _check_unique(std, "specialisation",
                      ((u.specialisation(std, s.title), s.line) for s in std.specialisations))
        _check_unique(std, "work part",
                      ((u.work_part(std, w.code), w.line) for w in std.work_parts))
        _check_unique(std, "section",
                      ((u.section(std, s.code, s.title), s.line) for s in std.sections))
        _check_unique(std, "author", ((u.author(std, a.name), a.line) for a in std.authors))

    def standard(self, scheme: URIRef, qual: URIRef, built_at: datetime) -> None:
        std, u = self.std, self.u
        self.add(scheme, RDF.type, KUTSE.OccupationalStandard)
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, SKOS.prefLabel, et(std.title))
        self.add(scheme, DCTERMS.title, et(std.title))
        self.add(scheme, SKOS.hasTopConcept, qual)
        self.add(scheme, KUTSE.describesQualification, qual)
        self.add(scheme, KUTSE.ecfVersion, Literal(self.ecf_version))
        self.add(scheme, KUTSE.ecfScheme, URIRef(self.ecf))
        if self.ecf_assumed:
            self.add(scheme, SKOS.editorialNote, Literal(
                f"e-CF version {self.ecf_version} assumed: the document does not say which "
                "version its e-CF codes refer to.", lang="en"))
            self.add(scheme, SKOS.editorialNote, et(
                f"Eeldatud e-CF versioon {self.ecf_version}: dokument ei ütle, millise versiooni "
                "tähistele see viitab."))
        self.source(scheme, std.line or 1)
        # the version: its name; its validity is kutse:decisionDate through kutse:validUntil
        # below (its status on a day and its neighbours are in the work's graph,
        # graph/versions.py)
        self.versioned(scheme)
        self.add(scheme, DCAT.version, Literal(version_key(std)))
        for prop, value in ((KUTSE.registerCode, std.register_code),
                            (KUTSE.decisionNumber, std.decision_number),
                            (KUTSE.standardVersion, std.version)):
            if value:
                self.add(scheme, prop, Literal(value))
        for prop, value in ((KUTSE.decisionDate, std.decision_date),
                            (KUTSE.validUntil, std.valid_until)):
            if value:
                self.add(scheme, prop, _date(value))
        if std.approved_by:
            # The council is shared by many standards: no source line of its own.
            council = u.council(std.approved_by)
            self.add(scheme, KUTSE.approvedBy, council)
            self.add(council, RDF.type, KUTSE.ProfessionalCouncil)
            self.add(council, RDFS.label, et(std.approved_by))
        for author in std.authors:
            node = u.author(std, author.name)
            self.add(scheme, KUTSE.hasAuthor, node)
            self.add(node, RDF.type, KUTSE.Author)
            self.add(node, SCHEMA.name, Literal(author.name))
            if author.organisation:
                # a resource shared by every author (of any standard) who names it: no source
                # line of its own, as for the council
                org = u.organisation(author.organisation)
                self.add(node, SCHEMA.affiliation, org)
                self.add(org, RDF.type, SCHEMA.Organization)
                self.add(org, SCHEMA.name, Literal(author.organisation))
                self.add(org, RDFS.label, et(author.organisation))
            self.source(node, author.line)
        for order, part in enumerate(std.work_parts, 1):
            node = u.work_part(std, part.code)
            self.add(scheme, KUTSE.hasWorkPart, node)
            self.add(node, RDF.type, KUTSE.WorkPart)
            self.add(node, SKOS.notation, Literal(part.code))
            self.add(node, RDFS.label, et(part.title))
            self.add(node, KUTSE.order, Literal(order))
            if part.specialisation:
                self.add(node, KUTSE.competenceGroup, KUTSE.specialisationGroup)
            if part.description:
                self.add(node, DCTERMS.description, et("\n".join(d.text for d in part.description)))
            self.cites(node, part.ecf)
            self.source(node, part.line)
        for n, skill in enumerate(std.general_skills, 1):
            node = u.general_skill(std, n)
            self.add(scheme, KUTSE.hasGeneralSkill, node)
            self.add(node, RDF.type, KUTSE.GeneralSkill)
            self.add(node, RDFS.label, et(skill.text))
            self.add(node, KUTSE.skillGroup, et(skill.group))
            self.add(node, KUTSE.order, Literal(n))
            self.source(node, skill.line)
        for order, section in enumerate(std.sections, 1):
            node = u.section(std, section.code, section.title)
            self.add(scheme, KUTSE.hasSection, node)
            self.add(node, RDF.type, KUTSE.Section)
            if section.code:
                self.add(node, SKOS.notation, Literal(section.code))
            if section.title:
                self.add(node, DCTERMS.title, et(section.title))
            text = "\n\n".join(p.text for p in section.paragraphs)
            if text:
                self.add(node, RDF.value, et(text))
            self.add(node, KUTSE.order, Literal(order))
            self.source(node, section.line)
        # A hash URI, not a blank node: stores relabel blank nodes, and the dumps should be the
        # same bytes for the same input.
        activity = u.part(scheme, "build")
        self.add(scheme, PROV.wasGeneratedBy, activity)
        self.add(activity, RDF.type, PROV.Activity)
        # The canonical form ("Z", not "+00:00"): Oxigraph stores canonical forms, and the
        # merged dumps must hold the very literal the standard's own file has (rdflib would
        # rewrite it to "+00:00" unless told not to normalise).
        when = built_at.isoformat().replace("+00:00", "Z")
        self.add(activity, PROV.endedAtTime, Literal(when, datatype=XSD.dateTime, normalize=False))
        self.add(activity, PROV.wasAssociatedWith, TOOL)
        self.add(TOOL, RDF.type, PROV.SoftwareAgent)
        self.add(TOOL, RDFS.label, Literal(f"kutse-rdf {__version__}"))

    def qualification(self, scheme: URIRef, qual: URIRef) -> None:
        std, u = self.std, self.u
        self.concept(qual, KUTSE.Qualification, std.title)
        self.add(qual, SKOS.topConceptOf, scheme)
        if std.name_en:
            self.add(qual, SKOS.prefLabel, Literal(std.name_en, lang="en"))
        self.level(qual, std.level, std.eqf)
        self.awardable(qual)
        if std.isco:
            code = std.isco[-1]
            self.add(qual, KUTSE.iscoGroup, isco_group(code))
            self.add(qual, KUTSE.iscoCode, Literal(code))
            if std.isco_label:
                self.add(qual, KUTSE.iscoLabel, et(std.isco_label))
        self.requires(qual, std.qualification_competences,
                      std.qualification_requires_general_skills)
        self.choices(qual, std.qualification_choices)
        for pq in std.partial_qualifications:
            self.add(qual, KUTSE.hasPartialQualification, u.partial(std, pq.title))
        for spec in std.specialisations:
            self.add(qual, KUTSE.hasSpecialisation, u.specialisation(std, spec.title))
        self.source(qual, std.line or 1)

    def partial(self, qual: URIRef, pq) -> None:
        node = self.u.partial(self.std, pq.title)
        self.concept(node, KUTSE.PartialQualification, pq.title)
        # Part of, not kind of: no skos:broader (docs/graph-model.md, "Part of and kind of").
        self.add(node, KUTSE.isPartialQualificationOf, qual)
        self.level(node, pq.level)
        self.awardable(node)
        self.requires(node, pq.competences, pq.requires_general_skills)
        self.choices(node, pq.choices)
        self.source(node, pq.line)

    def specialisation(self, qual: URIRef, spec) -> None:
        node = self.u.specialisation(self.std, spec.title)
        self.concept(node, KUTSE.Specialisation, spec.title)
        # Kind of: the one hierarchy a SKOS browser shows under the qualification.
        self.add(node, SKOS.broader, qual)
        self.add(node, KUTSE.isSpecialisationOf, qual)
        if spec.name_on_certificate:
            self.add(node, KUTSE.nameOnCertificate, et(spec.name_on_certificate))
        self.requires(node, spec.competences, False)
        self.choices(node, spec.choices)
        self.source(node, spec.line)

    def competence(self, order: int, comp) -> None:
        std, u = self.std, self.u
        node = u.competence(std, comp.code)
        self.concept(node, KUTSE.Competence, comp.title)
        self.add(node, SKOS.notation, Literal(comp.code))
        self.add(node, KUTSE.competenceGroup, GROUP_TERMS[comp.group])
        self.level(node, comp.level)
        self.cites(node, comp.ecf)
        if comp.assessment:
            self.add(node, KUTSE.assessment, et(comp.assessment))
        self.add(node, KUTSE.order, Literal(order))
        self.source(node, comp.line)
        for mint, items, cls, prop in (
                (u.indicator, comp.indicators, KUTSE.PerformanceIndicator, KUTSE.hasIndicator),
                (u.knowledge, comp.knowledge, KUTSE.KnowledgeItem, KUTSE.hasKnowledge)):
            for n, item in enumerate(items, 1):
                child = mint(std, comp.code, n)
                self.add(node, prop, child)
                self.add(child, RDF.type, cls)
                self.add(child, RDFS.label, et(item.text))
                self.add(child, KUTSE.order, Literal(n))
                self.source(child, item.line)


def standard_graph(std: Standard, config: Config, built_at: datetime | None = None) -> Graph:
    """The triples of one standard, in a graph named `uris.graph(std)`. Raises DataError
    (file:line) when two elements of the standard would share a URI."""
    uris = Uris(config.base_uri)
    # A standalone graph needs no contexts: rdflib's SimpleMemory adds ~3x faster than Memory.
    graph = Graph(store=SimpleMemory(), identifier=uris.graph(std))
    bind_prefixes(graph)
    try:
        _Writer(std, config, graph).write(build_time(built_at))
    except DataError as exc:
        if not exc.file:
            exc.file, exc.line = std.source_file, std.line
        raise
    return graph
