"""The graph of a work (docs/graph-model.md, "Versions"): its version-independent nodes and the
links between its versions, in the named graph `B/graph/{slug}`.

Each version's content is at version-specific IRIs (convert.py, one unit per document); what
ties the versions together depends on the other versions and on the day (which one is current),
so it is made here, from the versions' models, once per build: cheap, and a new version never
makes the other versions' units stale.
"""
from __future__ import annotations

from datetime import date

from rdflib import Literal, URIRef

from kutse_rdf.graph.namespaces import DCAT, DCTERMS, KUTSE, RDF, SCHEMA, SKOS
from kutse_rdf.graph.uris import Uris
from kutse_rdf.model import Standard
from kutse_rdf.versions import DRAFT, Work, status, version_key


def _resources(std: Standard, uris: Uris) -> list[tuple[URIRef, URIRef, str, str | None, str | None]]:
    """(version-specific IRI, class, Estonian label, English label, notation) of each resource
    of a version that has a version-independent IRI."""
    found = [(uris.standard(std), KUTSE.OccupationalStandard, std.title, None, None),
             (uris.qualification(std), KUTSE.Qualification, std.title, std.name_en, None)]
    found += [(uris.partial(std, p.title), KUTSE.PartialQualification, p.title, None, None)
              for p in std.partial_qualifications]
    found += [(uris.specialisation(std, s.title), KUTSE.Specialisation, s.title, None, None)
              for s in std.specialisations]
    found += [(uris.competence(std, c.code), KUTSE.Competence, c.title, None, c.code)
              for c in std.competences]
    return found


def work_triples(work: Work, uris: Uris, day: date) -> list[tuple]:
    """The triples of a work's graph on `day`:
    - each version-independent resource (of the standard, its qualification, partial
      qualifications, specialisations and competences, in any version): `a dcat:Resource`,
      `dct:type` the class of its versions (not that class itself: the library queries count
      the current version's resources, and must not count these again), its labels (and a
      competence's code) from the newest version that has it, the current one first,
      `dcat:hasVersion` each version-specific resource, `dcat:hasCurrentVersion` the current
      version's;
    - each version of the standard: `schema:creativeWorkStatus` on `day` (draft, valid,
      expired, future), `dcat:previousVersion` the one before (newer -> older, the draft after
      the newest numbered one), `dct:replaces` / `dct:isReplacedBy` between consecutive numbered
      versions."""
    triples: list[tuple] = []
    add = triples.append
    # newest first, the current one before all: the labels a resource shows are its newest
    order = [work.current] + [v for v in reversed(work.versions) if v is not work.current]
    seen: set[URIRef] = set()
    for std in order:
        current = std is work.current
        for iri, cls, label, label_en, notation in _resources(std, uris):
            independent = uris.unversioned(iri)
            add((independent, DCAT.hasVersion, iri))
            if current:
                add((independent, DCAT.hasCurrentVersion, iri))
            if independent in seen:
                continue
            seen.add(independent)
            add((independent, RDF.type, DCAT.Resource))
            add((independent, DCTERMS.type, cls))
            add((independent, SKOS.prefLabel, Literal(label, lang="et")))
            if label_en:
                add((independent, SKOS.prefLabel, Literal(label_en, lang="en")))
            if notation:
                add((independent, SKOS.notation, Literal(notation)))
    numbered = [v for v in work.versions if version_key(v) != DRAFT]
    for std in work.versions:
        add((uris.standard(std), SCHEMA.creativeWorkStatus, Literal(status(std, day))))
        previous = work.previous(std)
        if previous is not None:
            add((uris.standard(std), DCAT.previousVersion, uris.standard(previous)))
    for older, newer in zip(numbered, numbered[1:]):
        add((uris.standard(newer), DCTERMS.replaces, uris.standard(older)))
        add((uris.standard(older), DCTERMS.isReplacedBy, uris.standard(newer)))
    return triples
