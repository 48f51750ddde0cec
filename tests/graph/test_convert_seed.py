"""The seed standard (standards/it-juht-tase-7.txt) through parse -> convert.

Expected values were read off the seed by hand: 19 competences B.3.1-B.3.19 at EKR 7 (lines
167-341), 78 performance indicators (5+4+5+3+5+3+3+3+4+3+2+5+4+4+4+5+5+5+6), five partial
qualifications in B.1 (lines 119-128), 14 general skills (lines 143-158), 19 work parts (lines
64-82), six authors (lines 358-363), English name on line 388, ISCO 1330 on line 381.
"""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kutse_rdf.config import Config
from kutse_rdf.graph.convert import standard_graph
from kutse_rdf.graph.namespaces import ECF4, EQF, ESCO_ISCO, KUTSE, SCHEMA

S = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft"


def uri(path: str = "") -> URIRef:
    return URIRef(S + path)


@pytest.fixture(scope="module")
def graph(seed_standard):
    return standard_graph(seed_standard, Config())


def test_competences_all_at_eqf_7(graph):
    comps = set(graph.subjects(RDF.type, KUTSE.Competence))
    assert comps == {uri(f"/competence/B.3.{n}") for n in range(1, 20)}
    for comp in comps:
        assert graph.value(comp, KUTSE.hasLevel) == EQF["7"]
        assert graph.value(comp, KUTSE.estqfLevel) == Literal(7)
        assert graph.value(comp, KUTSE.competenceGroup) == KUTSE.mandatory
        assert len(list(graph.objects(comp, SKOS.prefLabel))) == 1


def test_78_indicators_each_linked_to_one_competence(graph):
    indicators = set(graph.subjects(RDF.type, KUTSE.PerformanceIndicator))
    assert len(indicators) == 78
    assert len(set(graph.subject_objects(KUTSE.hasIndicator))) == 78
    assert len(list(graph.objects(uri("/competence/B.3.19"), KUTSE.hasIndicator))) == 6
    assert len(list(graph.objects(uri("/competence/B.3.11"), KUTSE.hasIndicator))) == 2


def test_ecf_citations_link_to_ecf_4_concepts(graph):
    assert graph.value(uri(), KUTSE.ecfVersion) == Literal("4.0")
    cites = {code: set(graph.objects(uri(f"/competence/{code}"), KUTSE.citesEcf))
             for code in ("B.3.5", "B.3.18")}
    assert cites == {"B.3.5": {ECF4["A.7"], ECF4["A.9"]}, "B.3.18": {ECF4["E.8"], ECF4["D.1"]}}
    assert set(graph.objects(uri("/competence/B.3.1"), KUTSE.citesEcf)) == {ECF4["A.1"]}
    assert all(str(o).startswith(str(ECF4)) for o in graph.objects(None, KUTSE.citesEcf))


def test_qualification(graph):
    qual = uri("/qualification")
    assert set(graph.objects(qual, SKOS.prefLabel)) == {
        Literal("IT-juht, tase 7", lang="et"), Literal("IT manager, EstQF Level 7", lang="en")}
    assert graph.value(qual, KUTSE.iscoGroup) == ESCO_ISCO["C1330"]
    assert graph.value(qual, KUTSE.iscoCode) == Literal("1330")
    # C.1 item 8, line 381: "1330 IKT-juhid"
    assert graph.value(qual, KUTSE.iscoLabel) == Literal("IKT-juhid", lang="et")
    assert graph.value(qual, KUTSE.hasLevel) == EQF["7"]
    # B.1 line 117: "kohustuslikud kompetentsid B.3.1.- B.3.19. ja üldoskused B.2."
    assert len(set(graph.objects(qual, KUTSE.requiresCompetence))) == 19
    assert len(set(graph.objects(qual, KUTSE.requiresGeneralSkill))) == 14


def test_five_partial_qualifications(graph):
    slugs = {"it-arendusjuht-tase-7", "it-haldusjuht-tase-7",
             "it-meeskonna-ja-partnerlusjuht-tase-7", "andmehaldusejuht-tase-7",
             "infoturbejuht-tase-7"}
    partials = set(graph.subjects(RDF.type, KUTSE.PartialQualification))
    assert partials == {uri(f"/partial/{s}") for s in slugs}
    assert set(graph.objects(uri("/qualification"), KUTSE.hasPartialQualification)) == partials
    # line 123: meeskonna- ja partnerlusjuht needs B.3.5, B.3.10, B.3.13, B.3.15
    team = uri("/partial/it-meeskonna-ja-partnerlusjuht-tase-7")
    assert set(graph.objects(team, KUTSE.requiresCompetence)) == {
        uri(f"/competence/B.3.{n}") for n in (5, 10, 13, 15)}
    assert graph.value(team, SKOS.prefLabel) == Literal("IT meeskonna- ja partnerlusjuht, tase 7",
                                                        lang="et")
    for partial in partials:
        assert graph.value(partial, SKOS.broader) is None  # part of, not kind of
        assert graph.value(partial, KUTSE.isPartialQualificationOf) == uri("/qualification")
        assert graph.value(partial, KUTSE.hasLevel) == EQF["7"]
        assert len(set(graph.objects(partial, KUTSE.requiresGeneralSkill))) == 14


