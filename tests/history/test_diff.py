"""The diff of two versions (history/diff.py) on the hand-written version pair
tests/fixtures/history/kokk-v5.txt -> kokk-v6.txt. The expected changes were written from the
edits made to v6 (see the fixture), not from the program's output."""
from __future__ import annotations

from pathlib import Path

import pytest

from kutse_rdf.history.diff import diff, texts
from kutse_rdf.history.render import render, to_json
from kutse_rdf.model import Line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "history"
V5, V6 = FIXTURES / "kokk-v5.txt", FIXTURES / "kokk-v6.txt"


@pytest.fixture(scope="module")
def pair():
    from kutse_rdf.reading.parser import parse_file

    return parse_file(V5), parse_file(V6)


@pytest.fixture(scope="module")
def data(pair):
    return to_json(diff(*pair))


def test_competences_added_removed_renamed_renumbered(data):
    c = data["competences"]
    assert c["added"] == [{"code": "B.3.7", "title": "Jookide valmistamine"}]
    assert c["removed"] == [{"code": "B.3.6", "title": "Küpsetiste valmistamine"}]
    assert [(x["old_code"], x["new_code"], x["old_title"], x["new_title"], x["reason"])
            for x in c["renamed"]] == [
        ("B.3.3", "B.3.3", "Toiduohutuse tagamine", "Toiduohutuse ja hügieeni tagamine", "renamed")]
    assert [(x["old_code"], x["new_code"], x["reason"]) for x in c["renumbered"]] == [
        ("B.3.7", "B.3.6", "renumbered")]
    assert c["ambiguous"] == []


def test_indicators_reworded_added_removed_with_their_words(data):
    changed = {x["new_code"]: x for x in data["competences"]["changed"]}
    assert changed["B.3.1"]["indicators"] == {
        "added": [], "removed": [],
        "reworded": [{"old": "Töö planeerimine vastavalt tööülesandele.",
                      "new": "Töö planeerimine vastavalt tööülesandele ja ajakavale."}]}
    assert changed["B.3.2"]["indicators"]["added"] == ["Toorainete säilitamine nõuetekohaselt."]
    assert changed["B.3.5"]["indicators"]["removed"] == ["Roogade maitsestamine."]
    # competences whose content did not change are not listed (B.3.3 is only renamed,
    # B.3.7 -> B.3.6 only renumbered, B.3.8 and B.3.9 unchanged)
    assert sorted(changed) == ["B.3.1", "B.3.2", "B.3.4", "B.3.5"]


def test_ecf_citations_and_levels(data):
    changed = {x["new_code"]: x for x in data["competences"]["changed"]}
    assert changed["B.3.1"]["ecf"] == {"added": ["A.5"], "removed": ["F.4"]}
    assert changed["B.3.4"]["level"] == {"old": 4, "new": 5}
    assert changed["B.3.1"]["level"] is None


def test_requirements_and_choice_rules(data):
    req = {(r["kind"], r["title"]): r for r in data["requirements"]}
    assert set(req) == {("qualification", "Kokk, tase 4"), ("partial", "Toiduvalmistaja, tase 4"),
                        ("partial", "Abikokk, tase 3")}
    qual = req["qualification", "Kokk, tase 4"]
    assert qual["gained"] == qual["lost"] == []  # B.3.1-B.3.3 required in both
    [choice] = qual["choices"]["changed"]
    assert (choice["old"]["minimum"], choice["new"]["minimum"]) == (2, 3)
    assert choice["old"]["options"] == choice["new"]["options"] == ["B.3.4", "B.3.5", "B.3.6", "B.3.7"]
    # through the lineage: old B.3.6 (Küpsetised) went, old B.3.7 is the new B.3.6, B.3.7 is new
    assert (choice["gained"], choice["lost"]) == (["B.3.7"], ["B.3.6"])
    cook = req["partial", "Toiduvalmistaja, tase 4"]
    assert (cook["gained"], cook["lost"]) == (["B.3.2"], [])
    assert cook["choices"] == {"added": [], "removed": [], "changed": []}  # B.3.4 või B.3.5 kept
    helper = req["partial", "Abikokk, tase 3"]
    [choice] = helper["choices"]["changed"]
    assert (choice["old"]["minimum"], choice["new"]["minimum"]) == (3, 3)
    assert (choice["gained"], choice["lost"]) == (["B.3.7"], ["B.3.6"])


def test_standard_fields(data):
    assert data["fields"] == [
        {"field": "version", "old": "5", "new": "6"},
        {"field": "decision_number", "old": "12", "new": "21"},
        {"field": "decision_date", "old": "2019-02-01", "new": "2024-02-01"},
        {"field": "valid_until", "old": "2024-01-31", "new": "2029-01-31"}]


def test_a_version_against_itself_has_no_changes(pair):
    d = diff(pair[0], pair[0])
    assert not d
    assert render(d, "text").endswith("no changes\n")


def test_renumbered_competence_is_not_lost_and_gained(pair):
    old, new = pair
    # the partial qualification Abikokk's rule names B.3.4-B.3.7 in both versions; without the
    # lineage, B.3.7 (serving) would look kept though it is the new B.3.6
    d = diff(old, new)
    assert d.lineage.new_code("B.3.7") == "B.3.6"
    assert d.lineage.new_code("B.3.6") is None


def test_texts_pairs_reworded_best_first_and_keeps_moved_texts():
    old = [Line("Koostab tööplaani.", 1), Line("Tellib toorained.", 2), Line("Peseb nõud.", 3)]
    new = [Line("Tellib toorained.", 5), Line("Koostab nädala tööplaani.", 6), Line("Serveerib.", 7)]
    t = texts(old, new)
    assert t.reworded == [("Koostab tööplaani.", "Koostab nädala tööplaani.")]
    assert t.removed == ["Peseb nõud."]
    assert t.added == ["Serveerib."]


def test_text_and_markdown_show_the_words(pair):
    text = render(diff(*pair), "text")
    assert "old: “Töö planeerimine vastavalt tööülesandele.”" in text
    assert "new: “Töö planeerimine vastavalt tööülesandele ja ajakavale.”" in text
    assert "renumbered B.3.7 → B.3.6 “Roogade serveerimine”" in text
    assert "choice changed: at least 2 of (B.3.4, B.3.5, B.3.6, B.3.7) → at least 3 of" in text
    md = render(diff(*pair), "md")
    assert md.startswith("# Changes: version 5 (kokk-v5.txt) → version 6 (kokk-v6.txt)\n")
    assert "- added `B.3.7` “Jookide valmistamine”" in md
    assert "## Requirements" in md
