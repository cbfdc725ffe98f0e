"""N1, N2, N3, N6: a count stated in the narrative against the figure the table gives for it.

The table's figure is the stated cell, or where that cell is blank the sum of its parts (a
lower bound when some parts are blank too). A count matching any reading of its words passes.
"""

from __future__ import annotations

from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from ..model import Number
from .context import Bound, Ctx, fmt
from .text_readings import Paragraph, Reading, readings
from .text_subject import MIXED, WHOLE

W, I = Severity.WARNING, Severity.INFO


def figure(ctx: Ctx, r: Reading, keys: tuple[str, ...]) -> tuple[Number | None, Bound | None]:
    """(the stated sum, or None when a cell is not a number; the sum the table implies)."""
    stated = ctx.numbers(r.table, keys)
    return (sum(stated) if stated is not None else None), ctx.implied_sum(r.table, keys)


def agrees(ctx: Ctx, r: Reading) -> bool | None:
    """Whether the count matches some reading of the table; None when the table tells nothing."""
    known = False
    for keys in r.options:
        stated, implied = figure(ctx, r, keys)
        if stated is not None:
            known = True
            if abs(r.said - stated) <= r.tolerance:
                return True
        elif implied is not None:
            known = True
            if _allows(implied, r.said, r.tolerance):
                return True
    return False if known else None


def _allows(b: Bound, said: Decimal, tolerance: Decimal) -> bool:
    return abs(said - b.value) <= tolerance if b.exact else said + tolerance >= b.value


def _parts_sum(ctx: Ctx, table: str, keys: tuple[str, ...]) -> Bound | None:
    """The keys' sum taking every total from its parts, or None when that is not exactly known."""
    total: Number = 0
    for k in keys:
        b = ctx.from_parts(table, k) or ctx.implied(table, k)
        if b is None or not b.exact:
            return None
        total += b.value
    return Bound(total)


def check_claims(ctx: Ctx) -> list[Diagnostic]:
    """N1 申请数, N2 办理结果各类, N3 复议和诉讼, N6 二部分: the stated figure equals the table's.

    Only a figure of the whole reporting unit is compared; a part's (县政府办公室, 市本级, 县教育局,
    通过网站) is not; one whose subject the words leave undecided gives at most a 提示."""
    out = []
    for p in readings(ctx):
        for r in p.readings.values():
            if r.scope.kind not in (WHOLE, MIXED):
                continue
            if agrees(ctx, r) is False:
                out.append(_finding(ctx, p, r))
    return out


def _finding(ctx: Ctx, p: Paragraph, r: Reading) -> Diagnostic:
    keys = r.options[0]
    table = ctx.table(r.table)
    values = ctx.values(r.table)
    cells = "、".join(values[k].cell for k in keys if k in values and values[k].cell)
    where = f"（{table.sheet}!{cells}）" if table and cells else ""
    stated, implied = figure(ctx, r, keys)
    head = f"第 {p.index + 1} 段写“{r.phrase}”，但"
    undecided = r.scope.kind == MIXED
    if undecided:
        who = "”和“".join(r.scope.names)
        head = f"第 {p.index + 1} 段写“{r.phrase}”，句中同时说到“{who}”，不能确定这个数字是不是本报告单位的总数：正文为 {fmt(r.said)}，"
    if stated is not None:
        msg = f"{head}表格中{r.what}为 {fmt(stated)}{where}。"
        parts = _parts_sum(ctx, r.table, keys)
        if undecided:
            msg += "如果说的是本报告单位的总数，请核对正文或表格。"
        elif parts is not None and parts.exact and parts.value == r.said and parts.value != stated:
            msg += f"表中各项之和为 {fmt(parts.value)}，与正文一致：请核对表格中的这一合计。"
        elif parts is not None and parts.exact and parts.value != stated:
            msg += f"表中各项之和为 {fmt(parts.value)}，与合计也不一致：请核对正文和表格。"
        else:
            msg += "请核对正文或表格。"
        expected: object = stated
    else:
        assert implied is not None
        amount = f"为 {fmt(implied.value)}" if implied.exact else f"至少为 {fmt(implied.value)}"
        msg = f"{head}表格中{r.what}{where}的合计空白，按已填各项计算{amount}。请核对正文或补填表格。"
        expected = implied.value if implied.exact else f"≥ {fmt(implied.value)}"
    if isinstance(expected, Decimal) and expected == expected.to_integral_value():
        expected = int(expected)
    actual: object = int(r.said) if r.said == r.said.to_integral_value() else r.said
    return ctx.at_paragraph(r.code, I if undecided else W, p.section, p.index, msg, expected, actual)
