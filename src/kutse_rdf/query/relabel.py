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

import json
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kutse_rdf.graph.ntriples import PREF_LABEL


def changed_labels(old: bytes, new: bytes) -> dict[tuple[str, str], str] | None:
    """{(IRI, language): new name} of the prefLabel lines that differ between two builds'
    label lines; None when anything else differs (a name added or removed, a second name in a
    language, a skos:notation): then the answers must be worked out again."""
    gone = set(old.splitlines(keepends=True))
    came = set(new.splitlines(keepends=True))
    before, after = _names(b"".join(sorted(gone - came))), _names(b"".join(sorted(came - gone)))
    if before is None or after is None or before.keys() != after.keys():
        return None
    return {key: value for key, value in after.items()}


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


def relabelled(previous: bytes, uses: dict, changed: dict[tuple[str, str], str],
               ) -> bytes | None:
    """A report's W3C JSON answer (as reports.py writes it) with the changed names put in, or
    None when the query must be run again (a sorted name changed, an answer this module did
    not write the way Oxigraph does)."""
    try:
        answer = json.loads(previous)
    except ValueError:
        return None
    if _dumps(answer) != previous:
        return None
    head = set(answer["head"]["vars"])
    rows = answer["results"]["bindings"]
    for kind in ("pure", "sorted"):
        for variable, (subject, _) in uses[kind].items():
            if variable in head and subject not in head:
                return None
    for variable, (subject, lang) in uses["sorted"].items():
        if any((row[subject]["value"], lang) in changed for row in rows if subject in row):
            return None
    for variable, (subject, lang) in uses["pure"].items():
        if variable not in head:
            continue
        for row in rows:
            name = changed.get((row[subject]["value"], lang)) if subject in row else None
            if name is not None:
                if variable not in row:
                    return None
                row[variable]["value"] = name
    return _dumps(answer)


def _dumps(answer) -> bytes:
    """JSON as Oxigraph writes a SPARQL answer (compact, UTF-8), with the build's newline."""
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def names_renamed(answer: bytes, changed: dict[tuple[str, str], str]) -> bool:
    """Whether an answer's IRI cells include a renamed resource (its CSV's label columns)."""
    renamed = {iri for iri, _ in changed}
    return any(cell.get("type") == "uri" and cell.get("value") in renamed
               for row in json.loads(answer)["results"]["bindings"] for cell in row.values())


def relabel_reports(out_dir: Path, previous_dir: Path, names: Iterable[str],
                    uses: dict[str, dict | None], changed: dict[tuple[str, str], str],
                    label_lines: bytes) -> list[str]:
    """Write each report of `names` from the previous build's (previous_dir) with the changed
    names; return the names of those that must be run again. A report's CSV is made again
    from its answer when a renamed resource is in it (its label columns), else linked."""
    from kutse_rdf.engine.cache import link_or_copy
    from kutse_rdf.query.execute import TSV
    from kutse_rdf.query.tables import labelled_answer, pref_labels, write_table

    out_dir.mkdir(parents=True, exist_ok=True)
    again: list[str] = []
    label_store: list = []  # made once, when a CSV is made again
    cache: dict[str, str] = {}
    for name in names:
        use = uses.get(name)
        try:
            previous = (previous_dir / f"{name}.json").read_bytes()
        except OSError:
            previous = None
        answer = None if use is None or previous is None else relabelled(previous, use, changed)
        if answer is None:
            again.append(name)
            continue
        (out_dir / f"{name}.json").write_bytes(answer)
        if answer == previous and not names_renamed(answer, changed):
            try:
                link_or_copy(previous_dir / f"{name}.csv", out_dir / f"{name}.csv")
                continue
            except OSError:
                pass
        if not label_store:
            store = ox.Store()
            store.bulk_load(label_lines, format=ox.RdfFormat.N_TRIPLES)
            label_store[:] = [store, pref_labels(store)]
        variables, tsv, csv_text = _texts(answer[:-1], (TSV, ox.QueryResultsFormat.CSV))
        columns, rows = labelled_answer(variables, tsv, csv_text, label_store[0], "et", cache,
                                        label_store[1])
        (out_dir / f"{name}.csv").write_bytes(write_table(columns, rows, "csv"))
    return again


def _texts(answer: bytes, formats) -> tuple[list[str], bytes, bytes]:
    """The answer's variables and its serialisations in `formats` (TSV, CSV), by Oxigraph."""
    texts = []
    for form in formats:
        parsed = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
        variables = [v.value for v in parsed.variables]
        texts.append(parsed.serialize(format=form))
    return variables, *texts
