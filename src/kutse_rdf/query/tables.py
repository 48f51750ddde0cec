"""Answers as spreadsheet-ready tables: a label column beside every IRI column, codes in natural
order, lists inside a cell in a stable order, and the CSV dialects (csv, tsv, excel-csv).

A label column is named VARLabel and placed right after VAR, unless the query already answers
a VARLabel of its own. The label is the term's skos:prefLabel in the chosen language, else in
the other, else any, else its skos:notation; for the ontology's named individuals (the
competence groups: kutse:mandatory is "kohustuslik" / "mandatory") their rdfs:label in
ontology/kutse.ttl; else the IRI as a prefixed name (kutse:qualifiesFor). Only these two
predicates from the store: the build's query store keeps them
(graph/ntriples.py NAME_PREDICATES), and not rdfs:label, the text of every indicator and
knowledge item, whose edits would otherwise make the build run its reports again.

excel-csv is the dialect Excel opens by double-click in a European locale: UTF-8 with a
byte-order mark (else Excel reads the letters õ ä ö ü š ž as Windows-1252) and `;` between
cells (a `,` is the decimal separator there).
"""
from __future__ import annotations

import csv
import functools
import io
import math
import re
from typing import Any, Iterable

import pyoxigraph as ox

from kutse_rdf.graph.namespaces import OWL, PREFIXES, RDF, RDFS, SKOS, XSD
from kutse_rdf.resources import resource_dir

