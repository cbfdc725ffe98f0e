"""One behaviour per test: each rule fires where it must, at the cell to fix, and stays quiet otherwise."""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from decimal import Decimal

import pytest
from test_validate_support import (
    SPECS,
    V2021,
    clean_report,
    findings_at,
    key_at,
    with_number,
)

from generator.diagnostics import Severity
from generator.model import Paragraph, Report, State, UnitLevel, Value
from generator.validate import validate

REQ = "申请情况"


def codes(report: Report, previous: Report | None = None) -> list[str]:
    return [d.code for d in validate(report, previous)]


def set_value(report: Report, table: str, key: str, value: Value) -> Report:
    out = deepcopy(report)
    value.cell = out.tables[table][key].cell
    out.tables[table][key] = value
    return out


def set_text(report: Report, section: str, *texts: str) -> Report:
    out = deepcopy(report)
    out.sections[section].paragraphs = [Paragraph(t, row=5 + i) for i, t in enumerate(texts)]
    return out


@pytest.mark.parametrize("spec_id", ["2019", "2021"])
def test_clean_report_has_no_findings(spec_id: str) -> None:
    assert validate(clean_report(spec_id)) == []


# --- input sanity ---------------------------------------------------------------------------


def test_blank_is_an_error_and_never_read_as_zero() -> None:
    report = set_value(clean_report(), "requests", "public.natural", Value(State.BLANK))
    found = validate(report)
    assert [(d.code, d.cell, d.severity) for d in found] == [("V2", "D9", Severity.ERROR)]  # no T3-2/T3-3 guess


def test_slash_warns_only_where_arithmetic_needs_the_number() -> None:
    in_rule = set_value(clean_report(), "requests", "carried.natural", Value(State.SLASH, raw="/"))
    assert [(d.code, d.cell) for d in validate(in_rule)] == [("V3", "D8")]
    not_applicable = set_value(clean_report(), "active", "fees.delta", Value(State.SLASH, raw="/"))
    assert validate(not_applicable) == []


def test_excel_error_and_formula_without_value_are_reported() -> None:
    report = set_value(clean_report(), "appeals", "review.upheld", Value(State.ERROR, raw="#REF!"))
    report = set_value(report, "active", "license.decisions", Value(State.FORMULA, raw="=SUM(X1:X2)"))
    found = {(d.code, d.cell): d for d in validate(report)}
    assert set(found) == {("V4", "A7"), ("V5", "D10")}
    assert "#REF!" in found[("V4", "A7")].message


def test_recomputed_total_formula_is_not_reported_itself() -> None:
    report = set_value(
        clean_report(), "requests", "total.natural", Value(State.FORMULA, raw="=SUM(D9:D27)", derived=True)
    )
    assert validate(report) == []


@pytest.mark.parametrize(
    ("key", "number", "bad"),
    [
        ("public.natural", -1, True),
        ("public.natural", Decimal("2.5"), True),
        ("license.delta", -7, False),
        ("license.delta", Decimal("1.5"), True),
        ("procurement.amount", Decimal("-3"), True),
    ],
)
def test_number_kinds(key: str, number: object, bad: bool) -> None:
    table = "requests" if key.startswith("public") else "active"
    report = with_number(clean_report(), table, key, number)  # type: ignore[arg-type]
    cell = report.tables[table][key].cell
    assert (("V6", cell) in [(d.code, d.cell) for d in validate(report)]) is bad


def test_2019_amount_without_unit_warns() -> None:
    report = deepcopy(clean_report())
    report.tables["active"]["procurement.amount"].unit = ""
    assert [(d.code, d.severity) for d in validate(report)] == [("V7", Severity.WARNING)]


def test_missing_unit_fields_and_table_fields() -> None:
    report = deepcopy(clean_report())
    report.unit.level, report.unit.date = None, None
    del report.tables["appeals"]["after.total"]
    found = validate(report)
    assert sorted(d.row_label for d in found if d.code == "V1" and d.sheet == "单位信息") == ["单位层级", "成文日期"]
    assert any(d.code == "V1" and d.sheet == "复议诉讼" and d.col_label.endswith("总计") for d in found)


# --- year and date --------------------------------------------------------------------------


