"""The ELM export: structure, conformance to the EU's LOQ SHACL profile (shapes/elm/), the
known results of the vocabulary-constraint file, and the build outputs."""
from __future__ import annotations

import json
import sys
import time
import types

import pytest
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from kutse_rdf.config import Config
from kutse_rdf.graph.elm import ADMS, ROV, elm_graph
from kutse_rdf.model import (Competence, CompetenceRef, GeneralSkill, Line, PartialQualification,
                             Section, Specialisation, Standard)
from kutse_rdf.graph.namespaces import ECF4, ELM, KUTSE
from kutse_rdf.resources import resource_dir

B = "https://w3id.org/kutse-rdf/id/"
S = B + "standard/it-juht-tase-7/version/draft/"
KG_QUAL = URIRef(S + "qualification")  # the knowledge graph's skos:Concept
QUAL = URIRef(S + "qualification#elm-qualification")  # the ELM view's own elm:Qualification


def elm_node(path: str) -> URIRef:
    """The ELM view's elm:Qualification of the knowledge graph's `S + path`."""
    return URIRef(S + path + "#elm-qualification")
COUNCIL = "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu"
# A candidate ESCO skill for e-CF A.1, from the project's reference list (esco.tsv, ESCO v1.2).
ESCO_SKILL = URIRef("http://data.europa.eu/esco/skill/3cfa46e9-b7da-44ac-b09e-9596dffe0425")
ESCO_SCHEME = URIRef("http://data.europa.eu/esco/concept-scheme/skills")


def shapes(name: str) -> Graph:
    return Graph().parse(resource_dir("shapes") / "elm" / name)



def validate(data: Graph, **kwargs):
    """pySHACL wants a context-aware store; elm_graph builds on rdflib's faster plain one."""
    graph = Graph()
    graph += data
    return pyshacl.validate(graph, **kwargs)

@pytest.fixture(scope="module")
def loq() -> Graph:
    return shapes("LOQ-constraints.ttl")


@pytest.fixture(scope="module")
def mdr() -> Graph:
    return shapes("LOQ-constraints-mdr.ttl")


@pytest.fixture
def small() -> Standard:
    """A cut-down IT-juht, tase 7, with texts as the seed document has them (lines 1-400)."""
    return Standard(
        source_file="it-juht-tase-7.txt", title="IT-juht, tase 7", level=7, eqf=7,
        name_en="IT manager, EstQF Level 7", approved_by=COUNCIL,
        sections=[Section("A.1", "Töö kirjeldus", [
            Line("IT-juhi töö eesmärgiks on organisatsiooni põhiprotsesse ja eesmärke "
                 "toetava IT visiooni, strateegia ja tegevusplaanide väljatöötamine.", 42)],
            40)],
        general_skills=[GeneralSkill("Mõtlemisoskused", "Seab isikliku arengu eesmärke ja "
                                     "järgib elukestva õppe põhimõtet.", 141, 1)],
        competences=[
            Competence("B.3.1", "Infosüsteemi ja äristrateegia kooskõlastamine", "mandatory", 7,
                       ["A.1"], [Line("Teeb IT valdkonnas olulisi otsuseid ja valikuid.", 173)],
                       [], None, 167),
            Competence("B.3.5", "Tehnoloogia arengu jälgimine ja innovatsioon", "mandatory", 7,
                       ["A.7", "A.9"], [], [], None, 204)],
        qualification_competences=[CompetenceRef("B.3.1", None, 124),
                                   CompetenceRef("B.3.5", None, 124)],
        qualification_requires_general_skills=True,
        partial_qualifications=[PartialQualification(
            "IT meeskonna- ja partnerlusjuht, tase 7", 7,
            [CompetenceRef("B.3.5", "Tehnoloogia arengu jälgimine ja innovatsioon", 130)], 130,
            requires_general_skills=True)])


