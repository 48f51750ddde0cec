"""The JSON-LD block embedded in every page: schema.org terms a search engine understands, plus
the resource's own graph (the same triples as its index.jsonld).

The schema.org part only adds statements whose predicates are schema.org terms (or rdf:type
schema:X), so the page's block = index.jsonld's triples + schema.org statements.
"""
from __future__ import annotations

import json

from kutse_rdf.site.graph import SCHEMA, SKOS, K
from kutse_rdf.site.views import Page, Views

CONTEXT = {"@vocab": str(SCHEMA)}
CONTEXT_JSON = json.dumps(CONTEXT, separators=(",", ":"))
ISCO_SET = {"@type": "CategoryCodeSet", "name": "ISCO-08"}


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


def credential(views: Views, iri: str) -> dict:
    """A qualification a standard describes, as a credential."""
    category = "kutse" if K.Qualification in views.g.types(iri) else "osakutse"
    return credential_node(views, iri, views.label(iri), category, views.text(iri, K.estqfLevel))


def credential_node(views: Views, iri: str, title, category: str, level) -> dict:
    """A credential: a qualification ("kutse") or a partial one or specialisation ("osakutse"),
    with its ESTQF `level`, its EQF level and the competences it requires."""
    node = {"@id": iri, "@type": "EducationalOccupationalCredential", "name": named(title),
            "credentialCategory": category}
    levels = views.iris(iri, K.hasLevel)
    if level or levels:
        node["educationalLevel"] = {"@type": "DefinedTerm", "name": f"EQF {level.text}" if level else "EQF",
                                    **({"termCode": level.text} if level else {}),
                                    **({"url": levels[0]} if levels else {})}
    node["competencyRequired"] = [defined_term(views, c) for c in views.iris(iri, K.requiresCompetence)]
    return node


def occupation(views: Views, qual: str) -> dict:
    node = {"@type": "Occupation", "name": named(views.label(qual)),
            "qualifications": {"@id": qual}}
    code = views.text(qual, K.iscoCode)
    if code:
        node["occupationalCategory"] = {"@type": "CategoryCode", "codeValue": code.text, "inCodeSet": ISCO_SET}
    return node


def page_jsonld(page: Page, lang: str, nodes: list[dict]) -> list[dict]:
    """The page's block: a WebPage about the resource, then its kind's nodes (kinds.py)."""
    return [{"@type": "WebPage", "name": named(page.title), "inLanguage": lang,
             "about": {"@id": page.iri}}, *nodes]


# -- the schema.org nodes of each page kind (declared in kinds.py) --------------------------------

def standard_nodes(page: Page, views: Views) -> list[dict]:
    """A standard is a set of defined terms that describes credentials for occupations."""
    nodes = [{"@id": page.iri, "@type": "DefinedTermSet", "name": named(page.title)}]
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
