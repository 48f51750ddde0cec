"""Every RDF namespace and vocabulary term the project uses, and the one prefix table.

Vocabularies are DefinedNamespace classes with `_fail = True`, so a misspelt term raises
AttributeError instead of silently minting a new IRI: KUTSE (ontology/kutse.ttl, a test checks
both directions), ELM (the terms of the EU's LOQ profile, shapes/elm/), ESCO, ADMS, ROV, VANN and
strict versions of rdflib's SDO (schema.org), DCAT and XSD, whose rdflib classes accept any name.
rdflib's own SKOS, DCTERMS, RDF, RDFS, OWL, PROV, SH, VOID and FOAF already fail on unknown terms
and are re-exported from here.

Data namespaces (e-CF, e-CF levels, EQF, ESCO ISCO groups) are plain Namespaces: their members are
codes, not vocabulary terms.

PREFIXES is the only prefix table. Every Turtle file, SPARQL prefix block and JSON-LD context
takes its prefixes from it through `prefixes(...)`, which names the subset and its order.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (DCAT as _DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SH, SKOS,
                              VOID, XSD as _XSD, DefinedNamespace)
from rdflib.term import URIRef

from kutse_rdf import __version__

__all__ = [
    "PROJECT", "ONTOLOGY", "TOOL", "eqf_level", "estqf_level", "isco_group", "ESTQF", "ECF4", "ECF3", "ECF_LEVEL", "ECF_SCHEMES", "EQF", "EQF_SCHEME",
    "ESCO_ISCO", "ESCO_ROOT", "MEDIA_TYPES", "KUTSE", "ELM", "ESCO", "SCHEMA", "ADMS", "ROV", "VANN", "DCAT", "XSD", "SKOS",
    "DCTERMS", "RDF", "RDFS", "OWL", "PROV", "SH", "VOID", "FOAF", "PREFIXES", "prefixes",
]

# Fixed namespaces of the project's reference vocabularies. They do not follow --base-uri: an
# e-CF concept keeps one identity whoever deploys the data.
PROJECT = "https://w3id.org/kutse-rdf/"
ONTOLOGY = URIRef(PROJECT + "ontology")  # the owl:Ontology resource of ontology/kutse.ttl
ECF4 = Namespace(PROJECT + "ecf/4.0/")  # ECF4["A.1"], ECF4["A"] (area); scheme: URIRef(ECF4)
ECF3 = Namespace(PROJECT + "ecf/3.0/")
ECF_LEVEL = Namespace(PROJECT + "ecf/level/")  # ECF_LEVEL["e-4"]; scheme: URIRef(ECF_LEVEL)
ECF_SCHEMES = {"4.0": ECF4, "3.0": ECF3}

EQF = Namespace("http://data.europa.eu/snb/eqf/")  # EQF["7"]
EQF_SCHEME = URIRef("http://data.europa.eu/snb/eqf/25831c2")
# The Estonian Qualifications Framework (EKR) levels, minted by the project (ontology/estqf.ttl):
# ESTQF["7"]; the scheme is URIRef(ESTQF).
ESTQF = Namespace(PROJECT + "estqf/")
ESCO_ISCO = Namespace("http://data.europa.eu/esco/isco/")  # ESCO_ISCO["C1330"]
# Everything ESCO publishes (model, ISCO groups, occupations, skills) lives below this.
ESCO_ROOT = "http://data.europa.eu/esco/"
# dcat:mediaType values: MEDIA_TYPES["text/turtle"].
MEDIA_TYPES = Namespace("http://www.iana.org/assignments/media-types/")

# The software agent of every build's prov:Activity.
TOOL = URIRef(f"{PROJECT}tool/{__version__}")


def eqf_level(level: int | str) -> URIRef:
    """The EQF level concept: eqf_level(7) -> http://data.europa.eu/snb/eqf/7."""
    return EQF[str(level)]


def estqf_level(level: int | str) -> URIRef:
    """The EstQF (EKR) level concept: estqf_level(7) -> https://w3id.org/kutse-rdf/estqf/7."""
    return ESTQF[str(level)]