def test_year_outside_the_format_and_workbook_year_mismatch() -> None:
    assert "Y1" in codes(clean_report("2019", year=2021))
    report = deepcopy(clean_report())
    report.unit.year = 2019
    assert codes(report) == ["Y2"]


def test_date_within_the_report_year_is_an_error() -> None:
    report = deepcopy(clean_report())
    report.unit.date = dt.date(report.year, 12, 31)
    assert [(d.code, d.severity) for d in validate(report)] == [("P1", Severity.ERROR)]


@pytest.mark.parametrize(
    ("level", "last_ok"),
    [
        (UnitLevel.DEPARTMENT, (1, 31)),
        (UnitLevel.TOWNSHIP, (1, 31)),
        (UnitLevel.COUNTY, (2, 20)),
        (UnitLevel.CITY, (3, 10)),
        (UnitLevel.PROVINCE, (3, 31)),
    ],
)
def test_deadline_by_level(level: UnitLevel, last_ok: tuple[int, int]) -> None:
    report = deepcopy(clean_report())
    report.unit.level = level
    report.unit.date = dt.date(report.year + 1, *last_ok)
    assert codes(report) == []
    report.unit.date += dt.timedelta(days=1)
    assert [(d.code, d.severity, d.expected) for d in validate(report)] == [
        ("P2", Severity.WARNING, dt.date(report.year + 1, *last_ok).isoformat())
    ]


# --- arithmetic -----------------------------------------------------------------------------


def test_part4_group_total() -> None:
    report = with_number(clean_report(), "appeals", "direct.total", 99)
    found = validate(report)
    assert [(d.code, d.cell, d.actual) for d in found] == [("T4-1", "J7", 99)]
    assert "结果维持" in found[0].message and "尚未审结" in found[0].message


def test_part3_row_total() -> None:
    report = clean_report()
    stated = report.tables["requests"]["partial.total"].number + 2
    found = validate(with_number(report, "requests", "partial.total", stated))
    # the row total is wrong; the column it feeds no longer adds up, and correcting （七）总计
    # to the column's sum would not balance the column: the clerk is sent back to the rows
    assert [(d.code, d.cell) for d in found] == [("T3-2", "J28"), ("T3-3", "J10"), ("T3-1", "J28")]
    assert (found[1].actual, found[1].expected) == (stated, stated - 2)


def test_balance_on_stated_figures() -> None:
    """Sums all hold but 一 + 二 ≠ （七）总计 + 四: both affected columns, nothing else."""
    report = clean_report()
    req = report.tables["requests"]
    report = with_number(report, "requests", "carried.natural", req["carried.natural"].number + 4)
    report = with_number(report, "requests", "carried.total", req["carried.total"].number + 4)
    found = validate(report)
    assert [(d.code, d.cell) for d in found] == [("T3-1", "D28"), ("T3-1", "J28")]
    assert all(d.expected - d.actual == 4 for d in found)


def test_published_total_below_new_items_warns() -> None:
    report = with_number(clean_report(), "active", "normative.total", 0)
    assert [(d.code, d.cell) for d in validate(report)] == [("A5", "D7")]


# --- narrative against tables ---------------------------------------------------------------


def overview(*texts: str, base: Report | None = None) -> Report:
    return set_text(base or clean_report(), "overview", *texts)


def table_total(report: Report, key: str) -> int:
    return int(report.tables["requests"][key].number)


def test_received_applications() -> None:
    base = clean_report()
    new = table_total(base, "new.total")
    assert codes(overview(f"全年共收到政府信息公开申请{new}件。", base=base)) == []
    found = validate(overview(f"全年共收到政府信息公开申请{new + 1}件。", base=base))
    assert [(d.code, d.sheet, d.cell, d.paragraph, d.expected, d.actual) for d in found] == [
        ("N1", "总体情况", "A5", 1, new, new + 1)
    ]


def test_accepted_may_include_carried_over() -> None:
    base = clean_report()
    both = table_total(base, "new.total") + table_total(base, "carried.total")
    assert codes(overview(f"共受理政府信息公开申请{both}件。", base=base)) == []