@pytest.fixture
def esco_mapping(monkeypatch):
    """Curated mappings as kutse_rdf.graph.vocab.load_mappings gives them: B.3.1 -> an ESCO skill.
    The subject uses the default base, so a deployment with another base must still match, and
    names the version-independent competence, as curated mappings do: it holds for each version."""
    def load_mappings(config):
        return [types.SimpleNamespace(
            subject=B + "standard/it-juht-tase-7/competence/B.3.1", predicate=str(SKOS.narrowMatch),
            object=str(ESCO_SKILL), object_label="optimise choice of ICT solution")]
    monkeypatch.setitem(sys.modules, "kutse_rdf.graph.vocab",
                        types.SimpleNamespace(load_mappings=load_mappings))


def results(report: Graph) -> list[tuple]:
    """(focus, path, value, constraint component) of every top-level result (pySHACL also
    types the nested sh:detail results as sh:ValidationResult)."""
    return sorted((report.value(r, SH.focusNode), report.value(r, SH.resultPath),
                   report.value(r, SH.value), report.value(r, SH.sourceConstraintComponent))
                  for r in report.objects(None, SH.result))


def test_small_standard_structure(small, esco_mapping):
    g = elm_graph([small], Config())
    partial = elm_node("partial/it-meeskonna-ja-partnerlusjuht-tase-7")
    assert set(g.subjects(RDF.type, ELM.Qualification)) == {QUAL, partial}
    assert set(g.objects(QUAL, DCTERMS.title)) == {Literal("IT-juht, tase 7", lang="et"),
                                                   Literal("IT manager, EstQF Level 7", lang="en")}
    assert g.value(QUAL, ELM.isPartialQualification) == Literal(False)
    assert g.value(partial, ELM.isPartialQualification) == Literal(True)
    assert (partial, ELM.isPartOf, QUAL) in g and (QUAL, ELM.hasPart, partial) in g
    for q in (QUAL, partial):
        assert list(g.objects(q, ELM.EQFLevel)) == [URIRef("http://data.europa.eu/snb/eqf/7")]
        assert list(g.objects(q, ELM.NQFLevel)) == [URIRef("https://w3id.org/kutse-rdf/estqf/7")]
        assert list(g.objects(q, ELM.ISCEDFCode)) == [
            URIRef("http://data.europa.eu/snb/isced-f/0688")]
    b31 = URIRef(S + "competence/B.3.1#learning-outcome")
    b35 = URIRef(S + "competence/B.3.5#learning-outcome")
    gs1 = URIRef(S[:-1] + "#general-skill-1-learning-outcome")
    assert set(g.objects(QUAL, ELM.learningOutcome)) == {b31, b35, gs1}
    assert set(g.objects(partial, ELM.learningOutcome)) == {b35, gs1}
    assert g.value(b35, DCTERMS.title) == Literal(
        "Tehnoloogia arengu jälgimine ja innovatsioon", lang="et")
    assert set(g.objects(b35, ELM.relatedSkill)) == {ECF4["A.7"], ECF4["A.9"]}
    assert list(g.objects(b31, ELM.relatedESCOSkill)) == [ESCO_SKILL]
    assert list(g.objects(b35, ELM.relatedESCOSkill)) == []
    notes = [g.value(n, ELM.noteLiteral) for n in g.objects(b31, ELM.additionalNote)]
    assert notes == [Literal("Teeb IT valdkonnas olulisi otsuseid ja valikuid.", lang="et")]
    assert g.value(g.value(b31, ADMS.identifier), SKOS.notation) == Literal("B.3.1")
    council = g.value(QUAL, DCTERMS.publisher)
    assert council == URIRef(B + "council/infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu")
    assert g.value(council, ROV.legalName) == Literal(COUNCIL, lang="et")
    assert str(g.value(QUAL, DCTERMS.description)).startswith("IT-juhi töö eesmärgiks")


