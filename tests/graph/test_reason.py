"""reason.py: OWL RL inferences go to their own named graph, only new triples, per standard."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kutse_rdf.config import Config
from kutse_rdf.graph.convert import standard_graph
from kutse_rdf.graph.namespaces import ECF4, ELM, KUTSE, SCHEMA
from kutse_rdf.graph.reason import Reasoner, closure, keep, reasoning_schema, schema_of
from kutse_rdf.graph.vocab import load_reference
from kutse_rdf.graph.uris import Uris

S = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft"
U = Uris(Config().base_uri)


def uri(path: str = "") -> URIRef:
    return URIRef(S + path)


@pytest.fixture(scope="module")
def dataset(pipeline_dataset, seed_path):
    """The seed's graphs as a build's units make them: asserted graphs and the inferred one."""
    ds = pipeline_dataset([seed_path])
    inferred = ds.graph(U.inferred_graph())
    asserted = {g.identifier: set(g) for g in ds.graphs() if g.identifier != U.inferred_graph()}
    return ds, asserted, inferred


def test_inferred_graph_is_separate_and_asserted_graphs_unchanged(dataset):
    ds, before, inferred = dataset
    assert inferred.identifier == U.inferred_graph()
    assert len(inferred) > 0
    for gid, triples in before.items():
        assert set(ds.graph(gid)) == triples, gid  # nothing added to an asserted graph
    std = ds.graph(URIRef("https://w3id.org/kutse-rdf/id/graph/it-juht-tase-7/version/draft"))
    assert not set(std.triples((None, KUTSE.isRequiredBy, None)))


def test_only_new_triples_in_the_inferred_graph(dataset):
    ds, before, inferred = dataset
    asserted = set().union(*before.values())
    assert not set(inferred) & asserted
    for s, p, o in inferred:
        assert not isinstance(s, Literal)
        assert s != o  # no x owl:sameAs x, x skos:exactMatch x
        assert p != OWL.sameAs
        if p == RDF.type:  # no rdfs:Resource, owl:Thing, rdfs:Datatype bookkeeping
            assert not str(o).startswith((str(RDF), str(RDFS), str(OWL)))


def test_inverse_properties(dataset):
    _, _, inferred = dataset
    b35 = uri("/competence/B.3.5")
    # B.1 (lines 117-128): the qualification and the partials of lines 119, 123, 125, 128
    assert set(inferred.objects(b35, KUTSE.isRequiredBy)) == {
        uri("/qualification"), uri("/partial/it-arendusjuht-tase-7"),
        uri("/partial/it-meeskonna-ja-partnerlusjuht-tase-7"),
        uri("/partial/andmehaldusejuht-tase-7"), uri("/partial/infoturbejuht-tase-7")}
    assert inferred.value(uri("/competence/B.3.5#indicator-3"), KUTSE.isIndicatorOf) == b35
    assert len(set(inferred.subject_objects(KUTSE.isIndicatorOf))) == 78


def test_skos_hierarchy(dataset):
    _, _, inferred = dataset
    qual, partial = uri("/qualification"), uri("/partial/infoturbejuht-tase-7")
    # part of is not kind of: a partial qualification is no narrower concept of its qualification,
    # it is dct:isPartOf it (kutse:isPartialQualificationOf rdfs:subPropertyOf dct:isPartOf)
    assert (partial, SKOS.broaderTransitive, qual) not in inferred
    assert (qual, SKOS.narrower, partial) not in inferred
    assert (partial, DCTERMS.isPartOf, qual) in inferred
    assert (qual, DCTERMS.hasPart, partial) in inferred
    # the e-CF hierarchy of the reference graph: A.7 is in area A (Plan)
    assert (ECF4["A.7"], SKOS.broaderTransitive, ECF4["A"]) in inferred
    assert (ECF4["A"], SKOS.narrower, ECF4["A.7"]) in inferred


def test_class_membership_from_the_ontology_alignments(dataset):
    ds, _, inferred = dataset
    reference = ds.graph(U.reference_graph())
    # the ontology aligns kutse:Competence to skos:Concept and schema:DefinedTerm by subclass
    supers = set(reference.objects(KUTSE.Competence, RDFS.subClassOf))
    assert SKOS.Concept in supers
    for cls in supers - {SKOS.Concept}:  # skos:Concept is asserted already
        assert (uri("/competence/B.3.5"), RDF.type, cls) in inferred
    assert (uri("/competence/B.3.5"), RDF.type, SCHEMA.DefinedTerm) in inferred


def test_own_properties_entail_the_anchor_terms(dataset):
    _, _, inferred = dataset
    qual, std = uri("/qualification"), URIRef(S)
    assert (qual, SCHEMA.competencyRequired, uri("/competence/B.3.5")) in inferred
    assert (std, DCTERMS.creator, uri("#author-peeter-normak")) in inferred
    # the seed is a draft that "ei ole kutse andmise aluseks": not typed a credential
    assert (qual, RDF.type, SCHEMA.EducationalOccupationalCredential) not in inferred
    # the curated occupation links (reference unit) are associative SKOS links too
    # (the mappings name the version-independent qualification, docs/graph-model.md "Versions")
    cio = URIRef("http://data.europa.eu/esco/occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4")
    work_qual = URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/qualification")
    assert (work_qual, SKOS.relatedMatch, cio) in inferred
    assert (work_qual, SKOS.closeMatch, cio) not in inferred


SKOS_MAPPINGS = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                 SKOS.relatedMatch}


def test_no_skos_mapping_between_classes_in_any_graph(dataset):
    """Class alignments are no triples (mappings/classes.sssom.tsv): neither the reference graph
    nor the inferred one relates an OWL class by a SKOS mapping property."""
    ds, _, inferred = dataset
    reference = ds.graph(U.reference_graph())
    classes = set(reference.subjects(RDF.type, OWL.Class)) | {
        URIRef("http://data.europa.eu/esco/model#Skill"), ELM.Qualification, ELM.LearningOutcome,
        SCHEMA.Occupation}
    for graph in (reference, inferred):
        assert not [t for t in graph if t[1] in SKOS_MAPPINGS and (t[0] in classes or t[2] in classes)]


def test_exact_match_does_not_link_two_standards_through_a_shared_target():
    """Mappings are reasoned as one unit: with a transitive exactMatch, two standards'
    competences mapped exactly to one concept would become exact matches of each other."""
    a = URIRef("https://example.org/id/standard/a/competence/B.3.1")
    b = URIRef("https://example.org/id/standard/b/competence/B.2.4")
    target = URIRef("http://example.org/shared-concept")
    reference = load_reference(Config())
    reference.add((a, SKOS.exactMatch, target))
    reference.add((b, SKOS.exactMatch, target))
    for engine in ("owlrl", "reasonable"):
        new = Reasoner(reasoning_schema(reference), engine).infer_one(
            [(a, SKOS.exactMatch, target), (b, SKOS.exactMatch, target)])
        assert (target, SKOS.exactMatch, a) in new  # still symmetric
        assert not {(a, SKOS.exactMatch, b), (b, SKOS.exactMatch, a)} & new, engine


def test_units_are_independent_per_standard(seed_standard):
    """Reasoning over two standards at once concludes exactly what each concludes alone: the
    ground for reasoning one standard at a time."""
    other = copy.deepcopy(seed_standard)
    other.title, other.source_file = "IT-juht, tase 6", "it-juht-tase-6.txt"
    reasoner = Reasoner(reasoning_schema(load_reference(Config())))
    graphs = [list(standard_graph(std, Config())) for std in (seed_standard, other)]
    both = reasoner.infer_one(graphs[0] + graphs[1])
    alone = reasoner.infer_one(graphs[0]) | reasoner.infer_one(graphs[1])
    assert both == alone
    assert (URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-6/version/draft/competence/B.3.5"),
            KUTSE.isRequiredBy,
            URIRef("https://w3id.org/kutse-rdf/id/standard/it-juht-tase-6/version/draft/qualification")) in both


def test_literal_filter_changes_no_conclusion(dataset):
    """Leaving irrelevant literal-valued triples out of owlrl's input is only a speed-up: the
    kept conclusions equal those of the closure over every triple."""
    ds, _, _ = dataset
    reasoner = Reasoner(reasoning_schema(ds.graph(U.reference_graph())))
    assert reasoner.relevant is not None  # the ontology has no functional properties
    graph = ds.graph(URIRef("https://w3id.org/kutse-rdf/id/graph/it-juht-tase-7/version/draft"))
    assert len(list(reasoner.input_of(graph))) < len(graph)
    filtered = set(reasoner.infer_one(graph))
    full = closure(graph, reasoner.schema)
    vocabulary = reasoner.vocabulary | {p for _, p, _ in graph}
    unfiltered = {t for t in keep(full, vocabulary)
                  if t not in graph and t not in reasoner.schema_closure}
    assert filtered == unfiltered


def test_functional_property_turns_the_literal_filter_off():
    schema = Graph()
    schema.add((KUTSE.iscoCode, RDF.type, OWL.FunctionalProperty))
    assert Reasoner(schema).relevant is None


def test_schema_of_takes_axioms_with_their_blank_node_structures():
    reference = Graph().parse(data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix ex: <http://example.org/> .
        ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] ;
            rdfs:label "A" .
        ex:x a ex:A .
    """, format="turtle")
    schema = schema_of(reference)
    assert len(schema) == 4  # subClassOf + the restriction's three triples
    assert (URIRef("http://example.org/x"), RDF.type, URIRef("http://example.org/A")) not in schema


