"""The kinds of resource page, each declared once: how a resource is recognised (its rdf:type, or
a test where no type tells), the view builder that makes its page's kind-specific parts, the
schema.org nodes of its JSON-LD, whether and how it is found by the search and its template.

To add a page kind: declare it in KINDS (before any kind that would also match its resources),
give it a view builder in views.py, its JSON-LD in jsonld.py if schema.org has a term for it,
a template `NAME.html` in site_templates/ and a `kind_NAME` label in i18n.toml (and, if it is
searched, in search.html's list of kind labels).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kutse_rdf.graph.namespaces import ECF3, ECF4, ECF_LEVEL, EQF, ESCO_ROOT
from kutse_rdf.site import jsonld
from kutse_rdf.site.graph import SKOS, K, SiteGraph
from kutse_rdf.site.search import BODY, NOTATION, TITLE, SearchIndex
from kutse_rdf.site.views import INCOMING_LIMIT, Page, Views, natural_key

ECF_NAMESPACES = (str(ECF4), str(ECF3))  # the e-CF versions' areas


def no_search_fields(page: Page) -> list[tuple[str, int]]:
    return []


def no_boost(page: Page) -> int:
    return 0


def no_texts(page: Page) -> list[str]:
    return []


def same_as_in_data(page: Page) -> str | None:
    """The page whose search result this page's is folded into: its view's `same_as`."""
    link = page.data.get("same_as")
    return link.path if link is not None else None


@dataclass(frozen=True)
class PageKind:
    key: str  # the kind's own name in this registry
    name: str  # what pages call it: `page.kind`, the template NAME.html, the search index's kind
    view: Callable[[Views, str], dict]  # the page's kind-specific parts (Page.data)
    jsonld: Callable[[Page, Views], list[dict]]  # schema.org nodes beside the WebPage node
    rdf_type: str | None = None  # a resource of this type is of this kind ...
    test: Callable[[SiteGraph, str], bool] | None = None  # ... or one that passes this test
    search_weight: int | None = None  # None: not in the search index; else its rank among equal hits
    search_fields: Callable[[Page], list[tuple[str, int]]] = no_search_fields  # besides titles, notation
    search_boost: Callable[[Page], int] = no_boost  # added to the weight, page by page
    search_texts: Callable[[Page], list[str]] = no_texts  # found by, and shown as snippets
    search_same_as: Callable[[Page], str | None] = same_as_in_data  # one result with that page

    @property
    def template(self) -> str:
        return f"{self.name}.html"

    def matches(self, graph: SiteGraph, iri: str, types: set[str]) -> bool:
        if self.rdf_type is not None:
            return self.rdf_type in types
        return self.test is None or self.test(graph, iri)

    def index(self, search: SearchIndex, page: Page, pages: dict[str, Page]) -> None:
        """Add the page to the search index, when its kind is searched: found by its title in
        every language, its notation and the kind's own texts; shown with the standard it
        belongs to (its view's `standard`)."""
        if self.search_weight is None:
            return
        fields = [(p.title.text, TITLE) for p in pages.values()]
        if page.notation:
            fields.append((page.notation, NOTATION))
        standard = page.data.get("standard")
        search.add(page.path, page.title.text, page.title.lang, page.kind, page.notation,
                   fields + self.search_fields(page), self.search_weight + self.search_boost(page),
                   parent=standard.path if standard is not None else None,
                   same_as=self.search_same_as(page), texts=self.search_texts(page),
                   titles={lang: (p.title.text, p.title.lang) for lang, p in pages.items()
                           if p.title.text != page.title.text})


def competence_search_fields(page: Page) -> list[tuple[str, int]]:
    fields = []
    for ecf in page.data["ecf"]:
        fields += [(ecf["link"].text, BODY), (ecf["link"].notation or "", BODY)]
    return fields


def competence_texts(page: Page) -> list[str]:
    return [i.text for i in page.data["indicators"] + page.data["knowledge"]]


def qualification_same_as(page: Page) -> str | None:
    # the qualification a standard describes, of the standard's name: one thing to a reader
    standard = page.data["standard"]
    return standard.path if standard is not None and standard.text == page.title.text else None


def cited_ecf_boost(page: Page) -> int:
    # an e-CF concept some standard cites comes before its uncited twin in the other version
    return 1 if page.data["cited_by"] else 0


def is_ecf_concept(graph: SiteGraph, iri: str) -> bool:
    return bool(graph.objects(iri, K.ecfArea))


def is_ecf_level(graph: SiteGraph, iri: str) -> bool:
    return iri.startswith(str(ECF_LEVEL)) and bool(graph.objects(iri, SKOS.topConceptOf))


def is_ecf_area(graph: SiteGraph, iri: str) -> bool:
    return iri.startswith(ECF_NAMESPACES) and bool(graph.objects(iri, SKOS.topConceptOf))


def is_esco_scheme(graph: SiteGraph, iri: str) -> bool:
    return iri.startswith(ESCO_ROOT) and SKOS.ConceptScheme in graph.types(iri)


def has_sections(graph: SiteGraph, iri: str) -> bool:
    return bool(graph.parts(iri))


# In the order they are tried: the first kind that matches a resource is its kind.
KINDS: tuple[PageKind, ...] = (
    PageKind("standard", "standard", Views.data_standard, jsonld.standard_nodes,
             rdf_type=K.OccupationalStandard, search_weight=0),
    PageKind("qualification", "qualification", Views.data_qualification, jsonld.qualification_nodes,
             rdf_type=K.Qualification, search_weight=1, search_same_as=qualification_same_as),
    PageKind("partial", "partial", Views.data_qualification, jsonld.credential_nodes,
             rdf_type=K.PartialQualification, search_weight=1),
    PageKind("specialisation", "specialisation", Views.data_qualification, jsonld.credential_nodes,
             rdf_type=K.Specialisation, search_weight=1),
    PageKind("competence", "competence", Views.data_competence, jsonld.term_nodes,
             rdf_type=K.Competence, search_weight=3, search_fields=competence_search_fields,
             search_texts=competence_texts),
    PageKind("ecf", "ecf", Views.data_ecf, jsonld.term_nodes, test=is_ecf_concept, search_weight=2,
             search_boost=cited_ecf_boost),
    PageKind("ecf_area", "ecf_area", Views.data_ecf_area, jsonld.term_nodes, test=is_ecf_area,
             search_weight=0),
    PageKind("ecf_level", "ecf_level", Views.data_ecf_level, jsonld.term_nodes, test=is_ecf_level,
             search_weight=0),
    PageKind("esco_scheme", "scheme", Views.data_scheme, jsonld.scheme_nodes, test=is_esco_scheme,
             search_weight=0),
    PageKind("scheme", "scheme", Views.data_scheme, jsonld.scheme_nodes,
             rdf_type=SKOS.ConceptScheme),
    PageKind("esco_concept", "esco", Views.data_esco, jsonld.no_nodes,
             test=lambda graph, iri: iri.startswith(ESCO_ROOT), search_weight=0),
    PageKind("eqf_level", "resource", Views.data_resource, jsonld.no_nodes,
             test=lambda graph, iri: iri.startswith(str(EQF))),
    # a page that is mostly its hash IRIs (the ontology): a table of contents of its sections
    PageKind("document", "document", Views.data_resource, jsonld.no_nodes, test=has_sections),
    PageKind("resource", "resource", Views.data_resource, jsonld.no_nodes),
)


def kind_of(graph: SiteGraph, iri: str) -> PageKind:
    types = graph.types(iri)
    return next(kind for kind in KINDS if kind.matches(graph, iri, types))


def make_page(views: Views, iri: str, kind: PageKind) -> Page:
    """The page of `iri` in the language of `views`: what every page shows (its statements,
    what points at it, its hash IRIs) and the kind's own parts."""
    g = views.g
    page = Page(iri, g.path_of(iri), kind.name, views.label(iri), g.notation(iri))
    page.statements = views.statements(iri)
    incoming = sorted(g.incoming(iri), key=lambda sp: (natural_key(sp[0]), sp[1]))
    page.incoming_more = max(0, len(incoming) - INCOMING_LIMIT)
    page.incoming = [(views.link(s), views.link(p)) for s, p in incoming[:INCOMING_LIMIT]]
    page.data = kind.view(views, iri)
    # every hash IRI of the page is a section of it: the kind's template shows some (indicators,
    # work parts, ...) with their fragment as id, the rest get a generic section
    shown = page.data.get("shown", set())
    page.parts = views.part_rows([p for p in g.parts(iri) if p not in shown])
    return page
