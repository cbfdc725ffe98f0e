"""The command's own words: Chinese help, JSON answers on refusal, one path for check and generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import INPUTS

from generator import cli


def test_help_headings_are_chinese(capsys) -> None:
    for argv in (["--help"], ["check", "--help"], ["init", "--help"]):
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        assert out.startswith("用法：generate")
        assert "选项" in out and "显示本帮助并退出" in out
        assert "usage:" not in out and "options:" not in out and "show this help" not in out


def _json_refusal(argv: list[str], capsys) -> list[dict]:
    assert cli.main(argv) == cli.EXIT_INPUT
    captured = capsys.readouterr()
    assert "错误" in captured.err  # people still get the sentence on stderr
    return json.loads(captured.out)


def test_json_output_answers_a_refused_workbook(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "2020.xlsx"
    bad.write_text("not a workbook")
    findings = _json_refusal(["check", "--year", "2020", "--input", str(bad), "--format", "json"], capsys)
    assert findings and all(f["severity"] == "错误" for f in findings)
    assert findings[0]["code"] == "R002" and findings[0]["file"] == str(bad)


@pytest.mark.parametrize(
    "argv",
    [
        ["--year", "2020", "--input", "nowhere/2020.xlsx", "--format", "json"],
        ["check", "--year", "2018", "--format=json"],
    ],
)
def test_json_output_answers_a_user_error_as_one_finding(argv: list[str], capsys) -> None:
    (finding,) = _json_refusal(argv, capsys)
    assert finding["code"] == cli.USER_ERROR_CODE and finding["severity"] == "错误"
    assert finding["message"] and set(finding) >= {"file", "sheet", "cell"}


def test_json_output_stays_one_document_when_writing_fails_after_the_check(tmp_path: Path, capsys) -> None:
    """The findings are printed before the files are written; a refusal then must not append a
    second JSON array, which no program could parse."""
    blocked = tmp_path / "outputs"
    blocked.write_text("a file where the output folder should be")
    argv = ["--year", "2020", "--input", str(INPUTS / "2020.xlsx"), "--output-dir", str(blocked), "--format", "json"]
    assert cli.main(argv) == cli.EXIT_INPUT
    captured = capsys.readouterr()
    findings = json.loads(captured.out)  # exactly one document
    assert {f["code"] for f in findings} >= {"T3-1", "T3-2"}
    assert "错误" in captured.err


def test_text_output_keeps_stdout_empty_on_refusal(capsys) -> None:
    assert cli.main(["check", "--year", "2020", "--input", "nowhere/2020.xlsx"]) == cli.EXIT_INPUT
    assert capsys.readouterr().out == ""


def test_check_and_generate_share_one_read_and_validate(tmp_path: Path, monkeypatch, capsys) -> None:
    calls: list[str] = []
    real = cli._checked

    def spy(args):
        calls.append(args.input.name)
        return real(args)

    monkeypatch.setattr(cli, "_checked", spy)
    source = INPUTS / "2020.xlsx"
    assert cli.main(["check", "--year", "2020", "--input", str(source)]) == cli.EXIT_FINDINGS
    assert cli.main(["--year", "2020", "--input", str(source), "--output-dir", str(tmp_path), "--strict"]) == 1
    assert calls == ["2020.xlsx", "2020.xlsx"]
    capsys.readouterr()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--year", "abc"], "参数 --year：报告年度应写四位数字，如 2020，实际为“abc”"),
        (["check", "--year", "2020", "--format", "xml"], "参数 --format 不能是“xml”"),
        (["--year"], "参数 --year 后面需要一个值"),
        ([], "缺少参数 --year"),
        (["--year", "2020", "--bogus"], "无法识别的参数 --bogus"),
    ],
)
def test_argument_mistakes_are_explained_in_chinese(argv, said, capsys):
    from generator.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err and "the following" not in err and "invalid" not in err


@pytest.mark.parametrize(
    ("year", "says"),
    [("23", "四位数字"), ("二〇二〇", "四位数字"), ("2099", "还没有到")],
)
def test_a_mistyped_year_is_named_before_anything_is_read(year: str, says: str, capsys) -> None:
    for argv in (["check", "--year", year], ["init", "--year", year], ["import", "x.html", "--year", year]):
        assert cli.main(argv) == cli.EXIT_INPUT
        err = capsys.readouterr().err
        assert says in err and "argument" not in err
