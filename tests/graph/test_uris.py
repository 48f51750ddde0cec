"""URI minting (uris.py): slugs, the contract's patterns, stability, base URI, collisions."""
from __future__ import annotations

import pytest
from rdflib import URIRef

from kutse_rdf.config import Config, load_config
from kutse_rdf.graph.convert import standard_graph
from kutse_rdf.errors import DataError
from kutse_rdf.model import Competence, Line, PartialQualification, Standard
from kutse_rdf.graph.namespaces import KUTSE
from kutse_rdf.graph.uris import Uris, slug

B = URIRef("https://w3id.org/kutse-rdf/id/")


def standard(title="IT-juht, tase 7", file="it-juht-tase-7.txt", indicators=("Tuvastab.",)):
    comp = Competence(code="B.3.5", title="Tehnoloogia arengu jälgimine ja innovatsioon",
                      group="mandatory", level=7, ecf=["A.7", "A.9"],
                      indicators=[Line(t, 208 + i) for i, t in enumerate(indicators)],
                      knowledge=[], assessment=None, line=204)
    return Standard(source_file=file, title=title, level=7, competences=[comp])


@pytest.mark.parametrize("text, expected", [
    ("IT-juht, tase 7", "it-juht-tase-7"),
    ("IT meeskonna- ja partnerlusjuht, tase 7", "it-meeskonna-ja-partnerlusjuht-tase-7"),
    ("Õõvaõrn Äädikas Öökull Üürnik", "oovaorn-aadikas-ookull-uurnik"),
    ("šokk žürii", "sokk-zurii"),
    ("Infotehnoloogia ja telekommunikatsiooni kutsenõukogu",
     "infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu"),
    ("  --Peeter   Normak!! ", "peeter-normak"),
    ("Ivo Suursoo", "ivo-suursoo"),
    ("Crème brûlée", "creme-brulee"),  # other Latin letters lose their accents
    ("!!!", ""),
])
def test_slug(text, expected):
    assert slug(text) == expected


def test_contract_patterns():
    u, std = Uris(B), standard()
    s = B + "standard/it-juht-tase-7/version/draft"  # a document without a version number
    assert u.standard(std) == s
    assert u.qualification(std) == s + "/qualification"
    assert u.partial(std, "IT arendusjuht, tase 7") == s + "/partial/it-arendusjuht-tase-7"
    assert u.specialisation(std, "Võrguhaldus") == s + "/specialisation/vorguhaldus"
    assert u.competence(std, "B.3.5") == s + "/competence/B.3.5"
    assert u.indicator(std, "B.3.5", 1) == s + "/competence/B.3.5#indicator-1"
    assert u.knowledge(std, "B.3.5", 2) == s + "/competence/B.3.5#knowledge-2"
    assert u.general_skill(std, 14) == s + "#general-skill-14"
    assert u.work_part(std, "A.2.5") == s + "#work-part-A.2.5"
    assert u.section(std, "A.1") == s + "#section-A.1"
    assert u.section(std, None) == s + "#section-intro"
    assert u.author(std, "Peeter Normak") == s + "#author-peeter-normak"
    assert u.council("Infotehnoloogia ja telekommunikatsiooni kutsenõukogu") == (
        B + "council/infotehnoloogia-ja-telekommunikatsiooni-kutsenoukogu")
    # seed line 358: "Peeter Normak - Tallinna Ülikool"; one IRI per name, whatever standard
    assert u.organisation("Tallinna Ülikool") == B + "organisation/tallinna-ulikool"
    assert u.organisation("Columbus Eesti AS") == B + "organisation/columbus-eesti-as"
    assert u.elm_qualification(u.qualification(std)) == s + "/qualification#elm-qualification"
    assert u.elm_qualification(u.partial(std, "IT arendusjuht, tase 7")) == (
        s + "/partial/it-arendusjuht-tase-7#elm-qualification")
    assert u.graph(std) == B + "graph/it-juht-tase-7/version/draft"
    assert u.work_graph(std) == B + "graph/it-juht-tase-7"
    assert u.changes_graph() == B + "graph/changes"
    assert u.reference_graph() == B + "graph/reference"
    assert u.inferred_graph() == B + "graph/inferred"
    assert u.elm_graph() == B + "graph/elm"


