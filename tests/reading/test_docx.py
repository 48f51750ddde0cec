"""DOCX input: the register's Word originals read into the parser's lines (reading/docx.py).

Every DOCX here is written by the test itself with python-docx, its body as WordprocessingML:
the shipped standard rebuilt from its text (tab-indented lines -> table cells, "N." prefixes ->
Word numbering, bookmark tags -> bookmarks), the template's parts one by one, and bad input."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from support.reading import one_line
from support.wordml import NS, Numbering, docx_from_text, para, run, table, write_docx

from kutse_rdf.errors import InputError
from kutse_rdf.reading import docx as reader
from kutse_rdf.reading.parser import parse_file

SEED = Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt"


def paragraph_of(where: dict[str, int], start: str) -> int:
    return next(n for text, n in where.items() if text.startswith(start))


def without_positions(value):
    """The model's JSON with every line number (and the debris list) taken out."""
    if isinstance(value, dict):
        return {k: without_positions(v) for k, v in value.items()
                if k not in ("line", "assessment_line", "skipped") and not k.endswith("_lines")}
    if isinstance(value, list):
        return [without_positions(v) for v in value]
    return value


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    blocks, numbering, where = docx_from_text(SEED.read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("seed") / "it-juht-tase-7.docx"
    write_docx(path, blocks, numbering, footer="1", header="Kutsekoda")
    return path, where


def lines_of(path: Path) -> list[str]:
    text, _ = reader.read_docx(path.read_bytes(), str(path))
    return text.split("\n")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kutse_rdf", *args],
                          capture_output=True, text=True, timeout=120)


# --- the shipped standard as a DOCX ---------------------------------------------------------

def test_seed_rebuilt_as_docx_gives_the_same_model(seed_docx):
    path, _ = seed_docx
    from_text, from_docx = parse_file(SEED), parse_file(path)
    assert from_docx.source_file == "it-juht-tase-7.docx"
    a, b = from_text.to_json(), from_docx.to_json()
    a.pop("source_file"), b.pop("source_file")
    assert without_positions(b) == without_positions(a)
    # the parts the issue names, spelled out
    assert [c.code for c in from_docx.competences] == [f"B.3.{n}" for n in range(1, 20)]
    assert sum(len(c.indicators) for c in from_docx.competences) == 78
    assert [p.title for p in from_docx.partial_qualifications] == [
        p.title for p in from_text.partial_qualifications]
    assert len(from_docx.partial_qualifications) == 5
    assert {e for c in from_docx.competences for e in c.ecf} == {
        e for c in from_text.competences for e in c.ecf}
    assert [a.name for a in from_docx.authors][:2] == ["Peeter Normak", "Rando Sui"]
    assert from_docx.isco == ["1330"] and from_docx.eqf == 7
    assert from_docx.approved_by == from_text.approved_by
    assert from_docx.unaccounted == [] and from_docx.warnings == from_text.warnings == []
    # bookmarks are document structure, not debris text as in the extraction; the rest of
    # the debris (image names, logo texts, page numbers: text paragraphs here) is the same
    assert [s.text for s in from_docx.skipped] == [
        s.text for s in from_text.skipped if not s.text.startswith("[bookmark:")]
    assert len(from_docx.skipped) < len(from_text.skipped)


def test_seed_docx_positions_are_paragraph_numbers(seed_docx):
    path, where = seed_docx
    std = parse_file(path)
    b36 = std.competence("B.3.6")  # the heading with a bookmark inside it
    assert b36.title == "Jätkusuutlikkuse tagamine"
    assert b36.line == paragraph_of(where, "B.3.6. Jätkusuutlikkuse tagamine")
    assert b36.line != parse_file(SEED).competence("B.3.6").line  # not the text's line 214
    assert std.line == paragraph_of(where, "IT-juht, tase 7")
    first = std.competence("B.3.1").indicators[0]
    assert first.line == paragraph_of(where, "1. Osaleb juhtkonna töös")
    assert std.authors[0].line == paragraph_of(where, "Peeter Normak - Tallinna Ülikool")


def test_header_and_footer_are_left_out(seed_docx):
    path, _ = seed_docx
    lines = lines_of(path)
    assert "Kutsekoda" not in [ln.strip() for ln in lines]
    assert lines[:2] == [" KUTSESTANDARD", "IT-juht, tase 7"]


