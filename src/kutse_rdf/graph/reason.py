"""OWL RL reasoning, bounded: one standard at a time.

The unit of reasoning is one standard's named graph plus the ontology's schema (TBox) triples,
never the whole merged dataset: owlrl's closure grows super-linearly with its input, while the
standards do not interact (no inference needs two standards at once). The reference graph's own
instance data (e-CF and ISCO hierarchies) is one more unit, of constant size.

Only what the closure adds goes into the inferred named graph (`uris.inferred_graph()`), never into
the asserted graphs. owlrl also derives bookkeeping that no query needs and that is not even valid
RDF (literals as subjects, `x owl:sameAs x`, `"7" a xsd:integer`, facts about the vocabulary
itself); `keep` drops those.

Two engines compute the closure: `reasonable` (Rust, the default, much faster per standard) and
owlrl (the design card's reasoner, the reference: KUTSE_RDF_REASONER=owlrl). Both give the same
inferred graph; tests/test_engines.py checks that on the seed, the fixtures and a corpus.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef

from kutse_rdf.config import engine_choice
from kutse_rdf.graph.namespaces import OWL, RDF, RDFS, XSD
from kutse_rdf.resources import resource_dir

# Triples that make up a schema: what OWL RL's rules read besides the instance data.
SCHEMA_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.propertyChainAxiom, OWL.disjointWith,
    OWL.propertyDisjointWith, OWL.unionOf, OWL.intersectionOf, OWL.oneOf, OWL.hasKey,
    OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality,
    OWL.maxQualifiedCardinality, OWL.onClass, OWL.complementOf,
}
SCHEMA_TYPES = {
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty,
    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class, RDFS.Class, OWL.Restriction,
}
# Namespaces of the languages themselves: types from them are bookkeeping (owl:Thing,
# rdfs:Resource, rdfs:Datatype ...), not facts about the data.
_LANGUAGE = (str(RDF), str(RDFS), str(OWL), str(XSD))


def schema_of(reference: Graph) -> Graph:
    """The TBox part of the reference graph (ontology axioms, SKOS axioms it carries), with the
    blank-node structures (lists, restrictions) they point to."""
    schema = Graph()
    todo: list = []
    for s, p, o in reference:
        if p in SCHEMA_PREDICATES or (p == RDF.type and o in SCHEMA_TYPES):
            schema.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    seen = set()
    while todo:  # lists and restrictions hang off blank nodes
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in reference.triples((node, None, None)):
            schema.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return schema


def skos_rules() -> Graph:
    """The SKOS axioms the reasoner adds (ontology/reasoning/skos-rl.ttl; not published)."""
    return Graph().parse(resource_dir("ontology") / "reasoning" / "skos-rl.ttl", format="turtle")


def reasoning_schema(reference: Graph) -> Graph:
    """What every unit is reasoned against: the reference graph's schema + the SKOS axioms."""
    schema = schema_of(reference)
    schema += skos_rules()
    return schema


ENGINES = ("reasonable", "owlrl")
ENGINE_VARIABLE = "KUTSE_RDF_REASONER"


def engine_name(engine: str | None = None) -> str:
    """The engine asked for, else $KUTSE_RDF_REASONER, else the fast one."""
    return engine_choice("reasoner", ENGINES, ENGINE_VARIABLE, engine)


def closure(graph: Iterable, schema: Graph, engine: str = "owlrl") -> Iterable:
    """The OWL RL closure of `graph` + `schema` (without axiomatic and datatype triples), as
    triples of the input's own terms."""
    if engine == "reasonable":
        return _reasonable_closure(list(graph) + list(schema))
    import owlrl

    work = Graph()
    for triple in graph:
        work.add(triple)
    work += schema
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(work)
    return work


def _reasonable_closure(triples: list) -> list:
    """reasonable's closure (input + inferred). It hands literals back in canonical form: a
    plain "x" as "x"^^xsd:string (the same RDF 1.1 term, a different rdflib one) and "07" as
    "7"; every literal of the output comes from the input, so map each back to the input's
    spelling, or the kept triples would differ from owlrl's and duplicate asserted ones."""
    import reasonable

    spelling = {_literal_key(o): o for _, _, o in triples if isinstance(o, Literal)}
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(triples)
    out = []
    for s, p, o in reasoner.reason():
        if isinstance(o, Literal):
            o = spelling.get(_literal_key(o), o)
        out.append((s, p, o))
    return out


