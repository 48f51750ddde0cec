"""Template generations and field variants of the kutsestandard family. Each fixture in
tests/fixtures/standards/ was written for these tests in the seed's text format; the expected
values are read off the fixture text."""
from __future__ import annotations

from pathlib import Path

import pytest

from kutse_rdf.reading.parser import parse_file, parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "standards"


@pytest.fixture(scope="module")
def old():
    """2010-2019 template: B.2.N competences, no general skills, Teadmised, Hindamismeetod."""
    return parse_file(FIXTURES / "tarkvaraarendaja-tase-6-2013.txt")


@pytest.fixture(scope="module")
def carpenter():
    """Non-IT: no e-CF, work parts numbered "1.", specialisations and no partial qualifications."""
    return parse_file(FIXTURES / "puusepp-tase-4.txt")


@pytest.fixture(scope="module")
def analyst():
    """Partial qualifications and a specialisation, B.1 reference variants, filled-in C.1."""
    return parse_file(FIXTURES / "andmeanaluutik-tase-6.txt")


def codes(refs):
    return [r.code for r in refs]


# --- 2010-2019 template -------------------------------------------------------------------

def test_b2_numbering_without_general_skills(old):
    assert old.title == "Tarkvaraarendaja, tase 6" and old.level == 6
    assert [c.code for c in old.competences] == [f"B.2.{n}" for n in range(1, 8)]
    assert old.general_skills == []
    assert old.unaccounted == [] and old.warnings == []


def test_group_headings_old_template(old):
    assert [c.group for c in old.competences] == ["mandatory"] * 4 + ["optional"] * 2 \
        + ["transversal"]


def test_knowledge_and_assessment(old):
    first = old.competence("B.2.1")
    assert [i.text for i in first.indicators] == [
        "Selgitab välja tellija äriprotsessid ja vajadused.",
        "Koostab nõuete kirjelduse, mis on aluseks tarkvara kavandamisele.",  # broken line
        "Kooskõlastab nõuded tellijaga.",
    ]
    assert [(k.text, k.line) for k in first.knowledge] == [
        ("nõuete analüüsi meetodid;", 46), ("modelleerimiskeeled.", 47)]
    assert first.assessment == "Praktiline ülesanne ja vestlus."
    assert first.assessment_line == 48
    # a Hindamismeetod(id) block over lines, and a knowledge list without numbers
    assert old.competence("B.2.3").assessment == "Praktiline töö.\nPortfoolio."
    assert [k.text for k in old.competence("B.2.7").knowledge] == [
        "Tarkvaraarenduse elutsükkel", "Andmekaitse põhimõtted"]


def test_competence_level_differs_from_qualification(old, analyst):
    assert old.competence("B.2.4").level == 5 and old.level == 6
    assert analyst.competence("B.3.5").level == 5 and analyst.level == 6


def test_ecf_trailing_dots_plural_ampersand_and_comma(old):
    assert old.competence("B.2.1").ecf == ["B.1"]  # "(e-CF kompetents B.1.)"
    assert old.competence("B.2.2").ecf == ["A.5", "A.6"]  # "kompetentsid A.5. & A.6."
    assert old.competence("B.2.3").ecf == ["B.2", "B.3"]  # "B.2., B.3"
    assert old.competence("B.2.5").ecf == ["B.4", "B.5"]  # "B.4 ja B.5"
    assert old.competence("B.2.7").ecf == []
    assert old.competence("B.2.2").title == "Lahenduse disain"


def test_work_parts_with_tasks(old):
    assert [(w.code, w.title) for w in old.work_parts] == [
        ("A.2.1", "Nõuete analüüs"), ("A.2.2", "Tarkvara loomine")]
    assert [d.text for d in old.work_parts[0].description] == [
        "Selgitab välja tellija vajadused.", "Koostab nõuete kirjelduse."]


