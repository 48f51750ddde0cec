"""The seed standard "IT-juht, tase 7": every number below was read off
standards/it-juht-tase-7.txt (line numbers in the comments), not taken from the parser."""
from __future__ import annotations

import json
import re

import pytest

from kutse_rdf.reading.parser import STRUCTURE_ROLES, trace


def test_front_page_and_c_part(seed_standard):
    std = seed_standard
    assert std.title == "IT-juht, tase 7"  # line 2
    assert std.line == 2
    assert std.level == 7  # line 11
    assert std.eqf == 7  # line 384
    assert std.isco == ["1330"] and std.isco_label == "IKT-juhid"  # line 381
    assert std.name_en == "IT manager, EstQF Level 7"  # line 388
    assert std.approved_by == "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu"  # line 366
    # lines 354-378: the register fields are unfilled ("Täidab kutseregistri töötaja" or empty)
    assert std.register_code is None
    assert std.decision_number is None and std.decision_date is None
    assert std.valid_until is None and std.version is None


def test_authors_with_organisations(seed_standard):
    # lines 358-363, separated by "-" or "–"
    assert [(a.name, a.organisation, a.line) for a in seed_standard.authors] == [
        ("Peeter Normak", "Tallinna Ülikool", 358),
        ("Rando Sui", "Skywish OÜ", 359),
        ("Ants Sild", "Baltic Computer Systems AS", 360),
        ("Jaan Oruaas", "FocusIT OÜ", 361),
        ("Svitlana Korjus", "Swedbank AS", 362),
        ("Ivo Suursoo", "Columbus Eesti AS", 363),
    ]


def test_nineteen_competences_with_indicators_in_order(seed_standard):
    comps = seed_standard.competences
    assert [c.code for c in comps] == [f"B.3.{n}" for n in range(1, 20)]
    assert [len(c.indicators) for c in comps] == [5, 4, 5, 3, 5, 3, 3, 3, 4, 3, 2, 5, 4, 4, 4,
                                                  5, 5, 5, 6]
    assert sum(len(c.indicators) for c in comps) == 78
    assert all(c.group == "mandatory" and c.level == 7 for c in comps)
    assert all(not c.knowledge and c.assessment is None for c in comps)


def test_bookmark_glued_heading_b36(seed_standard):
    comp = seed_standard.competence("B.3.6")  # line 214: "[bookmark: _Hlk147838783]B.3.6. ..."
    assert comp is not None and comp.line == 214
    assert comp.title == "Jätkusuutlikkuse tagamine" and comp.ecf == ["A.8"]
    assert [i.line for i in comp.indicators] == [218, 219, 220]


def test_nothing_from_part_c_leaks_into_the_last_competence(seed_standard):
    last = seed_standard.competence("B.3.19")
    assert [i.line for i in last.indicators] == [336, 337, 338, 339, 340, 341]
    assert last.indicators[-1].text.startswith("Täiendab ja kohendab IT tegevusplaane")


def test_titles_and_ecf(seed_standard):
    std = seed_standard
    assert std.competence("B.3.5").ecf == ["A.7", "A.9"]  # line 204
    assert std.competence("B.3.18").ecf == ["E.8", "D.1"]  # line 322
    assert std.competence("B.3.2").title == "Teenusetaseme haldus"  # double space before "("
    assert std.competence("B.3.19").title == "IT valitsemine/juhtimine"
    codes = {e for c in std.competences for e in c.ecf}
    assert len(codes) == 21
    assert std.ecf_version is None  # the seed does not say which e-CF version


def test_work_parts(seed_standard):
    parts = seed_standard.work_parts
    assert [w.code for w in parts] == [f"A.2.{n}" for n in range(1, 20)]  # lines 64-82
    assert parts[0].title == "Infosüsteemi ja äristrateegia kooskõlastamine"
    assert parts[0].ecf == ["A.1"]
    assert parts[4].ecf == ["A.7", "A.9"] and parts[17].ecf == ["E.8", "D.1"]
    assert parts[18].title == "IT valitsemine/juhtimine" and parts[18].ecf == ["E.9"]
    assert all(not w.specialisation for w in parts)


def test_general_skills(seed_standard):
    skills = seed_standard.general_skills  # lines 142-158
    assert len(skills) == 14
    assert [s.number for s in skills] == list(range(1, 15))
    groups = [s.group for s in skills]
    assert groups == ["Mõtlemisoskused"] * 4 + ["Enesejuhtimisoskused"] * 4 \
        + ["Lävimisoskused"] * 6
    assert skills[12].text.startswith("Valdab inglise keelt tasemel B2")


PARTIALS = {  # B.1, lines 119-129
    "IT arendusjuht, tase 7": (119, [1, 3, 4, 5, 6, 8, 9, 12, 13, 15, 17, 19]),
    "IT haldusjuht, tase 7": (121, [2, 7, 9, 12, 13, 15, 16, 19]),
    "IT meeskonna- ja partnerlusjuht, tase 7": (123, [5, 10, 13, 15]),
    "Andmehaldusejuht, tase 7": (125, [5, 11, 13, 15, 19]),
    "Infoturbejuht, tase 7": (128, [5, 7, 13, 14, 15, 16, 18, 19]),
}


def test_partial_qualifications(seed_standard):
    pqs = seed_standard.partial_qualifications
    assert [p.title for p in pqs] == list(PARTIALS)
    for pq in pqs:
        line, numbers = PARTIALS[pq.title]
        assert pq.line == line
        assert [r.code for r in pq.competences] == [f"B.3.{n}" for n in numbers]
        assert pq.level == 7
        assert pq.requires_general_skills  # "... ja üldoskused B.2."
    assert [len(p.competences) for p in pqs] == [12, 8, 4, 5, 8]
    assert seed_standard.specialisations == []


