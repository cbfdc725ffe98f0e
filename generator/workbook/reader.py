"""Read a filled standardized workbook into a Report.

Everything is located by its label, never by a fixed coordinate alone: an inserted blank row
is skipped, a changed label or a deleted row is refused with the sheet and row named.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..diagnostics import Diagnostic, InputError, Severity
from ..formats import FORMATS
from ..formats.spec import Field, FormatSpec, Label, TableSpec
from ..model import Paragraph, Report, Section, State, UnitInfo, UnitLevel, Value
from ..narrative import clean_text, detect_level, excerpt, one_line, split_paragraphs
from . import guard, textcells, xlsx
from .cells import EXCEL_ERRORS, normalize, parse_cell
from .layout import (
    NARRATIVE_BANNER_SEP,
    NARRATIVE_LEVEL_HEADER,
    NARRATIVE_SHEETS,
    NARRATIVE_TEXT_HEADER,
    NARRATIVE_TITLE_LABEL,
    TITLE_HINT_PREFIX,
    UNIT_FIELDS,
    UNIT_SHEET,
)
from .xlsx import Book, Sheet


class _Problems:
    """Collects fatal problems so that the clerk sees all of them at once."""

    def __init__(self, file: str):
        self.file = file
        self.fatal: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []

    def fail(self, code: str, message: str, sheet: str = "", cell: str = "", **kw: Any) -> None:
        self.fatal.append(Diagnostic(code, Severity.ERROR, message, self.file, sheet, cell, **kw))

    def note(self, code: str, severity: Severity, message: str, sheet: str = "", cell: str = "", **kw: Any) -> None:
        self.notes.append(Diagnostic(code, severity, message, self.file, sheet, cell, **kw))

    def raise_if_any(self) -> None:
        if self.fatal:
            raise InputError(self.fatal)


class _SavedResults:
    """Excel's saved results of formulas: read with the cells, in the same pass."""

    def __init__(self, wb: Book):
        self.wb = wb

    def value(self, sheet: str, coord: str) -> object:
        return self.wb[sheet][coord].cached


def open_workbook(path: Path, notes: list[Diagnostic] | None = None) -> Book:
    """Read the cells in memory after the guard's checks; the file on disk is never written.

    notes, when given, receives what the guard has to say (macros ignored, empty rows trimmed).
    """
    # Each worksheet is parsed once: the guard leaves its checks of the sheets to xlsx.load.
    result = guard.inspect(path, defer_sheets=True)
    try:
        with path.open("rb") as fh, zipfile.ZipFile(fh) as zf:
            wb = xlsx.load(zf, result)
    except InputError:
        raise  # the guard's refusal of a sheet, found while reading it
    except Exception as exc:  # noqa: BLE001 — only parsing the file runs here: whatever it raises, the file is damaged
        raise InputError(
            [
                Diagnostic(
                    "R003",
                    Severity.ERROR,
                    f"工作簿已损坏或结构不完整，无法读取（{type(exc).__name__}）。请在 Excel/WPS 中打开并重新保存后再试。",
                    file=str(path),
                )
            ]
        ) from None
    if notes is not None:
        notes.extend(result.notes)
    return wb


def _report_load_problems(wb: Book, sheets: list[str], problems: _Problems, tables: frozenset[str]) -> None:
    """Dates Excel cannot show and text in shapes: located Chinese findings.

    tables: sheets laid out as mandated tables, where a refused cell is left as it is (emptied,
    it could make its row look like one the clerk inserted).
    """
    for bad in wb.bad_dates:
        if bad.sheet not in sheets:
            continue
        problems.fail(
            "R062",
            f"单元格设置了日期格式，但其中的数值 {bad.serial} 超出了日期范围（Excel 中显示为 ####），无法读取。"
            "请填写正确的日期；要填数字的单元格，请把单元格格式改为“常规”或“数值”。",
            bad.sheet,
            bad.coordinate,
        )
        if bad.sheet not in tables:
            wb[bad.sheet][bad.coordinate].value = None  # this finding speaks for the cell
    if any(ws.has_shapes for ws in wb.worksheets):
        problems.note(
            "R063",
            Severity.WARNING,
            "工作簿中有图形或文本框。程序只读取单元格，图形和文本框中的文字不会写入报告；需要的内容请填写到单元格中。",
        )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_label_row(ws: Sheet, label: str, col: int = 1) -> int | None:
    want = normalize(label)
    for r, (value,) in enumerate(ws.iter_rows(min_col=col, max_col=col, values_only=True), start=1):
        if value is not None and normalize(str(value)) == want:
            return r
    return None


