"""The ELM view: each qualification in the European Learning Model, for qualification registries.

Built directly from the parsed model (not from the knowledge graph), into its own named graph
`B graph/elm` that holds only terms the EU's LOQ profile allows (shapes/elm/LOQ-constraints.ttl:
most node shapes are sh:closed). The qualification, its partial qualifications and its
specialisations (elm:specialisationOf) are skos:Concepts in the knowledge graph; in ELM each is an
elm:Qualification of its own, `{its knowledge-graph IRI}#elm-qualification`, and a competence's (or
general skill's) learning outcome is `…#learning-outcome`, so that no IRI is a concept in one
graph and an ELM specification in another. Each is linked back from the knowledge graph's resource
with dct:hasFormat (the same qualification in another format; written with the knowledge graph's
IRI as subject, which no closed shape of the profile targets). The approving council keeps its
IRI: it is the same organisation in both graphs. Nodes that exist only in ELM (notes,
identifiers, location, address) get hash IRIs below the knowledge graph's resource.

Never run a reasoner over this graph: ELM declares elm:hasPart and elm:specialisationOf
symmetric, so both directions (hasPart/isPartOf, specialisationOf/generalisationOf) are written
here explicitly instead.
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from kutse_rdf.config import Config
from kutse_rdf.errors import InputError
from kutse_rdf.model import Competence, CompetenceChoice, CompetenceRef, Standard
from kutse_rdf.graph.namespaces import (ADMS, DCTERMS, ECF_SCHEMES, ELM, RDF, ROV, SKOS, XSD,
                                        prefixes)
from kutse_rdf.resources import resource_dir
from kutse_rdf.graph.uris import Uris

# The reference files (ontology/) whose level concepts the view copies: EQF and EstQF levels.
LEVEL_FILES = ("eqf.ttl", "estqf.ttl")

# The EU profile names ELM's Dublin Core terms with the dct namespace: http://purl.org/dc/terms/
PREFIXES = prefixes("elm", "dct", "skos", "adms", "rov", "xsd")


@dataclass
class Settings:
    """ontology/elm/elm.toml plus the concept descriptions of concepts.ttl, eqf.ttl and
    estqf.ttl."""

    isced_f: str
    eqf_level: str
    nqf_level: str
    country: str
    language: str
    esco_skill_prefix: str
    esco_skill_scheme: str
    concepts: Graph


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    """Read once per process: every standard's unit needs it."""
    folder = resource_dir("ontology") / "elm"
    toml_file = folder / "elm.toml"
    try:
        data = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        concepts = Graph().parse(folder / "concepts.ttl")
        # The level concepts as the knowledge graph's reference graph describes them: one
        # description (and one label per language) across every published graph.
        for name in LEVEL_FILES:
            concepts.parse(folder.parent / name)
        return Settings(**data, concepts=concepts)
    except (OSError, tomllib.TOMLDecodeError, TypeError, SyntaxError) as exc:
        raise InputError(f"cannot read the ELM settings: {exc}", file=str(toml_file)) from None


def et(text: str) -> Literal:
    return Literal(text, lang="et")


