"""The build's query reports: each named query without required parameters, answered on the
build's data and written to reports/queries/NAME.json (W3C SPARQL results) and NAME.csv (the
same rows with a label column beside each IRI column, tables.py).

The site shows them; build.py decides when they must be run again (predicates.py) and
when the previous build's files can be linked instead (report_queries, REPORT_SUFFIXES).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.query.execute import TSV, run_bound
from kutse_rdf.query.named import QueryFile, report_queries
from kutse_rdf.query.store import store_from_dataset
from kutse_rdf.query.tables import labelled_answer, pref_labels, write_table

REPORT_SUFFIXES = ("csv", "json")  # the files of a report: NAME.csv, NAME.json


def write_reports(out_dir: Path, data: Any, queries: dict[str, QueryFile] | None = None,
                  ) -> list[str]:
    """Run every query without required parameters (of `queries`, default the shipped library)
    on the build's data (an Oxigraph store with the union as default graph, or an rdflib
    Dataset); write NAME.csv and NAME.json. Returns the names of the queries skipped (they need
    parameters). A reported query must be a SELECT.

    Two queries run at a time: Oxigraph releases the GIL while it answers and writes, so two
    cores answer two queries at once (a rebuild waits for the reports)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    store = data if isinstance(data, ox.Store) else store_from_dataset(data)
    reported, skipped = report_queries(queries)
    names: dict[str, str] = {}  # labels, shared by the reports (the same IRIs recur)
    prefetched = pref_labels(store)

    def report(name: str, query: QueryFile) -> None:
        # The answer is kept as TSV; the same bytes `query --format json / csv` print.
        result = run_bound(store, query, {})
        if result.answer is None:
            raise InputError("a query the build reports must be a SELECT query (a query with a "
                             "required parameter is not reported)", file=str(query.path))
        (out_dir / f"{name}.json").write_bytes(result.serialize(ox.QueryResultsFormat.JSON)
                                               + b"\n")
        # the spreadsheet-ready table: a label column (Estonian) beside each IRI column
        columns, rows = labelled_answer(result.variables, result.serialize(TSV),
                                        result.serialize(ox.QueryResultsFormat.CSV), store,
                                        "et", names, prefetched)
        (out_dir / f"{name}.csv").write_bytes(write_table(columns, rows, "csv"))

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for done in [pool.submit(report, name, query) for name, query in reported.items()]:
            done.result()  # a query's error is raised here, in the order of the library
    return skipped