def test_old_b1_requires_mandatory_and_transversal_not_the_optional_choice(old):
    # "Kutse taotlemisel tuleb tõendada kompetentsid B.2.1-B.2.4 ning kutset läbiv kompetents
    #  B.2.7. Valitavatest kompetentsidest B.2.5-B.2.6 tuleb tõendada vähemalt üks."
    assert codes(old.qualification_competences) == ["B.2.1", "B.2.2", "B.2.3", "B.2.4", "B.2.7"]
    assert not old.qualification_requires_general_skills
    assert old.partial_qualifications == [] and old.specialisations == []
    b1 = next(s for s in old.sections if s.code == "B.1")
    assert "vähemalt üks" in b1.paragraphs[-1].text  # the choice rule is kept as text


def test_old_c1_and_isco_hierarchy(old):
    assert [(a.name, a.organisation) for a in old.authors] == [
        ("Mari Maasikas", "Tartu Ülikool"), ("Jaan Tamm", "Tarkvara OÜ")]
    assert old.decision_number == "16" and old.decision_date == "2013-11-26"
    assert old.valid_until == "2018-11-25" and old.version == "5"
    assert old.register_code is None  # the old template has no register code field
    assert old.isco == ["2", "25", "251", "2512"] and old.isco_label == "Tarkvaraarendajad"
    assert old.isco_labels[0] == "Tippspetsialistid"
    assert old.eqf == 6
    assert old.name_en == "Software Developer, EstQF Level 6"  # "Inglise keeles: ..."
    c2 = next(s for s in old.sections if s.code == "C.2")  # other languages kept as text
    assert c2.paragraphs[0].text.startswith("Vene keeles:")


def test_old_sections(old):
    assert [s.code for s in old.sections] == [None, "A.1", "A.3", "A.4", "A.5", "B.1", "C.2",
                                              "C.3"]


# --- non-IT standard with specialisations ---------------------------------------------------

def test_no_ecf_at_all(carpenter):
    assert all(c.ecf == [] for c in carpenter.competences)
    assert all(w.ecf == [] for w in carpenter.work_parts)
    assert carpenter.unaccounted == [] and carpenter.warnings == []


def test_plainly_numbered_work_parts_and_specialisation_block(carpenter):
    parts = carpenter.work_parts
    assert [(w.code, w.title, w.specialisation) for w in parts] == [
        ("1", "Töö planeerimine ja ettevalmistamine", False),
        ("2", "Puidu töötlemine", False),
        ("3", "Mööbli valmistamine", True),
        ("4", "Ehituspuusepatööd", True),
    ]
    assert [d.text for d in parts[0].description] == [
        "Tutvub tööülesandega ja planeerib oma töö.", "Valmistab ette töökoha."]
    a2 = next(s for s in carpenter.sections if s.code == "A.2")  # A.2's own introduction
    assert a2.paragraphs[0].text == "Puusepa töö koosneb järgmistest tööosadest."


def test_specialisations_table_instead_of_partial_qualifications(carpenter):
    assert carpenter.partial_qualifications == []
    specs = carpenter.specialisations
    assert [(s.title, s.name_on_certificate, codes(s.competences)) for s in specs] == [
        ("Mööblipuusepp", "Puusepp, tase 4, mööblipuusepp", ["B.3.4"]),
        ("Ehituspuusepp", "Puusepp, tase 4, ehituspuusepp", ["B.3.5"]),
    ]
    assert specs[0].competences[0].line == 45


def test_specialisation_and_transversal_groups(carpenter):
    assert [c.group for c in carpenter.competences] == [
        "mandatory", "mandatory", "mandatory", "specialisation", "specialisation", "transversal"]
    assert codes(carpenter.qualification_competences) == ["B.3.1", "B.3.2", "B.3.3", "B.3.6"]
    assert carpenter.qualification_requires_general_skills