def _typed(ws: Sheet, r: int, c: int, raw: object, saved: _SavedResults, problems: _Problems) -> object:
    """What a text cell shows: its value, or for a formula Excel's saved result.

    A formula is never published as its text. values_only reading cannot tell a formula from
    text that starts with “=”, so the cell's type decides. Without a saved result (a workbook
    written by a program, never opened in Excel) or with an error result, the cell is refused.
    """
    if raw is None or (isinstance(raw, str) and not raw.startswith("=")) or isinstance(raw, (int, float, dt.date)):
        return raw
    cell = ws.cell(r, c)
    if cell.data_type != "f":
        return raw
    result = saved.value(ws.title, cell.coordinate)
    if result is None or (isinstance(result, str) and result.strip().upper() in EXCEL_ERRORS):
        why = f"计算结果是错误值 {result}" if result is not None else "工作簿中没有保存它的计算结果"
        formula = str(getattr(raw, "text", raw))
        problems.fail(
            "R034",
            f"单元格中是公式「{excerpt(formula, 60)}」，{why}；公式本身不能作为报告文字发布。"
            "请在 Excel/WPS 中打开工作簿，确认显示的内容正确后保存再试，或把公式换成直接填写的文字。",
            ws.title,
            cell.coordinate,
        )
        return None
    return result


def _artefact(ws: Sheet, r: int, c: int, value: object, what: str, problems: _Problems) -> bool:
    """Refuse a text cell Excel turned into a date, percentage, logical or error value (R033)."""
    why = textcells.artefact(ws._cells.get((r, c)), value)  # noqa: SLF001 — looking must not create the cell
    if why is None:
        return False
    problems.fail(
        "R033",
        f"{what}的单元格中是{why}，不是填写的文字，不能原样发布。"
        "请把单元格格式设为“文本”后重新输入要发布的文字（或在内容前加英文单引号 '）。",
        ws.title,
        f"{get_column_letter(c)}{r}",
    )
    return True


class _Unseen:
    """Cells whose text reaches the report although Excel does not show it (R036, R037)."""

    def __init__(self, ws: Sheet, problems: _Problems):
        self.ws, self.problems, self.found = ws, problems, {"R036": [], "R037": []}

    def check(self, r: int, c: int, what: str) -> None:
        hidden = textcells.hidden(self.ws, r, c)
        cell = self.ws._cells.get((r, c))  # noqa: SLF001
        if hidden is not None:
            self.found["R036"].append((f"{get_column_letter(c)}{r}", what, hidden))
        elif cell is not None and (why := textcells.invisible(cell)) is not None:
            self.found["R037"].append((f"{get_column_letter(c)}{r}", what, why))

    def report(self) -> None:
        for code, found in self.found.items():
            for coord, what, why in found[:MAX_LISTED]:
                self.problems.note(
                    code,
                    Severity.WARNING,
                    f"{what}（{why}）在 Excel 中看不到，但会写入报告、在网站上公开。"
                    + (
                        "如果是内部备注，请删除；要发布的请取消隐藏，核对后再生成。"
                        if code == "R036"
                        else "如果是内部备注，请删除；要发布的请改为正常的格式和颜色，核对后再生成。"
                    ),
                    self.ws.title,
                    coord,
                )
            if len(found) > MAX_LISTED:
                self.problems.note(
                    code,
                    Severity.WARNING,
                    f"另有 {len(found) - MAX_LISTED} 个单元格同样看不到但会写入报告。",
                    self.ws.title,
                )


