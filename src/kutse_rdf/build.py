"""The main job: every stage over a set of standards, written atomically to the output folder.

The output is assembled in a sibling temporary folder and swapped in only when everything
succeeded, so a failed run leaves the previous build/ as it was.
"""
from __future__ import annotations

import errno
import gc
import hashlib
import io
import json
import os
import re
import shutil
import sys
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime
from multiprocessing import get_context

try:
    import fcntl
except ImportError:  # not POSIX: no locks (build_lock, remove_in_background)
    fcntl = None

from kutse_rdf.engine.cache import (ArtifactCache, collections_paused, environment_key,
                                    record_verified, reference_key, unit_key, unlink_entries)
from kutse_rdf.config import Config
from kutse_rdf.graph.convert import build_time
from kutse_rdf.errors import (DISK_ERRNOS, BuildKept, DataError, DocumentError, InputError,
                              KutseError)
from kutse_rdf.model import Standard
from kutse_rdf.engine.unit import (FieldsReader, UnitContext, UnitResult, init_worker,
                                   parse_entry, reference_unit, run_in_worker)


@dataclass
class BuildResult:
    standards: list[Standard] = field(default_factory=list)
    failures: list[KutseError] = field(default_factory=list)  # documents reported and skipped
    problems: int = 0  # SHACL violations and other data problems found
    # the query reports' pyoxigraph Store (what they read), kept only when asked (run_build's
    # keep_store: tests): it is hundreds of MB on a register; None when the reports were reused
    store: Any = None
    keep_store: bool = False
    cache_hits: int = 0  # standards taken from the artifact cache
    notes: list[str] = field(default_factory=list)  # one-line summaries printed after the build
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    warnings: list[str] = field(default_factory=list)  # one-line warnings, printed even when quiet
    # lines of the merged N-Triples files (data/all.nt, current.nt), known from their pieces:
    # the site's downloads list them without reading ~600 MB
    merged_triples: dict[str, int] = field(default_factory=dict)
    # each work's lines of data/changes.nt by the work's IRI (dumps.changes_of_works)
    work_changes: dict[str, bytes] | None = None
    elm_view: Any = None  # data/elm.nt as its parts (dumps.ElmView), while the file is written


class Background:
    """A stage run in a thread while the next stages go on. `wait` re-raises its error, and
    adds the one-line note the work returned to `notes` (in the main thread: the notes keep
    their order whenever the thread ends). `yielding`: work nothing waits for until the site's
    last pages, run at a lower priority (yield_cpu)."""

    def __init__(self, name: str, timings: dict[str, float], notes: list[str],
                 yielding: bool = False):
        self.name, self.timings, self.notes = name, timings, notes
        self.yielding = yielding
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.note: str | None = None

    def start(self, work: Callable[[], str]) -> None:
        def run() -> None:
            started = time.perf_counter()
            if self.yielding:
                yield_cpu()
            try:
                self.note = work()
            except BaseException as exc:  # noqa: BLE001 (re-raised in the main thread by wait)
                self.error = exc
            self.timings[self.name] = time.perf_counter() - started

        self.thread = threading.Thread(target=run, name=self.name, daemon=True)
        self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def wait(self) -> None:
        self.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        if self.note is not None:
            self.notes.append(self.note)
            self.note = None


def yield_cpu() -> None:
    """Lower the calling thread's priority (nice 10; on Linux each thread has its own, and the
    threads it starts inherit it). For the query reports, and the merged dumps of a cold build:
    the site's thread is what a build waits for, and on 2 cores their copies, loads and queries
    took it turns it needed. They still get what the site leaves."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


@contextmanager
def atomic_dir(out: Path, remove_first: Callable[[Path], None] = lambda old: None) -> Iterator[Path]:
    """Yield an empty temporary folder beside `out`; on success it replaces `out`, and the
    replaced build is removed in the background (remove_in_background) once `remove_first`
    has taken what must be gone before this process goes on. The folders are named with this
    process's id, so a later build can tell those a killed build left (remove_stale)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not out.exists():
        os.replace(tmp, out)
        return
    # a name of its own: the same process may build again while this one is being removed
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
    os.replace(out, old)
    os.replace(tmp, out)
    remove_first(old)
    remove_in_background(old)