def test_other_years_and_cumulative_counts_are_not_compared() -> None:
    base = clean_report()
    text = f"{base.year - 1}年收到政府信息公开申请999件。历年累计收到政府信息公开申请888件。"
    assert codes(overview(text, base=base)) == []


def test_answered_count_against_total_row() -> None:
    base = clean_report()
    total = table_total(base, "total.total")
    assert codes(overview(f"本年度已办结政府信息公开申请{total}件。", base=base)) == []
    assert codes(overview(f"本年度已办结政府信息公开申请{total + 5}件。", base=base)) == ["N1"]


def test_result_categories() -> None:
    base = clean_report()
    public = table_total(base, "public.total")
    deny = sum(
        table_total(base, f"{k.split('.')[0]}.total")
        for k in base.tables["requests"]
        if k.startswith("deny_") and k.endswith(".natural")
    )
    ok = f"其中“予以公开”{public}件，不予公开{deny}件。"
    assert codes(overview(ok, base=base)) == []
    found = validate(overview(f"其中“予以公开”答复{public + 1}件。", base=base))
    assert [(d.code, d.expected, d.actual) for d in found] == [("N2", public, public + 1)]


def test_appeal_counts() -> None:
    base = clean_report()
    review = int(base.tables["appeals"]["review.total"].number)
    lawsuits = int(base.tables["appeals"]["direct.total"].number + base.tables["appeals"]["after.total"].number)
    assert codes(overview(f"被申请行政复议{review}件，提起行政诉讼{lawsuits}件。", base=base)) == []
    assert codes(overview(f"被申请行政复议{review + 1}件，提起行政诉讼{lawsuits}件。", base=base)) == ["N3"]


def test_breakdown_exceeding_its_total() -> None:
    assert codes(overview("主动公开政府信息100条，其中市政府公开60条，各部门公开50条。")) == ["N4"]
    # fewer than the total is not provably wrong: the list may not be exhaustive
    assert codes(overview("进驻1181个事项，其中954个事项实现“一趟不用跑”，217个事项实现“最多跑一趟”。")) == []
    # a new 共 clause, another unit or the restated total ends the list
    assert codes(overview("共354类证照，其中电子证照175类，电子批文179类，共生成证书245470件，批文7360件。")) == []
    assert codes(overview("共收集意见25条，其中网上意见20条，已办结25条。")) == []


def test_breakdown_in_the_next_sentence_refers_to_the_count_before() -> None:
    text = "共收到留言25条，历年累计173条。其中网站留言9条，信件留言12条，电话留言8条。"
    assert codes(overview(text)) == ["N4"]


def test_percentages() -> None:
    assert codes(overview("全年共办结200件，网上办理150件，占比75.00%。")) == []
    assert codes(overview("全年共办结200件，网上办理151件，占比75%。")) == []  # 75.5 rounds within the stated precision
    found = validate(overview("全年共办结70982件，外网申报61313件，占比86.25%。"))
    assert [(d.code, d.expected, d.actual) for d in found] == [("N5", "86.38%", "86.25%")]
    # no base introduced as a total: nothing to compute against
    assert codes(overview("网上办理151件，占比60%。")) == []


# --- leftovers and sections -----------------------------------------------------------------


def test_template_leftovers() -> None:
    found = validate(overview("××局高度重视政府信息公开工作。", "（文字描述）"))
    assert [(d.code, d.severity, d.paragraph) for d in found] == [("L1", Severity.ERROR, 1), ("L1", Severity.ERROR, 2)]
    report = deepcopy(clean_report())
    report.unit.name = "××市人民政府"
    assert [(d.code, d.row_label) for d in validate(report)] == [("L1", "单位名称")]


def test_empty_required_part_and_problems_only_none() -> None:
    assert [(d.code, d.sheet) for d in validate(set_text(clean_report(), "overview"))] == [("L2", "总体情况")]
    assert [(d.code, d.severity) for d in validate(set_text(clean_report(), "problems", "无。"))] == [
        ("L3", Severity.WARNING)
    ]
    # The intro is optional; without one, only a 提示 that the contacts are printed nowhere.
    assert [(d.code, d.severity) for d in validate(set_text(clean_report(), "intro"))] == [("L4", Severity.INFO)]


# --- 2021-only rules ------------------------------------------------------------------------


