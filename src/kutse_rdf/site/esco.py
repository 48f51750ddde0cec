"""ESCO on the site: where a concept is on the ESCO portal, and the suggested mappings of the
build's report for each standard's pages. Curated links are the graph's skos:*Match statements
(mappings/*.sssom.tsv); suggested ones are never statements of the graph: the occupations of the
qualification's ISCO group (views.esco_links) and the rows of the suggestions report (here)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from kutse_rdf.graph.namespaces import ESCO_ROOT
from kutse_rdf.graph.vocab import read_mapping_file

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


# -- suggested mappings ---------------------------------------------------------------------------
# The build writes reports/esco-suggestions.sssom.tsv (esco/suggest.py) when an ESCO release is
# imported, before the site. Each standard's pages get its rows (StandardJob.suggestions, so that
# they are part of the key its pages are taken over by), shown apart from the curated links.

SUGGESTIONS = "esco-suggestions.sssom.tsv"


def suggestions_by_standard(path: Path, base_uri: str, owner_of) -> dict[str, bytes]:
    """The rows of a suggestions file by the standard that owns their subject (`owner_of(iri)`,
    None for none), each standard's as JSON: [[subject, ESCO concept, label, confidence], ...]."""
    if not path.is_file():
        return {}
    rows: dict[str, list] = {}
    for m in read_mapping_file(path, base_uri):
        standard = owner_of(m.subject)
        if standard is not None:
            rows.setdefault(standard, []).append([m.subject, m.object, m.object_label or "",
                                                  m.confidence])
    return {standard: json.dumps(found, ensure_ascii=False).encode("utf-8")
            for standard, found in rows.items()}


def read_suggestions(data: bytes) -> dict[str, list[tuple[str, str, float | None]]]:
    """suggestions_by_standard's JSON of one standard: subject -> [(concept, label, confidence)]."""
    found: dict[str, list] = {}
    for subject, concept, label, confidence in json.loads(data) if data else []:
        found.setdefault(subject, []).append((concept, label, confidence))
    return found