def test_the_elm_view_types_none_of_the_knowledge_graphs_iris(small, esco_mapping):
    """No IRI is a skos:Concept in the knowledge graph and an ELM specification here
    (ontology/kutse.ttl, kutse:Qualification): the ELM view mints its own nodes and links each
    back from the knowledge graph's resource with dct:hasFormat."""
    from kutse_rdf.graph.convert import standard_graph

    g = elm_graph([small], Config())
    kg = standard_graph(small, Config())
    concepts = set(kg.subjects(RDF.type, SKOS.Concept))
    assert concepts and not concepts & set(g.subjects(RDF.type, None))
    partial = S + "partial/it-meeskonna-ja-partnerlusjuht-tase-7"
    assert {(str(s), str(o)) for s, o in g.subject_objects(DCTERMS.hasFormat)} == {
        (str(KG_QUAL), str(QUAL)), (partial, partial + "#elm-qualification"),
        (S + "competence/B.3.1", S + "competence/B.3.1#learning-outcome"),
        (S + "competence/B.3.5", S + "competence/B.3.5#learning-outcome"),
        (S[:-1] + "#general-skill-1", S[:-1] + "#general-skill-1-learning-outcome")}
    # every subject of a link back is the knowledge graph's own resource, of its own type
    for kg_iri in g.subjects(DCTERMS.hasFormat, None):
        assert (kg_iri, RDF.type, None) in kg and g.value(kg_iri, RDF.type) is None


def test_small_standard_conforms_to_loq(small, esco_mapping, loq):
    conforms, report, text = validate(elm_graph([small], Config()), shacl_graph=loq)
    assert conforms, text


def test_only_profile_terms_and_no_blank_nodes(small, esco_mapping):
    g = elm_graph([small], Config())
    allowed = (str(ELM), str(DCTERMS), str(SKOS), str(ADMS), str(ROV), str(RDF))
    assert {str(p) for p in g.predicates()} and all(
        str(p).startswith(allowed) for p in g.predicates())
    assert not any(str(t).startswith(str(KUTSE._NS)) for triple in g for t in triple)
    assert not any(isinstance(t, BNode) for triple in g for t in triple)


def test_loq_catches_foreign_terms_and_missing_titles(small, loq):
    """The profile does bite: a kutse: term on a closed node and a missing title both fail."""
    g = elm_graph([small], Config())
    g.add((QUAL, KUTSE.sourceLine, Literal(1)))
    lo = URIRef(S + "competence/B.3.5#learning-outcome")
    g.remove((lo, DCTERMS.title, None))
    conforms, report, _ = validate(g, shacl_graph=loq)
    assert not conforms
    found = {(f, p, c) for f, p, _v, c in results(report)}
    assert found == {(QUAL, KUTSE.sourceLine, SH.ClosedConstraintComponent),
                     (lo, DCTERMS.title, SH.MinCountConstraintComponent)}


def test_mdr_reports_only_the_esco_scheme_defect_and_our_estqf_levels(small, esco_mapping, mdr):
    conforms, report, _ = validate(elm_graph([small], Config()), shacl_graph=mdr)
    partial = elm_node("partial/it-meeskonna-ja-partnerlusjuht-tase-7")
    estqf7 = URIRef("https://w3id.org/kutse-rdf/estqf/7")
    assert results(report) == sorted([
        # the known defect: ESCO skills are in .../esco/concept-scheme/skills, the file wants
        # a scheme starting https://ec.europa.eu/esco/skill/
        (URIRef(S + "competence/B.3.1#learning-outcome"), ELM.relatedESCOSkill, ESCO_SKILL,
         SH.NodeConstraintComponent),
        # our own EstQF level concepts are not in the QDR list (see docs/elm.md)
        (QUAL, ELM.NQFLevel, estqf7, SH.NodeConstraintComponent),
        (partial, ELM.NQFLevel, estqf7, SH.NodeConstraintComponent)])
    esco = next(r for r in report.objects(None, SH.result)
                if report.value(r, SH.resultPath) == ELM.relatedESCOSkill)
    detail = report.value(esco, SH.detail)
    assert (report.value(detail, SH.resultPath), report.value(detail, SH.value),
            report.value(detail, SH.sourceConstraintComponent)) == (
        SKOS.inScheme, ESCO_SCHEME, SH.PatternConstraintComponent)


@pytest.fixture
def specialised(small) -> Standard:
    """`small` with a specialisation that requires B.3.1 beside the mandatory competences."""
    small.specialisations = [Specialisation(
        "Võrguhaldus", [CompetenceRef("B.3.1", None, 140)], 138,
        name_on_certificate="IT-juht, tase 7, võrguhaldus")]
    return small


