"""Write N synthetic occupational standards in the seed's text format.

    python benchmarks/make_corpus.py N OUT_DIR [--seed S] [--versions]

With --versions it writes a register with history instead: each of the N standards in 1-4
versions (`standard-0001-v2.txt`, ~2.5 per standard), each with its C.1 version number, the
council's decision date and "kehtib kuni" (the last version still valid), and each version
changed from the one before: a competence renamed (in its heading and wherever B.1 names it),
an indicator reworded and an e-CF citation changed.

The corpus is varied like the real family: 10-40 competences, 0-6 partial qualifications,
standards with and without e-CF references, the 2020+ template (B.3.N competences, B.2 general
skills) and the 2010-2019 template (B.2.N competences, no general skills), knowledge lists,
assessment blocks and specialisations. The same N and seed give byte-identical files.
Titles are unique, so every standard gets its own URI.
"""
from __future__ import annotations

import argparse
import random
import re
from datetime import date, timedelta
from pathlib import Path

# Words to compose titles and sentences from (Estonian, so the slug folding is exercised).
OCCUPATIONS = ["Süsteemiadministraator", "Andmeteadur", "Võrguinsener", "Tarkvaratestija",
               "Projektijuht", "Küberturbe spetsialist", "Äianalüütik", "Pilvearhitekt",
               "Kasutajatoe spetsialist", "Andmebaasihaldur", "Infosüsteemide auditeerija",
               "Keevitaja", "Puusepp", "Kokk", "Raamatupidaja", "Logistik", "Õmbleja",
               "Elektrik", "Müügijuht", "Tõlkija"]
NOUNS = ["teenuste", "andmete", "protsesside", "riskide", "projektide", "lahenduste", "süsteemide",
         "meeskonna", "kvaliteedi", "turvalisuse", "töökeskkonna", "klientide", "dokumentide",
         "seadmete", "materjalide", "eelarve", "hangete", "muudatuste"]
VERBS = ["haldamine", "planeerimine", "arendamine", "analüüs", "juhtimine", "hindamine",
         "kavandamine", "testimine", "juurutamine", "jälgimine", "täiustamine", "korraldamine"]
ACTIONS = ["Analüüsib", "Planeerib", "Korraldab", "Hindab", "Dokumenteerib", "Juhib", "Jälgib",
           "Kooskõlastab", "Täiustab", "Selgitab välja"]
OBJECTS = ["tööprotsesse ja nende tulemusi", "meeskonna tegevust", "klientide vajadusi",
           "riske ja nende mõju", "kvaliteedinõudeid", "eelarvet ja ressursse",
           "tehnilisi lahendusi", "ohutusnõudeid", "dokumentatsiooni", "muudatuste mõju"]
SKILL_GROUPS = ["Mõtlemisoskused", "Enesejuhtimisoskused", "Lävimisoskused"]
ECF_CODES = ["A.1", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "B.1", "B.2", "B.3",
             "B.4", "B.5", "B.6", "C.1", "C.2", "C.3", "C.4", "D.1", "D.2", "D.3", "D.4", "D.5",
             "D.6", "D.7", "D.8", "D.9", "D.10", "D.11", "E.1", "E.2", "E.3", "E.4", "E.5", "E.6",
             "E.7", "E.8", "E.9"]
FIRST = ["Mari", "Jaan", "Kati", "Peeter", "Liis", "Toomas", "Anu", "Mart", "Kristi", "Urmas"]
LAST = ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Põder", "Rebane", "Kuusk", "Ilves", "Lepik"]
ORGS = ["Tallinna Ülikool", "Tartu Ülikool", "Näidis OÜ", "Katse AS", "Kutseliit MTÜ"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}."


def _title(rng: random.Random) -> str:
    return f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)}"


