"""benchmarks/instructions.py: instructions per standard, counted by valgrind."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "instructions.py"


@pytest.fixture(scope="module")
def corpus_and_build(tmp_path_factory):
    from kutse_rdf.build import run_build
    from kutse_rdf.config import Config

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import make_corpus

    base = tmp_path_factory.mktemp("instructions")
    make_corpus(3, base / "corpus")
    run_build(sorted((base / "corpus").glob("*.txt")), base / "build", Config(), quiet=True)
    return base / "corpus", base / "build"


@pytest.mark.skipif(shutil.which("valgrind") is None,
                    reason="valgrind is not installed (Debian package valgrind; scripts/test installs it)")
def test_counts_the_instructions_of_a_standards_pages(corpus_and_build):
    _, build = corpus_and_build
    done = subprocess.run([sys.executable, str(SCRIPT), "site", str(build), "--standards", "1"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    found = re.fullmatch(r"(\d+) M instructions per standard's pages, over 1 standards after the "
                         r"first \(the first alone: (\d+) M, start-up included\)\n", done.stdout)
    assert found, done.stdout
    per, first = int(found.group(1)), int(found.group(2))
    # a generated standard's pages: hundreds of millions (docs/benchmarks.md), well under the
    # start-up with the first standard (imports, templates compiled, reference graph read)
    assert 50 < per < first


def test_the_counted_runs_do_the_stage_they_name(corpus_and_build, tmp_path, monkeypatch):
    """What runs under valgrind: a unit per document, a standard's pages per job."""
    corpus, build = corpus_and_build
    sys.path.insert(0, str(SCRIPT.parent))
    import instructions

    ran = []
    from kutse_rdf.engine.unit import UnitContext

    run = UnitContext.run
    monkeypatch.setattr(UnitContext, "run", lambda self, path: ran.append(path.name) or run(self, path))
    instructions.run_units(corpus, 2)
    assert ran == sorted(p.name for p in corpus.glob("*.txt"))[:2]

    from kutse_rdf.site.render import StandardRenderer

    rendered = []
    render = StandardRenderer.render
    monkeypatch.setattr(StandardRenderer, "render",
                        lambda self, job: rendered.append(job.iri) or render(self, job))
    instructions.run_pages(build, 2)
    assert len(rendered) == 2 and all("/version/" in iri for iri in rendered)


def test_without_valgrind_it_says_so(corpus_and_build, tmp_path):
    _, build = corpus_and_build
    done = subprocess.run([sys.executable, str(SCRIPT), "site", str(build)], capture_output=True,
                          text=True, env={"PATH": str(tmp_path)}, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "instructions.py: valgrind is not installed (Debian: apt-get install valgrind)\n"
