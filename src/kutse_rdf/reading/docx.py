"""Reading a Word document (DOCX) into the line stream the parser reads from a text extraction.

The stream is what Apache Tika's text of a kutsestandard looks like, without its debris:
paragraphs in document order, one line each (a line break inside a paragraph starts a new line);
a table row's cells one after another, each cell's first line tab-indented, a blank line after
each row; nested tables where they stand in their cell; list numbers as Word shows them
("1.", "a)", "2.1."), computed from numbering.xml; footnotes and text boxes after the paragraph
that holds them; tracked changes as accepted (insertions kept, deletions dropped); headers,
footers, comments, bookmarks, field codes and images left out.

Positions: every paragraph of the body (table cells and text boxes included, in document order)
has a number N counted from 1, shown as `FILE.docx:¶N`; each line of the stream records the
paragraph it came from (a footnote's lines: the paragraph that refers to it).

Only the standard library reads the file: `zipfile` for the package, the C ElementTree parser
for the XML. Untrusted input is bounded before it is parsed: the file's size, each member's
inflated size (the header's claim checked, and the bytes counted while inflating) and the
total; an XML part
with a DOCTYPE (the only place entities can be declared: external entities, billion laughs) or
in an encoding other than UTF-8 is refused without parsing it.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from xml.etree import ElementTree as ET

from kutse_rdf.errors import InputError

# A register's DOCX (text, two logos) is 0.1-3 MB; its document.xml 0.3-3 MB inflated.
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # one XML part, inflated
MAX_TOTAL_BYTES = 32 * 1024 * 1024  # all parts read, inflated
MAX_TEXT_CHARS = 5 * 1024 * 1024  # the text the parser gets (as for a .txt standard)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_STRICT = "{http://purl.oclc.org/ooxml/"
P, R, T, TAB, BR, CR = (_W + n for n in ("p", "r", "t", "tab", "br", "cr"))
RPR = _W + "rPr"
TBL, TR, TC, TRPR = (_W + n for n in ("tbl", "tr", "tc", "trPr"))
PPR, NUMPR, ILVL, NUMID, PSTYLE = (_W + n for n in ("pPr", "numPr", "ilvl", "numId", "pStyle"))
SDT, SDTCONTENT, CUSTOMXML = _W + "sdt", _W + "sdtContent", _W + "customXml"
INS, DEL = _W + "ins", _W + "del"
FOOTNOTEREF, ENDNOTEREF = _W + "footnoteReference", _W + "endnoteReference"
TXBX = _W + "txbxContent"
ALTERNATE = _MC + "AlternateContent"
VAL, ID, TYPE = _W + "val", _W + "id", _W + "type"
NOBREAKHYPHEN = _W + "noBreakHyphen"
# Inside a paragraph: what is not text (properties, deleted text, field codes, comment marks).
_NOT_TEXT = frozenset(_W + n for n in (
    "pPr", "rPr", "del", "moveFrom", "instrText", "delText", "delInstrText", "commentReference",
    "commentRangeStart", "commentRangeEnd", "bookmarkStart", "bookmarkEnd", "proofErr",
    "permStart", "permEnd", "sectPr", "fldChar", "annotationRef", "footnoteRef", "endnoteRef"))
# Holders of pictures, shapes and text boxes inside a run.
_DRAWINGS = frozenset({_W + "drawing", _W + "pict", _W + "object", ALTERNATE})

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([^"']{1,40})["']""")


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def read_docx(data: bytes, where: str) -> tuple[str, list[int]]:
    """The document's text as the parser reads it, and the paragraph number of each line.
    InputError (exit 2) for anything that is not a readable DOCX."""
    if len(data) > MAX_DOCX_BYTES:
        raise InputError(f"file too large ({len(data) / 1048576:.1f} MB; a standard's DOCX is "
                         f"at most {MAX_DOCX_BYTES // 1048576} MB)", file=where)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            NotImplementedError):
        raise InputError("a damaged ZIP archive, not a readable DOCX", file=where) from None
    with package:
        names = set(package.namelist())
        if "word/document.xml" not in names:
            raise InputError(_not_docx(package, names), file=where)
        parts = _Parts(package, where)
        document = parts.xml("word/document.xml")
        body = document.find(_W + "body")
        if body is None and document.tag.startswith(_STRICT):
            raise InputError("a Strict Open XML document: save it in Word as a Word Document "
                             "(.docx, not Strict Open XML)", file=where)
        if body is None:
            raise InputError("word/document.xml has no w:body: not a Word document", file=where)
        numbering = parts.xml("word/numbering.xml") if "word/numbering.xml" in names else None
        notes = {}
        for name, tag in (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")):
            if name in names:
                notes[tag] = {n.get(ID): n for n in parts.xml(name).iter(_W + tag)}

        def styles() -> ET.Element | None:
            # often the largest part: read only when a paragraph's style may number it
            if "word/styles.xml" not in names:
                return None
            data = parts.read("word/styles.xml")
            return parts.parse("word/styles.xml", data) if b"numPr" in data else None

        reader = _Reader(_Numbering(numbering, styles), notes)
        try:
            reader.block(body)
        except RecursionError:
            raise InputError("word/document.xml nests tables or content controls hundreds "
                             "deep: not a standard; refused", file=where) from None
        if reader.carry:  # the last paragraph's mark deleted: nothing left to join
            reader.emit("".join(reader.carry[1]), reader.carry[0])
    text = "\n".join(reader.lines)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"document too large ({len(text) / 1048576:.1f} M characters of text; "
                         f"a standard is at most {MAX_TEXT_CHARS // 1048576} M)", file=where)
    if not text.strip():
        raise InputError("the DOCX holds no text", file=where)
    return text, reader.paragraphs