def test_parsing_the_seed_docx_costs_a_small_multiple_of_its_text(seed_docx):
    """The issue's target is <= 100 ms for the seed as a DOCX (README: 6.7 ms; its text
    2.8 ms). Here only the ratio, loosely: reading the DOCX adds a few text parses' worth."""
    path, _ = seed_docx
    parse_file(path), parse_file(SEED)
    docx_time = min(_timed(lambda: parse_file(path)) for _ in range(7))
    text_time = min(_timed(lambda: parse_file(SEED)) for _ in range(7))
    assert docx_time < 15 * text_time, (docx_time, text_time)


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


# --- the template's structure ---------------------------------------------------------------

def template_docx(path: Path, qualification_refs: str = "B.3.1.- B.3.2.") -> Path:
    """The template's parts: front-page tables, headings, an indicator list numbered by Word,
    the C.1 table (its field numbers from Word too), a bookmark inside a heading, a table
    nested in a cell."""
    numbering = Numbering()
    aid = numbering.define([("decimal", "%1.")])
    indicators, c1 = numbering.instance(aid, start=1), numbering.instance(aid, start=1)
    nested = table([["Märkus"], ["sisemine lahter"]])
    body = [
        para(" KUTSESTANDARD"), para("Veebiarendaja, tase 6"), para(),
        table([["Kutsenimetus", "Eesti kvalifikatsiooniraamistiku (EKR) tase"],
               ["Veebiarendaja, tase 6", "6"]]),
        para(),
        table([["Osakutse nimetus", "Eesti kvalifikatsiooniraamistiku (EKR) tase"],
               ["Esiotsa arendaja, tase 6", "6"]]),
        para("A-osa"), para("TÖÖ KIRJELDUS"),
        table([["A.1. Töö kirjeldus"], [para("Veebiarendaja loob veebilahendusi.") + nested]]),
        para("B-osa"), para("KOMPETENTSUSNÕUDED"),
        table([["B.1. Kutse struktuur"],
               ["Veebiarendaja, tase 6 kutse taotlemisel tuleb tõendada kohustuslikud "
                "kompetentsid " + qualification_refs],
               ["Esiotsa arendaja, tase 6 osakutse taotlemisel tuleb tõendada kohustuslik "
                "kompetents B.3.1. Kasutajaliidese loomine"]]),
        para("B.3. Kompetentsid"), para("KOHUSTUSLIKUD KOMPETENTSID"),
        table([[para("[bookmark: _Hlk1]B.3.1. Kasutajaliidese loomine (e-CF kompetents A.6)")
                + para("EKR tase 6")],
               [para("Tegevusnäitajad")
                + para("Loob kasutajaliidese.", num=(indicators, 0))
                + para("Testib kasutajaliidest.", num=(indicators, 0))]]),
        table([[para("B.3.2. Serveripoole arendus (e-CF kompetents B.1)") + para("EKR tase 6")],
               [para("Tegevusnäitajad") + para("Kirjutab serveri koodi.")]]),
        para("C-osa"), para("ÜLDTEAVE JA LISAD"),
        table([["C.1. Teave kutsestandardi koostamise ja kinnitamise kohta"],
               [para("Kutsestandardi koostajad", num=(c1, 0))],
               ["Mari Maasikas - Näidis OÜ"],
               [para("Kutsestandardi kinnitaja", num=(c1, 0))],
               ["Näidiskutsenõukogu"]]),
    ]
    return write_docx(path, body, numbering)


