"""The build's reports after an edit that changed only the text of some skos:prefLabels (a
competence renamed): the previous answers with the new names put in, instead of a query store
loaded and every query run again.

A query reads a name this way when its only use of skos:prefLabel is a *label join*,
`OPTIONAL { ?S skos:prefLabel ?V FILTER(lang(?V) = "L") }`, with ?V otherwise only projected
(a "pure" label: each row's ?V is the L name of its ?S, so a new name changes that cell and
nothing else) or also sorted on (the answer is unchanged while no row's ?S was renamed). Which
variables are which is worked out once per query text, with the predicates (predicates.py,
label_uses). Whether an edit changed only names: the units' query_rows_digest (their query
lines with each prefLabel's text left out, graph/ntriples.py without_label_texts) equals the
previous build's.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kutse_rdf.graph.ntriples import PREF_LABEL
from kutse_rdf.query.reports import REPORT_SUFFIXES


def changed_labels(old: bytes, new: bytes) -> dict[tuple[str, str], str] | None:
    """{(IRI, language): new name} of the prefLabel lines that differ between two builds'
    label lines; None when anything else differs (a name added or removed, a second name in a
    language, a skos:notation): then the answers must be worked out again."""
    gone = set(old.splitlines(keepends=True))
    came = set(new.splitlines(keepends=True))
    before, after = _names(b"".join(sorted(gone - came))), _names(b"".join(sorted(came - gone)))
    if before is None or after is None or before.keys() != after.keys():
        return None
    return after


def _names(lines: bytes) -> dict[tuple[str, str], str] | None:
    found: dict[tuple[str, str], str] = {}
    for triple in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES):
        subject, value = triple.subject, triple.object
        if (triple.predicate.value != PREF_LABEL or not isinstance(subject, ox.NamedNode)
                or not isinstance(value, ox.Literal) or not value.language):
            return None
        key = (subject.value, value.language)
        if key in found:
            return None
        found[key] = value.value
    return found


# how reports.py's answers are laid out (Oxigraph's JSON writer): the rows between these
_HEAD, _ROWS, _END = b'{"head":', b',"results":{"bindings":[', b"]}}\n"
_BETWEEN_ROWS = b'}},{"'  # a row's last cell closing, the next row opening: never in a string
_SUBJECT_LINE = re.compile(rb"^<([^>\n]*)> [^\n]*\n", re.M)  # an N-Triples line, its subject


def relabelled(previous: bytes, uses: dict, changed: dict[tuple[str, str], str],
               ) -> tuple[bytes, dict[int, dict]] | None:
    """A report's W3C JSON answer (as reports.py writes it) with the changed names put in, and
    the rows that name a renamed resource by their index (their CSV lines change); None when
    the query must be run again (a sorted name changed, an answer not laid out as Oxigraph
    writes it). Only those rows are read: an answer is megabytes on a register."""
    if not (previous.startswith(_HEAD) and previous.endswith(_END) and _ROWS in previous):
        return None
    try:
        head = set(_variables(previous))
    except (ValueError, KeyError, TypeError):
        return None
    for kind in ("pure", "sorted"):
        for variable, (subject, _) in uses[kind].items():
            if variable in head and subject not in head:
                return None
    first, last = previous.index(_ROWS) + len(_ROWS), len(previous) - len(_END)
    starts: set[int] = set()
    for iri in {iri for iri, _ in changed}:
        cell = b'{"type":"uri","value":' + json.dumps(iri, ensure_ascii=False).encode() + b"}"
        at = previous.find(cell, first, last)
        while at >= 0:
            start = previous.rfind(_BETWEEN_ROWS, first, at)
            starts.add(first if start < 0 else start + 3)
            at = previous.find(cell, at + len(cell), last)
    pieces, rows, done, index = [previous[:first]], {}, first, 0
    for start in sorted(starts):
        end = previous.find(_BETWEEN_ROWS, start, last)
        end = last if end < 0 else end + 2
        text = previous[start:end]
        try:
            row = json.loads(text)
        except ValueError:
            return None
        if _dumps(row) != text:
            return None
        for variable, (subject, lang) in uses["sorted"].items():
            if subject in row and (row[subject]["value"], lang) in changed:
                return None
        for variable, (subject, lang) in uses["pure"].items():
            name = changed.get((row[subject]["value"], lang)) if subject in row else None
            if name is not None and variable in head:
                if variable not in row:
                    return None
                row[variable]["value"] = name
        # the rows before this one: separators since the last row read (its own included)
        index += previous.count(_BETWEEN_ROWS, max(done - 2, first), start + 2)
        rows[index] = row
        pieces += [previous[done:start], _dumps(row)]
        done = end
    return b"".join([*pieces, previous[done:]]), rows


def _variables(answer: bytes) -> list[str]:
    """The variables of an answer laid out as relabelled() expects (its head)."""
    return json.loads(answer[len(_HEAD):answer.index(_ROWS)])["vars"]


def _dumps(value) -> bytes:
    """JSON as Oxigraph writes a SPARQL answer (compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def relabelled_table(previous: bytes, rows: dict[int, dict], count: int, variables: list[str],
                     name_of) -> bytes | None:
    """A report's CSV (reports.py) of `count` rows with the lines of `rows` (index -> JSON row)
    written again, their label columns by `name_of(IRI)`; None when its lines cannot be told
    apart (a cell with a line break)."""
    lines = previous.split(b"\r\n")
    if (lines[-1] != b"" or len(lines) != count + 2
            or previous.count(b"\n") != len(lines) - 1):
        return None
    header = next(csv.reader([lines[0].decode("utf-8")]))
    for index, row in rows.items():
        if index + 1 >= len(lines) - 1:
            return None
        cells = []
        for name in variables:
            cell = row.get(name)
            value = ("" if cell is None else
                     "_:" + cell["value"] if cell["type"] == "bnode" else cell["value"])
            cells.append(value)
            if f"{name}Label" in header and f"{name}Label" not in variables:
                cells.append(name_of(value) if cell is not None and cell["type"] == "uri" else "")
        if len(cells) != len(header):
            return None
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[index + 1] = out.getvalue().encode("utf-8")
    return b"\r\n".join(lines)


def relabel_reports(out_dir: Path, previous_dir: Path, names: Iterable[str],
                    uses: dict[str, dict | None], changed: dict[tuple[str, str], str],
                    label_lines: bytes) -> list[str]:
    """Write each report of `names` from the previous build's (previous_dir) with the changed
    names; return the names of those that must be run again. A report's CSV is linked when no
    row names a renamed resource, else its lines that do are written again."""
    from kutse_rdf.engine.cache import link_or_copy
    from kutse_rdf.query.tables import label

    out_dir.mkdir(parents=True, exist_ok=True)
    again: list[str] = []
    answers: dict[str, tuple[bytes, dict[int, dict]]] = {}
    for name in names:
        use = uses.get(name)
        try:
            previous = (previous_dir / f"{name}.json").read_bytes()
        except OSError:
            previous = None
        made = None if use is None or previous is None else relabelled(previous, use, changed)
        if made is None:
            again.append(name)
        else:
            answers[name] = made
    # the names the changed lines show, from a store of just the lines about their resources
    wanted = {cell["value"].encode() for _, rows in answers.values() for row in rows.values()
              for cell in row.values() if cell["type"] == "uri"}
    store = ox.Store()
    if wanted:
        lines = [m.group(0) for m in _SUBJECT_LINE.finditer(label_lines) if m.group(1) in wanted]
        store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    names_of: dict[str, str] = {}

    def name_of(iri: str) -> str:
        if iri not in names_of:
            names_of[iri] = label(store, ox.NamedNode(iri), "et")
        return names_of[iri]

    for name, (answer, rows) in answers.items():
        try:
            if not rows:  # no renamed resource in it: the same files
                for suffix in REPORT_SUFFIXES:
                    link_or_copy(previous_dir / f"{name}.{suffix}", out_dir / f"{name}.{suffix}")
                continue
            variables = _variables(answer)
            count = answer.count(_BETWEEN_ROWS) + 1  # rows: some are changed, so not none
            table = relabelled_table((previous_dir / f"{name}.csv").read_bytes(), rows, count,
                                     variables, name_of)
        except OSError:
            table = None
        if table is None:
            again.append(name)  # written again by the caller, both files
        else:
            (out_dir / f"{name}.json").write_bytes(answer)
            (out_dir / f"{name}.csv").write_bytes(table)
    return again
