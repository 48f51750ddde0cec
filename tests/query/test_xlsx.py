"""`kutse-rdf query --format xlsx`: an Office Open XML workbook with the columns of excel-csv,
read back with openpyxl. The writer (query/xlsx.py) on its own: cell types, the bold and frozen
header, Estonian letters, characters XML cannot carry, Excel's limits refused rather than cut.
The command on the seed standard and the fixtures: the same table as excel-csv, numbers as
numbers, the competence group's label from the ontology, no workbook to a terminal."""
from __future__ import annotations

import csv
import io
import os
import pty
import re
import select
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

import kutse_rdf.query as q
from kutse_rdf.cli import main
from kutse_rdf.query import xlsx

openpyxl = pytest.importorskip("openpyxl", reason="the test extra's openpyxl reads the "
                                                  "workbooks back (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "standards").glob("*.txt"))
IT = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft"


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def unescape(text: str) -> str:
    """ECMA-376's `_xHHHH_` (UTF-16 code units) back to characters, as Excel reads them."""
    units = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)
    return units.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")


# -- the writer ----------------------------------------------------------------------------------


def test_cells_header_and_types():
    columns = ["kood", "pealkiri", "tase", "protsent", "kehtiv", "tühi"]
    rows = [["B.3.1", "Infosüsteemi ja äristrateegia kooskõlastamine", 7, 54.5, True, None],
            ["B.3.10", "Šoti žürii ÕÄÖÜ õäöü", -3, 0.1, False, ""]]
    data = xlsx.workbook(columns, rows, "competence-table")
    ws = sheet(data)
    assert ws.title == "competence-table"
    assert ws.freeze_panes == "A2"  # the header stays in view
    assert [c.font.b for c in ws[1]] == [True] * 6 and not ws["A2"].font.b
    assert values(ws) == [columns, *rows[:1], ["B.3.10", "Šoti žürii ÕÄÖÜ õäöü", -3, 0.1,
                                              False, None]]
    assert ws["C2"].data_type == "n" and ws["D2"].data_type == "n" and ws["E2"].data_type == "b"
    assert ws["A2"].data_type == "s"
    # the same table, the same bytes (no timestamps)
    assert xlsx.workbook(columns, rows, "competence-table") == data


