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


SHANGHAI = Path(__file__).parent / "data" / "published" / "shanghai-bgt-2019.html"
# 三, as printed: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计 (None = blank cell).
SHANGHAI_REQUESTS = {
    "new": (821, 35, None, None, 2, 1, 859),
    "carried": (18, None, None, None, None, None, 18),
    "public": (258, 12, None, None, 1, 1, None),
    "partial": (3, None, None, None, None, None, None),
    "deny_secret": (14, None, None, None, None, None, None),
    "deny_law": (None,) * 7,
    "deny_safety": (None,) * 7,
    "deny_third": (None,) * 7,
    "deny_internal": (5, None, None, None, None, None, None),
    "deny_process": (3, 1, None, None, None, None, None),
    "deny_enforcement": (None,) * 7,
    "deny_query": (10, 2, None, None, None, None, None),
    "unable_none": (252, 12, None, None, 1, None, None),
    "unable_make": (44, 3, None, None, None, None, None),
    "unable_unclear": (25, None, None, None, None, None, None),
    "noproc_petition": (148, 1, None, None, None, None, None),
    "noproc_repeat": (5, 4, None, None, None, None, None),
    "noproc_publication": (None,) * 7,
    "noproc_massive": (None,) * 7,
    "noproc_confirm": (None,) * 7,
    "other": (None,) * 7,
    "total": (767, 35, None, None, 2, 1, 805),
    "carry_next": (72, None, None, None, None, None, 72),
}
COLUMNS = ("natural", "business", "research", "nonprofit", "legal", "other_org", "total")


def test_every_figure_of_the_shanghai_page() -> None:
    """2019 format, year-first title, part 二 cells spanning two header columns, &nbsp; blanks."""
    report, findings = import_report(SHANGHAI)
    assert report.year == 2019 and report.spec.id == "2019"
    assert report.unit.name == "上海市人民政府办公厅"
    assert report.unit.website_name == "“中国上海”门户网站" and report.unit.website_url == "www.shanghai.gov.cn"
    active = {k: (v.number, v.unit) for k, v in report.tables["active"].items()}
    assert active == {
        "rules.made": (13, ""),
        "rules.published": (13, ""),
        "rules.total": (524, ""),
        "normative.made": (60, ""),
        "normative.published": (60, ""),
        "normative.total": (368, ""),
        **{
            f"{row}.{col}": (0, "")
            for row in ("license", "other_service", "penalty", "enforcement")
            for col in ("prev", "delta", "decisions")
        },
        "fees.prev": (0, ""),
        "fees.delta": (0, ""),
        "procurement.count": (6, ""),
        "procurement.amount": (251000, "元"),
    }
    requests = {k: v.number for k, v in report.tables["requests"].items()}
    assert requests == {f"{row}.{col}": n for row, ns in SHANGHAI_REQUESTS.items() for col, n in zip(COLUMNS, ns)}
    appeals = {k: v.number for k, v in report.tables["appeals"].items()}
    expected = dict.fromkeys(appeals)
    expected.update({"review.upheld": 5, "review.pending": 2, "review.total": 7})
    expected.update({"direct.upheld": 8, "direct.pending": 1, "direct.total": 9})
    assert appeals == expected
    codes = {d.code for d in findings}
    assert not {"I010", "I011", "I013", "I014"} & codes, codes
    assert "I033" in codes  # no signature or date at the end of this page
    assert [p.text for p in report.sections["other"].paragraphs] == ["无。"]
    assert report.sections["problems"].title == "政府信息公开工作存在的主要问题及改进情况"
    assert len(report.sections["overview"].paragraphs) == 22
    # “发布日期：2020-01-31” above the text is page furniture, not the intro.
    assert [p.text[:10] for p in report.sections["intro"].paragraphs] == ["本年度报告根据《中华"]
