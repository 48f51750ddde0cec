"""Reading helpers shared by tests/reading/: what a parse lost of its input."""
from __future__ import annotations

import json
import re
import subprocess

from kutse_rdf.reading.parser import STRUCTURE_ROLES, trace

# Words of a line that label its content rather than being it ("Inglise keeles IT manager";
# a competence heading's "EKR tase 7" tail, which the model keeps as the competence's level).
LABEL_WORDS = {"Inglise", "keeles", "EKR"}


def round_trip_problems(text: str, name: str = "standard.txt") -> list[str]:
    """Lines the model lost: a non-blank line neither taken by the model nor in `skipped` or
    `unaccounted`, or a line taken as content whose words are missing from the model's JSON.
    (The seed's round-trip test, the fuzz test and the dropped-lines tests use it.)"""
    std, roles = trace(text, name)
    elsewhere = {s.line for s in std.skipped} | {u.line for u in std.unaccounted}
    dump = json.dumps(std.to_json(), ensure_ascii=False)
    problems = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if no not in roles and no not in elsewhere:
            problems.append(f"line {no} neither in the model, skipped nor unaccounted")
        if roles.get(no) in STRUCTURE_ROLES or no not in roles:
            continue
        for word in re.findall(r"\w{3,}", re.sub(r"\[bookmark:[^\]]*\]", "", raw)):
            if word not in LABEL_WORDS and word not in dump:
                problems.append(f"line {no}: {word!r} is missing from the model")
    return problems


def one_line(proc: subprocess.CompletedProcess) -> str:
    """The one line a bad input gets on stderr (never a traceback)."""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]
