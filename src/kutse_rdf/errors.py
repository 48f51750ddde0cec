"""Errors that end a command with a one-line message and a documented exit code.

Exit codes (documented in the README):
  0  success
  1  problems found in the data (violations, unparseable document structure, failed upload)
  2  usage error or unreadable input (missing file, binary, wrong encoding, empty)
  3  internal error (a bug: please report it; set KUTSE_RDF_DEBUG=1 for the traceback)
"""
from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class KutseError(Exception):
    """An error the user can act on. str() gives `file:line: message`."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{position(self.file, self.line)}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


def position(file: object, line: int) -> str:
    """`FILE:LINE`; for a DOCX `FILE.docx:¶N`, N its paragraph (README, parse section)."""
    mark = "¶" if str(file).lower().endswith(".docx") else ""
    return f"{file}:{mark}{line}"


class InputError(KutseError):
    """Unreadable input or bad usage: exit 2."""

    exit_code = EXIT_USAGE


class DataError(KutseError):
    """The input was read but its content is wrong: exit 1."""

    exit_code = EXIT_DATA
