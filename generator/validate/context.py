"""What every rule needs: the report, and a way to pin a finding to a cell or a paragraph."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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


@dataclass
class Ctx:
    report: Report

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
        cell, number = "", None
        if index is not None:
            number = index + 1
            row = section.paragraphs[index].row
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