def isco_group(code: str) -> URIRef:
    """The ESCO ISCO group concept of an ISCO code as written: "1330" -> …/isco/C1330."""
    return ESCO_ISCO[f"C{code}"]


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
    CompetenceChoice: URIRef  # "at least N of {...}": a choice group of B.1

    # Competence groups (individuals of CompetenceGroup)
    mandatory: URIRef
    optional: URIRef
    specialisationGroup: URIRef
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
    hasCompetenceChoice: URIRef  # qualification / partial / specialisation -> CompetenceChoice
    minimum: URIRef  # CompetenceChoice -> how many options at least (integer)
    option: URIRef  # CompetenceChoice -> competence
    choiceKind: URIRef  # CompetenceChoice -> kutse:optional or kutse:specialisationGroup
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
    qualifiesFor: URIRef  # qualification / partial -> ESCO occupation (or ISCO group) it qualifies for
    awardable: URIRef  # qualification / partial -> boolean: can it be awarded on this document

    # Levels and frameworks
    hasLevel: URIRef  # -> EQF level concept (http://data.europa.eu/snb/eqf/N)
    estqfLevel: URIRef  # EKR level as an integer literal
    hasEstqfLevel: URIRef  # -> EstQF (EKR) level concept (https://w3id.org/kutse-rdf/estqf/N)
    citesEcf: URIRef  # competence / work part -> e-CF competence concept
    ecfVersion: URIRef  # standard -> "4.0" / "3.0" (the e-CF version its citations use)
    ecfScheme: URIRef  # standard -> the e-CF version's concept scheme
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
    registerCode: URIRef  # kutseregistri tähis
    decisionNumber: URIRef  # kutsenõukogu otsuse number
    decisionDate: URIRef
    validUntil: URIRef
    standardVersion: URIRef
    nameOnCertificate: URIRef  # specialisation -> "Nimetus kutsetunnistusel"

    # Provenance
    sourceFile: URIRef  # file name the resource was parsed from
    sourceLine: URIRef  # 1-based line in that file

    # History (graph/changes.py)
    VersionChange: URIRef
    Change: URIRef
    fromVersion: URIRef
    toVersion: URIRef
    fromVersionKey: URIRef
    toVersionKey: URIRef
    hasChange: URIRef
    changeKind: URIRef
    oldResource: URIRef
    newResource: URIRef
    oldValue: URIRef
    newValue: URIRef
    changedField: URIRef
    lineageReason: URIRef
    titleSimilarity: URIRef


# The model's competence groups (model.GROUPS) -> their individuals. The specialisation group is
# not kutse:specialisation, which would differ from the class kutse:Specialisation only by case.
GROUP_TERMS = {"mandatory": KUTSE.mandatory, "optional": KUTSE.optional,
               "specialisation": KUTSE.specialisationGroup, "transversal": KUTSE.transversal}


class ELM(DefinedNamespace):
    """The European Learning Model: the terms of the EU's LOQ profile (shapes/elm/), the only
    ELM terms the ELM view may write."""

    _NS = Namespace("http://data.europa.eu/snb/model/elm/")
    _fail = True

    # Classes
    Accreditation: URIRef
    Address: URIRef
    Agent: URIRef
    Amount: URIRef
    AwardingOpportunity: URIRef
    ContactPoint: URIRef
    CreditPoint: URIRef
    EQFLevel: URIRef
    GradingScheme: URIRef
    Grant: URIRef
    Group: URIRef
    ISCEDFCode: URIRef
    Identifier: URIRef
    LearningAchievementSpecification: URIRef
    LearningActivitySpecification: URIRef
    LearningAssessmentSpecification: URIRef
    LearningEntitlementSpecification: URIRef
    LearningOpportunity: URIRef
    LearningOutcome: URIRef
    LegalIdentifier: URIRef
    Mailbox: URIRef
    MediaObject: URIRef
    NQFLevel: URIRef
    Note: URIRef
    Organisation: URIRef
    Phone: URIRef
    PriceDetail: URIRef
    Qualification: URIRef
    QualificationReference: URIRef
    Specification: URIRef
    WebResource: URIRef

    # Properties
    accreditation: URIRef
    accreditingAgent: URIRef
    additionalNote: URIRef
    address: URIRef
    admissionProcedure: URIRef
    amount: URIRef
    applicationDeadline: URIRef
    areaDialing: URIRef
    attachmentType: URIRef
    awardingBody: URIRef
    awardingOpportunity: URIRef
    bannerImage: URIRef
    category: URIRef
    contactForm: URIRef
    contactHour: URIRef
    contactPoint: URIRef
    content: URIRef
    contentEncoding: URIRef
    contentSize: URIRef
    contentType: URIRef
    contentUrl: URIRef
    countryCode: URIRef
    countryDialing: URIRef
    creditPoint: URIRef
    decision: URIRef
    defaultLanguage: URIRef
    dialNumber: URIRef
    duration: URIRef
    educationLevel: URIRef
    educationSubject: URIRef
    eidasLegalIdentifier: URIRef
    emailAddress: URIRef
    endDate: URIRef
    entitledBy: URIRef
    entitlementStatus: URIRef
    entitlesTo: URIRef
    entryRequirement: URIRef
    expiryDate: URIRef
    framework: URIRef
    fullAddress: URIRef
    generalisationOf: URIRef
    geographicName: URIRef
    gradingScheme: URIRef
    grant: URIRef
    groupMemberOf: URIRef
    hasPart: URIRef
    influencedBy: URIRef
    influences: URIRef
    isPartOf: URIRef
    isPartialQualification: URIRef
    landingPage: URIRef
    learningAchievementSpecification: URIRef
    learningActivitySpecification: URIRef
    learningOutcome: URIRef
    learningOutcomeSummary: URIRef
    learningSchedule: URIRef
    learningSetting: URIRef
    limitEQFLevel: URIRef
    limitField: URIRef
    limitJurisdiction: URIRef
    limitNationalOccupation: URIRef
    limitOccupation: URIRef
    limitOrganisation: URIRef
    limitQualification: URIRef
    location: URIRef
    logo: URIRef
    maximumDuration: URIRef
    mode: URIRef
    noteFormat: URIRef
    noteLiteral: URIRef
    organisation: URIRef
    phone: URIRef
    phoneNumber: URIRef
    point: URIRef
    priceDetail: URIRef
    provenBy: URIRef
    proves: URIRef
    providedBy: URIRef
    qualificationCode: URIRef
    relatedESCOSkill: URIRef
    relatedSkill: URIRef
    report: URIRef
    reusabilityLevel: URIRef
    reviewDate: URIRef
    scheduleInformation: URIRef
    schemeId: URIRef
    schemeName: URIRef
    schemeVersion: URIRef
    spatialCode: URIRef
    specialisationOf: URIRef
    startDate: URIRef
    status: URIRef
    supplementaryDocument: URIRef
    targetGroup: URIRef
    taxIdentifier: URIRef
    unit: URIRef
    vatIdentifier: URIRef
    volumeOfLearning: URIRef


