"""The JSON-LD block embedded in every page: schema.org terms a search engine understands, plus
the resource's own graph (the same triples as its index.jsonld).

The schema.org part only adds statements whose predicates are schema.org terms (or rdf:type
schema:X), so the page's block = index.jsonld's triples + schema.org statements. What it says,
by page kind: the WebPage (url, dateModified: the council's decision), the standard as a
DefinedTermSet (authors as Person, version, identifier), the qualifications (a credential where
the graph says it can be awarded: recognizedBy the council; else a term of the standard meant for
learning, with the reason; identifier: the register code, url, description: the job of A.1), the
occupation (an @id of its own, sameAs its ESCO occupations, its ISCO group), and the home page's
Dataset (dataset_node).
"""
from __future__ import annotations

import json
from urllib.parse import quote

from kutse_rdf.site.graph import DCT, RDF, SCHEMA, SKOS, K
from kutse_rdf.site.views import Page, Views

CONTEXT = {"@vocab": str(SCHEMA)}
CONTEXT_JSON = json.dumps(CONTEXT, separators=(",", ":"))
ISCO_SET = {"@type": "CategoryCodeSet", "name": "ISCO-08"}
REGISTER = "Kutseregister"  # the register whose code (C.1 item 1) identifies a standard
# Who made the data (the SSSOM mapping files name the same creator)
CONTRIBUTORS = {"@id": "https://w3id.org/kutse-rdf/contributors", "@type": "Organization",
                "name": "kutse-rdf contributors", "url": "https://w3id.org/kutse-rdf/"}
# Who publishes the source documents
KUTSEKODA = {"@type": "Organization", "name": "Kutsekoda", "url": "https://www.kutsekoda.ee/"}
# An ESCO occupation a qualification (or its version-independent resource, which the mappings
# name) qualifies for or maps to with one of these is named by sameAs
SAME_AS = (K.qualifiesFor, SKOS.exactMatch, SKOS.closeMatch)
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"


def own_json(nodes: list[dict]) -> str:
    """A resource's own nodes as the JSON text `embed` puts after a page's nodes: written once
    per resource, not once per language."""
    return json.dumps(nodes, ensure_ascii=False, separators=(",", ":"))[1:-1]


def embed(nodes: list[dict] | dict, own: str = "") -> str:
    """The text of a <script type="application/ld+json"> block: `nodes` and then `own` (from
    `own_json`) in one @graph.

    `<`, `>` and `&` are written as JSON escapes, so no document text can close the script
    element or open a comment inside it; the JSON value is unchanged."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    listed = json.dumps(nodes, ensure_ascii=False, separators=(",", ":"))[1:-1]
    text = (f'{{"@context":{CONTEXT_JSON},"@graph":[{listed}'
            f'{"," if listed and own else ""}{own}]}}')
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def named(value) -> dict | str:
    return {"@value": value.text, "@language": value.lang} if value.lang else value.text


def defined_term(views: Views, iri: str) -> dict:
    node = {"@id": iri, "@type": "DefinedTerm", "name": named(views.label(iri))}
    code = views.g.notation(iri)
    if code:
        node["termCode"] = code
    return with_term_set(node, views, iri)


def with_term_set(node: dict, views: Views, iri: str) -> dict:
    """The term's node with the set it is in (its first skos:inScheme), if any."""
    schemes = views.iris(iri, SKOS.inScheme)
    if schemes:
        node["inDefinedTermSet"] = {"@id": schemes[0], "@type": "DefinedTermSet",
                                    "name": named(views.label(schemes[0]))}
    return node


def page_url(views: Views, iri: str, tree: str = "") -> str | None:
    """The URL of a resource's page in a language tree ("" is the default language's)."""
    path = views.g.path_of(iri)
    return views.g.base_uri + tree + quote(path, safe="/#") if path is not None else None


def standard_of(views: Views, iri: str) -> str | None:
    """The standard a page's resource belongs to: itself, or the scheme it is in (a hash IRI:
    its document's)."""
    if K.OccupationalStandard in views.g.types(iri):
        return iri
    for candidate in (iri, iri.partition("#")[0]):
        scheme = views.standard_of(candidate)
        if scheme and K.OccupationalStandard in views.g.types(scheme):
            return scheme
    return None


def modified(views: Views, iri: str) -> str | None:
    """The date of the council's decision (C.1 item 5) on the resource's standard: its last
    change."""
    standard = standard_of(views, iri)
    date = views.text(standard, K.decisionDate) if standard else None
    return date.text if date else None