def test_template_structure(tmp_path):
    path = template_docx(tmp_path / "veebiarendaja.docx")
    std = parse_file(path)
    assert std.title == "Veebiarendaja, tase 6" and std.level == 6
    assert [(p.title, p.level) for p in std.partial_qualifications] == [
        ("Esiotsa arendaja, tase 6", 6)]
    assert [r.code for r in std.partial_qualifications[0].competences] == ["B.3.1"]
    assert [r.code for r in std.qualification_competences] == ["B.3.1", "B.3.2"]
    comp = std.competence("B.3.1")
    assert comp.title == "Kasutajaliidese loomine" and comp.ecf == ["A.6"] and comp.level == 6
    assert [i.text for i in comp.indicators] == ["Loob kasutajaliidese.",
                                                 "Testib kasutajaliidest."]
    assert [(a.name, a.organisation) for a in std.authors] == [("Mari Maasikas", "Näidis OÜ")]
    assert std.approved_by == "Näidiskutsenõukogu"
    a1 = next(s for s in std.sections if s.code == "A.1")
    assert [p.text for p in a1.paragraphs] == ["Veebiarendaja loob veebilahendusi.", "Märkus",
                                               "sisemine lahter"]
    lines = lines_of(path)
    # the nested table stands inside its cell, after the cell's first paragraph
    at = lines.index("\tVeebiarendaja loob veebilahendusi.")
    assert lines[at + 1:at + 6] == ["\tMärkus", "", "\tsisemine lahter", "", ""]
    assert "\t1. Kutsestandardi koostajad" in lines and "\t2. Kutsestandardi kinnitaja" in lines
    # positions: the paragraph count runs through cells and nested tables (counted by hand:
    # 3 before the first table, 4 + 1 + 4 + 2 + 2 (A.1's cells) + 2 nested + 2 + 3 (B.1) + 2)
    assert comp.line == 26 and comp.indicators[0].line == 29


def test_list_numbering_formats_levels_and_restarts(tmp_path):
    numbering = Numbering()
    decimal = numbering.define([("decimal", "%1."), ("lowerLetter", "%2)"),
                                ("lowerRoman", "%1.%2.%3.")])
    letters = numbering.define([("upperLetter", "%1."), ("bullet", "\uf0b7")])
    legal = numbering.define([("upperRoman", "%1."), ("decimal", "%1.%2.")])
    first, again = numbering.instance(decimal), numbering.instance(decimal)
    restart = numbering.instance(decimal, start=1)
    upper, roman = numbering.instance(letters), numbering.instance(legal, start=3)
    steady = numbering.instance(numbering.define([("decimal", "%1."), ("decimal", "%1.%2.")],
                                                 restart_sublevels=False))
    body = [
        para("one", num=(first, 0)), para("sub a", num=(first, 1)),
        para("sub b", num=(first, 1)), para("deep", num=(first, 2)),
        para("two", num=(first, 0)), para("sub a again", num=(first, 1)),
        para("plain text between"),
        para("three: another instance continues the list", num=(again, 0)),
        para("one: restarted", num=(restart, 0)),
        para("A item", num=(upper, 0)), para("bullet", num=(upper, 1)),
        para("B item", num=(upper, 0)),
        para("roman three", num=(roman, 0)), para("roman sub", num=(roman, 1)),
        para("not numbered", num=(0, 0)),
        para("c1", num=(steady, 0)), para("c1.1", num=(steady, 1)), para("c2", num=(steady, 0)),
        para("c2.2: level 2 goes on", num=(steady, 1)),
        para("numbered by its style", style="KsHeading2"),
        para("by its style again", style="KsHeading2"),
    ]
    heading = numbering.instance(numbering.define([("decimal", "%1."), ("decimal", "B.%1.%2")]))
    styles = [f'<w:style {NS} w:type="paragraph" w:styleId="KsHeading1"><w:name w:val="Ks 1"/>'
              f'<w:pPr><w:numPr><w:numId w:val="{heading}"/></w:numPr></w:pPr></w:style>',
              f'<w:style {NS} w:type="paragraph" w:styleId="KsHeading2"><w:name w:val="Ks 2"/>'
              '<w:basedOn w:val="KsHeading1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr>'
              '</w:pPr></w:style>']
    path = write_docx(tmp_path / "lists.docx", body, numbering, styles=styles)
    assert lines_of(path) == [
        "1. one", "a) sub a", "b) sub b", "1.b.i. deep", "2. two", "a) sub a again",
        "plain text between", "3. three: another instance continues the list",
        "1. one: restarted", "A. A item", "• bullet", "B. B item", "III. roman three",
        "III.1. roman sub", "not numbered", "1. c1", "1.1. c1.1", "2. c2",
        "2.2. c2.2: level 2 goes on", "B.1.1 numbered by its style",
        "B.1.2 by its style again"]


