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
