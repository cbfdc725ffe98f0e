"""Builders for validation tests: consistent reports made from a format spec, nothing retyped.

A 2021 spec stand-in is used until generator/formats/v2021.py exists; tests find its fields by
their labels, so they run unchanged against the real module.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from copy import deepcopy
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter

from generator.formats.common import appeals_rules, appeals_table, requests_rules, requests_table
from generator.formats.spec import Field, FormatSpec, Kind, Label, Role, TableSpec
from generator.formats.v2019 import FORMAT as V2019
from generator.model import Number, Paragraph, Report, Section, State, UnitInfo, UnitLevel, Value

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "2020.xlsx"


def _stand_in_2021() -> FormatSpec:
    title = lambda t: (Label(t, Role.TITLE, colspan=4),)  # noqa: E731
    one = lambda label, key, kind=Kind.COUNT: (Label(label), Field(key, kind, colspan=3))  # noqa: E731
    active = TableSpec(
        id="active",
        part=2,
        sheet="主动公开",
        ncols=4,
        rows=(
            title("第二十条第（一）项"),
            tuple(Label(t, Role.COL) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")),
            (Label("规章"), Field("rules.made"), Field("rules.repealed"), Field("rules.in_force")),
            (Label("行政规范性文件"), Field("normative.made"), Field("normative.repealed"), Field("normative.in_force")),
            title("第二十条第（五）项"),
            (Label("信息内容", Role.COL), Label("本年处理决定数量", Role.COL, colspan=3)),
            one("行政许可", "license.decisions"),
            title("第二十条第（八）项"),
            (Label("信息内容", Role.COL), Label("本年收费金额（单位：万元）", Role.COL, colspan=3)),
            one("行政事业性收费", "fees.amount", Kind.AMOUNT),
        ),
    )
    other = (
        "（六）其他处理",
        (
            ("other_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            ("other_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
            ("other_3", "3.其他"),
        ),
    )
    requests, appeals = requests_table(other), appeals_table()
    sums, balances = requests_rules(requests)
    return FormatSpec(
        id="2021",
        document="国办公开办函〔2021〕30号",
        first_year=2021,
        last_year=None,
        tables=(active, requests, appeals),
        sum_rules=(*sums, *appeals_rules(appeals)),
        balance_rules=tuple(balances),
        amount_unit="万元",
    )


try:
    from generator.formats.v2021 import FORMAT as V2021  # type: ignore[import-not-found]
except ImportError:
    V2021 = _stand_in_2021()

SPECS = {"2019": V2019, "2021": V2021}


def cell_of(table: TableSpec, key: str) -> str:
    info = table.fields[key]
    return f"{get_column_letter(info.col + 1)}{info.row + 4}"


def key_at(table: TableSpec, row_label: str, col_label: str) -> str:
    """A field found by its labels, as a clerk would name it."""
    for key, info in table.fields.items():
        if info.row_path and info.row_path[-1] == row_label and info.col_path and info.col_path[-1] == col_label:
            return key
    raise KeyError((table.id, row_label, col_label))


def totals(spec: FormatSpec) -> set[tuple[str, str]]:
    return {(r.table, r.total) for r in spec.sum_rules}


def feeds(spec: FormatSpec, table: str, key: str) -> set[str]:
    """Every total that the field is a part of, directly or through other totals."""
    out: set[str] = set()
    todo = [key]
    while todo:
        k = todo.pop()
        for r in spec.sum_rules:
            if r.table == table and k in r.parts and r.total not in out:
                out.add(r.total)
                todo.append(r.total)
    return out


def _expand(spec: FormatSpec, table: str, key: str) -> Counter[str]:
    rule = spec.total_fields.get((table, key))
    if rule is None:
        return Counter({key: 1})
    out: Counter[str] = Counter()
    for p in rule.parts:
        out.update(_expand(spec, table, p))
    return out


def consistent_numbers(spec: FormatSpec, draw: Callable[[str, str, Kind], Number]) -> dict[tuple[str, str], Number]:
    """Leaves drawn freely, then nudged so every balance rule holds, then totals computed."""
    fixed = totals(spec)
    nums: dict[tuple[str, str], Number] = {}
    for t in spec.tables:
        for key, info in t.fields.items():
            if (t.id, key) not in fixed:
                nums[(t.id, key)] = draw(t.id, key, info.kind)

    def value(table: str, key: str) -> Number:
        return sum(n * nums[(table, leaf)] for leaf, n in _expand(spec, table, key).items())

    for _ in range(3):
        for rule in spec.balance_rules:
            diff = sum(value(rule.table, k) for k in rule.lhs) - sum(value(rule.table, k) for k in rule.rhs)
            if diff:
                side = rule.rhs if diff > 0 else rule.lhs
                leaf = next(k for k in side if (rule.table, k) not in fixed)
                nums[(rule.table, leaf)] += abs(diff)
    for table, key in fixed:
        nums[(table, key)] = value(table, key)
    return nums


def default_unit(year: int) -> UnitInfo:
    return UnitInfo(
        name="某县人民政府",
        year=year,
        level=UnitLevel.COUNTY,
        website_name="某县人民政府网站",
        website_url="http://www.example.gov.cn",
        office="某县人民政府办公室",
        address="某县人民路1号",
        postcode="100000",
        phone="010-12345678",
        signature="某县人民政府",
        date=dt.date(year + 1, 1, 29),
    )


def default_sections(spec: FormatSpec) -> dict[str, Section]:
    texts = {
        "intro": ["本报告根据《中华人民共和国政府信息公开条例》编制。"],
        "overview": ["（一）主动公开", "本年度依法主动公开政府信息，及时回应社会关切。"],
        "problems": [
            "（一）存在的主要问题",
            "1.个别部门信息发布不够及时，栏目更新存在滞后。",
            "（二）改进情况",
            "1.建立信息发布提醒机制，按月通报栏目更新情况。",
        ],
        "other": ["本年度未收取信息处理费。" if spec.id == "2021" else "无。"],
    }
    sheets = {"intro": "引言", "overview": "总体情况", "problems": "问题及改进", "other": "其他事项"}
    return {
        k: Section(k, paragraphs=[Paragraph(t, row=5 + i) for i, t in enumerate(ts)], sheet=sheets[k])
        for k, ts in texts.items()
    }


def make_report(spec: FormatSpec, nums: dict[tuple[str, str], Number], year: int | None = None) -> Report:
    year = year if year is not None else spec.first_year + 1
    tables: dict[str, dict[str, Value]] = {t.id: {} for t in spec.tables}
    for t in spec.tables:
        for key, info in t.fields.items():
            n = nums[(t.id, key)]
            unit = "元" if info.kind is Kind.AMOUNT_TEXT else ""
            tables[t.id][key] = Value(State.NUMBER, n, raw=n, unit=unit, cell=cell_of(t, key))
    return Report(spec, default_unit(year), default_sections(spec), tables, year, source="test.xlsx")


def simple_draw(table: str, key: str, kind: Kind) -> Number:
    """A deterministic, plausible filling: small counts, one of each kind."""
    if kind is Kind.DELTA:
        return -3
    if kind in (Kind.AMOUNT, Kind.AMOUNT_TEXT):
        return Decimal("12.5")
    if key.endswith(".total") or "prev" in key:
        return 40  # 对外公开总数量 ≥ 本年新公开数量
    return (sum(map(ord, key)) % 5) + 1


def clean_report(spec_id: str = "2019", year: int | None = None) -> Report:
    spec = SPECS[spec_id]
    return make_report(spec, consistent_numbers(spec, simple_draw), year)


def with_number(report: Report, table: str, key: str, n: Number) -> Report:
    out = deepcopy(report)
    out.tables[table][key].number = n
    return out


def findings_at(findings, code: str) -> list[tuple[str, str]]:
    return [(d.sheet, d.cell) for d in findings if d.code == code]
