"""`kutse-rdf parse`: output formats, warnings on stderr, --strict."""
from __future__ import annotations

import json
from pathlib import Path

from kutse_rdf.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ANALYST = FIXTURES / "standards" / "andmeanaluutik-tase-6.txt"
SEED = Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt"


def test_one_file_gives_one_json_object(capsys):
    assert main(["parse", str(SEED), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["title"] == "IT-juht, tase 7" and len(data["competences"]) == 19
    assert err == ""


def test_several_files_give_an_array(capsys):
    assert main(["parse", str(SEED), str(ANALYST), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["title"] for d in data] == ["IT-juht, tase 7", "Andmeanalüütik, tase 6"]


def test_a_folder_gives_an_array(capsys):
    assert main(["parse", str(FIXTURES / "standards"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == len(list((FIXTURES / "standards").glob("*.txt")))


def test_default_input_is_the_shipped_standards(capsys):
    assert main(["parse", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["source_file"] for d in data] == ["it-juht-tase-7.txt"]


def test_text_summary(capsys):
    assert main(["parse", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("IT-juht, tase 7  (it-juht-tase-7.txt)\n")
    assert "19 competences, 78 indicators, 21 e-CF codes" in out
    assert "14 general skills in 3 groups" in out
    assert "    B.3.5    Tehnoloogia arengu jälgimine ja innovatsioon  [mandatory, EKR 7, " \
           "e-CF A.7, A.9] 5 indicators" in out
    assert "    IT meeskonna- ja partnerlusjuht, tase 7 (EKR 7): B.3.5, B.3.10, B.3.13, " \
           "B.3.15 + general skills" in out


def test_warnings_go_to_stderr_with_file_and_line(capsys):
    # a partial qualification naming an undefined competence is not a parse error
    assert main(["parse", str(ANALYST), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["partial_qualifications"][1]["competences"][-1] == "B.3.9"
    assert err.splitlines() == [
        f"{ANALYST}:45: warning: B.1: partial qualification 'Andmete visualiseerija, tase 5' "
        "names B.3.5 as 'Andmete visualiseerimine ja esitlemine', but the competence is "
        "titled 'Andmete visualiseerimine'",
        f"{ANALYST}:46: warning: B.1: partial qualification 'Andmete visualiseerija, tase 5' "
        "names B.3.9, which the document does not define",
    ]


def test_strict_fails_on_warnings(capsys):
    assert main(["parse", str(ANALYST), "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "kutse-rdf: --strict: 2 warning(s) and unaccounted line(s)"


def test_strict_passes_on_the_seed(capsys):
    assert main(["parse", str(SEED), "--strict"]) == 0


def test_strict_fails_on_unaccounted_lines(tmp_path, capsys):
    path = tmp_path / "extra.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace(
        "[bookmark: _Hlk124197519]", "Üks rida, mida mall ei tunne."), encoding="utf-8")
    assert main(["parse", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["unaccounted"] == [{"text": "Üks rida, mida mall ei tunne.",
                                               "line": 347}]
    assert f"{path}:347: warning: line not understood" in err
    assert main(["parse", str(path), "--strict"]) == 1


def test_a_bad_file_among_several_is_reported_and_the_rest_printed(capsys):
    bad = FIXTURES / "bad" / "truncated.txt"
    assert main(["parse", str(SEED), str(bad), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert [d["title"] for d in json.loads(out)] == ["IT-juht, tase 7"]
    assert err.startswith(f"kutse-rdf: {bad}:9: part B")
