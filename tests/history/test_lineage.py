"""Competence lineage (history/lineage.py): each rule on small hand-made competence lists."""
from __future__ import annotations

from kutse_rdf.history.lineage import THRESHOLD, fold, match, similarity
from kutse_rdf.model import Competence


def comp(code: str, title: str) -> Competence:
    return Competence(code, title, "optional", 4, [], [], [], None, 1)


def pairs(result):
    return [(m.old.code, m.new.code, m.reason) for m in result.matches]


def test_same_code_and_title_is_the_same_competence_whatever_case_and_punctuation():
    result = match([comp("B.3.1", "Töö planeerimine")], [comp("B.3.1", " töö  planeerimine.")])
    assert pairs(result) == [("B.3.1", "B.3.1", "same")]
    assert result.matches[0].similarity == 1.0
    assert result.added == result.removed == result.ambiguous == []


def test_same_title_under_another_code_is_renumbered():
    old = [comp("B.3.6", "Küpsetiste valmistamine"), comp("B.3.7", "Roogade serveerimine")]
    new = [comp("B.3.6", "Roogade serveerimine")]
    result = match(old, new)
    assert pairs(result) == [("B.3.7", "B.3.6", "renumbered")]
    assert [c.code for c in result.removed] == ["B.3.6"]  # the old B.3.6, not the new one
    assert result.added == []


def test_similar_title_same_code_is_renamed_with_its_similarity():
    result = match([comp("B.3.3", "Toiduohutuse tagamine")],
                   [comp("B.3.3", "Toiduohutuse ja hügieeni tagamine")])
    assert pairs(result) == [("B.3.3", "B.3.3", "renamed")]
    # whole titles: 2*21/55 letters in common (0.778); first and last words the same
    assert result.matches[0].similarity == 0.778


def test_similar_title_under_another_code_is_renamed_and_renumbered():
    result = match([comp("B.3.4", "Külmade roogade valmistamine")],
                   [comp("B.3.9", "Külmroogade valmistamine")])
    assert pairs(result) == [("B.3.4", "B.3.9", "renamed-renumbered")]
    assert result.matches[0].similarity >= THRESHOLD


def test_a_changed_object_or_activity_is_not_a_rename():
    # most letters shared, but the first word (the object) or the last (the activity) differs
    assert similarity(fold("Soojade roogade valmistamine"), fold("Külmade roogade valmistamine")) < THRESHOLD
    assert similarity(fold("Tarkvara testimine"), fold("Tarkvara arendamine")) < THRESHOLD
    result = match([comp("B.3.4", "Tarkvara testimine")], [comp("B.3.5", "Tarkvara arendamine")])
    assert result.matches == []
    assert [c.code for c in result.removed] == ["B.3.4"]
    assert [c.code for c in result.added] == ["B.3.5"]


def test_a_reused_code_with_an_unrelated_title_is_removed_and_added():
    result = match([comp("B.3.6", "Küpsetiste valmistamine")], [comp("B.3.6", "Jookide valmistamine")])
    assert result.matches == []
    assert [c.title for c in result.removed] == ["Küpsetiste valmistamine"]
    assert [c.title for c in result.added] == ["Jookide valmistamine"]


def test_two_equally_close_candidates_are_reported_not_guessed():
    old = [comp("B.3.1", "Andmete analüüsimine")]
    new = [comp("B.3.4", "Andmete analüüsimise"), comp("B.3.5", "Andmete analüüsiminee")]
    result = match(old, new)
    assert result.matches == []
    assert len(result.ambiguous) == 1
    amb = result.ambiguous[0]
    assert (amb.side, amb.competence.code) == ("old", "B.3.1")
    assert sorted(c.code for c, _ in amb.candidates) == ["B.3.4", "B.3.5"]
    # neither added nor removed: the reader decides
    assert result.added == result.removed == []


def test_among_close_candidates_the_one_keeping_its_code_is_taken():
    old = [comp("B.3.4", "Andmete analüüsimine")]
    new = [comp("B.3.4", "Andmete analüüsimise"), comp("B.3.5", "Andmete analüüsiminee")]
    result = match(old, new)
    assert pairs(result) == [("B.3.4", "B.3.4", "renamed")]
    assert [c.code for c in result.added] == ["B.3.5"]
    assert result.ambiguous == []


def test_a_title_twice_in_one_version_is_not_matched_by_title_alone():
    old = [comp("B.3.1", "Töö planeerimine")]
    new = [comp("B.3.2", "Töö planeerimine"), comp("B.3.3", "Töö planeerimine")]
    result = match(old, new)
    assert result.matches == []
    assert [a.competence.code for a in result.ambiguous] == ["B.3.1"]


def test_a_lengthened_title_under_its_code_is_renamed_however_dissimilar():
    result = match([comp("B.3.9", "Hankimine")], [comp("B.3.9", "Hankimine ja hangete korraldamine")])
    assert pairs(result) == [("B.3.9", "B.3.9", "renamed")]
    # under another code the title alone does not tell
    result = match([comp("B.3.9", "Hankimine")], [comp("B.3.10", "Hankimine ja hangete korraldamine")])
    assert result.matches == []