def _not_docx(package: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        try:
            mimetype = package.open("mimetype").read(100).decode("ascii", "replace").strip()
        except Exception:  # a damaged member: still not a DOCX
            mimetype = ""
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            return (f"an OpenDocument file ({mimetype.rsplit('.', 1)[-1]}), not a DOCX: convert "
                    "it first, e.g. libreoffice --headless --convert-to docx FILE")
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "a DOCX without word/document.xml (the document's body): damaged or incomplete"
    if "[Content_Types].xml" in names:
        return "an Office file that is not a Word document (no word/document.xml)"
    return "a ZIP archive that is not a DOCX (no word/document.xml)"


class _Parts:
    """The package's XML parts, each inflated within MAX_PART_BYTES and all within
    MAX_TOTAL_BYTES, and parsed only when it declares no DOCTYPE."""

    def __init__(self, package: zipfile.ZipFile, where: str):
        self.package, self.where, self.total = package, where, 0

    def read(self, name: str) -> bytes:
        info = self.package.getinfo(name)
        limit = min(MAX_PART_BYTES, MAX_TOTAL_BYTES - self.total)
        if limit < MAX_PART_BYTES:
            bomb = (f"the XML parts read inflate past {MAX_TOTAL_BYTES // 1048576} MB in all "
                    f"(at {name}): a zip bomb or not a standard; refused")
        else:
            bomb = (f"{name} inflates past {limit // 1048576} MB (a standard's is under 3 MB): "
                    "a zip bomb or not a standard; refused")
        if info.file_size > limit:  # the header's claim; the real size is counted below
            raise InputError(bomb, file=self.where)
        try:
            with self.package.open(info) as member:
                data = member.read(limit + 1)  # inflates at most limit + 1 bytes
        except RuntimeError:  # zipfile: "File ... is encrypted, password required"
            raise InputError(f"{name} is encrypted: save the document without a password",
                             file=self.where) from None
        except NotImplementedError:
            raise InputError(f"{name} uses a compression method this reader lacks (save it "
                             "again in Word or LibreOffice)", file=self.where) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise InputError(f"damaged DOCX: {name} cannot be inflated ({exc})",
                             file=self.where) from None
        if len(data) > limit:
            raise InputError(bomb, file=self.where)
        self.total += len(data)
        return data

    def xml(self, name: str) -> ET.Element:
        return self.parse(name, self.read(name))

    def parse(self, name: str, data: bytes) -> ET.Element:
        head = data[:300].lstrip()
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        declared = _DECLARED_ENCODING.match(head)
        if (b"\x00" in data[:4] or head.startswith((b"\xff\xfe", b"\xfe\xff"))
                or declared and declared.group(1).lower() not in (b"utf-8", b"utf8")):
            raise InputError(f"{name} is not UTF-8 XML (Word writes UTF-8); refused",
                             file=self.where)
        if b"<!DOCTYPE" in data:
            raise InputError(f"{name} declares a DOCTYPE (entity declarations are refused: "
                             "Word never writes one)", file=self.where)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise InputError(f"{name} is not well-formed XML ({exc})", file=self.where) from None


# --- list numbering ---------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
# Bullet characters of the Symbol and Wingdings fonts (private use area) as Unicode bullets.
_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖",
            "\uf06f": "o", "\uf0a8": "•"}


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    # Word's letters: a..z, then aa..zz, aaa..zzz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal, and the formats a standard does not use


class _Level:
    __slots__ = ("start", "fmt", "text", "restart", "legal", "suffix")

    def __init__(self, lvl: ET.Element | None):
        def val(tag: str) -> str | None:
            found = lvl.find(_W + tag) if lvl is not None else None
            return found.get(VAL) if found is not None else None

        self.start = _int(val("start"), 1)
        self.fmt = val("numFmt") or "decimal"
        self.text = val("lvlText") or ""
        self.restart = _int(val("lvlRestart"), -1)  # -1: after any shallower level; 0: never
        self.legal = lvl is not None and lvl.find(_W + "isLgl") is not None
        self.suffix = {"nothing": ""}.get(val("suff") or "", " ")


