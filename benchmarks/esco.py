"""ESCO at its real size: import time and memory, and suggestions for a corpus.

    python benchmarks/esco.py [--corpus DIR] [--skills 14000] [--occupations 3000]

Generates a release in the official CSV layout (skills, occupations, ISCO groups in English
and Estonian, ~42 occupation-skill relations per occupation, as ESCO v1.2 has about 126,000),
imports it with `kutse-rdf esco import` in a child process (wall time, peak memory), then
times the suggestions for the standards of --corpus (parsed first, not timed: a build has
them parsed already). Labels are made of the corpus generator's words and of invented words,
so that lexical matching has work to do. Nothing is real ESCO data.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from make_corpus import NOUNS, VERBS  # noqa: E402

E = "http://data.europa.eu/esco/"
SYLLABLES = ["ka", "lu", "me", "ti", "so", "ra", "ne", "vi", "pu", "ja", "ko", "le", "mi",
             "ta", "ro", "se", "hu", "va", "ke", "no"]


def invented(rng: random.Random, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))) + rng.choice(["mine", "ne", "se", "de", "ja"]))
    return sorted(words)


def make_release(folder: Path, skills: int, occupations: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    vocab = invented(rng, 12000)
    domain = NOUNS + VERBS

    def label() -> str:
        words = [rng.choice(domain) if rng.random() < 0.25 else vocab[int(rng.paretovariate(1.1)) % len(vocab)]
                 for _ in range(rng.randint(2, 4))]
        return " ".join(words)

    skill_uris = [f"{E}skill/{i:08d}-0000-4000-8000-000000000000" for i in range(skills)]
    groups = sorted({f"{a}{b}{c}{d}" for a in "123456789" for b in "0123456789"[:rng.randint(2, 6)]
                     for c in "0123456789"[:3] for d in "0123456789"[:3]})[:429]
    groups = sorted(groups + ["1330"])  # the corpus's standards are all in ISCO 1330
    codes = sorted({g[:n] for g in groups for n in (1, 2, 3, 4)})
    occ_uris = [f"{E}occupation/{i:08d}-0000-4000-9000-000000000000" for i in range(occupations)]
    skill_rows = {lang: [] for lang in ("en", "et")}
    for uri in skill_uris:
        for lang in ("en", "et"):
            alts = "\n".join(label() for _ in range(rng.randint(0, 3)))
            skill_rows[lang].append(["KnowledgeSkillCompetence", uri, rng.choice(["skill/competence", "knowledge"]),
                                     "sector-specific", label(), alts, label() if rng.random() < 0.2 else "",
                                     "released", "2024-05-01T00:00:00Z", "", "", f"{E}concept-scheme/member-skills",
                                     "A description of the skill. " * 8])
    write = lambda name, header, rows: _write(folder / name, header, rows)  # noqa: E731
    for lang in ("en", "et"):
        write(f"skills_{lang}.csv", ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel",
                                     "altLabels", "hiddenLabels", "status", "modifiedDate", "scopeNote",
                                     "definition", "inScheme", "description"], skill_rows[lang])
        write(f"occupations_{lang}.csv", ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels",
                                          "hiddenLabels", "status", "modifiedDate", "regulatedProfessionNote",
                                          "scopeNote", "definition", "inScheme", "description", "code"],
              [["Occupation", uri, groups[i % len(groups)], label(), label(), "", "released", "", "", "", "",
                f"{E}concept-scheme/occupations", "An occupation. " * 10, f"{groups[i % len(groups)]}.{i}"]
               for i, uri in enumerate(occ_uris)])
        write(f"ISCOGroups_{lang}.csv", ["conceptType", "conceptUri", "code", "preferredLabel", "altLabels",
                                         "inScheme", "description"],
              [["ISCOGroup", f"{E}isco/C{c}", c, label(), "", f"{E}concept-scheme/isco", ""] for c in codes])
    relations = [[occ, "essential" if rng.random() < 0.6 else "optional", "skill/competence", rng.choice(skill_uris)]
                 for occ in occ_uris for _ in range(42)]
    write("occupationSkillRelations_en.csv", ["occupationUri", "relationType", "skillType", "skillUri"], relations)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="standards to suggest for (make_corpus.py 500 DIR)")
    parser.add_argument("--skills", type=int, default=14000)
    parser.add_argument("--occupations", type=int, default=3000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="esco-bench-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    release = work / "esco-v1.2.0"
    release.mkdir()
    started = time.perf_counter()
    make_release(release, args.skills, args.occupations)
    size = sum(p.stat().st_size for p in release.iterdir()) / 1e6
    print(f"generated {args.skills} skills, {args.occupations} occupations (en, et): {size:.0f} MB "
          f"in {time.perf_counter() - started:.1f} s")
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"), PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kutse_rdf", "esco", "import", str(release)], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stderr.strip())
    store = work / "cache" / "kutse-rdf" / "esco"
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(store.iterdir()))
    print(f"import: {wall:.1f} s, peak memory {peak:.0f} MB (exit {done.returncode}); store: {sizes}")
    if not args.corpus:
        return
    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    from kutse_rdf.config import Config
    from kutse_rdf.esco.store import load_store
    from kutse_rdf.esco.suggest import index_of, suggest
    from kutse_rdf.reading.parser import parse_file

    standards = [parse_file(p) for p in sorted(args.corpus.glob("*.txt"))]
    config = Config()
    started, cpu = time.perf_counter(), time.process_time()
    store = load_store(config)
    index_of(store)
    loaded = time.perf_counter() - started
    found = suggest(store, standards, config)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    competences = sum(len(s.competences) for s in standards)
    print(f"suggestions: {len(found)} for {competences} competences of {len(standards)} standards in "
          f"{total:.1f} s wall, {cpu:.1f} s CPU (store and index {loaded:.1f} s); peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
