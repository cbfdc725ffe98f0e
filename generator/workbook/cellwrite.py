"""Every value nianbao writes into a spreadsheet cell goes through here: text stays text.

openpyxl stores any str that starts with “=” as a live formula, so a unit name such as
``=HYPERLINK("http://…","点我")`` read from a unit's workbook or a published page would become
a link (or a WEBSERVICE call) in the office's 审核表. Here a str is always a text cell (data type
``s``) holding exactly the characters received, as Excel reads them back:

- ``_xHHHH_`` in the text is escaped (``_x005F_xHHHH_``), since Excel decodes it as a character;
- control characters a cell cannot hold raw are written as Excel writes them (``_x0001_``);
- text that Excel would take for a formula when the cell is edited (``= + - @``) gets the
  quote prefix (Excel's leading apostrophe), so it stays text after an edit too.

Only the formulas nianbao means (the live SUM of a blank workbook) are written by `formula`.
"""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@")
_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # each “_” that starts an escape, overlapping too


def as_text(value: str) -> str:
    """The stored form of a str that Excel reads back as exactly `value`."""
    value = _ESCAPE.sub("_x005F_", value)
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def put(cell: Cell, value: object) -> Cell:
    """Set `cell` to `value`; a str is always stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = as_text(value)  # openpyxl marks “=…” as a formula here…
        cell.data_type = "s"  # …and this makes it text again
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write(ws: Worksheet, row: int, column: int, value: object = None) -> Cell:
    """ws.cell(row, column, value), with `value` written by `put`."""
    cell = ws.cell(row, column)
    return put(cell, value) if value is not None else cell


def text_cell(ws, value: object) -> Cell:
    """A write-only worksheet's cell holding `value` (see `put`)."""
    return put(WriteOnlyCell(ws), value)


def _plain(value: str) -> bool:
    """Whether openpyxl stores this str as exactly this text by itself (most do)."""
    return not value.startswith(FORMULA_START) and "_x" not in value and not ILLEGAL_CHARACTERS_RE.search(value)


def text_row(ws, values) -> list:
    """A write-only worksheet's row for ws.append: a str that needs it as a text cell (see `put`),
    everything else as it is, so that a sheet of thousands of figures stays cheap to write."""
    return [text_cell(ws, v) if isinstance(v, str) and not _plain(v) else v for v in values]


def formula(cell: Cell, text: str) -> Cell:
    """A formula nianbao means to write (never text that came from a workbook or a page)."""
    if not text.startswith("="):
        raise ValueError(f"not a formula: {text!r}")
    cell.value = text
    return cell


__all__ = ["FORMULA_START", "as_text", "formula", "put", "text_cell", "text_row", "write"]
