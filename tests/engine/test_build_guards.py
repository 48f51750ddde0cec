"""An unattended build (issue 18): a run that lost standards to failed inputs keeps the previous
build, `--out` must be a folder, an unwritable or full output is one line (exit 2), one build at
a time per folder, a killed build leaves no workers and its temporary folders are removed by
the next, a bug one document meets fails that document only, a damaged cache entry is rebuilt,
mappings about resources no standard of the build defines make no pages."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kutse_rdf.build import run_build
from kutse_rdf.config import Config
from kutse_rdf.errors import BuildKept, DocumentError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PUUSEPP = FIXTURES / "standards" / "puusepp-tase-4.txt"
MULTI = FIXTURES / "multi"


def kutse(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kutse_rdf", *args], capture_output=True,
                          text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def standards_in(out: Path) -> list[str]:
    """The versions' dumps, `SLUG/version/KEY.nt`."""
    folder = out / "data" / "standards"
    return sorted(str(p.relative_to(folder)) for p in folder.glob("*/version/*.nt"))


@pytest.fixture
def two(tmp_path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(MULTI, folder)
    return folder


# -- 3: a build that lost standards to failed inputs keeps the previous build ---------------------

def test_every_input_failing_keeps_the_previous_build(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(PUUSEPP, inputs)
    out = tmp_path / "build"
    assert kutse("build", str(inputs), "--out", str(out), "--quiet").returncode == 0
    before = snapshot(out)
    (inputs / PUUSEPP.name).write_bytes(b"PK\x03\x04\x00\x00binary")
    proc = kutse("build", str(inputs), "--out", str(out), "--quiet")
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    skipped, kept = proc.stderr.strip().splitlines()
    assert skipped.startswith("kutse-rdf: skipped: ") and "puusepp-tase-4.txt" in skipped
    assert kept == (f"kutse-rdf: {out}: no standard was built; the previous build is kept "
                    "(--allow-shrink writes an empty build)")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "in"]  # nothing left beside


def test_a_standard_lost_to_a_failed_input_keeps_the_previous_build(tmp_path, two):
    out = tmp_path / "build"
    assert kutse("build", str(two), "--out", str(out), "--quiet").returncode == 0
    before = snapshot(out)
    assert len(standards_in(out)) == 2
    (two / "andmeanaluutik-tase-6.txt").write_text("", encoding="utf-8")  # emptied by mistake
    proc = kutse("build", str(two), "--out", str(out), "--quiet")
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"kutse-rdf: {out}: the previous build is kept: 1 of its standard(s) failed this time "
        "(andmeanaluutik-tase-6.txt); fix them, or pass --allow-shrink to build without them")
    assert snapshot(out) == before
    # asked for: the build without it replaces the previous one; documents were skipped (1)
    proc = kutse("build", str(two), "--out", str(out), "--quiet", "--allow-shrink")
    assert proc.returncode == 1, proc.stderr
    assert standards_in(out) == ["tarkvaraarendaja-tase-6/version/draft.nt"]


