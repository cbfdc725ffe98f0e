"""What every rule needs: the report, and a way to pin a finding to a cell or a paragraph."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import FieldInfo, TableSpec
from ..model import Number, Report, Section, Value, format_number

TOTAL_COL = "total"  # the 总计 column key suffix of parts 三 and 四 (formats/common.py)


def fmt(n: Number | float | None) -> str:
    """A number as the clerk would write it: 20, 6834.335, -156."""
    if isinstance(n, float):
        return format_number(Decimal(repr(n)))
    return format_number(n)


def short_label(info: FieldInfo, axis: str) -> str:
    """The innermost label naming a field along one axis: “（一）予以公开”, “自然人”."""
    path = info.row_path if axis == "row" else info.col_path
    if not path:
        return info.key
    last = path[-1]
    if axis == "row" and last[:1].isdigit() and len(path) > 1:
        return f"{path[-2]}{last}"  # a numbered sub-row needs its group: （三）不予公开1.属于国家秘密
    return last


@dataclass(frozen=True)
class Bound:
    """A figure implied by the table: exactly `value`, or at least `value` when some parts are blank."""

    value: Number
    exact: bool = True

    def allows(self, n: Number) -> bool:
        return n == self.value if self.exact else n >= self.value

    def text(self) -> str:
        return fmt(self.value) if self.exact else f"至少 {fmt(self.value)}"


@dataclass
class Ctx:
    report: Report
    cache: dict[str, Any] = field(default_factory=dict)  # analyses several rules share (text readings)

    @property
    def file(self) -> str:
        return self.report.source

    def table(self, table_id: str) -> TableSpec | None:
        try:
            return self.report.spec.table(table_id)
        except KeyError:
            return None

    def values(self, table_id: str) -> dict[str, Value]:
        return self.report.tables.get(table_id, {})

    def number(self, table_id: str, key: str) -> Number | None:
        """The field's number, or None when it is missing or not a number (flagged elsewhere)."""
        v = self.values(table_id).get(key)
        return v.number if v is not None and v.is_number else None

    def numbers(self, table_id: str, keys: Iterable[str]) -> list[Number] | None:
        out = [self.number(table_id, k) for k in keys]
        return None if any(n is None for n in out) else out  # type: ignore[return-value]

    def implied(self, table_id: str, key: str) -> Bound | None:
        """The figure the table gives for a field: its number, else (for a total) the sum of its parts.

        A part that is blank, “/” or broken is unknown, so such a sum is only a lower bound
        (exact=False); None when nothing at all is known.
        """
        n = self.number(table_id, key)
        if n is not None:
            return Bound(n, True)
        return self.from_parts(table_id, key)

    def from_parts(self, table_id: str, key: str) -> Bound | None:
        """The sum of a total's parts whatever its own cell says; None for a field that is no total."""
        rule = self.report.spec.total_fields.get((table_id, key))
        if rule is None:
            return None
        return self.implied_sum(table_id, rule.parts)

    def implied_sum(self, table_id: str, keys: Iterable[str]) -> Bound | None:
        """Sum of implied figures; a lower bound when any is unknown, None when all are."""
        total: Number = 0
        exact, known = True, False
        for k in keys:
            b = self.implied(table_id, k)
            if b is None:
                exact = False
                continue
            known = True
            total += b.value
            exact = exact and b.exact
        return Bound(total, exact) if known else None

    def at_field(
        self,
        code: str,
        severity: Severity,
        table_id: str,
        key: str,
        message: str,
        expected: object = None,
        actual: object = None,
    ) -> Diagnostic:
        table = self.table(table_id)
        info = table.fields.get(key) if table else None
        value = self.values(table_id).get(key)
        return Diagnostic(
            code,
            severity,
            message,
            file=self.file,
            sheet=table.sheet if table else "",
            cell=value.cell if value is not None else "",
            row_label=info.row_label if info else "",
            col_label=info.col_label if info else "",
            expected=expected,
            actual=actual,
            page=value.page if value is not None else None,
        )

    def at_paragraph(
        self,
        code: str,
        severity: Severity,
        section: Section,
        index: int | None,
        message: str,
        expected: object = None,
        actual: object = None,
    ) -> Diagnostic:
        """index is 0-based into section.paragraphs; None pins the finding to the whole sheet."""
        cell, number, page = "", None, None
        if index is not None:
            number = index + 1
            row, page = section.paragraphs[index].row, section.paragraphs[index].page
            cell = f"A{row}" if row else ""
        return Diagnostic(
            code,
            severity,
            message,
            file=self.file,
            sheet=section.sheet,
            cell=cell,
            paragraph=number,
            expected=expected,
            actual=actual,
            page=page,
        )

    def at_sheet(
        self,
        code: str,
        severity: Severity,
        sheet: str,
        message: str,
        row_label: str = "",
        expected: object = None,
        actual: object = None,
    ) -> Diagnostic:
        return Diagnostic(
            code, severity, message, file=self.file, sheet=sheet, row_label=row_label, expected=expected, actual=actual
        )
