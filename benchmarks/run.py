"""The scale benchmark: times every stage for N = 1, 50 and 500 standards, the whole
`kutse-rdf build` (wall, peak RSS of the process tree), the rebuild after changing one standard,
each library query on the largest corpus, and the naive pipeline on the same data.

    python benchmarks/run.py [--sizes 1 50 500] [--naive-sizes 50 500] [--naive-cap 600]
                             [--cold-runs 1] [--disk-limit 60] [--disk-patience 180]
                             [--docx] [--register] [--no-stages] [--calibrate ROUNDS]
                             [--out docs/benchmarks.md]

With --docx every standard is first saved as a Word document laid out like the register's
originals (tests/support/wordml.py, python-docx from the test extras) and the same runs read
those DOCX files instead of the text. With --register each corpus is a register with history
(`make_corpus.py --versions`: N standards in 1-4 versions each); it adds the rebuild after a new
version of one standard arrives and `kutse-rdf diff` of two versions. With --calibrate ROUNDS
(a register of 500) it times 11d759d, the commit the register's targets were set beside, in
ROUNDS rounds beside that new version's rebuild (calibrate), for the times at the targets' speed.

Results go to docs/benchmarks.md (a Markdown table with the machine and versions). Not a test:
these machines are noisy, so numbers are read by people, not asserted.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import make_corpus, make_register, next_version, with_c1  # noqa: E402

SEED = ROOT / "standards" / "it-juht-tase-7.txt"
HAND_WRITTEN = "<!-- written by hand below: benchmarks/run.py keeps it -->"
QUERY_REPEATS = 7  # the best of several runs: what the query costs, not what else the machine did


# ------------------------------------------------------------------------------------------
# The corpus as Word documents

def docx_writer():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from support.wordml import text_to_docx
    except ImportError as err:  # python-docx is a test extra
        sys.exit(f"run.py: --docx needs the test extras ({err}); pip install -e '.[test]'")
    return text_to_docx


def as_docx(files: list[Path], folder: Path) -> list[Path]:
    """Each text file saved as FOLDER/NAME.docx."""
    write = docx_writer()
    folder.mkdir(parents=True, exist_ok=True)
    return [write(f.read_text(encoding="utf-8"), folder / (f.stem + ".docx")) for f in files]


def add_version(corpus: Path, standard: int) -> tuple[Path, Path]:
    """A new version of one standard of a register corpus, decided today: (previous, new)."""
    import random
    from datetime import date, timedelta

    versions = sorted(corpus.glob(f"standard-{standard:04d}-v*.txt"),
                      key=lambda path: int(path.stem.rsplit("-v", 1)[1]))
    last = versions[-1]
    number = int(last.stem.rsplit("-v", 1)[1]) + 1
    text = next_version(last.read_text(encoding="utf-8"), random.Random(number))
    # the new version's C.1 fields: the text keeps the previous version's, so fill them again
    text = re.sub(r"(\t[4-7]\. Kutse[^\n]*\n)\t[^\n]+\n", lambda m: m.group(1) + "\t\n", text)
    new = corpus / f"standard-{standard:04d}-v{number}.txt"
    today = date.today()
    new.write_text(with_c1(text, number, today, today + timedelta(days=1826)), encoding="utf-8")
    return last, new


def edit(victim: Path, old: str, new: str, docx_folder: Path | None) -> None:
    """Change one standard's text (and its DOCX, in --docx runs)."""
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace(old, new, 1), encoding="utf-8")
    if docx_folder is not None:
        as_docx([victim], docx_folder)


