"""Write an imported report as the standard workbook of its year (generator/workbook/writer.py).

A figure the page wrote as something other than a number (“—”, “无”) is written into its cell
as the page had it: never turned into 0 or “/”, and `generate check` then names the cell.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..model import Report, State
from ..output import atomic_write
from ..workbook.cellwrite import as_text, put
from ..workbook.layout import NARRATIVE_SHEETS
from ..workbook.writer import build_workbook

CELL_LIMIT = 32767  # characters an Excel cell holds; openpyxl silently keeps only these


def too_long(report: Report, file: str) -> list[Diagnostic]:
    """Each paragraph that an Excel cell cannot hold whole (the workbook keeps its start)."""
    out = []
    for n in NARRATIVE_SHEETS:
        section = report.sections.get(n.key)
        for i, p in enumerate(section.paragraphs if section else [], start=1):
            if len(as_text(p.text)) > CELL_LIMIT:
                out.append(
                    Diagnostic(
                        "I036",
                        Severity.WARNING,
                        f"第 {i} 段有 {len(p.text)} 字，超过 Excel 一个单元格最多 {CELL_LIMIT} 字的上限："
                        f"工作簿中只写入了前面部分，其余请对照原报告补入（可分成几段，每段一行）。",
                        file,
                        n.sheet,
                        paragraph=i,
                    )
                )
    return out


def write_imported(path: Path, report: Report) -> None:
    wb = build_workbook(report.spec, report.year, report)
    for table in report.spec.tables:
        for key, v in report.tables[table.id].items():
            if v.state is State.BLANK and isinstance(v.raw, str) and v.raw.strip():
                name = f"{table.id}_{key}".replace(".", "_")
                sheet, coord = next(iter(wb.defined_names[name].destinations))
                put(wb[sheet][coord.replace("$", "")], v.raw)
    atomic_write(path, wb.save)
