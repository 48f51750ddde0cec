"""A register holds works, each with versions: which documents are versions of one standard,
in which order, and which version is the current valid one (docs/graph-model.md, "Versions").

A work is one title (its URI slug): "Arborist, tase 4" and "Arborist, tase 4 esmane kutse" are
two works. A version is named by C.1 "Kutsestandardi versiooni number"; a document that gives no
version number (such as the shipped draft) is the work's draft. Validity runs from the council's
decision date ("Kutsenõukogu otsuse kuupäev") to "Kutsestandard kehtib kuni", both inclusive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from kutse_rdf.errors import DataError
from kutse_rdf.model import Standard

DRAFT = "draft"  # the version key of a document without a version number

_NUMBER = re.compile(r"\s*(\d{1,6})\s*")
_NOT_KEY = re.compile(r"[^0-9a-z]+")


def version_key(std: Standard) -> str:
    """The version's name in URIs: "6" for "6" or "06", a slug of other text ("6.1" -> "6-1"),
    "draft" when the document gives no version number."""
    text = (std.version or "").strip()
    if not text:
        return DRAFT
    number = _NUMBER.fullmatch(text)
    if number:
        return str(int(number.group(1)))
    return _NOT_KEY.sub("-", text.casefold().encode("ascii", "ignore").decode()).strip("-") or DRAFT


def _order(key: str) -> tuple:
    """Numbered versions by number, then other names, then the draft (the newest, in the making)."""
    if key == DRAFT:
        return (2, 0, "")
    if key.isdigit():
        return (0, int(key), "")
    return (1, 0, key)


def status(std: Standard, on: date) -> str:
    """"draft", "valid", "expired" or "future" (decided but not yet in force) on a day.
    A date the document wrote in another form than dd.mm.yyyy does not limit validity."""
    if version_key(std) == DRAFT:
        return DRAFT
    start, end = _day(std.decision_date), _day(std.valid_until)
    if start and on < start:
        return "future"
    if end and on > end:
        return "expired"
    return "valid"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass
class Work:
    """One standard across its versions."""

    slug: str
    versions: list[Standard]  # oldest first; the draft, if any, last
    current: Standard  # the version its version-independent IRIs resolve to

    def previous(self, std: Standard) -> Standard | None:
        at = next(i for i, v in enumerate(self.versions) if v is std)
        return self.versions[at - 1] if at else None


def current_version(versions: list[Standard], on: date) -> Standard:
    """The newest version valid on the day; else the newest numbered one (all have expired or
    none is in force yet); else the draft."""
    numbered = [v for v in versions if version_key(v) != DRAFT]
    valid = [v for v in numbered if status(v, on) == "valid"]
    return (valid or numbered or versions)[-1]


def works(standards: Iterable[Standard], slug_of: Callable[[Standard], str], on: date) -> list[Work]:
    """The standards grouped by work, in order of first appearance. Two documents of one work
    with the same version are an error naming both files."""
    grouped: dict[str, dict[str, Standard]] = {}
    for std in standards:
        versions = grouped.setdefault(slug_of(std), {})
        key = version_key(std)
        other = versions.get(key)
        if other is not None:
            raise DataError(f"standard {std.title!r} version {key!r} is also in {other.source_file}; "
                            "remove one of the two", file=std.source_file, line=std.line)
        versions[key] = std
    result = []
    for slug_, versions in grouped.items():
        ordered = [versions[k] for k in sorted(versions, key=_order)]
        result.append(Work(slug_, ordered, current_version(ordered, on)))
    return result