def remove_in_background(folder: Path) -> None:
    """Remove a replaced build without waiting for it: `rm -rf` in a process of its own, left
    running when this one ends (a register's replaced build is ~14,000 entries, 0.6-0.8 s of
    a rebuild spent only on removing them). The rm holds a lock on the folder (flock, through
    an inherited descriptor) until it ends, so that a build starting meanwhile leaves the folder
    to it (remove_stale) instead of removing it a second time in its own process. Without `rm`
    (or a shell to start it), removed here."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if fcntl is not None else None
    except OSError:
        handle = None
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        # the shell starts rm and ends at once, so no child is left to wait for
        subprocess.run(["/bin/sh", "-c", 'rm -rf -- "$1" </dev/null >/dev/null 2>&1 &', "sh",
                        str(folder)], check=True, start_new_session=True, timeout=30,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       pass_fds=() if handle is None else (handle,))
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        if handle is not None:
            os.close(handle)  # the rm's copy keeps the lock


def being_removed(folder: Path) -> bool:
    """Whether a process holds the lock remove_in_background takes on a replaced build."""
    if fcntl is None:
        return False
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(handle)  # closing releases a lock taken here
    return False


@contextmanager
def few_collections() -> Iterator[None]:
    """Python's cyclic garbage collector, for one build, run less often and kept off what the
    finished stages made (gc.freeze after each: the units, the site's records). By default a
    full pass walks every live object each time the heap grows by a quarter, and a build's
    heap is mostly long-lived data: 0.5-0.9 s of a 500-standard rebuild went to it (see
    docs/benchmarks.md). Cyclic garbage is still collected, in larger batches: young cycles by
    each young pass (every 100,000 allocations), older ones by the rarer passes over more."""
    threshold = gc.get_threshold()
    gc.set_threshold(100_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def check_output(out: Path) -> None:
    """`--out` must be a folder or absent, below folders (not files), and a folder that holds
    something must hold a previous build: it is replaced as a whole."""
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder or absent, this is a file (left as it is)",
                         file=str(out))
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"cannot write the build: {parent} is not a folder",
                                 file=str(out))
            break
    if out.is_dir() and not is_build(out) and any(out.iterdir()):
        raise InputError("--out is a folder that holds no kutse-rdf build; a build replaces its "
                         "whole output folder, so give a new or empty folder", file=str(out))


def is_build(folder: Path) -> bool:
    return (folder / "data" / "graphs.json").is_file() or (folder / CACHE_FOLDER).is_dir()


CACHE_FOLDER = ".cache"
# An OSError with one of these while a build is written is the output's fault, not a bug:
# one line naming the path, exit 2.
OUTPUT_ERRNOS = DISK_ERRNOS | {errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EMLINK}


@contextmanager
def output_errors(out: Path) -> Iterator[None]:
    """An unwritable or full output becomes InputError naming the path (exit 2)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        where = exc.filename or out
        raise InputError(f"cannot write the build: {exc.strerror or exc}", file=str(where)) \
            from None


@contextmanager
def build_lock(out: Path, wait: float = 0) -> Iterator[None]:
    """Hold `.NAME.lock` beside the output folder for the whole build: a second build into the
    same folder waits up to `wait` seconds for it, then stops (exit 2). An flock, so the
    kernel releases it when its process dies, however it dies; the file is removed when the
    build ends (a killed build's file is simply taken over)."""
    if fcntl is None:  # not POSIX: no lock
        yield
        return
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.lock"
    deadline = time.monotonic() + wait
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
            os.close(handle)
            if time.monotonic() >= deadline:
                raise InputError(
                    f"another build{f' (process {holder})' if holder.isdigit() else ''} is "
                    f"writing this folder{f' (waited {wait:g} s)' if wait else ''}; nothing "
                    "was written (--wait SECONDS waits for it)", file=str(out)) from None
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
            continue
        try:  # the holder before may have removed the file after this opened it: retry
            same = os.stat(lock).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(handle)
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        try:
            os.unlink(lock)  # while still holding it, see the check above
        except FileNotFoundError:
            pass
        os.close(handle)


def remove_stale(out: Path) -> list[Path]:
    """Remove the temporary folders (`.NAME.tmp-PID-*`) of builds whose process is gone
    (killed mid-build), and the replaced builds (`.NAME.old-PID-*`) whose removal no process is
    doing (remove_in_background's rm holds a lock on its folder until it is done); called under
    build_lock. Returns those removed."""
    out = out.resolve()
    pattern = re.compile(re.escape(f".{out.name}.") + r"(?:tmp-(\d+)-.*|old-(\d+)(?:-.*)?)")
    removed = []
    for path in out.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_dir() or path.is_symlink():
            continue
        pid = int(match.group(1) or match.group(2))
        if pid != os.getpid() and not process_alive(pid) and not being_removed(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def check_shrink(out: Path, result: BuildResult) -> None:
    """Raise BuildKept (exit 4) when this build would replace `out` with less because inputs
    failed: it holds no standard, or a standard of the previous build is missing because its
    file failed this time. A file removed from the inputs is a wanted shrink: allowed."""
    if not result.standards:
        kept = "the previous build is kept" if is_build(out) else "nothing was written"
        raise BuildKept(f"no standard was built; {kept} (--allow-shrink writes an empty build)",
                        file=str(out), failures=result.failures)
    failed = {Path(f.file).name for f in result.failures if f.file}
    built = {s.source_file for s in result.standards}
    lost = sorted(name for name in previous_files(out) if name in failed and name not in built)
    if lost:
        raise BuildKept(
            f"the previous build is kept: {len(lost)} of its standard(s) failed this time "
            f"({', '.join(lost[:3])}{', ...' if len(lost) > 3 else ''}); fix them, or pass "
            "--allow-shrink to build without them", file=str(out), failures=result.failures)


def check_bugs(result: BuildResult) -> None:
    """A bug (DocumentError) in every document is the tool's fault, not the data's: exit 3.
    A bug only some documents meet fails those documents (exit 1) and the rest is built."""
    if not result.standards and result.failures and \
            all(isinstance(f, DocumentError) for f in result.failures):
        raise RuntimeError(f"every document failed to build: {result.failures[0]}")


def previous_files(out: Path) -> list[str]:
    """The source file names of the standards in the build at `out` (reports/parse.json)."""
    try:
        report = json.loads((out / "reports" / "parse.json").read_text(encoding="utf-8"))
        return [str(s["file"]) for s in report["standards"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


MODEL_FILES = "model-files.json"  # in the artifact cache: which unit each data/model/ file is of


def write_parse_outputs(root: Path, result: BuildResult, units: list[UnitResult],
                        cache: ArtifactCache | None = None, ahead=None) -> None:
    """data/model/NAME.json per standard (its model as JSON, made by its unit; linked from the
    previous build when made by the same unit, maybe `ahead`: FilesAhead) and
    reports/parse.json."""
    from kutse_rdf.engine.dumps import StandardFiles

    (root / "data" / "model").mkdir(parents=True, exist_ok=True)
    files = StandardFiles(root, cache, record=MODEL_FILES, ahead=ahead)
    for unit in units:
        stem = f"model/{Path(unit.source_file).stem}"
        files.put(stem, unit.key, [(f"{stem}.json", lambda out, unit=unit: unit.copy("model_json", out))])
    files.close()
    report = {
        # made by each unit (its standard's details are unpickled only when read: model.py)
        "standards": [unit.parse_entry or parse_entry(unit.standard) for unit in units],
        "failures": [str(f) for f in result.failures],
    }
    write_json(root / "reports" / "parse.json", report)


def query_predicates(cache: ArtifactCache, queries: dict | None = None) -> dict:
    """query.predicates_record of the named queries the build reports (default: the library's):
    what they read, recorded in the cache for the next build."""
    from kutse_rdf.query import library_predicates, report_queries, shipped_predicates

    _, record = library_predicates([cache.load_record(PREDICATES_RECORD), shipped_predicates()],
                                   report_queries(queries)[0].values())
    cache.store_record(PREDICATES_RECORD, record)
    return record


def predicates_of(record: dict) -> frozenset[str] | None:
    found = record.get("predicates")
    return None if found is None else frozenset(found)


PREDICATES_RECORD = "query-predicates.json"
REPORTS_RECORD = "query-reports.json"
# made beside the reading of at least this many cached entries (run_units); fewer are read
# sooner than a worker process starts
EARLY_UNITS_BESIDE = 50


def run_units(files: list[Path], cache: ArtifactCache, config: Config, environment: str,
              built_at: datetime, jobs: int, progress: bool,
              query_predicates: frozenset[str] | None = None) -> list[UnitResult]:
    """Each file's unit result (unit.py), from the cache or computed, in file order. Units
    not cached run in `jobs` worker processes (inline when there are only one or two, unless
    many cached entries are read meanwhile). `environment`: cache.environment_key(config)."""
    results: dict[int, UnitResult] = {}
    todo: list[tuple[int, Path, str]] = []
    keys: dict[int, str] = {}
    for index, path in enumerate(files):
        try:
            keys[index] = unit_key(environment, path)
        except OSError as exc:
            results[index] = UnitResult(source_file=path.name, path=str(path),
                                        error=InputError(f"cannot read: {exc.strerror}",
                                                         file=str(path)))
    # on a rebuild the few units the previous build lacks (a new version) are made in a worker
    # process while this one reads the other entries (~0.5 s each on a register, side by side)
    early = {index: key for index, key in keys.items() if not cache.has(key)}
    if not (early and jobs > 1 and len(keys) - len(early) >= EARLY_UNITS_BESIDE):
        early = {}
    pool = unit_workers(min(jobs, len(early)), config, built_at, query_predicates) if early else None
    try:
        futures = {pool.submit(run_in_worker, files[index], key, cache): index
                   for index, key in early.items()} if pool else {}
        loading = [(index, key) for index, key in keys.items() if index not in early]
        with collections_paused():
            loaded = cache.load_all([key for _, key in loading])
        for (index, key), cached in zip(loading, loaded):
            if cached is not None:
                results[index] = cached
            else:
                todo.append((index, files[index], key))
        for future in as_completed(futures):
            _finish(future.result(), results, futures[future], None)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    bar = _progress(len(todo), progress)
    if todo and (len(todo) <= 2 or jobs <= 1):  # no context at all when everything is cached
        context = UnitContext(config, built_at, query_predicates)
        for index, path, key in todo:
            _finish(context.build(path, key, cache), results, index, bar)
    elif todo:
        with unit_workers(jobs, config, built_at, query_predicates) as pool:
            futures = {pool.submit(run_in_worker, path, key, cache): index
                       for index, path, key in todo}
            for future in as_completed(futures):  # each stored in the cache by its worker
                _finish(future.result(), results, futures[future], bar)
    if bar is not None:
        bar.close()
    return [results[i] for i in sorted(results)]


def unit_workers(count: int, config: Config, built_at: datetime,
                 query_predicates: frozenset[str] | None) -> ProcessPoolExecutor:
    """`count` forked processes that make units (unit.run_in_worker)."""
    return ProcessPoolExecutor(max_workers=count, mp_context=get_context("fork"),
                               initializer=init_worker, initargs=(config, built_at, query_predicates))


def _finish(unit: UnitResult, results: dict, index: int, bar) -> None:
    results[index] = unit
    if bar is not None:
        bar.update()


def _progress(total: int, wanted: bool):
    """A progress bar on stderr for builds of more than a few standards, only on a terminal."""
    if not wanted or total <= 5 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="standard", desc="building", file=sys.stderr)


def standard_units(files: list[Path], cache: ArtifactCache, config: Config, environment: str,
                   built_at: datetime, jobs: int, progress: bool, result: BuildResult,
                   queries: dict | None = None) -> tuple[list[UnitResult], dict]:
    """The units of the standards to build (distinct_units), from the cache or made and stored
    there, and the record of what the queries read (query_predicates) they were made with.
    Sets result.standards, .failures and .cache_hits."""
    record = query_predicates(cache, queries)
    units = distinct_units(run_units(files, cache, config, environment, built_at, jobs, progress,
                                     predicates_of(record)), result)
    result.standards = [u.standard for u in units]
    result.cache_hits = cache.hits
    return units, record


def reference_of(cache: ArtifactCache, environment: str, config: Config) -> UnitResult:
    """The reference unit (reference graph and its inferences), from the cache or made."""
    key = reference_key(environment)
    reference = cache.load(key)
    if reference is None:
        reference = reference_unit(config)
        reference.key = key
        cache.store(reference)
    return reference


@dataclass
class Units:
    """The units of some standards, made as a build makes them, for the commands that read them
    without building (validate, query INPUT)."""
    units: list[UnitResult]
    result: BuildResult  # standards, failures (documents reported and skipped), cache hits
    cache: ArtifactCache
    environment: str
    config: Config

    def reference(self) -> UnitResult:
        return reference_of(self.cache, self.environment, self.config)


@contextmanager
def cached_units(files: list[Path], out: Path, config: Config,
                 jobs: int | None = None) -> Iterator[Units]:
    """The units of `files` through the cache of the build folder `out` (out/.cache): what a
    build there reuses, and what it stored. Entries made here are added to that cache, so a
    later build reuses them. When out/.cache cannot be written, a temporary cache serves the
    command and is removed afterwards."""
    from kutse_rdf.query import library

    out = out.resolve()
    environment = environment_key(config)  # also checks the engines' names (exit 2)
    spare = None
    try:
        cache = ArtifactCache(out, out)
    except OSError:  # e.g. a read-only working folder: `query` still answers
        spare = Path(tempfile.mkdtemp(prefix="kutse-rdf-cache-"))
        cache = ArtifactCache(spare, spare)
    try:
        result = BuildResult()
        units, _ = standard_units(files, cache, config, environment, build_time(),
                                  jobs or os.cpu_count() or 1, False, result,
                                  library(config.queries))
        yield Units(units, result, cache, environment, config)
    finally:
        if spare is not None:
            shutil.rmtree(spare, ignore_errors=True)


def distinct_units(units: list[UnitResult], result: BuildResult) -> list[UnitResult]:
    """The units that built, first of each work and version (a work = a title's URI slug,
    versions.py); the others become failures (a second document of one work and version is
    refused, naming both files)."""
    from kutse_rdf.versions import version_key

    kept: dict[tuple[str, str], UnitResult] = {}
    for unit in units:
        if unit.error is not None:
            result.failures.append(unit.error)
            continue
        key = version_key(unit.standard)
        other = kept.get((unit.slug, key))
        if other is not None:
            result.failures.append(DataError(
                f"standard {unit.standard.title!r} version {key!r} (URI slug {unit.slug!r}) is "
                f"also in {other.source_file} ({other.standard.title!r}); remove one of the two",
                file=unit.source_file, line=unit.standard.line))
            continue
        kept[(unit.slug, key)] = unit
    return list(kept.values())


def write_validation(root: Path, units: list[UnitResult], result: BuildResult) -> None:
    """reports/validation.ttl + .json from each standard's report; violations are problems."""
    from kutse_rdf.graph.validate import write_report_entries

    violations, warnings = write_report_entries(
        [(u.data("validation_entry"), *u.validation_counts) for u in units],
        [u.data("validation_ttl") for u in units], root / "reports")
    result.problems += violations
    result.notes.append(f"validation: {violations} violation(s), {warnings} warning(s) "
                        "(reports/validation.json; details: kutse-rdf validate)")


def write_esco_suggestions(root: Path, result: BuildResult, config: Config) -> None:
    """reports/esco-suggestions.sssom.tsv when an ESCO release is imported (esco/suggest.py);
    nothing without one."""
    from kutse_rdf.esco.store import load_store

    store = load_store(config)
    if store is None:
        return
    from kutse_rdf.esco.suggest import write_suggestions

    count = write_suggestions(root / "reports" / "esco-suggestions.sssom.tsv", store,
                              result.standards, config)
    result.notes.append(f"esco: {count} suggested skill mapping(s) from ESCO {store.version} in "
                        "reports/esco-suggestions.sssom.tsv (not curated)")


def write_site(root: Path, result: BuildResult, config: Config, previous: Path | None = None,
               reports_ready: Callable[[], None] = lambda: None,
               cache: ArtifactCache | None = None,
               files_ready: Callable[[], None] = lambda: None) -> None:
    """[site] The static site (root/site/) from data/, reports/ and site_templates/.
    `reports_ready` returns once reports/queries/ is written."""
    from kutse_rdf.site.writer import build_site

    stats = build_site(root, config, previous=previous,  # reused pages
                       reports_ready=reports_ready, cache=cache, merged_triples=result.merged_triples,
                       work_changes=result.work_changes, files_ready=files_ready,
                       elm_view=result.elm_view)
    result.notes.append(f"site: {stats.pages} pages, {stats.resources} resources in site/")


def write_query_reports(root: Path, result: BuildResult, store, queries: dict) -> str:
    """Each named query without required parameters -> reports/queries/NAME.csv and
    NAME.json (W3C SPARQL results formats); returns the build's note on them."""
    from kutse_rdf.query import write_reports

    if result.keep_store:
        result.store = store
    skipped = write_reports(root / "reports" / "queries", store, queries)
    return queries_note(len(queries) - len(skipped), skipped)


def queries_note(reports: int, skipped: list[str], reused: str = "") -> str:
    """The build's line on its reports; `reused`: how they came from the previous build's."""
    return (f"queries: {reports} reports in reports/queries/"
            + (f", {reused}" if reused else "")
            + (f" (need parameters, not run: {', '.join(skipped)})" if skipped else ""))


def query_store(data: bytes | BinaryIO):
    """A store holding the build's N-Triples lines (bytes or a binary stream) as its default
    graph. The lines are
    Oxigraph's own serialisation of graphs it parsed and checked, so they are loaded without
    checking each IRI again (`lenient`), and by `load`, which in memory takes less time and
    space than `bulk_load`: 1.84 s against 2.48 s of CPU for the register's 952,840 triples
    (docs/benchmarks.md)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


def units_store(units: list[UnitResult], reference: UnitResult, config: Config,
                named_graphs: bool = False, as_of=None, chosen: dict[str, str] | None = None):
    """A store of the units' graphs as `query --data DIR/data/all.trig` has them: as the
    default graph the union (each triple once) of one version of each work — the current one,
    the one current on the day `as_of`, or the one `chosen` names (SLUG -> version key) — with
    the works' graphs, the changes graph and the reference; with `named_graphs`, every
    version's graph, each work's, the changes, the reference and the inferred graph under their
    names."""
    import pyoxigraph as ox

    from kutse_rdf.engine.dumps import changes_lines, shared_graph_lines, shared_lines
    from kutse_rdf.engine.works import group_works, select_versions
    from kutse_rdf.graph.convert import build_time
    from kutse_rdf.graph.ntriples import sorted_lines
    from kutse_rdf.graph.uris import Uris

    works = group_works(units, config.base_uri, build_time().date())
    try:
        picked = select_versions(works, as_of, chosen)
    except KeyError as exc:
        raise InputError(f"--version: {exc.args[0]}") from None
    store = query_store(b"".join([*(u.data("union_nt") for u in picked),
                                  shared_lines(picked, reference, works)]))
    if named_graphs:
        uris = Uris(config.base_uri)
        inferred = sorted_lines(reference.data("inferred_shared_nt"),
                                *(u.data(name) for u in units
                                  for name in ("inferred_nt", "inferred_shared_nt")))
        changes = changes_lines(works)
        shared = shared_graph_lines(units, reference)
        graphs = [*((u.graph_uri, u.data("graph_nt")) for u in units),
                  *((w.graph_uri, w.graph_nt) for w in works),
                  *([(str(uris.changes_graph()), changes)] if changes else []),
                  *([(str(uris.shared_graph()), shared)] if shared else []),
                  (str(uris.reference_graph()), reference.data("graph_nt")),
                  (str(uris.inferred_graph()), inferred)]
        for name, data in graphs:
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    return store


def start_query_reports(root: Path, units: list[UnitResult], shared: list[bytes], read: dict,
                        cache: ArtifactCache, environment: str, result: BuildResult,
                        background: "Background", named: dict) -> None:
    """reports/queries/: the library's answers. They can only change when a triple the queries
    read (`read`: query_predicates) changes, so the store holds just those (the units'
    query_nt and the matching shared lines, of `shared`: shared_parts; about half of the
    triples). When their hash equals
    the previous build's, the previous reports are linked (a rebuild after an edit the queries
    cannot see runs no query); when it differs only in the text of names, the previous answers
    get the new names (query/relabel.py) and only the queries that cannot take them run.
    Otherwise the store is loaded and the queries run in a thread beside the site (see
    run_build)."""
    predicates = predicates_of(read)
    if predicates is None:  # a query can read any predicate: the statements of data/all.nt
        data = b"".join([*(u.data("union_nt") for u in units), *shared])
        background.start(lambda: write_query_reports(root, result, query_store(data), named))
        return
    units = sorted(units, key=lambda u: u.graph_uri)
    forked = result.cache_hits > 0 and not result.keep_store  # see below
    # a forked process ends without freeing its store (os._exit): dropping it took ~0.13 s
    left_to_exit: list = []

    def answer() -> str:
        yield_cpu()  # in the thread, or the forked process
        # all of it in the thread, the filtering and hashing of the shared lines too (the
        # changes graph is most of them: ~30 MB on the benchmark's register)
        read_lines, rows_text, names = query_lines(cache, shared, predicates)
        digest = hashlib.sha256(environment.encode() + read_lines)
        rows = hashlib.sha256(environment.encode() + rows_text)
        for unit in units:
            digest.update(unit.query_digest.encode())
            rows.update(unit.query_rows_digest.encode())
        record = {"digest": digest.hexdigest(), "rows": rows.hexdigest()}
        previous = cache.load_record(REPORTS_RECORD) or {}
        cache.store_record(REPORTS_RECORD, record)
        # the names the previous reports were answered with (kept for the next build too)
        earlier = (cache.load_bytes(LABELS_FOLDER, previous["digest"])
                   if previous.get("rows") == record["rows"]
                   and str(previous.get("digest")).isalnum() else None)
        if previous == record:
            note = link_reports(cache, root, named)
            if note is not None:
                return note
        labels = b"".join([*(u.data("label_nt") for u in units), names])
        cache.store_bytes(LABELS_FOLDER, record["digest"], labels)

        def store():
            # Oxigraph asks for ~2 KB at a time: a buffer in C answers it
            with io.BufferedReader(FieldsReader(units, "query_nt", read_lines), 1 << 20) as lines:
                made = query_store(lines)
            if result.keep_store:
                result.store = made
            if forked:
                left_to_exit.append(made)
            return made

        if earlier is not None:
            note = reports_with_new_names(cache, root, named, read, earlier, labels, store)
            if note is not None:
                return note
        return write_query_reports(root, result, store(), named)

    # On a rebuild in a forked process: the reports' own Python (labels, CSV) and dropping the
    # store then take no turns at the interpreter lock from the site's Python. Not in a cold
    # build, where the site renders in workers: there the child's copy of this process's pages
    # counts again in the process tree's resident memory (~175 MB on the register, 2 GB
    # allowed). A test that keeps the store answers here too.
    background.start(start_forked(answer) if forked else answer)


QUERY_LINES_RECORD = "query-lines.pickle"  # in the artifact cache: query_lines by part


def query_lines(cache: ArtifactCache, parts: list[bytes], predicates: frozenset[str]
                ) -> tuple[bytes, bytes, bytes]:
    """Of the shared lines (shared_parts): those the queries read (with_predicates), the same
    with the names' texts left out (without_label_texts: what the answers' rows depend on)
    and the names among them (NAME_PREDICATES). Each part's three are kept in the cache by a
    hash of the part and of the predicates: on a register a new version changes one work's
    part of ~30 MB of lines, which cost ~0.6 s of CPU a rebuild to filter again."""
    from kutse_rdf.graph.ntriples import NAME_PREDICATES, with_predicates, without_label_texts

    wanted = hashlib.sha256("\n".join(sorted(predicates)).encode()).digest()
    stored = cache.load_pieces(QUERY_LINES_RECORD)
    kept: dict[str, tuple[bytes, ...]] = {}
    found = []
    for part in parts:
        key = hashlib.sha256(wanted + part).hexdigest()
        lines = stored.get(key) or kept.get(key)
        if lines is None or len(lines) != 3:
            read = with_predicates(part, predicates)
            lines = (read, without_label_texts(read), with_predicates(read, NAME_PREDICATES))
        kept[key] = lines
        found.append(lines)
    cache.store_pieces(QUERY_LINES_RECORD, kept)
    return tuple(b"".join(lines[n] for lines in found) for n in range(3))


def start_forked(work: Callable[[], str]) -> Callable[[], str]:
    """Start work() in a forked child process (it sees this process's memory as it is) and
    return what waits for it: its result, or its error raised in this process. Called from the
    main thread while no other thread can hold a lock: before the build starts its threads, or
    when the one started only waits for a child (the reports' before the merged dumps')."""
    context = get_context("fork")
    receive, send = context.Pipe(duplex=False)
    parent = os.getpid()

    def child() -> None:
        from kutse_rdf.processes import die_with_parent

        die_with_parent(parent)
        try:
            outcome = (True, work())
        except BaseException as exc:  # noqa: BLE001 (raised again in the parent)
            outcome = (False, exc)
        try:
            send.send(outcome)
        except Exception:  # noqa: BLE001 (an error that does not pickle: its text)
            send.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))

    process = context.Process(target=child, name="queries", daemon=True)
    process.start()
    send.close()

    def wait() -> str:
        try:
            ok, value = receive.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"the query reports' process ended with exit code {process.exitcode}") from None
        process.join()
        if ok:
            return value
        raise value

    return wait


LABELS_FOLDER = "labels"  # the names the reports were answered with, by the reports' digest


def reports_with_new_names(cache: ArtifactCache, root: Path, queries: dict, read: dict,
                           earlier: bytes, labels: bytes, store: Callable) -> str | None:
    """The previous build's reports with the changed names put in (query/relabel.py); the
    queries that cannot take them run on `store()`. None when the names changed otherwise (then
    every query runs)."""
    from kutse_rdf.query import changed_labels, relabel_reports, report_queries, write_reports

    changed = changed_labels(earlier, labels)
    if changed is None:
        return None
    reported, skipped = report_queries(queries)
    target = root / "reports" / "queries"
    again = relabel_reports(target, cache.previous_build / "reports" / "queries", reported,
                            read.get("labels") or {}, changed, labels)
    if again:
        write_reports(target, store(), {name: reported[name] for name in again})
    return queries_note(len(reported), skipped,
                        f"the previous build's with {len(changed)} changed name(s) put in"
                        + (f", {len(again)} run again" if again else ""))


def link_reports(cache: ArtifactCache, root: Path, queries: dict) -> str | None:
    """Hard-link every report file of the previous build's reports/queries/ into this one and
    return the build's note on them; None when one is missing (then the queries run)."""
    from kutse_rdf.query import REPORT_SUFFIXES, report_queries

    reported, skipped = report_queries(queries)
    source = cache.previous_build / "reports" / "queries"
    target = root / "reports" / "queries"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in reported:
            for suffix in REPORT_SUFFIXES:
                os.link(source / f"{name}.{suffix}", target / f"{name}.{suffix}")
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return None
    return queries_note(len(reported), skipped,
                        "taken from the previous build (the triples they read are unchanged)")


def run_build(files: list[Path], out: Path, config: Config, quiet: bool = False,
              jobs: int | None = None, allow_shrink: bool = False,
              wait: float = 0, as_of=None, keep_store: bool = False) -> BuildResult:
    """Build `files` into `out`. Guards of an unattended build: the output must be a folder
    (check_output), one build at a time per folder (build_lock, waiting up to `wait` s), what
    killed builds left is removed (remove_stale), a build that lost standards to failed inputs
    does not replace the previous one unless `allow_shrink` (check_shrink), and an unwritable
    or full output is one line naming the path (output_errors)."""
    with output_errors(out):
        check_output(out)
    with output_errors(out), build_lock(out, wait), few_collections():
        remove_stale(out)
        result = _run_build(files, out, config, quiet, jobs, allow_shrink, as_of, keep_store)
        try:
            record_verified(out)  # the next build trusts these entries without hashing them
        except OSError:
            pass  # an optional record: without it the next build checks every entry
        return result


def _run_build(files: list[Path], out: Path, config: Config, quiet: bool, jobs: int | None,
               allow_shrink: bool, as_of=None, keep_store: bool = False) -> BuildResult:
    from kutse_rdf.engine.dumps import (ElmDumps, FilesAhead, changes_of_works, shared_parts,
                                       write_graph_files)
    from kutse_rdf.engine.works import group_works
    from kutse_rdf.query import library

    result = BuildResult(keep_store=keep_store)
    out = out.resolve()
    jobs = jobs or os.cpu_count() or 1
    built_at = build_time()
    day = as_of or built_at.date()  # whose valid versions are the current ones
    environment = environment_key(config)  # also checks the engines' names (exit 2)
    named = library(config.queries)  # the shipped queries and kutse-rdf.toml's folder
    # the replaced build's links to the cache entries go before record_verified notes the
    # entries' change times (removing a link changes them: every entry would be hashed again)
    with atomic_dir(out, remove_first=unlink_entries) as root:
        cache = ArtifactCache(out, root)
        cache.warnings = result.warnings  # damaged entries
        # the previous build's files of data/standards/ and data/model/, beside the units' stage
        files_ahead = FilesAhead(root / "data", cache)
        models_ahead = FilesAhead(root / "data", cache, MODEL_FILES, "model", (".json",))
        units: list[UnitResult] = []

        predicates: list[dict] = []  # what the named queries read (query_predicates)

        def stage_units() -> None:
            made, read = standard_units(files, cache, config, environment, built_at, jobs,
                                        not quiet, result, named)
            units.extend(made)
            predicates.append(read)
            check_bugs(result)
            if not allow_shrink:
                check_shrink(out, result)

        def stage_data() -> None:
            works = group_works(units, config.base_uri, day, cache)
            result.work_changes = changes_of_works(works)
            reference = without_foreign_mappings(reference_of(cache, environment, config), units,
                                                 config, result, works)
            shared = shared_parts(units, reference, works)
            shared_nt = b"".join(shared)  # shared_lines
            current = [w.current for w in works]
            # every version current (a register without history): the same lines
            current_parts = shared_parts(current, reference, works)
            current_nt = (shared_nt if len(current) == len(units) else b"".join(current_parts))
            result.merged_triples = {
                "all.nt": sum(u.union_triples for u in units) + shared_nt.count(b"\n"),
                "current.nt": sum(u.union_triples for u in current) + current_nt.count(b"\n")}
            # the store is made of the units' bytes, so it loads while the dumps are written;
            # the library's reports answer for the current versions
            start_query_reports(root, current, current_parts, predicates[0], cache, environment,
                                result, queries, named)
            elm = ElmDumps(root, units, keyed=True)
            result.elm_view = elm.view()
            # the merged files: ~1.2 GB of copies in the kernel on a register, beside the
            # graphs' files and the site's Python. Yielding in a cold build (the site's workers
            # have the cores), not in a rebuild: there the site's last pages waited ~1.5 s for
            # it while the reports' process had the other core. In a rebuild they are written
            # in a forked process (start_forked): in a thread their thousands of copies and
            # pieces each took the interpreter lock back from the site's Python
            dumps.yielding = result.cache_hits == 0

            def start_dumps(write_merged_files: Callable[[], None]) -> None:
                dumps.start(start_forked(write_merged_files) if result.cache_hits
                            else write_merged_files)
                # the ELM view's files (~400 MB of copies on a register) while the graph files
                # are made and the site starts (it reads their parts: result.elm_view). Its
                # thread starts after the fork.
                elm_files.start(elm.write_files)

            write_graph_files(root, units, reference, config, cache, shared, works, current_nt,
                              start=start_dumps, ahead=files_ahead, start_inferred=inferred_files.start)
            result.notes.append(elm.record(config))
            # the counts write_dumps put in the manifest
            manifest = json.loads((root / "data" / "graphs.json").read_text(encoding="utf-8"))
            asserted = sum(e["triples"] for e in manifest if e["kind"] in ("standard", "shared"))
            inferred = sum(e["triples"] for e in manifest if e["kind"] == "inferred")
            result.notes.append(f"graph: {asserted} triples in {len(units)} standard graph(s), "
                                f"{inferred} inferred")
            result.notes.append(f"versions: {len(units)} version(s) of {len(works)} standard(s), "
                                f"the current ones as of {day.isoformat()}")

        # The query store and reports run in a thread beside the site: pyoxigraph releases the
        # GIL while it loads and queries, and the site is Python, so on 2 cores they overlap.
        queries = Background("queries", result.timings, result.notes, yielding=True)
        dumps = Background("dumps", result.timings, result.notes)  # merged files
        elm_files = Background("elm-files", result.timings, result.notes)
        # the inferred graph's merged files (~150 MB of copies on a register): in the main thread
        # they were ~0.5 s of a rebuild's longest path, which the graphs' folders wait for later
        inferred_files = Background("inferred-files", result.timings, result.notes)
        threads = (queries, dumps, elm_files, inferred_files)

        def files_ready() -> None:  # what the graphs' folders and the downloads read
            elm_files.wait()
            inferred_files.wait()

        def site() -> None:
            write_site(root, result, config, previous=out, reports_ready=outputs_ready, cache=cache,
                       files_ready=files_ready)

        def outputs_ready() -> None:  # what the site's downloads, home and VoID read
            files_ready()
            dumps.wait()
            queries.wait()
        stages = [
            ("units", stage_units),  # parse, convert, reason, validate, ELM per standard
            ("data", stage_data),  # data/* dumps, ELM view; starts the queries
            ("model", lambda: write_parse_outputs(root, result, units, cache, models_ahead)),
            ("validate", lambda: write_validation(root, units, result)),
            ("esco", lambda: write_esco_suggestions(root, result, config)),
            ("site", site),
            ("queries-wait", outputs_ready),
        ]
        try:
            index = 0
            while index < len(stages):
                name, stage = stages[index]
                started = time.perf_counter()
                try:
                    stage()
                except DocumentError as exc:
                    if not exc.standards:
                        raise
                    # a bug met while rendering some standards (the site): those fail, and
                    # what follows the units is written again without them
                    for thread in threads:
                        thread.join()
                    for ahead in (files_ahead, models_ahead):  # what they linked goes too
                        ahead.take()
                    drop_standards(exc, units, result, config)
                    restart_outputs(root, result, *threads)
                    check_bugs(result)
                    if not allow_shrink:
                        check_shrink(out, result)
                    index = 1
                    continue
                result.timings[name] = time.perf_counter() - started
                index += 1
                gc.freeze()  # what the stages so far made lives to the end: see few_collections
        finally:
            for thread in threads:  # never leave a thread writing into a folder being removed
                thread.join()
            files_ahead.take()  # nor a cp (a build that failed before data/)
            models_ahead.take()
            result.elm_view = None  # it reads the cache entries of a build folder since renamed
    return result


def drop_standards(error: DocumentError, units: list[UnitResult], result: BuildResult,
                   config: Config) -> None:
    """Move the units of the standards `error` names (their IRIs) to the failures."""
    from kutse_rdf.graph.uris import Uris

    uris = Uris(config.base_uri)
    failed = set(error.standards)
    kept = [u for u in units if str(uris.standard(u.standard)) not in failed]
    if len(kept) == len(units):
        raise error  # about no standard of the build: a bug of the stage itself
    for unit in units:
        if unit not in kept:
            result.failures.append(DocumentError(error.message, file=unit.path, kind=error.kind))
    units[:] = kept
    result.standards = [u.standard for u in units]


def restart_outputs(root: Path, result: BuildResult, *threads: Background) -> None:
    """Empty the build folder but for the units' cache entries, for another pass of the
    stages after the units."""
    for path in root.iterdir():
        if path.name != CACHE_FOLDER:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    shutil.rmtree(root / CACHE_FOLDER / "site", ignore_errors=True)
    result.notes.clear()
    result.problems = 0
    result.store = None
    for thread in threads:
        thread.thread = thread.error = thread.note = None


def without_foreign_mappings(reference: UnitResult, units: list[UnitResult], config: Config,
                             result: BuildResult, works: list = ()) -> UnitResult:
    """The reference unit less the mapping rows (mappings/*.sssom.tsv) about resources of this
    base URI that the build does not hold (the shipped mappings are about it-juht-tase-7's
    competences): they would make pages and data about resources no standard defines. Each
    file with such rows gets a warning. The reference unit itself is unchanged when none.
    A row may name a version-specific resource (held when its version's graph states it) or a
    version-independent one (held when its work's graph does: some version has it)."""
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.graph.vocab import load_mappings

    uris = Uris(config.base_uri)
    # read only when a row names them (a register's graphs are hundreds of MB)
    graphs: dict[str, Callable[[], bytes]] = {
        str(uris.standard(u.standard)): lambda u=u: u.data("graph_nt") for u in units}
    graphs.update((w.iri, lambda w=w: w.graph_nt) for w in works)
    roots = {uris.base + "standard/"}
    known: dict[str, bool] = {}

    @lru_cache(maxsize=8)  # a mapping file's rows come a standard at a time
    def graph_of(owner: str) -> bytes:
        return graphs[owner]() if owner in graphs else b""

    def in_build(uri: str) -> bool:
        """Whether the standard `uri` belongs to is built and states something about it;
        always for other URIs (external concepts, a council)."""
        if not uri.startswith(tuple(roots)):
            return True
        if uri not in known:
            document = uri.partition("#")[0]
            version = uris.version_of(document)
            work = document[len(uris.base + "standard/"):].partition("/")[0]
            owner = (f"{uris.base}standard/{work}"
                     + (f"/version/{version[1]}" if version is not None else ""))
            subject = b"<%s> " % uri.encode()
            graph = graph_of(owner)
            known[uri] = graph.startswith(subject) or b"\n" + subject in graph
        return known[uri]

    foreign: set[str] = set()
    rows: dict[str, list[str]] = {}  # mapping file -> the foreign resource of each row
    for mapping in load_mappings(config):
        outside = [uri for uri in (mapping.subject, mapping.object) if not in_build(uri)]
        if outside:
            foreign.update(outside)
            rows.setdefault(mapping.source_file, []).append(outside[0])
    if not foreign:
        return reference
    for name, uris in sorted(rows.items()):
        warning = (f"kutse-rdf: mappings/{name}: warning: {len(uris)} mapping row(s) about "
                   f"resources no standard of this build defines (e.g. {min(uris)}); left out of "
                   "data/ and site/")
        if warning not in result.warnings:  # the stages may run twice (run_build)
            result.warnings.append(warning)
    tags = [b"<%s>" % uri.encode() for uri in foreign]
    base_tag = b"<" + config.base_uri.encode()

    def keep(nt: bytes) -> bytes:
        lines = [line for line in nt.splitlines(keepends=True)
                 if base_tag not in line or not any(tag in line for tag in tags)]
        return b"".join(lines)

    graph_nt = keep(reference.data("graph_nt"))
    return replace(reference, graph_nt=graph_nt, graph_triples=graph_nt.count(b"\n"),
                   inferred_shared_nt=keep(reference.data("inferred_shared_nt")))
