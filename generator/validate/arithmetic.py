"""Arithmetic inside one report: the spec's sum rules and the official 勾稽关系, walked as data."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import BalanceRule, SumRule, TableSpec
from ..model import Number
from .context import Ctx, fmt, short_label

E, W = Severity.ERROR, Severity.WARNING


def _name(table: TableSpec, key: str, axis: str = "row") -> str:
    """A label short enough for a message: “一、本年新收”, “（七）总计”, “自然人”."""
    label = short_label(table.fields[key], axis)
    return label.split("政府信息公开")[0] or label


def _parts_text(table: TableSpec, rule: SumRule) -> str:
    """“（一）予以公开”至“（六）其他处理”各行 — along whichever axis the parts vary."""
    fields = table.fields
    axis = "row" if len({fields[k].col for k in rule.parts}) == 1 else "col"
    first, last = (_name(table, k, axis).split("（区分")[0] for k in (rule.parts[0], rule.parts[-1]))
    unit = "各行" if axis == "row" else "各列"
    return f"“{first}”至“{last}”{unit}" if len(rule.parts) > 1 else f"“{first}”"


def _failing_sum(ctx: Ctx, rule: SumRule) -> tuple[Number, Number] | None:
    """(stated total, sum of parts) when the rule can be checked and does not hold."""
    total = ctx.number(rule.table, rule.total)
    parts = ctx.numbers(rule.table, rule.parts)
    if total is None or parts is None:
        return None
    s = sum(parts)
    return (total, s) if s != total else None


def check_sums(ctx: Ctx) -> list[Diagnostic]:
    """T3-2, T3-3, T4-1 and any later sum rule: total = sum(parts), reported at the total."""
    out = []
    for rule in ctx.report.spec.sum_rules:
        table = ctx.table(rule.table)
        bad = _failing_sum(ctx, rule)
        if table is None:
            continue
        if bad is None:
            d = _short_total(ctx, table, rule)
            if d is not None:
                out.append(d)
            continue
        stated, s = bad
        axis = "row" if len({table.fields[k].col for k in rule.parts}) == 1 else "col"
        diff = stated - s
        out.append(
            ctx.at_field(
                rule.code,
                Severity.ERROR,
                rule.table,
                rule.total,
                f"“{_name(table, rule.total, axis)}”应为{_parts_text(table, rule)}之和 {fmt(s)}，"
                f"实际填写 {fmt(stated)}（{'多' if diff > 0 else '少'} {fmt(abs(diff))}）。",
                s,
                stated,
            )
        )
    return out


def _short_total(ctx: Ctx, table: TableSpec, rule: SumRule) -> Diagnostic | None:
    """A stated total below the parts that are filled, when others are blank: it can only be too small."""
    total = ctx.number(rule.table, rule.total)
    known = [n for n in (ctx.number(rule.table, k) for k in rule.parts) if n is not None]
    if total is None or len(known) == len(rule.parts) or sum(known) <= total:
        return None
    axis = "row" if len({table.fields[k].col for k in rule.parts}) == 1 else "col"
    s = sum(known)
    return ctx.at_field(
        rule.code,
        Severity.ERROR,
        rule.table,
        rule.total,
        f"“{_name(table, rule.total, axis)}”至少应为{_parts_text(table, rule)}中已填各项之和 {fmt(s)}"
        f"（其余 {len(rule.parts) - len(known)} 项空白），实际填写 {fmt(total)}。",
        f"≥ {fmt(s)}",
        total,
    )


def recomputed(ctx: Ctx, table_id: str, key: str) -> Number | None:
    """The sum of the parts of a stated total that disagrees with them, else None."""
    for rule in ctx.report.spec.sum_rules:
        if rule.table == table_id and rule.total == key:
            bad = _failing_sum(ctx, rule)
            if bad is not None:
                return bad[1]
    return None


def _side(table: TableSpec, keys: tuple[str, ...], nums: list[Number]) -> str:
    terms = " + ".join(f"{_name(table, k)} {fmt(n)}" for k, n in zip(keys, nums))
    return f"{terms} = {fmt(sum(nums))}" if len(keys) > 1 else terms


def check_balances(ctx: Ctx) -> list[Diagnostic]:
    """T3-1: sum(lhs) = sum(rhs) on the stated figures, and again where a stated total disagrees with
    its parts: then the identity is evaluated on the parts' sum too, because “just correct the total”
    is only the right fix when the column then balances."""
    out = []
    for rule in ctx.report.spec.balance_rules:
        table = ctx.table(rule.table)
        lhs, rhs = ctx.numbers(rule.table, rule.lhs), ctx.numbers(rule.table, rule.rhs)
        if table is None:
            continue
        if lhs is None or rhs is None:
            d = _balance_with_blanks(ctx, table, rule)
            if d is not None:
                out.append(d)
            continue
        alt_l = [recomputed(ctx, rule.table, k) for k in rule.lhs]
        alt_r = [recomputed(ctx, rule.table, k) for k in rule.rhs]
        fixed_l = [a if a is not None else n for a, n in zip(alt_l, lhs)]
        fixed_r = [a if a is not None else n for a, n in zip(alt_r, rhs)]
        fixed_keys = [k for k, a in zip((*rule.lhs, *rule.rhs), (*alt_l, *alt_r)) if a is not None]
        if sum(lhs) != sum(rhs):
            msg = f"本列勾稽关系不成立：{_side(table, rule.lhs, lhs)}，应等于{_side(table, rule.rhs, rhs)}。"
            if fixed_keys and sum(fixed_l) == sum(fixed_r):
                names = "、".join(f"“{_name(table, k)}”" for k in fixed_keys)
                msg += f"把{names}改为其各项之和后本列即可平衡。"
            out.append(ctx.at_field(rule.code, E, rule.table, rule.rhs[0], msg, sum(lhs), sum(rhs)))
        elif fixed_keys and sum(fixed_l) != sum(fixed_r):
            out.append(_on_parts(ctx, table, rule, fixed_keys, fixed_l, fixed_r))
    return out


def _balance_with_blanks(ctx: Ctx, table: TableSpec, rule: BalanceRule) -> Diagnostic | None:
    """The identity where cells are blank: a blank total counts as its parts, a blank part as unknown.

    Reported only when it fails whatever the blank cells hold: both sides known exactly and
    unequal, or one side already larger than the other's exact value.
    """
    left, right = ctx.implied_sum(rule.table, rule.lhs), ctx.implied_sum(rule.table, rule.rhs)
    if left is None or right is None:
        return None
    if left.exact and right.exact:
        bad = left.value != right.value
    else:
        bad = (right.exact and left.value > right.value) or (left.exact and right.value > left.value)
    if not bad:
        return None
    names = lambda keys: " + ".join(_name(table, k) for k in keys)  # noqa: E731
    return ctx.at_field(
        rule.code,
        E,
        rule.table,
        rule.rhs[0],
        f"本列勾稽关系不成立（空白的合计按其各项计算，空白的分项按未知处理）：{names(rule.lhs)} {left.text()}，"
        f"{names(rule.rhs)} {right.text()}，无论空白处填什么都不能相等。",
        left.text(),
        right.text(),
    )


def _on_parts(
    ctx: Ctx, table: TableSpec, rule: BalanceRule, fixed_keys: list[str], lhs: list[Number], rhs: list[Number]
) -> Diagnostic:
    names = "、".join(f"“{_name(table, k)}”" for k in fixed_keys)
    gap = sum(lhs) - sum(rhs)
    msg = (
        f"按各项之和计算{names}时，本列勾稽关系不成立：{_side(table, rule.lhs, lhs)}，"
        f"而{_side(table, rule.rhs, rhs)}，相差 {fmt(abs(gap))}。"
        f"只把{names}改成各项之和并不能使本列平衡"
    )
    if rule.code == "T3-1":
        msg += (
            f"：有 {fmt(gap)} 件申请既没有计入办理结果各项，也没有结转下年度，请补填办理结果或结转数。"
            if gap > 0
            else f"：办理结果与结转下年度合计比收到的申请多 {fmt(-gap)} 件，请核对办理结果各项。"
        )
    else:
        msg += "。"
    pin = next(k for k in (*rule.rhs, *rule.lhs) if k in fixed_keys)
    return ctx.at_field(rule.code, E, rule.table, pin, msg, sum(lhs), sum(rhs))


def check_active(ctx: Ctx) -> list[Diagnostic]:
    """A5 (2019): 对外公开总数量 ≥ 本年新公开数量 on every row that has both (found by label)."""
    out = []
    table = ctx.table("active")
    if table is None:
        return out
    rows: dict[int, dict[str, str]] = {}
    for key, info in table.fields.items():
        if info.col_path:
            rows.setdefault(info.row, {})[info.col_path[-1]] = key
    for cols in rows.values():
        total_key, new_key = cols.get("对外公开总数量"), cols.get("本年新公开数量")
        if total_key is None or new_key is None:
            continue
        total, new = ctx.number("active", total_key), ctx.number("active", new_key)
        if total is not None and new is not None and total < new:
            out.append(
                ctx.at_field(
                    "A5",
                    W,
                    "active",
                    total_key,
                    f"对外公开总数量 {fmt(total)} 小于本年新公开数量 {fmt(new)}：总数量应包含本年新公开的文件。",
                    f"≥ {fmt(new)}",
                    total,
                )
            )
    return out
