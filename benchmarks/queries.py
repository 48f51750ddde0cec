"""Per-query times of the query library on a build.

    python benchmarks/queries.py BUILD_DIR [--repeat 3] [--full] [--queries DIR]
                                           [--standard SLUG] [--stage]
    python benchmarks/queries.py BUILD_DIR --vs OTHER_BUILD [--vs-queries DIR] [--repeat 9]

Loads BUILD_DIR/data/all.trig the way `kutse-rdf query --data` and `serve` do (query.BuildData: a
query that names no graph runs on the union alone, data/all.nt; every library query is one),
runs each library query once as a warm-up, then --repeat times, and prints the best time of each
step:
  engine  Oxigraph evaluating the query and writing W3C SPARQL JSON (in Rust: what the build's
          reports and the endpoint do);
  run     query.run: the same, the answer kept as SPARQL TSV (what the CLI and the tests start
          from; no Python terms yet);
  json    what `query --format json` does after loading: query.run keeping the answer as
          JSON, then its text (query.to_json);
  rows    query.run, then its rows as pyoxigraph terms (what the table output and the tests read).
--full also times `engine` on the store with every named graph plus their union as the default
graph (query.store_from_file: what a query naming a graph gets; what `query --data` and `serve`
used for every query before), loaded as well.
--queries DIR times the .rq files of another folder (e.g. an older copy of queries/) instead;
--standard SLUG gives each query that takes it that standard (one standard of the register).
A query's required parameters get the build's first standards, --date (today by default) and,
for competence-history's code, the first competence code of its standard. --stage also times
the build's query stage (query.write_reports: every query without required parameters, CSV +
JSON files in a temporary folder).
--vs OTHER_BUILD compares instead: every query without required parameters of each side (this
build with --queries or the library; OTHER_BUILD with --vs-queries, e.g. an older checkout's
queries/, else the library too) on its own build's store, `engine` only, the
two sides' queries taking turns for --repeat rounds in one process, so that both meet the same
moments of a noisy machine; prints each query's min and median and the ratio of the slowest.
Not a test: the machines are shared and noisy, so people read these numbers.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kutse_rdf import query as q


def best_of(repeat: int, step) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = step()
        best = min(best, time.perf_counter() - started)
    return best, value


def first_code(store, standard: str) -> str:
    """The notation of the standard's first competence (competence-history's required code)."""
    found = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX kutse: <https://w3id.org/kutse-rdf/ontology#> "
        f"SELECT ?code WHERE {{ ?c skos:inScheme <{standard}> ; a kutse:Competence ; "
        "skos:notation ?code } ORDER BY ?code LIMIT 1")
    return next((row["code"].value for row in found), "B.3.1")


def required_params(query, standards: list[str], store, day: str,
                    standard: str | None = None) -> dict[str, str]:
    """The values a query is timed with: its required standards the build's first ones (or
    `standard` for a query that takes one), a date `day`, and for competence-history's code the
    first competence code of its standard."""
    params = {p.name: standards[i % len(standards)]
              for i, p in enumerate(query.params) if p.required and p.type == "standard"}
    if standard and query.param("standard"):
        params["standard"] = standard
    for p in query.params:
        if p.required and p.type == "date":
            params[p.name] = day
        elif p.required and p.type == "string" and p.name == "code" and "standard" in params:
            params[p.name] = first_code(store, q.resolve_standard(params["standard"], store))
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--standard")
    parser.add_argument("--stage", action="store_true")
    parser.add_argument("--date", default=date.today().isoformat())
    parser.add_argument("--vs", type=Path, metavar="OTHER_BUILD")
    parser.add_argument("--vs-queries", type=Path, metavar="DIR")
    args = parser.parse_args()
    if args.vs:
        compare(args)
        return

    data = q.BuildData(args.build / "data" / "all.trig")
    queries = queries_in(args.queries)
    for name, query in queries.items():
        started = time.perf_counter()
        data.store_for(query.text)
        if time.perf_counter() - started > 0.1:
            print(f"loaded for {name}: {time.perf_counter() - started:.1f} s")
    full = None
    if args.full:
        started = time.perf_counter()
        full = data.full()
        print(f"loaded the named graphs + union: {time.perf_counter() - started:.1f} s")
    some = next(iter(queries.values()))
    standards = q.standards_in(data.store_for(some.text))
    print(f"{'query':24} {'rows':>7} {'engine ms':>10} {'run ms':>7} {'json ms':>8} "
          f"{'rows ms':>8}" + (f" {'full ms':>8}" if full else ""))
    for name, query in queries.items():
        store = data.store_for(query.text)
        params = required_params(query, standards, store, args.date, args.standard)
        bindings = q.bind_params(query, params, store)
        substitutions = {ox.Variable(k): v for k, v in bindings.items()} or None

        def engine(on=store):
            answer = on.query(query.text, substitutions=substitutions)
            return answer.serialize(format=ox.QueryResultsFormat.JSON)

        engine()  # warm-up
        engine_s, _ = best_of(args.repeat, engine)
        run_s, result = best_of(args.repeat, lambda: q.run(store, query, params))
        json_s, _ = best_of(args.repeat,
                            lambda: q.to_json(q.run(store, query, params, keep=q.JSON)))
        rows_s, _ = best_of(args.repeat, lambda: q.run(store, query, params).rows)
        line = (f"{name:24} {len(result.rows):7} {engine_s * 1000:10.0f} {run_s * 1000:7.0f} "
                f"{json_s * 1000:8.0f} {rows_s * 1000:8.0f}")
        if full is not None:
            engine(full)  # warm-up
            full_s, _ = best_of(args.repeat, lambda: engine(full))
            line += f" {full_s * 1000:8.0f}"
        print(line, flush=True)
    if args.stage:
        store = data.store_for(some.text)
        with tempfile.TemporaryDirectory() as folder:
            stage_s, _ = best_of(args.repeat, lambda: q.write_reports(Path(folder), store))
        print(f"query stage (write_reports): {stage_s:.2f} s")


def queries_in(folder: Path | None) -> dict[str, q.QueryFile]:
    """The .rq files of `folder` by name, else the library."""
    return ({p.stem: q.read_query(p) for p in sorted(folder.glob("*.rq"))} if folder
            else q.library())


def reported(build: Path, folder: Path | None) -> list[tuple[str, str, ox.Store]]:
    """(name, text, store) of each query a build reports (query.report_queries), on the
    build's store."""
    data = q.BuildData(build / "data" / "all.trig")
    queries, _ = q.report_queries(queries_in(folder))
    return [(name, query.text, data.store_for(query.text)) for name, query in queries.items()]


def compare(args) -> None:
    sides = {"this": reported(args.build, args.queries),
             "other": reported(args.vs, args.vs_queries)}
    times: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.repeat + 1):  # the first round warms up
        for side, queries in sides.items():
            for name, text, store in queries:
                started = time.perf_counter()
                store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
                if round_:
                    times.setdefault((name, side), []).append(time.perf_counter() - started)
    print(f"{'query':24} {'side':6} {'min ms':>7} {'median ms':>10}")
    for (name, side), spent in sorted(times.items()):
        print(f"{name:24} {side:6} {min(spent) * 1000:7.0f} {statistics.median(spent) * 1000:10.0f}")
    for label, pick in (("min", min), ("median", statistics.median)):
        slowest = {side: max((pick(s), n) for (n, sd), s in times.items() if sd == side)
                   for side in sides}
        (this_ms, this_name), (other_ms, other_name) = slowest["this"], slowest["other"]
        print(f"slowest by {label}: {this_name} {this_ms * 1000:.0f} ms against {other_name} "
              f"{other_ms * 1000:.0f} ms, ratio {this_ms / other_ms:.2f}")


if __name__ == "__main__":
    main()