def test_no_reasoning_over_the_elm_view(dataset, seed_path):
    """The ELM view declares elm:hasPart symmetric: it is never reasoned over, so nothing is
    inferred from its statements."""
    from kutse_rdf.engine.unit import UnitContext

    unit = UnitContext(Config(), datetime.now(timezone.utc)).run(seed_path)
    assert f"<{ELM}hasPart>".encode() in unit.elm_nt
    _, _, inferred = dataset
    assert not set(inferred.triples((None, ELM.hasPart, None)))


def test_standard_graph_alone_with_a_small_schema(seed_standard):
    """The unit works on any graph and schema (here: one inverse axiom)."""
    schema = Graph()
    schema.add((KUTSE.isIndicatorOf, OWL.inverseOf, KUTSE.hasIndicator))
    new = Reasoner(schema).infer_one(standard_graph(seed_standard, Config()))
    assert set(p for _, p, _ in new) == {KUTSE.isIndicatorOf}
    assert len(new) == 78


def test_same_as_in_the_data_turns_the_literal_filter_off():
    schema = Graph()
    schema.add((KUTSE.isIndicatorOf, OWL.inverseOf, KUTSE.hasIndicator))
    reasoner = Reasoner(schema)
    a, b = URIRef("http://example.org/a"), URIRef("http://example.org/b")
    data = Graph()
    data.add((a, OWL.sameAs, b))
    data.add((a, KUTSE.order, Literal(1)))
    assert len(list(reasoner.input_of(data))) == 2
    assert (b, KUTSE.order, Literal(1)) in reasoner.infer_one(data)
