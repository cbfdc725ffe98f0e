"""Input sanity: every field present and readable, numbers of the right kind, year and date."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import FormatSpec, Kind, TableSpec
from ..model import State, UnitLevel, Value
from ..narrative import excerpt
from ..workbook.layout import UNIT_FIELDS, UNIT_SHEET
from .context import Ctx, fmt, short_label

E, W = Severity.ERROR, Severity.WARNING

# Legal deadline (month, day of the following year) by the unit's level: 《条例》第四十九条 and
# 国办公开办函〔2019〕60号 / 〔2021〕30号 “报告方式及时间”.
DEADLINES: dict[UnitLevel, tuple[int, int]] = {
    UnitLevel.DEPARTMENT: (1, 31),
    UnitLevel.TOWNSHIP: (1, 31),
    UnitLevel.COUNTY: (2, 20),
    UnitLevel.CITY: (3, 10),
    UnitLevel.PROVINCE: (3, 31),
}

# Where the format fixes amounts in 万元 (2021 收费金额), above these a figure in 元 was most likely typed (F3).
WANYUAN_LIMIT: dict[UnitLevel | None, int] = {
    UnitLevel.DEPARTMENT: 100_000,
    UnitLevel.TOWNSHIP: 100_000,
    UnitLevel.COUNTY: 100_000,
    UnitLevel.CITY: 1_000_000,
    UnitLevel.PROVINCE: 10_000_000,
    None: 10_000_000,
}


def rule_fields(spec: FormatSpec) -> set[tuple[str, str]]:
    """(table, key) of every field that a sum or balance rule reads."""
    out: set[tuple[str, str]] = set()
    for s in spec.sum_rules:
        out.update((s.table, k) for k in (s.total, *s.parts))
    for b in spec.balance_rules:
        out.update((b.table, k) for k in (*b.lhs, *b.rhs))
    return out


def check_unit(ctx: Ctx) -> list[Diagnostic]:
    """V1 for the 单位信息 sheet: required fields filled."""
    out = []
    for f in UNIT_FIELDS:
        value = getattr(ctx.report.unit, f.attr)
        if f.required and value in (None, ""):
            out.append(
                ctx.at_sheet(
                    "V1", E, UNIT_SHEET, f"“{f.label}”未填写。{f.hint}".rstrip("。") + "。", f.label, "必填", "空白"
                )
            )
    return out


def check_tables(ctx: Ctx) -> list[Diagnostic]:
    """V1–V7 for every mandated table field."""
    out: list[Diagnostic] = []
    spec = ctx.report.spec
    checked = rule_fields(spec)
    for table in spec.tables:
        values = ctx.values(table.id)
        if table.id not in ctx.report.tables:
            out.append(
                ctx.at_sheet(
                    "V1",
                    E,
                    table.sheet,
                    f"整张表“{table.sheet}”缺失：各项数据应报尽报。",
                    expected="完整表格",
                    actual="缺失",
                )
            )
            continue
        blank_rows = _blank_rows(table, values)
        for key, info in table.fields.items():
            v = values.get(key)
            if v is None:
                out.append(ctx.at_field("V1", E, table.id, key, "缺少这一项数据（表格行列不完整）。", "数字", "缺失"))
                continue
            row = blank_rows.get(key)
            if row is not None:
                if row[0] == key:  # one finding for a row with several blank cells, at its first
                    out.append(_blank_row(ctx, table, row))
                continue
            d = _check_value(ctx, table.id, key, info.kind, v, (table.id, key) in checked)
            if d is not None:
                out.append(d)
    return out


def _blank_rows(table: TableSpec, values: dict[str, Value]) -> dict[str, list[str]]:
    """Field → the blank fields of its table row, for rows with two or more blank (a published
    table left half empty). Rows are the format's; an imported report has no workbook cells."""
    rows: dict[int, list[str]] = {}
    for key, info in table.fields.items():
        v = values.get(key)
        if v is not None and v.state is State.BLANK:
            rows.setdefault(info.row, []).append(key)
    return {k: keys for keys in rows.values() if len(keys) >= 2 for k in keys}