def test_specialisations_are_exported_with_their_competences(specialised, esco_mapping, loq, mdr):
    g = elm_graph([specialised], Config())
    spec = elm_node("specialisation/vorguhaldus")
    assert (spec, RDF.type, ELM.Qualification) in g
    assert list(g.objects(spec, ELM.specialisationOf)) == [QUAL]
    assert list(g.objects(QUAL, ELM.generalisationOf)) == [spec]
    assert (QUAL, ELM.hasPart, spec) not in g  # a kind of the qualification, not a part
    assert g.value(spec, ELM.isPartialQualification) == Literal(False)
    assert list(g.objects(spec, ELM.learningOutcome)) == [URIRef(S + "competence/B.3.1#learning-outcome")]
    assert g.value(spec, DCTERMS.title) == Literal("Võrguhaldus", lang="et")
    conforms, _, text = validate(g, shacl_graph=loq)
    assert conforms, text
    _, report, _ = validate(g, shacl_graph=mdr)
    assert (spec, ELM.NQFLevel, URIRef("https://w3id.org/kutse-rdf/estqf/7"),
            SH.NodeConstraintComponent) in results(report)


def test_level_concepts_have_one_label_per_language_in_every_graph(small):
    """SKOS S14 across graphs: the ELM view describes eqf:7 and estqf:7 exactly as the
    reference graph does, so a store with a union default graph still has one prefLabel per
    language."""
    from kutse_rdf.graph.vocab import load_reference

    union = Graph()
    union += elm_graph([small], Config())
    union += load_reference(Config())
    for level in (URIRef("http://data.europa.eu/snb/eqf/7"), URIRef("https://w3id.org/kutse-rdf/estqf/7")):
        labels = list(union.objects(level, SKOS.prefLabel))
        assert sorted(label.language for label in labels) == ["en", "et"], labels


def test_other_base_uri_and_mappings_still_match(small, esco_mapping):
    g = elm_graph([small], Config(base_uri="https://data.example.ee/kutse/"))
    lo = URIRef("https://data.example.ee/kutse/standard/it-juht-tase-7/version/draft/competence/B.3.1"
                "#learning-outcome")
    assert (URIRef("https://data.example.ee/kutse/standard/it-juht-tase-7/version/draft/qualification"
                   "#elm-qualification"), ELM.learningOutcome, lo) in g
    assert list(g.objects(lo, ELM.relatedESCOSkill)) == [ESCO_SKILL]


def test_build_writes_elm_outputs_and_manifest(small, tmp_path):
    from kutse_rdf.engine.dumps import write_elm_dumps
    from kutse_rdf.engine.unit import UnitResult, sorted_nt, split_elm_view
    from kutse_rdf.graph.uris import Uris

    data = tmp_path / "data"
    data.mkdir()
    standard_entry = {"graph": B + "graph/it-juht-tase-7/version/draft",
                      "file": "standards/it-juht-tase-7/version/draft.nt",
                      "triples": 10, "kind": "standard"}
    (data / "graphs.json").write_text(json.dumps([standard_entry]))
    graph = elm_graph([small], Config())
    unit = UnitResult(source_file="x.txt", path="x.txt", elm_nt=sorted_nt(graph))
    # what the unit's worker does: the standard's own statements, and those about others
    split_elm_view(unit, str(Uris(Config().base_uri).standard(small)))
    assert unit.elm_own_nt and unit.elm_shared_nt  # the council and e-CF skills are shared
    write_elm_dumps(tmp_path, [unit], Config())
    first = (data / "elm.nt").read_bytes()
    write_elm_dumps(tmp_path, [unit], Config())  # a second run replaces its entry, no duplicate
    manifest = json.loads((data / "graphs.json").read_text())
    assert manifest == [standard_entry, {"graph": B + "graph/elm", "file": "elm.nt",
                                         "triples": len(graph), "kind": "elm"}]
    assert (data / "elm.nt").read_bytes() == first  # same input, same bytes
    for name, fmt in (("elm.ttl", "turtle"), ("elm.jsonld", "json-ld"), ("elm.nt", "nt")):
        assert Graph().parse(data / name, format=fmt).isomorphic(graph), name


