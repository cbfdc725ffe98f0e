"""The summing rules of docs/rollup.md: every table field is the sum of the included units' fields.

- a number adds exactly (int for counts, Decimal for amounts: no float noise);
- “/” (不适用) adds nothing; a field that every included unit marks “/” stays “/”;
- a blank, an error value, a formula without a result, or an amount without a unit cannot be
  added: the roll-up field is left blank (never a silent 0) and U2 names the units behind it;
- the 2019 format's 采购总金额 is added in 元 (“万元”, “千元”, “亿元” converted) and written “…元”.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import FormatSpec, Kind
from ..model import Number, State, Value
from ..workbook.writer import TABLE_TOP
from .units import Contribution, fields

MAX_NAMED = 8  # units named in one U2 message before “等”


@dataclass
class FieldSum:
    """The running sum of one field."""

    total: Number = 0
    numbers: int = 0
    slashes: int = 0
    blocked: list[tuple[str, str]] = field(default_factory=list)  # (unit name, what it holds)

    def add(self, unit: str, c: Contribution) -> None:
        if c is None:
            self.blocked.append((unit, "空白或无法读取的值"))
        elif c == "/":
            self.slashes += 1
        elif isinstance(c, str):
            self.blocked.append((unit, c))
        else:
            self.total += c
            self.numbers += 1


class Summer:
    """Adds units one by one (in any order) and gives the roll-up tables."""

    def __init__(self, spec: FormatSpec):
        self.spec = spec
        self.keys = fields(spec)
        self.sums = [FieldSum() for _ in self.keys]
        self.units = 0

    def add(self, unit: str, values: tuple[Contribution, ...]) -> None:
        self.units += 1
        for s, c in zip(self.sums, values):
            s.add(unit, c)

    def value(self, i: int) -> Value:
        tid, key = self.keys[i]
        s, kind = self.sums[i], self.spec.table(tid).fields[key].kind
        if s.blocked or self.units == 0:
            return Value(State.BLANK)
        if s.numbers == 0:
            return Value(State.SLASH, raw="/")
        total = s.total
        if kind in (Kind.AMOUNT, Kind.AMOUNT_TEXT):
            total = Decimal(total)
        return Value(State.NUMBER, total, raw=total, unit="元" if kind is Kind.AMOUNT_TEXT else "")

    def tables(self) -> dict[str, dict[str, Value]]:
        out: dict[str, dict[str, Value]] = {t.id: {} for t in self.spec.tables}
        for i, (tid, key) in enumerate(self.keys):
            out[tid][key] = self.value(i)
        return out

    def shown(self, i: int) -> str:
        v = self.value(i)
        return v.display() if v.state is not State.BLANK else "（无法汇总）"

    def notes(self, file: str = "") -> list[Diagnostic]:
        """U2 at every roll-up field that could not be added up."""
        out = []
        for (tid, key), s in zip(self.keys, self.sums):
            if not s.blocked:
                continue
            table = self.spec.table(tid)
            info = table.fields[key]
            named = "；".join(f"{u}：{what}" for u, what in s.blocked[:MAX_NAMED])
            more = f"等 {len(s.blocked)} 个单位" if len(s.blocked) > MAX_NAMED else ""
            out.append(
                Diagnostic(
                    "U2",
                    Severity.ERROR,
                    f"无法汇总：{named}{more}。汇总工作簿中这一项留空，不按 0 计；请这些单位改正后重新汇总。",
                    file=file,
                    sheet=table.sheet,
                    cell=cell_of(self.spec, tid, key),
                    row_label=info.row_label,
                    col_label=info.col_label,
                )
            )
        return out


def cell_of(spec: FormatSpec, table_id: str, key: str) -> str:
    """The field's cell in a workbook written by generate (and so in the roll-up workbook)."""
    from openpyxl.utils import get_column_letter

    info = spec.table(table_id).fields[key]
    return f"{get_column_letter(1 + info.col)}{TABLE_TOP + info.row}"
