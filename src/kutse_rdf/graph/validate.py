"""SHACL validation of the graph (shapes/*.ttl): pyshacl-turbo, or pySHACL as the reference.

Validation runs per standard: the data graph is one standard's named graph plus the handful of
reference triples the shapes read (`needed_reference`), never the whole dataset, so the cost
grows linearly with the number of standards. The asserted graph is validated as it is
(inference="none"): with RDFS inference `rdfs:range` would manufacture the very types that
`sh:class` checks, and structural shapes could never fail.

Two engines run the same shapes: pyshacl-turbo (Rust, the default, much faster per standard;
its shapes are compiled once per process) and pySHACL (the design card's validator, the
reference: KUTSE_RDF_SHACL=pyshacl). tests/graph/test_engines.py checks that both give the same
results (focus, path, value, severity, both messages, source line).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kutse_rdf.errors import position
from kutse_rdf.config import engine_choice
from kutse_rdf.model import Standard
from kutse_rdf.graph.namespaces import KUTSE, PROJECT, RDF, SH, SKOS, prefixes
from kutse_rdf.resources import resource_dir
from kutse_rdf.graph.uris import Uris

# The shapes' own terms (shapes/*.ttl): kshape:message, the rules.
KSHAPE = Namespace(PROJECT + "shapes#")

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

# Reference triples the shapes read about the EQF levels and e-CF competences a standard cites.
_REFERENCE_FACTS = (SKOS.inScheme, SKOS.notation, KUTSE.proficiencyLevel)

REPORT_PREFIXES = prefixes("sh", "rdf", "xsd")

ENGINES = ("turbo", "pyshacl")
ENGINE_VARIABLE = "KUTSE_RDF_SHACL"


def engine_name(engine: str | None = None) -> str:
    """The engine asked for, else $KUTSE_RDF_SHACL, else the fast one."""
    return engine_choice("SHACL engine", ENGINES, ENGINE_VARIABLE, engine)


@dataclass
class Result:
    severity: str  # "violation", "warning" or "info"
    focus: str
    path: str | None
    value: str | None
    message_et: str
    message_en: str
    source_file: str | None
    source_line: int | None
    shape: str  # IRI of the shape (one rule) that failed


@dataclass
class ValidationReport:
    conforms: bool  # no violation (warnings allowed)
    results: list[Result]
    report_graph: Graph
    source_file: str | None = None  # the standard validated, when known
    title: str | None = None
    subject: str | None = None  # the standard's URI: focus nodes are shown relative to it

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "warning"]

    def to_json(self) -> dict:
        """Plain data (for a worker process or an on-disk cache): the results, and the report
        graph as N-Triples text."""
        return {"conforms": self.conforms, "results": [asdict(r) for r in self.results],
                "report_graph": self.report_graph.serialize(format="nt"),
                "source_file": self.source_file, "title": self.title, "subject": self.subject}

    def turtle_body(self) -> bytes:
        """The report graph as Turtle without prefix lines (REPORT_PREFIXES), its blank nodes
        named by what they say (`stable_blank_nodes`, salted with the standard), so that bodies
        of many reports concatenate without clashes and a build gives the same bytes every time."""
        import pyoxigraph as ox

        from kutse_rdf.graph.ntriples import strip_prefixes

        nt = self.report_graph.serialize(format="nt", encoding="utf-8")
        triples = stable_blank_nodes(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
                                     self.subject or self.source_file or "")
        return strip_prefixes(ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                                           prefixes=REPORT_PREFIXES))

    @classmethod
    def from_json(cls, data: dict) -> ValidationReport:
        """The report `to_json` gave. Blank nodes get fresh names, so reports rebuilt one by
        one still merge without clashes (write_reports)."""
        graph = Graph().parse(data=data["report_graph"], format="nt")
        graph.bind("sh", REPORT_PREFIXES["sh"])
        return cls(conforms=data["conforms"], results=[Result(**r) for r in data["results"]],
                   report_graph=graph, source_file=data.get("source_file"),
                   title=data.get("title"), subject=data.get("subject"))


def stable_blank_nodes(triples, salt: str) -> list:
    """The triples (pyoxigraph), sorted, with every blank node named by a hash of `salt` and its
    statements, the blank nodes those point at counted by their own hashes. A SHACL report is a
    tree (report -> results -> paths, details), so this names each node by its content; nodes
    that say the same are numbered apart, and a node in a cycle (none in a report) by the order
    it was met. pySHACL's labels are random, and the report files must be the same bytes for
    the same input."""
    import hashlib

    import pyoxigraph as ox

    triples = list(triples)
    about: dict = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            about.setdefault(t.subject, []).append(t)
    digests: dict = {}

    def digest(node) -> str:
        if node not in digests:
            digests[node] = None  # met: a cycle back to it reads its place
            lines = sorted(f"{t.predicate} " + (digest(t.object) if isinstance(t.object, ox.BlankNode)
                                                 else str(t.object)) for t in about.get(node, []))
            digests[node] = hashlib.sha256("\n".join([salt, *lines]).encode("utf-8")).hexdigest()[:32]
        return digests[node] or f"cycle{len(digests)}"

    names: dict = {}
    seen: dict[str, int] = {}
    blanks = {n for t in triples for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)}
    for node in sorted(blanks, key=lambda n: (digest(n), n.value)):
        d = digest(node)
        names[node] = ox.BlankNode(f"b{d}" + (f"x{seen[d]}" if seen.get(d) else ""))
        seen[d] = seen.get(d, 0) + 1

    def named(term):
        return names[term] if isinstance(term, ox.BlankNode) else term

    return sorted((ox.Triple(named(t.subject), t.predicate, named(t.object)) for t in triples), key=str)


class _PreparedQueryGraph(Graph):
    """pySHACL runs a SPARQL constraint once per focus node with the same text, and rdflib
    parses the text again on every call, which would be most of the validation time. This
    graph parses each text once."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every shapes/*.ttl, parsed once per process."""
    graph = Graph()
    for file in sorted(resource_dir("shapes").glob("*.ttl")):
        graph.parse(file, format="turtle")
    return graph


