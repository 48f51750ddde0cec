import subprocess
import sys

import pytest

from kutse_rdf.cli import main
from kutse_rdf.commands import NAMES


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert "usage: kutse-rdf " + name in capsys.readouterr().out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


def test_unknown_option_is_usage_error_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "kutse_rdf", "build", "--bogus"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--bogus" in proc.stderr


def test_missing_input_is_one_line_exit_2():
    proc = subprocess.run([sys.executable, "-m", "kutse_rdf", "build", "no/such.txt",
                           "--out", "/tmp/kutse-never"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "kutse-rdf: no/such.txt: no such file or folder"


def test_the_program_ends_a_build_without_the_interpreters_teardown(tmp_path, seed_path):
    """`kutse-rdf build` leaves at once (a register's objects are not freed one by one), its
    messages all written and its exit code kept; other commands end as usual (atexit runs)."""
    program = ("import atexit, sys; atexit.register(lambda: print('teardown', file=sys.stderr)); "
               "sys.argv = ['kutse-rdf', *sys.argv[1:]]; from kutse_rdf.cli import entry; entry()")
    out = tmp_path / "build"
    built = subprocess.run([sys.executable, "-c", program, "build", str(seed_path), "--out", str(out)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines()[-1] == f"built 1 standard(s) into {out}/"
    assert "teardown" not in built.stderr and (out / "data" / "all.nt").is_file()
    missing = subprocess.run([sys.executable, "-c", program, "build", str(tmp_path / "none.txt"),
                              "--out", str(out)], capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr.startswith("kutse-rdf: ")
    assert "teardown" not in missing.stderr
    other = subprocess.run([sys.executable, "-c", program, "diff", str(seed_path), str(seed_path)],
                           capture_output=True, text=True)
    assert other.returncode == 0 and other.stderr.splitlines()[-1] == "teardown"
