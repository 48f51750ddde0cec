"""RDF namespaces. The project's own vocabulary is a DefinedNamespace, so a misspelt term raises
AttributeError instead of silently minting a new IRI. Every term here is defined in
ontology/kutse.ttl (a test checks both directions)."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

# Fixed namespaces of the project's reference vocabularies. They do not follow --base-uri: an
# e-CF concept keeps one identity whoever deploys the data.
PROJECT = "https://w3id.org/kutse-rdf/"
ECF4 = Namespace(PROJECT + "ecf/4.0/")  # ECF4["A.1"], ECF4["A"] (area); scheme: URIRef(ECF4)
ECF3 = Namespace(PROJECT + "ecf/3.0/")
ECF_LEVEL = Namespace(PROJECT + "ecf/level/")  # ECF_LEVEL["e-4"]; scheme: URIRef(ECF_LEVEL)
ECF_SCHEMES = {"4.0": ECF4, "3.0": ECF3}

EQF = Namespace("http://data.europa.eu/snb/eqf/")  # EQF["7"]
EQF_SCHEME = URIRef("http://data.europa.eu/snb/eqf/25831c2")
ESCO = Namespace("http://data.europa.eu/esco/model#")
ESCO_ISCO = Namespace("http://data.europa.eu/esco/isco/")  # ESCO_ISCO["C1330"]
ELM = Namespace("http://data.europa.eu/snb/model/elm/")
SCHEMA = Namespace("https://schema.org/")
SSSOM = Namespace("https://w3id.org/sssom/")


class KUTSE(DefinedNamespace):
    """The kutse-rdf ontology (ontology/kutse.ttl)."""

    _NS = Namespace(PROJECT + "ontology#")
    _fail = True

    # Classes
    OccupationalStandard: URIRef  # the document; also the skos:ConceptScheme of its concepts
    Qualification: URIRef  # the full qualification (kutse) the standard describes
    PartialQualification: URIRef  # osakutse
    Specialisation: URIRef  # spetsialiseerumine
    Competence: URIRef  # kompetents (B.3.N / B.2.N)
    CompetenceGroup: URIRef  # mandatory / optional / specialisation / transversal
    PerformanceIndicator: URIRef  # tegevusnäitaja
    KnowledgeItem: URIRef  # teadmine
    GeneralSkill: URIRef  # üldoskus (B.2 of the 2020+ template)
    WorkPart: URIRef  # tööosa (A.2)
    Section: URIRef  # a free-text section (A.1 Töö kirjeldus, ...)
    Author: URIRef  # koostaja
    ProfessionalCouncil: URIRef  # kutsenõukogu, the approving council

    # Competence groups (individuals of CompetenceGroup)
    mandatory: URIRef
    optional: URIRef
    specialisation: URIRef
    transversal: URIRef

    # Structure
    describesQualification: URIRef  # standard -> qualification
    hasPartialQualification: URIRef  # qualification -> partial qualification
    isPartialQualificationOf: URIRef  # inverse
    hasSpecialisation: URIRef  # qualification -> specialisation
    isSpecialisationOf: URIRef  # inverse
    requiresCompetence: URIRef  # qualification / partial / specialisation -> competence
    isRequiredBy: URIRef  # inverse
    requiresGeneralSkill: URIRef  # qualification / partial -> general skill
    competenceGroup: URIRef  # competence -> CompetenceGroup individual
    hasIndicator: URIRef  # competence -> performance indicator
    isIndicatorOf: URIRef  # inverse
    hasKnowledge: URIRef  # competence -> knowledge item
    hasGeneralSkill: URIRef  # standard -> general skill
    hasWorkPart: URIRef  # standard -> work part
    hasSection: URIRef  # standard -> section
    hasAuthor: URIRef  # standard -> author
    approvedBy: URIRef  # standard -> council
    referencedAs: URIRef  # requirement note: the title written beside a code in B.1 (literal)

    # Levels and frameworks
    hasLevel: URIRef  # -> EQF level concept (http://data.europa.eu/snb/eqf/N)
    estqfLevel: URIRef  # EKR level as an integer literal
    citesEcf: URIRef  # competence / work part -> e-CF competence concept
    ecfVersion: URIRef  # standard -> "4.0" / "3.0" (the e-CF version its citations use)
    ecfArea: URIRef  # e-CF competence -> e-CF area concept
    proficiencyLevel: URIRef  # e-CF competence -> e-CF proficiency level it is defined at
    correspondingEqfLevel: URIRef  # e-CF proficiency level -> EQF level concept
    iscoGroup: URIRef  # qualification -> ESCO ISCO group concept
    iscoCode: URIRef  # qualification -> ISCO code literal as written (most specific)
    iscoLabel: URIRef  # qualification -> the ISCO group's name as the document writes it (@et)

    # Descriptive literals
    order: URIRef  # position in the document (integer)
    skillGroup: URIRef  # general skill -> group heading as written
    assessment: URIRef  # competence -> Hindamismeetod text
    organisation: URIRef  # author -> organisation name as written
    registerCode: URIRef  # kutseregistri tähis
    decisionNumber: URIRef  # kutsenõukogu otsuse number
    decisionDate: URIRef
    validUntil: URIRef
    standardVersion: URIRef
    nameOnCertificate: URIRef  # specialisation -> "Nimetus kutsetunnistusel"

    # Provenance
    sourceFile: URIRef  # file name the resource was parsed from
    sourceLine: URIRef  # 1-based line in that file
