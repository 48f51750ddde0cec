"""ESCO on the site: where a concept is on the ESCO portal, and which of a resource's ESCO links
are curated (mappings/*.sssom.tsv, the graph's skos:*Match statements) and which are suggested
(the occupations of the qualification's ISCO group, never statements of the graph)."""
from __future__ import annotations

from urllib.parse import quote

from kutse_rdf.graph.namespaces import ESCO_ROOT

PORTAL = "https://esco.ec.europa.eu/{lang}/classification/{kind}?uri={uri}"
# the portal shows ISCO groups among the occupations
PORTAL_KINDS = {"skill/": "skill", "occupation/": "occupation", "isco/": "occupation"}


def portal_url(iri: str, lang: str = "en") -> str | None:
    """The ESCO portal's page of an ESCO skill, occupation or ISCO group in `lang`; None for
    anything else (a concept scheme, a term of ESCO's model)."""
    if not iri.startswith(ESCO_ROOT):
        return None
    rest = iri[len(ESCO_ROOT):]
    kind = next((k for prefix, k in PORTAL_KINDS.items() if rest.startswith(prefix)), None)
    if kind is None or "#" in rest:
        return None
    return PORTAL.format(lang=lang, kind=kind, uri=quote(iri, safe=""))
