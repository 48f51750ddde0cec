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
                                       "eqf.ttl", "estqf.ttl", "esco.ttl"]
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


SKOS_MAPPINGS = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                 SKOS.relatedMatch, SKOS.mappingRelation}


def test_no_skos_mapping_between_classes(onto):
    """SKOS mapping properties relate concepts: between OWL classes they would make a SKOS-aware
    loader type esco:Skill or elm:Qualification as skos:Concept. Class alignments weaker than a
    subclass are an SSSOM class-mapping set instead."""
    assert not [t for t in onto if t[1] in SKOS_MAPPINGS]
    for cls in (KUTSE.Competence, KUTSE.Qualification, KUTSE.PartialQualification):
        supers = set(onto.objects(cls, RDFS.subClassOf))
        assert not supers & {ESCO.Skill, ESCO.Occupation, ELM.LearningOutcome, ELM.Qualification}
    # schema.org classes carry no constraints: true subclasses where every instance is one.
    assert SCHEMA.DefinedTerm in set(onto.objects(KUTSE.Competence, RDFS.subClassOf))
    # Not every qualification can be awarded (a draft): no subclass of the credential class.
    for cls in (KUTSE.Qualification, KUTSE.PartialQualification):
        assert SCHEMA.EducationalOccupationalCredential not in set(onto.objects(cls, RDFS.subClassOf))
    # A partial qualification is not counted as a full one.
    assert (KUTSE.PartialQualification, RDFS.subClassOf, KUTSE.Qualification) not in onto


def test_class_alignments_are_an_sssom_class_mapping_set_outside_every_graph():
    (classes,) = vocab.class_mapping_files()
    assert classes.name == "classes.sssom.tsv"
    assert classes not in vocab.mapping_files()
    rows = vocab.read_mapping_file(classes)
    pairs = {(r.subject, r.object) for r in rows}
    assert (str(KUTSE.Competence), str(ESCO.Skill)) in pairs
    assert (str(KUTSE.Qualification), str(ELM.Qualification)) in pairs
    assert (str(KUTSE.Qualification), str(ESCO.Occupation)) in pairs
    reference = vocab.load_reference()
    for r in rows:
        for p in SKOS_MAPPINGS:
            assert (URIRef(r.subject), p, URIRef(r.object)) not in reference
    assert not [t for t in reference if t[1] in SKOS_MAPPINGS and (t[0], RDF.type, OWL.Class) in reference]


# (own property, the anchor term it refines): checked one by one in ontology/kutse.ttl
SUBPROPERTIES = [
    (KUTSE.requiresCompetence, SCHEMA.competencyRequired),
    (KUTSE.requiresGeneralSkill, SCHEMA.competencyRequired),
    (KUTSE.hasPartialQualification, DCTERMS.hasPart),
    (KUTSE.isPartialQualificationOf, DCTERMS.isPartOf),
    (KUTSE.hasSection, DCTERMS.hasPart),
    (KUTSE.hasAuthor, DCTERMS.creator),
    (KUTSE.decisionDate, DCTERMS.dateAccepted),
    (KUTSE.validUntil, SCHEMA.validUntil),
    (KUTSE.standardVersion, URIRef("http://www.w3.org/ns/dcat#version")),
    (KUTSE.registerCode, DCTERMS.identifier),
    (KUTSE.qualifiesFor, SKOS.relatedMatch),
]


@pytest.mark.parametrize("prop,anchor", SUBPROPERTIES, ids=[str(p).split("#")[1] for p, _ in SUBPROPERTIES])
def test_own_properties_refine_the_anchor_terms(onto, prop, anchor):
    assert (prop, RDFS.subPropertyOf, anchor) in onto


def test_kind_of_and_part_of_are_distinct_and_not_elm_symmetric(onto):
    # elm:specialisationOf is owl:SymmetricProperty in ELM: never a superproperty of ours
    assert not set(onto.objects(KUTSE.isSpecialisationOf, RDFS.subPropertyOf))
    assert (KUTSE.isSpecialisationOf, RDFS.subPropertyOf, DCTERMS.isPartOf) not in onto


def test_every_own_property_names_its_anchor_or_says_why_none(onto):
    """Each property either has rdfs:subPropertyOf or a comment line in the Turtle source saying
    why no anchor term fits (the table of docs/graph-model.md lists both)."""
    text = ONTOLOGY.read_text(encoding="utf-8")
    for prop in set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(
            onto.subjects(RDF.type, OWL.DatatypeProperty)):
        if set(onto.objects(prop, RDFS.subPropertyOf)):
            continue
        name = "kutse:" + str(prop).split("#")[1]
        block = text[text.index("\n" + name + "\n"):]
        block = block[:block.find("\n\n", 1) % (len(block) + 1)]
        assert "\n    # " in block, f"{name}: neither a subproperty nor a comment why not"


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
    graph.add((part, KUTSE.competenceGroup, KUTSE.specialisationGroup))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)

    def types(node):
        return {t for t in graph.objects(node, RDF.type) if not isinstance(t, BNode)} - {OWL.Thing}

    assert types(missing) == set()
    assert types(ECF4["A.99"]) == set()
    assert types(part) == {KUTSE.WorkPart}
    assert types(qual) == {KUTSE.Qualification, SKOS.Concept}
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