def _read_unit(ws: Sheet, problems: _Problems, saved: _SavedResults, year: int) -> UnitInfo:
    unit = UnitInfo()
    unseen = _Unseen(ws, problems)
    rows = {
        normalize(_text(a)): (r, _typed(ws, r, 2, b, saved, problems))
        for r, (a, b) in enumerate(ws.iter_rows(min_col=1, max_col=2, values_only=True), 1)
        if a
    }
    for f in UNIT_FIELDS:
        hit = rows.get(normalize(f.label))
        if hit is None:
            problems.fail("R010", f"找不到“{f.label}”这一行（A 列标签被修改或行被删除）。", UNIT_SHEET)
            continue
        r, raw = hit
        cell = f"B{r}"
        if f.attr == "year":
            unit.year = _parse_year(raw, problems, cell)
        elif f.attr == "date":
            unit.date = _parse_date(raw, problems, cell)
        elif f.attr == "level":
            text = _text(raw)
            if text:
                levels = {normalize(lv.value): lv for lv in UnitLevel}
                level = levels.get(normalize(text))
                if level is None:
                    choices = "、".join(lv.value for lv in UnitLevel)
                    problems.fail(
                        "R011", f"单位层级“{excerpt(text)}”不在可选范围内，请从下拉列表选择：{choices}。", UNIT_SHEET, cell
                    )
                unit.level = level
        elif not _artefact(ws, r, 2, raw, f"“{f.label}”", problems):
            if f.attr in _CONTACTS and isinstance(raw, float) and raw.is_integer():
                raw = int(raw)  # a phone number typed as a number: 5977529949, not 5977529949.0
            text, notes = clean_text(_text(raw))
            for n in notes:
                problems.note("R020", Severity.WARNING, f"“{f.label}”中{n}。", UNIT_SHEET, cell)
            setattr(unit, f.attr, one_line(text))
            why = textcells.contact_problem(f.attr, raw, getattr(unit, f.attr)) if f.attr in _CONTACTS else None
            if why is not None:
                problems.note("R015", Severity.WARNING, f"{why}。", UNIT_SHEET, cell)
        if raw not in (None, "") and f.attr not in ("year", "date", "level"):
            unseen.check(r, 2, f"“{f.label}”")
    unseen.report()
    _refuse_title_of_another_year(unit.title, year, rows.get(normalize("报告标题")), problems)
    return unit


# Contact fields: numbers are expected there (postcode, phone), so they are checked, not refused.
_CONTACTS = ("postcode", "phone", "fax")


def _refuse_title_of_another_year(title: str, year: int, hit: tuple[int, object] | None, problems: _Problems) -> None:
    """A title naming another year would publish last year's heading under this year's file (R014)."""
    named = textcells.years_named(title)
    if not named or year in named:
        return
    others = "、".join(str(y) for y in dict.fromkeys(named))
    problems.fail(
        "R014",
        f"报告标题「{excerpt(title)}」写的是 {others} 年，但本次生成的是 {year} 年度的报告。"
        f"请改正标题中的年份，或清空“报告标题”使用自动生成的标题。",
        UNIT_SHEET,
        f"B{hit[0]}" if hit else "",
    )


def _parse_year(raw: object, problems: _Problems, cell: str) -> int | None:
    if raw is None or _text(raw) == "":
        return None
    text = normalize(_text(raw)).removesuffix("年").removesuffix("年度")
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    problems.fail("R012", f"报告年度应为四位数字年份，如 2020，实际为「{excerpt(_text(raw))}」。", UNIT_SHEET, cell)
    return None


def _parse_date(raw: object, problems: _Problems, cell: str) -> dt.date | None:
    if raw is None or _text(raw) == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = normalize(_text(raw))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    problems.fail(
        "R013", f"成文日期应为日期，如 2021-01-29 或 2021年1月29日，实际为「{excerpt(_text(raw))}」。", UNIT_SHEET, cell
    )
    return None


