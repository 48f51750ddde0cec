"""The main job: every stage over a set of standards, written atomically to the output folder.

The output is assembled in a sibling temporary folder and swapped in only when everything
succeeded, so a failed run leaves the previous build/ as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kutse_rdf.config import Config
from kutse_rdf.errors import KutseError
from kutse_rdf.model import Standard


@dataclass
class BuildResult:
    standards: list[Standard] = field(default_factory=list)
    failures: list[KutseError] = field(default_factory=list)  # documents reported and skipped
    problems: int = 0  # SHACL violations and other data problems found
    dataset: Any = None  # rdflib Dataset: one named graph per standard + reference + inferred
    notes: list[str] = field(default_factory=list)  # one-line summaries printed after the build


@contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside `out`; on success it replaces `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def parse_all(files: list[Path], result: BuildResult) -> None:
    from kutse_rdf.parse import parse_file

    for file in files:
        try:
            result.standards.append(parse_file(file))
        except KutseError as exc:
            result.failures.append(exc)


def write_parse_outputs(root: Path, result: BuildResult) -> None:
    for std in result.standards:
        write_json(root / "data" / "model" / f"{Path(std.source_file).stem}.json", std.to_json())
    report = {
        "standards": [
            {
                "file": std.source_file,
                "title": std.title,
                "competences": len(std.competences),
                "indicators": sum(len(c.indicators) for c in std.competences),
                "partial_qualifications": len(std.partial_qualifications),
                "specialisations": len(std.specialisations),
                "unaccounted": [{"line": u.line, "text": u.text} for u in std.unaccounted],
                "warnings": [{"line": w.line, "message": w.text} for w in std.warnings],
            }
            for std in result.standards
        ],
        "failures": [str(f) for f in result.failures],
    }
    write_json(root / "reports" / "parse.json", report)


def run_build(files: list[Path], out: Path, config: Config, quiet: bool = False) -> BuildResult:
    result = BuildResult()
    with atomic_dir(out) as root:
        parse_all(files, result)
        write_parse_outputs(root, result)
        # Each later stage adds one call here, in this order (stage owners: keep it one line):
        # [graph]      convert + reason + write root/data/*  (sets result.dataset)
        # [validate]   SHACL -> root/reports/validation.*  (adds violations to result.problems)
        # [elm]        ELM view -> root/data/elm.*
        # [queries]    library queries -> root/reports/queries/*
        # [site]       static site -> root/site/
    return result
