"""`kutse-rdf diff`: two files or two versions in a build; formats, exit codes, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kutse_rdf.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "history"
V5, V6 = str(FIXTURES / "kokk-v5.txt"), str(FIXTURES / "kokk-v6.txt")


def run(capsys, *args):
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_of_two_files(capsys):
    code, out, err = run(capsys, V5, V6, "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["old"], data["new"]) == ({"file": "kokk-v5.txt", "version": "5"},
                                          {"file": "kokk-v6.txt", "version": "6"})
    assert data["competences"]["added"] == [{"code": "B.3.7", "title": "Jookide valmistamine"}]


HEAD = "version 5 (kokk-v5.txt) → version 6 (kokk-v6.txt)"


@pytest.mark.parametrize("fmt, first", [("text", HEAD), ("md", "# Changes: " + HEAD)])
def test_text_and_markdown(capsys, fmt, first):
    code, out, _ = run(capsys, V5, V6, "--format", fmt)
    assert code == 0
    assert out.splitlines()[0] == first
    assert "Küpsetiste valmistamine" in out


def test_missing_file_is_one_line_exit_2(capsys):
    code, out, err = run(capsys, V5, "no/such.txt")
    assert code == 2 and out == ""
    assert err.strip().startswith("kutse-rdf: no/such.txt: ")
    assert len(err.strip().splitlines()) == 1


def test_one_file_is_a_usage_error(capsys):
    code, _, err = run(capsys, V5)
    assert code == 2
    assert err.strip() == ("kutse-rdf: diff needs two files, OLD NEW "
                           "(or --build DIR SLUG OLDKEY NEWKEY)")


def test_a_document_without_structure_is_exit_1(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Mitte midagi\n", encoding="utf-8")
    code, out, err = run(capsys, V5, str(bad))
    assert code == 1 and out == ""
    assert err.startswith(f"kutse-rdf: {bad}:1: part B") and len(err.strip().splitlines()) == 1


def test_a_binary_file_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    code, out, err = run(capsys, str(bad), V6)
    assert code == 2 and out == ""
    assert err.startswith(f"kutse-rdf: {bad}:1: binary file") and len(err.strip().splitlines()) == 1


@pytest.fixture()
def build(tmp_path):
    """A build folder with the parsed models of both versions, as `kutse-rdf build` writes them."""
    from kutse_rdf.reading.parser import parse_file

    folder = tmp_path / "build" / "data" / "model"
    folder.mkdir(parents=True)
    for path in (V5, V6):
        std = parse_file(path)
        (folder / f"{Path(path).stem}.json").write_text(
            json.dumps(std.to_json(), ensure_ascii=False), encoding="utf-8")
    return tmp_path / "build"


def test_two_versions_in_a_build_give_the_same_diff_as_the_files(capsys, build):
    _, from_files, _ = run(capsys, V5, V6, "--format", "json")
    code, from_build, err = run(capsys, "--build", str(build), "kokk-tase-4", "5", "6",
                                "--format", "json")
    assert code == 0, err
    assert json.loads(from_build) == json.loads(from_files)


def test_unknown_version_in_a_build_lists_the_versions(capsys, build):
    code, _, err = run(capsys, "--build", str(build), "kokk-tase-4", "5", "7")
    assert code == 2
    assert err.strip() == (f"kutse-rdf: {build}: standard 'kokk-tase-4' has no version '7' "
                           "in the build (versions: 5, 6)")


def test_not_a_build(capsys, tmp_path):
    code, _, err = run(capsys, "--build", str(tmp_path), "kokk-tase-4", "5", "6")
    assert code == 2
    assert "not a build" in err


def test_a_docx_version_gives_the_same_changes(capsys, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in Path(V6).read_text(encoding="utf-8").split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "kokk-v6.docx"
    document.save(path)
    _, from_txt, _ = run(capsys, V5, V6, "--format", "json")
    code, from_docx, err = run(capsys, V5, str(path), "--format", "json")
    assert code == 0, err
    a, b = json.loads(from_txt), json.loads(from_docx)
    assert b["new"]["file"] == "kokk-v6.docx"
    a["new"]["file"] = b["new"]["file"]
    assert a == b