def test_an_organisation_name_without_letters_is_named_by_its_hash():
    """Kept as written all the same (it is the affiliation's name): a stable IRI, not an error."""
    u = Uris(B)
    first = u.organisation("–––")
    assert first.startswith(B + "organisation/org-") and len(first) == len(B + "organisation/org-") + 8
    assert u.organisation("–––") == first and u.organisation("***") != first


def test_versions_mint_version_specific_and_version_independent_iris():
    u = Uris(B)
    v6 = standard()
    v6.version = "6"
    v61 = standard()
    v61.version = "6.1"
    s = B + "standard/it-juht-tase-7"
    assert u.standard(v6) == s + "/version/6"
    assert u.competence(v6, "B.3.5") == s + "/version/6/competence/B.3.5"
    assert u.indicator(v61, "B.3.5", 1) == s + "/version/6-1/competence/B.3.5#indicator-1"
    assert u.partial(v6, "IT arendusjuht, tase 7") == s + "/version/6/partial/it-arendusjuht-tase-7"
    assert u.graph(v6) == B + "graph/it-juht-tase-7/version/6"
    assert u.work(v6) == u.work("it-juht-tase-7") == s
    assert u.work_graph(v6) == u.work_graph("it-juht-tase-7") == B + "graph/it-juht-tase-7"
    # version-specific -> version-independent: `/version/K` left out, a hash part kept
    assert u.unversioned(s + "/version/6") == s
    assert u.unversioned(s + "/version/6/competence/B.3.5") == s + "/competence/B.3.5"
    assert u.unversioned(s + "/version/6/competence/B.3.5#indicator-1") == (
        s + "/competence/B.3.5#indicator-1")
    assert u.unversioned(s + "/version/draft#general-skill-1") == s + "#general-skill-1"
    assert u.unversioned(s + "/version/6/partial/x") == s + "/partial/x"
    for other in (s, s + "/competence/B.3.5", B + "council/x", "https://example.org/standard/a/version/1",
                  s + "/version/"):
        assert u.unversioned(other) is None, other
    assert u.version_of(s + "/version/6-1/competence/B.3.5") == ("it-juht-tase-7", "6-1")
    assert u.version_of(s + "/version/draft#section-A.1") == ("it-juht-tase-7", "draft")
    assert u.version_of(s) is None
    assert u.standard_of_graph(B + "graph/it-juht-tase-7/version/6") == s + "/version/6"
    assert u.standard_of_graph(B + "graph/it-juht-tase-7") is None
    assert u.work_of_graph(B + "graph/it-juht-tase-7") == s
    for other in ("reference", "inferred", "elm", "changes", "it-juht-tase-7/version/6"):
        assert u.work_of_graph(B + "graph/" + other) is None


def test_odd_characters_in_a_code_are_quoted_not_passed_through():
    u = Uris(B)
    assert u.competence(standard(), "B 3/5") == (
        B + "standard/it-juht-tase-7/version/draft/competence/B%203%2F5")


def test_base_uri_override_from_option_and_config_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config().base_uri == str(B)  # the documented default
    (tmp_path / "kutse-rdf.toml").write_text('base_uri = "https://data.example.ee/kutse"\n')
    config = load_config()
    assert Uris(config.base_uri).competence(standard(), "B.3.5") == URIRef(
        "https://data.example.ee/kutse/standard/it-juht-tase-7/version/draft/competence/B.3.5")
    config = load_config(base_uri="http://localhost/x/")
    graph = standard_graph(standard(), config)
    assert graph.identifier == URIRef("http://localhost/x/graph/it-juht-tase-7/version/draft")
    assert all(not str(s).startswith(B) for s in graph.subjects())


def test_competence_keeps_its_uri_when_its_indicators_change():
    before = standard_graph(standard(indicators=("Tuvastab.",)), Config())
    after = standard_graph(standard(indicators=("Tuvastab muudatused.", "Uus näitaja.")), Config())
    comp = Uris(B).competence(standard(), "B.3.5")
    assert set(before.subjects(KUTSE.hasIndicator, None)) == {comp}
    assert set(after.subjects(KUTSE.hasIndicator, None)) == {comp}
    # indicators are numbered by position: the first keeps its URI, the second is new
    first, second = (set(g.objects(comp, KUTSE.hasIndicator)) for g in (before, after))
    assert first < second


def test_same_uris_on_every_build():
    a = {s for s in standard_graph(standard(), Config()).subjects() if isinstance(s, URIRef)}
    b = {s for s in standard_graph(standard(), Config()).subjects() if isinstance(s, URIRef)}
    assert a == b