def test_every_part_is_well_formed_xml_in_utf8():
    data = xlsx.workbook(["a"], [["õ < & > \" '"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "[Content_Types].xml" in names and "xl/worksheets/sheet1.xml" in names
        for name in names:
            ElementTree.fromstring(archive.read(name))
        assert "õ &lt; &amp; &gt;".encode("utf-8") in archive.read("xl/worksheets/sheet1.xml")
    assert sheet(data)["A2"].value == "õ < & > \" '"


def test_characters_xml_cannot_carry_are_escaped_not_dropped():
    texts = ["a\x01b\x1fc", "tab\tand\nnewline", "_x0041_ stays text", "\ufffe\uffff",
             "  leading and trailing  ", "emoji 😀 \ud800 lone"]
    ws = sheet(xlsx.workbook(["text"], [[t] for t in texts]))
    read = [row[0] for row in values(ws)[1:]]
    # openpyxl gives the escapes as written; Excel reads them back as the characters
    assert read[0] == "a_x0001_b_x001F_c"
    assert [unescape(t) for t in read] == texts


def test_numbers_that_a_double_cannot_hold_stay_text():
    ws = sheet(xlsx.workbook(["n"], [[123456789012345], [1234567890123456],
                                     [float("nan")], [float("inf")]]))
    cells = [row[0] for row in values(ws)[1:]]
    assert cells == [123456789012345, "1234567890123456", "nan", "inf"]


def test_typed_values_from_sparql_tsv():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert q.tables.typed_value("7", "7") == 7
    assert q.tables.typed_value("54.5", "54.5") == 54.5
    assert q.tables.typed_value(f'"1500"^^<{xsd}double>', "1500") == 1500.0
    assert q.tables.typed_value(f'"3"^^<{xsd}int>', "3") == 3
    assert q.tables.typed_value("true", "true") is True
    assert q.tables.typed_value(f'"NaN"^^<{xsd}double>', "NaN") == "NaN"
    assert q.tables.typed_value('"7"', "7") == "7"  # a string of digits stays a string
    assert q.tables.typed_value(f'"2024-05-01"^^<{xsd}date>', "2024-05-01") == "2024-05-01"
    assert q.tables.typed_value("0.12345678901234567", "0.12345678901234567") == \
        "0.12345678901234567"  # more digits than a double holds: text, not rounded


def test_what_a_worksheet_cannot_hold_is_refused():
    assert sheet(xlsx.workbook(["a"], [["x" * xlsx.MAX_CELL]]))["A2"].value == "x" * 32_767
    with pytest.raises(xlsx.TooLarge, match=r"cell A3 \(a\) has 32,768 characters"):
        xlsx.workbook(["a"], [["x"], ["x" * 32_768]])
    with pytest.raises(xlsx.TooLarge, match="1,048,576 rows"):
        xlsx.workbook(["a"], [[]] * 1_048_576)
    with pytest.raises(xlsx.TooLarge, match="16385 columns"):
        xlsx.workbook([f"c{i}" for i in range(16_385)], [])


def test_column_and_sheet_names():
    assert [xlsx.column_name(i) for i in (0, 25, 26, 701, 702, 16_383)] == \
        ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert xlsx.sheet_name("a/b:c*d?[e]") == "a_b_c_d__e_"
    assert len(xlsx.sheet_name("x" * 40)) == 31 and xlsx.sheet_name("") == "answer"


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dump(pipeline_dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "all.trig"
    dataset = pipeline_dataset([SEED] + FIXTURES)
    path.write_bytes(dataset.serialize(format="trig", encoding="utf-8"))
    return path


def run(capsysbinary, *argv) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def test_the_competence_table_as_a_workbook(dump, capsysbinary):
    args = ["query", "competence-table", "--data", str(dump), "--param", "standard=it-juht-tase-7"]
    code, data, err = run(capsysbinary, *args, "--format", "xlsx")
    assert code == 0, err
    ws = sheet(data)
    assert ws.title == "competence-table" and ws.freeze_panes == "A2"
    table = values(ws)
    code, text, _ = run(capsysbinary, *args, "--format", "excel-csv")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    # excel-csv's columns and cells, the numbers as numbers
    assert table[0] == rows[0] and len(table) == len(rows) == 20  # 19 competences (B.3)
    assert [["" if c is None else str(c) for c in row] for row in table] == rows
    first = dict(zip(table[0], table[1]))
    assert first["notation"] == "B.3.1"
    assert first["competenceLabel"] == "Infosüsteemi ja äristrateegia kooskõlastamine"
    assert first["standardLabel"] == "IT-juht, tase 7"
    assert first["level"] == 7 and first["indicators"] == 5  # B.3.1 has 5 indicators
    assert ws.cell(2, table[0].index("indicators") + 1).data_type == "n"
    assert first["ecfCodes"] == "A.1"
    b35 = next(dict(zip(table[0], r)) for r in table if r[3] == "B.3.5")
    assert b35["ecfCodes"] == "A.7, A.9"  # a list stays text, in natural order
    # the group's label is the ontology's rdfs:label of kutse:mandatory, not its CURIE
    assert first["group"] == "https://w3id.org/kutse-rdf/ontology#mandatory"
    assert first["groupLabel"] == "kohustuslik"
    code, data, _ = run(capsysbinary, *args, "--format", "xlsx", "--lang", "en")
    english = values(sheet(data))
    assert dict(zip(english[0], english[1]))["groupLabel"] == "mandatory"


def test_percentages_are_numbers(dump, capsysbinary):
    code, data, err = run(capsysbinary, "query", "ecf-area-coverage", "--data", str(dump),
                          "--format", "xlsx", "--param", "standard=it-juht-tase-7")
    assert code == 0, err
    table = values(sheet(data))
    rows = [dict(zip(table[0], r)) for r in table[1:]]
    whole = {r["areaNotation"]: r for r in rows if r["kind"] == "qualification"}
    # docs/analysts.md: Enable 6 of 11 (54.5 %), Build 0 of 6
    assert (whole["D"]["covered"], whole["D"]["total"], whole["D"]["percent"]) == (6, 11, 54.5)
    assert whole["B"]["percent"] == 0


def test_ask_and_construct(dump, capsysbinary):
    code, data, _ = run(capsysbinary, "query", "-e", "ASK { ?s a kutse:OccupationalStandard }",
                        "--data", str(dump), "--format", "xlsx")
    assert code == 0 and values(sheet(data)) == [["boolean"], [True]]
    assert sheet(data).title == "answer"
    code, data, err = run(capsysbinary, "query", "-e", "CONSTRUCT WHERE { ?s a kutse:Competence }",
                          "--data", str(dump), "--format", "xlsx")
    assert code == 2 and data == b""
    assert err.count("\n") == 1 and "--format xlsx is for SELECT and ASK answers" in err


def test_no_workbook_to_a_terminal(tmp_path):
    """A binary workbook on a terminal is refused in one line, exit 2, before the query runs."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.run(
        [sys.executable, "-m", "kutse_rdf.cli", "query", "competence-table", "--data",
         str(tmp_path / "missing.trig"), "--format", "xlsx"],
        stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
        cwd=tmp_path, timeout=120)
    os.close(follower)
    shown = b""
    try:
        if select.select([leader], [], [], 1)[0]:
            shown = os.read(leader, 4096)
    except OSError:  # no writer left and nothing written: Linux's pty says EIO
        pass
    os.close(leader)
    err = process.stderr.decode("utf-8")
    assert process.returncode == 2 and shown == b""
    assert err == ("kutse-rdf: --format xlsx writes a binary workbook: redirect it to a file "
                   "(kutse-rdf query … --format xlsx > answer.xlsx)\n")
