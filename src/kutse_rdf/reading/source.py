"""Reading a standard's file into text: size, binary and encoding checks.

Standards are UTF-8 text (a byte-order mark is allowed). Legacy Estonian encodings are not
guessed: Windows-1257 and Latin-1 agree on õ ä ö ü but not on š ž, so a silent guess could
corrupt names. Such a file is refused with a message naming the encoding and the command that
converts it. A file that is UTF-8 but for a few stray bytes is not a legacy file: the message
says where the bad byte is, and converting would garble every other letter.

A Word document (DOCX) is recognised by its bytes, whatever its name, and read by
`reading/docx.py` into the same lines. Other office formats are refused with the command that
converts them.
"""
from __future__ import annotations

from pathlib import Path

from kutse_rdf.errors import InputError
from kutse_rdf.reading import docx

# A standard is 20-200 KB of text; anything past this is not a standard (and would slow builds).
MAX_BYTES = 5 * 1024 * 1024

_CONVERT = "libreoffice --headless --convert-to docx FILE"
_SIGNATURES = (
    (b"%PDF", "a PDF file, not a standard's DOCX or text: use the register's DOCX original, or "
              "convert it: libreoffice --headless --infilter=writer_pdf_import --convert-to docx "
              "FILE"),
    (b"\xd0\xcf\x11\xe0", f"an old binary Word file (.doc): convert it to DOCX first: {_CONVERT}"),
    (b"{\\rtf", f"an RTF file: convert it to DOCX first: {_CONVERT}"),
)
# Control bytes that never occur in text (tab, newlines and form feed are allowed).
_CONTROL = bytes([*range(0, 9), 11, *range(14, 32), 127])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_ASCII = bytes(range(128))
# Bytes where Windows-1257 has š ž Š Ž and Latin-1 has ð þ Ð Þ; and Windows-1252's š ž Š Ž.
_CP1257_ONLY = frozenset(b"\xf0\xfe\xd0\xde")
_CP1252_ONLY = frozenset(b"\x9a\x9e\x8a\x8e")


def read_text(path: Path | str) -> str:
    """The file's text, or InputError (exit 2) naming what is wrong with it."""
    return read_source(path)[0]


def read_source(path: Path | str) -> tuple[str, list[int] | None]:
    """The file's text and, for a DOCX, the paragraph number of each of its lines (None for a
    text file, whose lines are their own positions). InputError (exit 2) when unreadable."""
    where = str(path)
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", file=where) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=where) from None
    if path.is_dir():
        raise InputError("is a folder, not a standard file", file=where)
    try:
        with open(path, "rb") as file:
            zipped = docx.is_zip(file.read(4))
            limit = docx.MAX_DOCX_BYTES if zipped else MAX_BYTES
            if size > limit:
                kind = "a standard's DOCX" if zipped else "a standard"
                raise InputError(f"file too large ({size / 1048576:.1f} MB; {kind} is at most "
                                 f"{limit // 1048576} MB{'' if zipped else ' of text'})",
                                 file=where)
            file.seek(0)
            data = file.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=where) from None
    if zipped:
        return docx.read_docx(data, where)
    return decode(data, where), None


def decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise InputError("empty file" if not data else "file holds only whitespace", file=where)
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise InputError(f"binary file: {what}", file=where)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not valid UTF-16 despite its byte-order mark", file=where) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary file (NUL byte at offset {nul}), not a plain-text standard",
                         file=where, line=data.count(b"\n", 0, nul) + 1)
    head = data[:65536]
    if len(head.translate(None, _NOT_CONTROL)) > len(head) // 100:  # count control bytes, in C
        raise InputError("binary file (control bytes), not a plain-text standard", file=where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_error(data, exc.start, where) from None


def _encoding_error(data: bytes, pos: int, where: str) -> InputError:
    """Where the first byte that is not UTF-8 is; and a legacy encoding's name and `iconv`
    command only when the file reads as that encoding throughout. A file that is UTF-8 but for
    a few stray bytes is not converted (that would garble all its other letters)."""
    line = data.count(b"\n", 0, pos) + 1
    line_start = data.rfind(b"\n", 0, pos) + 1
    column = len(data[line_start:pos].decode("utf-8", "replace")) + 1
    at = f"byte 0x{data[pos]:02X} at line {line}, column {column} (byte offset {pos})"
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())  # invalid sequences
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii - bad >= bad:  # as many good UTF-8 letters as bad bytes: a UTF-8 file
        more = f" ({bad} such bytes or sequences in the file)" if bad > 1 else ""
        return InputError(
            f"not valid UTF-8: {at} is not part of a UTF-8 character{more}; the rest of the "
            "file is UTF-8, so do not convert it: correct that character in a text editor",
            file=where, line=line)
    high = set(data.translate(None, _ASCII))  # the bytes >= 0x80, found in C
    if high & _CP1252_ONLY and not high & _CP1257_ONLY and _decodes(data, "cp1252"):
        name, iconv = "Windows-1252 (Latin-1 with š ž)", "WINDOWS-1252"
    elif high & _CP1257_ONLY and _decodes(data, "cp1257"):
        name, iconv = "Windows-1257", "WINDOWS-1257"
    elif _decodes(data, "cp1257"):
        name, iconv = "Windows-1257 or Latin-1 (they agree on õ ä ö ü)", "WINDOWS-1257"
    else:
        return InputError(f"not UTF-8 ({at}) and not a legacy Estonian encoding either",
                          file=where, line=line)
    return InputError(
        f"not UTF-8 (byte 0x{data[pos]:02X}) at column {column}: looks like the legacy Estonian "
        f"encoding {name}; convert it first: iconv -f {iconv} -t UTF-8 {where} > converted.txt",
        file=where, line=line)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