def test_2021_overview_length() -> None:
    long = set_text(clean_report("2021"), "overview", "政" * 600, "务" * 401)
    assert [(d.code, d.actual) for d in validate(long)] == [("F1", 1001)]
    assert validate(set_text(clean_report("2019"), "overview", "政" * 600, "务" * 401)) == []


def test_2021_processing_fee_must_be_reported() -> None:
    assert [(d.code, d.severity) for d in validate(set_text(clean_report("2021"), "other", "无。"))] == [
        ("F2", Severity.ERROR)
    ]
    assert validate(set_text(clean_report("2019"), "other", "无。")) == []


def test_2021_fee_in_yuan_instead_of_wanyuan() -> None:
    active = V2021.table("active")
    fee = next(k for k, f in active.fields.items() if f.kind.value == "amount")
    assert codes(with_number(clean_report("2021"), "active", fee, Decimal("3500.25"))) == []
    assert codes(with_number(clean_report("2021"), "active", fee, Decimal("35002500"))) == ["F3"]


# --- cross-year -----------------------------------------------------------------------------


def linked_years(spec_prev: str = "2019", spec_now: str = "2019") -> tuple[Report, Report]:
    """Last year's report whose 结转下年度 and item counts lead exactly to this year's."""
    year = SPECS[spec_now].first_year + (spec_prev == spec_now)
    previous, current = clean_report(spec_prev, year=year - 1), clean_report(spec_now, year=year)
    for key, v in current.tables["requests"].items():
        if key.startswith("carried."):
            previous.tables["requests"][key.replace("carried.", "carry_next.")].number = v.number
    current.sections["problems"].paragraphs = [Paragraph("1.政策解读形式单一，图解、视频等解读材料偏少。", row=5)]
    if spec_prev == spec_now == "2021":
        table = V2021.table("active")
        for row in ("规章", "行政规范性文件"):
            k = {c: key_at(table, row, c) for c in ("现行有效件数", "本年制发件数", "本年废止件数")}
            now = current.tables["active"]
            now[k["现行有效件数"]].number = (
                previous.tables["active"][k["现行有效件数"]].number
                + now[k["本年制发件数"]].number
                - now[k["本年废止件数"]].number
            )
    if spec_prev == spec_now == "2019":
        for key, v in current.tables["active"].items():
            if key.endswith(".prev"):
                row = key.removesuffix(".prev")
                v.number = previous.tables["active"][key].number + previous.tables["active"][f"{row}.delta"].number
        table = SPECS["2019"].table("active")
        for row in ("规章", "规范性文件"):
            total, new = key_at(table, row, "对外公开总数量"), key_at(table, row, "本年新公开数量")
            now = current.tables["active"]
            now[total].number = previous.tables["active"][total].number + now[new].number
    return previous, current


def test_linked_years_are_clean() -> None:
    previous, current = linked_years()
    assert validate(current, previous) == []


def test_carry_over_from_last_year_per_column() -> None:
    previous, current = linked_years()
    previous = with_number(
        previous, "requests", "carry_next.legal", previous.tables["requests"]["carry_next.legal"].number + 1
    )
    found = [(d.code, d.sheet, d.cell, d.severity) for d in validate(current, previous)]
    assert found == [("T3-5", REQ, "H8", Severity.WARNING)]


def test_carry_over_across_format_versions() -> None:
    previous, current = linked_years("2019", "2021")
    assert validate(current, previous) == []
    previous = with_number(previous, "requests", "carry_next.total", 999)
    assert findings_at(validate(current, previous), "T3-5") == [(REQ, "J8")]


def test_item_count_chain_2019() -> None:
    previous, current = linked_years()
    right = current.tables["active"]["license.prev"].number
    wrong = with_number(current, "active", "license.prev", right + 9)
    found = validate(wrong, previous)
    assert [(d.code, d.cell, d.expected, d.actual) for d in found] == [("C1", "B10", right, right + 9)]


