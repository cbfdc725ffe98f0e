"""Build the worked example of a roll-up: a fictional county's 2022 unit workbooks.

    python scripts/make_county_2022.py [ROOT]     writes ROOT/inputs/2022/*.xlsx, 2022.xlsx, 2022-名单.xlsx

Every name, figure and contact detail is invented; the figures come from a seeded generator,
so the files are the same on every run. Each unit's tables are consistent (every sum and the
勾稽关系 hold). The county government's own workbook (inputs/2022.xlsx) carries the sums over
the included units, added up here independently of generator/rollup. On purpose:

- 示例县气象局 is a vertically managed agency: the roster says 不纳入汇总;
- 示例县西河镇人民政府 left a template placeholder “××” in its text (L1, an 错误): summed, flagged;
- 示例县审计局 is on the roster but sent no workbook (缺报);
- no unit makes 规章 (a county cannot): every unit writes “/”, and so does the roll-up;
- two townships collect no fees and write “/” for 本年收费金额.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.formats import format_for_year  # noqa: E402
from generator.formats.common import APPLICANT_COLUMNS, result_row_keys  # noqa: E402
from generator.model import Paragraph, Report, Section, State, UnitInfo, UnitLevel, Value  # noqa: E402
from generator.narrative import detect_level  # noqa: E402
from generator.rollup.roster import RosterUnit, write_roster  # noqa: E402
from generator.workbook.layout import NARRATIVE_SHEETS  # noqa: E402
from generator.workbook.writer import write_workbook  # noqa: E402

YEAR = 2022
SPEC = format_for_year(YEAR)
COUNTY = "示例县"
SEED = 2022

# (file stem, unit name, level, roster category, included, fees collected?)
UNITS = (
    ("县政府办", "示例县人民政府办公室", UnitLevel.DEPARTMENT, "本级", True, True),
    ("发改局", "示例县发展和改革局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("教育局", "示例县教育局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("公安局", "示例县公安局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("财政局", "示例县财政局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("自然资源局", "示例县自然资源局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("住建局", "示例县住房和城乡建设局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("卫健局", "示例县卫生健康局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("市场监管局", "示例县市场监督管理局", UnitLevel.DEPARTMENT, "部门", True, True),
    ("城关镇", "示例县城关镇人民政府", UnitLevel.TOWNSHIP, "乡镇（街道）", True, True),
    ("东山乡", "示例县东山乡人民政府", UnitLevel.TOWNSHIP, "乡镇（街道）", True, False),
    ("西河镇", "示例县西河镇人民政府", UnitLevel.TOWNSHIP, "乡镇（街道）", True, False),
    ("气象局", "示例县气象局", UnitLevel.DEPARTMENT, "部门", False, True),
)
MISSING = RosterUnit("示例县审计局", "部门", True)
WITH_ERROR = "示例县西河镇人民政府"
ROSTER_NOTES = {"示例县气象局": "垂直管理单位，由上级气象部门汇总，不纳入本县汇总"}

COLS = [c for c, _ in APPLICANT_COLUMNS if c != "total"]
RESULTS = result_row_keys(SPEC.table("requests"))
# Result rows a unit's applications mostly end in, and how often.
RESULT_WEIGHTS = {"public": 8, "partial": 2, "unable_none": 3, "deny_process": 1, "noproc_repeat": 1, "other_1": 1}


def _num(n) -> Value:
    return Value(State.NUMBER, n, raw=n)


def _slash() -> Value:
    return Value(State.SLASH, raw="/")


def unit_tables(rng: random.Random, fees: bool) -> dict[str, dict[str, Value]]:
    """One unit's consistent tables: leaves drawn at random, totals computed from them."""
    made = rng.randint(0, 4)
    repealed = rng.randint(0, 2)
    active = {
        "rules.made": _slash(),
        "rules.repealed": _slash(),
        "rules.in_force": _slash(),
        "normative.made": _num(made),
        "normative.repealed": _num(repealed),
        "normative.in_force": _num(made + rng.randint(repealed, 20)),
        "license.decisions": _num(rng.randint(0, 900)),
        "penalty.decisions": _num(rng.randint(0, 120)),
        "enforcement.decisions": _num(rng.randint(0, 15)),
        "fees.amount": _num(Decimal(rng.randint(0, 500000)) / 100) if fees else _slash(),
    }
    req: dict[str, Value] = {}
    # Natural persons apply most; organisations now and then.
    for col in COLS:
        scale = 6 if col == "natural" else 1
        results = {r: 0 for r in RESULTS}
        for _ in range(rng.randint(0, scale * 2)):
            r = rng.choices(list(RESULT_WEIGHTS), weights=list(RESULT_WEIGHTS.values()))[0]
            results[r] += 1
        carry_next = rng.randint(0, 1) if col == "natural" else 0
        carried = min(rng.randint(0, 1), sum(results.values()) + carry_next) if col == "natural" else 0
        new = sum(results.values()) + carry_next - carried
        for r, n in results.items():
            req[f"{r}.{col}"] = _num(n)
        req[f"new.{col}"], req[f"carried.{col}"], req[f"carry_next.{col}"] = _num(new), _num(carried), _num(carry_next)
    appeals = {
        f"{g}.{res}": _num(rng.choices((0, 1, 2), weights=(6, 2, 1))[0])
        for g in ("review", "direct", "after")
        for res in ("upheld", "corrected", "other", "pending")
    }
    tables = {"active": active, "requests": req, "appeals": appeals}
    return complete_totals(tables)