def make_standard(index: int, rng: random.Random) -> str:
    level = rng.randint(3, 8)
    title = f"{OCCUPATIONS[index % len(OCCUPATIONS)]} {index + 1}, tase {level}"
    old_template = rng.random() < 0.3  # 2010-2019: B.2.N competences, no general skills
    with_ecf = rng.random() < 0.6
    prefix = "B.2" if old_template else "B.3"
    n_comp = rng.randint(10, 40)
    n_spec_comp = rng.randint(1, 3) if rng.random() < 0.25 else 0
    n_mandatory = n_comp - n_spec_comp - 1  # the last competence is the transversal one
    specialisations = [f"{rng.choice(NOUNS).capitalize()} spetsialist {k + 1}"
                       for k in range(n_spec_comp)]
    n_partial = 0 if specialisations else rng.randint(0, 6)
    comp_titles = [f"{_title(rng)} {k + 1}" for k in range(n_comp)]
    comp_codes = [f"{prefix}.{k + 1}" for k in range(n_comp)]
    comp_ecf = [sorted(rng.sample(ECF_CODES, rng.choice([1, 1, 1, 2]))) if with_ecf else []
                for _ in range(n_comp)]

    out: list[str] = [" KUTSESTANDARD", title, "",
                      "Kutsestandard on dokument, milles kirjeldatakse tööd ning töö edukaks "
                      "tegemiseks vajalike oskuste, teadmiste ja hoiakute kogumit.", "",
                      "\tKutsenimetus", "\tEesti kvalifikatsiooniraamistiku (EKR) tase", "",
                      f"\t{title}", f"\t{level}", ""]
    partials = [f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)} {k + 1}, tase {level}"
                for k in range(n_partial)]
    if partials:
        out += ["\tOsakutse nimetus", "\tEesti kvalifikatsiooniraamistiku (EKR) tase", ""]
        for p in partials:
            out += [f"\t{p}", f"\t{level}", ""]
    if specialisations:
        out += ["\tSpetsialiseerumine", "\tNimetus kutsetunnistusel", ""]
        for s in specialisations:
            out += [f"\t{s}", f"\t{title}, {s.lower()}", ""]

    out += ["A-osa", "TÖÖ KIRJELDUS", "", "\tA.1. Töö kirjeldus", "",
            f"\t{title.split(',')[0]} {' '.join(_sentence(rng).lower() for _ in range(3))}", "",
            "\tA.2. Tööosad", ""]
    for k in range(rng.randint(3, 8)):
        ecf = rng.choice(ECF_CODES)
        suffix = f" (e-CF kompetents {ecf})" if with_ecf else ""
        out.append(f"\tA.2.{k + 1}. {_title(rng)}{suffix}")
    out += ["", "\tA.3. Kutsealane ettevalmistus", "", f"\t{_sentence(rng)}", ""]

    out += ["B-osa", "KOMPETENTSUSNÕUDED", "", "\tB.1. Kutse struktuur", ""]
    last_mandatory = comp_codes[n_mandatory - 1]
    transversal = comp_codes[-1]
    skills = "" if old_template else " ja üldoskused B.2"
    out.append(f"\t{title} kutse taotlemisel tuleb tõendada kohustuslikud kompetentsid "
               f"{prefix}.1-{last_mandatory}, kutset läbiv kompetents {transversal}{skills}.")
    out.append("")
    for p in partials:
        chosen = sorted(rng.sample(range(n_mandatory), rng.randint(2, min(8, n_mandatory))))
        refs = "; ".join(f"{comp_codes[k]}. {comp_titles[k]}" for k in chosen)
        out += [f"{p} osakutse taotlemisel tuleb tõendada kohustuslikud kompetentsid {refs}{skills}.",
                ""]
    for k, s in enumerate(specialisations):
        out += [f"Spetsialiseerumise „{s}“ taotlemisel tuleb lisaks tõendada kompetents "
                f"{comp_codes[n_mandatory + k]}.", ""]

    if not old_template:
        out += [f"\tB.2. {title} üldoskused", ""]
        number = 1
        for group in SKILL_GROUPS:
            out.append(f"\t{group}")
            for _ in range(rng.randint(2, 5)):
                out.append(f"{number}. {_sentence(rng)}")
                number += 1
        out.append("")

    out += [f"\t{'B.2' if old_template else 'B.3'}. Kompetentsid", ""]
    headings = {0: "KOHUSTUSLIKUD KOMPETENTSID", n_mandatory: "SPETSIALISEERUMISEGA SEOTUD KOMPETENTSID",
                n_comp - 1: "KUTSET LÄBIV KOMPETENTS"}
    for k in range(n_comp):
        if k in headings and not (k == n_mandatory and not n_spec_comp):
            out.append(headings[k])
        ecf = comp_ecf[k]
        cite = ""
        if ecf:
            word = "kompetentsid" if len(ecf) > 1 else "kompetents"
            cite = f" (e-CF {word} {' ja '.join(ecf)})"
        out += [f"\t{comp_codes[k]}. {comp_titles[k]}{cite}", f"\tEKR tase {level}", "",
                "\tTegevusnäitajad"]
        out += [f"{n + 1}. {_sentence(rng)}" for n in range(rng.randint(1, 6))]
        if rng.random() < 0.4:
            out += ["\tTeadmised"]
            out += [f"{n + 1}. {rng.choice(OBJECTS).capitalize()}." for n in range(rng.randint(1, 4))]
        if rng.random() < 0.2:
            out += ["\tHindamismeetod", "\tPraktiline ülesanne ja vestlus."]
        out.append("")

    names = rng.sample([f"{first} {last}" for first in FIRST for last in LAST], rng.randint(1, 4))
    authors = [f"{name} - {rng.choice(ORGS)}" for name in names]
    out += ["C-osa", "ÜLDTEAVE JA LISAD",
            "\tC.1.  Teave kutsestandardi koostamise ja kinnitamise kohta ning viide ametite "
            "klassifikaatorile", "",
            "\t1. Kutsestandardi tähis kutseregistris", "\tTäidab kutseregistri töötaja", "",
            "\t2. Kutsestandardi koostajad", "\t" + authors[0], *authors[1:], "",
            "\t3. Kutsestandardi kinnitaja", "\tNäidisvaldkonna kutsenõukogu", "",
            "\t4. Kutsenõukogu otsuse number", "\t", "",
            "\t5. Kutsenõukogu otsuse kuupäev", "\t", "",
            "\t6. Kutsestandard kehtib kuni", "\t", "",
            "\t7. Kutsestandardi versiooni number", "\t", "",
            "\t8. Viide ametite klassifikaatorile (ISCO 08) ", "\t1330 IKT-juhid", "",
            "\t9. Viide Euroopa kvalifikatsiooniraamistikule (EQF)", f"\t{level}", "",
            "\tC.2. Kutse nimetus võõrkeeles", "",
            f"\tInglise keeles Synthetic occupation {index + 1}, EstQF Level {level}", ""]
    return "\n".join(out) + "\n"


