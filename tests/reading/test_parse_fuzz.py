"""Fuzzing `parse` with mutations of the seed standard (hypothesis, derandomised: the same
examples on every run). Whatever the mutation: no exception, an exit code in {0, 1, 2}, at most
one line on stderr per finding and never a traceback, every non-blank line in the model,
`skipped` or `unaccounted` (and the words of the lines taken as content in the model), and a
deadline per example."""
from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kutse_rdf.cli import main
from kutse_rdf.reading.source import decode
from support.reading import round_trip_problems

SEED = (Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt").read_bytes()
SEED_LINES = SEED.split(b"\n")

# Lines that steer the parser: part markers, headings of every kind, table headers, C.1 labels,
# B.1 statements, debris, list markers, and lines made to trip regexes.
TRICKY = [line.encode() for line in [
    "KUTSESTANDARD", "A-osa", "TÖÖ KIRJELDUS", "B-osa", "KOMPETENTSUSNÕUDED", "C-osa",
    "ÜLDTEAVE JA LISAD", "\tA.1. Töö kirjeldus", "\tA.2. Tööosad", "\tA.2.1. Osa (e-CF A.1)",
    "Spetsialiseerumisega seotud tööosad", "\tB.1. Kutse struktuur", "\tB.2. Üldoskused",
    "\tB.3. Kompetentsid", "\tB.3.1. Uus kompetents (e-CF kompetents A.1 ja A.9)",
    "\tB.3.7 EKR tase 9", "B.3.", "KOHUSTUSLIKUD KOMPETENTSID", "VALITAVAD KOMPETENTSID",
    "SPETSIALISEERUMISEGA SEOTUD KOMPETENTSID", "KUTSET LÄBIV KOMPETENTS", "\tTegevusnäitajad",
    "Teadmised: ohutus", "Teadmised", "Hindamismeetod(id): vaatlus", "EKR tase 7", "tase 5",
    "Kvalifikatsiooninõuded kutse taotlemisel", "\tC.1. Teave", "\t1. Kutsestandardi tähis",
    "\t2. Kutsestandardi koostajad", "Nimi (Asutus (Osakond)", "Nimi - Asutus; Teine – Org",
    "\t5. Kutsenõukogu otsuse kuupäev", "31.02.2024", "\t9. Viide EQF", "\t8. ISCO 08",
    "ISCO-08: 2512 Tarkvaraarendajad", "\tC.2. Kutse nimetus võõrkeeles", "Inglise keeles X",
    "\tC.3. Lisad", "Kutsenimetus", "Osakutse nimetus", "Eesti kvalifikatsiooniraamistiku tase",
    "Spetsialiseerumine", "Nimetus kutsetunnistusel", "7", "12",
    "X osakutse taotlemisel tuleb tõendada kompetentsid B.3.1–B.3.99 ja üldoskused B.2.",
    "Spetsialiseerumise „X“ taotlemisel tuleb lisaks tõendada kompetents B.3.1.- B.9.4.",
    "kutse taotlemisel valitavatest B.3.2, B.3.3;", "[bookmark: _Hlk1]", "image3.png",
    "43 Kutsekoda", "Mõtlemisoskused", "1. üks", "1) üks", "- täpp", "• täpp",
    "Täidab kutseregistri töötaja", "(" * 300 + "e-CF " * 50, "B.3.1 " * 200,
    "tase " * 100 + "EKR", " \u200b\u00ad\ufeff ", "\r", "\x0c",
]]

# Lines where the parser changes state (headings, C.1 labels, skill groups, table headers):
# mutations next to them reach the paths that random positions rarely do.
ANCHORS = [i for i, line in enumerate(SEED_LINES)
           if re.match(rb"\t?(?:[ABC]\.\d\.? |B\.3\.1\. |B\.3\.19\. |\d\. (?:Kutse|Viide)"
                       rb"|[A-Z\xc3][^ ]*oskused|Kutsenimetus|Osakutse)", line)]
LINE = st.integers(min_value=0, max_value=len(SEED_LINES) + 20)
NEAR = st.builds(lambda anchor, step: ANCHORS[anchor % len(ANCHORS)] + step,
                 st.integers(0, len(ANCHORS) - 1), st.integers(-1, 2))
WORD = st.text(alphabet="AÕŠabcõäöüšž ()-;:.,0123456789", min_size=1, max_size=20)
MUTATION = st.one_of(
    st.tuples(st.just("insert"), NEAR, st.sampled_from(TRICKY)),
    st.tuples(st.just("text"), NEAR, WORD),
    st.tuples(st.just("edit"), NEAR, WORD),
    st.tuples(st.just("duplicate"), NEAR, st.integers(1, 4)),
    st.tuples(st.just("delete"), LINE, st.integers(1, 30)),
    st.tuples(st.just("duplicate"), LINE, st.integers(1, 30)),
    st.tuples(st.just("move"), LINE, LINE),
    st.tuples(st.just("insert"), LINE, st.sampled_from(TRICKY)),
    st.tuples(st.just("text"), LINE, st.text(max_size=60)),
    st.tuples(st.just("bytes"), LINE, st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("join"), LINE, st.integers(1, 5)),
    st.tuples(st.just("repeat"), LINE, st.integers(2, 400)),
    st.tuples(st.just("cut"), LINE, st.just(0)),
)


def mutate(mutations: list[tuple]) -> bytes:
    lines = list(SEED_LINES)
    for kind, at, arg in mutations:
        i = at % (len(lines) + 1)
        if kind == "delete":
            del lines[i:i + arg]
        elif kind == "duplicate":
            lines[i:i] = lines[i:i + arg]
        elif kind == "move" and i < len(lines):
            line = lines.pop(i)
            lines.insert(arg % (len(lines) + 1), line)
        elif kind == "insert":
            lines.insert(i, arg)
        elif kind == "text":
            lines.insert(i, arg.encode("utf-8", "surrogatepass"))
        elif kind == "edit" and i < len(lines):
            lines[i] = lines[i] + b" " + arg.encode()
        elif kind == "bytes" and i < len(lines):
            line = lines[i]
            cut = len(line) // 2
            lines[i] = line[:cut] + arg + line[cut:]
        elif kind == "join" and i < len(lines):
            lines[i:i + arg] = [b" ".join(lines[i:i + arg])]
        elif kind == "repeat" and i < len(lines):
            lines[i:i + 1] = [lines[i]] * arg
        elif kind == "cut":
            del lines[max(i, 1):]
    return b"\n".join(lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(derandomize=True, database=None, max_examples=150, deadline=timedelta(seconds=5),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(MUTATION, min_size=1, max_size=6))
# a competence heading whose "EKR tase N" tail is its level (found by a run under load, when
# the examples drawn differ)
@example([("insert", 112, b"\tB.3.7 EKR tase 9")])
def test_parse_survives_mutations_of_the_seed(folder, mutations):
    data = mutate(mutations)
    path = folder / "mutated.txt"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["parse", str(path), "--format", "json"])
    assert code in (0, 1, 2), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
    if code == 0:
        assert out.getvalue().startswith("{")
        text = decode(data, str(path))
        assert round_trip_problems(text, path.name) == []
    else:  # refused: one line naming the file
        assert err.getvalue().startswith(f"kutse-rdf: {path}")
        assert len(err.getvalue().splitlines()) == 1, err.getvalue()
