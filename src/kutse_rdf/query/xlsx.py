"""A table as an Office Open XML workbook (.xlsx): one sheet, the header row bold and frozen,
numbers as numeric cells, booleans as TRUE / FALSE, everything else as inline strings.

Written with zipfile and XML text, not a spreadsheet library: the table is one sheet of text and
numbers, which takes the five parts below and nothing of a library's styles, formulas or charts
(docs/analysts.md). The tests read the workbooks back with openpyxl.

Nothing is cut: a table Excel cannot hold whole (more than 1,048,576 rows or 16,384 columns, a
cell of more than 32,767 characters) is refused with TooLarge. Characters XML 1.0 cannot carry
(control characters, U+FFFE, U+FFFF, lone surrogates) are written as ECMA-376's `_xHHHH_`, which
Excel reads back as the character; an underscore that would start such a sequence is written
`_x005F_`. An integer of more than 15 digits (beyond a double's exact range, which Excel shows
rounded) and a NaN or infinite number stay text.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL = 32_767
MAX_EXACT_DIGITS = 15
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# XML 1.0's Char production, inverted; and text that Excel would read as an escape
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_SPECIAL = re.compile(f"{_NOT_XML.pattern}|_x")
_SPACE = " \t\n\r"  # leading or trailing: kept only with xml:space="preserve"
_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same table

Cell = str | int | float | bool | None

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_DOC_REL}/styles" Target="styles.xml"/>\
</Relationships>"""
# cell style 0: the default; 1: bold (the header row)
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


class TooLarge(ValueError):
    """The table does not fit a worksheet; the message says which limit it passes."""


def column_name(index: int) -> str:
    """A, B, …, Z, AA, AB, … for 0, 1, …"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def xml_text(text: str) -> str:
    """Text for an XML element: ECMA-376 escapes for what XML 1.0 cannot carry, then XML's."""
    if _SPECIAL.search(text):  # rare: most cells need XML's three escapes only
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
        text = _NOT_XML.sub(lambda m: "".join(f"_x{b:04X}_" for b in _units(m.group())), text)
    return escape(text)


def _units(char: str) -> list[int]:
    """The UTF-16 code units of a character (the `_xHHHH_` escape names code units)."""
    code = ord(char)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def sheet_name(name: str) -> str:
    """A name Excel takes for a sheet: at most 31 characters, none of []:*?/\\."""
    name = _SHEET_NAME_FORBIDDEN.sub("_", _NOT_XML.sub("_", name)).strip("'")[:31]
    return name or "answer"


def _cell(ref: str, value: Cell, style: str = "") -> str:
    if type(value) is str:  # the common case first
        if not value:
            return ""
        space = ' xml:space="preserve"' if value[0] in _SPACE or value[-1] in _SPACE else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) and len(str(abs(value))) <= MAX_EXACT_DIGITS:
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return _cell(ref, str(value), style)


def _check(columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise TooLarge(f"the answer has {len(columns)} columns; a worksheet holds at most "
                       f"{MAX_COLUMNS:,}")
    if len(rows) + 1 > MAX_ROWS:
        raise TooLarge(f"the answer has {len(rows):,} rows; a worksheet holds at most "
                       f"{MAX_ROWS - 1:,} below its header")
    for number, row in enumerate([columns, *rows], start=1):
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL:
                raise TooLarge(f"cell {column_name(index)}{number} ({columns[index]}) has "
                               f"{len(value):,} characters; a cell holds at most {MAX_CELL:,}")


def _widths(columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """Column widths for reading: the longest value of the first 1,000 rows, 8 to 60."""
    cols = []
    for index, name in enumerate(columns):
        longest = max([len(name)] + [len(str(row[index])) for row in rows[:1000]
                                     if row[index] is not None])
        width = min(max(longest + 2, 8), 60)
        cols.append(f'<col min="{index + 1}" max="{index + 1}" width="{width}" customWidth="1"/>')
    return f"<cols>{''.join(cols)}</cols>" if cols else ""


def workbook(columns: Sequence[str], rows: Sequence[Sequence[Cell]], name: str = "answer") -> bytes:
    """The table as .xlsx bytes: `columns` the header, each row's cells str (inline string), int
    or float (a number), bool, or None / "" (an empty cell). TooLarge when Excel cannot hold it."""
    _check(columns, rows)
    lines = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">']
    lines.append('<sheetViews><sheetView workbookViewId="0">'
                 '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                 '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                 '</sheetView></sheetViews>')
    lines.append('<sheetFormatPr defaultRowHeight="15"/>')
    lines.append(_widths(columns, rows))
    lines.append("<sheetData>")
    letters = [column_name(i) for i in range(len(columns))]
    header = "".join(_cell(f"{letters[i]}1", c, ' s="1"') for i, c in enumerate(columns))
    lines.append(f'<row r="1">{header}</row>')
    for number, row in enumerate(rows, start=2):
        cells = "".join([_cell(f"{letter}{number}", v) for letter, v in zip(letters, row)])
        lines.append(f'<row r="{number}">{cells}</row>')
    lines.append("</sheetData></worksheet>")
    sheet = "".join(lines)
    book = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name={quoteattr(sheet_name(name))} sheetId="1" r:id="rId1"/>'
            f'</sheets></workbook>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                           ("xl/workbook.xml", book),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                           ("xl/styles.xml", _STYLES), ("xl/worksheets/sheet1.xml", sheet)):
            info = zipfile.ZipInfo(part, _TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()