def _read_narrative(ws: Sheet, key: str, problems: _Problems, saved: _SavedResults) -> Section:
    section = Section(key=key, sheet=ws.title)
    title_row = _find_label_row(ws, NARRATIVE_TITLE_LABEL)
    unseen = _Unseen(ws, problems)
    if title_row is not None:
        value = _typed(ws, title_row, 2, ws.cell(title_row, 2).value, saved, problems)
        if not _artefact(ws, title_row, 2, value, "本部分标题", problems):
            title, notes = clean_text(_text(value))
            for n in notes:
                problems.note("R031", Severity.WARNING, f"本部分标题中{n}。", ws.title, f"B{title_row}")
            section.title = one_line(title)
            if section.title:
                unseen.check(title_row, 2, "本部分标题")
    header = _find_label_row(ws, NARRATIVE_TEXT_HEADER)
    if header is None:
        problems.fail("R030", f"找不到 A 列标题为“{NARRATIVE_TEXT_HEADER}”的行；正文应从这一行下面开始填写。", ws.title)
        return section
    level_col_ok = normalize(_text(ws.cell(header, 2).value)).startswith(NARRATIVE_LEVEL_HEADER)
    number = 0
    for r, row in enumerate(ws.iter_rows(min_row=header + 1, max_col=2, values_only=True), start=header + 1):
        if row[0] is None and (len(row) < 2 or row[1] is None):
            continue  # most rows of a filled sheet: nothing typed
        raw, level_raw = (_typed(ws, r, c, v, saved, problems) for c, v in enumerate((row + (None, None))[:2], 1))
        if raw is None or _artefact(ws, r, 1, raw, f"第 {r} 行的正文", problems):
            continue
        level_override = None
        if level_col_ok and level_raw not in (None, ""):
            lv = normalize(_text(level_raw))
            if lv in ("0", "1", "2", "3", "4"):
                level_override = int(lv)
            else:
                problems.fail("R032", f"级别应为 0–4 的数字（0 为正文），实际为「{excerpt(_text(level_raw))}」。", ws.title, f"B{r}")
        # Split first, then clean: each warning names the paragraph that held the character.
        for i, piece in enumerate(split_paragraphs(_text(raw))):
            para, notes = clean_text(piece)
            para = para.strip()
            if not para:
                continue
            number += 1
            for n in notes:
                problems.note("R031", Severity.WARNING, f"第 {number} 段{n}。", ws.title, f"A{r}", paragraph=number)
            if i == 0:
                unseen.check(r, 1, f"第 {number} 段")
            level = level_override if (i == 0 and level_override is not None) else detect_level(para)
            section.paragraphs.append(Paragraph(para, level, r))
    unseen.report()
    _note_ignored_columns(ws, header, 3 if level_col_ok else 2, problems)
    _note_text_above(ws, header, title_row, 2 if level_col_ok else 1, problems)
    return section


def _note_text_above(ws: Sheet, header: int, title_row: int | None, header_cols: int, problems: _Problems) -> None:
    """Text above the 内容 header (a title typed in A2 or C2) is not in the report: say so (R038)."""
    cells = ws._cells  # noqa: SLF001 — only existing cells
    known = {(header, c) for c in range(1, header_cols + 1)}
    if title_row is not None:
        known |= {(title_row, 1), (title_row, 2)}
    above = []
    for (r, c), cell in sorted(cells.items()):
        if r > header or (r, c) in known or _is_empty(cell.value):
            continue
        text = _text(cell.value)
        if (r, c) == (1, 1) and NARRATIVE_BANNER_SEP in text:
            continue  # the sheet's own banner, written by generate init
        if title_row is not None and (r, c) == (title_row, 3) and text.startswith(TITLE_HINT_PREFIX):
            continue
        above.append(cell)
    for cell in above[:MAX_LISTED]:
        problems.note(
            "R038",
            Severity.WARNING,
            f"“{NARRATIVE_TEXT_HEADER}”标题行以上的内容「{_shown(cell.value)}」不会写入报告：正文只读取第 {header} 行以下的 A 列"
            + ("，本部分标题只读取 B 列“本部分标题”一格" if title_row is not None else "")
            + "。需要写入报告的文字请移到正文中，不需要的请删除。",
            ws.title,
            cell.coordinate,
        )
    if len(above) > MAX_LISTED:
        problems.note(
            "R038",
            Severity.WARNING,
            f"另有 {len(above) - MAX_LISTED} 个单元格在正文标题行以上，同样不会写入报告。",
            ws.title,
        )


