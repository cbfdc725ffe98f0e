"""Write the standardized workbook for a format version: blank, or filled from a Report.

The tables are laid out by walking the format spec, so the workbook shows the mandated layout
(verbatim labels, merged label cells) that the reader then checks.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..formats.spec import Field, FormatSpec, Kind, Label, Role, TableSpec
from ..model import Report, State, UnitLevel, Value, format_number
from ..templating import Wording
from .cellwrite import formula, put, write
from .layout import (
    INSTRUCTIONS_SHEET,
    NARRATIVE_BANNER_SEP,
    NARRATIVE_LEVEL_HEADER,
    NARRATIVE_SHEETS,
    NARRATIVE_TEXT_HEADER,
    NARRATIVE_TITLE_LABEL,
    REFERENCE_SHEET,
    TITLE_HINT_PREFIX,
    UNIT_FIELDS,
    UNIT_SHEET,
    narrative_hint,
)

LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")
TITLE_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
FONT = Font(name="宋体", size=11)
BOLD = Font(name="宋体", size=11, bold=True)
TABLE_TOP = 4  # first sheet row of a table grid
NARRATIVE_BLANK_ROWS = 60

_PROMPTS = {
    Kind.COUNT: ("填写件数", "填写 0 或正整数；不适用填“/”。"),
    Kind.DELTA: ("填写增减数", "填写整数，减少用负数表示，如 -8；不适用填“/”。"),
    Kind.AMOUNT: ("填写金额", "填写金额数字（单位见列名），可以有小数。"),
    Kind.AMOUNT_TEXT: ("填写金额", "填写金额，可带单位，如 6834.335元。"),
}


def _protect(ws: Worksheet) -> None:
    """Labels are locked, inputs are not; no password, rows may still be inserted."""
    ws.protection.sheet = True
    ws.protection.insertRows = False  # False = allowed
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    # Printed for a colleague to check: one page wide, as many pages tall as needed.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _unit_rule(spec: FormatSpec) -> str:
    """How amounts are written in this format: a fixed unit (万元) or a unit in the cell (2019 采购)."""
    kinds = {f.kind for t in spec.tables for f in t.fields.values()}
    if Kind.AMOUNT in kinds and spec.amount_unit:
        return f"数字后不要写单位；金额以{spec.amount_unit}为单位，可以有小数。"
    if Kind.AMOUNT_TEXT in kinds:
        return "数字后不要写单位（采购总金额可写“元”或“万元”）。"
    return "数字后不要写单位。"


def _write_instructions(wb: Workbook, spec: FormatSpec, year: int, has_reference: bool) -> None:
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    deltas = any(f.kind is Kind.DELTA for t in spec.tables for f in t.fields.values())
    lines = [
        f"{year}年度政府信息公开工作年度报告 标准工作簿（{spec.document} 格式）",
        "",
        "1. 依次填写“单位信息”、各部分正文和三张表格。带底色的单元格可以填写，灰色的规定文字不要修改（工作表已保护，无密码）。",
        "2. 正文每段占一行，粘贴在 A 列；以“一、（一）1.（1）”开头的段落自动识别为各级标题，也可在“级别”列填 0–4 指定。",
        "3. 表格中没有发生的事项填 0，不适用的填“/”，不要留空；"
        + _unit_rule(spec)
        + ("“本年增/减”减少用负数表示，如 -8。" if deltas else ""),
        "4. 绿色的合计单元格已设好求和公式，可以保留；生成报告时程序会按各项重新计算合计，不采用单元格中保存的结果。",
        "5. 需要加行时可以插入空行，程序会跳过空行；不要删除或调换表格的行。",
        f"6. 填好后保存为 inputs/{year}.xlsx，运行 generate --year {year} 生成 Word 和网页版报告；运行 generate check --year {year} 只做校验。",
        "7. 程序只读取本工作簿，不会修改它。",
    ]
    if has_reference:
        lines.append(
            f"8. “{REFERENCE_SHEET}”工作表列出上一年度报告的正文，仅供参考，程序不会读取，也不会写入报告。"
            "请按本年度实际情况重新撰写，格式要求不得“年年雷同”。"
        )
    for i, line in enumerate(lines, start=1):
        write(ws, i, 1, line).font = BOLD if i == 1 else FONT
    ws.column_dimensions["A"].width = 120


def _write_unit(wb: Workbook, report: Report | None, year: int) -> None:
    ws = wb.create_sheet(UNIT_SHEET)
    for col, text in enumerate(("项目", "内容", "说明"), start=1):
        c = write(ws, 1, col, text)
        c.font, c.fill, c.border, c.alignment = BOLD, LABEL_FILL, BORDER, CENTER
    levels = DataValidation(type="list", formula1='"' + ",".join(lv.value for lv in UnitLevel) + '"', allow_blank=True)
    levels.promptTitle, levels.prompt = "单位层级", "从列表中选择：决定法定发布期限。"
    ws.add_data_validation(levels)
    year_dv = DataValidation(type="whole", operator="between", formula1="2019", formula2="2100", allow_blank=True)
    year_dv.promptTitle, year_dv.prompt = "报告年度", "填写四位数字年份，如 2021。"
    year_dv.errorTitle, year_dv.error = "输入有误", "报告年度应为 2019 年以后的四位数字年份。"
    date_dv = DataValidation(type="date", operator="greaterThan", formula1="43466", allow_blank=True)  # 2019-01-01
    date_dv.promptTitle, date_dv.prompt = "成文日期", "填写日期，如 2022-01-25。"
    date_dv.errorTitle, date_dv.error = "输入有误", "成文日期应为日期，如 2022-01-25。"
    ws.add_data_validation(year_dv)
    ws.add_data_validation(date_dv)
    for r, f in enumerate(UNIT_FIELDS, start=2):
        label = write(ws, r, 1, f.label)
        label.font, label.fill, label.border = BOLD, LABEL_FILL, BORDER
        value: object = None
        if report is not None:
            value = getattr(report.unit, f.attr)
            if isinstance(value, UnitLevel):
                value = value.value
        elif f.attr == "year":
            value = year
        cell = write(ws, r, 2, value if value not in ("",) else None)
        cell.fill, cell.border, cell.protection, cell.alignment = INPUT_FILL, BORDER, UNLOCKED, LEFT
        if f.attr in ("postcode", "phone", "fax"):
            cell.number_format = "@"  # text: typed as a number, 030001 would lose its leading 0
        if f.attr == "date":
            cell.number_format = "yyyy-mm-dd"
            date_dv.add(cell)
        if f.attr == "year":
            year_dv.add(cell)
        if f.attr == "level":
            levels.add(cell)
        hint = write(ws, r, 3, f.hint + ("" if f.required else "（可选）"))
        hint.font, hint.alignment = Font(name="宋体", size=10, color="595959"), LEFT
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 60
    _protect(ws)


def _write_narrative(wb: Workbook, spec: FormatSpec, report: Report | None, wording: Wording) -> None:
    for n in NARRATIVE_SHEETS:
        ws = wb.create_sheet(n.sheet)
        heading = wording.part_heading(n.part) if n.part else "引言"
        write(ws, 1, 1, f"{heading}{NARRATIVE_BANNER_SEP}{narrative_hint(n, spec)}").font = BOLD
        section = report.sections.get(n.key) if report else None
        r = 2
        if n.part:
            lab = write(ws, 2, 1, NARRATIVE_TITLE_LABEL)
            lab.font, lab.fill, lab.border = BOLD, LABEL_FILL, BORDER
            t = write(ws, 2, 2, section.title if section and section.title else None)
            t.fill, t.border, t.protection = INPUT_FILL, BORDER, UNLOCKED
            write(
                ws,
                2,
                3,
                TITLE_HINT_PREFIX + "“" + wording.part_heading(n.part) + "”；填写时不含序号“" + heading[:2] + "”。",
            )
            r = 3
        r += 1
        for col, text in enumerate((NARRATIVE_TEXT_HEADER, NARRATIVE_LEVEL_HEADER + "（可留空，自动识别）"), start=1):
            h = write(ws, r, col, text)
            h.font, h.fill, h.border, h.alignment = BOLD, LABEL_FILL, BORDER, CENTER
        paragraphs = section.paragraphs if section else []
        for i in range(max(NARRATIVE_BLANK_ROWS, len(paragraphs) + 20)):
            c = write(ws, r + 1 + i, 1, paragraphs[i].text if i < len(paragraphs) else None)
            c.alignment, c.protection, c.fill = LEFT, UNLOCKED, INPUT_FILL
            ws.cell(r + 1 + i, 2).protection = UNLOCKED
            ws.cell(r + 1 + i, 2).fill = INPUT_FILL
        ws.column_dimensions["A"].width = 110
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 40
        _protect(ws)


def _cell_value(v: Value | None, field: Field) -> object:
    if v is None or v.state is State.BLANK:
        return None
    if v.state is State.SLASH:
        return "/"
    if v.state is State.NUMBER:
        if v.unit:
            return f"{format_number(v.number)}{v.unit}"
        return float(v.number) if not isinstance(v.number, int) else v.number
    return v.raw


def _write_table(wb: Workbook, spec: FormatSpec, table: TableSpec, report: Report | None, wording: Wording) -> None:
    ws = wb.create_sheet(table.sheet)
    write(ws, 1, 1, wording.part_heading(table.part)).font = Font(name="黑体", size=14, bold=True)
    write(ws, 2, 1, wording.workbook_note(table.part, spec)).font = Font(name="宋体", size=10, color="595959")
    coords: dict[str, str] = {}
    for p in table.placed:
        coords_r, coords_c = TABLE_TOP + p.row, 1 + p.col
        if isinstance(p.item, Field):
            coords[p.item.key] = f"{get_column_letter(coords_c)}{coords_r}"
    values = report.tables.get(table.id, {}) if report else {}
    for p in table.placed:
        r, c = TABLE_TOP + p.row, 1 + p.col
        cell = ws.cell(r, c)
        if isinstance(p.item, Label):
            put(cell, p.item.text)
            cell.fill = TITLE_FILL if p.item.role is Role.TITLE else LABEL_FILL
            cell.font = BOLD if p.item.role is not Role.ROW else FONT
            cell.alignment = CENTER if p.item.role is not Role.ROW or p.item.colspan > 1 else LEFT
        else:
            key = p.item.key
            rule = spec.total_fields.get((table.id, key))
            v = values.get(key)
            if rule is not None and (v is None or v.derived or v.state is State.FORMULA):
                formula(cell, "=SUM(" + ",".join(coords[k] for k in rule.parts) + ")")
                cell.fill = TOTAL_FILL
            else:
                put(cell, _cell_value(v, p.item))
                cell.fill = INPUT_FILL
            cell.alignment = CENTER
            cell.protection = UNLOCKED
            prompt_title, prompt = _prompt(p.item.kind, spec.amount_unit)
            dv = _validation(p.item.kind, cell.coordinate, spec.amount_unit)
            if dv is not None:
                dv.promptTitle, dv.prompt = prompt_title, prompt
                ws.add_data_validation(dv)
                dv.add(cell.coordinate)
            name = f"{table.id}_{key}".replace(".", "_")
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{table.sheet}'!${get_column_letter(c)}${r}")
        if p.rowspan > 1 or p.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + p.rowspan - 1, end_column=c + p.colspan - 1)
        for rr in range(r, r + p.rowspan):
            for cc in range(c, c + p.colspan):
                ws.cell(rr, cc).border = BORDER
    unit = 4.2 if table.ncols <= 4 else 3.6
    widths = [max(8, w * unit * (2 if table.ncols <= 4 else 1.6)) for w in table.col_widths or (1,) * table.ncols]
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    for i, height in enumerate(_row_heights(table, widths)):
        ws.row_dimensions[TABLE_TOP + i].height = height
    _protect(ws)


def _row_heights(table: TableSpec, widths: list[float]) -> list[float]:
    """Tall enough for each single-row label to wrap fully (a CJK character is ~2 width units)."""
    heights = [30.0] * len(table.rows)
    for p in table.placed:
        if isinstance(p.item, Label) and p.rowspan == 1:
            per_line = max(1, int(sum(widths[p.col : p.col + p.colspan]) / 2.1))
            lines = -(-len(p.item.text) // per_line)
            heights[p.row] = max(heights[p.row], lines * 15.0 + 8)
    return heights


def _validation(kind: Kind, coord: str, unit: str = "") -> DataValidation | None:
    """An input check per cell. IF, not OR/AND: Excel's OR propagates the error of INT("/")."""
    x = coord
    if kind is Kind.COUNT:
        formula = f'IF(ISNUMBER({x}),AND({x}>=0,INT({x})={x}),{x}="/")'
    elif kind is Kind.DELTA:
        formula = f'IF(ISNUMBER({x}),INT({x})={x},{x}="/")'
    elif kind is Kind.AMOUNT:
        formula = f'IF(ISNUMBER({x}),{x}>=0,{x}="/")'
    else:
        return DataValidation(type=None, allow_blank=True, showInputMessage=True)
    dv = DataValidation(type="custom", formula1=formula, allow_blank=True, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle, dv.error = "输入有误", _prompt(kind, unit)[1]
    return dv


def _prompt(kind: Kind, unit: str) -> tuple[str, str]:
    title, text = _PROMPTS[kind]
    if kind is Kind.AMOUNT and unit:
        text = f"填写金额数字，单位为{unit}，可以有小数；不适用填“/”。"
    return title, text


def _write_reference(wb: Workbook, previous: Report, wording: Wording) -> None:
    """Last year's narrative, read-only, for the clerk to consult while writing this year's."""
    ws = wb.create_sheet(REFERENCE_SHEET)
    head = write(
        ws,
        1,
        1,
        f"{previous.year}年度报告正文（仅供参考）：程序不会读取本表，也不会把这些文字写入本年度报告。请按本年度实际情况重新撰写，不得年年雷同。",
    )
    head.font, head.alignment = BOLD, LEFT
    r = 3
    for n in NARRATIVE_SHEETS:
        section = previous.sections.get(n.key)
        if section is None or not section.paragraphs:
            continue
        title = wording.part_heading(n.part, section.title) if n.part else "引言"
        c = write(ws, r, 1, f"【{title}】")
        c.font, c.fill = BOLD, LABEL_FILL
        r += 1
        for para in section.paragraphs:
            write(ws, r, 1, para.text).alignment = LEFT
            r += 1
        r += 1
    ws.column_dimensions["A"].width = 120
    _protect(ws)


def build_workbook(
    spec: FormatSpec, year: int, report: Report | None = None, reference: Report | None = None
) -> Workbook:
    """The workbook for `year`: blank, or holding `report`; `reference` adds last year's text for reading."""
    wording = Wording()
    wb = Workbook()
    _write_instructions(wb, spec, year, reference is not None)
    _write_unit(wb, report, year)
    _write_narrative(wb, spec, report, wording)
    for table in spec.tables:
        _write_table(wb, spec, table, report, wording)
    if reference is not None:
        _write_reference(wb, reference, wording)
    return wb


def write_workbook(
    path: Path, spec: FormatSpec, year: int, report: Report | None = None, reference: Report | None = None
) -> None:
    """Write atomically: the file appears complete or not at all."""
    from ..output import atomic_write

    wb = build_workbook(spec, year, report, reference)
    atomic_write(path, wb.save)


__all__ = ["build_workbook", "write_workbook"]