# --- the seed document, through the real parser --------------------------------------------

@pytest.fixture(scope="module")
def seed_elm(seed_path):
    parse = pytest.importorskip("kutse_rdf.reading.parser", reason="the parser is not there yet")
    return elm_graph([parse.parse_file(seed_path)], Config())


def test_seed_structure(seed_elm):
    g = seed_elm
    partials = {elm_node("partial/" + p) for p in (
        "it-arendusjuht-tase-7", "it-haldusjuht-tase-7", "it-meeskonna-ja-partnerlusjuht-tase-7",
        "andmehaldusejuht-tase-7", "infoturbejuht-tase-7")}  # document lines 14-27
    assert set(g.subjects(RDF.type, ELM.Qualification)) == partials | {QUAL}
    assert set(g.objects(QUAL, ELM.hasPart)) == partials
    for p in partials:
        assert list(g.objects(p, ELM.isPartOf)) == [QUAL]
        assert g.value(p, ELM.isPartialQualification) == Literal(True)
    # B.1: the qualification needs B.3.1-B.3.19 and the 14 general skills of B.2
    assert len(set(g.objects(QUAL, ELM.learningOutcome))) == 19 + 14
    # B.1: IT arendusjuht needs 12 competences and the general skills
    assert len(set(g.objects(elm_node("partial/it-arendusjuht-tase-7"),
                             ELM.learningOutcome))) == 12 + 14
    b318 = URIRef(S + "competence/B.3.18#learning-outcome")  # "(e-CF kompetentsid E.8 ja D.1)"
    assert set(g.objects(b318, ELM.relatedSkill)) == {ECF4["E.8"], ECF4["D.1"]}
    assert set(g.objects(QUAL, DCTERMS.title)) == {Literal("IT-juht, tase 7", lang="et"),
                                                   Literal("IT manager, EstQF Level 7", lang="en")}
    assert g.value(g.value(QUAL, DCTERMS.publisher), ROV.legalName) == Literal(COUNCIL, lang="et")


def test_seed_conforms_to_loq(seed_elm, loq):
    started = time.perf_counter()
    conforms, report, text = validate(seed_elm, shacl_graph=loq)
    print(f"LOQ validation of the seed ({len(seed_elm)} triples): "
          f"{time.perf_counter() - started:.2f} s")
    assert conforms, text


def test_seed_mdr_results_are_the_known_ones(seed_elm, mdr):
    conforms, report, _ = validate(seed_elm, shacl_graph=mdr)
    expected = sorted(
        [(lo, ELM.relatedESCOSkill, skill, SH.NodeConstraintComponent)
         for lo, skill in seed_elm.subject_objects(ELM.relatedESCOSkill)]
        + [(q, ELM.NQFLevel, level, SH.NodeConstraintComponent)
           for q, level in seed_elm.subject_objects(ELM.NQFLevel)])
    # every qualification (1 + the 5 partials of lines 14-27) has its own EstQF level result
    assert sum(1 for e in expected if e[1] == ELM.NQFLevel) == 6
    assert results(report) == expected
    for skill in seed_elm.objects(None, ELM.relatedESCOSkill):
        assert list(seed_elm.objects(skill, SKOS.inScheme)) == [ESCO_SCHEME]


def test_readme_explains_every_mdr_result_of_the_seed(seed_elm, mdr):
    """The table of docs/elm.md under "Conformance to the EU's SHACL profile" has one row per result."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "docs" / "elm.md").read_text(encoding="utf-8")
    section = readme[readme.index("`LOQ-constraints-mdr.ttl` (controlled vocabularies)"):]
    section = section[:section.index("Measured on this machine")]
    rows = sorted((cells[1].strip("` "), cells[2].strip("` ").removeprefix("elm:"))
                  for line in section.splitlines() if line.strip().startswith("| `…/")
                  for cells in [line.strip().split("|")])
    _, report, _ = validate(seed_elm, shacl_graph=mdr)
    found = sorted(("…/" + str(focus)[len(S):], str(path)[len(str(ELM)):])
                   for focus, path, _v, _c in results(report))
    assert rows == found
