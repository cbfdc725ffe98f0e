"""Y3 statistics period, L4 intro without contacts, L5 part headings pasted into the narrative;
and the intro paragraph that is now the clerk's own text (issue 8, items 13 and 15)."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace

import pytest
from conftest import INPUTS
from extract import norm, read_html
from test_validate_support import clean_report

from generator.cli import main as generate_main
from generator.diagnostics import Severity
from generator.formats import format_for_year
from generator.model import Paragraph, Report
from generator.templating import Wording
from generator.validate import validate
from generator.workbook import read_workbook


def set_text(report: Report, section: str, *texts: str) -> Report:
    out = deepcopy(report)
    out.sections[section].paragraphs = [Paragraph(t, row=5 + i) for i, t in enumerate(texts)]
    return out


def found(report: Report, code: str) -> list[tuple[str, str, Severity]]:
    return [(d.sheet, d.cell, d.severity) for d in validate(report) if d.code == code]


# ── Y3 ─────────────────────────────────────────────────────────────────────────────────────


def test_a_statistics_period_of_last_year_is_an_error() -> None:
    report = clean_report("2021", 2021)
    stale = (
        "本报告所列数据的统计时间自2020年1月1日起至2020年12月31日。本报告电子版可在网站下载，联系电话：010-12345678。"
    )
    assert found(set_text(report, "intro", stale), "Y3") == [("引言", "A5", Severity.ERROR)]
    fresh = stale.replace("2020", "2021")
    assert found(set_text(report, "intro", fresh), "Y3") == []
    # Other years elsewhere in the text are not a statistics period.
    assert found(set_text(report, "overview", "与2020年相比，统计数据显示申请量增长。"), "Y3") == []


# ── L4 ─────────────────────────────────────────────────────────────────────────────────────


def test_an_intro_without_the_units_contacts_gets_a_hint_with_the_paragraph_to_paste() -> None:
    report = set_text(clean_report(), "intro", "本报告根据《条例》编制。")
    (d,) = [d for d in validate(report) if d.code == "L4"]
    assert d.severity is Severity.INFO and d.sheet == "引言"
    assert "http://www.example.gov.cn" in d.message and "010-12345678" in d.message and "统计时间" in d.message
    with_phone = set_text(clean_report(), "intro", "咨询电话：010－12345678。")  # full-width hyphen still matches
    assert found(with_phone, "L4") == []


# ── L6: the intro's contacts against 单位信息 ─────────────────────────────────────────────────


def with_unit(report: Report, **changes: str) -> Report:
    out = deepcopy(report)
    out.unit = replace(out.unit, **changes)
    return out


def test_contacts_changed_in_the_unit_sheet_but_not_in_the_intro_are_named() -> None:
    """The QA repro: init wrote the intro from last year's 单位信息; the clerk then changed phone and postcode."""
    report = clean_report()
    intro = Wording().standard_intro(report.unit, report.year)
    report = with_unit(
        set_text(report, "intro", "本报告根据《条例》编制。", intro), phone="0597-1234567", postcode="364400"
    )
    findings = {d.actual: d for d in validate(report) if d.code == "L6"}
    assert set(findings) == {"010-12345678", "100000"}
    phone = findings["010-12345678"]
    assert (phone.sheet, phone.cell, phone.severity) == ("引言", "A6", Severity.WARNING)
    assert phone.expected == "0597-1234567" and "0597-1234567" in phone.message and "010-12345678" in phone.message
    assert findings["100000"].expected == "364400"
    moved = with_unit(
        set_text(clean_report(), "intro", intro), website_url="https://www.new.gov.cn/", address="某县新华路8号"
    )
    assert {d.actual for d in validate(moved) if d.code == "L6"} == {"http://www.example.gov.cn", "某县人民路1号"}


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话：（010）12345678，邮编：100000。",  # the same phone written another way
        "电话：12345678，传真：010-99999999。",  # without the area code; the fax is not the phone
        "网址：www.example.gov.cn/col/123，邮箱：ban@163.com。",  # the same site, a deeper page; an e-mail
        "地址：XX省某县人民路1号。",  # the same address with the province
        "电话：010-12345678转8001。",  # an extension
        "联系方式：通过网站意见箱等渠道反映。",  # no address after the label
        "本报告根据《条例》编制。",  # no contact details at all: L4's business
    ],
)
def test_contacts_that_agree_with_the_unit_sheet_or_are_absent_are_silent(text: str) -> None:
    assert found(set_text(clean_report(), "intro", text), "L6") == []


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_the_example_workbooks_and_the_standard_paragraph_are_silent(year: int) -> None:
    report, _notes = read_workbook(INPUTS / f"{year}.xlsx", format_for_year(year), year)
    assert found(report, "L6") == []
    standard = Wording().standard_intro(report.unit, year)
    assert found(set_text(report, "intro", standard), "L6") == []


# ── L5 ─────────────────────────────────────────────────────────────────────────────────────


def test_a_pasted_part_heading_is_named_where_it_is() -> None:
    report = set_text(
        clean_report(),
        "overview",
        "一、总体情况",
        "本年度依法主动公开政府信息。",
        "二、主动公开政府信息情况",
        "主动公开政府信息100条。",
    )
    findings = [d for d in validate(report) if d.code == "L5"]
    assert [(d.cell, d.severity) for d in findings] == [("A5", Severity.WARNING), ("A7", Severity.WARNING)]
    assert "重复" in findings[0].message and "位置" in findings[1].message and "表格" in findings[1].message


@pytest.mark.parametrize(
    "section, text",
    [
        ("problems", "一、存在的主要问题"),  # a sub-heading of part 五, not its title
        ("overview", "（一）主动公开"),
        ("overview", "一是总体情况良好。"),
        ("overview", "总体情况良好，全年主动公开信息100条。"),
    ],
)
def test_ordinary_headings_are_not_taken_for_part_headings(section: str, text: str) -> None:
    assert found(set_text(clean_report(), section, text), "L5") == []


def test_a_custom_part_title_pasted_into_its_part_is_named() -> None:
    report = deepcopy(clean_report())
    report.sections["problems"].title = "政府信息公开工作存在的主要问题及改进情况"
    report = set_text(report, "problems", "五、政府信息公开工作存在的主要问题及改进情况", "1.问题。")
    assert found(report, "L5") == [("问题及改进", "A5", Severity.WARNING)]


# ── item 13: the intro is what the 引言 sheet holds ──────────────────────────────────────────


def test_the_report_prints_the_intro_the_clerk_left_and_nothing_more(tmp_path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(INPUTS / "2020.xlsx")
    ws = wb["引言"]
    standard = next(c for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("报告全文由"))
    standard.value = None  # the clerk deleted the standard paragraph
    src = tmp_path / "2020.xlsx"
    wb.save(src)
    out = tmp_path / "out"
    assert generate_main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 0
    page = read_html(next((out / "2020").glob("*.html")))
    assert not any(p.startswith(norm("报告全文由")) for p in page.paragraphs)
    assert norm("漳平市人民政府2020年政府信息公开工作年度报告") == page.paragraphs[0]


def test_a_part_title_typed_with_its_number_is_named() -> None:
    report = deepcopy(clean_report())
    report.sections["overview"].title = "一、总体情况"
    (d,) = [d for d in validate(report) if d.code == "L5"]
    assert d.sheet == "总体情况" and "一、一、总体情况" in d.message