def _literal_key(literal: Literal) -> tuple:
    """What stays the same when a literal is written canonically: its value (or its text when
    ill-typed), language and datatype, plain literals counting as xsd:string."""
    datatype = literal.datatype or (None if literal.language else XSD.string)
    value = literal.value if literal.value is not None and datatype != XSD.string else str(literal)
    return value, literal.language, datatype


def keep(triples: Iterable, vocabulary: set) -> Iterator:
    """The inferred triples worth keeping: about resources of the data, not the vocabulary."""
    for s, p, o in triples:
        if isinstance(s, Literal) or s in vocabulary or str(s).startswith(_LANGUAGE):
            continue
        if s == o:  # x owl:sameAs x, x skos:exactMatch x: true of everything, said of nothing
            continue
        if p == RDF.type and (isinstance(o, Literal) or str(o).startswith(_LANGUAGE)):
            continue
        yield s, p, o


# Schema features under which any triple, a literal-valued one too, may take part in an inference
# (owl:sameAs rewriting); when the schema has none, literal-valued triples can only matter through
# the axioms of their own predicate.
_SAMEAS_SOURCES = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty}


def literal_relevant(schema: Graph) -> set | None:
    """The predicates whose literal-valued triples OWL RL can draw a conclusion from (prp-dom,
    prp-spo1, prp-eqp, cls-hv, prp-key), or None when every triple must go in.

    A literal-valued triple `s p "x"` fires no rule unless p has one of those axioms (rdfs:range
    on a literal only types the literal, which `keep` drops anyway), so leaving the others out
    changes no kept conclusion, and halves the closure time on the seed (tests check the equality).
    An owl:sameAs in the data itself turns the filter off for that unit (`input_of`).
    """
    if any((None, RDF.type, t) in schema for t in _SAMEAS_SOURCES) or \
            (None, OWL.hasKey, None) in schema:
        return None
    return (set(schema.subjects(RDFS.domain)) | set(schema.subjects(RDFS.subPropertyOf))
            | set(schema.subjects(OWL.equivalentProperty))
            | set(schema.objects(None, OWL.equivalentProperty))
            | set(schema.objects(None, OWL.onProperty)))


class Reasoner:
    """OWL RL over one graph at a time, against a fixed schema. Create it once per process and
    call `infer_one` for each unit: the schema's closure is computed here, once."""

    def __init__(self, schema: Graph, engine: str | None = None):
        self.schema = schema
        self.engine = engine_name(engine)
        # What the schema alone entails is the same for every unit: subtract it once.
        self.schema_closure = set(closure((), schema, self.engine))
        # Every IRI of the schema's closure, in any position: what owlrl's eq-ref makes a
        # subject anyway; reasonable derives fewer `x owl:sameAs x`, so read all positions.
        self.vocabulary = {t for triple in self.schema_closure for t in triple
                           if isinstance(t, URIRef)}
        self.relevant = literal_relevant(schema)

    def input_of(self, asserted: Iterable) -> list:
        """The triples of `asserted` (a graph or its triples) that can take part in an
        inference."""
        triples = list(asserted)
        if self.relevant is None or any(p == OWL.sameAs for _, p, _ in triples):
            return triples
        return [t for t in triples if not isinstance(t[2], Literal) or t[1] in self.relevant]

    def infer_one(self, asserted: Iterable) -> set:
        """New triples only: closure(graph + schema) minus graph minus the schema's closure.
        `asserted`: a graph or a list of its triples. A set, not a graph: a build only
        serialises them. Pure: the Reasoner keeps no state between units."""
        # A set: the closure holds the input again, and a lookup in an rdflib graph per triple
        # cost more than reasonable's whole closure.
        triples = list(asserted)  # in the graph's order: the closure's input order is fixed
        given = set(triples)
        full = closure(self.input_of(triples), self.schema, self.engine)
        vocabulary = self.vocabulary | {p for _, p, _ in given}
        return {triple for triple in keep(full, vocabulary)
                if triple not in given and triple not in self.schema_closure}

    def infer_beyond(self, asserted: Iterable, reference: Graph) -> Iterator:
        """What goes into the inferred graph for one unit: its new triples less those the
        reference graph already asserts (whichever unit drew them)."""
        return (triple for triple in self.infer_one(asserted) if triple not in reference)
