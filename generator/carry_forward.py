"""What last year's report determines in this year's workbook.

Fields are matched by their labels, not their keys, so carrying across the 2020→2021 format
change takes exactly what both formats share. Only numbers are carried: a blank, “/” or
unreadable cell last year leaves this year's cell blank for the clerk, with a message.
Narrative is never carried as text to report (the formats forbid 年年雷同); the caller may show
it as a reference.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .formats.spec import FieldInfo, FormatSpec, TableSpec
from .model import Report, State, UnitInfo, Value, format_number
from .narrative import excerpt


@dataclass(frozen=True)
class RowCarry:
    """Every column of row `to_row` (this year) = the same column of `from_row` (last year)."""

    table: str
    to_row: str
    from_row: str


@dataclass(frozen=True)
class ChainCarry:
    """In every row, column `to_col` (this year) = the sum of `from_cols` of that row last year."""

    table: str
    to_col: str
    from_cols: tuple[str, ...]


CARRIES: tuple[RowCarry | ChainCarry, ...] = (
    RowCarry("requests", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"),
    ChainCarry("active", "上一年项目数量", ("上一年项目数量", "本年增/减")),
)


@dataclass
class Carried:
    report: Report  # this year's report: unit information and carried numbers only
    messages: list[str]


def _find(
    table: TableSpec | None, row: str, col_path: tuple[str, ...] | None = None, col: str = ""
) -> FieldInfo | None:
    if table is None:
        return None
    for info in table.fields.values():
        if not info.row_path or info.row_path[-1] != row:
            continue
        if col_path is not None and info.col_path == col_path:
            return info
        if col and info.col_path and info.col_path[-1] == col:
            return info
    return None


def _table(spec: FormatSpec, table_id: str) -> TableSpec | None:
    try:
        return spec.table(table_id)
    except KeyError:
        return None


def _name(info: FieldInfo) -> str:
    return f"{info.row_path[-1]}／{info.col_path[-1] if info.col_path else ''}"


def _unreadable(values: list[Value | None]) -> str:
    shown = []
    for v in values:
        if v is None:
            shown.append("缺失")
        elif v.state is State.SLASH:
            shown.append("“/”")
        elif v.state is State.BLANK:
            shown.append("空白")
        else:
            shown.append(f"「{excerpt(str(v.raw))}」")
    return "、".join(shown)


def _row_carry(
    rule: RowCarry, spec: FormatSpec, previous: Report, out: dict[str, dict[str, Value]], messages: list[str]
) -> None:
    table, before = _table(spec, rule.table), _table(previous.spec, rule.table)
    if table is None or before is None:
        return
    filled, skipped = [], []
    for key, info in table.fields.items():
        if not info.row_path or info.row_path[-1] != rule.to_row or (rule.table, key) in spec.total_fields:
            continue
        source = _find(before, rule.from_row, col_path=info.col_path)
        if source is None:
            continue
        v = previous.tables.get(rule.table, {}).get(source.key)
        if v is not None and v.is_number:
            out.setdefault(rule.table, {})[key] = Value(State.NUMBER, v.number, raw=v.number)
            filled.append(f"{info.col_path[-1]} {format_number(v.number)}")
        else:
            skipped.append(f"{info.col_path[-1]}（上年为{_unreadable([v])}）")
    if filled:
        messages.append(f"“{rule.to_row}”已按 {previous.year} 年度“{rule.from_row}”填入：{'，'.join(filled)}。")
    if skipped:
        messages.append(f"“{rule.to_row}”以下各列上年没有数字，未填写，请自行核实填写：{'，'.join(skipped)}。")


def _chain_carry(
    rule: ChainCarry, spec: FormatSpec, previous: Report, out: dict[str, dict[str, Value]], messages: list[str]
) -> None:
    table, before = _table(spec, rule.table), _table(previous.spec, rule.table)
    if table is None or before is None:
        return
    for key, info in table.fields.items():
        if not info.col_path or info.col_path[-1] != rule.to_col or not info.row_path:
            continue
        row = info.row_path[-1]
        sources = [_find(before, row, col=c) for c in rule.from_cols]
        if any(s is None for s in sources):
            continue
        values = [previous.tables.get(rule.table, {}).get(s.key) for s in sources]  # type: ignore[union-attr]
        if all(v is not None and v.is_number for v in values):
            total = sum(v.number for v in values)  # type: ignore[union-attr, misc]
            out.setdefault(rule.table, {})[key] = Value(State.NUMBER, total, raw=total)
            terms = " + ".join(format_number(v.number) for v in values)  # type: ignore[union-attr]
            messages.append(
                f"{_name(info)}已按 {previous.year} 年度“{'”+“'.join(rule.from_cols)}”填入 {terms} = {format_number(total)}。"
            )
        else:
            messages.append(
                f"{_name(info)}未填写：{previous.year} 年度“{'”“'.join(rule.from_cols)}”为{_unreadable(values)}，请自行核实填写。"
            )


def _unit(previous: UnitInfo, year: int, messages: list[str], source: str = "") -> UnitInfo:
    unit = dataclasses.replace(previous, year=year, date=None)
    if previous.year and str(previous.year) in previous.title:
        unit.title = previous.title.replace(str(previous.year), str(year))
        messages.append(f"报告标题中的年份已改为 {year}：“{unit.title}”，请核对。")
    from .importer.report import SUFFIXES

    what = "报告" if Path(source).suffix.lower() in SUFFIXES else "工作簿"  # init --from 报告.html reads a page
    messages.append(f"单位信息已从 {previous.year or '上一'} 年度{what}结转，报告年度改为 {year}，成文日期留空待填。")
    return unit


def carry_forward(previous: Report, spec: FormatSpec, year: int) -> Carried:
    """This year's report holding what `previous` determines; everything else stays blank."""
    messages: list[str] = []
    unit = _unit(previous.unit, year, messages, previous.source)
    tables: dict[str, dict[str, Value]] = {}
    for rule in CARRIES:
        if isinstance(rule, RowCarry):
            _row_carry(rule, spec, previous, tables, messages)
        else:
            _chain_carry(rule, spec, previous, tables, messages)
    sections = {}
    for key, section in previous.sections.items():
        if section.title:  # the clerk's own heading wording, not report text
            sections[key] = dataclasses.replace(section, paragraphs=[])
    report = Report(spec=spec, unit=unit, sections=sections, tables=tables, year=year)
    return Carried(report, messages)
