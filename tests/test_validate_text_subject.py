"""Whose number is it (issue 18): a figure about a part of the reporting unit is not the report's total.

Each paragraph is written as a real report writes it, in a county's 本级汇总 report (or a
department's, a township's, a city's), in both formats. A figure whose subject is the whole unit
is compared with the tables (a wrong one is found, a right one passes); a part's figure is never
compared, however far it is from the table; one whose subject the words leave undecided gives at
most a 提示.
"""

from __future__ import annotations

from copy import deepcopy

import pytest
from test_validate_support import SPECS, clean_report, key_at

from generator.diagnostics import Severity
from generator.model import Paragraph, Report, UnitLevel
from generator.validate import validate
from generator.validate.text_subject import place_of, unit_words

TEXT_RULES = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "C5"}
BASES = {spec: clean_report(spec) for spec in ("2019", "2021")}


def unit(spec: str, name: str = "某县人民政府", level: UnitLevel = UnitLevel.COUNTY) -> Report:
    out = deepcopy(BASES[spec])
    out.unit.name, out.unit.level = name, level
    return out


def figures(report: Report) -> dict[str, int]:
    req, app = report.tables["requests"], report.tables["appeals"]
    act = report.tables["active"]
    table = SPECS["2019" if report.year < 2021 else "2021"].table("active")
    made = "本年新制作数量" if report.year < 2021 else "本年制发件数"
    return {
        "new": int(req["new.total"].number),
        "answered": int(req["total.total"].number),
        "public": int(req["public.total"].number),
        "review": int(app["review.total"].number),
        "docs": int(act[key_at(table, "规范性文件" if report.year < 2021 else "行政规范性文件", made)].number),
    }


def findings(report: Report, *paragraphs: str) -> list[tuple[str, Severity]]:
    out = deepcopy(report)
    out.sections["overview"].paragraphs = [
        Paragraph(t, level=2 if t.startswith("（") and len(t) < 30 else 0, row=5 + i) for i, t in enumerate(paragraphs)
    ]
    return [(d.code, d.severity) for d in validate(out) if d.code in TEXT_RULES]


def fill(template: str, report: Report, off: int) -> str:
    """The template with the table's figures; off added to the one marked {x…}."""
    f = figures(report)
    values = {k: v for k, v in f.items()}
    values.update({f"x{k}": v + off for k, v in f.items()})
    return template.format(**values)


SPEC_IDS = ("2019", "2021")

# --- compared: the subject is the whole unit ------------------------------------------------
# (template, unit name, level, code expected when the marked figure is off)
COUNTY = ("某县人民政府", UnitLevel.COUNTY)
CITY = ("某市人民政府", UnitLevel.CITY)
DEPARTMENT = ("某县教育局", UnitLevel.DEPARTMENT)
TOWNSHIP = ("某县东山镇人民政府", UnitLevel.TOWNSHIP)