class _Numbering:
    """numbering.xml: list definitions (abstractNum), their instances (num) and the counters
    Word keeps while it lays out the document: one set per abstract list, so that instances of
    one list continue each other unless an instance overrides its start (a restart)."""

    def __init__(self, numbering: ET.Element | None,
                 styles: Callable[[], ET.Element | None]):
        self.abstract: dict[str, list[_Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        self.style_num: dict[str, tuple[str, int]] = {}
        self.load_styles: Callable[[], ET.Element | None] | None = None
        if numbering is not None:
            for absn in numbering.iter(_W + "abstractNum"):
                levels = [_Level(None) for _ in range(9)]
                for lvl in absn.iter(_W + "lvl"):
                    ilvl = _int(lvl.get(_W + "ilvl"), 0)
                    if 0 <= ilvl < 9:
                        levels[ilvl] = _Level(lvl)
                self.abstract[absn.get(_W + "abstractNumId")] = levels
            for num in numbering.iter(_W + "num"):
                abstract = num.find(_W + "abstractNumId")
                if abstract is None:
                    continue
                starts: dict[int, int] = {}
                levels_over: dict[int, _Level] = {}
                for over in num.iter(_W + "lvlOverride"):
                    ilvl = _int(over.get(_W + "ilvl"), 0)
                    start = over.find(_W + "startOverride")
                    if start is not None:
                        starts[ilvl] = _int(start.get(VAL), 1)
                    lvl = over.find(_W + "lvl")
                    if lvl is not None:
                        levels_over[ilvl] = _Level(lvl)
                self.nums[num.get(_W + "numId")] = (abstract.get(VAL), starts, levels_over)
        if self.nums:
            self.load_styles = styles  # parsed when the first paragraph with a style comes

    def _styles(self, styles: ET.Element) -> None:
        """Paragraph styles that number their paragraphs (heading styles often do)."""
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        for style in styles.iter(_W + "style"):
            sid = style.get(_W + "styleId")
            parent = style.find(_W + "basedOn")
            if parent is not None:
                based[sid] = parent.get(VAL)
            numpr = style.find(f"{PPR}/{NUMPR}")
            if numpr is not None:
                num, ilvl = numpr.find(NUMID), numpr.find(ILVL)
                own[sid] = (num.get(VAL) if num is not None else None,
                            _int(ilvl.get(VAL), 0) if ilvl is not None else None)
        for sid in set(own) | set(based):
            num_id, ilvl, seen, cur = None, None, set(), sid
            while cur and cur not in seen:  # inherited along basedOn, nearest first
                seen.add(cur)
                n, i = own.get(cur, (None, None))
                num_id, ilvl = num_id or n, ilvl if ilvl is not None else i
                cur = based.get(cur)
            if num_id:
                self.style_num[sid] = (num_id, ilvl or 0)

    def label(self, ppr: ET.Element | None) -> str:
        """The paragraph's list number as Word shows it ("1. ", "b) ", "2.1. "), or ""."""
        if ppr is None:
            return ""
        numpr = ppr.find(NUMPR)
        num_id, ilvl = None, 0
        if numpr is not None:
            num, lvl = numpr.find(NUMID), numpr.find(ILVL)
            num_id = num.get(VAL) if num is not None else None
            ilvl = _int(lvl.get(VAL), 0) if lvl is not None else 0
        if num_id is None:
            style = ppr.find(PSTYLE)
            if style is not None and self.load_styles is not None:
                loaded, self.load_styles = self.load_styles(), None
                if loaded is not None:
                    self._styles(loaded)
            found = self.style_num.get(style.get(VAL)) if style is not None else None
            if found is None:
                return ""
            num_id, ilvl = found[0], ilvl or found[1]
        entry = self.nums.get(num_id)  # numId 0 (numbering removed) and unknown ids: none
        if entry is None or not 0 <= ilvl < 9:
            return ""
        abstract_id, starts, overrides = entry
        levels = self.abstract.get(abstract_id)
        if levels is None:
            return ""
        levels = [overrides.get(i, lvl) for i, lvl in enumerate(levels)]
        counters = self.counters.setdefault(abstract_id, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for i in starts:  # a restart: this instance begins its levels anew
                if 0 <= i < 9:
                    counters[i] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return _BULLETS.get(level.text, level.text) + level.suffix if level.text else ""
        counters[ilvl] = (starts.get(ilvl, level.start) if counters[ilvl] is None
                          else counters[ilvl] + 1)
        for deeper in range(ilvl + 1, 9):  # lvlRestart N: restarts after levels below N
            if levels[deeper].restart == -1 or ilvl < levels[deeper].restart:
                counters[deeper] = None
        if level.fmt == "none" or not level.text:
            return ""

        def number(match: re.Match) -> str:
            i = int(match.group(1)) - 1
            if not 0 <= i < 9:
                return ""
            value = counters[i] if counters[i] is not None else starts.get(i, levels[i].start)
            return _format(value, "decimal" if level.legal else levels[i].fmt)

        return re.sub(r"%([1-9])", number, level.text) + level.suffix


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- the document -----------------------------------------------------------------------------

class _Reader:
    def __init__(self, numbering: _Numbering, notes: dict[str, dict[str, ET.Element]]):
        self.numbering = numbering
        self.notes = notes
        self.lines: list[str] = []
        self.paragraphs: list[int] = []  # the paragraph number of each line
        self.count = 0
        self.carry: tuple[int, list[str]] | None = None  # text of a paragraph whose mark is deleted

    def emit(self, text: str, paragraph: int) -> None:
        self.lines.append(text)
        self.paragraphs.append(paragraph)

    def block(self, parent: ET.Element) -> None:
        """Paragraphs and tables of the body, a table cell or a text box, in order."""
        for child in parent:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:
                content = child.find(SDTCONTENT)
                if content is not None:
                    self.block(content)
            elif tag == CUSTOMXML or tag == INS or tag == _W + "moveTo":
                self.block(child)
            elif tag == ALTERNATE and len(child):
                self.block(child[0])  # mc:Choice; mc:Fallback holds the same content again

    def table(self, table: ET.Element) -> None:
        for row in _children(table, TR):
            props = row.find(TRPR)
            if props is not None and props.find(DEL) is not None:
                continue  # a deleted row (tracked change, read as accepted)
            for cell in _children(row, TC):
                first = len(self.lines)
                self.block(cell)
                if len(self.lines) == first:
                    self.emit("", self.count)
                self.lines[first] = "\t" + self.lines[first]
            self.emit("", self.count)

    def paragraph(self, para: ET.Element, number: int | None = None) -> None:
        if number is None:
            self.count += 1
            number = self.count
        props = para.find(PPR)
        mark = props.find(RPR) if props is not None else None
        if mark is not None and mark.find(DEL) is not None:
            # its paragraph mark deleted (a tracked change): accepted, it joins the next one
            parts: list[str] = []
            self.inline(para, parts, [])
            self.carry = self.carry or (number, [])
            self.carry[1].extend(parts)
            return
        parts = [self.numbering.label(props)]
        if self.carry:
            number, joined = self.carry
            parts.extend(joined)
            self.carry = None
        later: list[tuple[str, object]] = []
        self.inline(para, parts, later)
        for line in "".join(parts).split("\n"):
            self.emit(line, number)
        for kind, item in later:
            if kind == "box":
                self.block(item)
            else:  # a footnote's or endnote's paragraphs, numbered as the paragraph citing it
                kind_notes = self.notes.get(kind, {})
                note = kind_notes.pop(item, None)  # each note once
                if note is not None:
                    for child in note.iter(P):
                        self.paragraph(child, number)

    def inline(self, parent: ET.Element, parts: list[str], later: list) -> None:
        for child in parent:
            tag = child.tag
            if tag == R:
                self.run(child, parts, later)
            elif tag in _NOT_TEXT:
                continue
            elif tag == ALTERNATE:
                if len(child):
                    self.inline(child[0], parts, later)
            else:  # w:ins, w:moveTo, w:hyperlink, w:smartTag, w:fldSimple, w:sdt, ...
                self.inline(child, parts, later)

    def run(self, run: ET.Element, parts: list[str], later: list) -> None:
        for child in run:
            tag = child.tag
            if tag == T:
                if child.text:
                    parts.append(child.text)
            elif tag == TAB:
                parts.append("\t")
            elif tag == BR:
                if child.get(TYPE) in (None, "textWrapping"):  # not page or column breaks
                    parts.append("\n")
            elif tag == CR:
                parts.append("\n")
            elif tag == NOBREAKHYPHEN:
                parts.append("-")
            elif tag == FOOTNOTEREF:
                later.append(("footnote", child.get(ID)))
            elif tag == ENDNOTEREF:
                later.append(("endnote", child.get(ID)))
            elif tag in _DRAWINGS:
                holder = child[0] if tag == ALTERNATE and len(child) else child
                for box in holder.iter(TXBX):
                    later.append(("box", box))


def _children(parent: ET.Element, tag: str):
    """`tag` children of `parent`, also those wrapped in content controls or custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (SDT, CUSTOMXML):
            inner = child.find(SDTCONTENT) if child.tag == SDT else child
            if inner is not None:
                yield from _children(inner, tag)