def register_id(views: Views, standard: str | None) -> dict | None:
    code = views.text(standard, K.registerCode) if standard else None
    return {"@type": "PropertyValue", "propertyID": REGISTER, "value": code.text} if code else None


def organisation(views: Views, iri: str) -> dict:
    return {"@id": iri, "@type": "Organization", "name": named(views.label(iri))}


def job_description(views: Views, standard: str) -> str | None:
    """The text of the standard's section A.1 (the job description)."""
    for section in views.iris(standard, K.hasSection):
        if views.g.notation(section) == "A.1":
            text = views.text(section, RDF.value)
            return text.text if text else None
    return None


def awarded_by(views: Views, iri: str) -> str:
    """The node whose kutse:awardable holds for `iri`: itself, or for a specialisation (which
    has none of its own) the qualification it is a kind of."""
    parents = views.iris(iri, K.isSpecialisationOf)
    return parents[0] if parents else iri


def awardable(views: Views, iri: str) -> bool:
    """Whether the graph makes the qualification awardable (graph/convert.py `awardable`)."""
    flag = views.g.literal(awarded_by(views, iri), K.awardable)
    return flag is not None and flag.text == "true"


def credential(views: Views, iri: str) -> dict:
    """A qualification a standard describes, as a credential where it can be awarded."""
    category = "kutse" if K.Qualification in views.g.types(iri) else "osakutse"
    return credential_node(views, iri, views.label(iri), category, views.text(iri, K.estqfLevel))


def credential_node(views: Views, iri: str, title, category: str, level) -> dict:
    """A qualification ("kutse") or a partial one or specialisation ("osakutse"), with its ESTQF
    `level`, its EQF level and the competences it requires.

    Awardable: an EducationalOccupationalCredential with credentialCategory and recognizedBy.
    Not awardable (a draft, or "ei ole kutse andmise aluseks"): no credential, but what it is,
    a term of its standard's DefinedTermSet, and a LearningResource (the standard is a basis for
    curricula; schema.org's type for educationalLevel and competencyRequired outside a
    credential), with its kutse class as additionalType in place of the category and the
    graph's reason (skos:editorialNote) as disambiguatingDescription."""
    if awardable(views, iri):
        node = {"@id": iri, "@type": "EducationalOccupationalCredential", "name": named(title),
                "credentialCategory": category}
    else:
        kind = next((c for c in (K.Qualification, K.PartialQualification, K.Specialisation)
                     if c in views.g.types(iri)), None)
        node = {"@id": iri, "@type": ["DefinedTerm", "LearningResource"], "name": named(title),
                **({"additionalType": {"@id": kind}} if kind else {})}
        with_term_set(node, views, iri)
        reason = views.g.literal(awarded_by(views, iri), SKOS.editorialNote, "en")
        if reason:
            node["disambiguatingDescription"] = named(reason)
    levels = views.iris(iri, K.hasLevel)
    if level or levels:
        node["educationalLevel"] = {"@type": "DefinedTerm", "name": f"EQF {level.text}" if level else "EQF",
                                    **({"termCode": level.text} if level else {}),
                                    **({"url": levels[0]} if levels else {})}
    node["competencyRequired"] = [defined_term(views, c) for c in views.iris(iri, K.requiresCompetence)]
    url = page_url(views, iri)
    if url:
        node["url"] = url
    standard = standard_of(views, iri)
    councils = views.iris(standard, K.approvedBy) if standard else []
    if councils and node["@type"] == "EducationalOccupationalCredential":
        node["recognizedBy"] = [organisation(views, c) for c in councils]
    if category == "kutse":  # the register code and A.1 are the full qualification's
        identifier = register_id(views, standard)
        if identifier:
            node["identifier"] = identifier
        description = job_description(views, standard) if standard else None
        if description:
            node["description"] = {"@value": description, "@language": "et"}
    return node