def test_reference_titles_and_lines(seed_standard):
    arendus = seed_standard.partial_qualifications[0]
    # "B.3.9 Hankimine" is written without the trailing dot
    assert ("B.3.9", "Hankimine") in [(r.code, r.title) for r in arendus.competences]
    andmed = seed_standard.partial_qualifications[3]
    last = andmed.competences[-1]
    # "B.3.19. IT valitsemine/" broken over lines 125-126
    assert (last.code, last.title, last.line) == ("B.3.19", "IT valitsemine/juhtimine", 125)
    assert seed_standard.warnings == []  # every referenced title matches its competence


def test_qualification_requires_all_and_general_skills(seed_standard):
    # line 117: "kohustuslikud kompetentsid B.3.1.- B.3.19. ja üldoskused B.2."
    assert [r.code for r in seed_standard.qualification_competences] == \
        [f"B.3.{n}" for n in range(1, 20)]
    assert seed_standard.qualification_requires_general_skills


def test_sections_keep_the_free_text(seed_standard):
    sections = {(s.code, s.title): s for s in seed_standard.sections}
    assert [p.line for p in sections[(None, "")].paragraphs] == [5]
    assert len(sections[("A.1", "Töö kirjeldus")].paragraphs) == 10  # lines 42-59
    assert sections[("A.4", "Enamlevinud ametinimetused")].paragraphs[0].text.startswith(
        "IT-juht, infotehnoloogia juht")
    quals = sections[(None, "Kvalifikatsiooninõuded kutse taotlemisel, kutse taastõendamisel")]
    assert quals.paragraphs[0].text == "Antud kutsel taotlemist ja taastõendamist ei toimu."
    assert [p.text for p in sections[("C.3", "Lisad")].paragraphs] == [
        "Lisa 1. Keelte oskustasemete kirjeldused", "Lisa 2. Digipädevuste enesehindamise skaala"]
    b1 = sections[("B.1", "Kutse struktuur")]
    assert [p.line for p in b1.paragraphs] == [117, 119, 121, 123, 125, 128]


def test_nothing_unaccounted_and_debris_recorded(seed_standard):
    assert seed_standard.unaccounted == []
    assert [(s.line, s.text) for s in seed_standard.skipped] == [
        (214, "[bookmark: _Hlk147838783]"), (347, "[bookmark: _Hlk124197519]"),
        (397, "1"), (399, "1"), (400, "image1.png"), (401, "- sTAsuTUS."),
        (403, "43 Kutsekoda"), (408, "image2.jpeg"), (409, "Euroopa Liit"),
        (410, "Euroopa Sotsiaalfond Eesti tuleviku heaks"),
    ]


# Words of a line that label its content rather than being it ("Inglise keeles IT manager").
LABEL_WORDS = {"Inglise", "keeles"}


def round_trip_problems(text: str, name: str = "standard.txt") -> list[str]:
    """Lines the model lost: a non-blank line neither taken by the model nor in `skipped` or
    `unaccounted`, or a line taken as content whose words are missing from the model's JSON.
    (Also used by the fuzz test, tests/test_parse_fuzz.py.)"""
    std, roles = trace(text, name)
    elsewhere = {s.line for s in std.skipped} | {u.line for u in std.unaccounted}
    dump = json.dumps(std.to_json(), ensure_ascii=False)
    problems = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if no not in roles and no not in elsewhere:
            problems.append(f"line {no} neither in the model, skipped nor unaccounted")
        if roles.get(no) in STRUCTURE_ROLES or no not in roles:
            continue
        for word in re.findall(r"\w{3,}", re.sub(r"\[bookmark:[^\]]*\]", "", raw)):
            if word not in LABEL_WORDS and word not in dump:
                problems.append(f"line {no}: {word!r} is missing from the model")
    return problems


def test_round_trip_every_line_is_in_the_model_or_skipped(seed_path, seed_standard):
    """Every non-blank line was taken by the model or is on the skip list; and the words of
    every line the model took as content occur in the JSON of the model."""
    assert seed_standard.unaccounted == []
    assert round_trip_problems(seed_path.read_text(encoding="utf-8"), seed_path.name) == []


@pytest.mark.parametrize("key", ["title", "level", "name_en", "eqf", "isco", "register_code",
                                 "version", "approved_by", "authors", "work_parts",
                                 "general_skills", "competences", "partial_qualifications",
                                 "specialisations", "unaccounted"])
def test_json_keys(seed_standard, key):
    assert key in seed_standard.to_json()


def test_json_shapes(seed_standard):
    data = seed_standard.to_json()
    comp = data["competences"][4]
    assert {"code", "title", "group", "level", "ecf", "indicators", "knowledge",
            "assessment"} <= set(comp)
    assert comp["ecf"] == ["A.7", "A.9"] and isinstance(comp["indicators"][0], str)
    assert data["partial_qualifications"][2]["competences"] == ["B.3.5", "B.3.10", "B.3.13",
                                                                "B.3.15"]
    assert data["authors"][0] == {"name": "Peeter Normak", "organisation": "Tallinna Ülikool",
                                  "line": 358}
    assert data["work_parts"][4]["ecf"] == ["A.7", "A.9"]
    assert data["general_skills"][0]["group"] == "Mõtlemisoskused"
    json.dumps(data)  # serialisable