def test_footnotes_text_boxes_tracked_changes_and_comments(tmp_path):
    textbox = (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-'
        'compatibility/2006"><mc:Choice Requires="wps"><w:drawing><wp:anchor xmlns:wp="http://'
        'schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><a:graphic xmlns:a="'
        'http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><wps:wsp xmlns:wps'
        '="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:txbx>'
        f'<w:txbxContent>{para("in the box")}</w:txbxContent></wps:txbx></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
        f'<v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        f'{para("in the box")}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>')
    tracked = ('<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">'
               '<w:r><w:t xml:space="preserve">kept </w:t></w:r></w:ins>'
               '<w:del w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
               '<w:delText>dropped </w:delText></w:r></w:del>')
    body = [
        para("commented paragraph"),
        para("cited", inner='<w:r><w:footnoteReference w:id="1"/></w:r>'),
        para("after the note", inner='<w:r><w:endnoteReference w:id="2"/></w:r>'),
        para("anchor", inner=textbox),
        para("change: ", inner=tracked + run("end")),
        para("field ", inner='<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                             ' PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"'
                             '/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"'
                             '/></w:r>'),
        para("line", inner='<w:r><w:br/><w:t>break</w:t></w:r>'),
        '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z"/>'
        f'</w:rPr></w:pPr>{run("joined ")}</w:p>',
        para("with the next"),
    ]
    body.append(f'<w:tbl><w:tr><w:tc>{para("kept row")}</w:tc></w:tr><w:tr><w:trPr><w:del '
                'w:id="4" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:trPr><w:tc>'
                f'{para("deleted row")}</w:tc></w:tr></w:tbl>')
    path = write_docx(tmp_path / "parts.docx", body, footnotes={1: "the footnote"},
                      endnotes={2: "the endnote"},
                      comment_on_first="a reviewer's comment")
    text, paragraphs = reader.read_docx(path.read_bytes(), str(path))
    assert text.split("\n") == [
        "commented paragraph", "cited", "the footnote", "after the note", "the endnote", "anchor",
        "in the box", "change: kept end", "field 7", "line", "break", "joined with the next",
        "\tkept row", ""]
    # the footnote carries its citing paragraph's number; the box's paragraph has its own; a
    # paragraph whose mark is deleted joins the next one and keeps its own number
    assert paragraphs == [1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 8, 9, 11, 11]
    assert "reviewer" not in text


# --- inputs: by bytes, folders, refusals ----------------------------------------------------

def test_recognised_by_bytes_not_name(seed_docx, tmp_path):
    path, _ = seed_docx
    misnamed = tmp_path / "standard.txt"
    misnamed.write_bytes(path.read_bytes())
    assert parse_file(misnamed).competence("B.3.6").line == parse_file(path).competence(
        "B.3.6").line
    text_named_docx = tmp_path / "text.docx"
    text_named_docx.write_bytes(SEED.read_bytes())
    assert parse_file(text_named_docx).competence("B.3.6").line == 214


def test_folder_of_docx_and_txt(seed_docx, tmp_path):
    path, _ = seed_docx
    (tmp_path / "a.docx").write_bytes(path.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "~$a.docx").write_bytes(b"lock file of Word")
    proc = cli("parse", str(tmp_path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["source_file"] for d in data] == ["a.docx", "b.txt"]
    assert without_positions(data[0]["competences"]) == without_positions(
        data[1]["competences"])


def test_warnings_and_errors_point_to_paragraphs(tmp_path):
    body = [para(" KUTSESTANDARD"), para("Proov, tase 4"), para("B-osa"),
            para("KOMPETENTSUSNÕUDED"), para("B.3.1. Üks (e-CF kompetents A.1)"),
            para("EKR tase 4"), para("C-osa")]
    path = write_docx(tmp_path / "proov.docx", body)
    proc = cli("parse", str(path))
    assert proc.returncode == 0, proc.stderr
    assert f"{path}:¶5: warning: competence B.3.1 has no performance indicators" in proc.stderr
    short = write_docx(tmp_path / "short.docx", [para(" KUTSESTANDARD"), para("Proov, tase 4"),
                                                 para("Töö kirjeldus puudub")])
    proc = cli("parse", str(short))
    assert proc.returncode == 1
    assert one_line(proc).startswith(f"kutse-rdf: {short}:¶3: part B")


@pytest.mark.parametrize("name, data, said", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old binary Word file"),
    ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF file"),
    ("rich.rtf", b"{\\rtf1\\ansi Kutsestandard}", "an RTF file"),
])
def test_other_formats_are_refused_with_the_conversion(tmp_path, name, data, said):
    path = tmp_path / name
    path.write_bytes(data)
    proc = cli("parse", str(path))
    assert proc.returncode == 2
    line = one_line(proc)
    assert said in line and "libreoffice --headless" in line and "--convert-to docx" in line


def test_odt_is_refused_with_the_conversion(tmp_path):
    path = tmp_path / "standard.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    proc = cli("parse", str(path))
    assert proc.returncode == 2
    line = one_line(proc)
    assert "OpenDocument file (text)" in line and "libreoffice --headless --convert-to docx" in line


# --- bad DOCX input -------------------------------------------------------------------------

def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


CONTENT_TYPES = b'<?xml version="1.0" encoding="UTF-8"?><Types/>'


def document(body: str, prolog: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             ) -> bytes:
    return f'{prolog}<w:document {NS}><w:body>{body}</w:body></w:document>'.encode()


def refused(path: Path, match: str) -> str:
    with pytest.raises(InputError, match=match) as exc:
        parse_file(path)
    assert exc.value.exit_code == 2 and "\n" not in str(exc.value)
    return str(exc.value)


def test_zip_that_is_not_a_docx(tmp_path):
    refused(zip_with(tmp_path / "photos.docx", {"a.jpg": b"\xff\xd8"}),
            "a ZIP archive that is not a DOCX")
    refused(zip_with(tmp_path / "sheet.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                               "xl/workbook.xml": b"<workbook/>"}),
            "Office file that is not a Word document")


def test_docx_without_document_xml(tmp_path):
    refused(zip_with(tmp_path / "broken.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                                "word/styles.xml": b"<w:styles/>"}),
            "DOCX without word/document.xml")


def test_damaged_zip(tmp_path):
    path = tmp_path / "cut.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x14\x00" * 50)
    refused(path, "damaged ZIP archive")


def test_zip_bomb_is_refused_by_its_inflated_size(tmp_path):
    bomb = zip_with(tmp_path / "bomb.docx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": document(para("x")) + b" " * (reader.MAX_PART_BYTES + 10)})
    assert bomb.stat().st_size < 100_000
    refused(bomb, r"word/document.xml inflates past 16 MB")


def test_zip_bomb_with_a_lying_header_is_counted_while_inflating(tmp_path):
    """The header claims 100 bytes; the member inflates to 20 MB. Reading stops at the
    claim's end or at the limit, never at the real size."""
    path = zip_with(tmp_path / "liar.docx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": document(para("x")) + b" " * (20 * 1024 * 1024)})
    data = bytearray(path.read_bytes())
    real = (20 * 1024 * 1024 + len(document(para("x")))).to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    assert data.count(real) == 2  # the local header and the central directory's entry
    path.write_bytes(bytes(data).replace(real, small))
    refused(path, "word/document.xml")