def occupation(views: Views, qual: str) -> dict:
    """The occupation a qualification is for, named by a hash IRI of the qualification: its
    `qualifications` where that is a credential, else (schema.org's range is a credential) the
    description of the qualification is a work about the occupation (`subjectOf`)."""
    link = "qualifications" if awardable(views, qual) else "subjectOf"
    node = {"@id": qual + "#occupation", "@type": "Occupation", "name": named(views.label(qual)),
            link: {"@id": qual}}
    code = views.text(qual, K.iscoCode)
    if code:
        groups = views.iris(qual, K.iscoGroup)
        node["occupationalCategory"] = {**({"@id": groups[0]} if groups else {}),
                                        "@type": "CategoryCode", "codeValue": code.text,
                                        "inCodeSet": ISCO_SET}
    same = sorted({o for s in (qual, *views.iris(qual, DCT.isVersionOf)) for p in SAME_AS
                   for o in views.iris(s, p) if o.startswith(ESCO_OCCUPATION)})
    if same:
        node["sameAs"] = same
    return node


def page_jsonld(page: Page, lang: str, nodes: list[dict], views: Views | None = None,
                tree: str = "") -> list[dict]:
    """The page's block: a WebPage about the resource (its URL in the language tree `tree`,
    and the date of its standard's last change), then its kind's nodes (kinds.py)."""
    node = {"@type": "WebPage", "name": named(page.title), "inLanguage": lang,
            "about": {"@id": page.iri}}
    if views is not None:
        node["url"] = views.g.base_uri + tree + quote(page.path, safe="/#")
        date = modified(views, page.iri)
        if date:
            node["dateModified"] = date
    return [node, *nodes]


# -- the schema.org nodes of each page kind (declared in kinds.py) --------------------------------

def standard_nodes(page: Page, views: Views) -> list[dict]:
    """A standard is a set of defined terms that describes credentials for occupations; its
    authors are persons, with the organisation they came from."""
    node = {"@id": page.iri, "@type": "DefinedTermSet", "name": named(page.title)}
    authors = []
    for author in views.iris(page.iri, K.hasAuthor):
        person = {"@id": author, "@type": "Person", "name": views.label(author).text}
        orgs = [organisation(views, org) for org in sorted(views.iris(author, SCHEMA.affiliation))]
        if orgs:  # the document gives one organisation beside a name
            person["affiliation"] = orgs[0] if len(orgs) == 1 else orgs
        authors.append(person)
    if authors:
        node["author"] = authors
    version = views.text(page.iri, K.standardVersion)
    if version:
        node["version"] = version.text
    date = views.text(page.iri, K.decisionDate)
    if date:
        node["dateModified"] = date.text
    identifier = register_id(views, page.iri)
    if identifier:
        node["identifier"] = identifier
    nodes = [node]
    for qual in views.iris(page.iri, K.describesQualification):
        nodes += [credential(views, qual), occupation(views, qual)]
    return nodes


def qualification_nodes(page: Page, views: Views) -> list[dict]:
    """A qualification's page: the credential, named and levelled as the page is, and the
    occupation it qualifies for."""
    return [credential_node(views, page.iri, page.title, "kutse", page.data["level"]),
            occupation(views, page.iri)]


def credential_nodes(page: Page, views: Views) -> list[dict]:
    """A partial qualification's or specialisation's page: the credential."""
    return [credential_node(views, page.iri, page.title, "osakutse", page.data["level"])]


def term_nodes(page: Page, views: Views) -> list[dict]:
    """A competence, an e-CF competence or area: a defined term, named as the page is."""
    node = {"@id": page.iri, "@type": "DefinedTerm", "name": named(page.title)}
    if page.notation:
        node["termCode"] = page.notation
    return [with_term_set(node, views, page.iri)]


def scheme_nodes(page: Page, views: Views) -> list[dict]:
    return [{"@id": page.iri, "@type": "DefinedTermSet", "name": named(page.title)}]


def no_nodes(page: Page, views: Views) -> list[dict]:
    return []


def dataset_node(iri: str, base: str, licence: str, distributions: list[dict],
                 languages: list[str], modified: str, version: str) -> dict:
    """The home page's schema.org Dataset: the same facts as the VoID/DCAT description, who
    made and publishes it, where its pages are, its languages, the build's date and version."""
    return {"@id": iri, "@type": "Dataset",
            "name": "kutse-rdf: Estonian occupational standards as linked data",
            "description": "Estonian occupational standards (kutsestandardid) as an RDF/SKOS graph "
                           "linked to e-CF, ESCO and the EQF.",
            "license": licence, "distribution": distributions,
            "url": base, "inLanguage": languages, "creator": CONTRIBUTORS,
            "publisher": CONTRIBUTORS, "isBasedOn": {"@type": "CreativeWork",
                                                     "name": "Kutsestandardid",
                                                     "publisher": KUTSEKODA},
            "dateModified": modified, "version": version}