def _note_ignored_columns(ws: Sheet, header: int, first_col: int, problems: _Problems) -> None:
    """Text typed beside the 内容 column below its header is not in the report: say so, per cell."""
    cells = ws._cells  # noqa: SLF001 — only existing cells: a stray cell far right must not cost a scan
    ignored = sorted(k for k, c in cells.items() if k[0] > header and k[1] >= first_col and not _is_empty(c.value))
    read = "A 列" if first_col == 2 else "A 列（B 列为级别）"
    for r, c in ignored[:MAX_LISTED]:
        cell = cells[(r, c)]
        problems.note(
            "R035",
            Severity.WARNING,
            f"{get_column_letter(c)} 列的内容「{_shown(cell.value)}」不会写入报告：正文只读取{read}。"
            "需要写入报告的文字请移到 A 列，不需要的请删除。",
            ws.title,
            cell.coordinate,
        )
    if len(ignored) > MAX_LISTED:
        problems.note(
            "R035",
            Severity.WARNING,
            f"另有 {len(ignored) - MAX_LISTED} 个单元格在 A 列以外，同样不会写入报告。",
            ws.title,
        )


# At most this many cells or rows are named one by one; the rest are counted.
MAX_LISTED = 10


def _blank_row(ws: Sheet, r: int, c0: int, ncols: int) -> bool:
    """Whether the row holds nothing within the table's columns (looking creates no cell)."""
    cells = ws._cells  # noqa: SLF001
    return all(_is_empty(c.value) for c in (cells.get((r, c0 + i)) for i in range(ncols)) if c is not None)


def _find_anchor(ws: Sheet, table: TableSpec) -> tuple[int, int] | None:
    first = next(p for p in table.placed if isinstance(p.item, Label))
    want = normalize(first.item.text)  # type: ignore[union-attr]
    # The first in reading order (row by row) within A1:BH300, looking only at cells that exist.
    found = min(
        (
            key
            for key, cell in ws._cells.items()  # noqa: SLF001
            if key[0] <= 300 and key[1] <= 60 and isinstance(cell.value, str) and normalize(cell.value) == want
        ),
        default=None,
    )
    return None if found is None else (found[0] - first.row, found[1] - first.col)