# ------------------------------------------------------------------------------------------
# Measuring


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc). A child between
    vfork and exec (how Python's `subprocess` starts a program, the site's render workers for
    one) runs in its parent's memory, and /proc shows it with its parent's command line and
    resident size (within 2 %: read a moment later): it is counted once, as the parent. Counted
    twice, one 20 ms sample of a 1.44 GB cold build read 2,879 MB. Its command line is read
    before its size, so a size read before its exec meets a command line read before it too."""
    total, todo = 0, [(pid, b"", 0)]
    while todo:
        current, parent_command, parent_rss = todo.pop()
        try:
            with open(f"/proc/{current}/cmdline", "rb") as cmdline:
                command = cmdline.read()
            rss = 0
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
            if not (command == parent_command and 0.98 * parent_rss <= rss <= 1.02 * parent_rss):
                total += rss
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend((int(c), command, rss) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_command(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB of the process tree, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss_kib(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {stderr.decode()[-500:]}")
    return wall, peak / 1024, proc.returncode


def disk_probe(folder: Path, folders: int = 400) -> float:
    """Microseconds the kernel takes to create one file or folder where the builds write: a
    site's worth of small ones (a folder and three files, as a resource page has). On this
    machine's disk that cost swings 20x (20-600 µs): right after many files are deleted, new ones
    take far longer for a minute or two, and a cold build of 500 standards creates ~100,000."""
    folder.mkdir(parents=True)
    data = b"x" * 4000
    started = time.perf_counter()
    for i in range(folders):
        page = folder / str(i)
        page.mkdir()
        for name in ("index.html", "index.ttl", "index.jsonld"):
            (page / name).write_bytes(data)
    return (time.perf_counter() - started) / (folders * 4) * 1e6


def removals_done(work: Path, patience: float = 300) -> None:
    """Wait (up to `patience` seconds) until the builds replaced so far are removed (a build
    removes the one it replaces in the background, build.remove_in_background): a timed
    rebuild starts as the nightly one does, long after the last."""
    deadline = time.monotonic() + patience
    while any(".old-" in p.name for p in work.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.5)


def settle_disk(work: Path, limit_us: float, patience: float) -> float:
    """Wait (up to `patience` seconds) until creating a file costs at most `limit_us`; the last
    probe's cost. The probes are kept until the end: deleting them would slow the next build."""
    waited = 0.0
    while True:
        cost = disk_probe(work / "probes" / f"{time.time_ns()}")
        if cost <= limit_us or waited >= patience:
            return cost
        time.sleep(10)
        waited += 10


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, func, *args, **kwargs):
        started = time.perf_counter()
        value = func(*args, **kwargs)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return value


# ------------------------------------------------------------------------------------------
# The stages, one process, one after the other (what each costs in CPU terms)


# ------------------------------------------------------------------------------------------
# The targets' speed

# The register's targets (a cold build <= 120 s, a new version's rebuild <= 5 s, a library
# query <= 200 ms, on 2 cores) were set beside 11d759d's benchmark of 2026-11-28: its
# docs/benchmarks.md has the 500-standard corpus built cold in 44.98, 45.09 and 44.30 s and
# rebuilt after a competence's title changed in 4.10 s. This machine's speed swings by half from
# hour to hour, so --calibrate runs that commit beside this code: the ratio of its times here to
# those is the moment's factor, and a time here divided by it is the time at the targets' speed.
REFERENCE_COMMIT = "11d759d"
REFERENCE_COLD = (44.98 + 45.09 + 44.30) / 3
REFERENCE_TITLE_REBUILD = 4.10


def reference_checkout(work: Path) -> Path:
    """REFERENCE_COMMIT's files (`git archive`) in work/reference."""
    target = work / "reference"
    target.mkdir()
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", REFERENCE_COMMIT],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc).encode()
        raise SystemExit(f"--calibrate: cannot take {REFERENCE_COMMIT} from this checkout's "
                         f"history: {detail.decode(errors='replace').strip()}") from None
    return target


def heading_of(text: str) -> str:
    """The line of a standard's first competence (B.3.1, or B.2.1 in older templates)."""
    return next(line for line in text.splitlines() if line.startswith(("\tB.3.1. ", "\tB.2.1. ")))


