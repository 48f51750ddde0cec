"""ESCO on the site with an imported release (tests/fixtures/esco/release-v1.2.0): pages only for
the concepts the standards link to, links to the ESCO portal, curated links apart from suggested
ones. The expected pages and links are written by hand from mappings/*.sssom.tsv, the fixture
release's ISCOGroups_en.csv / occupations_en.csv and the seed's ISCO code 1330."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from kutse_rdf.cli import main
from kutse_rdf.config import Config

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "tests" / "fixtures" / "esco" / "release-v1.2.0"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
E = "http://data.europa.eu/esco/"
CIO = "occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4"
CTO = "occupation/7b1b5da8-573a-49bb-a38e-68725a949f4f"
RISK = "skill/69cfc5ed-6569-4aca-a4cc-fd782ba51d9c"

# mappings/it-juht-occupations.sssom.tsv names six occupations and ISCO group 1330;
# mappings/it-juht-skills.sssom.tsv 19 skills (ICT process quality models twice)
CURATED_OCCUPATIONS = {CIO, CTO, "occupation/719f101d-1866-49d3-8d5c-2256f606a8b9",
                       "occupation/f0ca39a8-1e30-487c-95f9-ef2d5e734adc",
                       "occupation/e297ec12-4712-40a4-ad98-ba004cacb205",
                       "occupation/276ba420-ef09-4a0e-b215-2c2e2f80ad28"}  # the last in ISCO 2529
CURATED_SKILLS = {"skill/" + u for u in (
    "3cfa46e9-b7da-44ac-b09e-9596dffe0425", "17c9a790-5664-4673-8237-c4cf3c5a8da5",
    "4d85b881-e490-4b4c-897a-2faa4ef53956", "c453cf81-6197-428e-84c6-70c773b63f27",
    "cc716f65-a0d0-4fba-95d9-64c358f697c0", "8327754d-3990-4056-b07e-4faa49cfcd26",
    "ee02393d-27dd-438a-8879-b8088ce45e79", "3be6b84a-fa78-42b9-a8df-150cdb40b9d7",
    "fafe0b9d-dbd9-46bd-b770-26299539ce66", "bc067d2e-e151-408f-8e34-24effd2b7fd6",
    "9ff9db9d-d14b-426e-83f3-e7449af6c79f", "ddfe79e2-c2e3-4ba7-9bdf-3820b4f75b54",
    "cd5efa8c-e44d-4cbc-91c6-796018dbed68", "94dd823c-148e-4614-a6e8-99249b16357d",
    "69cfc5ed-6569-4aca-a4cc-fd782ba51d9c", "4918ec9a-0204-4935-8b09-b0112370daa8",
    "11eebd42-44ab-401d-8a2c-bdb9fc9beb50", "06358891-8424-43c5-891e-d40f226bef40",
    "b8271c8a-cba6-4baa-80f5-6361af3f07e3")}
# the seed's group 1330 and the groups above it; chief ICT security officer's 2529 and above
LINKED_GROUPS = {f"isco/C{c}" for c in ("1", "13", "133", "1330", "2", "25", "252", "2529")}
# the skills of ontology/esco.ttl point at their scheme
SCHEME = {"concept-scheme/skills"}
# the seed's version: its pages (the version-independent IRIs' pages redirect there)
DRAFT = Path("version", "draft")
# the release's other ISCO 1330 occupations: suggestions for the qualification, no page
SUGGESTED = {"occupation/a79170ad-0b7b-4697-864f-1748359aa10a",  # ICT product manager
             "occupation/8b6388a4-4904-471b-9331-d3b1211f5525",  # ICT project manager
             "occupation/c90e5009-37f2-4dcd-aea2-362fc817bc98"}  # ICT environmental manager


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from kutse_rdf.build import run_build

    root = tmp_path_factory.mktemp("esco-site")
    store = root / "esco"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUTSE_RDF_ESCO", str(store))
        assert main(["esco", "import", str(RELEASE)]) == 0
        run_build([SEED], root / "build", Config(esco=store), quiet=True)
    return root / "build"


def esco_pages(site: Path) -> set[str]:
    return {str(p.parent.relative_to(site / "esco")) for p in (site / "esco").rglob("index.html")}


def main_text(page: Path) -> str:
    """The page's main part before the linked-data disclosure."""
    html = page.read_text(encoding="utf-8")
    return html[html.index("<main"):html.index('class="linked-data"')]


def portal(concept: str, lang: str) -> str:
    kind = "skill" if concept.startswith("skill/") else "occupation"
    return f"https://esco.ec.europa.eu/{lang}/classification/{kind}?uri={quote(E + concept, safe='')}"


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h3", start + 1)
    return html[start:end if end > 0 else len(html)]


def test_pages_only_for_the_concepts_the_standards_link_to(built):
    site = built / "site"
    expected = CURATED_OCCUPATIONS | CURATED_SKILLS | LINKED_GROUPS | SCHEME
    assert esco_pages(site) == expected
    assert esco_pages(site / "en") == expected
    # the release has them all in the data
    reference = (built / "data" / "reference.nt").read_text(encoding="utf-8")
    for concept in SUGGESTED | {"isco/C2512", "isco/C7115", "occupation/00000000-0000-4000-9000-000000000004"}:
        assert f"<{E}{concept}>" in reference


def test_esco_pages_link_to_the_portal_by_the_concepts_uri(built):
    site = built / "site"
    for concept in (RISK, CIO, "isco/C1330"):
        assert f'href="{portal(concept, "et")}"' in main_text(site / "esco" / concept / "index.html")
        assert f'href="{portal(concept, "en")}"' in main_text(site / "en" / "esco" / concept / "index.html")
    # the scheme has no page on the portal
    assert "esco.ec.europa.eu" not in main_text(site / "esco" / "concept-scheme" / "skills" / "index.html")