def test_page_number_and_image_between_competences_are_skipped(carpenter):
    assert [(s.line, s.text) for s in carpenter.skipped] == [(72, "7"), (78, "image3.png")]
    assert len(carpenter.competence("B.3.2").indicators) == 2
    assert len(carpenter.competence("B.3.3").indicators) == 1


def test_unfilled_c1_and_single_isco(carpenter):
    assert carpenter.register_code is None and carpenter.version is None
    assert carpenter.authors[0].name == "Peeter Puu"
    assert carpenter.authors[0].organisation == "Puiduliit"
    assert carpenter.isco == ["7115"] and carpenter.eqf == 4
    assert carpenter.name_en == "Carpenter, EstQF Level 4"


def test_general_skill_groups(carpenter):
    assert [(g.group, g.number) for g in carpenter.general_skills] == [
        ("Mõtlemisoskused", 1), ("Enesejuhtimisoskused", 2)]


# --- partial qualifications, specialisations and B.1 reference variants ----------------------

def test_partial_qualifications_and_specialisation_side_by_side(analyst):
    assert [(p.title, p.level) for p in analyst.partial_qualifications] == [
        ("Andmeinsener, tase 6", 6), ("Andmete visualiseerija, tase 5", 5)]
    [spec] = analyst.specialisations
    assert spec.title == "Tervishoiu andmed" and spec.level == 6
    assert spec.name_on_certificate == \
        "Andmeanalüütik, tase 6, tervishoiu andmetele spetsialiseerumisega"
    assert codes(spec.competences) == ["B.3.7"]
    assert analyst.competence("B.3.7").group == "specialisation"


def test_range_with_en_dash(analyst):
    # "B.3.1–B.3.6 ja üldoskused B.2."
    assert codes(analyst.qualification_competences) == [f"B.3.{n}" for n in range(1, 7)]
    assert analyst.qualification_requires_general_skills


def test_list_without_trailing_dots_and_stray_spaces(analyst):
    # "B.3.1 Andmete kogumine ; B.3.2 Andmete puhastamine ; B.3.3 Andmemudelite loomine ja ..."
    refs = analyst.partial_qualifications[0].competences
    assert [(r.code, r.title) for r in refs] == [
        ("B.3.1", "Andmete kogumine"), ("B.3.2", "Andmete puhastamine"),
        ("B.3.3", "Andmemudelite loomine")]


def test_range_with_dots_and_broken_line(analyst):
    # "B.3.1.- B.3.2. ja B.3.5. Andmete visualiseerimine ja\nesitlemine; B.3.9. Aruandlus ..."
    refs = analyst.partial_qualifications[1].competences
    assert [(r.code, r.title, r.line) for r in refs] == [
        ("B.3.1", None, 45), ("B.3.2", None, 45),
        ("B.3.5", "Andmete visualiseerimine ja esitlemine", 45),
        ("B.3.9", "Aruandlus", 46)]


def test_title_mismatch_and_undefined_reference_are_warnings(analyst):
    assert [(w.line, w.text) for w in analyst.warnings] == [
        (45, "B.1: partial qualification 'Andmete visualiseerija, tase 5' names B.3.5 as "
             "'Andmete visualiseerimine ja esitlemine', but the competence is titled "
             "'Andmete visualiseerimine'"),
        (46, "B.1: partial qualification 'Andmete visualiseerija, tase 5' names B.3.9, which "
             "the document does not define"),
    ]
    assert analyst.competence("B.3.9") is None  # kept as written, not invented
    assert analyst.unaccounted == []


def test_ecf_variants_in_competences_and_work_parts(analyst):
    assert analyst.competence("B.3.1").ecf == ["B.1"]
    assert analyst.competence("B.3.2").ecf == ["B.1", "B.6"]
    assert analyst.competence("B.3.3").ecf == ["A.5", "B.1", "B.6"]
    assert analyst.competence("B.3.4").ecf == ["D.11"]
    assert [w.ecf for w in analyst.work_parts] == [["B.1"], ["A.5", "B.1", "B.6"], ["D.11"]]
    assert analyst.ecf_version == "4.0"  # "lähtutud e-CF 4.0 raamistikust"


