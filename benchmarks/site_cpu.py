"""CPU a site worker spends per standard: renders standards of a finished build the way a worker
of the site stage does (site.render.StandardRenderer, each standard over its own graph, its ELM
lines and the reference graph) and prints milliseconds of CPU per standard, user and system.

    python benchmarks/site_cpu.py BUILD [--standards 40] [--repeat 3] [--out DIR]

BUILD is a `kutse-rdf build` output folder (its data/). The pages go to a temporary folder under
--out (default /dev/shm when it exists: creating files there costs the kernel ~10 µs, so the
figure is the rendering itself; give a folder on disk to include the disk's cost). Best of
--repeat runs, each with a fresh renderer after one standard rendered to warm up. Not a test.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from kutse_rdf.config import Config
from kutse_rdf.site.render import StandardJob, StandardRenderer
from kutse_rdf.site.writer import SiteWriter


def jobs_of(build: Path, count: int) -> tuple[list[StandardJob], list[bytes]]:
    """The site stage's first `count` jobs for the build (SiteWriter.gather_standards) and the
    reference graph."""
    site = SiteWriter(build, Config()).gather_standards()
    return site.jobs[:count], site.reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--standards", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path,
                        default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    args = parser.parse_args()
    jobs, reference = jobs_of(args.build, args.standards + 1)
    if len(jobs) < 2:
        raise SystemExit(f"{args.build}: fewer than two standards in data/graphs.json")
    base = "https://w3id.org/kutse-rdf/id/"
    best = None
    for _ in range(args.repeat):
        folder = Path(tempfile.mkdtemp(prefix="kutse-site-cpu-", dir=args.out))
        try:
            renderer = StandardRenderer(folder, base, reference)
            renderer.render(jobs[0])  # warm-up: templates compiled, reference parsed
            before = os.times()
            for job in jobs[1:]:
                renderer.render(job)
            after = os.times()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        user = (after.user - before.user) / (len(jobs) - 1) * 1000
        system = (after.system - before.system) / (len(jobs) - 1) * 1000
        if best is None or user + system < sum(best):
            best = (user, system)
    print(f"{len(jobs) - 1} standards, best of {args.repeat}, pages in {args.out or tempfile.gettempdir()}: "
          f"{sum(best):.1f} ms CPU per standard ({best[0]:.1f} user, {best[1]:.1f} system)")


if __name__ == "__main__":
    main()
