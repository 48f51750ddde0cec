"""Bad input: each gets a one-line message (with file:line where there is one), the documented
exit code (2 unreadable input, 1 unreadable structure) and no traceback. Large and binary inputs
are generated here rather than committed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.reading import one_line

from kutse_rdf.errors import DataError, InputError
from kutse_rdf.reading.parser import parse_file
from kutse_rdf.reading.source import MAX_BYTES

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
SEED = Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt"

# Estonian text with š and ž (where Windows-1257 and Latin-1 differ) and õ ä ö ü (where they agree)
LEGACY = "KUTSESTANDARD\nŠokolaadimeister, tase 4\n\nTöö sisaldab žele ja õunte käsitlemist.\n"
ESTONIAN_ONLY = "KUTSESTANDARD\nKülmutaja, tase 3\n\nTöö õues ja ööl.\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kutse_rdf", "parse", *args],
                          capture_output=True, text=True, timeout=120)


def test_empty_file():
    with pytest.raises(InputError, match="empty file") as exc:
        parse_file(BAD / "empty.txt")
    assert exc.value.exit_code == 2 and exc.value.file.endswith("empty.txt")


def test_whitespace_only(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n \t\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="only whitespace"):
        parse_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


def test_binary_file(tmp_path):
    path = tmp_path / "random.txt"
    path.write_bytes(b"KUTSESTANDARD\n" + bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"binary file \(NUL byte at offset 14\)") as exc:
        parse_file(path)
    assert exc.value.line == 2


def test_control_bytes_without_nul(tmp_path):
    path = tmp_path / "ctrl.txt"
    path.write_bytes(b"\x01\x02\x03\x1b[0m" * 200)
    with pytest.raises(InputError, match="binary file"):
        parse_file(path)


def test_zip_named_txt_is_read_as_a_docx(tmp_path):
    path = tmp_path / "standard.txt"
    path.write_bytes(b"PK\x03\x04" + b"\x14\x00" * 50)
    with pytest.raises(InputError, match=r"damaged ZIP archive, not a readable DOCX"):
        parse_file(path)


def test_windows_1257_is_refused_with_its_name_and_line(tmp_path):
    path = tmp_path / "cp1257.txt"
    path.write_bytes(LEGACY.encode("cp1257"))
    with pytest.raises(InputError) as exc:
        parse_file(path)
    assert exc.value.line == 2  # "Š" of "Šokolaadimeister"
    assert "not UTF-8 (byte 0xD0)" in exc.value.message
    assert "Windows-1257" in exc.value.message and "iconv -f WINDOWS-1257" in exc.value.message


def test_latin1_is_refused_naming_both_legacy_encodings(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(ESTONIAN_ONLY.encode("latin-1"))
    with pytest.raises(InputError) as exc:
        parse_file(path)
    assert exc.value.line == 2  # "ü" of "Külmutaja"
    assert "Windows-1257 or Latin-1" in exc.value.message


def test_windows_1252_is_named(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes(LEGACY.encode("cp1252"))
    with pytest.raises(InputError, match="Windows-1252"):
        parse_file(path)


def test_truncated_document_without_part_b():
    with pytest.raises(DataError, match="part B .* not found") as exc:
        parse_file(BAD / "truncated.txt")
    assert exc.value.exit_code == 1
    assert exc.value.line == 9  # the last line of the document


def test_no_title():
    with pytest.raises(DataError, match="no title") as exc:
        parse_file(BAD / "no-title.txt")
    assert exc.value.line == 1


def test_part_b_without_competences():
    with pytest.raises(DataError, match="no competences") as exc:
        parse_file(BAD / "no-competences.txt")
    assert exc.value.line == 8  # "B-osa"


def test_ten_megabytes_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(10 * 1024 * 1024)  # sparse: no 10 MB written to disk
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match=r"file too large \(10\.0 MB"):
        parse_file(path)


def test_large_but_allowed_document_parses_completely(tmp_path):
    """A few MB of competences: the parser is linear, so this completes like the seed does."""
    seed = SEED.read_text(encoding="utf-8")
    head, tail = seed.split("[bookmark: _Hlk124197519]")
    extra = "".join(
        f"\n\t\tB.3.{n}. Kompetents {n} (e-CF kompetents A.1)\n\t\tEKR tase 7\n\n"
        "\t\tTegevusnäitajad\n1. Teeb esimest asja.\n2. Teeb teist asja.\n"
        for n in range(20, 8020))
    path = tmp_path / "large.txt"
    path.write_text(head + extra + tail, encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    std = parse_file(path)
    assert len(std.competences) == 8019
    assert std.competences[-1].code == "B.3.8019" and len(std.competences[-1].indicators) == 2
    assert std.unaccounted == [] and std.warnings == []


@pytest.mark.parametrize("encode", [
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),  # UTF-8 with BOM
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),  # Windows line ends
    lambda t: t.encode("utf-16"),  # UTF-16 with BOM
], ids=["utf8-bom", "crlf", "utf16-bom"])
def test_harmless_variants_of_the_seed_parse_the_same(tmp_path, encode, seed_standard):
    path = tmp_path / "seed.txt"
    path.write_bytes(encode(SEED.read_text(encoding="utf-8")))
    std = parse_file(path)
    assert std.to_json() | {"source_file": None} == \
        seed_standard.to_json() | {"source_file": None}


# --- through the command line ---------------------------------------------------------------

def test_cli_empty_file_exit_2():
    proc = cli(str(BAD / "empty.txt"))
    assert proc.returncode == 2
    assert one_line(proc) == f"kutse-rdf: {BAD / 'empty.txt'}: empty file"
    assert proc.stdout == ""


def test_cli_windows_1257_exit_2_with_line(tmp_path):
    path = tmp_path / "cp1257.txt"
    path.write_bytes(LEGACY.encode("cp1257"))
    proc = cli(str(path))
    assert proc.returncode == 2
    assert one_line(proc).startswith(f"kutse-rdf: {path}:2: not UTF-8")


def test_cli_binary_exit_2(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(os.urandom(2048) + b"\x00")
    proc = cli(str(path))
    assert proc.returncode == 2 and "binary file" in one_line(proc)


def test_cli_truncated_exit_1_with_line():
    proc = cli(str(BAD / "truncated.txt"), "--format", "json")
    assert proc.returncode == 1
    assert one_line(proc).startswith(f"kutse-rdf: {BAD / 'truncated.txt'}:9: part B")


def test_cli_ten_megabytes_exit_2(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(10 * 1024 * 1024)
    proc = cli(str(path))
    assert proc.returncode == 2 and "file too large" in one_line(proc)


# --- a UTF-8 file with a stray byte is not a legacy file ---------------------------------------

def stray_byte_seed(tmp_path: Path) -> tuple[Path, int, int]:
    """The seed (UTF-8, full of õ ä ö ü) with one 0xE9 byte after "A.1. T" on line 40."""
    data = SEED.read_bytes()
    pos = data.index("A.1. Töö kirjeldus".encode()) + len("A.1. T")
    path = tmp_path / "stray.txt"
    path.write_bytes(data[:pos] + b"\xe9" + data[pos:])
    return path, pos, data.count(b"\n", 0, pos) + 1


def test_a_stray_byte_in_utf8_is_located_not_called_a_legacy_encoding(tmp_path):
    path, pos, line = stray_byte_seed(tmp_path)
    with pytest.raises(InputError) as exc:
        parse_file(path)
    assert exc.value.line == line == 40
    message = exc.value.message
    assert f"byte 0xE9 at line 40, column 8 (byte offset {pos})" in message
    assert "iconv" not in message and "Windows" not in message and "legacy" not in message


def test_cli_stray_byte_exit_2_one_line(tmp_path):
    path, pos, _ = stray_byte_seed(tmp_path)
    proc = cli(str(path))
    assert proc.returncode == 2
    assert one_line(proc).startswith(f"kutse-rdf: {path}:40: not valid UTF-8: byte 0xE9 at "
                                     f"line 40, column 8 (byte offset {pos})")


def test_several_stray_bytes_are_counted(tmp_path):
    data = SEED.read_bytes().replace("Töö kirjeldus".encode(), b"T\xf6\xf6 kirjeldus")
    path = tmp_path / "two.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"not valid UTF-8: byte 0xF6 at line 40, column 8 .*"
                                         r"\(2 such bytes or sequences in the file\)"):
        parse_file(path)


def test_a_legacy_file_with_a_byte_its_encoding_lacks_gets_no_iconv_command(tmp_path):
    """0x9A is š in Windows-1252 but undefined in Windows-1257, 0x81 undefined in both: no
    conversion command would read such a file."""
    path = tmp_path / "mixed.txt"
    path.write_bytes(LEGACY.encode("cp1257") + b"\x81\x9a\n")
    with pytest.raises(InputError) as exc:
        parse_file(path)
    assert "iconv" not in exc.value.message
    assert "not a legacy Estonian encoding" in exc.value.message