COMPARED = [
    ("全县共受理政府信息公开申请{xnew}件，均在法定期限内答复。", COUNTY, "N1"),
    ("本年度，我县共收到政府信息公开申请{xnew}件，办结{answered}件。", COUNTY, "N1"),
    ("本县本年度新收政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("县政府高度重视依申请公开工作，全年共受理政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("全年共收到政府信息公开申请{xnew}件，其中自然人申请占多数。", COUNTY, "N1"),  # no subject: the unit
    ("全县各级行政机关严格执行《条例》。本年度共办结政府信息公开申请{xanswered}件。", COUNTY, "N1"),
    ("某县人民政府本年度受理政府信息公开申请{xnew}件。", COUNTY, "N1"),
    (
        "全县政府信息公开申请由县政府办公室统一受理，县政府办公室全年共受理政府信息公开申请{xnew}件。",
        COUNTY,
        "N1",
    ),  # the text says the part is the whole
    ("县政府办公室代县政府受理申请{public}件，全县共办结政府信息公开申请{xanswered}件。", COUNTY, "N1"),
    ("全县共办结政府信息公开申请{answered}件，其中予以公开{xpublic}件。", COUNTY, "N2"),
    ("全县共发生政府信息公开行政复议{xreview}件。", COUNTY, "N3"),
    ("全县制定行政规范性文件{xdocs}件。", COUNTY, "N6"),
    ("全市共受理政府信息公开申请{xnew}件，其中市本级受理{public}件。", CITY, "N1"),
    ("我局全年受理政府信息公开申请{xnew}件。", DEPARTMENT, "N1"),
    ("某县教育局全年共收到政府信息公开申请{xnew}件。", DEPARTMENT, "N1"),
    ("县教育局依法受理政府信息公开申请{xnew}件。", DEPARTMENT, "N1"),
    ("本机关本年度收到政府信息公开申请{xnew}件。", DEPARTMENT, "N1"),
    ("本镇全年收到政府信息公开申请{xnew}件。", TOWNSHIP, "N1"),
    # bodies named as objects, in titles or in a remark about several parts do not carry over
    ("县政府机关严格落实党中央、国务院和市委、市政府工作部署，全年共收到政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("认真贯彻《国务院办公厅关于印发政务公开工作要点的通知》精神。全年共收到政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("畅通网上申请、当面申请、信函申请渠道，全年共收到政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("坚持以人民为中心的发展思想，全年共收到政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("服务全县发展大局，全年共收到政府信息公开申请{xnew}件。", COUNTY, "N1"),
    ("县住建局、县自然资源局受理申请数量最多。因政府信息公开引起的行政复议{xreview}件。", COUNTY, "N3"),
    ("余杭区全年共收到政府信息公开申请{xnew}件。", ("杭州市余杭区人民政府", UnitLevel.COUNTY), "N1"),
    ("今年来，榕城区政府办公室共收到政府信息公开申请{xnew}件。", ("揭阳市榕城区人民政府办公室", UnitLevel.DEPARTMENT), "N1"),
    ("镇政府全年共受理政府信息公开申请{xnew}件。", TOWNSHIP, "N1"),
]


@pytest.mark.parametrize("spec", SPEC_IDS)
@pytest.mark.parametrize("template,who,code", COMPARED)
def test_a_whole_unit_figure_is_compared(spec: str, template: str, who: tuple[str, UnitLevel], code: str) -> None:
    report = unit(spec, *who)
    assert findings(report, fill(template, report, 0)) == []
    assert findings(report, fill(template, report, 7)) == [(code, Severity.WARNING)]


# --- not compared: the subject is a part ----------------------------------------------------

NOT_COMPARED = [
    ("县政府办公室代县政府受理政府信息公开申请{xnew}件，均按期答复。", COUNTY),
    ("县本级受理政府信息公开申请{xnew}件。", COUNTY),
    ("全县共受理政府信息公开申请{new}件，其中县政府本级办结{xanswered}件。", COUNTY),
    ("县教育局受理政府信息公开申请{xnew}件，县卫生健康委受理{public}件。", COUNTY),
    ("全年共受理政府信息公开申请{new}件，其中通过政府门户网站受理申请{xnew}件。", COUNTY),
    ("县政府办公室全年共收到政府信息公开申请{xnew}件，办结{xanswered}件。", COUNTY),
    ("县直各部门共受理政府信息公开申请{xnew}件。", COUNTY),
    ("全县受理县教育局转来的申请{xnew}件。", COUNTY),
    ("县教育局高度重视依申请公开工作。本年度收到政府信息公开申请{xnew}件，均按时答复。", COUNTY),
    ("各乡镇（街道）共受理政府信息公开申请{xnew}件。", COUNTY),
    ("东山乡受理政府信息公开申请{xnew}件。", COUNTY),
    ("县政府办公室办结的政府信息公开申请中，予以公开{xpublic}件。", COUNTY),
    ("县教育局发生政府信息公开行政复议{xreview}件。", COUNTY),
    ("县政府及县政府办公室制定行政规范性文件{xdocs}件。", COUNTY),
    ("市本级受理政府信息公开申请{xnew}件。", CITY),
    ("市政府办公室受理政府信息公开申请{xnew}件，占全市的一半左右。", CITY),
    ("全市共受理政府信息公开申请{xnew}件，我局受理{new}件。", DEPARTMENT),
    ("县政府全年共受理政府信息公开申请{xnew}件，其中涉及教育的{public}件。", DEPARTMENT),
    ("局属各单位共收到政府信息公开申请{xnew}件。", DEPARTMENT),
    ("各村（社区）共受理政府信息公开申请{xnew}件。", TOWNSHIP),
    ("全县共受理政府信息公开申请{xnew}件，本镇受理{new}件。", TOWNSHIP),
]


@pytest.mark.parametrize("spec", SPEC_IDS)
@pytest.mark.parametrize("template,who", NOT_COMPARED)
def test_a_part_figure_is_not_compared(spec: str, template: str, who: tuple[str, UnitLevel]) -> None:
    report = unit(spec, *who)
    assert findings(report, fill(template, report, 7)) == []


@pytest.mark.parametrize("spec", SPEC_IDS)
def test_a_heading_naming_a_part_speaks_for_its_paragraphs(spec: str) -> None:
    report = unit(spec)
    body = fill("本年度收到政府信息公开申请{xnew}件，办结政府信息公开申请{xanswered}件。", report, 7)
    assert findings(report, "（二）县政府办公室依申请公开情况", body) == []
    assert [c for c, _ in findings(report, "（二）全县依申请公开情况", body)] == ["N1", "N1"]


@pytest.mark.parametrize("spec", SPEC_IDS)
def test_claims_in_words_about_a_part(spec: str) -> None:
    report = unit(spec)
    assert figures(report)["new"] > 0 and figures(report)["review"] > 0
    assert findings(report, "县政府办公室未收到政府信息公开申请。") == []
    assert findings(report, "县本级未发生政府信息公开行政复议。") == []
    assert findings(report, "全县未收到政府信息公开申请。") == [("N7", Severity.WARNING)]
    assert findings(report, "本年度未发生政府信息公开行政复议。") == [("N7", Severity.WARNING)]


def test_year_on_year_change_of_a_part_is_not_compared() -> None:
    previous, current = clean_report(year=2019), clean_report(year=2020)
    new = figures(current)["new"]
    previous.tables["requests"]["new.total"].number = new  # no change: 同比增长25% is wrong for the county

    def c5(paragraph: str) -> list[str]:
        out = deepcopy(current)
        out.sections["overview"].paragraphs = [Paragraph(paragraph, row=5)]
        return [d.code for d in validate(out, previous) if d.code == "C5"]

    assert c5(f"县政府办公室受理政府信息公开申请{new}件，同比增长25%。") == []
    assert c5(f"全县受理政府信息公开申请{new}件，同比增长25%。") == ["C5"]


# --- undecided: at most a 提示 that names both numbers ---------------------------------------

UNDECIDED = [
    "县政府办公室受理全县政府信息公开申请{xnew}件。",
    "县政府办公室代县政府受理申请{public}件，全年共收到政府信息公开申请{xnew}件。",
    "通过政府门户网站共受理政府信息公开申请{xnew}件。",
]


@pytest.mark.parametrize("spec", SPEC_IDS)
@pytest.mark.parametrize("template", UNDECIDED)
def test_competing_subjects_give_at_most_a_hint(spec: str, template: str) -> None:
    report = unit(spec)
    assert findings(report, fill(template, report, 0)) == []
    said = fill(template, report, 7)
    out = deepcopy(report)
    out.sections["overview"].paragraphs = [Paragraph(said, row=5)]
    hints = [d for d in validate(out) if d.code in TEXT_RULES]
    assert [(d.code, d.severity) for d in hints] == [("N1", Severity.INFO)]
    new = figures(report)["new"]
    assert f"正文为 {new + 7}" in hints[0].message and f"为 {new}" in hints[0].message


# --- the data: derived from the unit's own name and level -----------------------------------


@pytest.mark.parametrize(
    "name,place,level",
    [
        ("漳平市人民政府", "漳平市", "市"),
        ("沭阳县发展和改革局", "沭阳县", "县"),
        ("重庆市荣昌区河包镇人民政府", "重庆市荣昌区河包镇", "镇"),
        ("沈阳市于洪区迎宾路街道办事处", "沈阳市于洪区迎宾路街道", "街道"),
        ("某县城市管理局", "某县", "县"),
        ("杨凌示范区审计局", "杨凌示范区", "区"),
        ("某旗人民政府", "某旗", "旗"),
    ],
)
def test_level_word_from_the_unit_name(name: str, place: str, level: str) -> None:
    assert place_of(name) == (place, level)


def test_a_department_named_after_its_government_is_the_whole() -> None:
    """市政府办公室's own report: 市政府办公室 is the unit; in the city's report it is a part."""
    office = unit_words(deepcopy(BASES["2019"].unit.__class__(name="漳平市人民政府办公室", level=UnitLevel.DEPARTMENT)))
    assert not office.government and "市政府办公室" in office.own and office.organ == "办"
    report = unit("2019", "漳平市人民政府办公室", UnitLevel.DEPARTMENT)
    assert findings(report, fill("市政府办公室全年受理政府信息公开申请{xnew}件。", report, 7)) == [
        ("N1", Severity.WARNING)
    ]
    assert findings(report, fill("我办全年受理政府信息公开申请{xnew}件。", report, 7)) == [("N1", Severity.WARNING)]
    city = unit("2019", "漳平市人民政府", UnitLevel.COUNTY)
    assert findings(city, fill("市政府办公室全年受理政府信息公开申请{xnew}件。", city, 7)) == []
