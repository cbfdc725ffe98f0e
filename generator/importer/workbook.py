"""Write an imported report as the standard workbook of its year (generator/workbook/writer.py).

A figure the page wrote as something other than a number (“—”, “无”) is written into its cell
as the page had it: never turned into 0 or “/”, and `generate check` then names the cell.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Report, State
from ..output import atomic_write
from ..workbook.cellwrite import put
from ..workbook.writer import build_workbook


def write_imported(path: Path, report: Report) -> None:
    wb = build_workbook(report.spec, report.year, report)
    for table in report.spec.tables:
        for key, v in report.tables[table.id].items():
            if v.state is State.BLANK and isinstance(v.raw, str) and v.raw.strip():
                name = f"{table.id}_{key}".replace(".", "_")
                sheet, coord = next(iter(wb.defined_names[name].destinations))
                put(wb[sheet][coord.replace("$", "")], v.raw)
    atomic_write(path, wb.save)