@pytest.mark.parametrize("path, line", [
    ("/competence/B.3.1", 167),
    ("/competence/B.3.5", 204),
    ("/competence/B.3.5#indicator-1", 208),
    ("/competence/B.3.5#indicator-5", 212),
    ("/competence/B.3.6", 214),  # after the "[bookmark: ...]" debris on the same line
    ("/competence/B.3.18", 322),
    ("/competence/B.3.19#indicator-6", 341),
    ("#general-skill-1", 143),
    ("#general-skill-14", 158),
    ("#work-part-A.2.5", 68),
    ("#work-part-A.2.19", 82),
    ("#author-peeter-normak", 358),
    ("#author-ivo-suursoo", 363),
    ("#section-A.1", 40),
    ("#section-intro", 5),  # the untitled opening paragraph
    ("#section-kvalifikatsiooninouded-kutse-taotlemisel-kutse-taastoendamisel", 132),  # no code
    ("/partial/it-meeskonna-ja-partnerlusjuht-tase-7", 123),
])
def test_source_lines_match_the_seed(graph, path, line):
    assert graph.value(uri(path), KUTSE.sourceLine) == Literal(line)
    assert graph.value(uri(path), KUTSE.sourceFile) == Literal("it-juht-tase-7.txt")


def test_labels_as_written(graph):
    assert graph.value(uri("/competence/B.3.5#indicator-1"), RDFS.label) == Literal(
        "Jälgib ja omab ülevaadet IT valdkonna arengutrendidest ning nende rakendamiste "
        "võimalikkusest äriprotsessides.", lang="et")
    assert graph.value(uri("#general-skill-1"), KUTSE.skillGroup) == Literal("Mõtlemisoskused",
                                                                             lang="et")
    assert graph.value(uri("#general-skill-5"), KUTSE.skillGroup) == Literal(
        "Enesejuhtimisoskused", lang="et")
    # line 360: "Ants Sild – Baltic Computer Systems AS"
    org = graph.value(uri("#author-ants-sild"), SCHEMA.affiliation)
    assert org == URIRef("https://w3id.org/kutse-rdf/id/organisation/baltic-computer-systems-as")
    assert graph.value(org, SCHEMA.name) == Literal("Baltic Computer Systems AS")


def test_counts_of_other_resources(graph):
    assert len(set(graph.subjects(RDF.type, KUTSE.GeneralSkill))) == 14
    assert len(set(graph.subjects(RDF.type, KUTSE.WorkPart))) == 19
    assert len(set(graph.subjects(RDF.type, KUTSE.Author))) == 6
    # lines 358-363: six authors from six organisations, each one resource named as written
    assert sorted(graph.objects(None, SCHEMA.affiliation)) == sorted(
        URIRef("https://w3id.org/kutse-rdf/id/organisation/" + slug) for slug in (
            "tallinna-ulikool", "skywish-ou", "baltic-computer-systems-as", "focusit-ou",
            "swedbank-as", "columbus-eesti-as"))
    assert {str(graph.value(o, RDFS.label)) for o in graph.subjects(RDF.type, SCHEMA.Organization)} \
        == {"Tallinna Ülikool", "Skywish OÜ", "Baltic Computer Systems AS", "FocusIT OÜ",
            "Swedbank AS", "Columbus Eesti AS"}
    assert len(set(graph.subjects(RDF.type, KUTSE.ProfessionalCouncil))) == 1


def test_the_seed_draft_is_no_awardable_credential(graph):
    """Line 5: "... on õppekava aluseks ning ei ole kutse andmise aluseks"; C.1 items 4-5 (the
    council's decision) are empty."""
    from kutse_rdf.graph.namespaces import SCHEMA

    for node in [uri("/qualification")] + list(graph.subjects(RDF.type, KUTSE.PartialQualification)):
        assert graph.value(node, KUTSE.awardable) == Literal(False)
        assert (node, RDF.type, SCHEMA.EducationalOccupationalCredential) not in graph
        assert "not a basis for awarding" in str(graph.value(node, SKOS.editorialNote))
