"""Errors that end a command with a one-line message and a documented exit code.

Exit codes (documented in the README):
  0  success
  1  problems found in the data (violations, unparseable document structure, failed upload)
  2  usage error or unreadable input (missing file, binary, wrong encoding, empty)
  3  internal error (a bug: please report it; set KUTSE_RDF_DEBUG=1 for the traceback)
  4  build: the previous build was kept, because this run built nothing or lost standards
     whose input failed (`--allow-shrink` replaces it anyway)
"""
from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_KEPT = 4

# An OSError with one of these is the output's fault (no permission, read-only, full), whatever
# document was being written: never that document's failure.
DISK_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                         errno.EIO, errno.EFBIG})


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


class DocumentError(DataError):
    """An unexpected exception (a bug) while building one document: reported as that
    document's failure, the others are built. `kind`: the exception's type name; `standards`:
    the IRIs of the standards it is about, when raised by a stage that works on all of them
    (the site), not by the document's own unit."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 kind: str = "", standards: list[str] | None = None):
        message = " ".join(message.split())  # one line, whatever the exception said
        if len(message) > 400:
            message = message[:399] + "…"
        super().__init__(message, file=file, line=line)
        self.kind = kind
        self.standards = standards or []


class BuildKept(KutseError):
    """The build was not swapped in, the previous one stays (exit 4); `failures`: the
    documents that failed, printed before the message."""

    exit_code = EXIT_KEPT

    def __init__(self, message: str, file: str | None = None, failures: list | None = None):
        super().__init__(message, file=file)
        self.failures = failures or []
