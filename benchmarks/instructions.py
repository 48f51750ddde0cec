"""Instructions one standard costs a build's workers, counted by valgrind (cachegrind's `I refs`):
the same number from run to run, where CPU time on a shared two-core machine moved by up to half
between runs minutes apart (docs/benchmarks.md). For comparing two versions of the code when
the difference sought is a few per cent.

    python benchmarks/instructions.py unit CORPUS [--standards 6]   # parse .. serialise (a unit)
    python benchmarks/instructions.py site BUILD [--standards 6]    # a standard's pages

`unit`: engine.unit.UnitContext.run on the first documents of CORPUS (a folder of standards), as
a unit worker runs them. `site`: site.render.StandardRenderer on the first standards of BUILD (a
`kutse-rdf build` output folder), as a site worker renders them (the pages go to a temporary
folder). Each runs twice under valgrind, over the first document only and over the first
1 + N, and prints (Ir(1 + N) - Ir(1)) / N: the start-up, imports and first standard (templates
compiled, reference graph read) cancel out. Under valgrind Python runs ~40 times slower: ~15 s
for the start-up and first standard, ~3 s for each further one. Needs valgrind (Debian:
valgrind); exit 2 without it. Not a test.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path


def run_units(corpus: Path, count: int) -> None:
    from kutse_rdf.build import predicates_of
    from kutse_rdf.config import Config
    from kutse_rdf.engine.unit import UnitContext
    from kutse_rdf.query import shipped_predicates

    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".docx"))[:count]
    # as a build: the units also keep the lines the library's queries read
    context = UnitContext(Config(), datetime(2026, 1, 1, tzinfo=timezone.utc),
                          predicates_of(shipped_predicates() or {}))
    for file in files:
        result = context.run(file)
        if result.error is not None:
            raise SystemExit(f"{file}: {result.error}")


def run_pages(build: Path, count: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from site_cpu import jobs_of

    from kutse_rdf.site.render import StandardRenderer

    jobs, reference = jobs_of(build, count)
    folder = Path(tempfile.mkdtemp(prefix="kutse-instructions-"))
    try:
        renderer = StandardRenderer(folder, "https://w3id.org/kutse-rdf/id/", reference)
        for job in jobs:
            renderer.render(job)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def counted(stage: str, source: Path, count: int) -> int:
    """Instructions of this script run with --count `count` under cachegrind."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, __file__, stage, str(source), "--count", str(count)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        raise SystemExit(f"valgrind run failed (exit {done.returncode}): {last}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=("unit", "site"))
    parser.add_argument("source", type=Path, help="a folder of standards (unit) or a build (site)")
    parser.add_argument("--standards", type=int, default=6)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    if args.count is not None:
        (run_units if args.stage == "unit" else run_pages)(args.source, args.count)
        return
    if shutil.which("valgrind") is None:
        print("instructions.py: valgrind is not installed (Debian: apt-get install valgrind)",
              file=sys.stderr)
        raise SystemExit(2)
    if args.standards < 1:
        raise SystemExit("--standards must be at least 1")
    first = counted(args.stage, args.source, 1)
    more = counted(args.stage, args.source, 1 + args.standards)
    per = (more - first) / args.standards
    what = "unit (parse .. serialise)" if args.stage == "unit" else "standard's pages"
    print(f"{per / 1e6:.0f} M instructions per {what}, over {args.standards} standards after the "
          f"first (the first alone: {first / 1e6:.0f} M, start-up included)")


if __name__ == "__main__":
    main()