def make_corpus(n: int, out_dir: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(n):
        path = out_dir / f"standard-{index + 1:04d}.txt"
        path.write_text(make_standard(index, rng), encoding="utf-8")
        paths.append(path)
    return paths


COMPETENCE_HEADING = re.compile(r"^\t(B\.[23]\.\d{1,3})\. ([^(\n]*?)( \(e-CF [^)\n]*\))?$", re.M)
INDICATOR = re.compile(r"^(\d{1,2})\. (.*)$", re.M)
VERSION_COUNTS = (1, 2, 2, 3, 4)  # 2.4 versions per standard on average


def next_version(text: str, rng: random.Random) -> str:
    """The text of the next version: one competence renamed, one indicator reworded, one
    e-CF citation changed."""
    headings = COMPETENCE_HEADING.findall(text)
    code, title, _ = rng.choice(headings)
    renamed = f"{title} ja {rng.choice(NOUNS)} {rng.choice(VERBS)}"
    text = text.replace(f"{code}. {title}", f"{code}. {renamed}")
    indicators = [m for m in INDICATOR.finditer(text)]
    if indicators:
        m = rng.choice(indicators)
        text = text[:m.start(2)] + _sentence(rng) + text[m.end(2):]
    cited = [h for h in COMPETENCE_HEADING.finditer(text) if h.group(3)]
    if cited:
        h = rng.choice(cited)
        text = text[:h.start(3)] + f" (e-CF kompetents {rng.choice(ECF_CODES)})" + text[h.end(3):]
    return text


def with_c1(text: str, version: int, decided: date, valid_until: date) -> str:
    for label, value in (("Kutsenõukogu otsuse number", f"{version}"),
                         ("Kutsenõukogu otsuse kuupäev", decided.strftime("%d.%m.%Y")),
                         ("Kutsestandard kehtib kuni", valid_until.strftime("%d.%m.%Y")),
                         ("Kutsestandardi versiooni number", f"{version}")):
        text = re.sub(rf"(\t\d\. {label}\n)\t\n", lambda m: f"{m.group(1)}\t{value}\n", text, count=1)
    return text


def make_register(n: int, out_dir: Path, seed: int = 7) -> list[Path]:
    """N standards in 1-4 versions each; version v decided two years after version v-1 and
    valid until the day before the next one (the last until 2030)."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(n):
        text = make_standard(index, rng)
        count = rng.choice(VERSION_COUNTS)
        first = date(2016, 1, 4) + timedelta(days=index % 300)
        starts = [first + timedelta(days=730 * v) for v in range(count)]
        for v in range(count):
            if v:
                text = next_version(text, rng)
            until = starts[v + 1] - timedelta(days=1) if v + 1 < count else date(2030, 12, 31)
            path = out_dir / f"standard-{index + 1:04d}-v{v + 1}.txt"
            path.write_text(with_c1(text, v + 1, starts[v], until), encoding="utf-8")
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--versions", action="store_true",
                        help="a register: each standard in 1-4 versions with dates and changes")
    args = parser.parse_args()
    (make_register if args.versions else make_corpus)(args.n, args.out_dir, args.seed)


if __name__ == "__main__":
    main()
