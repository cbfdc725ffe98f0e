"""A real published page imports with every figure where the page shows it (typed by hand from the page)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.importer import import_report
from generator.model import State

PAGE = Path(__file__).parent / "data" / "published" / "shuyang-fgj-2023.html"

# 二、主动公开政府信息情况, as the page shows it.
ACTIVE = {
    "rules.made": 0,
    "rules.repealed": 0,
    "rules.in_force": 0,
    "normative.made": 8,
    "normative.repealed": 0,
    "normative.in_force": 18,
    "license.decisions": 0,
    "penalty.decisions": 0,
    "enforcement.decisions": 0,
    "fees.amount": 0,
}
# 三: only 自然人 and 总计 are filled on the page; the five 法人或其他组织 columns are blank.
REQUEST_ROWS = {
    "new": 26,
    "carried": 0,
    "public": 26,
    "partial": 0,
    **dict.fromkeys(
        (
            "deny_secret deny_law deny_safety deny_third deny_internal deny_process deny_enforcement deny_query "
            "unable_none unable_make unable_unclear noproc_petition noproc_repeat noproc_publication "
            "noproc_massive noproc_confirm other_1 other_2 other_3"
        ).split(),
        0,
    ),
    "total": 26,
    "carry_next": 0,
}
BLANK_COLUMNS = ("business", "research", "nonprofit", "legal", "other_org")
# 四: 行政复议 尚未审结 1, 总计 1; everything else 0.
APPEALS = {
    **{
        f"{g}.{r}": 0
        for g in ("review", "direct", "after")
        for r in ("upheld", "corrected", "other", "pending", "total")
    },
    "review.pending": 1,
    "review.total": 1,
}


def _numbers(values: dict) -> dict:
    return {k: v.number for k, v in values.items() if v.state is State.NUMBER}


def test_every_figure_of_the_shuyang_page() -> None:
    report, findings = import_report(PAGE)
    assert report.year == 2023 and report.spec.id == "2021"
    assert _numbers(report.tables["active"]) == ACTIVE
    requests = {f"{row}.{col}": n for row, n in REQUEST_ROWS.items() for col in ("natural", "total")}
    assert _numbers(report.tables["requests"]) == requests
    blanks = {f"{row}.{col}" for row in REQUEST_ROWS for col in BLANK_COLUMNS}
    assert {k for k, v in report.tables["requests"].items() if v.state is State.BLANK} == blanks
    assert _numbers(report.tables["appeals"]) == APPEALS
    codes = [d.code for d in findings]
    # Nothing was read by position and no figure was left over.
    assert not {"I010", "I011", "I013", "I014"} & set(codes), codes
    # The page's “规范性文件” is named as differing from the mandated “行政规范性文件”.
    assert any(d.code == "I016" and "规范性文件" in d.message for d in findings)


def test_unit_and_text_of_the_shuyang_page() -> None:
    report, findings = import_report(PAGE)
    u = report.unit
    assert u.name == "沭阳县发展和改革局"
    assert u.title == "沭阳县发展和改革局2023年政府信息公开年度报告"  # the page's own wording, kept
    assert u.website_name == "沭阳县人民政府网站"
    assert u.website_url == "http://www.shuyang.gov.cn"
    assert u.office == "沭阳县发展和改革局"
    assert u.address == "沭阳县沭城街道苏州东路42号"
    assert u.postcode == "223600"
    assert u.phone == "0527—83593059"
    assert u.fax == "" and any(d.code == "I030" and "传真" in d.message for d in findings)
    assert u.signature == "沭阳县发展和改革局" and u.date == dt.date(2024, 1, 17)
    overview = [p.text for p in report.sections["overview"].paragraphs]
    assert len(overview) == 11
    assert overview[1] == "（一）主动公开政府信息情况" and report.sections["overview"].paragraphs[1].level == 2
    assert overview[-1].endswith("自觉接受代表、委员和社会的监督。")
    assert report.sections["problems"].title == "存在的主要问题及整改措施"
    assert len(report.sections["problems"].paragraphs) == 2
    assert [p.text for p in report.sections["other"].paragraphs] == [
        "2023年度，县发展和改革局政府信息公开未发生收费情况。"
    ]
    intro = [p.text for p in report.sections["intro"].paragraphs]
    assert len(intro) == 1 and intro[0].startswith("根据《中华人民共和国政府信息公开条例》")
    # Page furniture (menus, the 索引号 table, footer) is not report text.
    everything = "".join(p.text for s in report.sections.values() for p in s.paragraphs)
    assert "索引号" not in everything and "首页" not in everything
