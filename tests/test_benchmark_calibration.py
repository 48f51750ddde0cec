"""benchmarks/run.py --calibrate: the factor of each round and the times at the targets' speed
(numbers worked out by hand below), and the reference commit taken from the checkout's history."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402


def test_each_round_is_divided_by_its_own_factor_and_the_median_is_reported():
    # factors 5.125 / 4.10 = 1.25, 4.92 / 4.10 = 1.20, 6.15 / 4.10 = 1.50;
    # at the targets' speed 6.25 / 1.25 = 5.00, 5.40 / 1.20 = 4.50, 6.60 / 1.50 = 4.40
    lines = run.calibration_lines(89.58, [(5.125, 6.25), (4.92, 5.40), (6.15, 6.60)],
                                  150.0, ("ecf-coverage", 0.240))
    table = [line for line in lines if line.startswith("| ")]
    assert table[1:] == ["| 1 | 5.12 | 1.25 | 6.25 | 5.00 |",
                         "| 2 | 4.92 | 1.20 | 5.40 | 4.50 |",
                         "| 3 | 6.15 | 1.50 | 6.60 | 4.40 |",
                         "| median | | 1.25 | 6.25 | **4.50** |"]
    said = lines[-1]
    # cold factor 89.58 / 44.79 = 2.00: 150 s here is 75.0 s there; the query 240 / 1.25 ms
    assert "cold 89.58 s (factor 2.00)" in " ".join(lines)
    assert "150.00 s here is 75.0 s at the cold factor 2.00" in said
    assert "240 ms here is 192 ms at the rounds' median factor 1.25" in said


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert run.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert run.median([3.0, 1.0, 2.0]) == 2.0


def test_a_commit_missing_from_the_history_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "REFERENCE_COMMIT", "0" * 40)
    with pytest.raises(SystemExit) as stopped:
        run.reference_checkout(tmp_path)
    assert str(stopped.value).startswith(f"--calibrate: cannot take {'0' * 40} from this checkout's history")


def test_the_reference_commit_is_taken_whole(tmp_path):
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{run.REFERENCE_COMMIT}^{{commit}}"],
                           capture_output=True)
    if found.returncode:
        pytest.skip(f"{run.REFERENCE_COMMIT} is not in this checkout's history (a shallow clone)")
    tree = run.reference_checkout(tmp_path)
    # what its build reads: the package, its declarative folders and its corpus maker
    for path in ("src/kutse_rdf/__init__.py", "queries", "shapes", "site_templates",
                 "benchmarks/make_corpus.py"):
        assert (tree / path).exists(), path
