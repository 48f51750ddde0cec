"""Per-query times of the query library on a build.

    python benchmarks/queries.py BUILD_DIR [--repeat 3] [--union-only] [--queries DIR]
                                           [--standard SLUG] [--stage]

Loads BUILD_DIR/data/all.trig the way `kutse-rdf query --data` does (every named graph plus their
union as the default graph; --union-only loads data/all.nt, the union alone, to see what the
named graphs cost), runs each library query once as a warm-up, then --repeat times, and prints the best time
of each step: `engine` is Oxigraph evaluating the query and writing W3C SPARQL JSON (in Rust, what
the build's reports and the endpoint do); `run` is query.run, the rows as pyoxigraph terms (what
the CLI and the tests use). compare-standards gets the first two standards of the build.
--queries DIR times the .rq files of another folder (e.g. an older copy of queries/) instead;
--standard SLUG gives each query that takes it that standard (one standard of the register).
A query's required `standard` gets the build's first standard. --stage also times the build's
query stage (query.write_reports: every query without required parameters, CSV + JSON files in a
temporary folder).
Not a test: the machines are shared and noisy, so people read these numbers.
"""
from __future__ import annotations

import argparse
import tempfile
import time
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


def load(data: Path, union_only: bool) -> ox.Store:
    if not union_only:
        return q.store_from_file(data / "all.trig")
    store = ox.Store()  # data/all.nt is the union of the graphs, each triple once
    store.bulk_load(path=str(data / "all.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--union-only", action="store_true")
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--standard")
    parser.add_argument("--stage", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    store = load(args.build / "data", args.union_only)
    print(f"loaded {len(store)} quads in {time.perf_counter() - started:.1f} s "
          f"({'union only' if args.union_only else 'named graphs + union'})")
    standards = q.standards_in(store)
    queries = ({p.stem: q.read_query(p) for p in sorted(args.queries.glob("*.rq"))}
               if args.queries else q.library())
    print(f"{'query':24} {'rows':>7} {'engine ms':>10} {'run ms':>8}")
    for name, query in queries.items():
        params = {p.name: standards[i % len(standards)]
                  for i, p in enumerate(query.params) if p.required}
        if args.standard and query.param("standard"):
            params["standard"] = args.standard
        bindings = q.bind_params(query, params, store)
        substitutions = {ox.Variable(k): v for k, v in bindings.items()} or None

        def engine():
            answer = store.query(query.text, substitutions=substitutions)
            return answer.serialize(format=ox.QueryResultsFormat.JSON)

        engine()  # warm-up
        engine_s, _ = best_of(args.repeat, engine)
        run_s, result = best_of(args.repeat, lambda: q.run(store, query, params))
        print(f"{name:24} {len(result.rows):7} {engine_s * 1000:10.0f} {run_s * 1000:8.0f}",
              flush=True)
    if args.stage:
        with tempfile.TemporaryDirectory() as folder:
            stage_s, _ = best_of(args.repeat, lambda: q.write_reports(Path(folder), store))
        print(f"query stage (write_reports): {stage_s:.2f} s")


if __name__ == "__main__":
    main()
