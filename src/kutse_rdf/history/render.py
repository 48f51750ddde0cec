"""A diff (diff.py) as JSON, readable text or Markdown: `kutse-rdf diff --format json|text|md`.
Text and Markdown are made from the JSON form, so the three always say the same."""
from __future__ import annotations

import json
from typing import Any

from kutse_rdf.history.diff import Choice, CompetenceDiff, Diff, Requirements, Texts
from kutse_rdf.model import Competence

FORMATS = ("text", "json", "md")


def to_json(d: Diff) -> dict[str, Any]:
    def comp(c: Competence) -> dict:
        return {"code": c.code, "title": c.title}

    return {
        "old": {"file": d.old_file, "version": d.old_version},
        "new": {"file": d.new_file, "version": d.new_version},
        "fields": [{"field": name, "old": a, "new": b} for name, a, b in d.fields],
        "competences": {
            "added": [comp(c) for c in d.added],
            "removed": [comp(c) for c in d.removed],
            "renamed": [_lineage(c) for c in d.renamed],
            "renumbered": [_lineage(c) for c in d.renumbered],
            "ambiguous": [{"side": a.side, **comp(a.competence),
                           "candidates": [{**comp(c), "similarity": s} for c, s in a.candidates]}
                          for a in d.ambiguous],
            "changed": [_content(c) for c in d.competences if _content(c, check=True)],
        },
        "requirements": [_requirements(r) for r in d.requirements],
    }


def _lineage(c: CompetenceDiff) -> dict:
    return {"old_code": c.old_code, "new_code": c.new_code, "old_title": c.old_title,
            "new_title": c.new_title, "reason": c.reason, "similarity": c.similarity}


def _texts(t: Texts) -> dict:
    return {"added": t.added, "removed": t.removed,
            "reworded": [{"old": a, "new": b} for a, b in t.reworded]}


def _pair(value: tuple | None) -> dict | None:
    return None if value is None else {"old": value[0], "new": value[1]}


def _content(c: CompetenceDiff, check: bool = False) -> Any:
    """The changes inside a matched competence (its lineage is listed apart)."""
    has = bool(c.indicators or c.knowledge or c.ecf_added or c.ecf_removed or c.level
               or c.group or c.assessment)
    if check:
        return has
    return {"old_code": c.old_code, "new_code": c.new_code, "title": c.new_title,
            "indicators": _texts(c.indicators), "knowledge": _texts(c.knowledge),
            "ecf": {"added": c.ecf_added, "removed": c.ecf_removed},
            "level": _pair(c.level), "group": _pair(c.group),
            "assessment": _pair(c.assessment)}


def _requirements(r: Requirements) -> dict:
    def choice(c: Choice) -> dict:
        return {"kind": c.kind, "minimum": c.minimum, "options": c.options, "text": c.text()}

    return {"kind": r.kind, "title": r.title, "status": r.status, "gained": r.gained,
            "lost": r.lost,
            "choices": {"added": [choice(c) for c in r.choices_added],
                        "removed": [choice(c) for c in r.choices_removed],
                        "changed": [{"old": choice(c.old), "new": choice(c.new),
                                     "gained": c.gained, "lost": c.lost}
                                    for c in r.choices_changed]},
            "general_skills": _pair(r.general_skills), "level": _pair(r.level)}


def render(d: Diff, fmt: str) -> str:
    data = to_json(d)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _markdown(data) if fmt == "md" else _text(data)


def _version(side: dict) -> str:
    return f"version {side['version'] or 'draft'} ({side['file']})"


HOLDERS = {"partial": "partial qualification", "specialisation": "specialisation"}