def _read_table(ws: Sheet, table: TableSpec, spec: FormatSpec, problems: _Problems) -> dict[str, Value]:
    values: dict[str, Value] = {}
    anchor = _find_anchor(ws, table)
    if anchor is None:
        first = next(p.item.text for p in table.placed if isinstance(p.item, Label))  # type: ignore[union-attr]
        problems.fail("R040", f"找不到表格的起始标签“{first}”。请不要修改表格中的规定文字。", ws.title)
        return values
    r0, c0 = anchor
    sheet_row = r0
    by_row: dict[int, list] = {}
    for p in table.placed:
        by_row.setdefault(p.row, []).append(p)
    for spec_row in range(len(table.rows)):
        # Skip rows a clerk inserted: entirely empty within the table's columns.
        first_blank = None
        while spec_row > 0 and sheet_row <= ws.max_row and _blank_row(ws, sheet_row, c0, table.ncols):
            first_blank = first_blank or sheet_row
            sheet_row += 1
        labels = [p.item.text for p in by_row.get(spec_row, []) if isinstance(p.item, Label)]
        if sheet_row > ws.max_row and not labels and first_blank is not None:
            # A row of numbers only (复议诉讼) left empty is that row, not one the clerk inserted:
            # its cells are read as blank and each is reported where it is.
            sheet_row = first_blank
        if sheet_row > ws.max_row:
            problems.fail(
                "R041",
                f"表格在第 {sheet_row - 1} 行后提前结束，从{_row_name(table, spec_row, labels)}起缺少规定的行（行被删除？）。",
                ws.title,
            )
            return values
        ok = True
        for p in by_row.get(spec_row, []):
            cell = ws.cell(sheet_row, c0 + p.col)
            if isinstance(p.item, Label):
                actual = _text(cell.value)
                if normalize(actual) != normalize(p.item.text):
                    shown = f"「{excerpt(actual)}」" if actual else "空白"
                    problems.fail(
                        "R042",
                        f"第 {sheet_row} 行 {get_column_letter(cell.column)} 列应为规定标签“{p.item.text}”，实际为{shown}。"
                        "表格的行列和文字是规定格式，请不要修改、删除或调换；可用 generate init 生成空白工作簿对照。",
                        ws.title,
                        cell.coordinate,
                    )
                    ok = False
                    break
        if not ok:
            return values
        for p in by_row.get(spec_row, []):
            if isinstance(p.item, Field):
                cell = ws.cell(sheet_row, c0 + p.col)
                values[p.item.key] = _read_field(cell, p.item, table, spec, problems)
        sheet_row += 1
    _refuse_content_below(ws, table, sheet_row, c0, problems)
    return values


def _row_name(table: TableSpec, spec_row: int, labels: list[str]) -> str:
    """A mandated row as the clerk knows it: its label, or for a row of numbers only, whose numbers."""
    if labels:
        return f"“{labels[0]}”"
    fields = [info for info in table.fields.values() if info.row == spec_row]
    groups = list(dict.fromkeys(info.row_label or (info.col_path[0] if info.col_path else "") for info in fields))
    named = "、".join(g for g in groups if g)
    return f"填写“{named}”件数的数字行" if named else f"表格第 {spec_row + 1} 行"


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object, limit: int = 30) -> str:
    return excerpt(_text(value), limit)


def _refuse_content_below(ws: Sheet, table: TableSpec, first: int, c0: int, problems: _Problems) -> None:
    """Nothing may sit below the table in its columns: a row inserted inside the table and filled
    in is read in place of the row it pushed down, which would then be lost without a word."""
    if first > ws.max_row:
        return
    # values_only: looking at a cell that does not exist must not create it.
    rows = ws.iter_rows(min_row=first, max_row=ws.max_row, min_col=c0, max_col=c0 + table.ncols - 1, values_only=True)
    filled = [
        (r, [(f"{get_column_letter(c0 + i)}{r}", v) for i, v in enumerate(row) if not _is_empty(v)])
        for r, row in enumerate(rows, start=first)
    ]
    for r, cells in [(r, c) for r, c in filled if c][:MAX_LISTED]:
        coord = cells[0][0]
        values = "、".join(f"{where}「{_shown(v)}」" for where, v in cells[:4])
        problems.fail(
            "R043",
            f"表格在第 {first - 1} 行结束，但下面第 {r} 行还有内容：{values}。"
            "表格下方不能填写内容。如果在表格中插入过行并在其中填写，程序会把插入的行当作规定的行读取，"
            "下面被挤出的行就会丢失：请删除插入的行，把数字填回规定的行；不需要的内容请删除。",
            ws.title,
            coord,
        )


