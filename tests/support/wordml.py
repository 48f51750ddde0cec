"""Word documents written for tests and the benchmark: WordprocessingML bodies, lists and notes
saved with python-docx (a test extra), and the shipped standard's text turned into a DOCX the
way the register's originals are laid out (tabbed lines -> table cells, "N. " -> Word lists)."""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import docx  # python-docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'
NOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}s+xml"


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def para(text: str = "", num: tuple[int, int] | None = None, inner: str = "",
         style: str | None = None) -> str:
    """A paragraph; `num` = (numId, ilvl) numbers it the Word way; a "[bookmark: X]" tag in the
    text becomes a real bookmark there."""
    props = ""
    if style or num:
        props = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num:
            props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        props += "</w:pPr>"
    body = []
    for i, piece in enumerate(re.split(r"\[bookmark: ([^\]]*)\]", text)):
        if i % 2:
            body.append(f'<w:bookmarkStart w:id="{i}" w:name="{escape(piece)}"/>'
                        f'<w:bookmarkEnd w:id="{i}"/>')
        else:
            body.append(run(piece))
    return f"<w:p>{props}{''.join(body)}{inner}</w:p>"


def table(rows: list[list[str]]) -> str:
    """Rows of cells; each cell is WordprocessingML (paragraphs, tables) or plain text."""
    def cell(content: str) -> str:
        return f"<w:tc>{content if content.startswith('<') else para(content)}</w:tc>"
    return ("<w:tbl><w:tblPr/>"
            + "".join("<w:tr>" + "".join(cell(c) for c in row) + "</w:tr>" for row in rows)
            + "</w:tbl>")


class Numbering:
    """Lists appended to python-docx's numbering part (ids from 100, clear of its own)."""

    def __init__(self) -> None:
        self.abstract: list[str] = []
        self.nums: list[str] = []

    def define(self, levels: list[tuple[str, str]], restart_sublevels: bool = True) -> int:
        """A list definition: (numFmt, lvlText) per level. Returns its abstractNumId. Without
        `restart_sublevels` the deeper levels never restart (lvlRestart 0)."""
        aid = 100 + len(self.abstract)
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{escape(text)}"/>'
            + ("" if restart_sublevels or i == 0 else '<w:lvlRestart w:val="0"/>')
            + "</w:lvl>" for i, (fmt, text) in enumerate(levels))
        self.abstract.append(f'<w:abstractNum {NS} w:abstractNumId="{aid}">{lvls}</w:abstractNum>')
        return aid

    def instance(self, aid: int, start: int | None = None) -> int:
        """A list instance (numId); `start` restarts level 0 there (Word's "restart at")."""
        nid = 100 + len(self.nums)
        over = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                if start is not None else "")
        self.nums.append(f'<w:num {NS} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>'
                         f"{over}</w:num>")
        return nid


def write_docx(path: Path, body: list[str], numbering: Numbering | None = None,
               footnotes: dict[int, str] | None = None, endnotes: dict[int, str] | None = None,
               footer: str | None = None,
               header: str | None = None, comment_on_first: str | None = None,
               styles: list[str] = ()) -> Path:
    document = docx.Document()
    for xml in styles:
        document.styles.element.append(parse_xml(xml))
    sect = document.element.body[-1]
    for xml in body:
        sect.addprevious(parse_xml(xml.replace("<w:p>", f"<w:p {NS}>", 1)
                                   .replace("<w:tbl>", f"<w:tbl {NS}>", 1)))
    if numbering:
        part = document.part.numbering_part.element
        first_num = next(c for c in part if c.tag == f"{{{W}}}num")
        for xml in numbering.abstract:
            first_num.addprevious(parse_xml(xml))
        for xml in numbering.nums:
            part.append(parse_xml(xml))
    for kind, notes, rel in (("footnote", footnotes, RT.FOOTNOTES),
                             ("endnote", endnotes, RT.ENDNOTES)):
        if notes:
            xml = "".join(f'<w:{kind} w:id="{n}">{para(t)}</w:{kind}>' for n, t in notes.items())
            blob = f"<w:{kind}s {NS}>{xml}</w:{kind}s>".encode()
            part = Part(PackURI(f"/word/{kind}s.xml"), NOTES_CT.format(kind), blob,
                        document.part.package)
            document.part.relate_to(part, rel)
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if comment_on_first:
        first = document.paragraphs[0]
        document.add_comment(first.runs, text=comment_on_first, author="Test")
    document.save(path)
    return path


def docx_from_text(text: str) -> tuple[list[str], Numbering, dict[str, int]]:
    """The shipped standard as a Word document: a tab-indented line starts a table cell (a new
    row after a blank line), untabbed lines after it are more paragraphs of that cell, a blank
    line ends the row; "N. " starts a numbered paragraph (numPr; a list restarts where N does
    not continue it). Also returns the paragraph number of each line's first words."""
    numbering = Numbering()
    aid = numbering.define([("decimal", "%1.")])
    num, expected = None, None
    blocks: list[str] = []
    rows: list[list[list[str]]] | None = None
    row: list[list[str]] | None = None
    where: dict[str, int] = {}
    count = 0

    def paragraph(line: str) -> str:
        nonlocal num, expected, count
        count += 1
        where.setdefault(re.sub(r"\[bookmark: [^\]]*\]", "", line).strip(), count)
        match = re.match(r"(\d{1,2})\. (.*)$", line, re.S)
        if not match:
            return para(line)
        n = int(match.group(1))
        if num is None or n != expected:
            num = numbering.instance(aid, start=n)
        expected = n + 1
        return para(match.group(2), num=(num, 0))

    def flush() -> None:
        nonlocal rows
        if rows:
            blocks.append(table([["".join(cell) for cell in r] for r in rows]))
        rows = None

    for line in text.split("\n"):
        if line.startswith("\t"):
            if rows is None:
                rows = []
            if row is None:
                row = []
                rows.append(row)
            row.append([paragraph(line[1:])])
        elif not line.strip():
            if row is not None:
                row = None  # the row ends (the reader writes this blank line back)
            else:
                flush()
                count += 1
                blocks.append(para())
        elif row is not None:
            row[-1].append(paragraph(line))
        else:
            flush()
            blocks.append(paragraph(line))
    flush()
    return blocks, numbering, where


def text_to_docx(text: str, path: Path) -> Path:
    """A standard's text saved as a DOCX laid out like the register's originals."""
    blocks, numbering, _ = docx_from_text(text)
    return write_docx(path, blocks, numbering, footer="1", header="Kutsekoda")
