"""Round trips real offices cause, and cross-year rules run by the CLI from inputs/<Y-1>.xlsx.

A workbook saved again by LibreOffice (standing in for WPS/Excel) and a workbook with a blank
row inserted inside a table must read exactly as the original.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string
from workbook_support import INPUTS, convert, insert_blank_row, meaning, read

from generator.cli import main as generate_main
from generator.formats import format_for_year
from generator.model import Report, State, Value
from generator.workbook.writer import TABLE_TOP, write_workbook


def _blank_2021(tmp_path: Path) -> Path:
    target = tmp_path / "blank" / "2021.xlsx"
    assert generate_main(["init", "--year", "2021", "--output", str(target)]) == 0
    return target


@pytest.mark.parametrize("which", ["2020", "2021", "blank-2021"])
def test_libreoffice_resave_reads_identically(tmp_path: Path, which: str) -> None:
    src = _blank_2021(tmp_path) if which == "blank-2021" else INPUTS / f"{which}.xlsx"
    year = int(which[-4:])
    resaved = convert(src, "xlsx", tmp_path / "lo")
    assert load_workbook(resaved).sheetnames == load_workbook(src).sheetnames
    assert meaning(read(resaved, year)) == meaning(read(src, year))


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


@pytest.mark.parametrize(
    ("sheet", "before_label"),
    [
        ("申请情况", "4.保护第三方合法权益"),  # inside 三、本年度办理结果 and （三）不予公开
        ("申请情况", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),  # inside （六）
        ("申请情况", "四、结转下年度继续办理"),  # below all result rows
        ("主动公开", "行政强制"),
    ],
)
def test_inserted_blank_row_inside_a_table_reads_identically(tmp_path: Path, sheet: str, before_label: str) -> None:
    original = read(INPUTS / "2021.xlsx", 2021)
    wb = load_workbook(INPUTS / "2021.xlsx")
    ws = wb[sheet]
    row = _row_of(ws, before_label)
    merged_before = len(ws.merged_cells.ranges)
    insert_blank_row(ws, row)
    assert len(ws.merged_cells.ranges) == merged_before
    edited = tmp_path / "2021.xlsx"
    wb.save(edited)
    moved = read(edited, 2021)
    assert meaning(moved, with_cells=False) == meaning(original, with_cells=False)
    # Cells below the insertion now sit one row lower, and findings would point there.
    table = next(t for t in original.spec.tables if t.sheet == sheet)
    for key, info in table.fields.items():
        shift = 1 if TABLE_TOP + info.row >= row else 0
        old, new = original.tables[table.id][key].cell, moved.tables[table.id][key].cell
        (old_col, old_row), (new_col, new_row) = coordinate_from_string(old), coordinate_from_string(new)
        assert (new_col, new_row) == (old_col, old_row + shift), key


def test_inserted_blank_row_then_libreoffice_resave(tmp_path: Path) -> None:
    """Both at once, as happens when a clerk edits in WPS: insert, save, reopen."""
    wb = load_workbook(INPUTS / "2021.xlsx")
    insert_blank_row(wb["申请情况"], _row_of(wb["申请情况"], "（一）予以公开"))
    edited = tmp_path / "edited" / "2021.xlsx"
    edited.parent.mkdir()
    wb.save(edited)
    resaved = convert(edited, "xlsx", tmp_path / "lo")
    assert meaning(read(resaved, 2021), with_cells=False) == meaning(read(INPUTS / "2021.xlsx", 2021), with_cells=False)


# --- cross-year rules through the CLI --------------------------------------------------------------


def _set(report: Report, table: str, key: str, number: int | None) -> None:
    if number is None:
        del report.tables[table][key]  # a total: written as a live formula
    else:
        report.tables[table][key] = Value(State.NUMBER, number, raw=number)


def _as_year(report: Report, year: int) -> Report:
    report.year = report.unit.year = year
    report.unit.date = dt.date(year + 1, 1, 20)
    return report


def _check(capsys, year: int) -> list[dict]:
    code = generate_main(["check", "--year", str(year), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    return findings


@pytest.fixture
def office(tmp_path: Path, monkeypatch) -> Path:
    """A working folder with the shipped 2021 example as inputs/2021.xlsx and nothing else."""
    (tmp_path / "inputs").mkdir()
    shutil.copy(INPUTS / "2021.xlsx", tmp_path / "inputs" / "2021.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "inputs"


def test_cross_year_rules_across_the_format_change(office: Path, capsys) -> None:
    assert _check(capsys, 2021) == []  # no previous workbook: no cross-year rule
    current = read(office / "2021.xlsx", 2021)
    previous = read(INPUTS / "2020.xlsx", 2020)  # 2019 format, restated as this unit's last year
    previous.unit = dataclasses.replace(current.unit)
    _as_year(previous, 2020)
    _set(previous, "requests", "carry_next.natural", 4)
    _set(previous, "requests", "carry_next.total", None)
    previous.sections["problems"] = current.sections["problems"]  # 年年雷同
    write_workbook(office / "2020.xlsx", format_for_year(2020), 2020, previous)
    findings = _check(capsys, 2021)
    carry = {d["cell"]: (d["expected"], d["actual"]) for d in findings if d["code"] == "T3-5"}
    assert carry == {"D8": (4, 0), "J8": (4, 0)}  # 自然人 and the 总计 column
    assert [d["sheet"] for d in findings if d["code"] == "C4"] == ["问题及改进"]
    # Another unit's workbook is not last year's: nothing is compared.
    previous.unit.name = "另一个单位"
    write_workbook(office / "2020.xlsx", format_for_year(2020), 2020, previous)
    assert [d["code"] for d in _check(capsys, 2021)] == ["C0"]


def test_in_force_count_rule_between_2021_format_years(office: Path, capsys) -> None:
    nxt = _as_year(read(office / "2021.xlsx", 2021), 2022)
    # 上年结转 = 2021's 结转下年度 (T3-5 quiet); this year's 结转下年度 absorbs them (T3-1 holds).
    for key, n in (("carried.natural", 2), ("carried.legal", 1), ("carry_next.natural", 4), ("carry_next.legal", 2)):
        _set(nxt, "requests", key, n)
    for key in ("carried.total", "carry_next.total"):
        _set(nxt, "requests", key, None)
    _set(nxt, "active", "normative.made", 2)
    _set(nxt, "active", "normative.repealed", 1)
    _set(nxt, "active", "normative.in_force", 15)  # 12 + 2 − 1 = 13
    write_workbook(office / "2022.xlsx", format_for_year(2022), 2022, nxt)
    findings = _check(capsys, 2022)
    c2 = [d for d in findings if d["code"] == "C2"]
    assert [(d["expected"], d["actual"]) for d in c2] == [(13, 15)]
    assert not [d for d in findings if d["code"] in ("T3-5", "T3-1", "T3-2")]


def test_item_chain_rule_between_2019_format_years(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "inputs").mkdir()
    shutil.copy(INPUTS / "2020.xlsx", tmp_path / "inputs" / "2020.xlsx")
    prev = _as_year(read(INPUTS / "2020.xlsx", 2020), 2019)
    _set(prev, "active", "license.prev", 800)
    _set(prev, "active", "license.delta", 80)  # → 880 expected in 2020; the 2020 workbook says 885
    write_workbook(tmp_path / "inputs" / "2019.xlsx", format_for_year(2019), 2019, prev)
    monkeypatch.chdir(tmp_path)
    c1 = [d for d in _check(capsys, 2020) if d["code"] == "C1"]
    assert [(d["row_label"], d["expected"], d["actual"]) for d in c1 if "行政许可" in d["row_label"]] == [
        ("行政许可", 880, 885)
    ]
