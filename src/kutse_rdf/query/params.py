"""Query parameters: `--param KEY=VALUE` text made into RDF terms for a query's variables.

Parameters are bound as terms (Oxigraph substitutions, rdflib initBindings), never pasted into
the query text, so that a value cannot change the query. A declared parameter is typed by its
header line (named.py); a parameter of a user's own file without declarations is typed by its
look (an IRI, an integer, else a string). A standard may be given by IRI, slug, file name or
title (Estonian or English, exact or an unambiguous prefix).
"""
from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import KUTSE, SKOS, XSD
from kutse_rdf.query.named import QueryFile
from kutse_rdf.query.store import standards_in

XSD_INTEGER = str(XSD.integer)
XSD_DATE = str(XSD.date)


def parse_params(items: list[str]) -> dict[str, str]:
    """`--param KEY=VALUE` options as a dict."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"bad --param {item!r}: expected KEY=VALUE")
        params[key.strip()] = value.strip()
    return params


def bind_params(query: QueryFile, params: dict[str, str], store: ox.Store) -> dict[str, Any]:
    """Turn user text into RDF terms for the query's parameter variables."""
    if query.declared:
        for name in params:
            if not query.param(name):
                known = ", ".join(p.name for p in query.params) or "none"
                raise InputError(f"query {query.name} has no parameter {name!r} (parameters: {known})")
        missing = [p.name for p in query.params if p.required and p.name not in params]
        if missing:
            raise InputError(f"query {query.name} needs --param {missing[0]}=... "
                             f"({query.param(missing[0]).description})")
    bindings: dict[str, Any] = {}
    for name, value in params.items():
        declared = query.param(name)
        kind = declared.type if declared else _guess_type(value)
        bindings[name] = _term(name, kind, value, store)
    return bindings


def _guess_type(value: str) -> str:
    if value.startswith(("http://", "https://", "urn:")):
        return "iri"
    if re.fullmatch(r"[+-]?\d+", value):
        return "integer"
    return "string"


def _term(name: str, kind: str, value: str, store: ox.Store) -> Any:
    try:
        if kind == "standard":
            return ox.NamedNode(resolve_standard(value, store))
        if kind == "iri":
            return ox.NamedNode(value.strip("<>"))
        if kind == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD_INTEGER))
        if kind == "date":
            return ox.Literal(date.fromisoformat(value.strip()).isoformat(),
                              datatype=ox.NamedNode(XSD_DATE))
        return ox.Literal(value)
    except ValueError as exc:
        raise InputError(f"bad value for parameter {name}: {value!r} ({exc})") from None


def resolve_standard(value: str, store: ox.Store) -> str:
    """A standard's IRI from its IRI, its slug (it-juht-tase-7), its file name, or its title in
    Estonian or English ("IT-juht, tase 7", the qualification's "IT manager, EstQF Level 7"):
    exact (ignoring case), else an unambiguous prefix of a slug or a title."""
    standards = standards_in(store)
    if value in standards:
        return value
    slug = Path(value).stem if value.endswith((".txt", ".docx")) else value
    # a version's IRI is B/standard/SLUG/version/KEY: by its work's slug, or its work's IRI
    by_slug = {iri.rstrip("/").rsplit("/version/", 1)[0].rsplit("/", 1)[-1]: iri
               for iri in standards}
    by_work = {iri.rsplit("/version/", 1)[0]: iri for iri in standards}
    if value in by_work:
        return by_work[value]
    if slug in by_slug:
        return by_slug[slug]
    by_file = {Path(q.object.value).stem: q.subject.value
               for q in store.quads_for_pattern(None, ox.NamedNode(str(KUTSE.sourceFile)), None,
                                                ox.DefaultGraph())
               if q.subject.value in standards}
    if slug in by_file:
        return by_file[slug]
    titles = _titles(store, standards)
    wanted = " ".join(value.split()).casefold()
    exact = {iri for title, iri in titles if title.casefold() == wanted}
    if len(exact) == 1:
        return exact.pop()
    names = [(s, iri) for s, iri in by_slug.items()] + titles
    starting = {iri for name, iri in names if wanted and name.casefold().startswith(wanted)}
    if len(starting) == 1:
        return starting.pop()
    if len(starting) > 1:
        which = ", ".join(sorted(s for s, iri in by_slug.items() if iri in starting))
        raise InputError(f"standard {value!r} is ambiguous: it starts {which}; give more of it")
    close = difflib.get_close_matches(slug, list(by_slug), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    known = ", ".join(sorted(by_slug)) or "none"
    raise InputError(f"no standard {value!r} in the graph{hint} (standards: {known})")


def _titles(store: ox.Store, standards: list[str]) -> list[tuple[str, str]]:
    """(title, standard IRI) for each label of a standard and of the qualification it
    describes, in any language."""
    label = ox.NamedNode(str(SKOS.prefLabel))
    describes = ox.NamedNode(str(KUTSE.describesQualification))
    found = []
    for iri in standards:
        node = ox.NamedNode(iri)
        holders = [node] + [q.object for q in store.quads_for_pattern(node, describes, None,
                                                                        ox.DefaultGraph())]
        for holder in holders:
            for quad in store.quads_for_pattern(holder, label, None, ox.DefaultGraph()):
                found.append((" ".join(quad.object.value.split()), iri))
    return found