def calibrate(rounds: int, work: Path, tree: Path, timed, new_version_rebuild
              ) -> tuple[float, list[tuple[float, float]]]:
    """(the reference's cold build here, [(its title rebuild, this code's new-version rebuild
    right after)] for each round). The reference builds its own corpus, made by its own
    make_corpus.py, as its benchmark did: cold, an indicator's edit, then in each round a
    competence's title changed again (a new word each round, so its queries run each time)."""
    corpus, out = work / "reference-corpus", work / "reference-build"
    subprocess.run([sys.executable, str(tree / "benchmarks" / "make_corpus.py"), "500", str(corpus)],
                   check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    command = [sys.executable, "-m", "kutse_rdf", "build", str(corpus), "--out", str(out), "--quiet"]
    cold = timed(command, env)
    edit(corpus / "standard-0001.txt", "Analüüsib", "Analüüsib põhjalikult", None)
    timed(command, env)
    victim = corpus / "standard-0002.txt"
    text = victim.read_text(encoding="utf-8")
    heading = heading_of(text)
    pairs = []
    for number in range(1, rounds + 1):
        victim.write_text(text.replace(heading, heading.replace(". ", f". Uus {number} ", 1), 1),
                          encoding="utf-8")
        reference = timed(command, env)
        pairs.append((reference, new_version_rebuild(number)))
    shutil.rmtree(out, ignore_errors=True)
    return cold, pairs


def calibration_lines(cold: float, pairs: list[tuple[float, float]], register_cold: float | None,
                      slowest_query: tuple[str, float] | None) -> list[str]:
    cold_factor = cold / REFERENCE_COLD
    factors = [reference / REFERENCE_TITLE_REBUILD for reference, _ in pairs]
    lines = ["\n## At the targets' speed (`--calibrate`)\n",
             f"The register's targets were set beside {REFERENCE_COMMIT}'s benchmark (2026-11-28), "
             f"on a machine where that commit built the 500-standard corpus cold in "
             f"{REFERENCE_COLD:.2f} s (the mean of three) and rebuilt it after a competence's title "
             f"changed in {REFERENCE_TITLE_REBUILD:.2f} s. The same commit, on the corpus its own "
             f"make_corpus.py makes, here: cold {cold:.2f} s (factor {cold_factor:.2f}); then in "
             "each round its title rebuild and, right after it, this code's rebuild after a new "
             "version arrived (each round's version new to the cache). A time here divided by "
             "the round's factor is the time at the targets' speed.\n",
             f"| round | {REFERENCE_COMMIT}'s title rebuild (s) | factor | a new version (s) | "
             "at the targets' speed (s) |", "|---:|---:|---:|---:|---:|"]
    lines += [f"| {number} | {reference:.2f} | {factor:.2f} | {ours:.2f} | {ours / factor:.2f} |"
              for number, ((reference, ours), factor) in enumerate(zip(pairs, factors), 1)]
    at_speed = median([ours / factor for (_, ours), factor in zip(pairs, factors)])
    lines.append(f"| median | | {median(factors):.2f} | {median([o for _, o in pairs]):.2f} | "
                 f"**{at_speed:.2f}** |")
    said = [f"A new version's rebuild at the targets' speed: {at_speed:.2f} s (the median of the "
            "rounds)"]
    if register_cold is not None:
        said.append(f"the register's cold build {register_cold:.2f} s here is "
                    f"{register_cold / cold_factor:.1f} s at the cold factor {cold_factor:.2f}")
    if slowest_query is not None:
        name, seconds = slowest_query
        said.append(f"the slowest library query (`{name}`, engine + JSON) {seconds * 1000:.0f} ms "
                    f"here is {seconds * 1000 / median(factors):.0f} ms at the rounds' median "
                    f"factor {median(factors):.2f}")
    return lines + ["\n" + "; ".join(said) + "."]


def stage_times(files: list[Path], work: Path) -> dict[str, float]:
    from rdflib import URIRef

    from kutse_rdf.config import Config
    from kutse_rdf.graph.convert import build_time, standard_graph
    from kutse_rdf.build import query_store
    from kutse_rdf.engine.dumps import write_dumps
    from kutse_rdf.graph.elm import elm_graph
    from kutse_rdf.reading.parser import parse_file
    from kutse_rdf.query import write_reports
    from kutse_rdf.site.writer import build_site
    from kutse_rdf.engine.unit import UnitContext, UnitResult, reference_unit, serialise
    from kutse_rdf.graph.validate import validate_standard

    config = Config()
    timer = Timer()
    context = UnitContext(config, build_time())
    units = []
    for path in files:
        std = timer("parse", parse_file, path)
        graph = timer("convert", standard_graph, std, config, context.built_at)
        inferred = timer("reason", context.reasoner.infer_one, graph)
        report = timer("validate", validate_standard, std, URIRef(context.uris.standard(std)),
                       graph, context.reference, context.uris)
        elm = timer("elm", elm_graph, [std], config)
        unit = UnitResult(source_file=std.source_file, path=str(path), standard=std,
                          slug=context.uris.standard_slug(std), graph_uri=str(graph.identifier))

        timer("dumps", serialise, unit, std, str(context.uris.standard(std)), graph, inferred,
              elm, report)
        units.append(unit)
    root = work / "stages"
    root.mkdir(parents=True, exist_ok=True)
    reference = reference_unit(config)
    store = timer("dumps", lambda: query_store(write_dumps(root, units, reference, config)))
    timer("queries", write_reports, root / "reports" / "queries", store)
    timer("site", build_site, root, config)
    return timer.seconds


def query_times(corpus_build: Path) -> dict[str, tuple[float, float, float, float, int]]:
    """Per library query, best of QUERY_REPEATS after a warm-up, seconds for: Oxigraph answering
    and writing the W3C JSON results on the store `kutse-rdf query --data build/data/all.trig`
    and `serve` use for it (query.BuildData: all.nt alone for a query naming no graph); the
    same on the store with the named graphs (all.trig, what a GRAPH query gets); query.run on the first
    (the answer kept as TSV: what the CLI and the build's reports start from); and query.run
    with its rows made Python terms (the CLI's table)."""
    import pyoxigraph as ox

    from kutse_rdf.query import BuildData, bind_params, library, run, standards_in
    from queries import required_params

    data = BuildData(corpus_build / "data" / "all.trig")
    full = data.full()
    found = standards_in(full)

    def best(step) -> float:
        step()  # warm-up: the first run pays for planning
        seconds = float("inf")
        for _ in range(QUERY_REPEATS):
            started = time.perf_counter()
            step()
            seconds = min(seconds, time.perf_counter() - started)
        return seconds

    times = {}
    for name, query in library().items():
        # required parameters as benchmarks/queries.py gives them
        store = data.store_for(query.text)
        params = required_params(query, found, store, date.today().isoformat())
        engine = []
        for each in (store, full):
            bound = {ox.Variable(k): v for k, v in bind_params(query, params, each).items()}
            engine.append(best(lambda: each.query(query.text, substitutions=bound or None)
                               .serialize(format=ox.QueryResultsFormat.JSON)))
        rows = len(run(store, query, params).rows)
        times[name] = (engine[0], engine[1], best(lambda: run(store, query, params)),
                       best(lambda: run(store, query, params).rows), rows)
    return times


def query_times_fresh(build: Path) -> dict[str, tuple[float, float, float, float, int]]:
    """query_times in a new process, as `query --data` and `serve` run, not in this one after
    the stages and the naive pipeline have filled and freed gigabytes of its memory."""
    proc = subprocess.run([sys.executable, __file__, "--query-times-of", str(build)],
                          capture_output=True, text=True)
    if proc.returncode:  # the builds' rows are still written
        print(f"query times failed: {proc.stderr[-500:]}", file=sys.stderr)
        return {}
    return {name: tuple(values) for name, values in json.loads(proc.stdout).items()}


def naive_pipeline(files: list[Path], report) -> None:
    """The straightforward way, same data, same process: one merged rdflib graph, owlrl's
    closure over all of it, pySHACL over all of it, rdflib's Turtle writer. Each step's
    seconds are put on `report` as it finishes (the caller may stop this process)."""
    import owlrl
    import pyshacl
    from rdflib import Graph

    from kutse_rdf.config import Config
    from kutse_rdf.graph.convert import standard_graph
    from kutse_rdf.reading.parser import parse_file
    from kutse_rdf.graph.validate import shapes_graph
    from kutse_rdf.graph.vocab import load_reference

    config = Config()
    merged = Graph()

    def step(name: str, func) -> None:
        started = time.perf_counter()
        func()
        report.put((name, time.perf_counter() - started))

    def convert_all() -> None:
        for path in files:
            merged.__iadd__(standard_graph(parse_file(path), config))
        merged.__iadd__(load_reference(config))

    step("parse+convert", convert_all)
    closure = Graph()
    closure += merged
    step("reason (owlrl, merged)", lambda: owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure))
    step("validate (pySHACL, merged)", lambda: pyshacl.validate(
        merged, shacl_graph=shapes_graph(), inference="none", allow_warnings=True))
    step("dumps (rdflib Turtle)", lambda: merged.serialize(format="turtle"))


