"""Checks on cells read as text: what Excel did to them, and whether the clerk can see them.

Each check returns the reason in Chinese (for a finding that names the cell), or None.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from openpyxl.styles.colors import COLOR_INDEX

from ..narrative import excerpt
from .cells import EXCEL_ERRORS
from .xlsx import Cell, Sheet

# --- item: values Excel converted while the clerk typed ----------------------------------------


def _percent_format(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def artefact(cell: Cell | None, value: object) -> str | None:
    """Why a text cell holds something other than the words the clerk typed, or None.

    value is what the cell holds (for a formula, Excel's saved result); cell gives its format.
    """
    if isinstance(value, bool):
        return f"逻辑值 {'TRUE' if value else 'FALSE'}（发布出来会是「{value}」）"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        shown = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
        return f"日期或时间 {shown}：Excel 把输入的内容（如“1-2”“3/4”“8:30”）当作日期转换了，发布出来会是「{shown}」"
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return f"Excel 错误值 {value.strip()}"
    if isinstance(value, (int, float)) and cell is not None and _percent_format(cell.number_format):
        return f"百分比：Excel 显示为 {value * 100:g}%，但保存的是 {value}，发布出来会是「{value}」"
    return None


# --- item: contact details that lost their leading zero ----------------------------------------

_PHONE = re.compile(
    r"(?:\+?86-?)?(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|\d{7,8}|[48]00-?\d{3}-?\d{4}|123\d\d)(?:(?:转|-|ext\.?)\d{1,6})?"
)
_PHONE_SEPARATORS = re.compile(r"[、，,;；/或和]+")


def contact_problem(attr: str, raw: object, text: str) -> str | None:
    """邮政编码 must be 6 digits; 联系电话 and 传真 must look like Chinese phone numbers."""
    if not text or (attr == "fax" and text in ("无", "暂无", "/")):
        return None
    as_number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    lost = "：单元格中是数字，以数字保存时开头的 0 会丢失。请把单元格格式设为“文本”后重新填写（或在前面加英文单引号 '）"
    norm = unicodedata.normalize("NFKC", text)
    if attr == "postcode":
        digits = re.sub(r"\s", "", norm)
        if re.fullmatch(r"\d{6}", digits):
            return None
        if as_number and re.fullmatch(r"\d{1,5}", digits):
            return f"邮政编码「{text}」只有 {len(digits)} 位，很可能应为 {digits.zfill(6)}{lost}"
        return f"邮政编码应为 6 位数字，实际为「{excerpt(text)}」"
    pieces = [re.sub(r"[\s()（）]", "", p) for p in _PHONE_SEPARATORS.split(norm) if p.strip()]
    bad = [p for p in pieces if not _PHONE.fullmatch(p.replace("—", "-").replace("－", "-"))]
    if not bad:
        return None
    what = "联系电话" if attr == "phone" else "传真"
    if as_number:
        return f"{what}「{text}」不像电话号码，很可能丢失了区号开头的 0（区号以 0 开头，如 0597-7532093）{lost}"
    return f"{what}「{excerpt('、'.join(bad))}」不像电话号码（如 0597-7532093、13800000000）"


# --- item: a title naming another year ----------------------------------------------------------

_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def years_named(text: str) -> list[int]:
    """Four-digit years in a title, in Arabic or Chinese numerals (二〇二〇年)."""
    norm = unicodedata.normalize("NFKC", text)
    found = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", norm)]
    found += [int(y.translate(_CN_DIGITS)) for y in re.findall(r"([〇零一二三四五六七八九]{4})年", norm)]
    return [y for y in found if 1990 <= y <= 2100]


# --- item: text the clerk cannot see but the website would show --------------------------------

_THEME = {0: "FFFFFF", 1: "000000", 2: "E7E6E6", 3: "44546A"}  # Office theme: lt1, dk1, lt2, dk2


def _rgb(color: Any) -> tuple[int, int, int] | None:
    """A style colour as RGB, when it can be known without the theme part (auto → None)."""
    if color is None:
        return None
    hexa: str | None = None
    kind = getattr(color, "type", None)
    if kind == "rgb" and isinstance(color.rgb, str) and len(color.rgb) in (6, 8):
        hexa = color.rgb[-6:]
    elif kind == "theme" and color.theme in _THEME:
        hexa = _THEME[color.theme]
    elif kind == "indexed" and isinstance(color.indexed, int) and color.indexed < 64:
        hexa = COLOR_INDEX[color.indexed][-6:]
    if hexa is None:
        return None
    try:
        rgb = tuple(int(hexa[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return None
    tint = float(getattr(color, "tint", 0) or 0)
    if tint:
        rgb = tuple(round(c * (1 + tint)) if tint < 0 else round(c + (255 - c) * tint) for c in rgb)
    return rgb  # type: ignore[return-value]


def _background(cell: Cell) -> tuple[int, int, int]:
    fill = cell.fill
    if getattr(fill, "patternType", None) == "solid":
        return _rgb(fill.fgColor) or (255, 255, 255)
    return (255, 255, 255)


def invisible(cell: Cell) -> str | None:
    """Why the cell's text cannot be seen in Excel although the report would print it, or None."""
    sections = (cell.number_format or "").split(";")
    if len(sections) >= 4 and not sections[3].strip():
        return f"单元格格式「{cell.number_format}」不显示文字"
    font = cell.font
    if font is not None and font.sz is not None and float(font.sz) < 4:
        return f"字号只有 {float(font.sz):g} 磅"
    ink = _rgb(font.color) if font is not None else None
    if ink is not None and _contrast(ink, _background(cell)) < MIN_CONTRAST:
        return "文字颜色与底色几乎相同，如白底白字"
    return None


# WCAG contrast ratio below which text is unreadable: white on the workbook's light-yellow input
# fill is 1.1, light grey (#D9D9D9) on white 1.4; ordinary text is 4.5 and above.
MIN_CONTRAST = 1.3


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hidden(ws: Sheet, row: int, col: int) -> str | None:
    """Why the cell is hidden in Excel (hidden sheet, row or column), or None."""
    if ws.sheet_state != "visible":
        return "整张工作表被隐藏"
    dim = ws.row_dimensions.get(row)  # .get: looking must not create the row's dimension
    if dim is not None and (dim.hidden or (dim.customHeight and dim.ht is not None and float(dim.ht) == 0)):
        return f"第 {row} 行被隐藏"
    for cd in ws.column_dimensions.values():
        lo, hi = cd.min or 0, cd.max or 0
        if lo <= col <= hi and (cd.hidden or (cd.customWidth and cd.width is not None and float(cd.width) == 0)):
            return "所在的列被隐藏"
    return None
