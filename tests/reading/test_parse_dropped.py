"""Nothing dropped: lines the parser used to take and then lose (docs/parsing.md, "Nothing
dropped"). Each case is the seed with one change; every line must end in the model, `skipped`
or `unaccounted`, and the words of every line taken as content must be in the model."""
from __future__ import annotations

from pathlib import Path

from kutse_rdf.reading.parser import parse_text
from support.reading import round_trip_problems

SEED = (Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt").read_text(
    encoding="utf-8")


def changed(old: str, new: str) -> str:
    assert SEED.count(old) == 1, old
    return SEED.replace(old, new)


PARTIALS = ["IT arendusjuht, tase 7", "IT haldusjuht, tase 7",
            "IT meeskonna- ja partnerlusjuht, tase 7", "Andmehaldusejuht, tase 7",
            "Infoturbejuht, tase 7"]


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_a_general_skills_group_without_skills_is_unaccounted():
    text = changed("\tB.3. Kompetentsid", "\tKeeleoskused\n\n\tB.3. Kompetentsid")
    std = parse_text(text, "x.txt")
    assert [(u.line, u.text) for u in std.unaccounted] == [
        (line_of(text, "\tKeeleoskused"), "Keeleoskused")]
    assert {s.group for s in std.general_skills} == {
        "Mõtlemisoskused", "Enesejuhtimisoskused", "Lävimisoskused"}
    assert round_trip_problems(text) == []


def test_a_c1_field_given_twice_keeps_the_first_and_the_second_as_text():
    text = changed("\t4. Kutsenõukogu otsuse number",
                   "\t10. Kutsestandardi kinnitaja\n\tMuu kutsenõukogu\n\n"
                   "\t4. Kutsenõukogu otsuse number")
    std = parse_text(text, "x.txt")
    assert std.approved_by == "Infotehnoloogia ja telekommunikatsiooni kutsenõukogu"
    second = line_of(text, "\t10. Kutsestandardi kinnitaja")
    first = line_of(text, "3. Kutsestandardi kinnitaja")
    assert [(w.line, w.text) for w in std.warnings] == [
        (second, f"C.1 field '10. Kutsestandardi kinnitaja' is given again (first on line "
                 f"{first}); the first is kept, this one is kept as text in section C.1")]
    c1 = next(s for s in std.sections if s.code == "C.1")
    assert [(p.line, p.text) for p in c1.paragraphs] == [
        (second, "10. Kutsestandardi kinnitaja"), (second + 1, "Muu kutsenõukogu")]
    assert round_trip_problems(text) == []


def test_a_repeated_field_after_a_placeholder_fills_it():
    """A field left to the register's placeholder and given later is not a repeat."""
    text = changed("\t4. Kutsenõukogu otsuse number",
                   "\t10. Kutsestandardi tähis kutseregistris\n\t12-34\n\n"
                   "\t4. Kutsenõukogu otsuse number")
    std = parse_text(text, "x.txt")
    assert std.register_code == "12-34" and std.warnings == []


def test_the_eqf_line_beyond_its_level_is_kept_as_text():
    text = changed("(EQF)\n\t7\n", "(EQF)\n\t7 (vastab EKR 7. tasemele)\n")
    std = parse_text(text, "x.txt")
    assert std.eqf == 7
    line = line_of(text, "\t7 (vastab")
    c1 = next(s for s in std.sections if s.code == "C.1")
    assert [(p.line, p.text) for p in c1.paragraphs] == [(line, "7 (vastab EKR 7. tasemele)")]
    assert any(w.line == line and "EQF" in w.text for w in std.warnings)
    assert round_trip_problems(text) == []


def test_a_bare_eqf_level_in_other_words_is_just_the_level():
    for value in ("EQF 6", "6. tase", "tase 6"):
        std = parse_text(changed("(EQF)\n\t7\n", f"(EQF)\n\t{value}\n"), "x.txt")
        assert std.eqf == 6 and std.warnings == [], value


def test_front_table_columns_the_model_does_not_read_are_unaccounted():
    text = changed("\tOsakutse nimetus\n\tEesti kvalifikatsiooniraamistiku (EKR) tase\n",
                   "\tOsakutse nimetus\n\tEesti kvalifikatsiooniraamistiku (EKR) tase\n"
                   "\tKehtib alates\n")
    for row in PARTIALS:
        text = text.replace(f"\t{row}\n\t7\n", f"\t{row}\n\t7\n\t1. jaanuarist 2025\n", 1)
    std = parse_text(text, "x.txt")
    assert [p.level for p in std.partial_qualifications] == [7] * 5
    assert [u.text for u in std.unaccounted] == ["Kehtib alates"] + ["1. jaanuarist 2025"] * 5
    assert round_trip_problems(text) == []


def test_a_number_in_an_unread_front_table_column_is_unaccounted_not_a_page_number():
    text = changed("\tOsakutse nimetus\n\tEesti kvalifikatsiooniraamistiku (EKR) tase\n",
                   "\tOsakutse nimetus\n\tEesti kvalifikatsiooniraamistiku (EKR) tase\n"
                   "\tMaht (tundides)\n")
    for row in PARTIALS:
        text = text.replace(f"\t{row}\n\t7\n", f"\t{row}\n\t7\n\t120\n", 1)
    std = parse_text(text, "x.txt")
    assert [p.level for p in std.partial_qualifications] == [7] * 5
    assert [u.text for u in std.unaccounted] == ["Maht (tundides)"] + ["120"] * 5
    assert "120" not in [s.text for s in std.skipped]