class ElmWriter:
    """Writes the ELM view of the standards into one graph."""

    def __init__(self, config: Config, settings: Settings, esco: dict[URIRef, list[tuple]]):
        self.config = config
        self.s = settings
        self.u = Uris(config.base_uri)
        self.esco = esco  # competence URI -> [(ESCO skill URI, English label or None)]
        # A list, not an rdflib graph: a build only serialises these (unit.sorted_nt, which
        # writes each triple once), and adding to a graph costs more than appending
        self.triples: list[tuple] = []
        self.concepts: set[URIRef] = set()  # controlled-vocabulary concepts referred to

    def add(self, s, p, o) -> None:
        self.triples.append((s, p, o))

    def concept(self, s: URIRef, p: URIRef, concept: str | URIRef) -> None:
        self.add(s, p, URIRef(concept))
        self.concepts.add(URIRef(concept))

    def note(self, node: URIRef, owner: URIRef, p: URIRef, text: str) -> None:
        self.add(owner, p, node)
        self.add(node, RDF.type, ELM.Note)
        self.add(node, ELM.noteLiteral, et(text))

    # --- one standard -------------------------------------------------------------------

    def standard(self, std: Standard) -> None:
        self.ecf = ECF_SCHEMES[self.config.ecf_version_for(std.source_file, std.ecf_version)]
        publisher = self.council(std.approved_by) if std.approved_by else None
        qual = self.u.qualification(std)
        full = self.elm_node(qual)
        outcomes = self.outcomes(std, std.qualification_competences,
                                 std.qualification_requires_general_skills)
        if not outcomes:  # B.1 names nothing: the full qualification needs every competence
            outcomes = self.outcomes(std, [CompetenceRef(c.code, None, c.line)
                                           for c in std.competences], bool(std.general_skills))
        self.qualification(std, full, std.title, std.name_en, std.eqf or std.level, std.level,
                           outcomes, publisher, partial=False)
        self.choices(std, qual, full, std.qualification_choices)
        desc = "\n\n".join(p.text for sec in std.sections if sec.code == "A.1"
                           for p in sec.paragraphs)
        if desc:
            self.add(full, DCTERMS.description, et(desc))
        if std.register_code:
            ident = self.u.part(qual, "elm-identifier")
            self.add(full, ADMS.identifier, ident)
            self.add(ident, RDF.type, ELM.Identifier)
            self.add(ident, SKOS.notation, Literal(std.register_code))
            self.add(ident, ELM.schemeName, Literal("Kutseregister"))
        if std.decision_date and len(std.decision_date) == 10:
            # The council's decision is the standard's last change; ELM wants a dateTime.
            self.add(full, DCTERMS.modified,
                     Literal(f"{std.decision_date}T00:00:00", datatype=XSD.dateTime))
        for pq in std.partial_qualifications:
            kg = self.u.partial(std, pq.title)
            node = self.elm_node(kg)
            level = pq.level or std.level
            self.qualification(std, node, pq.title, None, level, level,
                               self.outcomes(std, pq.competences, pq.requires_general_skills),
                               publisher, partial=True)
            self.add(node, ELM.isPartOf, full)
            self.add(full, ELM.hasPart, node)
            self.choices(std, kg, node, pq.choices)
        for spec in std.specialisations:
            # A kind of the qualification, not a part: elm:specialisationOf (the LOQ profile's
            # term on a Qualification), with generalisationOf written back, as for hasPart. Its
            # learning outcomes are the competences it requires beside the mandatory ones, which
            # the qualification it specialises carries.
            kg = self.u.specialisation(std, spec.title)
            node = self.elm_node(kg)
            level = std.level
            self.qualification(std, node, spec.title, None, std.eqf or level, level,
                               self.outcomes(std, spec.competences, False), publisher,
                               partial=False)
            self.add(node, ELM.specialisationOf, full)
            self.add(full, ELM.generalisationOf, node)
            if spec.name_on_certificate:
                self.note(self.u.part(kg, "elm-name-on-certificate"), node, ELM.additionalNote,
                          f"Nimetus kutsetunnistusel: {spec.name_on_certificate}")
            self.choices(std, kg, node, spec.choices)

    def elm_node(self, kg: URIRef) -> URIRef:
        """The elm:Qualification of the knowledge graph's qualification, partial qualification or
        specialisation `kg`, linked back from it."""
        node = self.u.elm_qualification(kg)
        self.add(kg, DCTERMS.hasFormat, node)
        return node

    def choices(self, std: Standard, kg: URIRef, node: URIRef,
                choices: list[CompetenceChoice]) -> None:
        """ELM has no "at least N of" rule: a choice group of B.1 is a note on the qualification
        (docs/elm.md); its options are not among the qualification's learning
        outcomes, which ELM reads as all required."""
        for n, choice in enumerate(choices, 1):
            options = "; ".join(
                f"{ref.code} {comp.title}" if (comp := std.competence(ref.code)) else ref.code
                for ref in choice.options)
            lead = ("Sõltuvalt spetsialiseerumisest tuleb tõendada vähemalt"
                    if choice.kind == "specialisation" else "Tuleb tõendada vähemalt")
            self.note(self.u.part(kg, f"elm-choice-{n}"), node, ELM.additionalNote,
                      f"{lead} {choice.minimum} järgmistest kompetentsidest: {options}.")

    def qualification(self, std: Standard, node: URIRef, title: str, title_en: str | None,
                      eqf: int | None, nqf: int | None, outcomes: list[URIRef],
                      publisher: URIRef | None, partial: bool) -> None:
        self.add(node, RDF.type, ELM.Qualification)
        self.add(node, DCTERMS.title, et(title))
        if title_en:
            self.add(node, DCTERMS.title, Literal(title_en, lang="en"))
        self.add(node, ELM.isPartialQualification, Literal(partial))
        self.concept(node, ELM.ISCEDFCode, self.s.isced_f)
        self.concept(node, DCTERMS.language, self.s.language)
        if eqf:
            self.concept(node, ELM.EQFLevel, self.s.eqf_level.format(level=eqf))
        if nqf:
            self.concept(node, ELM.NQFLevel, self.s.nqf_level.format(level=nqf))
        for outcome in outcomes:
            self.add(node, ELM.learningOutcome, outcome)
        if publisher:
            self.add(node, DCTERMS.publisher, publisher)

    def outcomes(self, std: Standard, refs: list[CompetenceRef], general_skills: bool
                 ) -> list[URIRef]:
        """Learning outcomes of the competences named (a code with no competence in part B has
        no text to give: the knowledge graph's SHACL report names it) and of the general
        skills when they are required."""
        found = []
        for ref in refs:
            comp = std.competence(ref.code)
            if comp:
                found.append(self.competence_outcome(std, comp))
        if general_skills:
            for n, skill in enumerate(std.general_skills, 1):
                node = self.u.part(self.u.standard(std), f"general-skill-{n}-learning-outcome")
                self.add(self.u.general_skill(std, n), DCTERMS.hasFormat, node)
                self.add(node, RDF.type, ELM.LearningOutcome)
                self.add(node, DCTERMS.title, et(skill.text))
                found.append(node)
        return found

    def competence_outcome(self, std: Standard, comp: Competence) -> URIRef:
        uri = self.u.competence(std, comp.code)
        node = self.u.part(uri, "learning-outcome")
        self.add(uri, DCTERMS.hasFormat, node)
        self.add(node, RDF.type, ELM.LearningOutcome)
        self.add(node, DCTERMS.title, et(comp.title))
        ident = self.u.part(uri, "learning-outcome-identifier")
        self.add(node, ADMS.identifier, ident)
        self.add(ident, RDF.type, ELM.Identifier)
        self.add(ident, SKOS.notation, Literal(comp.code))
        self.add(ident, ELM.schemeName, Literal(std.title))
        for n, item in enumerate(comp.indicators, 1):
            self.note(self.u.part(uri, f"learning-outcome-indicator-{n}"), node, ELM.additionalNote,
                      item.text)
        for n, item in enumerate(comp.knowledge, 1):
            self.note(self.u.part(uri, f"learning-outcome-knowledge-{n}"), node, ELM.additionalNote,
                      item.text)
        for code in comp.ecf:
            ecf = self.ecf[code]
            self.add(node, ELM.relatedSkill, ecf)
            self.add(ecf, RDF.type, SKOS.Concept)
            self.add(ecf, SKOS.notation, Literal(code))
            self.add(ecf, SKOS.inScheme, URIRef(self.ecf))
            self.add(URIRef(self.ecf), RDF.type, SKOS.ConceptScheme)
        for skill, label in self.esco.get(uri, []):
            self.add(node, ELM.relatedESCOSkill, skill)
            self.add(skill, RDF.type, SKOS.Concept)
            self.add(skill, SKOS.inScheme, URIRef(self.s.esco_skill_scheme))
            self.concepts.add(URIRef(self.s.esco_skill_scheme))
            if label:
                self.add(skill, SKOS.prefLabel, Literal(label, lang="en"))
        return node

    def council(self, name: str) -> URIRef:
        """The approving council (kutsenõukogu) as an ELM Organisation: the profile requires a
        legal name and a location with an address in a country."""
        node = self.u.council(name)
        location, address = self.u.part(node, "elm-location"), self.u.part(node, "elm-address")
        self.add(node, RDF.type, ELM.Organisation)
        self.add(node, ROV.legalName, et(name))
        self.add(node, ELM.location, location)
        self.add(location, RDF.type, DCTERMS.Location)
        self.add(location, ELM.address, address)
        self.add(address, RDF.type, ELM.Address)
        self.concept(address, ELM.countryCode, self.s.country)
        return node

    def describe_concepts(self) -> None:
        """Copy the description of every controlled-vocabulary concept used (and its scheme)."""
        for concept in sorted(self.concepts):
            triples = list(self.s.concepts.triples((concept, None, None)))
            if not triples:
                raise InputError(f"{concept} is used by the ELM export but not described in "
                                 "ontology/elm/concepts.ttl (nor in ontology/eqf.ttl, estqf.ttl)")
            self.triples += triples
            for scheme in self.s.concepts.objects(concept, SKOS.inScheme):
                self.triples += self.s.concepts.triples((scheme, None, None))


