"""The main job: every stage over a set of standards, written atomically to the output folder.

The output is assembled in a sibling temporary folder and swapped in only when everything
succeeded, so a failed run leaves the previous build/ as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kutse_rdf.config import Config
from kutse_rdf.dumps import graph_stage
from kutse_rdf.errors import KutseError
from kutse_rdf.model import Standard


@dataclass
class BuildResult:
    standards: list[Standard] = field(default_factory=list)
    failures: list[KutseError] = field(default_factory=list)  # documents reported and skipped
    problems: int = 0  # SHACL violations and other data problems found
    dataset: Any = None  # rdflib Dataset: one named graph per standard + reference + inferred
    notes: list[str] = field(default_factory=list)  # one-line summaries printed after the build
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds


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


def write_elm_view(root: Path, result: BuildResult, config: Config) -> None:
    """[elm] The ELM view (data/elm.ttl, .jsonld, .nt, graphs.json entry). No reasoning."""
    from kutse_rdf.elm import write_elm

    graph = write_elm(root, result.standards, config)
    result.notes.append(f"ELM view: {len(graph)} triples in data/elm.ttl, elm.jsonld, elm.nt")


def validate_build(root: Path, result: BuildResult) -> None:
    """[validate] SHACL per standard -> reports/validation.ttl + .json; violations are problems."""
    from kutse_rdf.validate import validate_dataset, write_reports

    if result.dataset is None:
        return
    reports = validate_dataset(result.dataset, result.standards)
    write_reports(reports, root / "reports")
    violations = sum(len(r.violations) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    result.problems += violations
    result.notes.append(f"validation: {violations} violation(s), {warnings} warning(s) "
                        "(reports/validation.json; details: kutse-rdf validate)")


def write_site(root: Path, result: BuildResult, config: Config) -> None:
    """[site] The static site (root/site/) from data/, reports/ and site_templates/."""
    from kutse_rdf.site import build_site

    if result.dataset is None:
        return
    stats = build_site(root, config, result.standards)
    result.notes.append(f"site: {stats.pages} pages, {stats.resources} resources in site/")


def write_query_reports(root: Path, result: BuildResult) -> None:
    """[queries] Each library query without required parameters -> reports/queries/NAME.csv
    and NAME.json (W3C SPARQL results formats)."""
    from kutse_rdf.query import library, write_reports

    if result.dataset is None:
        return
    skipped = write_reports(root / "reports" / "queries", result.dataset)
    result.notes.append(f"queries: {len(library()) - len(skipped)} reports in reports/queries/"
                        + (f" (need parameters, not run: {', '.join(skipped)})" if skipped else ""))


def run_build(files: list[Path], out: Path, config: Config, quiet: bool = False) -> BuildResult:
    result = BuildResult()
    with atomic_dir(out) as root:
        stages = [
            ("parse", lambda: parse_all(files, result)),
            ("model", lambda: write_parse_outputs(root, result)),
            ("graph", lambda: graph_stage(root, result, config)),  # convert, reason, data/*
            ("validate", lambda: validate_build(root, result)),  # SHACL -> reports/validation.*
            ("elm", lambda: write_elm_view(root, result, config)),  # ELM view -> data/elm.*
            ("queries", lambda: write_query_reports(root, result)),  # -> reports/queries/*
            ("site", lambda: write_site(root, result, config)),  # static site -> site/
        ]
        for name, stage in stages:
            started = time.perf_counter()
            stage()
            result.timings[name] = time.perf_counter() - started
    return result
