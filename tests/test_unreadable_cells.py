"""Text in a number column is a located 错误, not a refusal of the workbook (issue 14, items 19–20)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import INPUTS
from docx import Document
from openpyxl import load_workbook

from generator.cli import main as generate_main
from generator.narrative import excerpt

SECRET = "约一件机密备注XYZ"


def _workbook(tmp_path: Path, name: str = "") -> Path:
    """The clean 2021 example with text in a number cell and, elsewhere, a second mistake."""
    wb = load_workbook(INPUTS / "2021.xlsx")
    if name:
        unit = wb["单位信息"]
        row = next(c.row for c in unit["A"] if c.value == "单位名称")
        unit.cell(row, 2).value = name
    ws = wb["复议诉讼"]
    ws["A7"].value = SECRET  # 行政复议 结果维持 (the published example has 1)
    ws["F7"].value = 1.5  # 行政诉讼 未经复议直接起诉 结果维持: not a whole number (V6)
    path = tmp_path / "2021.xlsx"
    wb.save(path)
    return path


def test_check_names_the_text_cell_and_still_runs_every_other_rule(tmp_path, capsys):
    path = _workbook(tmp_path)
    code = generate_main(["check", "--year", "2021", "--input", str(path), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert code == 1
    at = {(f["code"], f["cell"]): f for f in findings}
    assert at[("R050", "A7")]["severity"] == "错误" and SECRET in at[("R050", "A7")]["message"]
    assert ("V6", "F7") in at, "the rules ran on the rest of the workbook"
    # The unknown cell is neither 空白 (V2) nor a wrong total: 总计 E7 = 1 cannot be checked against it.
    assert not [f for f in findings if f["cell"] in ("A7", "E7") and f["code"] != "R050"]


def test_generate_makes_a_draft_that_does_not_print_the_text(tmp_path, capsys):
    path = _workbook(tmp_path)
    out = tmp_path / "out"
    assert generate_main(["--year", "2021", "--input", str(path), "--output-dir", str(out)]) == 0
    assert "草稿" in capsys.readouterr().err
    docx = next((out / "2021").glob("*.docx"))
    html = next((out / "2021").glob("*.html")).read_text(encoding="utf-8")
    assert "draft-banner" in html and SECRET not in html
    body = "".join(c.text for t in Document(str(docx)).tables for row in t.rows for c in row.cells)
    assert SECRET not in body and "机密" not in body


def test_rollup_leaves_the_unknown_figure_out_of_the_sum(tmp_path, capsys):
    units = tmp_path / "2021"
    units.mkdir()
    _workbook(tmp_path, name="示例县甲局").rename(units / "甲.xlsx")
    shutil.copy(INPUTS / "2021.xlsx", units / "乙.xlsx")
    generate_main(["rollup", "--year", "2021", "--units", str(units), "--output-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert "R050" in out and "有错误" in out
    rolled = next((tmp_path / "out").rglob("汇总工作簿.xlsx"))
    ws = load_workbook(rolled)["复议诉讼"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert SECRET not in values
    assert ws["A7"].value is None, "one unit's 结果维持 is unknown: the sum is not guessed"
    assert ws["B7"].value == 0


def test_an_excerpt_is_bounded_and_says_how_long_the_cell_is():
    assert excerpt("短") == "短"
    long = "字" * 32000
    assert excerpt(long) == "字" * 40 + "…（共 32000 字）"
    assert excerpt("\u200b" * 50).startswith("<U+200B>")