def esco_mappings(standards: list[Standard], config: Config, settings: Settings
                  ) -> dict[URIRef, list[tuple]]:
    """Curated mappings (mappings/*.sssom.tsv via kutse_rdf.graph.vocab) from a competence to an
    ESCO skill, by competence URI. Every SKOS mapping predicate counts (exact, close, broad,
    narrow, related): ELM's relatedESCOSkill is a plain "related" link. Subjects are matched on
    their path below the base URI too, so a mapping written for another base still finds its
    competence. A mapping names the version-independent competence (graph/uris.py): it holds
    for each version of it (or names one version's competence)."""
    from kutse_rdf.graph.vocab import load_mappings

    uris = Uris(config.base_uri)
    by_path = {}
    for std in standards:
        for comp in std.competences:
            uri = uris.competence(std, comp.code)
            for name in (uri, uris.unversioned(uri)):
                by_path[str(name)[len(uris.base):]] = uri
    found: dict[URIRef, list[tuple]] = {}
    for mapping in load_mappings(config):
        subject, obj = str(mapping.subject), str(mapping.object)
        if not obj.startswith(settings.esco_skill_prefix):
            continue
        for path, uri in by_path.items():
            if subject == uris.base + path or subject.endswith("/" + path):
                entry = (URIRef(obj), mapping.object_label or None)
                if entry not in found.setdefault(uri, []):
                    found[uri].append(entry)
    return found


def elm_triples(standards: list[Standard], config: Config) -> list[tuple]:
    """The triples of the ELM view of the standards (no reasoning; a triple may come twice)."""
    settings = load_settings()
    writer = ElmWriter(config, settings, esco_mappings(standards, config, settings))
    for std in standards:
        writer.standard(std)
    writer.describe_concepts()
    return writer.triples


def elm_graph(standards: list[Standard], config: Config) -> Graph:
    """The ELM view of the standards (one rdflib Graph, no reasoning)."""
    graph = Graph(store=SimpleMemory())  # no contexts needed: adds are ~3x faster
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in elm_triples(standards, config):
        graph.add(triple)
    return graph


def update_manifest(data: Path, entry: dict) -> None:
    """Append the ELM entry to data/graphs.json (written by the graph stage, if it ran)."""
    manifest = data / "graphs.json"
    entries: list[dict] = []
    if manifest.is_file():
        entries = [e for e in json.loads(manifest.read_text(encoding="utf-8"))
                   if e.get("kind") != "elm"]
    entries.append(entry)
    manifest.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
