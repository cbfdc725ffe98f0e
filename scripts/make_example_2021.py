"""Build inputs/2021.xlsx: a complete 2021-format example for a fictional unit (示例县教育局).

Every name, figure and contact detail is invented. The numbers are chosen so that every sum
and the 勾稽关系 hold, and the narrative states only figures the tables carry. Totals are
computed here from their parts, never typed, so the workbook is consistent by construction.

    python scripts/make_example_2021.py [inputs/2021.xlsx]
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.formats import format_for_year  # noqa: E402
from generator.formats.common import APPLICANT_COLUMNS  # noqa: E402
from generator.init_workbook import standard_intro  # noqa: E402
from generator.model import (  # noqa: E402
    Number,
    Paragraph,
    Report,
    Section,
    State,
    UnitInfo,
    UnitLevel,
    Value,
)
from generator.narrative import detect_level  # noqa: E402
from generator.workbook.layout import NARRATIVE_SHEETS  # noqa: E402
from generator.workbook.writer import write_workbook  # noqa: E402

YEAR = 2021
SPEC = format_for_year(YEAR)

UNIT = UnitInfo(
    name="示例县教育局",
    year=YEAR,
    level=UnitLevel.DEPARTMENT,
    website_name="示例县人民政府网站",
    website_url="http://www.example.gov.cn",
    office="示例县教育局办公室",
    address="示例县示范路1号",
    postcode="100000",
    phone="010-00000000",
    fax="无",
    signature="示例县教育局",
    date=dt.date(2022, 1, 25),
)

ACTIVE: dict[str, Number] = {
    "rules.made": 0,
    "rules.repealed": 0,
    "rules.in_force": 0,
    "normative.made": 3,
    "normative.repealed": 1,
    "normative.in_force": 12,
    "license.decisions": 156,
    "penalty.decisions": 4,
    "enforcement.decisions": 0,
    "fees.amount": Decimal("12.35"),
}

# Part 三 per applicant column (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他);
# rows not listed are 0 (二、上年结转 too: the example unit has no earlier workbook). 总计 column and （七）总计 row are computed.
REQUESTS: dict[str, tuple[int, int, int, int, int, int]] = {
    "new": (24, 2, 0, 1, 1, 0),
    "public": (12, 1, 0, 0, 0, 0),
    "partial": (3, 1, 0, 0, 0, 0),
    "deny_third": (1, 0, 0, 0, 0, 0),
    "deny_process": (1, 0, 0, 0, 0, 0),
    "unable_none": (3, 0, 0, 1, 0, 0),
    "unable_make": (1, 0, 0, 0, 0, 0),
    "other_1": (1, 0, 0, 0, 0, 0),
    "carry_next": (2, 0, 0, 0, 1, 0),
}

# Part 四 per group: (结果维持, 结果纠正, 其他结果, 尚未审结); 总计 computed.
APPEALS: dict[str, tuple[int, int, int, int]] = {
    "review": (1, 0, 0, 0),
    "direct": (0, 0, 0, 1),
    "after": (0, 0, 0, 0),
}

TEXT: dict[str, list[str]] = {
    "intro": [
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        "（国办公开办函〔2021〕30号）编制。本报告是演示用的虚构示例：单位名称、数据和联系方式均为虚构，与任何真实机关无关。",
    ],
    "overview": [
        "2021年，示例县教育局坚持以公开为常态、不公开为例外，围绕“双减”、招生入学、教育收费等群众关注的事项做好政府信息公开工作。",
        "（一）主动公开",
        "全年通过示例县人民政府网站政府信息公开专栏主动公开政府信息186条，其中政策文件21条、招生入学47条、教育收费15条、"
        "财政预决算6条、其他信息97条。制发行政规范性文件3件、废止1件，年末现行有效的行政规范性文件12件，均已在专栏集中公布。",
        "（二）依申请公开",
        "全年新收政府信息公开申请28件，没有上年结转的申请；办理结果共25件，结转下年度继续办理3件。申请内容主要涉及学位分配、"
        "民办学校收费和教师招聘，所有申请均在法定期限内答复。",
        "（三）政府信息管理",
        "建立公开属性源头认定制度，公文起草时同步确定公开属性；开展行政规范性文件清理，对不再适用的1件予以废止并向社会公布。",
        "（四）平台建设",
        "优化网站政府信息公开专栏栏目设置，新增“双减工作”专题；通过政务新媒体同步发布招生政策解读8篇。",
        "（五）监督保障",
        "将政府信息公开工作纳入局机关年度考核，组织业务培训2次；全年未发生因政府信息公开工作引发的责任追究。",
    ],
    "problems": [
        "（一）存在的主要问题",
        "一是部分股室对公开属性认定把握不准，个别过程性信息的处理依据说明不够充分；二是政策解读形式较单一，图解、视频解读较少；"
        "三是依申请公开答复文书的说理还不够细致。",
        "（二）改进情况",
        "一是2022年上半年组织公开属性认定专题培训，编印常见情形处理指引；二是对重要政策文件同步制作图解或短视频解读；"
        "三是建立答复文书法律审核机制，由法律顾问逐件审核后再出具。",
    ],
    "other": [
        "本年度未收取信息处理费。",
        "本年度无其他需要报告的事项。",
    ],
}


def _num(n: Number) -> Value:
    return Value(State.NUMBER, n, raw=n)


def build_report() -> Report:
    cols = [c for c, _ in APPLICANT_COLUMNS if c != "total"]
    requests: dict[str, Value] = {}
    req_table = SPEC.table("requests")
    leaves = [k for k in req_table.fields if ("requests", k) not in SPEC.total_fields]
    for key in leaves:
        row, col = key.split(".")
        requests[key] = _num(REQUESTS.get(row, (0,) * len(cols))[cols.index(col)])
    appeals = {
        f"{group}.{res}": _num(n)
        for group, nums in APPEALS.items()
        for res, n in zip(("upheld", "corrected", "other", "pending"), nums)
    }
    tables = {"active": {k: _num(v) for k, v in ACTIVE.items()}, "requests": requests, "appeals": appeals}
    # Totals from their parts; a total of totals waits until its parts are computed.
    pending = list(SPEC.sum_rules)
    while pending:
        ready = [r for r in pending if all(k in tables[r.table] for k in r.parts)]
        assert ready, pending
        for rule in ready:
            values = tables[rule.table]
            values.setdefault(rule.total, _num(sum(values[k].number for k in rule.parts)))  # type: ignore[misc]
            pending.remove(rule)
    missing = [(t.id, k) for t in SPEC.tables for k in t.fields if k not in tables[t.id]]
    assert not missing, missing
    # The 引言 ends with the standard paragraph, as `generate init` writes it from the unit's details.
    texts = {**TEXT, "intro": [*TEXT["intro"], standard_intro(UNIT, YEAR)]}
    sections = {
        n.key: Section(n.key, paragraphs=[Paragraph(t, detect_level(t)) for t in texts[n.key]], sheet=n.sheet)
        for n in NARRATIVE_SHEETS
    }
    return Report(spec=SPEC, unit=UNIT, sections=sections, tables=tables, year=YEAR)


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "inputs" / f"{YEAR}.xlsx"
    write_workbook(target, SPEC, YEAR, build_report())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