def test_isco_group_page_lists_curated_occupations_apart_from_suggestions(built):
    html = main_text(built / "site" / "en" / "esco" / "isco" / "C1330" / "index.html")
    mapped = html[html.index('id="h-esco-mapped"'):html.index('id="h-esco-occupations"')]
    others = html[html.index('id="h-esco-occupations"'):]
    for concept in CURATED_OCCUPATIONS - {"occupation/276ba420-ef09-4a0e-b215-2c2e2f80ad28"}:
        assert f"esco/{concept}/index.html" in mapped and concept not in others
    for concept in SUGGESTED:
        assert f'href="{portal(concept, "en")}"' in others and concept not in mapped
    # the curated kutse:qualifiesFor of IT meeskonna- ja partnerlusjuht to the group itself
    curated = html[html.index('id="h-esco-curated"'):html.index('id="h-esco-qualifications"')]
    assert "it-meeskonna-ja-partnerlusjuht-tase-7/index.html" in curated and "(qualifies for)" in curated


def test_qualification_page_curated_apart_from_suggested(built):
    html = main_text(built / "site" / "en" / "standard" / "it-juht-tase-7" / DRAFT / "qualification" / "index.html")
    curated, suggested = section(html, "h-esco-curated"), section(html, "h-esco-suggested")
    # it-juht-occupations.sssom.tsv's two rows of the qualification, in code order
    assert re.findall(r'esco/(occupation/[0-9a-f-]+)/index.html', curated) == [CIO, CTO]
    assert "(qualifies for)" in curated and "(related match)" in curated
    found = {"occupation/" + u for u in re.findall(r'occupation(?:/|%2F)([0-9a-f-]{36})', suggested)}
    # the group's other occupations (curated for partial qualifications, but not for it)
    assert found == SUGGESTED | {"occupation/719f101d-1866-49d3-8d5c-2256f606a8b9",
                                 "occupation/f0ca39a8-1e30-487c-95f9-ef2d5e734adc",
                                 "occupation/e297ec12-4712-40a4-ad98-ba004cacb205"}


def test_competence_page_shows_the_suggestions_report_apart(built):
    report = (built / "reports" / "esco-suggestions.sssom.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in report.splitlines()
            if line.startswith("kutseid:standard/it-juht-tase-7/competence/B.3.14\t")]
    assert rows
    html = main_text(built / "site" / "standard" / "it-juht-tase-7" / DRAFT / "competence" / "B.3.14" / "index.html")
    curated, suggested = section(html, "h-esco-curated"), section(html, "h-esco-suggested")
    assert f"esco/{RISK}/index.html" in curated and "(lähedane vaste)" in curated
    assert "IKT-riskijuhtimise rakendamine" in curated  # the release's Estonian label
    for row in rows:
        concept, label, confidence = row[3].replace("ESCO.SKILL:", "skill/"), row[4], float(row[6])
        if concept == RISK:  # curated, so not suggested (never, since it is decided)
            continue
        assert label in suggested and f"(usaldus {confidence:.2f})" in suggested
        assert portal(concept, "et") in suggested or f"esco/{concept}/index.html" in suggested


def test_without_release_the_qualification_suggests_the_subsets_group(tmp_path):
    """No report without a release: the suggestions are the subset's other ISCO 1330
    occupations, which link to the ESCO portal (they have no page)."""
    from support.site import build_seed

    site = build_seed(tmp_path / "build") / "site"
    assert not (tmp_path / "build" / "reports" / "esco-suggestions.sssom.tsv").exists()
    html = main_text(site / "standard" / "it-juht-tase-7" / DRAFT / "qualification" / "index.html")
    suggested = section(html, "h-esco-suggested")
    for concept in SUGGESTED:
        assert f'href="{portal(concept, "et")}"' in suggested


def test_portal_url():
    from kutse_rdf.site.esco import portal_url

    assert portal_url(E + RISK, "et") == (
        "https://esco.ec.europa.eu/et/classification/skill?uri="
        "http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F69cfc5ed-6569-4aca-a4cc-fd782ba51d9c")
    assert portal_url(E + CIO).startswith("https://esco.ec.europa.eu/en/classification/occupation?uri=")
    assert portal_url(E + "isco/C1330").endswith("occupation?uri=http%3A%2F%2Fdata.europa.eu%2Fesco%2Fisco%2FC1330")
    assert portal_url(E + "concept-scheme/skills") is None
    assert portal_url(E + "model#Skill") is None
    assert portal_url("https://w3id.org/kutse-rdf/ecf/4.0/A.1") is None


def test_a_standards_suggestions_are_part_of_its_pages_key():
    """New suggestions (another release, a decided row) render the standard's pages again; a
    build without a release keeps the key it had."""
    from kutse_rdf.site.render import StandardJob
    from kutse_rdf.site.reuse import standard_key

    plain = StandardJob("https://w3id.org/kutse-rdf/id/standard/s", b"<a> <b> <c> .\n", b"")
    one = StandardJob(plain.iri, plain.graph, plain.elm, b'[["s", "k", "x", 0.5]]')
    other = StandardJob(plain.iri, plain.graph, plain.elm, b'[["s", "k", "x", 0.4]]')
    keys = {standard_key("d", job) for job in (plain, one, other)}
    assert len(keys) == 3
    import hashlib

    old = hashlib.sha256(b"d")
    for part in (plain.iri.encode(), plain.graph, plain.elm, plain.versions):
        old.update(len(part).to_bytes(8, "big") + part)
    assert standard_key("d", plain) == old.hexdigest()
