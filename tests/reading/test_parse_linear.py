"""Parsing is linear in the input on every path: each bad shape that used to be quadratic (a
regex that backtracks, a string grown line by line, a list scanned per line) is parsed at 1x,
4x and 16x its size, and the time may grow at most ~2.5 times faster than the input.

The only timing assertions of the suite are these ratios; the bound is generous (16x input
< 40x CPU time, best of three runs, plus 50 ms for the clock's granularity and the collector)
and the quadratic code missed it by far (see docs/parsing.md)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from kutse_rdf.reading.parser import MAX_HEADING_LINES, parse_text

SEED = (Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt").read_text(
    encoding="utf-8")
LAST = SEED.index("\tB.3.19.")  # the last competence's heading


def after_line(text: str, marker: str, insert: str, start: int = 0) -> str:
    """`text` with `insert` after the line holding `marker` (searched from `start`)."""
    end = text.index("\n", text.index(marker, start)) + 1
    return text[:end] + insert + text[end:]


def heading_continued(n: int) -> str:
    # plain lines right after a competence heading: once each grew the title by re-splitting it
    return after_line(SEED, "\tB.3.19.", "IT valitsemise rida\n" * n)


def long_author_line(n: int) -> str:
    # "Name (Org)" was a lazy-then-greedy regex: it backtracked over every "(" of the line
    return SEED.replace("Peeter Normak - Tallinna Ülikool", "Peeter Normak " + "(a " * n)


CONTINUATION = "jätkab sama tegevusnäitaja kirjeldust, mis ei lõpe veel sellel real"


def indicator_continued(n: int) -> str:
    # a numbered item broken over many lines: `text += line` copied the item per line
    return after_line(SEED, "1. Loob, juurutab", (CONTINUATION + "\n") * n, LAST)


def skill_continued(n: int) -> str:
    return after_line(SEED, "1. Seab isikliku", (CONTINUATION + "\n") * n)


def assessment_lines(n: int) -> str:
    part_c = SEED.index("C-osa")
    return SEED[:part_c] + "\tHindamismeetod(id)\n" + (CONTINUATION + "\n") * n + SEED[part_c:]


def b1_paragraph(n: int) -> str:
    return after_line(SEED, "IT- juht, tase 7 kutse taotlemisel",
                      "B.3.1. Infosüsteemi ja äristrateegia kooskõlastamine;\n" * n)


def specialisation_statements(n: int) -> str:
    # every statement names a specialisation the table does not list: each used to be compared
    # with every specialisation named before it
    statements = "".join(f"Spetsialiseerumise „Eriala e{i}k“ taotlemisel tuleb lisaks "
                         "tõendada kompetents B.3.1.\n\n" for i in range(n))
    last_b1 = SEED.index("Infoturbejuht, tase 7 osakutse taotlemisel")
    return after_line(SEED, "üldoskused B.2.", "\n" + statements, last_b1)


SHAPES = {  # shape -> (document of size n, n of the 1x input)
    "heading continued": (heading_continued, 300),
    "long author line": (long_author_line, 2000),
    "indicator continued": (indicator_continued, 2500),
    "general skill continued": (skill_continued, 2500),
    "assessment lines": (assessment_lines, 2500),
    "B.1 paragraph": (b1_paragraph, 600),
    "specialisation statements": (specialisation_statements, 400),
}


def best_time(text: str, runs: int = 3) -> float:
    """The least CPU time of a few parses (CPU time: other processes on the machine do not
    count against it)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        parse_text(text, "shape.txt")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("shape", SHAPES)
def test_parse_time_grows_linearly(shape):
    make, n = SHAPES[shape]
    t1 = best_time(make(n))
    t4 = best_time(make(4 * n))
    # a quadratic path is already ~16x slower at 4x: fail here rather than wait for 16x
    assert t4 < 10 * t1 + 0.05, f"{shape}: 4x input took {t4 / t1:.1f}x the time"
    t16 = best_time(make(16 * n))
    assert t16 < 40 * t1 + 0.05, f"{shape}: 16x input took {t16 / t1:.1f}x the time"


def test_the_shapes_are_what_they_claim():
    """Each shape's extra lines land where the test says (so the timings test those paths)."""
    std = parse_text(heading_continued(10), "x.txt")
    last = std.competence("B.3.19")
    assert last.title == "IT valitsemine/juhtimine" + " IT valitsemise rida" * (
        MAX_HEADING_LINES - 1)
    assert len(last.indicators) == 6 + 10 - (MAX_HEADING_LINES - 1)
    std = parse_text(long_author_line(5), "x.txt")
    assert std.authors[0].name == "Peeter Normak" + " (a" * 5  # no ")" at the end: no organisation
    std = parse_text(indicator_continued(3), "x.txt")
    assert std.competence("B.3.19").indicators[0].text.count("jätkab") == 3
    std = parse_text(skill_continued(3), "x.txt")
    assert std.general_skills[0].text.count("jätkab") == 3
    std = parse_text(assessment_lines(3), "x.txt")
    assert std.competence("B.3.19").assessment.count("\n") == 2
    std = parse_text(b1_paragraph(3), "x.txt")
    assert std.unaccounted == []
    std = parse_text(specialisation_statements(3), "x.txt")
    assert [s.title for s in std.specialisations] == ["Eriala e0k", "Eriala e1k", "Eriala e2k"]
    assert all(s.competences[0].code == "B.3.1" for s in std.specialisations)


def test_heading_runs_over_at_most_three_lines_and_says_so():
    std = parse_text(heading_continued(20_000), "x.txt")
    last = std.competence("B.3.19")
    assert len(last.title) < 100
    assert len(last.indicators) == 6 + 20_000 - (MAX_HEADING_LINES - 1)
    line = SEED[:LAST].count("\n") + 1 + MAX_HEADING_LINES  # the first line past the heading
    assert (line, "competence B.3.19: the heading would run over more than 3 lines; this line "
                  "and those after it are read as its indicators") in \
        [(w.line, w.text) for w in std.warnings]