NAIVE_STEPS = ("parse+convert", "reason (owlrl, merged)", "validate (pySHACL, merged)",
               "dumps (rdflib Turtle)")


def run_naive(files: list[Path], cap: float) -> tuple[dict[str, float | None], float, bool]:
    """The naive pipeline in a child process stopped after `cap` seconds: (seconds per step,
    None for steps not finished; total seconds; whether it was stopped)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    report = context.Queue()
    child = context.Process(target=naive_pipeline, args=(files, report))
    started = time.perf_counter()
    child.start()
    child.join(cap)
    stopped = child.is_alive()
    if stopped:
        child.terminate()
        child.join()
    total = time.perf_counter() - started
    times: dict[str, float | None] = {name: None for name in NAIVE_STEPS}
    while not report.empty():
        name, seconds = report.get()
        times[name] = seconds
    return times, total, stopped


# ------------------------------------------------------------------------------------------


def compile_package() -> str:
    """Byte-compile kutse_rdf's modules where Python imports them from, as pip does when it
    installs a package: with PYTHONDONTWRITEBYTECODE=1 in the environment (this machine sets
    it) an editable install has no bytecode, and every timed command would compile ~50 modules
    again (~0.2 s of a rebuild). Returns the line the results say it in."""
    import compileall

    import kutse_rdf

    folder = Path(kutse_rdf.__file__).parent
    if not compileall.compile_dir(folder, quiet=1):
        raise SystemExit(f"could not byte-compile {folder}")
    return (f"Bytecode: the package's modules compiled before the runs (`compileall {folder.name}`, "
            "as pip does on install; PYTHONDONTWRITEBYTECODE="
            f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} here).\n")


def machine() -> str:
    mem = "?"
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    packages = ", ".join(f"{p} {version(p)}" for p in (
        "rdflib", "pyshacl", "owlrl", "pyoxigraph", "reasonable", "pyshacl-turbo", "jinja2"))
    return (f"{os.cpu_count()} cores, {mem} memory, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}; {packages}")


def fmt(value: float | None) -> str:
    return "not finished (stopped at the cap)" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50, 500])
    parser.add_argument("--naive-sizes", type=int, nargs="*", default=[50, 500])
    parser.add_argument("--naive-cap", type=float, default=600.0,
                        help="seconds after which the naive pipeline is stopped (the ratio is "
                             "then a lower bound)")
    parser.add_argument("--cold-runs", type=int, default=1,
                        help="cold builds of each corpus (each into a new folder)")
    parser.add_argument("--disk-limit", type=float, default=60.0,
                        help="before each whole build, wait until creating a file costs at most "
                             "this many µs (see disk_probe)")
    parser.add_argument("--disk-patience", type=float, default=180.0,
                        help="seconds to wait for that at most; the cost is reported either way")
    parser.add_argument("--docx", action="store_true",
                        help="read every standard from a DOCX made from its text")
    parser.add_argument("--no-stages", action="store_true",
                        help="leave out the per-stage timing in one process (a second whole run)")
    parser.add_argument("--register", action="store_true",
                        help="each corpus a register with history: N standards in 1-4 versions")
    parser.add_argument("--calibrate", type=int, default=0, metavar="ROUNDS",
                        help="with --register and 500 among the sizes: time "
                             f"{REFERENCE_COMMIT}, the commit the targets were set beside, in "
                             "ROUNDS rounds beside the new version's rebuild (see calibrate)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--query-times-of", type=Path, help=argparse.SUPPRESS)  # query_times_fresh
    args = parser.parse_args()
    if args.query_times_of:
        print(json.dumps(query_times(args.query_times_of)))
        return
    if args.calibrate and not (args.register and 500 in args.sizes and not args.docx):
        parser.error("--calibrate needs --register and 500 among --sizes (and no --docx)")

    def whole_build(name: str, argv: list[str]) -> tuple[float, float, int]:
        removals_done(work)
        disk = settle_disk(work, args.disk_limit, args.disk_patience)
        wall, rss, code = run_command(argv)
        rows.append((name, wall, rss, code, disk))
        return wall, rss, code

    def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
        """A build timed as whole_build times it, for the calibration's table."""
        removals_done(work)
        settle_disk(work, args.disk_limit, args.disk_patience)
        return run_command(argv, env)[0]

    work = Path(tempfile.mkdtemp(prefix="kutse-bench-"))
    tree = reference_checkout(work) if args.calibrate else None
    calibration: tuple[float, list[tuple[float, float]]] | None = None
    register_cold = None
    command = " ".join(["python benchmarks/run.py", *sys.argv[1:]])
    lines = ["# Benchmarks\n", f"Made by `{command}` on {time.strftime('%Y-%m-%d')}.",
             f"Machine: {machine()}.\n", compile_package(),
             "Corpus: `benchmarks/make_corpus.py N DIR` (seed 7); N = 1 is the shipped standard"
             + ("; every standard read from a DOCX made from its text (`--docx`).\n"
                if args.docx else ".\n")]
    rows, stage_rows, naive_rows = [], [], []
    largest_build = None
    try:
        for n in args.sizes:
            corpus = work / f"corpus-{n}"
            make = make_register if args.register else make_corpus
            files = [SEED] if n == 1 else make(n, corpus)
            first, second = (("standard-0001-v1.txt", "standard-0002-v1.txt") if args.register
                             else ("standard-0001.txt", "standard-0002.txt"))
            what = f"{n} standard(s)" + (f" in {len(files)} documents" if args.register else "")
            docx_folder = work / f"corpus-{n}-docx" if args.docx else None
            if docx_folder is not None:
                files = as_docx(files, docx_folder)
            inputs = ([str(files[0])] if n == 1 else [str(docx_folder or corpus)])
            def build_command(out: Path) -> list[str]:
                return [sys.executable, "-m", "kutse_rdf", "build", *inputs, "--out", str(out), "--quiet"]

            for run in range(args.cold_runs):
                out = work / f"build-{n}-{run}"
                wall, rss, _ = whole_build(f"`kutse-rdf build`, {what}, cold", build_command(out))
            if n > 1:
                edit(corpus / first, "Analüüsib", "Analüüsib põhjalikult", docx_folder)
                whole_build(f"rebuild after changing one of {n} (an indicator's text)", build_command(out))
                # a competence's title: the library queries read it, so they run again
                victim = corpus / second
                heading = heading_of(victim.read_text(encoding="utf-8"))
                edit(victim, heading, heading.replace(". ", ". Uus ", 1), docx_folder)
                whole_build(f"rebuild after changing one of {n} (a competence's title)", build_command(out))
                if args.register and not args.docx:
                    previous, new = add_version(corpus, 3)
                    whole_build(f"rebuild after a new version of one of {n} arrived", build_command(out))
                    wall_diff, rss_diff, code = run_command(
                        [sys.executable, "-m", "kutse_rdf", "diff", str(previous), str(new)])
                    rows.append((f"`kutse-rdf diff` of two versions ({previous.name}, {new.name}; "
                                 "Python start-up included)", wall_diff, rss_diff, code, 0.0))
                    if tree is not None and n == 500:
                        register_cold = wall
                        new_text = new.read_text(encoding="utf-8")
                        new.unlink()
                        timed(build_command(out))  # the register before the new version

                        def new_version_rebuild(number: int) -> float:
                            # a version the cache has not seen (a word of the round in it),
                            # then the register without it again, untimed
                            new.write_text(new_text.replace("Analüüsib", f"Analüüsib ({number})", 1),
                                           encoding="utf-8")
                            seconds = timed(build_command(out))
                            new.unlink()
                            timed(build_command(out))
                            return seconds

                        calibration = calibrate(args.calibrate, work, tree, timed, new_version_rebuild)
                        new.write_text(new_text, encoding="utf-8")  # the queries' build has it
                        timed(build_command(out))
            times = {} if args.no_stages else stage_times(files, work / f"stages-{n}")
            if times:
                stage_rows.append((n, times))
            if n in args.naive_sizes and times:
                naive, total, stopped = run_naive(files, args.naive_cap)
                ours = sum(times[k] for k in ("parse", "convert", "reason", "validate", "dumps"))
                naive_rows.append((n, naive, total, stopped, ours))
            largest_build = out
            print(f"N={n}: build {wall:.1f} s, {rss:.0f} MB", file=sys.stderr)
        query_rows = query_times_fresh(largest_build) if largest_build else {}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines += ["## Whole builds (wall clock, Python start-up included)\n",
              "The last column is what creating one file or folder cost the kernel just before the "
              f"run (`disk_probe`); each run waited up to {args.disk_patience:.0f} s for it to be "
              f"at most {args.disk_limit:.0f} µs. On this machine's disk it swings 20x (20-600 µs), "
              "highest just after many files were deleted, and a cold build of 500 standards "
              "creates ~100,000.\n",
              "| run | seconds | peak RSS (MB, process tree) | exit | µs per new file before |",
              "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {wall:.2f} | {rss:.0f} | {code} | {disk:.0f} |"
              for name, wall, rss, code, disk in rows]
    stages = ["parse", "convert", "reason", "validate", "elm", "dumps", "queries", "site"]
    lines += ["\n## Stages (one process, seconds of each stage summed over all standards)\n",
              "| N | " + " | ".join(stages) + " |", "|---:|" + "---:|" * len(stages)]
    lines += [f"| {n} | " + " | ".join(f"{t.get(s, 0):.2f}" for s in stages) + " |"
              for n, t in stage_rows]
    if naive_rows:
        lines += ["\n## Naive pipeline on the same data (one process)\n",
                  "| N | step | seconds |", "|---:|---|---:|"]
        for n, naive, total, stopped, ours in naive_rows:
            lines += [f"| {n} | {step} | {fmt(sec)} |" for step, sec in naive.items()]
            ratio = total / ours if ours else float("nan")
            lines.append(f"| {n} | **ratio naive / ours** (the same steps: parse, convert, "
                         f"reason, validate, dumps; ours {ours:.2f} s, naive "
                         f"{'stopped at ' if stopped else ''}{total:.1f} s) | "
                         f"{'≥ ' if stopped else ''}{ratio:.1f}x |")
    if query_rows:
        lines += [f"\n## Library queries on the {args.sizes[-1]}-standard build "
                  f"(best of {QUERY_REPEATS} after a warm-up)\n",
                  "Milliseconds for: Oxigraph answering and writing W3C SPARQL JSON results on "
                  "the store `query --data build/data/all.trig` and `serve` use for the query "
                  "(`query.BuildData`: a store of `all.nt` alone for a query that names no graph, "
                  "as every library query); the same on the store with the named graphs "
                  "(`all.trig`, what a `GRAPH` query gets); `query.run` on the first (the answer "
                  "kept as TSV, what the CLI's csv/json/tsv output and the build's reports are "
                  "written from); and `query.run` with the rows made Python terms (the CLI's "
                  "table).\n",
                  "| query | rows | engine + JSON | engine + JSON, named graphs | query.run | "
                  "query.run + rows |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {name} | {rows} | {union * 1000:.0f} | {full * 1000:.0f} | "
                  f"{kept * 1000:.0f} | {python * 1000:.0f} |"
                  for name, (union, full, kept, python, rows) in query_rows.items()]
    if calibration is not None:
        slowest = max(query_rows.items(), key=lambda item: item[1][0]) if query_rows else None
        lines += calibration_lines(*calibration, register_cold,
                                   (slowest[0], slowest[1][0]) if slowest else None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # the measurements written by hand (design decisions) stay below the generated tables
    kept = ""
    if args.out.exists():
        old = args.out.read_text(encoding="utf-8")
        if HAND_WRITTEN in old:
            kept = "\n" + old[old.index(HAND_WRITTEN):]
    args.out.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
