"""One rule for every command's output (README “输出约定”): results on stdout, the rest on stderr.

stdout holds what a program may read: findings, each unit's or report's status, the closing count
(校验完成/核查完成/汇总完成/批量生成完成), verify's verdict; with --format json only the JSON.
stderr holds progress, confirmations (已生成/已导入…), hints, refusals and errors. No message
carries the operating system's English reason.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rollup_support import YEAR, county

from generator.cli import main

# What strerror says in English (glibc and Windows): none may reach the clerk.
ENGLISH_OS = re.compile(
    r"No such file|Permission denied|No space left|Read-only file system|Is a directory|Not a directory"
    r"|File exists|Directory not empty|Errno|Access is denied|cannot find the (file|path)|Too many open files"
)
CONFIRMATION = ("已生成", "已导入")  # a line that starts so says what was written


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The county example with one generated report, its page in a folder of published reports."""
    root = tmp_path_factory.mktemp("project")
    county(root)
    own = root / "inputs" / f"{YEAR}.xlsx"
    assert main(["--year", str(YEAR), "--input", str(own), "--output-dir", str(root / "made")]) == 0
    pages = root / "pages"
    pages.mkdir()
    shutil.copy(next((root / "made" / str(YEAR)).glob("*.html")), pages / "report.html")
    return root


def _docx(project: Path) -> str:
    return str(next((project / "made" / str(YEAR)).glob("*.docx")))


# command, argv, what stdout must hold (a result), what stderr must hold (a confirmation)
CASES = [
    ("generate", lambda p: ["--year", str(YEAR)], "校验完成", "已生成："),
    ("check", lambda p: ["check", "--year", str(YEAR)], "校验完成", None),
    ("init", lambda p: ["init", "--year", str(YEAR + 1)], None, "已生成"),
    ("import", lambda p: ["import", str(p / "pages" / "report.html"), "--output", "imported.xlsx"], "I030", "已导入："),
    ("audit", lambda p: ["audit", str(p / "pages"), "--jobs", "1"], "核查完成", "已生成："),
    ("verify", lambda p: ["verify", _docx(p), "--input", f"inputs/{YEAR}.xlsx"], "一致：", None),
    ("rollup", lambda p: ["rollup", "--year", str(YEAR), "--jobs", "1"], "汇总完成", "已生成："),
    ("batch", lambda p: ["batch", "--year", str(YEAR), "--jobs", "1"], "批量生成完成", None),
    ("init-roster", lambda p: ["init-roster", "--year", str(YEAR), "--output", "名单.xlsx"], None, "已生成名单"),
]


@pytest.mark.parametrize("command,argv,result,confirmation", CASES, ids=[c[0] for c in CASES])
def test_results_go_to_stdout_and_confirmations_to_stderr(
    project: Path, monkeypatch, capsys, command, argv, result, confirmation
) -> None:
    monkeypatch.chdir(project)
    assert main(argv(project)) in (0, 1)
    out, err = capsys.readouterr()
    if result:
        assert result in out, f"{command}: the result is not on stdout:\n{out}"
    if confirmation:
        assert confirmation in err, f"{command}: the confirmation is not on stderr:\n{err}"
    said = [line for line in out.splitlines() if line.startswith(CONFIRMATION)]
    assert not said, f"{command}: confirmations on stdout: {said}"
    assert not ENGLISH_OS.search(out + err)


@pytest.mark.parametrize(
    "argv",
    [["--year", str(YEAR), "--format", "json"], ["audit", "pages", "--jobs", "1", "--format", "json"]],
    ids=["generate", "audit"],
)
def test_json_output_is_the_only_thing_on_stdout(project: Path, monkeypatch, capsys, argv) -> None:
    monkeypatch.chdir(project)
    assert main(argv) in (0, 1)
    out, err = capsys.readouterr()
    json.loads(out)
    assert "已生成：" in err


# Each command pointed at a place the system refuses: a file where a folder must be.
BLOCKED = [
    ["--year", str(YEAR), "--output-dir", "blocked"],
    ["init", "--year", str(YEAR + 1), "--output", "blocked/x.xlsx"],
    ["import", "pages/report.html", "--output", "blocked/x.xlsx"],
    ["audit", "pages", "--jobs", "1", "--output-dir", "blocked"],
    ["rollup", "--year", str(YEAR), "--jobs", "1", "--output-dir", "blocked"],
    ["batch", "--year", str(YEAR), "--jobs", "1", "--output-dir", "blocked"],
    ["init-roster", "--year", str(YEAR), "--output", "blocked/名单.xlsx"],
    ["check", "--year", str(YEAR), "--input", "nowhere/2022.xlsx"],
    ["verify", "blocked/x.docx", "--input", f"inputs/{YEAR}.xlsx"],
]


@pytest.mark.parametrize("argv", BLOCKED, ids=[a[0] if not a[0].startswith("-") else "generate" for a in BLOCKED])
def test_a_refusal_by_the_system_is_said_in_chinese(project: Path, monkeypatch, capsys, argv) -> None:
    monkeypatch.chdir(project)
    (project / "blocked").write_text("a file, not a folder")
    try:
        code = main(argv)
    finally:
        (project / "blocked").unlink()
    out, err = capsys.readouterr()
    assert code in (1, 2)
    assert "错误" in err or "失败" in out + err
    assert "程序内部错误" not in err
    assert not ENGLISH_OS.search(out + err), out + err