@lru_cache(maxsize=1)
def compiled_shapes():
    """The shapes compiled by pyshacl-turbo, once per process (reused for every standard)."""
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph())


def needed_reference(reference: Graph, data: Graph) -> Graph:
    """The reference triples the shapes need for `data`: scheme and notation of each EQF level
    and e-CF competence it cites, the labels of its level concepts, the proficiency levels of those e-CF competences and their EQF
    levels, and mapping triples about its own resources. Types are left out on purpose, so the
    SKOS shapes do not re-check the reference concepts once per standard."""
    out = Graph()
    cited = set(data.objects(None, KUTSE.hasLevel)) | set(data.objects(None, KUTSE.citesEcf))
    # the level concepts' labels, for SKOS S14 on them (kshape:Level-unique-prefLabel)
    for level in set(data.objects(None, KUTSE.hasLevel)) | set(data.objects(None, KUTSE.hasEstqfLevel)):
        for label in reference.objects(level, SKOS.prefLabel):
            out.add((level, SKOS.prefLabel, label))
    levels = set()
    for node in cited:
        for prop in _REFERENCE_FACTS:
            for value in reference.objects(node, prop):
                out.add((node, prop, value))
                if prop == KUTSE.proficiencyLevel:
                    levels.add(value)
    for level in levels:
        for eqf in reference.objects(level, KUTSE.correspondingEqfLevel):
            out.add((level, KUTSE.correspondingEqfLevel, eqf))
    for concept in set(data.subjects(RDF.type, SKOS.Concept)):
        for prop, value in reference.predicate_objects(concept):
            out.add((concept, prop, value))
    return out


def validate_graph(data: Graph, reference: Graph | None = None,
                   engine: str | None = None) -> ValidationReport:
    """Validate one data graph (normally one standard) against all shapes."""
    engine = engine_name(engine)
    extra = needed_reference(reference, data) if reference is not None else Graph()
    shapes = shapes_graph()
    if engine == "pyshacl":
        import pyshacl

        graph = _PreparedQueryGraph()
        graph += data
        graph += extra
        conforms, report, _ = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True,
            abort_on_first=False, inplace=True)
    else:
        conforms, report = _validate_turbo(data, extra)
    restore_languages(report, shapes)
    return ValidationReport(conforms=bool(conforms), results=_results(report, data),
                            report_graph=report)


def _validate_turbo(data: Graph, extra: Graph) -> tuple[bool, Graph]:
    """pyshacl-turbo with pySHACL's options: no inference, warnings do not break conformance.
    Copying the standard's graph to add the reference triples would cost about as much as the
    validation itself, so they are lent to `data` for the call and
    taken out again: `data` is left as it was, even when validation fails."""
    lent = [t for t in extra if t not in data]
    data.addN((s, p, o, data) for s, p, o in lent)
    try:
        conforms, report, _ = compiled_shapes().validate(
            data, inference="none", allow_warnings=True, abort_on_first=False)
    finally:
        for triple in lent:
            data.remove(triple)
    return conforms, report