def test_a_title_without_letters_is_a_data_error():
    with pytest.raises(DataError, match="empty URI slug"):
        Uris(B).standard(standard(title="???"))


def test_two_partials_with_one_slug_in_a_standard_are_refused():
    std = standard()
    std.partial_qualifications = [PartialQualification("IT arendusjuht, tase 7", 7, [], 19),
                                  PartialQualification("IT-arendusjuht tase 7", 7, [], 22)]
    with pytest.raises(DataError) as exc:
        standard_graph(std, Config())
    assert str(exc.value).startswith("it-juht-tase-7.txt:22: partial qualification")
    assert "line 19" in str(exc.value)


def test_owned_by_tells_a_standards_own_iris_from_its_neighbours():
    from kutse_rdf.graph.uris import owned_by

    owned = owned_by("https://w3id.org/kutse-rdf/id/standard/a")
    assert owned(b"<https://w3id.org/kutse-rdf/id/standard/a> <p> <o> .")
    assert owned(b"<https://w3id.org/kutse-rdf/id/standard/a/competence/B.3.1>")
    assert owned(b"<https://w3id.org/kutse-rdf/id/standard/a#general-skill-1> <p> \"x\" .")
    assert not owned(b"<https://w3id.org/kutse-rdf/id/standard/a-b/competence/B.3.1>")
    assert not owned(b"<https://w3id.org/kutse-rdf/id/standard/ab>")
    assert not owned(b"<https://w3id.org/kutse-rdf/id/standard/a")  # cut short
    assert not owned(b"<https://w3id.org/kutse-rdf/id/council/x> <p> <o> .")


# --- long titles: slugs name folders and files, so they are bounded ---------------------------

LONG_PARTIAL = "IT arendusjuht " + "väga pika nimega " * 16 + "tase 7"  # 293 characters
LONG_TITLE = "IT-juht " + "ülipika pealkirjaga " * 15 + "tase 7"  # 314 characters


def test_a_long_title_gives_a_bounded_slug_ending_in_a_hash():
    value = slug(LONG_TITLE)
    assert len(value) == 100  # 91 characters, "-" and 8 hex digits
    assert value.startswith("it-juht-ulipika-pealkirjaga-ulipika-")
    head, _, digest = value.rpartition("-")
    assert len(digest) == 8 and int(digest, 16) >= 0 and not head.endswith("-")
    assert slug(LONG_TITLE) == value  # stable


def test_two_long_titles_differing_only_at_their_end_stay_apart():
    assert slug(LONG_TITLE) != slug(LONG_TITLE.replace("tase 7", "tase 6"))
    assert slug(LONG_TITLE)[:90] == slug(LONG_TITLE.replace("tase 7", "tase 6"))[:90]


def test_slugs_up_to_the_bound_are_unchanged():
    title = "a" * 100
    assert slug(title) == title and len(slug(title + "b")) < 101


def test_every_path_segment_of_a_long_titled_standard_fits_a_file_name():
    std = standard(title=LONG_TITLE)
    uris = Uris(str(B))
    for uri in (uris.standard(std), uris.partial(std, LONG_PARTIAL), uris.graph(std),
                uris.specialisation(std, LONG_PARTIAL), uris.council(LONG_TITLE)):
        path = str(uri)[len(str(B)):]
        assert all(len(part.encode()) + len(".ttl") < 255 for part in path.split("/")), path


def test_build_writes_a_standard_with_long_titles(tmp_path, seed_path):
    """A 314-character standard title and a 293-character partial qualification used to stop
    the build with "File name too long" (the dumps' standards/SLUG.nt, the site's folders)."""
    from kutse_rdf.build import run_build

    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("IT arendusjuht, tase 7", LONG_PARTIAL).replace(
        "\nIT-juht, tase 7\n", f"\n{LONG_TITLE}\n", 1).replace(
        "\tIT-juht, tase 7\n", f"\t{LONG_TITLE}\n", 1)
    source = tmp_path / "long.txt"
    source.write_text(text, encoding="utf-8")
    result = run_build([source], tmp_path / "build", Config(), quiet=True)
    assert not result.failures
    s, p = slug(LONG_TITLE), slug(LONG_PARTIAL)
    assert (tmp_path / "build" / "data" / "standards" / s / "version" / "draft.nt").is_file()
    assert (tmp_path / "build" / "site" / "standard" / s / "version" / "draft" / "partial" / p
            / "index.html").is_file()
