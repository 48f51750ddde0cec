"""Two versions of a work from a build: the parsed models the build keeps in data/model/*.json
(`Standard.to_json`), read back into Standard models for `kutse-rdf diff --build`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from kutse_rdf.errors import InputError, KutseError
from kutse_rdf.model import (Author, Competence, CompetenceChoice, CompetenceRef, Line,
                             PartialQualification, Specialisation, Standard)
from kutse_rdf.versions import version_key


def from_build(build: str, slug: str, old_key: str, new_key: str,
               slug_of: Callable[[Standard], str]) -> tuple[Standard, Standard]:
    """The versions `old_key` and `new_key` of the work `slug` (`slug_of` a standard: the
    graph's Uris.standard_slug, the one rule for a work's slug)."""
    folder = Path(build) / "data" / "model"
    if not folder.is_dir():
        raise InputError("not a build: no data/model/ folder (run kutse-rdf build first)",
                         file=build)
    found: dict[str, Standard] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if slug_of(Standard(str(path), data.get("title") or "", None)) != slug:
                continue
            std = from_json(data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"cannot read the parsed model: {exc}", file=str(path)) from None
        except KutseError:  # a title that gives no slug is no work of that slug
            continue
        found[version_key(std)] = std
    if not found:
        raise InputError(f"no standard {slug!r} in the build", file=build)
    missing = [key for key in (old_key, new_key) if key not in found]
    if missing:
        known = ", ".join(sorted(found))
        raise InputError(f"standard {slug!r} has no version {missing[0]!r} in the build "
                         f"(versions: {known})", file=build)
    return found[old_key], found[new_key]


def _lines(texts: list[str], lines: list[int]) -> list[Line]:
    return [Line(t, n) for t, n in zip(texts, lines)]


def _refs(items: list[dict]) -> list[CompetenceRef]:
    return [CompetenceRef(r["code"], r.get("title"), r["line"]) for r in items]


def _choices(items: list[dict]) -> list[CompetenceChoice]:
    return [CompetenceChoice(c["minimum"], _refs(c["option_refs"]), c["line"],
                             c.get("kind", "choice")) for c in items]


def from_json(data: dict[str, Any]) -> Standard:
    """The Standard of `Standard.to_json()`: the parts a diff compares, with their lines
    (sections, work parts, general skills and the parse's findings are not read)."""
    std = Standard(source_file=data["source_file"], title=data["title"], level=data.get("level"),
                   line=data.get("line", 1))
    for name in ("name_en", "eqf", "isco", "isco_label", "register_code", "decision_number",
                 "decision_date", "valid_until", "version", "approved_by", "ecf_version"):
        if name in data:
            setattr(std, name, data[name])
    std.authors = [Author(a["name"], a.get("organisation"), a["line"])
                   for a in data.get("authors", [])]
    std.competences = [
        Competence(c["code"], c["title"], c["group"], c.get("level"), c.get("ecf", []),
                   _lines(c["indicators"], c["indicator_lines"]),
                   _lines(c["knowledge"], c["knowledge_lines"]), c.get("assessment"), c["line"],
                   c.get("assessment_line"))
        for c in data.get("competences", [])]
    std.qualification_competences = [CompetenceRef(code, None, 0)
                                     for code in data.get("qualification_competences", [])]
    std.qualification_requires_general_skills = data.get("qualification_requires_general_skills",
                                                         False)
    std.qualification_choices = _choices(data.get("qualification_choices", []))
    std.partial_qualifications = [
        PartialQualification(p["title"], p.get("level"), _refs(p["competence_refs"]), p["line"],
                             p.get("requires_general_skills", False),
                             _choices(p.get("choices", [])))
        for p in data.get("partial_qualifications", [])]
    std.specialisations = [
        Specialisation(s["title"], _refs(s["competence_refs"]), s["line"],
                       s.get("name_on_certificate"), s.get("level"), _choices(s.get("choices", [])))
        for s in data.get("specialisations", [])]
    return std