def validate_standard(std: Standard, subject: URIRef, graph: Graph, reference: Graph | None,
                      uris: Uris, engine: str | None = None) -> ValidationReport:
    """The report of one standard's graph (`subject` is the standard's URI)."""
    report = validate_graph(graph, reference, engine)
    report.source_file, report.title, report.subject = std.source_file, std.title, str(subject)
    ref_lines = _reference_lines(std, uris)
    for result in report.results:
        result.source_file = result.source_file or std.source_file
        named = ref_lines.get((result.focus, result.value))
        if named:
            result.source_line = named
    report.results.sort(key=_order)
    return report


def _reference_lines(std: Standard, uris: Uris) -> dict[tuple[str, str], int]:
    """(requiring node, competence) -> the line where the competence code is written."""
    owners = [(uris.qualification(std), std.qualification_competences)]
    owners += [(uris.partial(std, p.title), p.competences) for p in std.partial_qualifications]
    owners += [(uris.specialisation(std, s.title), s.competences) for s in std.specialisations]
    lines = {}
    for owner, refs in owners:
        for ref in refs:
            lines.setdefault((str(owner), str(uris.competence(std, ref.code))), ref.line)
    return lines


def _order(result: Result) -> tuple:
    """Line, violations first, then every field: a total order, so the report reads the same
    whichever engine produced it and in whatever order (a competence citing two e-CF codes
    gives two results that differ only in value)."""
    return (result.source_line or 0, result.severity != "violation", result.focus, result.shape,
            result.path or "", result.value or "", result.message_en, result.message_et)


def restore_languages(report: Graph, shapes: Graph) -> None:
    """Give every result its message in each language of its rule. pySHACL (and pyshacl-turbo
    alike) drops the language tag of a message it fills in from a SPARQL result: put it back by
    finding the shape's message template the text matches. A SPARQL constraint has one
    sh:message (Jena refuses more) and its other languages as kshape:message: fill those in with
    the values the matched template read off the text."""
    for result in set(report.subjects(RDF.type, SH.ValidationResult)):
        source = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
        templates = [m for m in shapes.objects(source, SH.message) if m.language]
        others = [m for m in shapes.objects(source, KSHAPE.message) if m.language]
        for message in list(report.objects(result, SH.resultMessage)):
            if not isinstance(message, Literal):
                continue
            for template in templates:
                if message.language not in (None, template.language):
                    continue
                values = _template_values(str(template), str(message))
                if values is None:
                    continue
                if message.language is None:
                    report.remove((result, SH.resultMessage, message))
                    report.add((result, SH.resultMessage,
                                Literal(str(message), lang=template.language)))
                present = {m.language for m in report.objects(result, SH.resultMessage)
                           if isinstance(m, Literal)}
                for other in others:
                    if other.language not in present:
                        report.add((result, SH.resultMessage,
                                    Literal(_fill(str(other), values), lang=other.language)))
                break


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@lru_cache(maxsize=256)
def _template_regex(template: str) -> tuple[re.Pattern, tuple[str, ...]]:
    """A regex matching the messages filled in from `template`, and its placeholders' names in
    the order of the regex's groups."""
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, …, text
    regex = "(.*?)".join(re.escape(text) for text in parts[::2])
    return re.compile("(?s)" + regex), tuple(parts[1::2])


def _template_values(template: str, message: str) -> dict[str, str] | None:
    """The values `message` filled into `template`'s placeholders, or None if it is not an
    instance of that template."""
    regex, names = _template_regex(template)
    match = regex.fullmatch(message)
    if match is None:
        return None
    values: dict[str, str] = {}
    for name, value in zip(names, match.groups()):
        values.setdefault(name, value)
    return values


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _results(report: Graph, data: Graph) -> list[Result]:
    results = []
    # top-level results only: those nested under sh:detail (from sh:node) explain a parent
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        messages = {m.language: str(m) for m in report.objects(node, SH.resultMessage)
                    if isinstance(m, Literal)}
        line = data.value(focus, KUTSE.sourceLine)
        source = data.value(focus, KUTSE.sourceFile)
        results.append(Result(
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "violation"),
            focus=str(focus),
            path=_text(report, report.value(node, SH.resultPath)),
            value=_text(report, report.value(node, SH.value)),
            message_et=messages.get("et", messages.get(None, "")),
            message_en=messages.get("en", messages.get(None, "")),
            source_file=str(source) if source is not None else _standard_file(data),
            source_line=int(line) if line is not None else None,
            shape=str(report.value(node, SH.sourceShape)),
        ))
    results.sort(key=_order)
    return results


def _text(report: Graph, node: Node | None) -> str | None:
    """A path or value as text: IRIs and literals as they are, SHACL paths in SPARQL syntax
    (^p for an inverse path, (p|q) for alternatives, p/q for a sequence)."""
    if node is None:
        return None
    if not isinstance(node, BNode):
        return str(node)
    inverse = report.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _text(report, inverse)
    alternatives = report.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_text(report, n) for n in Collection(report, alternatives)) + ")"
    if report.value(node, RDF.first) is not None:
        return "/".join(_text(report, n) for n in Collection(report, node))
    return str(node)


