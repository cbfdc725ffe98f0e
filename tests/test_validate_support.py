"""Builders for validation tests: consistent reports made from a format spec, nothing retyped."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from copy import deepcopy
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter

from generator.formats import V2019, V2021
from generator.formats.spec import FormatSpec, Kind, TableSpec
from generator.model import (
    Number,
    Paragraph,
    Report,
    Section,
    State,
    UnitInfo,
    UnitLevel,
    Value,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "2020.xlsx"


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
        "intro": [
            "本报告根据《中华人民共和国政府信息公开条例》编制。",
            "本报告电子版可在某县人民政府网站（网址：http://www.example.gov.cn）下载，联系电话：010-12345678。",
        ],
        "overview": ["（一）主动公开", "本年度依法主动公开政府信息，及时回应社会关切。"],
        "problems": [
            "（一）存在的主要问题",
            "1.个别部门信息发布不够及时，栏目更新存在滞后。",
            "（二）改进情况",
            "1.建立信息发布提醒机制，按月通报栏目更新情况。",
        ],
        "other": ["本年度未收取信息处理费。" if spec.fee_report_required else "无。"],
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
