"""The kutse ontology (ontology/kutse.ttl): parses with two parsers, defines exactly the terms of
namespaces.KUTSE, is bilingual, aligns to ESCO/ELM/schema.org without harmful entailments, and
renders with pyLODE."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kutse_rdf.graph import vocab
from kutse_rdf.graph.namespaces import ECF4, ELM, EQF, ESCO, KUTSE, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "kutse.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/kutse-rdf/ontology")
NS = str(KUTSE._NS)
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
# The inverse pairs named in namespaces.py ("# inverse").
INVERSES = [("hasPartialQualification", "isPartialQualificationOf"),
            ("hasSpecialisation", "isSpecialisationOf"),
            ("requiresCompetence", "isRequiredBy"),
            ("hasIndicator", "isIndicatorOf")]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def kutse_terms() -> set[str]:
    return {name for name in KUTSE.__annotations__ if not name.startswith("_")}


def test_every_shipped_file_parses_with_rdflib_and_pyoxigraph_alike():
    pyoxigraph = pytest.importorskip("pyoxigraph")
    files = vocab.ontology_files()
    assert [f.name for f in files] == ["kutse.ttl", "ecf-4.0.ttl", "ecf-3.0.ttl", "ecf-levels.ttl",
                                       "eqf.ttl", "esco.ttl"]
    for path in files:
        rdflib_count = len(Graph().parse(path, format="turtle"))
        with open(path, "rb") as fh:
            oxi = list(pyoxigraph.parse(fh, format=pyoxigraph.RdfFormat.TURTLE))
        assert rdflib_count > 0
        assert len(oxi) == rdflib_count, path.name


def test_ontology_defines_exactly_the_python_namespace_terms(onto):
    defined = {str(s)[len(NS):] for s, _, t in onto.triples((None, RDF.type, None))
               if isinstance(s, URIRef) and str(s).startswith(NS) and t in TERM_TYPES}
    assert defined == kutse_terms()


def test_every_kutse_iri_used_in_any_reference_file_is_defined():
    names = kutse_terms()
    graph = vocab.vocabulary_graph()
    used = {str(term)[len(NS):] for triple in graph for term in triple
            if isinstance(term, URIRef) and str(term).startswith(NS)}
    assert used <= names, used - names


def test_misspelt_term_fails_loudly():
    with pytest.raises(AttributeError):
        KUTSE.requireCompetence  # noqa: B018


@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
def test_every_term_has_estonian_and_english_text(onto, prop):
    for name in sorted(kutse_terms()):
        langs = {o.language for o in onto.objects(KUTSE[name], prop) if isinstance(o, Literal)}
        assert {"et", "en"} <= langs, f"{name} {prop}"


def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/kutse-rdf/ontology/0.1.0")
    assert isinstance(onto.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    assert onto.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    assert {t.language for t in onto.objects(ONTOLOGY_IRI, DCTERMS.title)} == {"en", "et"}
    for name in kutse_terms():
        assert onto.value(KUTSE[name], RDFS.isDefinedBy) == ONTOLOGY_IRI, name


@pytest.mark.parametrize("forward,inverse", INVERSES)
def test_inverse_pairs_are_declared_both_ways(onto, forward, inverse):
    assert (KUTSE[forward], OWL.inverseOf, KUTSE[inverse]) in onto
    assert (KUTSE[inverse], OWL.inverseOf, KUTSE[forward]) in onto


def test_alignments_are_mappings_where_a_subclass_would_pull_foreign_semantics(onto):
    # Competences and qualifications: SKOS matches to ESCO and ELM, never subclasses.
    for cls in (KUTSE.Competence, KUTSE.Qualification, KUTSE.PartialQualification):
        supers = set(onto.objects(cls, RDFS.subClassOf))
        assert not supers & {ESCO.Skill, ESCO.Occupation, ELM.LearningOutcome, ELM.Qualification}
    assert {ESCO.Skill, ELM.LearningOutcome} <= set(onto.objects(KUTSE.Competence, SKOS.closeMatch))
    assert {ELM.Qualification, ESCO.Occupation, SCHEMA.Occupation} <= set(
        onto.objects(KUTSE.Qualification, SKOS.closeMatch))
    # schema.org classes carry no constraints: true subclasses.
    assert SCHEMA.DefinedTerm in set(onto.objects(KUTSE.Competence, RDFS.subClassOf))
    assert SCHEMA.EducationalOccupationalCredential in set(
        onto.objects(KUTSE.Qualification, RDFS.subClassOf))
    # A partial qualification is not counted as a full one.
    assert (KUTSE.PartialQualification, RDFS.subClassOf, KUTSE.Qualification) not in onto


def test_no_axioms_that_merge_or_chain_resources(onto):
    for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                 OWL.SymmetricProperty, OWL.equivalentClass, OWL.sameAs):
        assert not list(onto.subjects(RDF.type, kind)), kind
    assert not list(onto.triples((None, OWL.equivalentClass, None)))
    # Objects that may be dangling references get no entailing range.
    for prop in (KUTSE.requiresCompetence, KUTSE.citesEcf, KUTSE.iscoGroup):
        assert onto.value(prop, RDFS.range) is None, prop
        assert onto.value(prop, SCHEMA.rangeIncludes) is not None, prop
    # A property used on several classes gets no rdfs:domain (several would mean intersection).
    for name in kutse_terms():
        assert len(list(onto.objects(KUTSE[name], RDFS.domain))) <= 1, name


def test_owl_rl_reasoning_types_nothing_surprising():
    owlrl = pytest.importorskip("owlrl")
    base = "https://example.org/kutse/standard/s/"
    qual, comp, missing = URIRef(base + "qualification"), URIRef(base + "competence/B.3.1"), \
        URIRef(base + "competence/B.3.99")
    part = URIRef(base + "work-part/A.2.1")
    graph = vocab.vocabulary_graph()
    graph.add((qual, RDF.type, KUTSE.Qualification))
    graph.add((qual, KUTSE.requiresCompetence, comp))
    graph.add((qual, KUTSE.requiresCompetence, missing))  # named in B.1, defined nowhere
    graph.add((comp, RDF.type, KUTSE.Competence))
    graph.add((comp, KUTSE.citesEcf, ECF4["A.99"]))  # no such e-CF competence
    graph.add((comp, KUTSE.hasLevel, EQF["7"]))
    graph.add((part, RDF.type, KUTSE.WorkPart))
    graph.add((part, KUTSE.competenceGroup, KUTSE.specialisation))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)

    def types(node):
        return {t for t in graph.objects(node, RDF.type) if not isinstance(t, BNode)} - {OWL.Thing}

    assert types(missing) == set()
    assert types(ECF4["A.99"]) == set()
    assert types(part) == {KUTSE.WorkPart}
    assert types(qual) == {KUTSE.Qualification, SKOS.Concept,
                           SCHEMA.EducationalOccupationalCredential}
    assert types(comp) == {KUTSE.Competence, SKOS.Concept, SCHEMA.DefinedTerm}
    assert (missing, KUTSE.isRequiredBy, qual) in graph  # the inverse is what it is for
    assert types(EQF["7"]) == {SKOS.Concept}


def test_pylode_renders_the_ontology():
    """The ontology is documented by a standard tool (pyLODE's OntPub profile, a test extra):
    its terms and both languages' labels appear on the page."""
    pytest.importorskip("pylode")
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    finally:  # importing pyLODE sets the root logger to DEBUG
        root.setLevel(level)
        root.handlers[:] = handlers
    graph = Graph().parse(ONTOLOGY, format="turtle")
    # pyLODE takes whichever title it meets last: keep the English one
    for s in list(graph.subjects(RDF.type, OWL.Ontology)):
        for prop in (DCTERMS.title, RDFS.label):
            for title in list(graph.objects(s, prop)):
                if getattr(title, "language", None) not in (None, "en"):
                    graph.remove((s, prop, title))
    html = OntPub(ontology=graph).make_html()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "<title>kutse-rdf ontology</title>" in html
    for text in ("https://w3id.org/kutse-rdf/ontology#requiresCompetence", "requires competence",
                 "occupational standard", "kutsestandard", "tegevusnäitaja",
                 "https://w3id.org/kutse-rdf/ontology/0.1.0"):
        assert text in html, text