def _lines(data: dict, md: bool) -> list[tuple[int, str]]:
    """(depth, text) of the readable forms; depth 0 is a heading."""
    def q(text: str) -> str:
        return f"“{text}”"

    def code(text: str) -> str:
        return f"`{text}`" if md else text

    def codes(items: list[str]) -> str:
        return ", ".join(map(code, items))

    def where(x: dict) -> str:
        if x["old_code"] == x["new_code"]:
            return code(x["new_code"])
        return f"{code(x['old_code'])} → {code(x['new_code'])}"

    out: list[tuple[int, str]] = []
    if data["fields"]:
        out.append((0, "Standard"))
        out += [(1, f"{f['field']}: {_arrow(f)}") for f in data["fields"]]
    c = data["competences"]
    if any(c.values()):
        out.append((0, "Competences"))
        out += [(1, f"added {code(x['code'])} {q(x['title'])}") for x in c["added"]]
        out += [(1, f"removed {code(x['code'])} {q(x['title'])}") for x in c["removed"]]
        out += [(1, f"renamed {where(x)}: {q(x['old_title'])} → {q(x['new_title'])} "
                    f"(title similarity {x['similarity']})") for x in c["renamed"]]
        out += [(1, f"renumbered {where(x)} {q(x['new_title'])}")
                for x in c["renumbered"] if x["reason"] == "renumbered"]  # the rest: renamed
        for x in c["ambiguous"]:
            other = "new" if x["side"] == "old" else "old"
            options = ", ".join(f"{code(y['code'])} {q(y['title'])} ({y['similarity']})"
                                for y in x["candidates"])
            out.append((1, f"ambiguous: {x['side']} {code(x['code'])} {q(x['title'])} could be "
                           f"{other} {options}; not matched, check by hand"))
        for x in c["changed"]:
            out.append((1, f"{where(x)} {q(x['title'])}"))
            for kind, name in (("indicators", "indicator"), ("knowledge", "knowledge item")):
                t = x[kind]
                out += [(2, f"{name} added: {q(s)}") for s in t["added"]]
                out += [(2, f"{name} removed: {q(s)}") for s in t["removed"]]
                for pair in t["reworded"]:
                    out += [(2, f"{name} reworded:"), (3, f"old: {q(pair['old'])}"),
                            (3, f"new: {q(pair['new'])}")]
            if x["ecf"]["added"]:
                out.append((2, "e-CF added: " + codes(x["ecf"]["added"])))
            if x["ecf"]["removed"]:
                out.append((2, "e-CF removed: " + codes(x["ecf"]["removed"])))
            for key, name in (("level", "EKR level"), ("group", "group"),
                              ("assessment", "assessment")):
                if x[key]:
                    out.append((2, f"{name}: {_arrow(x[key])}"))
    if data["requirements"]:
        out.append((0, "Requirements"))
        for r in data["requirements"]:
            holder = ("the qualification" if r["kind"] == "qualification"
                      else f"{HOLDERS[r['kind']]} {q(r['title'])}")
            out.append((1, holder + ("" if r["status"] == "changed" else f" ({r['status']})")))
            if r["gained"]:
                out.append((2, "requires now: " + codes(r["gained"])))
            if r["lost"]:
                out.append((2, "no longer requires: " + codes(r["lost"])))
            ch = r["choices"]
            out += [(2, f"choice added: {y['text']}") for y in ch["added"]]
            out += [(2, f"choice removed: {y['text']}") for y in ch["removed"]]
            for y in ch["changed"]:
                out.append((2, f"choice changed: {y['old']['text']} → {y['new']['text']}"))
                if y["gained"]:
                    out.append((3, "new options: " + codes(y["gained"])))
                if y["lost"]:
                    out.append((3, "options no longer: " + codes(y["lost"]) + " (old codes)"))
            if r["general_skills"]:
                out.append((2, f"general skills required: {_arrow(r['general_skills'])}"))
            if r["level"]:
                out.append((2, f"EKR level: {_arrow(r['level'])}"))
    return out


def _arrow(pair: dict) -> str:
    return f"{_value(pair['old'])} → {_value(pair['new'])}"


def _value(value: Any) -> str:
    if value in (None, "", []):
        return "-"
    return "/".join(value) if isinstance(value, list) else str(value)


def _text(data: dict) -> str:
    head = f"{_version(data['old'])} → {_version(data['new'])}"
    lines = _lines(data, md=False)
    if not lines:
        return head + "\nno changes\n"
    return head + "\n" + "".join(f"{'  ' * depth}{text}\n" for depth, text in lines)


def _markdown(data: dict) -> str:
    head = f"# Changes: {_version(data['old'])} → {_version(data['new'])}\n"
    lines = _lines(data, md=True)
    if not lines:
        return head + "\nNo changes.\n"
    out = [head]
    for depth, text in lines:
        out.append(f"\n## {text}\n\n" if depth == 0 else f"{'  ' * (depth - 1)}- {text}\n")
    return "".join(out)