def test_filled_in_c1(analyst):
    assert analyst.register_code == "08-14032024-2.1/6k"
    assert analyst.decision_number == "13"
    assert analyst.decision_date == "2024-03-14"
    assert analyst.valid_until == "2029-03-13"
    assert analyst.version == "3"
    assert analyst.isco == ["2", "21", "212", "2120"]
    assert analyst.isco_label == "Matemaatikud, aktuaarid ja statistikud"
    assert analyst.eqf == 6 and analyst.name_en == "Data Analyst, EstQF Level 6"


# --- small variants, inline -------------------------------------------------------------------

def doc(part_b: str, part_c: str = "") -> str:
    return ("KUTSESTANDARD\nProov, tase 5\n\nA-osa\nA.1 Töö kirjeldus\nTekst.\n\nB-osa\n"
            + part_b + ("\nC-osa\n" + part_c if part_c else ""))


def test_competence_heading_broken_over_two_lines():
    std = parse_text(doc("B.3 Kompetentsid\nB.3.1 Pikk pealkiri, mis jätkub\nteisel real "
                         "(e-CF kompetents A.4.)\nEKR tase 5\nTegevusnäitajad\n1. Teeb.\n"), "x")
    comp = std.competence("B.3.1")
    assert comp.title == "Pikk pealkiri, mis jätkub teisel real" and comp.ecf == ["A.4"]


def test_ekr_level_on_the_heading_line():
    std = parse_text(doc("B.2 Kompetentsid\nB.2.1 Ohutus EKR tase 3\n1. Järgib nõudeid.\n"), "x")
    comp = std.competence("B.2.1")
    assert (comp.title, comp.level, len(comp.indicators)) == ("Ohutus", 3, 1)


def test_unknown_c1_field_is_kept_as_text_with_a_warning():
    std = parse_text(doc("B.3 Kompetentsid\nB.3.1 A\n1. B.\n",
                         "C.1 Teave\n1. Kutsestandardi kinnitaja\nNõukogu\n"
                         "2. Märkused\nMidagi muud\n"), "x")
    assert std.approved_by == "Nõukogu"
    c1 = next(s for s in std.sections if s.code == "C.1")
    assert [p.text for p in c1.paragraphs] == ["2. Märkused", "Midagi muud"]
    assert any("Märkused" in w.text for w in std.warnings)
    assert std.unaccounted == []


def test_unrecognised_text_is_unaccounted_not_dropped():
    std = parse_text(doc("B.3 Kompetentsid\nB.3.1 A\n1. B.\n\nSelgitus pärast loetelu.\n"),
                     "x")
    assert [(u.line, u.text) for u in std.unaccounted] == [(13, "Selgitus pärast loetelu.")]


def test_missing_part_c_is_a_warning():
    std = parse_text(doc("B.3 Kompetentsid\nB.3.1 A\n1. B.\n"), "x")
    assert any("part C" in w.text for w in std.warnings)


def test_partial_qualification_named_only_in_the_table_is_kept_with_a_warning():
    text = ("KUTSESTANDARD\nProov, tase 5\n\nOsakutse nimetus\nEKR tase\n\nOsa A, tase 4\n4\n\n"
            "B-osa\nB.1 Kutse struktuur\nProov, tase 5 kutse taotlemisel tuleb tõendada B.3.1.\n"
            "\nB.3 Kompetentsid\nB.3.1 A\n1. B.\n")
    std = parse_text(text, "x")
    assert [(p.title, p.level, p.competences) for p in std.partial_qualifications] == [
        ("Osa A, tase 4", 4, [])]
    assert any("no requirements in B.1" in w.text for w in std.warnings)
