"""Findings about a published report in the reviewer's words: places in the document, not workbook cells.

A reviewer has the published page, Word file or PDF, not the workbook the rules were written for.
So every finding of an imported report names the table (表二/表三/表四) with its row and column
labels, or the part (一、总体情况 …) with the paragraph's number and its first words, and a PDF's
page; never 申请情况!D28. And a published table with blank cells is one 错误 per table listing its
rows, not one per row (the clerk's own workbook keeps one per row: the clerk fixes cells).
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import FormatSpec, TableSpec
from ..model import Report, State
from ..validate.context import short_label
from ..workbook.layout import NARRATIVE_SHEETS, UNIT_SHEET
from .parts import MANDATED

NUMERALS = "一二三四五六"
QUOTE = 16  # characters of a paragraph quoted to find it
UNIT_PLACE = "标题、引言和落款"
BLANK_CODE = "V2"


def table_place(table: TableSpec) -> str:
    """The table of part 二/三/四 as a reviewer names it: 表二, 表三, 表四."""
    return f"表{NUMERALS[table.part - 1]}"


def places(spec: FormatSpec) -> dict[str, str]:
    """Workbook sheet → the place in a published report that holds the same content."""
    out = {t.sheet: table_place(t) for t in spec.tables}
    for n in NARRATIVE_SHEETS:
        out[n.sheet] = f"{NUMERALS[n.part - 1]}、{MANDATED[n.part]}" if n.part else "引言"
    out[UNIT_SHEET] = UNIT_PLACE
    return out


def quote(text: str) -> str:
    """The start of a paragraph, enough to find it with the browser's or reader's search."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE else text[:QUOTE] + "……"


def blank_tables(report: Report) -> list[Diagnostic]:
    """One 错误 per published table with blank cells, listing its rows (the mandated format asks
    for a number in every cell); the arithmetic rules still take a blank as unknown."""
    out = []
    for table in report.spec.tables:
        values = report.tables.get(table.id, {})
        rows: dict[int, list[str]] = {}
        for key, info in table.fields.items():
            v = values.get(key)
            if v is not None and v.state is State.BLANK:
                rows.setdefault(info.row, []).append(key)
        if not rows:
            continue
        blank = sum(len(keys) for keys in rows.values())
        listed = "、".join(_row_blanks(table, keys) for _, keys in sorted(rows.items()))
        first = values[next(iter(rows.values()))[0]]
        out.append(
            Diagnostic(
                BLANK_CODE,
                Severity.ERROR,
                f"共 {blank} 个单元格空白"
                + (f"，在 {len(rows)} 行" if table.fields[next(iter(rows.values()))[0]].row_path else "")
                + f"：{listed}。"
                "规定格式要求每个单元格都填数字（没有的填 0）。其他规则按已填的数字核对，空白按未知处理。",
                report.source,
                place=table_place(table),
                expected="每个单元格一个数字",
                actual=f"{blank} 个单元格空白",
                page=first.page,
            )
        )
    return out


def _row_blanks(table: TableSpec, keys: list[str]) -> str:
    """“（一）予以公开”5 格; a row without a label (表四's one row of figures) by its columns."""
    info = table.fields[keys[0]]
    if info.row_path:
        return f"“{short_label(info, 'row')}”{len(keys)} 格"
    return "、".join(f"“{table.fields[k].col_label}”" for k in keys)


def in_published_words(report: Report, findings: list[Diagnostic]) -> list[Diagnostic]:
    """The findings of an imported report, each naming its place in the published document."""
    where = places(report.spec)
    sections = {s.sheet: s for s in report.sections.values() if s.sheet}
    out = [d for d in findings if d.code != BLANK_CODE]
    if len(out) < len(findings):
        out += blank_tables(report)
    return [_relocated(d, where, sections) for d in out]


def _relocated(d: Diagnostic, where: dict[str, str], sections: dict) -> Diagnostic:
    if d.place or d.sheet not in where:
        return d
    text = ""
    section = sections.get(d.sheet)
    if section is not None and d.paragraph is not None and 0 < d.paragraph <= len(section.paragraphs):
        text = quote(section.paragraphs[d.paragraph - 1].text)
    return replace(d, place=where[d.sheet], quote=text, sheet="", cell="")