def _blank_row(ctx: Ctx, table: TableSpec, keys: list[str]) -> Diagnostic:
    """V2 for a whole row: “第 9 行 7 个单元格为空”, naming the cells (or, without cells, the columns)."""
    values = ctx.values(table.id)
    cells = [values[k].cell for k in keys if values[k].cell]
    if len(cells) == len(keys):
        where = f"第 {re.sub(r'^[A-Z]+', '', cells[0])} 行 {len(keys)} 个单元格为空（{'、'.join(cells)}）"
    else:
        info = table.fields[keys[0]]
        row = f"“{short_label(info, 'row')}”一行" if info.row_path else "这一行"
        names = [short_label(table.fields[k], "col") for k in keys]
        if len(set(names)) < len(names):  # 四: 结果纠正 of 行政复议 and of the two 诉讼 groups
            names = [table.fields[k].col_label for k in keys]
        where = f"{row} {len(keys)} 个单元格为空（{'、'.join(names)}）"
    return ctx.at_field(
        "V2",
        E,
        table.id,
        keys[0],
        f"{where}。空白不会按 0 处理：没有数据请填 0，不适用请填“/”。其他规则仍按已填的数字核对，空白按未知处理。",
        "数字、0 或 /",
        f"{len(keys)} 个单元格空白",
    )


def _check_value(ctx: Ctx, table_id: str, key: str, kind: Kind, v: Value, in_rule: bool) -> Diagnostic | None:
    if v.state is State.BLANK:
        return ctx.at_field(
            "V2", E, table_id, key, "未填写。空白不会按 0 处理：没有数据请填 0，不适用请填“/”。", "数字、0 或 /", "空白"
        )
    if v.state is State.UNREADABLE:
        return None  # the reader's R050 names the cell and what it holds
    if v.state is State.SLASH:
        if not in_rule:
            return None
        return ctx.at_field(
            "V3", W, table_id, key, "填写了“/”，但这一项参与合计和勾稽核对，无法核对。没有数据请填 0。", "数字或 0", "/"
        )
    if v.state is State.ERROR:
        return ctx.at_field(
            "V4",
            E,
            table_id,
            key,
            f"单元格是 Excel 错误值「{excerpt(str(v.raw))}」，不会当作 0。请修正公式或直接填写数字。",
            "数字",
            excerpt(str(v.raw)),
        )
    if v.state is State.FORMULA:
        if v.derived:
            return _unresolved_total(ctx, table_id, key)
        return ctx.at_field(
            "V5",
            E,
            table_id,
            key,
            f"单元格是公式「{excerpt(str(v.raw), 60)}」，但工作簿中没有保存计算结果。请在 Excel/WPS 中打开并保存后再试，或直接填写数字。",
            "数字",
            excerpt(str(v.raw), 60),
        )
    n = v.number
    assert n is not None
    integral = isinstance(n, int) or n == n.to_integral_value()
    shown = fmt(n)
    # A total recomputed from its parts (its cell held the workbook's SUM) can be negative or
    # fractional only through a part, whose own V6 already names the cell to correct.
    if kind is Kind.COUNT and (not integral or n < 0) and not v.derived:
        return ctx.at_field("V6", E, table_id, key, f"件数、数量应为非负整数，实际为 {shown}。", "非负整数", shown)
    if kind is Kind.DELTA and not integral and not v.derived:
        return ctx.at_field("V6", E, table_id, key, f"本年增/减应为整数（减少填负数），实际为 {shown}。", "整数", shown)
    if kind in (Kind.AMOUNT, Kind.AMOUNT_TEXT) and n < 0 and not v.derived:
        return ctx.at_field("V6", E, table_id, key, f"金额不能为负数，实际为 {shown}。", "非负数", shown)
    if kind is Kind.AMOUNT_TEXT and not v.unit:  # the format fixes no unit for such a field
        return ctx.at_field(
            "V7",
            W,
            table_id,
            key,
            f"采购总金额 {shown} 没有写单位。格式未规定单位，请写明，如“{shown}元”或“{shown}万元”。",
            "带单位的金额",
            shown,
        )
    if kind is Kind.AMOUNT and ctx.report.spec.amount_unit == "万元":
        limit = WANYUAN_LIMIT.get(ctx.report.unit.level, WANYUAN_LIMIT[None])
        if n > limit:
            yuan = Decimal(n) / 10000
            return ctx.at_field(
                "F3",
                W,
                table_id,
                key,
                f"收费金额以万元为单位，{shown} 万元（即 {fmt(Decimal(n) * 10000)} 元）超过 {limit} 万元，"
                f"可能误填了以“元”计的金额；如果是元，应填 {fmt(yuan)}。",
                f"≤ {limit}（万元）",
                shown,
            )
    return None


STATE_TEXT: dict[State, str] = {
    State.BLANK: "空白",
    State.SLASH: "“/”",
    State.ERROR: "错误值",
    State.FORMULA: "没有计算结果的公式",
    State.UNREADABLE: "无法读作数字的内容",
}