def _standard_file(data: Graph) -> str | None:
    for subject in data.subjects(RDF.type, KUTSE.OccupationalStandard):
        source = data.value(subject, KUTSE.sourceFile)
        if source is not None:
            return str(source)
    return None


# --------------------------------------------------------------------------------------------
# Output


def format_report(reports: Iterable[ValidationReport]) -> str:
    """Readable report grouped by standard: `file:line: severity: [focus] message`, the English
    message on the line and the Estonian one below it."""
    reports = list(reports)
    lines = []
    for report in reports:
        name = report.source_file or "(graph)"
        title = f" ({report.title})" if report.title else ""
        lines.append(f"{name}{title}: {_count(len(report.violations), 'violation')}, "
                     f"{_count(len(report.warnings), 'warning')}")
        for r in report.results:
            where = r.source_file or name
            where = position(where, r.source_line) if r.source_line else where
            focus = _short(r.focus, report.subject)
            lines.append(f"{where}: {r.severity}: [{focus}] {r.message_en}{_value(r, report)}")
            lines.append(f"    et: {r.message_et}")
    violations = sum(len(r.violations) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    lines.append(f"{_count(len(reports), 'standard')} validated: "
                 f"{_count(violations, 'violation')}, {_count(warnings, 'warning')}")
    return "\n".join(lines) + "\n"


def _value(result: Result, report: ValidationReport) -> str:
    """The offending IRI, when the message does not already name it."""
    value = result.value
    if not value or not value.startswith(("http://", "https://")):
        return ""
    short = _short(value, report.subject)
    return "" if short.rsplit("/", 1)[-1] in result.message_en else f" ({short})"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(focus: str, subject: str | None) -> str:
    if subject and focus.startswith(subject + "/"):
        return focus[len(subject) + 1:]
    if subject and focus == subject:
        return "standard"
    return focus


def write_report_files(reports: list[dict], turtle_bodies: list[bytes],
                       folder: Path) -> tuple[int, int]:
    """The report files from reports as plain data (`to_json`) and their report graphs as
    Turtle bodies (`turtle_body`): what a build has of each standard, worked out in its worker
    or taken from the cache, so merging the reports is concatenation, not an rdflib merge.
    Returns the numbers of violations and warnings."""
    return write_report_entries([report_entry(r) for r in reports], turtle_bodies, folder)


def report_entry(report: dict) -> tuple[bytes, int, int, bool]:
    """A standard's entry of validation.json from its report (`to_json`), as the file holds it
    (JSON indented for its place in the list), with its violations, warnings and conformance:
    a build joins the entries its units made (write_report_entries) instead of writing
    ~9,000 results of a register as JSON again."""
    violations, warnings = _severity_count(report, "violation"), _severity_count(report, "warning")
    entry = {"file": report["source_file"], "title": report["title"], "standard": report["subject"],
             "conforms": report["conforms"], "violations": violations, "warnings": warnings,
             "results": report["results"]}
    text = json.dumps(entry, ensure_ascii=False, indent=2)
    # two levels down (the top object, its "standards" list): json.dumps indents by level only
    return ("    " + text.replace("\n", "\n    ")).encode(), violations, warnings, report["conforms"]


def write_report_entries(entries: list[tuple[bytes, int, int, bool]], turtle_bodies: list[bytes],
                         folder: Path) -> tuple[int, int]:
    """write_report_files from the standards' entries (report_entry): the same bytes as
    json.dumps(..., indent=2) of the whole report."""
    folder.mkdir(parents=True, exist_ok=True)
    from kutse_rdf.graph.ntriples import prefix_lines

    turtle = b"".join([prefix_lines(REPORT_PREFIXES), b"\n", *turtle_bodies])
    _write_atomic(folder / "validation.ttl", turtle.decode("utf-8"))
    violations = sum(e[1] for e in entries)
    warnings = sum(e[2] for e in entries)
    head = json.dumps({"conforms": all(e[3] for e in entries), "violations": violations,
                       "warnings": warnings}, indent=2)[:-2]  # without its closing "\n}"
    standards = (b'"standards": [\n' + b",\n".join(e[0] for e in entries) + b"\n  ]"
                 if entries else b'"standards": []')
    _write_atomic(folder / "validation.json", head.encode() + b",\n  " + standards + b"\n}\n")
    return violations, warnings


def _severity_count(report: dict, severity: str) -> int:
    return sum(1 for r in report["results"] if r["severity"] == severity)


def _write_atomic(path: Path, text: str | bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    tmp.replace(path)
