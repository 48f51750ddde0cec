"""Every URI of the project's own resources is minted here, nowhere else (docs/graph-model.md).

URIs are slash URIs under one configurable base `B`, readable and stable across rebuilds: they
depend on titles and codes, never on the content below them (a competence keeps its URI when
its indicators change). Only indicators, knowledge items and general skills are numbered by
their position, as the document numbers them.

The parts that are only ever shown on their parent's page — indicators and knowledge items (on
the competence's), the choice groups of B.1 (on the qualification's, partial qualification's or
specialisation's), general skills, work parts, sections and authors (on the standard's), and
the ELM view's own nodes — get hash URIs below that parent (`…/competence/B.3.5#indicator-1`):
they resolve to the parent's page and its section, and the site needs a folder per page, not
per part (docs/design.md).

A register holds versions of a standard (versions.py). Every version's content is minted below
its version, `B/standard/{slug}/version/{key}/…` (the methods taking a Standard); the IRIs
without `/version/{key}` (the `work_*` methods, `unversioned`) name "this thing in the current
valid version" and link to the version-specific ones (graph/versions.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Callable
from urllib.parse import quote

from rdflib import URIRef

from kutse_rdf.errors import DataError
from kutse_rdf.model import Standard
from kutse_rdf.versions import version_key

# Estonian letters folded as the contract says; the rest of Latin goes through NFKD below.
_FOLD = str.maketrans({"õ": "o", "ä": "a", "ö": "o", "ü": "u", "š": "s", "ž": "z",
                       "Õ": "o", "Ä": "a", "Ö": "o", "Ü": "u", "Š": "s", "Ž": "z"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# Slugs name folders of the site and files of the dumps (`standards/SLUG.nt`): a file name is
# at most 255 bytes, so a longer slug is cut and ends in a hash of the whole slug instead.
MAX_SLUG = 100
_HASH = 8  # hex digits


# Memoised: a standard's title is slugged again for each of the hundreds of URIs it mints.
@lru_cache(maxsize=8192)
def slug(text: str) -> str:
    """"IT-juht, tase 7" -> "it-juht-tase-7": ASCII-folded, lower case, other runs -> "-".
    Longer than MAX_SLUG: the first characters, "-" and 8 hex digits of the SHA-256 of the
    whole slug, so two long titles that differ only near their end stay apart."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    value = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(value) <= MAX_SLUG:
        return value
    digest = hashlib.sha256(value.encode("ascii")).hexdigest()[:_HASH]
    return f"{value[:MAX_SLUG - _HASH - 1].rstrip('-')}-{digest}"


@lru_cache(maxsize=8192)
def _code(code: str) -> str:
    # Codes are normalised by the parser ("B.3.5"); quote anything else rather than break the URI.
    return quote(code.strip(), safe=".-_~")


def owned_by(standard: str) -> Callable[[bytes], bool]:
    """A test of N-Triples text that starts with an IRI (a line, or `<iri>`): is that IRI the
    standard's own, its URI or one below it after `/` or `#`? Only that standard mints those
    (the merged dumps and the site's summaries rely on it)."""
    own = b"<" + standard.encode()
    cut = len(own)
    return lambda text: text.startswith(own) and text[cut:cut + 1] in (b">", b"/", b"#")