def _blockers(ctx: Ctx, table_id: str, key: str, seen: set[str]) -> list[str]:
    """The fields that keep a formula total from being computed, traced through totals of totals."""
    out: list[str] = []
    values = ctx.values(table_id)
    rules = [r for r in ctx.report.spec.sum_rules if r.table == table_id and r.total == key]
    for rule in rules:
        for part in rule.parts:
            v = values.get(part)
            if part in seen or (v is not None and v.is_number):
                continue
            seen.add(part)
            if v is not None and v.state is State.FORMULA and v.derived:
                out += _blockers(ctx, table_id, part, seen)
            else:
                out.append(part)
        if out:
            break  # the first rule that cannot be computed explains the blank
    return out


def _field_name(ctx: Ctx, table_id: str, key: str) -> str:
    """“（一）予以公开 自然人（D9）”: the labels a clerk looks for, and the cell."""
    table = ctx.table(table_id)
    info = table.fields.get(key) if table else None
    v = ctx.values(table_id).get(key)
    cell = f"（{v.cell}）" if v is not None and v.cell else ""
    if info is None:
        return f"{key}{cell}"
    labels = [short_label(info, "row")] if info.row_path else []
    labels.append(short_label(info, "col") if info.row_path else info.col_label)
    return " ".join(x for x in labels if x) + cell


def _unresolved_total(ctx: Ctx, table_id: str, key: str) -> Diagnostic | None:
    """V8: a total kept as a formula (the reader recomputes it) that a “/” part keeps blank.

    A blank, missing or broken part is an error of its own (V1, V2, V4, V5), which already
    stops publication; a “/” part is only a warning (V3), so without this the total would
    print blank in the published table while `--strict` lets it through.
    """
    blockers = _blockers(ctx, table_id, key, {key})
    values = ctx.values(table_id)
    if not any(values[p].state is State.SLASH for p in blockers if p in values):
        return None  # computable, or every cause is already an error at its own cell
    by_state: dict[str, list[str]] = {}
    for part in blockers:
        v = values.get(part)
        state = STATE_TEXT.get(v.state, "缺失") if v is not None else "缺失"
        by_state.setdefault(state, []).append(_field_name(ctx, table_id, part))
    causes = "；".join(f"{'、'.join(names)}为{state}" for state, names in by_state.items())
    return ctx.at_field(
        "V8",
        E,
        table_id,
        key,
        f"合计无法计算：{causes}，报告中该合计将留空。请在上述单元格填写数字（没有数据填 0）。",
        "各项均为数字",
        "、".join(by_state),
    )


def check_year_and_date(ctx: Ctx) -> list[Diagnostic]:
    """Y1 year vs format, Y2 workbook year vs requested year, P1/P2 成文日期."""
    out: list[Diagnostic] = []
    report, unit, spec = ctx.report, ctx.report.unit, ctx.report.spec
    if not spec.covers(report.year):
        span = f"{spec.first_year}–{spec.last_year}" if spec.last_year else f"{spec.first_year} 年度起"
        out.append(
            ctx.at_sheet(
                "Y1",
                E,
                UNIT_SHEET,
                f"{report.year} 年度的报告不能使用 {spec.id} 版格式（{spec.document}，适用于 {span}）。",
                "报告年度",
                f"{spec.id} 版适用年度",
                report.year,
            )
        )
    if unit.year is not None and unit.year != report.year:
        out.append(
            ctx.at_sheet(
                "Y2",
                E,
                UNIT_SHEET,
                f"工作簿填写的报告年度为 {unit.year}，与本次生成的年度 {report.year} 不一致：是否用错了工作簿？",
                "报告年度",
                report.year,
                unit.year,
            )
        )
    if unit.date is None:
        return out
    year = report.year
    if unit.date <= dt.date(year, 12, 31):
        out.append(
            ctx.at_sheet(
                "P1",
                E,
                UNIT_SHEET,
                f"成文日期 {unit.date.isoformat()} 不在报告年度 {year} 年之后：年度报告在 {year + 1} 年初发布。",
                "成文日期",
                f"{year + 1}-01-01 之后",
                unit.date.isoformat(),
            )
        )
    elif unit.level is not None:
        month, day = DEADLINES[unit.level]
        deadline = dt.date(year + 1, month, day)
        if unit.date > deadline:
            out.append(
                ctx.at_sheet(
                    "P2",
                    W,
                    UNIT_SHEET,
                    f"成文日期 {unit.date.isoformat()} 晚于{unit.level.value}的法定发布期限 "
                    f"{deadline.year}年{month}月{day}日（国办公开办函规定的报告时间）。",
                    "成文日期",
                    deadline.isoformat(),
                    unit.date.isoformat(),
                )
            )
    return out