def test_an_input_removed_on_purpose_shrinks_the_build(tmp_path, two):
    out = tmp_path / "build"
    assert kutse("build", str(two), "--out", str(out), "--quiet").returncode == 0
    (two / "andmeanaluutik-tase-6.txt").unlink()
    proc = kutse("build", str(two), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert standards_in(out) == ["tarkvaraarendaja-tase-6/version/draft.nt"]


def test_a_first_build_of_nothing_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    out = tmp_path / "build"
    with pytest.raises(BuildKept, match="nothing was written") as kept:
        run_build([bad], out, Config(), quiet=True)
    [failure] = kept.value.failures
    assert str(failure).startswith(f"{bad}:1: binary file")
    assert not out.exists()
    result = run_build([bad], out, Config(), quiet=True, allow_shrink=True)
    assert result.standards == [] and (out / "data" / "graphs.json").is_file()


# -- 4 and 11: the output folder -------------------------------------------------------------------

def test_out_naming_a_file_is_refused_and_the_file_untouched(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n", encoding="utf-8")
    proc = kutse("build", str(PUUSEPP), "--out", str(target))
    assert proc.returncode == 2
    assert proc.stderr == (f"kutse-rdf: {target}: --out must be a folder or absent, this is a "
                           "file (left as it is)\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_out_below_a_file_is_one_line_exit_2(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n", encoding="utf-8")
    proc = kutse("build", str(PUUSEPP), "--out", str(target / "sub"))
    assert proc.returncode == 2
    assert proc.stderr == (f"kutse-rdf: {target / 'sub'}: cannot write the build: {target} is "
                           "not a folder\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_out_naming_a_folder_that_is_not_a_build_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me\n", encoding="utf-8")
    proc = kutse("build", str(PUUSEPP), "--out", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"kutse-rdf: {tmp_path}: --out is a folder that holds no "
                                  "kutse-rdf build")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_output_without_permission_is_one_line_exit_2(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        proc = kutse("build", str(PUUSEPP), "--out", str(parent / "build"))
    finally:
        parent.chmod(0o700)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"kutse-rdf: {parent}")
    assert "Permission denied" in proc.stderr and "internal error" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_a_folder_without_permission_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    """What a user without write permission meets (root is not refused by chmod): mkdtemp
    in the output's parent raising EACCES."""
    import tempfile

    from kutse_rdf.cli import main

    def refused(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), dir)

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    out = tmp_path / "build"
    assert main(["build", str(PUUSEPP), "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err == (f"kutse-rdf: {tmp_path}: cannot write the build: "
                                       "Permission denied\n")


def test_a_full_disk_is_one_line_naming_the_output_exit_2(tmp_path, monkeypatch, capsys):
    """write() on a full disk gives ENOSPC without a file name: the output folder is named."""
    from kutse_rdf.cli import main
    from kutse_rdf.engine import dumps

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(dumps, "_write", full)
    out = tmp_path / "build"
    assert main(["build", str(PUUSEPP), "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err == (f"kutse-rdf: {out}: cannot write the build: No space left "
                                       "on device\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_full_disk_in_the_sites_copy_thread_keeps_the_previous_build(tmp_path, two, monkeypatch,
                                                                        capsys):
    """The large graphs' index.trig are copied in a thread of the site: its full disk still
    ends the build with the one line and exit 2, and the previous build stays as it was."""
    from kutse_rdf.cli import main
    from kutse_rdf.site import writer

    out = tmp_path / "build"
    files = [str(p) for p in sorted(two.glob("*.txt"))]
    assert main(["build", *files, "--out", str(out), "--quiet"]) == 0
    before = snapshot(out)
    real, copied = writer.copy_range, []

    def full(*args, **kwargs):
        copied.append(threading.current_thread().name)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, "copy_range", full)
    edited = Path(files[0])
    text = edited.read_text(encoding="utf-8")
    word = next(w for w in text.split() if len(w) > 8 and w.isalpha())
    edited.write_text(text.replace(word, word + "t", 1), encoding="utf-8")  # the ELM view changes
    assert main(["build", *files, "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.endswith(": cannot write the build: No space left on device\n")
    assert copied and all(name.startswith("site-copies") for name in copied)
    assert snapshot(out) == before
    monkeypatch.setattr(writer, "copy_range", real)


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 256 KB tmpfs (needs root and mount); skipped where it cannot be mounted."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_is_one_line_exit_2(tiny_tmpfs):
    out = tiny_tmpfs / "build"
    proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"kutse-rdf: {tiny_tmpfs}/") and "No space left on device" in line
    assert list(tiny_tmpfs.iterdir()) == []  # the temporary folder removed


def test_a_read_only_output_is_one_line_exit_2(tiny_tmpfs):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    proc = kutse("build", str(PUUSEPP), "--out", str(tiny_tmpfs / "build"), "--quiet")
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"kutse-rdf: {tiny_tmpfs}") and "Read-only file system" in line


# -- 12: one build at a time per output folder -------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from kutse_rdf.build import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_second_build_into_the_same_folder_stops_or_waits(tmp_path):
    out = tmp_path / "build"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
        assert proc.returncode == 2
        assert proc.stderr == (f"kutse-rdf: {out}: another build (process {holder.pid}) is "
                               "writing this folder; nothing was written (--wait SECONDS waits "
                               "for it)\n")
        assert not out.exists()
        waiting = subprocess.Popen([sys.executable, "-m", "kutse_rdf", "build", str(PUUSEPP),
                                    "--out", str(out), "--quiet", "--wait", "120"],
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        assert waiting.poll() is None  # still waiting for the lock
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
        assert standards_in(out) == ["puusepp-tase-4/version/draft.nt"]
    finally:
        holder.kill()
        holder.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # the lock file removed


# -- 13: killed builds ----------------------------------------------------------------------------

def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_build_removes_what_killed_builds_left(tmp_path):
    out = tmp_path / "build"
    gone = dead_pid()
    stale = [tmp_path / f".build.tmp-{gone}-x1y2z3", tmp_path / f".build.old-{gone}",
             tmp_path / f".build.old-{gone}-k3j4l5"]  # a replaced build it was removing
    alive = tmp_path / f".build.tmp-{os.getpid()}-a1b2c3"  # this test's process: running
    other = tmp_path / f".other.tmp-{gone}-q"  # another output's
    for folder in (*stale, alive, other):
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "all.nt").write_bytes(b"x" * 1000)
    proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name, "build"])