@pytest.mark.parametrize("prolog, said", [
    ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
     "declares a DOCTYPE"),
    ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
     '&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
     '&lol2;&lol2;&lol2;&lol2;">]>', "declares a DOCTYPE"),
    ('<?xml version="1.0" encoding="UTF-16"?>', "not UTF-8 XML"),
])
def test_entities_and_doctypes_are_refused(tmp_path, prolog, said):
    body = para("&xxe;") if "xxe" in prolog else para("&lol3;")
    data = document(body, prolog)
    path = zip_with(tmp_path / "entities.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                                 "word/document.xml": data})
    message = refused(path, said)
    assert "root:" not in message


def test_utf16_document_cannot_hide_a_doctype(tmp_path):
    data = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]>'
            f'<w:document {NS}><w:body><w:p/></w:body></w:document>').encode("utf-16")
    path = zip_with(tmp_path / "utf16.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                              "word/document.xml": data})
    refused(path, "not UTF-8 XML")


def test_strict_open_xml_is_named(tmp_path):
    strict = '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body/>'
    path = zip_with(tmp_path / "strict.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                               "word/document.xml": strict.encode()
                                               + b"</w:document>"})
    refused(path, "Strict Open XML")


def test_tables_nested_thousands_deep(tmp_path):
    deep = "<w:tbl><w:tr><w:tc>" * 5000 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 5000
    path = zip_with(tmp_path / "deep.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                             "word/document.xml": document(deep)})
    refused(path, "nests tables or content controls hundreds deep")


def test_all_parts_together_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", 3000)
    path = zip_with(tmp_path / "parts.docx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": document(para("x" * 2000)),
        "word/numbering.xml": f'<w:numbering {NS}>{" " * 2000}</w:numbering>'.encode()})
    refused(path, r"the XML parts read inflate past 0 MB in all \(at word/numbering.xml\)")