LANGUAGES = ("et", "en")
LIST_SEPARATOR = ", "  # what a library query's GROUP_CONCAT puts between the items of a list
DIALECTS = ("csv", "tsv", "excel-csv")
_PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))
_NOTATION = ox.NamedNode(str(SKOS.notation))
_TYPE, _INDIVIDUAL, _RDFS_LABEL = str(RDF.type), str(OWL.NamedIndividual), str(RDFS.label)
_DIGITS = re.compile(r"(\d+)")
# SPARQL TSV writes integers, decimals and booleans bare (Turtle's short forms), other typed
# literals as "…"^^<type>
_TSV_INTEGER = re.compile(r"[+-]?\d+")
_TSV_DECIMAL = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+")
_TSV_TYPED = re.compile(r'".*"\^\^<%s([A-Za-z]+)>' % re.escape(str(XSD)), re.DOTALL)
_INTEGER_TYPES = frozenset({"integer", "int", "long", "short", "byte", "nonNegativeInteger",
                            "positiveInteger", "nonPositiveInteger", "negativeInteger",
                            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"})


def natural_key(text: str) -> tuple:
    """Sort key putting codes in natural order: B.3.2 before B.3.10, A.9 before A.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in _DIGITS.split(text) if part)


def sort_list(text: str, separator: str = LIST_SEPARATOR) -> str:
    """The items of a list cell (GROUP_CONCAT, whose order SPARQL leaves open) in natural order."""
    if not text:
        return text
    return separator.join(sorted(text.split(separator), key=natural_key))


def pref_labels(store: ox.Store) -> dict[str, list[ox.Literal]]:
    """Every IRI's skos:prefLabels, read in one query: for the build's reports, whose answers
    hold most of the register's IRIs, one scan is far cheaper than a lookup per IRI."""
    found: dict[str, list[ox.Literal]] = {}
    query = "SELECT ?s ?l WHERE { ?s <%s> ?l FILTER(isIRI(?s) && isLiteral(?l)) }" % _PREF_LABEL.value
    for subject, value in store.query(query):
        found.setdefault(subject.value, []).append(value)
    return found


def label(store: ox.Store, node: ox.NamedNode, lang: str = "et",
          prefetched: dict[str, list[ox.Literal]] | None = None) -> str:
    """A readable name for an IRI in `lang` (see the module's docstring for the order);
    `prefetched`: pref_labels(store)."""
    other = [x for x in LANGUAGES if x != lang]
    if prefetched is not None:
        values = prefetched.get(node.value, [])
    else:
        values = [q.object for q in store.quads_for_pattern(node, _PREF_LABEL, None,
                                                            ox.DefaultGraph())
                  if isinstance(q.object, ox.Literal)]
    for wanted in [lang, *other, None]:
        for value in sorted(values, key=lambda v: (v.language or "", v.value)):
            if wanted is None or value.language == wanted:
                return value.value
    for quad in store.quads_for_pattern(node, _NOTATION, None, ox.DefaultGraph()):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    own = individual_labels().get(node.value)
    if own:
        return next((own[x] for x in [lang, *other] if x in own), next(iter(own.values())))
    return compact(node.value)


@functools.lru_cache(maxsize=1)
def individual_labels() -> dict[str, dict[str, str]]:
    """{IRI: {language: rdfs:label}} of the ontology's named individuals (ontology/kutse.ttl:
    the competence groups kutse:mandatory …). Read from the file, not the store: the build's
    query store keeps no rdfs:label (see the module's docstring), and a store behind --endpoint
    may not hold the ontology at all."""
    path = resource_dir("ontology") / "kutse.ttl"
    triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
    individuals = {t.subject.value for t in triples
                   if t.predicate.value == _TYPE and t.object.value == _INDIVIDUAL}
    found: dict[str, dict[str, str]] = {}
    for t in sorted(triples, key=lambda t: (t.subject.value, t.object.value)):
        if (t.subject.value in individuals and t.predicate.value == _RDFS_LABEL
                and isinstance(t.object, ox.Literal)):
            found.setdefault(t.subject.value, {}).setdefault(t.object.language or "", t.object.value)
    return found


def compact(iri: str) -> str:
    """The IRI as a prefixed name of the project's prefix table, else the IRI itself."""
    best = ""
    found = iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace) and len(namespace) > len(best):
            best, found = namespace, f"{prefix}:{iri[len(namespace):]}"
    return found


def plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def labelled(variables: list[str], rows: Iterable[tuple[Any, ...]], store: ox.Store,
             lang: str = "et") -> tuple[list[str], list[list[str]]]:
    """Columns and rows as text, with a VARLabel column after each column holding IRIs (unless
    the query answers VARLabel itself)."""
    rows = list(rows)
    iri_columns = [i for i, name in enumerate(variables)
                   if f"{name}Label" not in variables
                   and any(isinstance(row[i], ox.NamedNode) for row in rows)]
    columns: list[str] = []
    for i, name in enumerate(variables):
        columns.append(name)
        if i in iri_columns:
            columns.append(f"{name}Label")
    names: dict[str, str] = {}
    out = []
    for row in rows:
        cells = []
        for i, term in enumerate(row):
            cells.append(plain(term))
            if i in iri_columns:
                if isinstance(term, ox.NamedNode):
                    if term.value not in names:
                        names[term.value] = label(store, term, lang)
                    cells.append(names[term.value])
                else:
                    cells.append("")
        out.append(cells)
    return columns, out


def labelled_answer(variables: list[str], tsv: bytes, csv_text: bytes, store: ox.Store,
                    lang: str = "et", names: dict[str, str] | None = None,
                    prefetched: dict[str, list[ox.Literal]] | None = None,
                    typed: bool = False) -> tuple[list[str], list[list[Any]]]:
    """labelled() from an answer Oxigraph wrote twice, as SPARQL TSV (whose cells tell an IRI,
    `<…>`, from a literal) and SPARQL CSV (the plain values): no Python terms are made, which is
    a part of the cost on large answers. `names` caches labels across calls; `prefetched`:
    pref_labels(store). `typed`: numeric literals as int / float and booleans as bool (typed()),
    for a workbook's cells; else every cell is text."""
    kinds = [line.split("\t") for line in tsv.decode("utf-8").split("\n")[1:] if line]
    # a cell may be as long as the answer (a standard's title is not bounded)
    csv.field_size_limit(max(csv.field_size_limit(), len(csv_text) + 1))
    values = list(csv.reader(io.StringIO(csv_text.decode("utf-8"), newline="")))[1:]
    if len(kinds) != len(values):
        raise ValueError("the TSV and CSV answers differ in length")
    names = {} if names is None else names

    def name_of(value: str) -> str:
        key = f"{lang} {value}"
        found = names.get(key)
        if found is None:
            found = names[key] = label(store, ox.NamedNode(value), lang, prefetched)
        return found

    # column by column (comprehensions), then back to rows: a Python loop per cell costs more
    columns: list[str] = []
    cells: list[list[str]] = []
    for i, name in enumerate(variables):
        column = [row[i] for row in values]
        columns.append(name)
        iris = [kind[i].startswith("<") for kind in kinds]
        cells.append([typed_value(kind[i], v) for kind, v in zip(kinds, column)]
                     if typed and not all(iris) else column)
        if f"{name}Label" not in variables and any(iris):
            columns.append(f"{name}Label")
            cells.append([name_of(v) if is_iri else "" for v, is_iri in zip(column, iris)])
    return columns, [list(row) for row in zip(*cells)] if values else []


def typed_value(tsv_cell: str, text: str) -> Any:
    """A literal's value for a spreadsheet cell, from its SPARQL TSV form and plain text: an
    xsd:integer (or a type derived from it) an int; an xsd:decimal, double or float a float;
    an xsd:boolean a bool; anything else (IRIs, strings, dates, a NaN, a decimal of more than
    15 significant digits) the text."""
    match = _TSV_TYPED.fullmatch(tsv_cell)
    kind = match.group(1) if match else None
    if _TSV_INTEGER.fullmatch(tsv_cell) or kind in _INTEGER_TYPES:
        try:
            return int(text)
        except ValueError:
            return text
    if _TSV_DECIMAL.fullmatch(tsv_cell) or kind in ("decimal", "double", "float"):
        try:
            number = float(text)
        except ValueError:
            return text
        digits = re.sub(r"\D", "", re.split(r"[eE]", text)[0]).strip("0")
        # a double holds 15 significant digits exactly: a longer decimal stays text, unrounded
        return number if math.isfinite(number) and len(digits) <= 15 else text
    if tsv_cell in ("true", "false") or kind == "boolean":
        return {"true": True, "1": True, "false": False, "0": False}.get(text, text)
    return text


def write_table(columns: list[str], rows: list[list[str]], dialect: str = "csv") -> bytes:
    """The table as CSV (RFC 4180, comma, CRLF), TSV (tab, LF; tabs and newlines in cells made
    spaces) or excel-csv (UTF-8 with a byte-order mark, `;`, CRLF)."""
    out = io.StringIO()
    if dialect == "tsv":
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(re.sub(r"[\t\r\n]", " ", c) for c in row) + "\n")
        return out.getvalue().encode("utf-8")
    delimiter = ";" if dialect == "excel-csv" else ","
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    lines = plain_lines(rows, delimiter)
    if lines is None:
        writer.writerows(rows)
    else:
        out.write(lines)
    return out.getvalue().encode("utf-8-sig" if dialect == "excel-csv" else "utf-8")