def complete_totals(tables: dict[str, dict[str, Value]]) -> dict[str, dict[str, Value]]:
    """Every total of the format's sum rules, from its parts (a total of totals after its parts)."""
    pending = list(SPEC.sum_rules)
    while pending:
        for rule in [r for r in pending if all(k in tables[r.table] for k in r.parts)]:
            tables[rule.table][rule.total] = _num(sum(tables[rule.table][k].number for k in rule.parts))
            pending.remove(rule)
    return tables


def county_sums(units: list[dict[str, dict[str, Value]]]) -> dict[str, dict[str, Value]]:
    """The county's tables: each field added over the included units, “/” adding nothing."""
    out: dict[str, dict[str, Value]] = {}
    for t in SPEC.tables:
        out[t.id] = {}
        for key in t.fields:
            vals = [u[t.id][key] for u in units]
            numbers = [v.number for v in vals if v.state is State.NUMBER]
            out[t.id][key] = _num(sum(numbers)) if numbers else _slash()
    return out


def text(unit: str, tables: dict[str, dict[str, Value]], placeholder: bool = False) -> dict[str, list[str]]:
    req = tables["requests"]
    new, done = req["new.total"].number, req["total.total"].number
    carried, carry_next = req["carried.total"].number, req["carry_next.total"].number
    made = tables["active"]["normative.made"].number
    who = "××" if placeholder else unit
    return {
        "intro": [
            f"本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号规定的格式编制。"
            f"本报告是演示汇总功能的虚构示例：{COUNTY}及其单位名称、数据和联系方式均为虚构。",
            f"本报告电子版可在{COUNTY}人民政府网站（网址：http://www.example.gov.cn）政府信息公开专栏查阅。"
            "如有疑问或意见建议，请与本单位办公室联系，电话：010-00000000。",
        ],
        "overview": [
            f"2022年，{who}坚持以公开为常态、不公开为例外，做好政府信息公开工作。",
            "（一）主动公开",
            f"全年制发行政规范性文件{made}件，均在政府网站政府信息公开专栏公布。",
            "（二）依申请公开",
            f"全年新收政府信息公开申请{new}件，上年结转{carried}件；办理结果共{done}件，结转下年度继续办理{carry_next}件。",
        ],
        "problems": [
            "（一）存在的主要问题",
            "政策解读形式较单一，答复文书说理还不够细致。",
            "（二）改进情况",
            "2023年增加图解解读，建立答复文书审核机制。",
        ],
        "other": ["本年度未收取信息处理费。"],
    }


def report(name: str, level: UnitLevel, tables, paragraphs: dict[str, list[str]], date: dt.date) -> Report:
    unit = UnitInfo(
        name=name,
        year=YEAR,
        level=level,
        website_name=f"{COUNTY}人民政府网站",
        website_url="http://www.example.gov.cn",
        office=f"{name}办公室" if level is not UnitLevel.COUNTY else f"{COUNTY}人民政府办公室",
        address=f"{COUNTY}示范路1号",
        postcode="100000",
        phone="010-00000000",
        fax="无",
        signature=name,
        date=date,
    )
    sections = {
        n.key: Section(n.key, paragraphs=[Paragraph(t, detect_level(t)) for t in paragraphs[n.key]], sheet=n.sheet)
        for n in NARRATIVE_SHEETS
    }
    return Report(spec=SPEC, unit=unit, sections=sections, tables=tables, year=YEAR)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else ROOT
    inputs = root / "inputs"
    folder = inputs / str(YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    included = []
    for stem, name, level, _category, summed, fees in UNITS:
        tables = unit_tables(rng, fees)
        paragraphs = text(name, tables, placeholder=name == WITH_ERROR)
        write_workbook(
            folder / f"{stem}.xlsx", SPEC, YEAR, report(name, level, tables, paragraphs, dt.date(2023, 1, 20))
        )
        if summed:
            included.append(tables)
    county = f"{COUNTY}人民政府"
    sums = county_sums(included)
    write_workbook(
        inputs / f"{YEAR}.xlsx",
        SPEC,
        YEAR,
        report(county, UnitLevel.COUNTY, sums, text(county, sums), dt.date(2023, 2, 15)),
    )
    roster = [RosterUnit(name, cat, summed, ROSTER_NOTES.get(name, "")) for _s, name, _l, cat, summed, _f in UNITS]
    roster.insert(5, MISSING)
    write_roster(inputs / f"{YEAR}-名单.xlsx", roster)
    print(f"wrote {folder}/ ({len(UNITS)} units), {inputs / f'{YEAR}.xlsx'}, {inputs / f'{YEAR}-名单.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
