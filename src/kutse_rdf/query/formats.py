"""How an answer is printed: W3C SPARQL results JSON, labelled CSV / TSV / excel-csv
(tables.py) and an Excel workbook (xlsx.py), a readable table, Markdown, and N-Triples for
CONSTRUCT / DESCRIBE.

JSON is written by Oxigraph from the answer it kept (execute.Result), byte for byte the build's
NAME.json; the labelled CSV is byte for byte its NAME.csv. The table and Markdown are for
reading: an IRI is shown by its label (skos:notation, a prefLabel, ...) looked up in the store,
else as a prefixed name.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

import pyoxigraph as ox

from kutse_rdf.graph.namespaces import DCTERMS, RDFS, SCHEMA, SKOS, prefixes
from kutse_rdf.query.execute import JSON, TSV, Result
from kutse_rdf.query.tables import DIALECTS, labelled_answer, plain, write_table
from kutse_rdf.query.xlsx import workbook

# Predicates that give a readable name for an IRI in table output, best first.
LABEL_PREDICATES = tuple(str(p) for p in (SKOS.notation, SKOS.prefLabel, RDFS.label,
                                          DCTERMS.title, SCHEMA.name))
# Prefixes for IRIs that have no label (table output only).
PREFIXES = prefixes("kutse", "ecf4", "ecf3", "ecfl", "eqf", "isco", "esco", "skos", "xsd")


def to_json(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results JSON (a SELECT's written by Oxigraph, without indentation,
    as the build's reports and the endpoint write it)."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    return result.serialize(JSON).decode("utf-8") + "\n"


def to_csv(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results CSV: plain values, CRLF line ends, RFC 4180 quoting (a
    SELECT's written by Oxigraph)."""
    if result.boolean is not None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    return result.serialize(ox.QueryResultsFormat.CSV).decode("utf-8")


def labels_for(store: ox.Store, terms: Iterable[Any]) -> dict[str, str]:
    """A readable name for each IRI: notation, else Estonian / English / any prefLabel, else
    rdfs:label, dct:title or schema:name; else a prefixed name."""
    names: dict[str, str] = {}
    for term in terms:
        if not isinstance(term, ox.NamedNode) or term.value in names:
            continue
        names[term.value] = _label(store, term) or _compact(term.value)
    return names


def _label(store: ox.Store, node: ox.NamedNode) -> str | None:
    for predicate in LABEL_PREDICATES:
        values = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None,
                                                            ox.DefaultGraph())
                  if isinstance(q.object, ox.Literal)]
        for lang in ("et", "en", None, ""):
            for value in values:
                if lang is None or (value.language or "") == lang:
                    return value.value
    return None


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def readable_rows(result: Result, store: ox.Store, width: int = 60) -> list[list[str]]:
    """Rows as text with labels for IRIs; long cells cut to `width` characters."""
    names = labels_for(store, (t for row in result.rows for t in row))
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            text = names[term.value] if isinstance(term, ox.NamedNode) else plain(term)
            text = " ".join(text.split())
            cells.append(text if len(text) <= width else text[:width - 1] + "…")
        rows.append(cells)
    return rows


def to_table(result: Result, store: ox.Store) -> str:
    """A readable terminal table, labels instead of bare IRIs."""
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    rows = readable_rows(result, store)
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(result: Result, store: ox.Store) -> str:
    """A Markdown table, labels instead of bare IRIs."""
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(result.variables) + " |",
             "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |"
              for row in readable_rows(result, store, width=10_000)]
    return "\n".join(lines) + "\n"


def triples_text(result: Result) -> str:
    """CONSTRUCT / DESCRIBE answers as N-Triples."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples or [])


def to_labelled(result: Result, store: ox.Store, dialect: str = "csv", lang: str = "et") -> str:
    """A SELECT answer as a spreadsheet-ready table (tables.py): a label column in `lang` beside
    each IRI column; dialect csv, tsv or excel-csv (its text starts with the byte-order mark)."""
    if result.boolean is not None:
        return to_csv(result)
    columns, rows = labelled_answer(result.variables, result.serialize(TSV),
                                    result.serialize(ox.QueryResultsFormat.CSV), store, lang)
    return write_table(columns, rows, dialect).decode("utf-8")


def to_xlsx(result: Result, store: ox.Store, lang: str = "et", name: str = "answer") -> bytes:
    """A SELECT answer as an Excel workbook (xlsx.py) with excel-csv's columns: a label column in
    `lang` beside each IRI column, numbers as numbers; an ASK answer as one boolean cell. Raises
    xlsx.TooLarge when a worksheet cannot hold it, ValueError for CONSTRUCT / DESCRIBE."""
    if result.triples is not None:
        raise ValueError("a CONSTRUCT or DESCRIBE answer is triples, not a table")
    if result.boolean is not None:
        return workbook(["boolean"], [[result.boolean]], name)
    columns, rows = labelled_answer(result.variables, result.serialize(TSV),
                                    result.serialize(ox.QueryResultsFormat.CSV), store, lang,
                                    typed=True)
    return workbook(columns, rows, name)


def render(result: Result, fmt: str, store: ox.Store, lang: str = "et") -> str:
    """The answer in one of the CLI's formats: table, csv, tsv, excel-csv (labelled, tables.py),
    json (W3C), md."""
    if result.triples is not None:
        return triples_text(result)
    if fmt == "json":
        return to_json(result)
    if fmt in DIALECTS:
        return to_labelled(result, store, fmt, lang)
    if fmt == "md":
        return to_markdown(result, store)
    return to_table(result, store)
