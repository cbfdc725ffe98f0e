"""The roster (名单) an office keeps: which units report, their category, whether they are summed.

Layout (sheet “名单”, one header row, one unit per row below it; column order is free):

    单位名称 | 类别 | 纳入汇总 | 备注
    示例县人民政府办公室 | 本级 | 是 |
    示例县气象局 | 部门 | 否 | 垂直管理，不纳入本级汇总

类别 is one of CATEGORIES; 纳入汇总 is 是 or 否 (blank means 是).
"""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..diagnostics import Diagnostic, InputError, Severity, UserError
from ..model import UnitLevel
from ..workbook import guard
from ..workbook.cellwrite import write

ROSTER_SHEET = "名单"
CATEGORIES = ("本级", "部门", "乡镇（街道）", "下级政府")
HEADERS = ("单位名称", "类别", "纳入汇总", "备注")
YES, NO = "是", "否"


@dataclass(frozen=True)
class RosterUnit:
    name: str
    category: str
    included: bool = True
    note: str = ""
    row: int = 0


def key(name: str) -> str:
    """Names compare without width or spacing differences: “示例县 财政局” is “示例县财政局”."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def canonical_category(text: str) -> str:
    """The category as CATEGORIES spells it, compared like names: “乡镇(街道)” is “乡镇（街道）”."""
    k = key(text)
    return next((c for c in CATEGORIES if key(c) == k), text)


def category_of(level: UnitLevel | None) -> str:
    """The category a unit's own 单位层级 suggests when there is no roster."""
    if level is UnitLevel.DEPARTMENT:
        return "部门"
    if level is UnitLevel.TOWNSHIP:
        return "乡镇（街道）"
    if level is not None:
        return "下级政府"
    return ""


def _fail(path: Path, message: str, cell: str = "") -> InputError:
    return InputError([Diagnostic("U4", Severity.ERROR, message, str(path), ROSTER_SHEET if cell else "", cell)])


def read_roster(path: Path) -> list[RosterUnit]:
    """The roster's units; InputError (exit 2) naming the cell when it cannot be read."""
    if not path.is_file():
        raise UserError(
            f"找不到名单工作簿：{path}。可以运行 generate init-roster 生成名单，或不加 --roster 按找到的全部工作簿汇总。"
        )
    guard.inspect(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with path.open("rb") as fh:
                wb = load_workbook(fh, read_only=True, data_only=True)
                sheets = wb.sheetnames
                rows = list(wb[ROSTER_SHEET].iter_rows(values_only=True)) if ROSTER_SHEET in sheets else None
                wb.close()
    except Exception as exc:  # noqa: BLE001 — openpyxl parsing a damaged file
        raise _fail(path, f"名单工作簿已损坏，无法读取（{type(exc).__name__}）。请在 Excel/WPS 中重新保存。") from None
    if rows is None:
        raise _fail(path, f"名单工作簿中没有名为“{ROSTER_SHEET}”的工作表（现有：{'、'.join(sheets)}）。")
    return _parse(path, rows)


def _text(v: object) -> str:
    return "" if v is None else " ".join(str(v).split())


def _parse(path: Path, rows: list[tuple]) -> list[RosterUnit]:
    head_row = next((i for i, r in enumerate(rows[:10]) if any(_text(v) == HEADERS[0] for v in r)), None)
    if head_row is None:
        raise _fail(path, f"名单的前 10 行中找不到表头“{HEADERS[0]}”。表头应为：{'、'.join(HEADERS)}。", f"A{1}")
    cols = {_text(v): i for i, v in enumerate(rows[head_row]) if _text(v)}
    missing = [h for h in HEADERS[:3] if h not in cols]
    if missing:
        raise _fail(path, f"名单表头缺少“{'”“'.join(missing)}”列。表头应为：{'、'.join(HEADERS)}。", f"A{head_row + 1}")
    out: list[RosterUnit] = []
    seen: dict[str, int] = {}
    problems: list[Diagnostic] = []

    def cell(name: str, r: int) -> str:
        return f"{get_column_letter(cols[name] + 1)}{r}"

    for i, row in enumerate(rows[head_row + 1 :], start=head_row + 2):
        get = lambda h: _text(row[cols[h]]) if h in cols and cols[h] < len(row) else ""  # noqa: E731
        name = get("单位名称")
        if not name:
            if any(_text(v) for v in row):
                problems.append(_fail(path, "这一行填了内容，但单位名称是空白。", cell("单位名称", i)).diagnostics[0])
            continue
        category, included = canonical_category(get("类别")), get("纳入汇总") or YES
        if category not in CATEGORIES:
            shown = f"“{category}”" if category else "空白"
            problems.append(
                _fail(path, f"“{name}”的类别为{shown}，应为：{'、'.join(CATEGORIES)}。", cell("类别", i)).diagnostics[0]
            )
        if included not in (YES, NO):
            problems.append(
                _fail(path, f"“{name}”的“纳入汇总”为“{included}”，应填“是”或“否”。", cell("纳入汇总", i)).diagnostics[0]
            )
        if key(name) in seen:
            problems.append(
                _fail(
                    path, f"“{name}”在名单中出现两次（另见第 {seen[key(name)]} 行）。", cell("单位名称", i)
                ).diagnostics[0]
            )
        seen.setdefault(key(name), i)
        out.append(RosterUnit(name, category, included == YES, get("备注"), i))
    if problems:
        raise InputError(problems)
    return out


def build_roster(units: list[RosterUnit]) -> Workbook:
    """A roster workbook with a drop-down for 类别 and 纳入汇总."""
    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_SHEET
    for col, text in enumerate(HEADERS, start=1):
        c = write(ws, 1, col, text)
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for row, u in enumerate(units, start=2):
        for col, value in enumerate((u.name, u.category, YES if u.included else NO, u.note), start=1):
            write(ws, row, col, value)
    for col, width in zip("ABCD", (34, 14, 10, 40)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(2, 1)  # below the header
    last = max(len(units) + 1, 200)
    cat = DataValidation(type="list", formula1='"' + ",".join(CATEGORIES) + '"', allow_blank=True)
    inc = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    ws.add_data_validation(cat)
    ws.add_data_validation(inc)
    cat.add(f"B2:B{last}")
    inc.add(f"C2:C{last}")
    return wb


def write_roster(path: Path, units: list[RosterUnit]) -> None:
    from ..output import atomic_write

    atomic_write(path, build_roster(units).save)
