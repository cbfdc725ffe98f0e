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