def test_in_force_count_2021() -> None:
    previous, current = linked_years("2021", "2021")
    table = V2021.table("active")
    keys = {c: key_at(table, "规章", c) for c in ("现行有效件数", "本年制发件数", "本年废止件数")}
    last = previous.tables["active"][keys["现行有效件数"]].number
    now = {c: current.tables["active"][k].number for c, k in keys.items()}
    expected = last + now["本年制发件数"] - now["本年废止件数"]
    cell = current.tables["active"][keys["现行有效件数"]].cell
    assert findings_at(validate(current, previous), "C2") == []
    wrong = with_number(current, "active", keys["现行有效件数"], expected + 2)
    found = validate(wrong, previous)
    assert [(d.code, d.cell, d.expected, d.actual) for d in found] == [("C2", cell, expected, expected + 2)]


def test_problems_repeated_from_last_year() -> None:
    previous, current = linked_years()
    text = [
        "（一）存在的主要问题",
        "1.政府信息公开工作人员变动频繁，没有专职工作人员负责，工作交接不到位，新的工作人员业务不够熟练。",
        "（二）改进情况",
        "1.加强队伍建设，指定专人负责，定期组织业务培训，增强工作人员的业务水平。",
    ]
    previous = set_text(previous, "problems", *text)
    same = set_text(
        current, "problems", *text[:-1], "1.加强队伍建设，指定专人负责，每季度组织业务培训，增强工作人员的业务水平。"
    )
    found = validate(same, previous)
    assert [(d.code, d.severity) for d in found] == [("C4", Severity.WARNING)]
    different = set_text(
        current, "problems", "（一）存在的主要问题", "1.依申请公开答复文书格式不统一，部分告知书未载明救济途径。"
    )
    assert validate(different, previous) == []


def test_previous_report_of_a_wrong_year_is_not_compared() -> None:
    previous, current = linked_years()
    previous.year = previous.unit.year = current.year - 2
    previous = with_number(previous, "requests", "carry_next.total", 999)
    assert [(d.code, d.severity) for d in validate(current, previous)] == [("C0", Severity.INFO)]


def test_wrong_year_is_what_last_years_workbook_says() -> None:
    """The CLI labels the file it reads as year − 1; the workbook's own 报告年度 tells a wrong file."""
    previous, current = linked_years()
    assert previous.year == current.year - 1
    previous.unit.year = current.year - 2
    previous = with_number(previous, "requests", "carry_next.total", 999)
    found = validate(current, previous)
    assert [(d.code, d.expected, d.actual) for d in found] == [("C0", current.year - 1, current.year - 2)]
    assert f"{current.year - 2} 年度" in found[0].message


def test_previous_without_a_stated_year_is_taken_as_labelled() -> None:
    previous, current = linked_years()
    previous.unit.year = None
    assert validate(current, previous) == []
    previous.year = current.year - 2
    assert [d.code for d in validate(current, previous)] == ["C0"]


def test_every_finding_is_located_and_says_expected_and_actual() -> None:
    """Whatever goes wrong, the clerk gets a code, a place and both values."""
    broken = set_value(clean_report(), "requests", "public.natural", Value(State.BLANK))
    broken = with_number(broken, "appeals", "review.total", 50)
    broken = set_text(
        broken, "overview", "××", "全年共办结200件，网上办理151件，占比60%。", "其中网站公开9件，部门公开8件。"
    )
    broken.unit.date, broken.unit.name = None, ""
    found = validate(broken)
    assert {d.code for d in found} >= {"V1", "V2", "T4-1", "L1", "N5"}
    for d in found:
        row = d.to_dict()
        assert row["code"] and row["severity"] in ("错误", "警告", "提示") and row["sheet"] and row["message"]
        assert row["expected"] is not None and row["actual"] is not None, d.format()
        assert row["cell"] or row["row_label"] or d.code in ("L2", "F1", "F2", "C4"), d.format()


def test_cross_year_rules_skip_another_units_workbook():
    """inputs/ holds two different example units: comparing them would only produce noise."""
    from conftest import INPUTS as inputs

    from generator.formats import format_for_year
    from generator.validate import validate
    from generator.workbook import read_workbook

    this, _ = read_workbook(inputs / "2021.xlsx", format_for_year(2021), 2021)
    last, _ = read_workbook(inputs / "2020.xlsx", format_for_year(2020), 2020)
    findings = validate(this, last)
    assert [d.code for d in findings] == ["C0"]
    assert "漳平市人民政府" in findings[0].message
