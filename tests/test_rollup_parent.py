"""U1: generate check on the government's own workbook compares every figure with its units' sum."""

from __future__ import annotations

import json
import shutil

import pytest
from rollup_support import YEAR, county, set_cell

from generator.cli import main


@pytest.fixture
def office(tmp_path, monkeypatch):
    inputs = county(tmp_path)
    monkeypatch.chdir(tmp_path)
    return inputs


def _check(capsys) -> tuple[int, list[dict]]:
    code = main(["check", "--year", str(YEAR), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_example_county_agrees_with_its_units(office, capsys):
    code, findings = _check(capsys)
    assert code == 0
    assert [f["code"] for f in findings if f["code"] == "U1"] == []
    u3 = [f for f in findings if f["code"] == "U3"]
    assert len(u3) == 1 and "12 个单位" in u3[0]["message"] and "示例县审计局：缺报" in u3[0]["message"]


def test_every_hand_typed_difference_is_reported_at_its_cell_with_the_units_sum(office, capsys):
    own = office / f"{YEAR}.xlsx"
    set_cell(own, "申请情况", "D7", 76)  # 一、本年新收 自然人: the units add up to 73
    set_cell(own, "复议诉讼", "A7", 0)  # 行政复议 结果维持
    set_cell(own, "主动公开", "B6", 0)  # 规章 本年制发: every unit says “/”
    code, findings = _check(capsys)
    assert code == 1
    u1 = {(f["sheet"], f["cell"]): f for f in findings if f["code"] == "U1"}
    assert set(u1) == {("申请情况", "D7"), ("复议诉讼", "A7"), ("主动公开", "B6")}
    assert (u1[("申请情况", "D7")]["expected"], u1[("申请情况", "D7")]["actual"]) == ("73", "76")
    assert "多 3" in u1[("申请情况", "D7")]["message"]
    assert u1[("主动公开", "B6")]["expected"] == "/"
    assert u1[("复议诉讼", "A7")]["severity"] == "错误"


def test_excluded_and_missing_units_are_not_in_the_sum(office, capsys):
    # With 示例县气象局 (excluded by the roster) counted, D7 would be 73 + 5.
    set_cell(office / f"{YEAR}.xlsx", "申请情况", "D7", 78)
    _, findings = _check(capsys)
    assert [(f["cell"], f["expected"]) for f in findings if f["code"] == "U1"] == [("D7", "73")]


def test_no_unit_folder_no_check(office, capsys):
    shutil.rmtree(office / str(YEAR))
    code, findings = _check(capsys)
    assert code == 0 and not [f for f in findings if f["code"].startswith("U")]


def test_only_the_governments_own_workbook_is_compared_with_the_units(office, capsys):
    # A unit's workbook copied into inputs/: it is not the government's report, no U1 at every figure.
    shutil.copy(office / str(YEAR) / "教育局.xlsx", office / "教育局.xlsx")
    main(["check", "--year", str(YEAR), "--input", str(office / "教育局.xlsx"), "--format", "json"])
    assert not [f for f in json.loads(capsys.readouterr().out) if f["code"].startswith("U")]
    # …nor when it is copied in place of the government's own: one U3 warning says why nothing was compared.
    shutil.copy(office / str(YEAR) / "教育局.xlsx", office / f"{YEAR}.xlsx")
    _, findings = _check(capsys)
    assert not [f for f in findings if f["code"] == "U1"]
    u3 = [f for f in findings if f["code"] == "U3"]
    assert len(u3) == 1 and u3[0]["severity"] == "警告" and "教育局.xlsx" in u3[0]["message"]


def test_a_copy_of_the_governments_workbook_among_the_units_is_not_in_the_sum(office, capsys):
    (office / f"{YEAR}-名单.xlsx").unlink()
    shutil.copy(office / f"{YEAR}.xlsx", office / str(YEAR) / "县政府.xlsx")
    _, findings = _check(capsys)
    # Not 69 differences from a sum holding the government twice: one warning naming the copy.
    assert not [f for f in findings if f["code"] == "U1"]
    u3 = [f for f in findings if f["code"] == "U3"]
    assert len(u3) == 1 and "县政府.xlsx" in u3[0]["message"]