def plain_lines(rows: list[list[str]], delimiter: str) -> str | None:
    """The rows as csv.writer writes them (minimal quoting, CRLF), made a column at a time:
    only a column with a delimiter, quote or line break in one of its cells is quoted cell by
    cell. None where that would not be the same (rows of different lengths, a cell that is not
    text, a row of one empty cell): then the csv module writes them. The reports' ~66,000 rows
    on a register cost the csv module ~0.35 s of a rebuild."""
    if not rows:
        return ""
    width = len(rows[0])
    if any(len(row) != width for row in rows) or (width == 1 and not all(row[0] for row in rows)):
        return None
    columns: list = []
    for column in zip(*rows):
        try:
            joined = "".join(column)
        except TypeError:
            return None
        if needs_quotes(joined, delimiter):
            column = [quoted(cell, delimiter) for cell in column]
        columns.append(column)
    return "".join([delimiter.join(row) + "\r\n" for row in zip(*columns)])


def needs_quotes(text: str, delimiter: str) -> bool:
    """Whether csv.writer's minimal quoting quotes a cell of `text` (or one of the cells
    joined into it)."""
    return delimiter in text or '"' in text or "\r" in text or "\n" in text


def quoted(cell: str, delimiter: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if needs_quotes(cell, delimiter) else cell