class Uris:
    """Mints the URIs of one deployment (one base URI)."""

    def __init__(self, base_uri: str):
        self.base = base_uri if base_uri.endswith("/") else base_uri + "/"

    def _uri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    @staticmethod
    def standard_slug(std: Standard) -> str:
        value = slug(std.title)
        if not value:
            raise DataError(f"standard title {std.title!r} gives an empty URI slug",
                            file=std.source_file, line=std.line)
        return value

    def _std(self, std: Standard, path: str = "") -> URIRef:
        tail = f"/{path}" if path else ""
        return self._uri(f"standard/{self.standard_slug(std)}/version/{version_key(std)}{tail}")

    def _work(self, work: str, path: str = "") -> URIRef:
        tail = f"/{path}" if path else ""
        return self._uri(f"standard/{work}{tail}")

    @staticmethod
    def _named(kind: str, text: str, std: Standard) -> str:
        value = slug(text)
        if not value:
            raise DataError(f"{kind} name {text!r} gives an empty URI slug", file=std.source_file)
        return value

    def standard(self, std: Standard) -> URIRef:
        return self._std(std)

    def qualification(self, std: Standard) -> URIRef:
        return self._std(std, "qualification")

    def partial(self, std: Standard, title: str) -> URIRef:
        return self._std(std, "partial/" + self._named("partial qualification", title, std))

    def specialisation(self, std: Standard, title: str) -> URIRef:
        return self._std(std, "specialisation/" + self._named("specialisation", title, std))

    def competence(self, std: Standard, code: str) -> URIRef:
        return self._std(std, f"competence/{_code(code)}")

    # -- version-independent IRIs (a work = a standard's slug) -----------------------------------
    def work(self, std: Standard | str) -> URIRef:
        """The standard across its versions, `B/standard/{slug}` (a Standard or its slug)."""
        return self._work(std if isinstance(std, str) else self.standard_slug(std))

    def unversioned(self, iri: str) -> URIRef | None:
        """The version-independent IRI of a version-specific one (`…/version/{key}` left out;
        a hash part stays), None for an IRI that is not version-specific."""
        prefix = self.base + "standard/"
        if not iri.startswith(prefix):
            return None
        work, sep, rest = iri[len(prefix):].partition("/version/")
        if not sep or not work or "/" in work or "#" in work:
            return None
        key, _, tail = rest.partition("/")
        key, hash_, fragment = key.partition("#")
        if not key:
            return None
        path = (f"/{tail}" if tail else "") if not hash_ else f"#{fragment}"
        return URIRef(f"{prefix}{work}{path}")

    def version_of(self, iri: str) -> tuple[str, str] | None:
        """(slug, version key) of a version-specific IRI, None for any other IRI."""
        if self.unversioned(iri) is None:
            return None
        work, _, rest = iri[len(self.base + "standard/"):].partition("/version/")
        return work, rest.partition("/")[0].partition("#")[0]

    @staticmethod
    def part(parent: URIRef, fragment: str) -> URIRef:
        """A part shown on its parent's page: `parent#fragment`."""
        return URIRef(f"{parent}#{fragment}")

    def indicator(self, std: Standard, code: str, n: int) -> URIRef:
        return self.part(self.competence(std, code), f"indicator-{n}")

    def knowledge(self, std: Standard, code: str, n: int) -> URIRef:
        return self.part(self.competence(std, code), f"knowledge-{n}")

    def choice(self, owner: URIRef, n: int) -> URIRef:
        """The n-th choice group of B.1 of a qualification, partial qualification or
        specialisation, shown on its page."""
        return self.part(owner, f"choice-{n}")

    def general_skill(self, std: Standard, n: int) -> URIRef:
        return self.part(self.standard(std), f"general-skill-{n}")

    def work_part(self, std: Standard, code: str) -> URIRef:
        return self.part(self.standard(std), f"work-part-{_code(code)}")

    def section(self, std: Standard, code: str | None, title: str | None = None) -> URIRef:
        """By code ("A.1"); a section without a code by the slug of its heading; the untitled
        text before the first heading is "intro"."""
        if code:
            return self.part(self.standard(std), f"section-{_code(code)}")
        return self.part(self.standard(std), f"section-{slug(title or '') or 'intro'}")

    def author(self, std: Standard, name: str) -> URIRef:
        return self.part(self.standard(std), "author-" + self._named("author", name, std))

    def council(self, name: str) -> URIRef:
        value = slug(name)
        if not value:
            raise DataError(f"council name {name!r} gives an empty URI slug")
        return self._uri(f"council/{value}")

    def organisation(self, name: str) -> URIRef:
        """An author's organisation, `B/organisation/{slug of its name}`: one per name across
        the build (every standard naming it mints the same IRI). A name with no letter or digit
        to slug (it is kept as written all the same) is named by a hash of its text instead."""
        value = slug(name) or "org-" + hashlib.sha256(name.strip().encode()).hexdigest()[:_HASH]
        return self._uri(f"organisation/{value}")

    def elm_qualification(self, owner: URIRef) -> URIRef:
        """The ELM view's elm:Qualification of a qualification, partial qualification or
        specialisation of the knowledge graph (`owner`, a skos:Concept there): `owner#elm-qualification`.
        A node of its own, so that no IRI is a skos:Concept in one graph and an ELM
        specification in another (docs/elm.md)."""
        return self.part(owner, "elm-qualification")

    @property
    def graph_prefix(self) -> str:
        """What every named graph's IRI starts with."""
        return self.base + "graph/"

    def graph(self, std: Standard) -> URIRef:
        """The named graph of one version's content, `B/graph/{slug}/version/{key}`."""
        return self._uri(f"graph/{self.standard_slug(std)}/version/{version_key(std)}")

    def work_graph(self, std: Standard | str) -> URIRef:
        """The named graph of a work's version-independent nodes and version links,
        `B/graph/{slug}` (a Standard or its slug)."""
        return self._uri(f"graph/{std if isinstance(std, str) else self.standard_slug(std)}")

    def standard_of_graph(self, graph: str) -> URIRef | None:
        """The version of a standard whose named graph is `graph` (as `graph` mints it); None
        for a graph not named so."""
        prefix = self.base + "graph/"
        name = graph[len(prefix):] if graph.startswith(prefix) else ""
        work, sep, key = name.partition("/version/")
        if not sep or not work or not key or "/" in work or "/" in key:
            return None
        return self._uri(f"standard/{work}/version/{key}")

    def work_of_graph(self, graph: str) -> URIRef | None:
        """The version-independent standard whose work graph is `graph`, None for another."""
        prefix = self.base + "graph/"
        name = graph[len(prefix):] if graph.startswith(prefix) else ""
        if not name or "/" in name or name in ("reference", "inferred", "elm", "changes", "shared"):
            return None
        return self._uri(f"standard/{name}")

    def reference_graph(self) -> URIRef:
        return self._uri("graph/reference")

    def shared_graph(self) -> URIRef:
        """The named graph of what the standards say about resources several of them name
        (their councils, authors' organisations, the tool that built them): stated there once,
        so that no triple is in two graphs; the versions' graphs keep the links to them."""
        return self._uri("graph/shared")

    def inferred_graph(self) -> URIRef:
        return self._uri("graph/inferred")

    def elm_graph(self) -> URIRef:
        return self._uri("graph/elm")

    def changes_graph(self) -> URIRef:
        """The named graph of the changes between versions (graph/changes.py)."""
        return self._uri("graph/changes")
