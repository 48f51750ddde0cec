"""convert.py on hand-built standards: every part of the contract's "triples of one standard".

The values are facts of standards/it-juht-tase-7.txt (line numbers checked by reading it), put
into the model by hand so that these tests do not depend on the parser.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kutse_rdf import __version__
from kutse_rdf.config import Config
from kutse_rdf.graph.convert import TOOL, standard_graph
from kutse_rdf.errors import DataError
from kutse_rdf.model import (Author, Competence, CompetenceRef, GeneralSkill, Line,
                             PartialQualification, Section, Specialisation, Standard, WorkPart)
from kutse_rdf.graph.namespaces import DCAT, ECF3, ECF4, EQF, ESCO_ISCO, KUTSE, SCHEMA

S = URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft")
QUAL = URIRef(S + "/qualification")
B35 = URIRef(S + "/competence/B.3.5")
B318 = URIRef(S + "/competence/B.3.18")
ARENDUS = URIRef(S + "/partial/it-arendusjuht-tase-7")
COUNCIL = URIRef("https://w3id.org/kutse-rdf/id/council/"
                 "infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu")
BUILT = datetime(2026, 11, 27, 12, 30, tzinfo=timezone.utc)


def seed_like(**changes) -> Standard:
    """A part of the seed, as the parser should give it."""
    b35 = Competence(
        code="B.3.5", title="Tehnoloogia arengu jälgimine ja innovatsioon", group="mandatory",
        level=7, ecf=["A.7", "A.9"], line=204, assessment=None, knowledge=[],
        indicators=[Line("Jälgib ja omab ülevaadet IT valdkonna arengutrendidest ning nende "
                         "rakendamiste võimalikkusest äriprotsessides.", 208),
                    Line("Analüüsib äriprotsesse ja pakub innovaatilisi lahendusi "
                         "äriprotsesside täiustamiseks.", 209)])
    b318 = Competence(
        code="B.3.18", title="Infoturbestrateegia väljatöötamine ja haldamine",
        group="mandatory", level=7, ecf=["E.8", "D.1"], line=322,
        assessment="Hindamismeetod: portfoolio", assessment_line=330,
        knowledge=[Line("Infoturbe standardid", 331)],
        indicators=[Line("Kasutab üldtunnustatud raamistikke ...", 326)])
    std = Standard(
        source_file="it-juht-tase-7.txt", title="IT-juht, tase 7", level=7, line=2,
        name_en="IT manager, EstQF Level 7", eqf=7, isco=["1", "13", "133", "1330"],
        isco_label="IKT-juhid",
        approved_by="Infotehnoloogia ja telekommunikatsiooni kutsenõukogu",
        authors=[Author("Peeter Normak", "Tallinna Ülikool", 358), Author("Rando Sui", None, 359)],
        sections=[Section("A.1", "Töö kirjeldus", [Line("IT-juhi töö eesmärgiks ...", 42),
                                                   Line("IT-juhi töökeskkonnaks ...", 44)], 40),
                  Section(None, "", [Line("Kutsestandard on dokument ...", 5)], 5)],
        work_parts=[WorkPart("A.2.5", "Tehnoloogia arengu jälgimine ja innovatsioon",
                             ["A.7", "A.9"], 68)],
        general_skills=[GeneralSkill("Mõtlemisoskused", "Seab isikliku arengu eesmärke ja "
                                     "järgib elukestva õppe põhimõtet.", 143, 1),
                        GeneralSkill("Enesejuhtimisoskused", "Teeb eesmärgi saavutamiseks ...",
                                     148, 5)],
        competences=[b35, b318],
        qualification_competences=[CompetenceRef("B.3.5", None, 117),
                                   CompetenceRef("B.3.18", None, 117)],
        qualification_requires_general_skills=True,
        partial_qualifications=[PartialQualification(
            "IT arendusjuht, tase 7", 7,
            [CompetenceRef("B.3.5", "Tehnoloogia arengu jälgimine ja innovatsioon", 119)],
            19, requires_general_skills=True)],
    )
    for key, value in changes.items():
        setattr(std, key, value)
    return std


@pytest.fixture
def graph():
    return standard_graph(seed_like(), Config(), BUILT)


def test_graph_is_named_after_the_standard(graph):
    assert graph.identifier == URIRef("https://w3id.org/kutse-rdf/id/graph/it-juht-tase-7/version/draft")


def test_standard_is_a_concept_scheme_with_its_qualification(graph):
    assert set(graph.objects(S, RDF.type)) == {KUTSE.OccupationalStandard, SKOS.ConceptScheme}
    assert graph.value(S, SKOS.prefLabel) == Literal("IT-juht, tase 7", lang="et")
    assert graph.value(S, DCTERMS.title) == Literal("IT-juht, tase 7", lang="et")
    assert graph.value(S, SKOS.hasTopConcept) == QUAL
    assert graph.value(S, KUTSE.describesQualification) == QUAL
    assert graph.value(S, KUTSE.ecfVersion) == Literal("4.0")
    assert graph.value(S, KUTSE.sourceFile) == Literal("it-juht-tase-7.txt")
    assert graph.value(S, KUTSE.sourceLine) == Literal(2)
    # C.1 items 1, 4-7 are empty in the seed: no triple rather than an empty literal
    for prop in (KUTSE.registerCode, KUTSE.decisionNumber, KUTSE.decisionDate,
                 KUTSE.validUntil, KUTSE.standardVersion):
        assert graph.value(S, prop) is None


def test_filled_in_register_fields(graph):
    g = standard_graph(seed_like(register_code="KS-1234", decision_number="12",
                                 decision_date="2023-11-14", valid_until="kuni uue kinnitamiseni",
                                 version="1"), Config(), BUILT)
    v1 = URIRef(S.replace("/version/draft", "/version/1"))  # a version number: version 1
    assert g.value(v1, KUTSE.registerCode) == Literal("KS-1234")
    assert g.value(v1, KUTSE.decisionNumber) == Literal("12")
    assert g.value(v1, KUTSE.decisionDate) == Literal("2023-11-14", datatype=XSD.date)
    assert g.value(v1, KUTSE.validUntil) == Literal("kuni uue kinnitamiseni")  # as written
    assert g.value(v1, KUTSE.standardVersion) == Literal("1")
    # the version: its key; its validity is the two dates above (schema.org's validFrom /
    # validThrough are not terms of a DefinedTermSet)
    assert g.value(v1, DCAT.version) == Literal("1")
    assert g.value(v1, SCHEMA.validFrom) is None and g.value(v1, SCHEMA.validThrough) is None
    assert g.value(v1, DCTERMS.isVersionOf) == URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7")
    assert g.value(URIRef(v1 + "/competence/B.3.5"), DCTERMS.isVersionOf) == URIRef(
        "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/competence/B.3.5")


def test_a_draft_is_version_draft_without_validity(graph):
    assert graph.value(S, DCAT.version) == Literal("draft")
    assert graph.value(S, KUTSE.decisionDate) is None and graph.value(S, KUTSE.validUntil) is None
    for node in (S, QUAL, B35, ARENDUS):
        assert graph.value(node, DCTERMS.isVersionOf) == URIRef(str(node).replace("/version/draft", ""))


def test_qualification_labels_levels_isco(graph):
    assert set(graph.objects(QUAL, RDF.type)) == {KUTSE.Qualification, SKOS.Concept}
    assert set(graph.objects(QUAL, SKOS.prefLabel)) == {
        Literal("IT-juht, tase 7", lang="et"), Literal("IT manager, EstQF Level 7", lang="en")}
    assert graph.value(QUAL, SKOS.inScheme) == S
    assert graph.value(QUAL, SKOS.topConceptOf) == S
    assert graph.value(QUAL, KUTSE.hasLevel) == EQF["7"]
    assert graph.value(QUAL, KUTSE.estqfLevel) == Literal(7)
    assert graph.value(QUAL, KUTSE.estqfLevel).datatype == XSD.integer
    assert graph.value(QUAL, KUTSE.iscoGroup) == ESCO_ISCO["C1330"]
    assert graph.value(QUAL, KUTSE.iscoCode) == Literal("1330")
    assert set(graph.objects(QUAL, KUTSE.requiresCompetence)) == {B35, B318}
    assert set(graph.objects(QUAL, KUTSE.requiresGeneralSkill)) == {
        URIRef(S + "#general-skill-1"), URIRef(S + "#general-skill-2")}
    assert graph.value(QUAL, KUTSE.hasPartialQualification) == ARENDUS


def test_partial_qualification(graph):
    assert set(graph.objects(ARENDUS, RDF.type)) == {KUTSE.PartialQualification, SKOS.Concept}
    assert graph.value(ARENDUS, SKOS.inScheme) == S
    # part of, not kind of: no skos:broader (the specialisations keep it)
    assert graph.value(ARENDUS, SKOS.broader) is None
    assert graph.value(ARENDUS, KUTSE.isPartialQualificationOf) == QUAL
    assert graph.value(ARENDUS, SKOS.prefLabel) == Literal("IT arendusjuht, tase 7", lang="et")
    assert graph.value(ARENDUS, KUTSE.hasLevel) == EQF["7"]
    assert set(graph.objects(ARENDUS, KUTSE.requiresCompetence)) == {B35}
    assert len(set(graph.objects(ARENDUS, KUTSE.requiresGeneralSkill))) == 2
    assert graph.value(ARENDUS, KUTSE.sourceLine) == Literal(19)
    # the title written beside the code in B.1 is kept on the competence
    assert graph.value(B35, KUTSE.referencedAs) == Literal(
        "Tehnoloogia arengu jälgimine ja innovatsioon", lang="et")


NOT_A_BASIS = Section(None, "", [Line("IT-juht, tase 7 kutsestandard on õppekava aluseks ning ei "
                                      "ole kutse andmise aluseks.", 5)], 5)


@pytest.mark.parametrize("changes,reason", [
    ({}, "the professional council's decision is not filled in (a draft)"),
    ({"decision_number": "12", "sections": [NOT_A_BASIS]},
     "the document says it is not a basis for awarding the qualification"),
])
def test_a_qualification_that_cannot_be_awarded_is_no_credential(changes, reason):
    g = standard_graph(seed_like(**changes), Config(), BUILT)
    for node in (QUAL, ARENDUS):
        assert g.value(node, KUTSE.awardable) == Literal(False)
        assert (node, RDF.type, SCHEMA.EducationalOccupationalCredential) not in g
        assert g.value(node, SKOS.editorialNote) == Literal(f"Not awardable: {reason}.", lang="en")


def test_an_approved_qualification_is_a_credential():
    g = standard_graph(seed_like(decision_number="12", decision_date="2023-11-14"), Config(), BUILT)
    for node in (QUAL, ARENDUS):
        assert g.value(node, KUTSE.awardable) == Literal(True)
        assert (node, RDF.type, SCHEMA.EducationalOccupationalCredential) in g
        assert g.value(node, SKOS.editorialNote) is None


def test_levels_link_the_eqf_and_the_estqf_concepts(graph):
    for node in (QUAL, ARENDUS, B35):
        assert graph.value(node, KUTSE.hasLevel) == EQF["7"]
        assert graph.value(node, KUTSE.hasEstqfLevel) == URIRef("https://w3id.org/kutse-rdf/estqf/7")


def test_ecf_version_links_its_scheme_and_records_an_assumption(graph):
    assert graph.value(S, KUTSE.ecfScheme) == URIRef(ECF4)
    # seed_like states no e-CF version: 4.0 was assumed, and the graph says so in both languages
    notes = {n.language: str(n) for n in graph.objects(S, SKOS.editorialNote)}
    assert notes["en"] == ("e-CF version 4.0 assumed: the document does not say which version its "
                           "e-CF codes refer to.")
    assert set(notes) == {"en", "et"}
    stated = standard_graph(seed_like(ecf_version="3.0"), Config(), BUILT)
    assert stated.value(S, KUTSE.ecfScheme) == URIRef(ECF3)
    assert stated.value(S, SKOS.editorialNote) is None
    configured = standard_graph(seed_like(), Config(ecf_version={"it-juht-tase-7": "4.0"}), BUILT)
    assert configured.value(S, SKOS.editorialNote) is None


def test_reference_to_a_missing_competence_is_kept_for_shacl_to_report():
    std = seed_like()
    std.partial_qualifications[0].competences.append(CompetenceRef("B.3.25", None, 119))
    g = standard_graph(std, Config(), BUILT)
    missing = URIRef(S + "/competence/B.3.25")
    assert (ARENDUS, KUTSE.requiresCompetence, missing) in g
    assert (missing, RDF.type, KUTSE.Competence) not in g


def test_competence(graph):
    assert set(graph.objects(B35, RDF.type)) == {KUTSE.Competence, SKOS.Concept}
    assert graph.value(B35, SKOS.inScheme) == S
    assert graph.value(B35, SKOS.notation) == Literal("B.3.5")
    assert list(graph.objects(B35, SKOS.prefLabel)) == [
        Literal("Tehnoloogia arengu jälgimine ja innovatsioon", lang="et")]
    assert graph.value(B35, KUTSE.competenceGroup) == KUTSE.mandatory
    assert graph.value(B35, KUTSE.hasLevel) == EQF["7"]
    assert graph.value(B35, KUTSE.estqfLevel) == Literal(7)
    assert set(graph.objects(B35, KUTSE.citesEcf)) == {ECF4["A.7"], ECF4["A.9"]}
    assert set(graph.objects(B318, KUTSE.citesEcf)) == {ECF4["E.8"], ECF4["D.1"]}
    assert graph.value(B35, KUTSE.order) == Literal(1)
    assert graph.value(B318, KUTSE.order) == Literal(2)
    assert graph.value(B35, KUTSE.assessment) is None
    assert graph.value(B318, KUTSE.assessment) == Literal("Hindamismeetod: portfoolio", lang="et")
    assert graph.value(B35, KUTSE.sourceLine) == Literal(204)
    assert graph.value(B318, KUTSE.sourceLine) == Literal(322)


def test_indicators_and_knowledge(graph):
    first, second = URIRef(B35 + "#indicator-1"), URIRef(B35 + "#indicator-2")
    assert set(graph.objects(B35, KUTSE.hasIndicator)) == {first, second}
    assert graph.value(first, RDF.type) == KUTSE.PerformanceIndicator
    assert graph.value(first, RDFS.label) == Literal(
        "Jälgib ja omab ülevaadet IT valdkonna arengutrendidest ning nende rakendamiste "
        "võimalikkusest äriprotsessides.", lang="et")
    assert graph.value(first, KUTSE.order) == Literal(1)
    assert graph.value(second, KUTSE.order) == Literal(2)
    assert graph.value(first, KUTSE.sourceLine) == Literal(208)
    assert graph.value(second, KUTSE.sourceLine) == Literal(209)
    item = URIRef(B318 + "#knowledge-1")
    assert graph.value(B318, KUTSE.hasKnowledge) == item
    assert graph.value(item, RDF.type) == KUTSE.KnowledgeItem
    assert graph.value(item, RDFS.label) == Literal("Infoturbe standardid", lang="et")
    assert graph.value(item, KUTSE.sourceLine) == Literal(331)


def test_general_skills_work_parts_sections_authors_council(graph):
    skill = URIRef(S + "#general-skill-1")
    assert (S, KUTSE.hasGeneralSkill, skill) in graph
    assert graph.value(skill, RDF.type) == KUTSE.GeneralSkill
    assert graph.value(skill, KUTSE.skillGroup) == Literal("Mõtlemisoskused", lang="et")
    assert graph.value(skill, KUTSE.sourceLine) == Literal(143)
    part = URIRef(S + "#work-part-A.2.5")
    assert (S, KUTSE.hasWorkPart, part) in graph
    assert graph.value(part, RDF.type) == KUTSE.WorkPart
    assert graph.value(part, SKOS.notation) == Literal("A.2.5")
    assert set(graph.objects(part, KUTSE.citesEcf)) == {ECF4["A.7"], ECF4["A.9"]}
    assert graph.value(part, KUTSE.sourceLine) == Literal(68)
    section = URIRef(S + "#section-A.1")
    assert graph.value(section, RDF.type) == KUTSE.Section
    assert graph.value(section, DCTERMS.title) == Literal("Töö kirjeldus", lang="et")
    assert graph.value(section, RDF.value) == Literal(
        "IT-juhi töö eesmärgiks ...\n\nIT-juhi töökeskkonnaks ...", lang="et")
    intro = URIRef(S + "#section-intro")
    assert (S, KUTSE.hasSection, intro) in graph
    assert graph.value(intro, DCTERMS.title) is None  # untitled text: no empty title
    author = URIRef(S + "#author-peeter-normak")
    assert graph.value(author, RDF.type) == KUTSE.Author
    assert graph.value(author, SCHEMA.name) == Literal("Peeter Normak")
    # the organisation beside the name (seed line 358) is a resource, not a literal
    org = URIRef("https://w3id.org/kutse-rdf/id/organisation/tallinna-ulikool")
    assert list(graph.objects(author, SCHEMA.affiliation)) == [org]
    assert graph.value(org, RDF.type) == SCHEMA.Organization
    assert graph.value(org, SCHEMA.name) == Literal("Tallinna Ülikool")
    assert graph.value(org, RDFS.label) == Literal("Tallinna Ülikool", lang="et")
    assert graph.value(URIRef(S + "#author-rando-sui"), SCHEMA.affiliation) is None
    assert not any(p == KUTSE._NS + "organisation" for p in graph.predicates())
    assert graph.value(S, KUTSE.approvedBy) == COUNCIL
    assert graph.value(COUNCIL, RDF.type) == KUTSE.ProfessionalCouncil
    assert graph.value(COUNCIL, RDFS.label) == Literal(
        "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu", lang="et")


def test_specialisation():
    std = seed_like(specialisations=[Specialisation(
        "Võrguhaldus", [CompetenceRef("B.3.18", None, 140)], 138,
        name_on_certificate="IT-juht, tase 7, võrguhaldus")])
    g = standard_graph(std, Config(), BUILT)
    spec = URIRef(S + "/specialisation/vorguhaldus")
    assert (QUAL, KUTSE.hasSpecialisation, spec) in g
    assert set(g.objects(spec, RDF.type)) == {KUTSE.Specialisation, SKOS.Concept}
    assert g.value(spec, SKOS.broader) == QUAL
    assert g.value(spec, KUTSE.isSpecialisationOf) == QUAL
    assert g.value(spec, KUTSE.nameOnCertificate) == Literal("IT-juht, tase 7, võrguhaldus",
                                                             lang="et")
    assert g.value(spec, KUTSE.requiresCompetence) == B318
    assert g.value(spec, KUTSE.sourceLine) == Literal(138)


def test_every_resource_from_a_line_records_file_and_line(graph):
    # shared by standards: no line of one document
    shared = {COUNCIL, TOOL, URIRef("https://w3id.org/kutse-rdf/id/organisation/tallinna-ulikool")}
    build = URIRef(str(S) + "#build")  # the activity that made the graph: no line either
    for subject in set(graph.subjects()):
        if subject in shared | {build}:
            continue
        assert graph.value(subject, KUTSE.sourceFile) == Literal("it-juht-tase-7.txt"), subject
        assert isinstance(graph.value(subject, KUTSE.sourceLine).value, int), subject


def test_provenance_activity(graph):
    activity = graph.value(S, PROV.wasGeneratedBy)
    assert activity == URIRef(str(S) + "#build")  # not a blank node: dumps stay byte-stable
    assert graph.value(activity, RDF.type) == PROV.Activity
    ended = graph.value(activity, PROV.endedAtTime)  # canonical lexical form, as stores keep it
    assert (str(ended), ended.datatype) == ("2026-11-27T12:30:00Z", XSD.dateTime)
    assert graph.value(activity, PROV.wasAssociatedWith) == TOOL
    assert TOOL == URIRef(f"https://w3id.org/kutse-rdf/tool/{__version__}")
    assert graph.value(TOOL, RDF.type) == PROV.SoftwareAgent


def test_build_time_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    g = standard_graph(seed_like(), Config())
    ended = g.value(g.value(S, PROV.wasGeneratedBy), PROV.endedAtTime)
    assert (str(ended), ended.datatype) == ("2023-11-14T22:13:20Z", XSD.dateTime)


def test_ecf_version_stated_default_and_override():
    stated = standard_graph(seed_like(ecf_version="3.0"), Config(), BUILT)
    assert stated.value(S, KUTSE.ecfVersion) == Literal("3.0")
    assert set(stated.objects(B35, KUTSE.citesEcf)) == {ECF3["A.7"], ECF3["A.9"]}
    override = Config(ecf_version={"it-juht-tase-7": "3.0"})
    assert set(standard_graph(seed_like(), override, BUILT).objects(B35, KUTSE.citesEcf)) == {
        ECF3["A.7"], ECF3["A.9"]}
    # the per-standard override wins over what the document says
    back = Config(ecf_version={"it-juht-tase-7": "4.0"})
    assert set(standard_graph(seed_like(ecf_version="3.0"), back, BUILT).objects(
        B35, KUTSE.citesEcf)) == {ECF4["A.7"], ECF4["A.9"]}
    default_3 = Config(ecf_default_version="3.0")
    graph = standard_graph(seed_like(), default_3, BUILT)
    assert graph.value(S, KUTSE.ecfVersion) == Literal("3.0")


def test_eqf_level_of_c1_wins_over_ekr_level():
    g = standard_graph(seed_like(level=5, eqf=4), Config(), BUILT)
    assert g.value(QUAL, KUTSE.estqfLevel) == Literal(5)
    assert g.value(QUAL, KUTSE.hasLevel) == EQF["4"]


def test_no_level_no_level_triples():
    std = seed_like()
    std.competences[0].level = None
    g = standard_graph(std, Config(), BUILT)
    assert g.value(B35, KUTSE.hasLevel) is None and g.value(B35, KUTSE.estqfLevel) is None


def test_duplicate_competence_code_is_a_data_error_with_its_line():
    std = seed_like()
    std.competences.append(Competence("B.3.5", "Teine", "optional", 7, [], [], [], None, 400))
    with pytest.raises(DataError) as exc:
        standard_graph(std, Config(), BUILT)
    assert str(exc.value) == ("it-juht-tase-7.txt:400: competence gives the same URI as the one "
                              "on line 204: " + str(B35))


def test_labels_carry_language_tags(graph):
    for s, p, o in graph:
        if p in (SKOS.prefLabel, RDFS.label, DCTERMS.title, KUTSE.skillGroup, RDF.value,
                 KUTSE.assessment, KUTSE.referencedAs) and s != TOOL:
            assert isinstance(o, Literal) and o.language in ("et", "en"), (s, p, o)
