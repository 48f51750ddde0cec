"""benchmarks/run.py's memory sampler: a process tree's resident memory, each address space
once. A child between vfork and exec (how `subprocess` starts a program) shows its parent's
resident size in /proc; counted as its own it doubled a build's peak for one sample."""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from run import tree_rss_kib  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")


def own_rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_a_child_being_started_is_not_counted_twice():
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"\1" * len(held[::4096])  # resident
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(tree_rss_kib(os.getpid()))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        for _ in range(150):
            subprocess.run(["true"], check=True)
    finally:
        done.set()
        sampler.join()
    assert len(samples) > 100
    assert max(samples) < 1.5 * own_rss_kib()  # never the parent twice
    del held


def test_a_forked_child_with_its_own_memory_is_counted():
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # its own 200 MB, then it waits to be measured
        own = bytearray(200 * 1024 * 1024)
        own[::4096] = b"\2" * len(own[::4096])
        os.write(write, b"x")
        time.sleep(30)
        os._exit(0)
    try:
        os.read(read, 1)
        assert tree_rss_kib(os.getpid()) >= own_rss_kib() + 200 * 1024
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
        os.close(read)
        os.close(write)