class ESCO(DefinedNamespace):
    """The ESCO model terms the reference graph and the alignments use (ontology/esco.ttl)."""

    _NS = Namespace("http://data.europa.eu/esco/model#")
    _fail = True

    ISCOGroup: URIRef
    Occupation: URIRef
    Skill: URIRef
    memberOfISCOGroup: URIRef
    skillType: URIRef


class ADMS(DefinedNamespace):
    """Asset Description Metadata Schema: identifiers in the ELM view."""

    _NS = Namespace("http://www.w3.org/ns/adms#")
    _fail = True

    identifier: URIRef
    schemeAgency: URIRef


class ROV(DefinedNamespace):
    """Registered Organization Vocabulary: the council's legal name in the ELM view."""

    _NS = Namespace("http://www.w3.org/ns/regorg#")
    _fail = True

    legalName: URIRef
    registration: URIRef


class VANN(DefinedNamespace):
    """Vocabulary annotations: the ontology's preferred prefix."""

    _NS = Namespace("http://purl.org/vocab/vann/")
    _fail = True

    preferredNamespacePrefix: URIRef
    preferredNamespaceUri: URIRef


class SCHEMA(SDO):
    """schema.org, failing on a name schema.org does not define (rdflib's SDO accepts any)."""

    _fail = True


class DCAT(_DCAT):
    """DCAT, failing on unknown names (rdflib's is DCAT 2: the DCAT 3 versioning terms added)."""

    _fail = True

    version: URIRef
    previousVersion: URIRef
    hasVersion: URIRef
    hasCurrentVersion: URIRef


class XSD(_XSD):
    """XML Schema datatypes, failing on unknown names."""

    _fail = True


# The one prefix table. Subsets are taken by name with `prefixes`; this order is not written
# anywhere.
PREFIXES: dict[str, str] = {
    "kutse": str(KUTSE),
    "ecf4": str(ECF4),
    "ecf3": str(ECF3),
    "ecfl": str(ECF_LEVEL),
    "eqf": str(EQF),
    "estqf": str(ESTQF),
    "isco": str(ESCO_ISCO),
    "esco": str(ESCO),
    "elm": str(ELM),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "adms": str(ADMS),
    "rov": str(ROV),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "vann": str(VANN),
}


def prefixes(*names: str) -> dict[str, str]:
    """The prefixes `names` from PREFIXES, in the order given (the order a Turtle file writes
    them). A name not in the table raises KeyError."""
    return {name: PREFIXES[name] for name in names}


def _terms_as_attributes(*vocabularies) -> None:
    """Each vocabulary's terms set as attributes of its class, with the values its lookup gives.
    A DefinedNamespace finds a term through its metaclass's __getattr__ and an lru_cache on every
    use (~1 µs); a unit of the build reads terms ~3,000 times. A name the vocabulary does not
    define still goes to that lookup and fails there. Only the vocabularies the units read
    (schema.org's 2,768 terms would cost every process ~0.1 s at import)."""
    for vocabulary in vocabularies:
        for klass in vocabulary.__mro__:
            for name in vars(klass).get("__annotations__", {}):
                if not name.startswith("_") and name not in vars(vocabulary):
                    setattr(vocabulary, name, vocabulary[name])


_terms_as_attributes(KUTSE, ELM, ESCO, ADMS, DCAT, XSD, SKOS, DCTERMS, RDF, RDFS, OWL)
