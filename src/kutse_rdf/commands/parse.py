"""kutse-rdf parse: read standards and print the model."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kutse_rdf.commands.common import add_input_argument, expand_inputs
from kutse_rdf.errors import EXIT_DATA, EXIT_OK, KutseError, position
from kutse_rdf.model import Standard

HELP = "parse standards and print the model (JSON or readable text)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_argument(parser)
    parser.add_argument("--format", choices=("json", "text"), default="text",
                        help="json: the model (one object for one file, an array otherwise); "
                             "text: a readable summary (default)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings and unaccounted lines as errors (exit 1)")


def run(args: argparse.Namespace) -> int:
    from kutse_rdf.reading.parser import parse_file

    files = expand_inputs(args.inputs)
    # one file named on the command line -> one JSON object; otherwise an array
    single = len(args.inputs) == 1 and len(files) == 1 and not Path(args.inputs[0]).is_dir()
    code = EXIT_OK
    parsed: list[Standard] = []
    findings = 0
    for file in files:
        try:
            std = parse_file(file)
        except KutseError as exc:
            if single:
                raise
            print(f"kutse-rdf: {exc}", file=sys.stderr)
            code = max(code, exc.exit_code)
            continue
        for warning in std.warnings:
            print(f"{position(file, warning.line)}: warning: {warning.text}", file=sys.stderr)
        for line in std.unaccounted:
            print(f"{position(file, line.line)}: warning: line not understood, kept in 'unaccounted': "
                  f"{_short(line.text)}", file=sys.stderr)
        findings += len(std.warnings) + len(std.unaccounted)
        parsed.append(std)
    if args.format == "json":
        data = parsed[0].to_json() if single else [std.to_json() for std in parsed]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(summary(std) for std in parsed))
    if args.strict and findings:
        print(f"kutse-rdf: --strict: {findings} warning(s) and unaccounted line(s)",
              file=sys.stderr)
        code = max(code, EXIT_DATA)
    return code


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def summary(std: Standard) -> str:
    """The readable form of `parse --format text`."""
    def value(v: object) -> str:
        return "-" if v in (None, "", []) else str(v)

    indicators = sum(len(c.indicators) for c in std.competences)
    ecf = sorted({e for c in std.competences for e in c.ecf})
    groups = list(dict.fromkeys(g.group for g in std.general_skills))
    out = [
        f"{std.title}  ({std.source_file})",
        f"  EKR level {value(std.level)}, EQF {value(std.eqf)}, ISCO "
        f"{value('/'.join(std.isco))} {value(std.isco_label)}",
        f"  English name: {value(std.name_en)}",
        f"  register code {value(std.register_code)}, version {value(std.version)}, "
        f"decision {value(std.decision_number)} of {value(std.decision_date)}, "
        f"valid until {value(std.valid_until)}",
        f"  approved by: {value(std.approved_by)}",
        f"  authors: {value(', '.join(a.name for a in std.authors))}",
        f"  {len(std.sections)} text sections, {len(std.work_parts)} work parts, "
        f"{len(std.general_skills)} general skills in {len(groups)} groups, "
        f"{len(std.competences)} competences, {indicators} indicators, "
        f"{len(ecf)} e-CF codes",
        "  competences:",
    ]
    for comp in std.competences:
        out.append(f"    {comp.code:<8} {comp.title}  [{comp.group}, EKR {value(comp.level)}, "
                   f"e-CF {value(', '.join(comp.ecf))}] {len(comp.indicators)} indicators"
                   + (f", {len(comp.knowledge)} knowledge" if comp.knowledge else ""))
    if std.qualification_competences:
        out.append("  the qualification requires: "
                   + ", ".join(r.code for r in std.qualification_competences)
                   + (" + general skills" if std.qualification_requires_general_skills else ""))
    if std.partial_qualifications:
        out.append("  partial qualifications:")
        for pq in std.partial_qualifications:
            out.append(f"    {pq.title} (EKR {value(pq.level)}): "
                       + value(", ".join(r.code for r in pq.competences))
                       + (" + general skills" if pq.requires_general_skills else ""))
    if std.specialisations:
        out.append("  specialisations:")
        for spec in std.specialisations:
            out.append(f"    {spec.title}: " + value(", ".join(r.code for r in spec.competences)))
    out.append(f"  {len(std.warnings)} warnings, {len(std.unaccounted)} unaccounted lines, "
               f"{len(std.skipped)} skipped (debris)")
    return "\n".join(out) + "\n"
