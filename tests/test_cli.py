"""The main job from a clerk's side: the command, its messages, its files (issue 2, items 1 and 9)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import INPUTS, ROOT

GENERATE = [sys.executable, "-m", "generator.cli"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*GENERATE, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_missing_workbook_says_where_it_should_be_and_exits_2(tmp_path):
    r = run(["--year", "2020"], tmp_path)
    assert r.returncode == 2
    assert "找不到输入工作簿" in r.stderr and "inputs/2020.xlsx" in r.stderr.replace("\\", "/")
    assert "generate init --year 2020" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not (tmp_path / "outputs").exists()


def test_generate_in_a_project_folder_writes_recognisable_files_and_leaves_the_input_alone(tmp_path):
    (tmp_path / "inputs").mkdir()
    workbook = tmp_path / "inputs" / "2020.xlsx"
    shutil.copy(INPUTS / "2020.xlsx", workbook)
    os.chmod(workbook, 0o444)
    before = hashlib.sha256(workbook.read_bytes()).hexdigest(), workbook.stat().st_mtime_ns
    r = run(["--year", "2020"], tmp_path)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "outputs" / "2020").iterdir())
    assert names == [
        "漳平市人民政府2020年政府信息公开工作年度报告.docx",
        "漳平市人民政府2020年政府信息公开工作年度报告.html",
    ]
    assert (hashlib.sha256(workbook.read_bytes()).hexdigest(), workbook.stat().st_mtime_ns) == before
    # The findings are printed linter-style with a summary, and the run still succeeds.
    assert "申请情况!D28: T3-2 错误" in r.stdout
    assert "校验完成：错误 4 条，警告 2 条" in r.stdout
    assert "已生成：" in r.stderr and "已生成" not in r.stdout  # confirmations go to stderr


def test_strict_refuses_to_write_when_errors_exist(tmp_path):
    r = run(
        ["--year", "2020", "--input", str(INPUTS / "2020.xlsx"), "--output-dir", str(tmp_path / "o"), "--strict"],
        tmp_path,
    )
    assert r.returncode == 1
    assert not (tmp_path / "o").exists()
    assert "--strict" in r.stderr


def test_a_year_without_a_format_gets_a_clear_message(tmp_path):
    r = run(["--year", "2018"], tmp_path)
    assert r.returncode == 2 and "2018" in r.stderr and "Traceback" not in r.stderr


def test_wrong_arguments_are_explained_in_chinese(tmp_path):
    r = run(["--yaer", "2020"], tmp_path)
    assert r.returncode == 2 and "命令参数有误" in r.stderr and "Traceback" not in r.stderr


def test_findings_read_top_to_bottom_with_a_total_before_the_balance_it_breaks(tmp_path):
    r = run(["check", "--year", "2020", "--input", str(INPUTS / "2020.xlsx")], tmp_path)
    assert r.returncode == 1
    places = [line.split(": ", 1)[1].split(" ")[0] for line in r.stdout.splitlines() if "!" in line.split(": ")[0]]
    cells = [line.split(": ", 1)[0].rsplit("!", 1)[1] for line in r.stdout.splitlines() if ": " in line and "!" in line]
    assert cells == ["D28", "D28", "J28", "J28", "A20", "A29"]
    assert places == ["T3-2", "T3-1", "T3-2", "T3-1", "N5", "N1"]