def _read_field(cell: Any, field: Field, table: TableSpec, spec: FormatSpec, problems: _Problems) -> Value:
    if cell.data_type == "f":
        # A formula: totals are recomputed from their parts later; others need a cached value.
        is_total = (table.id, field.key) in spec.total_fields
        return Value(State.FORMULA, raw=str(cell.value), cell=cell.coordinate, derived=is_total)
    parsed = parse_cell(cell.value, field.kind, cell.data_type, spec.amount_unit)
    if parsed.value is not None and not parsed.note and not parsed.rounded:
        parsed.value.cell = cell.coordinate  # the common case: a plain number, nothing to say
        return parsed.value
    info = table.fields[field.key]
    where = dict(row_label=info.row_label, col_label=info.col_label)
    if parsed.value is None:
        # A located 错误, not a refusal: the clerk sees every other finding in the same run.
        problems.note("R050", Severity.ERROR, f"{parsed.problem}。", table.sheet, cell.coordinate, **where)
        return Value(State.UNREADABLE, raw=cell.value, cell=cell.coordinate)
    if parsed.note:
        problems.note(
            "R051", parsed.severity, f"「{_shown(cell.value)}」：{parsed.note}。", table.sheet, cell.coordinate, **where
        )
    _note_rounded(parsed, table, field.key, cell.coordinate, problems)
    parsed.value.cell = cell.coordinate
    return parsed.value


def _note_rounded(parsed: Any, table: TableSpec, key: str, coord: str, problems: _Problems) -> None:
    if parsed.rounded:
        info = table.fields[key]
        problems.note(
            "R052",
            parsed.rounded_severity,
            f"{parsed.rounded}。",
            table.sheet,
            coord,
            row_label=info.row_label,
            col_label=info.col_label,
        )


def _resolve_formulas(report: Report, saved: _SavedResults, problems: _Problems) -> None:
    """Totals written as formulas are recomputed from their parts; other formulas use Excel's result."""
    spec = report.spec
    pending = [
        (tid, key, v) for tid, vals in report.tables.items() for key, v in vals.items() if v.state is State.FORMULA
    ]
    if not pending:
        return
    for tid, key, v in pending:
        rule = spec.total_fields.get((tid, key))
        if rule is not None:
            continue
        table = spec.table(tid)
        raw = saved.value(table.sheet, v.cell)
        info = table.fields[key]
        if raw is None:
            continue  # stays FORMULA without a value: the validator reports it
        parsed = parse_cell(raw, info.kind, unit=spec.amount_unit)
        _note_rounded(parsed, table, key, v.cell, problems)
        if parsed.value is None:  # the formula's saved result is text: as if typed (R050)
            where = dict(row_label=info.row_label, col_label=info.col_label)
            problems.note("R050", Severity.ERROR, f"公式的计算结果不是数字：{parsed.problem}。", table.sheet, v.cell, **where)
            report.tables[tid][key] = Value(State.UNREADABLE, raw=raw, cell=v.cell)
        else:
            parsed.value.cell, parsed.value.raw = v.cell, v.raw
            report.tables[tid][key] = parsed.value
    # Totals: recompute in rule order, so a total of totals sees computed parts.
    for rule in spec.sum_rules:
        v = report.tables[rule.table].get(rule.total)
        if v is None or v.state is not State.FORMULA or not v.derived:
            continue
        parts = [report.tables[rule.table][k] for k in rule.parts]
        if all(p.is_number for p in parts):
            v.number = sum(p.number for p in parts)  # type: ignore[misc]
            v.state = State.NUMBER


# A table whose mandated labels are not where the format puts them.
LAYOUT_CODES = ("R040", "R041", "R042")


def _years(spec: FormatSpec) -> str:
    if spec.last_year is None:
        return f"{spec.first_year} 年度及以后"
    if spec.last_year == spec.first_year:
        return f"{spec.first_year} 年度"
    return f"{spec.first_year}–{spec.last_year} 年度"


def _format_of(wb: Book, spec: FormatSpec) -> FormatSpec | None:
    """Another format version whose tables this workbook holds, label for label, if any."""
    for other in FORMATS:
        if other.id == spec.id or any(t.sheet not in wb.sheetnames for t in other.tables):
            continue
        trial = _Problems("")  # thrown away: only whether the labels fit matters
        for table in other.tables:
            _read_table(wb[table.sheet], table, other, trial)
        if not any(d.code in LAYOUT_CODES for d in trial.fatal):
            return other
    return None


