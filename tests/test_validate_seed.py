"""The shipped example (漳平市 2020, unchanged) yields exactly its real inconsistencies, nothing else."""

from __future__ import annotations

from copy import deepcopy

import pytest
from test_validate_support import SEED

from generator.diagnostics import Severity
from generator.formats import format_for_year
from generator.model import Report
from generator.validate import validate
from generator.workbook import read_workbook


@pytest.fixture(scope="module")
def seed() -> Report:
    report, _notes = read_workbook(SEED, format_for_year(2020), 2020)
    return report


# (code, sheet, cell, expected, actual): what the published report gets wrong.
EXPECTED = {
    # （七）总计 row: 自然人 11+4+3+2 = 20 but 23 stated; 总计 14+5+3+3 = 25 but 28 stated.
    ("T3-2", "申请情况", "D28", 20, 23),
    ("T3-2", "申请情况", "J28", 25, 28),
    # The 勾稽 identity holds only thanks to the wrong totals: on the parts' sums, 一+二 exceeds
    # 三+四 by the 3 carried-over applications, which appear in no result row and not in 四.
    ("T3-1", "申请情况", "D28", 23, 20),
    ("T3-1", "申请情况", "J28", 28, 25),
    # “按规定时间内已答复的信息公开申请25件” against （七）总计 28 (the text agrees with the parts).
    ("N1", "总体情况", "A29", 28, 25),
    # “全年共办结70982件,外网申报61313件,占比86.25%”: 61313 ÷ 70982 = 86.38%.
    ("N5", "总体情况", "A20", "86.38%", "86.25%"),
}


def test_seed_yields_exactly_its_real_inconsistencies(seed: Report) -> None:
    got = {(d.code, d.sheet, d.cell, d.expected, d.actual) for d in validate(seed)}
    assert got == EXPECTED
    assert len(validate(seed)) == len(EXPECTED)  # no duplicates either


def test_seed_findings_carry_location_and_both_values(seed: Report) -> None:
    for d in validate(seed):
        row = d.to_dict()
        assert row["file"] == str(SEED)
        assert row["severity"] in ("错误", "警告")
        assert str(d.actual) in d.message or str(d.actual).rstrip("%") in d.message
        assert str(d.expected).rstrip("%") in d.message
        if d.sheet == "申请情况":
            assert d.row_label.endswith("（七）总计") and d.col_label
        else:
            assert d.paragraph is not None and d.cell == f"A{seed.sections['overview'].paragraphs[d.paragraph - 1].row}"


def test_seed_severities(seed: Report) -> None:
    by_code = {d.code: d.severity for d in validate(seed)}
    assert by_code == {"T3-2": Severity.ERROR, "T3-1": Severity.ERROR, "N1": Severity.WARNING, "N5": Severity.WARNING}


def test_seed_corrected_is_clean(seed: Report) -> None:
    """Fix what the findings say and nothing remains: the rest of the seed text raises no false alarm."""
    fixed = deepcopy(seed)
    req = fixed.tables["requests"]
    req["total.natural"].number, req["total.total"].number = 20, 25
    req["carry_next.natural"].number, req["carry_next.total"].number = 3, 3  # the 3 carried-over ones
    para = next(p for p in fixed.sections["overview"].paragraphs if "86.25%" in p.text)
    para.text = para.text.replace("86.25%", "86.38%")
    assert validate(fixed) == []


def test_seed_total_fix_alone_leaves_the_balance_error(seed: Report) -> None:
    """Setting the totals to their parts (what T3-2 suggests) leaves T3-1 on the stated figures."""
    fixed = deepcopy(seed)
    fixed.tables["requests"]["total.natural"].number = 20
    fixed.tables["requests"]["total.total"].number = 25
    codes = sorted((d.code, d.cell) for d in validate(fixed) if d.sheet == "申请情况")
    assert codes == [("T3-1", "D28"), ("T3-1", "J28")]
