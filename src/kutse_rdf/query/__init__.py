"""The query stage: named SPARQL queries, run with Oxigraph over the built graph.

The modules, each importing only those above it (tables.py and xlsx.py import none of them):

- named.py: the named queries (queries/*.rq and a publisher's extra folder), their header
  (title, questions, typed parameters), finding one by name;
- predicates.py: the predicates the named queries can read (the build's query store keeps only
  those triples), and how they read names (a renamed resource need not run them again);
- store.py: the Oxigraph stores queries run on, from a build's dump or an rdflib Dataset;
- params.py: `--param KEY=VALUE` text bound as RDF terms (a standard by IRI, slug or file);
- execute.py: running a query in Oxigraph (and in rdflib, the reference) and its answer;
- tables.py: spreadsheet-ready tables (label columns, natural order, csv / tsv / excel-csv);
- xlsx.py: a table as an Excel workbook (.xlsx), written with zipfile;
- formats.py: the answer as W3C JSON / CSV, labelled tables, a readable table, Markdown,
  N-Triples;
- reports.py: the build's reports/queries/NAME.csv and .json;
- relabel.py: those reports after an edit that changed only names: the previous answers with
  the new names put in;
- remote.py: a query on a store loaded by `kutse-rdf publish`, over HTTP (`query --endpoint`).

The names below are the package's public surface: callers outside the package import from here.
"""
from kutse_rdf.query.named import (PARAM_TYPES, PROLOGUE, Param, QueryFile, check_syntax,
                                   find_query, inline_query, library, read_folder, read_query,
                                   report_queries, syntax_error, with_prologue)
from kutse_rdf.query.tables import (DIALECTS, compact, individual_labels, label, labelled,
                                    labelled_answer, natural_key, sort_list, write_table)
from kutse_rdf.query.predicates import (PREDICATES_FILE, library_digest, library_predicates,
                                        predicates_record, predicates_used, shipped_predicates,
                                        typed_as, write_predicates_file)
from kutse_rdf.query.store import (DATA_FORMATS, BuildData, check_data_file, needs_named_graphs,
                                   parse_day, parse_versions, select_versions, standards_in,
                                   store_from_dataset, store_from_file)
from kutse_rdf.query.params import bind_params, parse_params, resolve_standard
from kutse_rdf.query.execute import (JSON, KEPT_FORMATS, TSV, Result, canonical, run, run_bound,
                                     run_reference)
from kutse_rdf.query.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE, TooLarge, workbook
from kutse_rdf.query.formats import (LABEL_PREDICATES, PREFIXES, labels_for, readable_rows,
                                     render, to_csv, to_json, to_labelled, to_markdown, to_table,
                                     to_xlsx, triples_text)
from kutse_rdf.query.reports import REPORT_SUFFIXES, write_reports
from kutse_rdf.query.relabel import changed_labels, relabel_reports
from kutse_rdf.query.remote import Remote

__all__ = [
    "PARAM_TYPES", "PROLOGUE", "Param", "QueryFile", "check_syntax", "find_query", "inline_query",
    "library", "read_folder", "read_query", "syntax_error", "with_prologue",
    "DIALECTS", "compact", "individual_labels", "label", "labelled", "labelled_answer",
    "natural_key", "sort_list", "write_table",
    "PREDICATES_FILE", "library_digest", "library_predicates", "predicates_record",
    "predicates_used", "shipped_predicates", "typed_as", "write_predicates_file",
    "DATA_FORMATS", "BuildData", "check_data_file", "needs_named_graphs", "standards_in",
    "parse_day", "parse_versions", "select_versions",
    "store_from_dataset", "store_from_file",
    "bind_params", "parse_params", "resolve_standard",
    "JSON", "KEPT_FORMATS", "TSV", "Result", "canonical", "run", "run_bound", "run_reference",
    "LABEL_PREDICATES", "PREFIXES", "labels_for", "readable_rows", "render", "to_csv", "to_json",
    "to_labelled", "to_markdown", "to_table", "to_xlsx", "triples_text",
    "XLSX_MEDIA_TYPE", "TooLarge", "workbook",
    "REPORT_SUFFIXES", "report_queries", "write_reports",
    "changed_labels", "relabel_reports",
    "Remote",
]