def test_malformed_xml(tmp_path):
    path = zip_with(tmp_path / "malformed.docx", {
        "[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document><w:body>"})
    refused(path, "not well-formed XML")


def test_fifty_megabyte_docx_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.docx"
    with path.open("wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    message = refused(path, r"file too large \(50\.0 MB; a standard's DOCX is at most 20 MB\)")
    assert message.startswith(str(path))


def test_fifty_megabytes_of_text_inside_a_small_docx(tmp_path):
    """A document of 50 MB of text, deflated to little: refused by the inflating limit, in
    bounded time and memory."""
    line = para("Tegevusnäitaja " * 20)
    path = zip_with(tmp_path / "long.docx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": document(line * (50 * 1024 * 1024 // len(line)))})
    proc = cli("parse", str(path))
    assert proc.returncode == 2
    assert "inflates past 16 MB" in one_line(proc)


def test_docx_text_past_the_text_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_TEXT_CHARS", 1000)
    path = zip_with(tmp_path / "wordy.docx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": document(para("sõna " * 300))})
    refused(path, "document too large")


def test_encrypted_member(tmp_path):
    path = zip_with(tmp_path / "locked.docx", {"[Content_Types].xml": CONTENT_TYPES,
                                               "word/document.xml": document(para("x"))})
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag bit of the member in the local header and central directory
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            flag_at = at + (6 if sig == b"PK\x03\x04" else 8)
            data[flag_at] |= 1
            start = at + 4
    path.write_bytes(bytes(data))
    refused(path, "encrypted")


def test_cli_bad_docx_exit_two_one_line(tmp_path):
    path = zip_with(tmp_path / "photos.docx", {"a.jpg": b"\xff\xd8"})
    proc = cli("parse", str(path))
    assert proc.returncode == 2
    assert one_line(proc) == (f"kutse-rdf: {path}: a ZIP archive that is not a DOCX "
                              "(no word/document.xml)")


def test_shacl_messages_and_site_point_to_paragraphs(tmp_path):
    path = template_docx(tmp_path / "veebiarendaja.docx", "B.3.1.- B.3.3.")
    proc = cli("validate", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1  # B.1 requires B.3.3, which the document does not define
    assert re.search(r"veebiarendaja\.docx:¶22: violation: .*B\.3\.3", proc.stdout), proc.stdout
    proc = cli("build", str(template_docx(tmp_path / "ok.docx")), "--out", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    # the version's page (the version-independent IRI's page redirects there)
    page = next((tmp_path / "b" / "site").glob("standard/*/version/draft/competence/B.3.1/index.html")
                ).read_text(encoding="utf-8")
    assert "ok.docx, ¶26" in page


def test_validate_and_query_accept_docx(seed_docx, tmp_path):
    path, _ = seed_docx
    proc = cli("validate", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    proc = cli("query", "competences-by-partial", str(path), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "Infoturbejuht, tase 7" in proc.stdout and "B.3.18" in proc.stdout
    other = template_docx(tmp_path / "veebiarendaja.docx")
    proc = cli("query", "compare-standards", str(path), str(other), "--param",
               "a=it-juht-tase-7.docx", "--param", "b=veebiarendaja.docx", "--format", "csv")
    assert proc.returncode == 0, proc.stderr  # standards named by their DOCX file names
    assert "A.6" in proc.stdout and "A.1" in proc.stdout
