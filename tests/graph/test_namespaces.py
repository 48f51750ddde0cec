"""graph/namespaces.py: every vocabulary term is checked (a misspelt one fails at import or here),
the vocabularies list exactly the terms the shipped files use, and there is one prefix table that
every serialiser's subset comes from."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kutse_rdf.graph import convert, elm, ntriples, validate, vocab
from kutse_rdf.graph.namespaces import (ADMS, DCAT, DCTERMS, ELM, ESCO, KUTSE, PREFIXES, RDF, ROV,
                                        SCHEMA, SH, SKOS, VANN, XSD, eqf_level, isco_group,
                                        prefixes)
from kutse_rdf.query import formats as query_formats

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kutse_rdf"
# The project's own lists of another publisher's terms: exactly what the shipped files use.
LISTED = {"elm": ELM, "esco": ESCO, "adms": ADMS, "rov": ROV, "vann": VANN}


def shipped_turtle() -> list[Path]:
    return sorted([*(ROOT / "ontology").rglob("*.ttl"), *(ROOT / "shapes").rglob("*.ttl")])


@pytest.fixture(scope="module")
def used_terms() -> dict[str, set[str]]:
    """prefix -> local names of the IRIs in that namespace that the shipped Turtle uses."""
    found: dict[str, set[str]] = {name: set() for name in PREFIXES}
    for path in shipped_turtle():
        for triple in Graph().parse(path, format="turtle"):
            for term in triple:
                if not isinstance(term, URIRef):
                    continue
                for name, namespace in PREFIXES.items():
                    local = str(term)[len(namespace):]
                    if str(term).startswith(namespace) and local and "/" not in local:
                        found[name].add(local)
    return found


def terms(namespace) -> set[str]:
    return {name for name in namespace.__annotations__ if not name.startswith("_")}


@pytest.mark.parametrize("prefix", sorted(LISTED))
def test_each_listed_vocabulary_has_exactly_the_terms_the_shipped_files_use(prefix, used_terms):
    assert terms(LISTED[prefix]) == used_terms[prefix]


def test_every_kutse_term_in_the_shapes_is_defined(used_terms):
    assert used_terms["kutse"] <= terms(KUTSE), used_terms["kutse"] - terms(KUTSE)


@pytest.mark.parametrize("namespace, typo", [
    (KUTSE, "citesECF"), (ELM, "notLiteral"), (ESCO, "occupation"), (ADMS, "identfier"),
    (ROV, "legalname"), (VANN, "preferredPrefix"), (SCHEMA, "nmae"), (XSD, "integr"),
    (DCAT, "datset"), (SKOS, "preflabel"), (DCTERMS, "tilte"), (SH, "reslutPath"),
])
def test_a_misspelt_term_fails_loudly(namespace, typo):
    with pytest.raises(AttributeError):
        getattr(namespace, typo)
    with pytest.raises(AttributeError):
        namespace[typo]


def test_data_namespaces_mint_from_codes():
    assert eqf_level(7) == URIRef("http://data.europa.eu/snb/eqf/7")
    assert isco_group("1330") == URIRef("http://data.europa.eu/esco/isco/C1330")


def test_every_prefixed_term_in_the_query_library_is_defined():
    checked = {"kutse": KUTSE, "skos": SKOS, "xsd": XSD, "esco": ESCO, "rdf": RDF}
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        for name, iri in re.findall(r"PREFIX\s+(\w+):\s*<([^>]*)>", text):
            assert PREFIXES[name] == iri, (path.name, name)
        body = re.sub(r"<[^>]*>|#[^\n]*|\"[^\"\n]*\"", "", text)
        for name, local in re.findall(r"\b(\w+):([A-Za-z_][\w-]*)", body):
            if name in checked:
                getattr(checked[name], local)  # AttributeError names the query's typo


def test_prefixes_takes_names_in_the_order_given():
    assert list(prefixes("xsd", "kutse")) == ["xsd", "kutse"]
    with pytest.raises(KeyError):
        prefixes("kutsee")


# The prefix lines each output writes, in order: the dumps, reports and ELM files are
# byte-compared across builds, so these subsets must not change by accident.
SUBSETS = {
    "graph (convert)": (convert.PREFIXES, ["kutse", "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco",
                                           "skos", "dct", "rdfs", "prov", "schema", "xsd", "dcat"]),
    "dumps (ntriples)": (ntriples.TURTLE_PREFIXES, ["rdf", "kutse", "ecf4", "ecf3", "ecfl", "eqf",
                                                    "isco", "esco", "skos", "dct", "rdfs", "prov",
                                                    "schema", "xsd", "dcat"]),
    "reference (vocab)": (vocab.PREFIXES, ["kutse", "ecf4", "ecf3", "ecfl", "eqf", "estqf", "esco",
                                           "isco", "skos"]),
    "ELM view": (elm.PREFIXES, ["elm", "dct", "skos", "adms", "rov", "xsd"]),
    "ELM dumps": (ntriples.elm_prefixes(), ["elm", "dct", "skos", "adms", "rov", "xsd"]),
    "SHACL report": (validate.REPORT_PREFIXES, ["sh", "rdf", "xsd"]),
    "query tables": (query_formats.PREFIXES, ["kutse", "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco",
                                        "skos", "xsd"]),
}


@pytest.mark.parametrize("subset", sorted(SUBSETS))
def test_every_prefix_subset_comes_from_the_one_table(subset):
    table, names = SUBSETS[subset]
    assert list(table) == names
    assert all(table[name] == PREFIXES[name] for name in names)


def test_the_table_maps_each_namespace_once():
    assert len(set(PREFIXES.values())) == len(PREFIXES)


# Only these modules may spell a namespace IRI.
MINTING_MODULES = {SRC / "graph" / "namespaces.py", SRC / "graph" / "uris.py"}


def test_no_module_spells_a_namespace_iri_of_its_own():
    namespaces = tuple(PREFIXES.values())
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path in MINTING_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith(namespaces):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value}")
            if isinstance(node, ast.Attribute) and node.attr == "_NS":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: ._NS")
    assert not offenders, "\n".join(offenders)