def test_a_replaced_build_being_removed_is_left_to_its_remover(tmp_path, monkeypatch):
    """The replaced build's rm holds a lock on its folder until it is done. A build that starts
    meanwhile leaves a locked folder to its remover, even when the process its name gives is
    gone, instead of removing it again in its own process; an unlocked one of a gone process
    is removed as before."""
    from kutse_rdf.build import being_removed, remove_stale

    slow = tmp_path / "bin"
    slow.mkdir()
    real_rm = shutil.which("rm")
    (slow / "rm").write_text(f'#!/bin/sh\nsleep 3\nexec {real_rm} "$@"\n')
    (slow / "rm").chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow}:{os.environ['PATH']}")
    out = tmp_path / "build"
    run_build([PUUSEPP], out, Config(), quiet=True)
    run_build([PUUSEPP], out, Config(), quiet=True)
    [replaced] = [p for p in tmp_path.iterdir() if p.name.startswith(".build.old-")]
    assert being_removed(replaced)  # its rm is still asleep
    deadline = time.monotonic() + 30
    while replaced.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not replaced.exists() and not being_removed(replaced)

    gone = dead_pid()
    locked, unlocked = tmp_path / f".build.old-{gone}-a1s2d3", tmp_path / f".build.old-{gone}-q1w2e3"
    for folder in (locked, unlocked):
        (folder / "data").mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys; h = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(h, fcntl.LOCK_EX); "
        "print('locked', flush=True); sys.stdin.read()"), str(locked)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_stale(out) == [unlocked] and locked.is_dir()
    finally:
        holder.communicate("", timeout=30)
    assert remove_stale(out) == [locked]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "build"]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_build_when(tmp_path: Path, corpus: Path, wanted, ready=None) -> list[int]:
    """Start a build of `corpus` and kill -9 it once one of its children passes `wanted`. With
    `ready`, wait until the child passes it too and stop it first (SIGSTOP: a worker near the
    end of its work cannot then leave by itself). Returns those children."""
    out = tmp_path / "build"
    build = subprocess.Popen([sys.executable, "-m", "kutse_rdf", "build", str(corpus), "--out",
                              str(out), "--quiet", "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    workers: list[int] = []
    while time.monotonic() < deadline and build.poll() is None:
        workers = [pid for pid in children_of(build.pid) if wanted(cmdline(pid))]
        if workers and (ready is None or all(ready(pid) for pid in workers)):
            break
        time.sleep(0.02)
    assert build.poll() is None and workers, "the build ended before it had workers"
    if ready is not None:
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
    build.send_signal(signal.SIGKILL)
    build.wait()
    return workers


def read_its_jobs(pid: int) -> bool:
    """Whether a site worker has read its jobs from stdin (it does so after setting itself up
    to die with its parent)."""
    try:
        position = Path(f"/proc/{pid}/fdinfo/0").read_text().split()[1]
    except (OSError, IndexError):
        return False
    return int(position) > 0


def assert_gone(workers: list[int]) -> None:
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(running(pid) for pid in workers):
            time.sleep(0.1)
        assert not [pid for pid in workers if running(pid)], "workers outlived the killed build"
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_pool_workers_die_with_a_killed_build_and_the_next_build_cleans_up(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(6, corpus, seed=5)
    workers = kill_build_when(tmp_path, corpus, lambda line: "kutse_rdf" in line)
    assert_gone(workers)
    assert [p for p in tmp_path.iterdir() if ".build.tmp-" in p.name]  # the killed build's
    proc = kutse("build", str(PUUSEPP), "--out", str(tmp_path / "build"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "corpus"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or (os.cpu_count() or 1) < 2,
                    reason="reads /proc; the site renders in processes only on 2+ cores")
def test_site_render_workers_die_with_a_killed_build(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(8, corpus, seed=5)  # 8 standards: the site renders in worker processes
    workers = kill_build_when(tmp_path, corpus, lambda line: "kutse_rdf.site.render" in line,
                              read_its_jobs)
    assert_gone(workers)


# -- 6: a bug one document meets fails that document --------------------------------------------

def test_an_unexpected_exception_in_one_document_skips_that_document(tmp_path, two, monkeypatch):
    from kutse_rdf.graph import convert

    real = convert.standard_graph

    def broken(std, *args, **kwargs):
        if std.source_file == "andmeanaluutik-tase-6.txt":
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        return real(std, *args, **kwargs)

    monkeypatch.setattr(convert, "standard_graph", broken)
    result = run_build(sorted(two.glob("*.txt")), tmp_path / "build", Config(), quiet=True)
    assert [s.source_file for s in result.standards] == ["tarkvaraarendaja-tase-6.txt"]
    [failure] = result.failures
    assert isinstance(failure, DocumentError)
    assert str(failure) == (f"{two / 'andmeanaluutik-tase-6.txt'}: cannot be built (a bug, "
                            "please report it): OSError: [Errno 36] File name too long")
    assert standards_in(tmp_path / "build") == ["tarkvaraarendaja-tase-6/version/draft.nt"]
    # a bug may be passing (memory, a file limit): the failure is not cached, the next build
    # tries the document again
    monkeypatch.setattr(convert, "standard_graph", real)
    again = run_build(sorted(two.glob("*.txt")), tmp_path / "build", Config(), quiet=True)
    assert (len(again.standards), again.cache_hits, again.failures) == (2, 1, [])


def test_a_bug_message_over_several_lines_is_one_line(tmp_path, monkeypatch):
    from kutse_rdf.graph import convert

    real = convert.standard_graph

    def broken(std, *args, **kwargs):
        if std.source_file == PUUSEPP.name:
            raise ValueError("first line\nsecond line\n" + "x" * 1000)
        return real(std, *args, **kwargs)

    monkeypatch.setattr(convert, "standard_graph", broken)
    result = run_build([PUUSEPP, MULTI / "andmeanaluutik-tase-6.txt"], tmp_path / "build",
                       Config(), quiet=True)
    [failure] = result.failures
    assert "\n" not in str(failure) and len(failure.message) == 400
    assert "ValueError: first line second line xxx" in str(failure)


def test_the_same_bug_in_every_document_is_an_internal_error(tmp_path, two, monkeypatch):
    from kutse_rdf.graph import convert

    def broken(*args, **kwargs):
        raise KeyError("every time")

    monkeypatch.setattr(convert, "standard_graph", broken)
    with pytest.raises(RuntimeError, match="every document failed to build: .*KeyError"):
        run_build(sorted(two.glob("*.txt")), tmp_path / "build", Config(), quiet=True)


def test_a_standard_whose_pages_cannot_be_rendered_is_skipped(tmp_path, two, monkeypatch):
    from kutse_rdf.site.render import StandardRenderer

    real = StandardRenderer._render

    def broken(self, job):
        if job.iri.endswith("/andmeanaluutik-tase-6/version/draft"):
            raise ValueError("no template for this")
        return real(self, job)

    monkeypatch.setattr(StandardRenderer, "_render", broken)
    out = tmp_path / "build"
    result = run_build(sorted(two.glob("*.txt")), out, Config(), quiet=True)
    assert [s.source_file for s in result.standards] == ["tarkvaraarendaja-tase-6.txt"]
    assert [str(f) for f in result.failures] == [
        f"{two / 'andmeanaluutik-tase-6.txt'}: its site pages cannot be rendered (a bug, please "
        "report it): ValueError: no template for this"]
    assert standards_in(out) == ["tarkvaraarendaja-tase-6/version/draft.nt"]
    assert not list((out / "site").rglob("*andmeanaluutik*"))
    assert list((out / "site").rglob("*tarkvaraarendaja-tase-6*"))
    assert "andmeanaluutik" not in (out / "data" / "all.nt").read_text(encoding="utf-8")
    report = json.loads((out / "reports" / "parse.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in report["standards"]] == ["tarkvaraarendaja-tase-6.txt"]
    assert len(report["failures"]) == 1
    for kind in ("graph: ", "queries: ", "site: "):  # the notes of one pass, not two
        assert sum(note.startswith(kind) for note in result.notes) == 1, kind


BREAK_RENDERING = """
import os
if os.environ.get("KUTSE_TEST_BREAK"):
    from kutse_rdf.site import render

    real = render.StandardRenderer._render

    def broken(self, job):
        if job.iri.endswith(os.environ["KUTSE_TEST_BREAK"]):
            raise ValueError("broken here")
        return real(self, job)

    render.StandardRenderer._render = broken
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the site renders in processes on 2+ cores")
def test_a_standard_a_site_worker_cannot_render_is_skipped(tmp_path):
    """The same in the site's worker processes (8 standards), broken there by a
    sitecustomize module."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(8, corpus, seed=5)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(BREAK_RENDERING, encoding="utf-8")
    victim = sorted(corpus.glob("*.txt"))[3]
    slug = json.loads(kutse("parse", str(victim), "--format", "json").stdout)["title"]
    from kutse_rdf.graph.uris import slug as make_slug

    env = {**os.environ, "KUTSE_TEST_BREAK": "/standard/" + make_slug(slug) + "/version/draft",
           "PYTHONWARNINGS": "ignore::RuntimeWarning",  # runpy: the hook imported the module
           "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "build"
    proc = subprocess.run([sys.executable, "-m", "kutse_rdf", "build", str(corpus), "--out",
                           str(out), "--quiet", "--jobs", "2"], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert own_lines(proc.stderr) == (f"kutse-rdf: skipped: {victim}: its site pages cannot be "
                                      "rendered (a bug, please report it): ValueError: broken "
                                      "here\n")
    assert len(standards_in(out)) == 7


def test_a_136_kb_competence_title_builds(tmp_path):
    text = PUUSEPP.read_text(encoding="utf-8")
    title = " ".join(["Töö planeerimine"] * 8000)  # 136 KB: past csv's 128 KiB field limit
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / PUUSEPP.name).write_text(
        text.replace("\t\tB.3.1. Töö planeerimine\n", f"\t\tB.3.1. {title}\n"), encoding="utf-8")
    proc = kutse("build", str(inputs), "--out", str(tmp_path / "build"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert title in (tmp_path / "build" / "data" / "all.nt").read_text(encoding="utf-8")


# -- 14: a damaged cache entry ----------------------------------------------------------------------

def own_lines(stderr: str) -> str:
    """stderr less the warnings about the shipped mappings (puusepp is not it-juht-tase-7)."""
    return "".join(line for line in stderr.splitlines(keepends=True)
                   if ": warning: " not in line or "mapping row(s)" not in line)


def damage(out: Path, old: bytes, new: bytes) -> Path:
    """Replace `old` by `new` (same length) everywhere in the body of the cache entry that
    holds it; the header stays intact."""
    assert len(old) == len(new)
    for entry in (out / ".cache").glob("*.unit"):
        data = entry.read_bytes()
        if old in data:
            entry.write_bytes(data.replace(old, new))
            return entry
    raise AssertionError(f"{old!r} in no cache entry")


def test_a_cache_entry_with_an_altered_literal_is_rebuilt_with_a_warning(tmp_path):
    out = tmp_path / "build"
    assert kutse("build", str(PUUSEPP), "--out", str(out), "--quiet").returncode == 0
    entry = damage(out, "Töö planeerimine".encode(), "Tõõ planeerimine".encode())
    proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert own_lines(proc.stderr) == (f"kutse-rdf: {entry}: warning: damaged cache entry (its content hash "
                           "differs); rebuilt, not used\n")
    for path in (out / "data").rglob("*.nt"):
        assert "Tõõ" not in path.read_text(encoding="utf-8"), path
    assert "Töö planeerimine" in (out / "data" / "all.nt").read_text(encoding="utf-8")


def test_a_cache_entry_with_a_damaged_iri_does_not_break_later_builds(tmp_path):
    out = tmp_path / "build"
    assert kutse("build", str(PUUSEPP), "--out", str(out), "--quiet").returncode == 0
    damage(out, b"<https://w3id.org/kutse-rdf/id/standard/puusepp",
           b"<https://w3id.org/kutse rdf/id/standard/puusepp")
    for _ in range(2):
        proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
    assert own_lines(proc.stderr) == ""  # the second build reads the entry the first rebuilt


# -- 15: mappings about resources no standard of the build defines ------------------------------

def test_mappings_about_standards_not_built_make_no_pages_and_are_reported(tmp_path):
    out = tmp_path / "build"
    proc = kutse("build", str(PUUSEPP), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "kutse-rdf: mappings/it-juht-occupations.sssom.tsv: warning: 8 mapping row(s) about "
        "resources no standard of this build defines (e.g. https://w3id.org/kutse-rdf/id/"
        "standard/it-juht-tase-7/partial/andmehaldusejuht-tase-7); left out of data/ and site/",
        "kutse-rdf: mappings/it-juht-skills.sssom.tsv: warning: 20 mapping row(s) about "
        "resources no standard of this build defines (e.g. https://w3id.org/kutse-rdf/id/"
        "standard/it-juht-tase-7/competence/B.3.1); left out of data/ and site/"]
    assert not [p for p in (out / "site").rglob("*it-juht-tase-7*")]
    for path in (out / "data").rglob("*"):
        if path.is_file() and path.suffix in (".nt", ".ttl", ".trig", ".jsonld", ".json"):
            assert "it-juht-tase-7" not in path.read_text(encoding="utf-8"), path
    manifest = json.loads((out / "data" / "graphs.json").read_text(encoding="utf-8"))
    [reference] = [e for e in manifest if e["kind"] == "reference"]
    lines = (out / "data" / "reference.nt").read_bytes().count(b"\n")
    assert reference["triples"] == lines


def test_the_shipped_standard_uses_every_shipped_mapping(tmp_path, seed_path):
    result = run_build([seed_path], tmp_path / "build", Config(), quiet=True)
    assert result.warnings == []
    text = (tmp_path / "build" / "data" / "reference.nt").read_text(encoding="utf-8")
    assert text.count("<https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/") == 28


def test_a_replaced_build_is_removed_after_the_new_one_is_in_place(tmp_path, monkeypatch):
    """The replaced build goes in the background (rm, not waited for): builds one after another
    in one process each get a folder of their own for it, and soon nothing is left beside."""
    from kutse_rdf import build as build_module

    out = tmp_path / "build"
    for _ in range(3):
        run_build([PUUSEPP], out, Config(), quiet=True)
        assert (out / "data" / "all.nt").is_file()
    deadline = time.monotonic() + 60
    while sorted(p.name for p in tmp_path.iterdir()) != ["build"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]

    def no_shell(*args, **kwargs):
        raise FileNotFoundError("/bin/sh")

    monkeypatch.setattr(build_module.subprocess, "run", no_shell)
    run_build([PUUSEPP], out, Config(), quiet=True)  # without a shell: removed before it returns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_the_dumps_and_reports_threads_yield_the_cpu_to_the_rest():
    import threading

    from kutse_rdf.build import Background

    def priority() -> str:
        return str(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    notes: list[str] = []
    for yielding in (True, False):
        stage = Background("x", {}, notes, yielding=yielding)
        stage.start(priority)
        stage.wait()
    assert notes == [str(min(own + 10, 19)), str(own)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # not this thread's