def _wrong_format(path: Path, found: FormatSpec, spec: FormatSpec, year: int, unit: UnitInfo, differ: list[str]) -> str:
    head = (
        f"这是按{found.document}格式（{_years(found)}使用）制作的工作簿，"
        f"而 {year} 年度的报告须使用{spec.document}格式（{_years(spec)}使用），两者的表格项目不同"
        f"（{'、'.join(differ)}），无法按 {year} 年度读取。"
    )
    other_year = f"如果要生成的是 {_years(found)}的报告，请把 --year 改为对应年度"
    if found.first_year > spec.first_year or unit.year not in (None, year - 1):
        return (
            f"{head}{other_year}；确是 {year} 年度的报告，请运行 generate init --year {year} 生成该格式的空白工作簿，"
            "按该格式的表格重新填写（两种格式的项目不同，不能整表复制）。"
        )
    new = path if path.name != f"{year}.xlsx" else path.with_name(f"{year}-新格式.xlsx")
    output = "" if new == path else f" --output {new}"
    use = (
        ""
        if new == path
        else f"，填写后用 generate --year {year} --input {new} 生成（或把它改名为 {path.name} 替换本文件）"
    )
    stated = f"（工作簿中的报告年度为 {unit.year}）" if unit.year else ""
    return (
        f"{head}如果这是上一年度的工作簿{stated}，请运行 generate init --year {year} --from {path}{output}，"
        f"生成 {year} 年度的新格式工作簿：单位信息和可结转的上年数据会自动带入{use}。"
        f"{other_year}。"
    )


def _refuse_other_format(
    wb: Book, path: Path, spec: FormatSpec, year: int, unit: UnitInfo, problems: _Problems
) -> None:
    """Tables that fit another format version are not 请不要修改规定文字: say which format it is."""
    if not any(d.code in LAYOUT_CODES for d in problems.fatal):
        return
    found = _format_of(wb, spec)
    if found is None:
        return
    tables = {t.sheet for t in spec.tables}
    # Whatever the tables said was read against the wrong layout: only the format finding stands.
    differ = [
        t.sheet for t in spec.tables if any(d.sheet == t.sheet and d.code in LAYOUT_CODES for d in problems.fatal)
    ]
    problems.fatal = [d for d in problems.fatal if d.sheet not in tables]
    problems.notes = [d for d in problems.notes if d.sheet not in tables]
    problems.fail("R044", _wrong_format(path, found, spec, year, unit, differ))


def read_workbook(path: Path, spec: FormatSpec, year: int) -> tuple[Report, list[Diagnostic]]:
    """Read the workbook; raise InputError when it cannot be read as a report of this format."""
    file = str(path)
    problems = _Problems(file)
    wb = open_workbook(path, notes=problems.notes)
    needed = [UNIT_SHEET, *(n.sheet for n in NARRATIVE_SHEETS), *(t.sheet for t in spec.tables)]
    missing = [s for s in needed if s not in wb.sheetnames]
    if missing:
        present = "、".join(wb.sheetnames)
        problems.fail(
            "R004",
            f"缺少工作表：{'、'.join(missing)}（现有：{present}）。请使用 generate init --year {year} 生成的标准工作簿，不要改工作表名称。",
        )
        problems.raise_if_any()
    table_sheets = frozenset(t.sheet for t in spec.tables)
    _report_load_problems(wb, needed, problems, table_sheets)
    saved = _SavedResults(wb)
    unit = _read_unit(wb[UNIT_SHEET], problems, saved, year)
    sections = {n.key: _read_narrative(wb[n.sheet], n.key, problems, saved) for n in NARRATIVE_SHEETS}
    tables = {t.id: _read_table(wb[t.sheet], t, spec, problems) for t in spec.tables}
    _refuse_other_format(wb, path, spec, year, unit, problems)
    problems.raise_if_any()
    report = Report(spec=spec, unit=unit, sections=sections, tables=tables, source=file, year=year)
    _resolve_formulas(report, saved, problems)
    problems.raise_if_any()
    return report, problems.notes
