"""The review workbook (审核表): 概况, 问题清单 and 数据来源 sheets.

Written in openpyxl's write-only mode: the provenance sheet of a city office holds thousands
of units × ~150 fields, which a normal workbook would keep as one object per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..diagnostics import sort_key
from ..workbook.cellwrite import text_cell, text_row
from .model import HEADLINES, Entry, Review, shown

OVERVIEW_SHEET, FINDINGS_SHEET, PROVENANCE_SHEET, SKIPPED_SHEET = "概况", "问题清单", "数据来源", "未读取"
FINDINGS_HEADER = ("单位名称", "文件", "代码", "严重程度", "位置", "项目", "说明", "应为", "实际")

HEAD_FONT = Font(name="宋体", size=11, bold=True)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
PROBLEM_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(vertical="top", wrap_text=True)


def _cells(ws: WriteOnlyWorksheet, values: tuple | list, font=None, fill=None, wrap: bool = False) -> list:
    out = []
    for v in values:
        c = text_cell(ws, v)
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if wrap:
            c.alignment = WRAP
        out.append(c)
    return out


def _sheet(wb: Workbook, title: str, widths: list[float], freeze: str) -> WriteOnlyWorksheet:
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = freeze
    return ws


def _number_or_text(text: str) -> object:
    """Headline figures as numbers where they are numbers, so the reviewer can sort and sum them."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return Decimal(text)  # an amount such as 28291.84 万元, exact as summed
    return text


def _overview_columns(review: Review) -> list[tuple[str, float, Callable[[int, Entry], object]]]:
    """(header, width, value) of each 概况 column; the optional ones as the review asks."""
    cols: list[tuple[str, float, Callable[[int, Entry], object]] | None] = [
        ("序号", 6, lambda i, e: i),
        ("单位名称", 28, lambda i, e: e.name),
        ("年度", 7, lambda i, e: e.year) if review.show_year else None,
        ("类别", 12, lambda i, e: e.category) if review.show_category else None,
        ("状态", 10, lambda i, e: e.status.value),
        ("纳入汇总", 9, lambda i, e: "是" if e.summed else "否") if review.show_summed else None,
        ("错误", 6, lambda i, e: e.errors),
        ("警告", 6, lambda i, e: e.warnings),
        *((h, 10, lambda i, e, h=h: _number_or_text(e.figures.get(h, ""))) for h in HEADLINES),
        ("格式", 8, lambda i, e: e.origin.format if e.origin else "") if review.show_origin else None,
        ("文件", 40, lambda i, e: e.source),
        ("获取时间（UTC）", 21, lambda i, e: e.origin.fetched_at if e.origin else "") if review.show_fetched else None,
        ("SHA-256", 20, lambda i, e: e.origin.sha256 if e.origin else "") if review.show_origin else None,
        ("说明", 50, lambda i, e: e.note),
        ("审核意见", 40, lambda i, e: e.decision) if any(e.decision for e in review.entries) else None,
    ]
    return [c for c in cols if c is not None]


def _overview(wb: Workbook, review: Review) -> None:
    cols = _overview_columns(review)
    ws = _sheet(wb, OVERVIEW_SHEET, [w for _, w, _ in cols], "C2")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(review.entries) + 1}"
    ws.append(_cells(ws, [h for h, _, _ in cols], HEAD_FONT, HEAD_FILL))
    for i, e in enumerate(review.entries, start=1):
        row = [value(i, e) for _, _, value in cols]
        ws.append(_cells(ws, row, fill=PROBLEM_FILL if e.status.is_problem else None))


def _findings(wb: Workbook, review: Review) -> None:
    header = FINDINGS_HEADER if not review.show_year else (FINDINGS_HEADER[0], "年度", *FINDINGS_HEADER[1:])
    widths = [24, 36, 8, 9, 20, 30, 80, 10, 10]
    ws = _sheet(wb, FINDINGS_SHEET, widths if not review.show_year else [24, 7, *widths[1:]], "C2")
    # Counted first, then written one report at a time: the entries may be read back from disk.
    rows = sum(len(e.findings) for e in review.entries)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    ws.append(_cells(ws, header, HEAD_FONT, HEAD_FILL))
    for e, d in ((e, d) for e in review.entries for d in sorted(e.findings, key=sort_key)):
        where = d.where  # a workbook's 申请情况!D28, a published report's 表三 or 一、总体情况 第 3 段「…」
        labels = " ".join(x for x in (d.row_label, d.col_label) if x)
        values = ("" if v is None else str(v) for v in (d.expected, d.actual))
        year = (e.year,) if review.show_year else ()
        row = (e.name, *year, d.file or e.source, d.code, d.severity.value, where, labels, d.message, *values)
        ws.append(_cells(ws, row, wrap=True))


def _provenance(wb: Workbook, review: Review) -> None:
    prov = review.provenance
    if prov is None:
        return
    ncols = len(prov.columns) + 1
    ws = _sheet(wb, PROVENANCE_SHEET, [28, *(14,) * len(prov.columns)], "B4")
    ws.auto_filter.ref = f"A3:{get_column_letter(ncols)}{len(prov.rows) + 3}"
    ws.append(_cells(ws, ("位置", *(f"{c.sheet}!{c.cell}" for c in prov.columns)), HEAD_FONT, HEAD_FILL))
    ws.append(_cells(ws, ("汇总结果", *(_number_or_text(c.total) for c in prov.columns)), HEAD_FONT, TOTAL_FILL))
    ws.append(_cells(ws, ("单位名称 ＼ 项目", *(c.label for c in prov.columns)), HEAD_FONT, HEAD_FILL, wrap=True))
    for name, values in prov.rows:
        ws.append(text_row(ws, (name, *(v if isinstance(v, (int, Decimal)) else shown(v) for v in values))))


def _skipped(wb: Workbook, review: Review) -> None:
    """Files and folders found and not read, each with its reason."""
    if not review.skipped:
        return
    ws = _sheet(wb, SKIPPED_SHEET, [60, 80], "B2")
    ws.append(_cells(ws, ("文件或文件夹", "没有读取的原因"), HEAD_FONT, HEAD_FILL))
    for s in review.skipped:
        ws.append(_cells(ws, (s.path, s.reason), wrap=True))


def build_review_workbook(review: Review) -> Workbook:
    wb = Workbook(write_only=True)
    _overview(wb, review)
    _findings(wb, review)
    _provenance(wb, review)
    _skipped(wb, review)
    wb.properties.title = review.title
    return wb


def write_review_workbook(path: Path, review: Review) -> None:
    """Write atomically: the file appears complete or not at all."""
    from ..output import atomic_write

    atomic_write(path, build_review_workbook(review).save)


__all__ = [
    "FINDINGS_SHEET",
    "OVERVIEW_SHEET",
    "PROVENANCE_SHEET",
    "SKIPPED_SHEET",
    "build_review_workbook",
    "write_review_workbook",
]
