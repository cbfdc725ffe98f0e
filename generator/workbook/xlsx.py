"""Read the cells of an .xlsx package directly with lxml: the subset of openpyxl the reader uses.

openpyxl builds a full object model (styles, merged-cell objects, defined names) for every load
and needs a second load for the saved results of formulas; reading a standardized workbook cost
~60 ms, nearly all of it in that model. The reader only needs cell values, their types, number
formats, the formula text with its saved result, hidden rows and columns, and cell colours, so
this module parses those and nothing else, in one pass (about ten times faster).

Cell values follow openpyxl's conventions (so the reader's checks mean the same thing):
numbers are int or float, date-formatted numbers are datetimes (data type "d"), booleans are
bool ("b"), error literals are strings ("e"), formulas are "=…" text ("f") with the saved result
in `cached`. Unlike openpyxl, the OOXML escapes ``_xHHHH_`` in text are decoded as Excel does
(``_x000D_`` is a carriage return, ``_x005F_`` an underscore), so neither an escaped line break
nor a literal "_x000D_" typed by the clerk is misread.

The guard (guard.py) has already bounded the package's sizes before this runs; the worksheets it
deferred (guard.inspect(defer_sheets=True)) are checked against its limits in this same parse,
so that each sheet's XML is inflated and parsed once.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from . import guard
from .guard import MAX_ROW

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_M = "{%s}" % MAIN
_C, _V, _F, _IS, _T, _R, _RPH = (_M + t for t in ("c", "v", "f", "is", "t", "r", "rPh"))
_ROW, _COL, _SHEETDATA, _MERGE = (_M + t for t in ("row", "col", "sheetData", "mergeCell"))
_DRAWING = _M + "drawing"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class PackageError(Exception):
    """The package is not a readable workbook (missing or malformed parts)."""


def decode_escapes(text: str) -> str:
    """OOXML ``_xHHHH_`` escapes → characters, left to right as Excel reads them."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _plain_text(node: etree._Element) -> str:
    """The text of a shared or inline string: plain <t> and rich-text runs, not phonetic guides."""
    parts = []
    for child in node:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None and t.text:
                parts.append(t.text)
    return decode_escapes("".join(parts))


@dataclass(frozen=True, slots=True)
class Color:
    """A style colour, with openpyxl's attribute names: type is "rgb", "theme" or "indexed"."""

    type: str
    rgb: str | None = None
    theme: int | None = None
    indexed: int | None = None
    tint: float = 0.0


@dataclass(frozen=True, slots=True)
class Font:
    sz: float | None = None
    color: Color | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    patternType: str | None = None  # noqa: N815 — openpyxl's name
    fgColor: Color | None = None  # noqa: N815


@dataclass(frozen=True, slots=True)
class Style:
    """What the reader may ask of a cell's look."""

    number_format: str = "General"
    is_date: bool = False
    is_timedelta: bool = False
    font: Font = Font()
    fill: Fill = Fill()


@dataclass(slots=True)
class RowDimension:
    hidden: bool = False
    customHeight: bool = False  # noqa: N815 — openpyxl's name
    ht: float | None = None


@dataclass(slots=True)
class ColumnDimension:
    min: int = 0
    max: int = 0
    hidden: bool = False
    customWidth: bool = False  # noqa: N815 — openpyxl's name
    width: float | None = None


_DEFAULT_STYLE = Style()


@dataclass(slots=True)
class Cell:
    row: int
    column: int
    value: Any = None
    data_type: str = "n"
    cached: Any = None  # a formula's saved result, typed like a value; None when not saved
    style: Style = _DEFAULT_STYLE

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def number_format(self) -> str:
        return self.style.number_format

    @property
    def font(self) -> Font:
        return self.style.font

    @property
    def fill(self) -> Fill:
        return self.style.fill


@dataclass
class Sheet:
    title: str
    _cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_dimensions: dict[int, RowDimension] = field(default_factory=dict)
    column_dimensions: dict[int, ColumnDimension] = field(default_factory=dict)  # keyed by min
    merged: list[str] = field(default_factory=list)
    has_shapes: bool = False
    sheet_state: str = "visible"

    _extent: tuple[int, int] | None = None

    def forget(self, keys: list[tuple[int, int]]) -> None:
        """Drop cells (the guard's trimmed formatting below the last used row)."""
        for key in keys:
            del self._cells[key]
        self._extent = None

    def _bounds(self) -> tuple[int, int]:
        if self._extent is None:
            self._extent = (
                max((r for r, _ in self._cells), default=1),
                max((c for _, c in self._cells), default=1),
            )
        return self._extent

    @property
    def max_row(self) -> int:
        return self._bounds()[0]

    @property
    def max_column(self) -> int:
        return self._bounds()[1]

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column); an empty one, not stored, when the sheet has none there."""
        return self._cells.get((row, column)) or Cell(row, column)

    def __getitem__(self, coord: str) -> Cell:
        return self.cell(*coordinate_to_tuple(coord))

    def iter_rows(
        self,
        min_row: int = 1,
        max_row: int | None = None,
        min_col: int = 1,
        max_col: int | None = None,
        values_only: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        max_row = self.max_row if max_row is None else max_row
        max_col = self.max_column if max_col is None else max_col
        cells = self._cells
        cols = range(min_col, max_col + 1)
        for r in range(min_row, max_row + 1):
            if values_only:
                yield tuple((c.value if (c := cells.get((r, col))) is not None else None) for col in cols)
            else:
                yield tuple(self.cell(r, col) for col in cols)


@dataclass
class BadDate:
    """A date-formatted number outside Excel's dates (openpyxl turns it into #VALUE!)."""

    sheet: str
    coordinate: str
    serial: str


@dataclass
class Book:
    sheets: dict[str, Sheet]
    bad_dates: list[BadDate] = field(default_factory=list)

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    @property
    def worksheets(self) -> list[Sheet]:
        return list(self.sheets.values())

    def __getitem__(self, name: str) -> Sheet:
        return self.sheets[name]

    def __contains__(self, name: str) -> bool:
        return name in self.sheets


def _xml(zf: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            # No more than the directory declares (and the guard bounded): a part that inflates to
            # more than it claims is cut short here, not inflated whole into memory.
            data = fh.read(info.file_size)
        return etree.fromstring(data, _PARSER)
    except KeyError:
        raise PackageError(f"missing part {name}") from None
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"malformed XML in {name}: {exc}") from None


def _part(base: str, target: str) -> str:
    """A relationship target, resolved against the folder of the part that refers to it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part) for a part; {} when it has none."""
    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if name not in zf.NameToInfo:
        return {}
    out = {}
    for rel in _xml(zf, name):
        if rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id", "")] = (rel.get("Type", ""), _part(part, rel.get("Target", "")))
    return out


def _flag(value: str | None) -> bool:
    return value in ("1", "true")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _colour(node: etree._Element | None) -> Color | None:
    if node is None:
        return None
    tint = _float(node.get("tint")) or 0.0
    if node.get("rgb"):
        return Color("rgb", rgb=node.get("rgb", "").upper(), tint=tint)
    for kind in ("theme", "indexed"):
        value = node.get(kind)
        if value is not None and value.isdigit():
            return Color(kind, tint=tint, **{kind: int(value)})
    return None


def _styles(zf: zipfile.ZipFile, part: str | None) -> list[Style]:
    if part is None or part not in zf.NameToInfo:
        return []
    root = _xml(zf, part)
    custom = {n.get("numFmtId"): n.get("formatCode", "") for n in root.iterfind(f"{_M}numFmts/{_M}numFmt")}
    fonts = [
        Font(
            _float(f.find(_M + "sz").get("val")) if f.find(_M + "sz") is not None else None,
            _colour(f.find(_M + "color")),
        )
        for f in root.iterfind(f"{_M}fonts/{_M}font")
    ]
    fills = []
    for f in root.iterfind(f"{_M}fills/{_M}fill"):
        pattern = f.find(_M + "patternFill")
        if pattern is None:
            fills.append(Fill())
        else:
            fills.append(Fill(pattern.get("patternType"), _colour(pattern.find(_M + "fgColor"))))
    styles = []
    for xf in root.iterfind(f"{_M}cellXfs/{_M}xf"):
        fid = xf.get("numFmtId", "0")
        code = custom.get(fid)
        if code is None:
            code = BUILTIN_FORMATS.get(int(fid) if fid.isdigit() else 0, "General")
        font = int(xf.get("fontId", "0") or 0)
        fill = int(xf.get("fillId", "0") or 0)
        styles.append(
            Style(
                number_format=code,
                is_date=is_date_format(code),
                is_timedelta=is_timedelta_format(code),
                font=fonts[font] if font < len(fonts) else Font(),
                fill=fills[fill] if fill < len(fills) else Fill(),
            )
        )
    return styles


def _shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in zf.NameToInfo:
        return []
    return [_plain_text(si) for si in _xml(zf, part).iterfind(_M + "si")]


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


# Cell references seen (“D12” → (12, 4)): every unit's workbook has the same ones.
_COORDS: dict[str, tuple[int, int]] = {}
_COORDS_KEPT = 1 << 16


class _SheetReader:
    def __init__(self, book: Book, strings: list[str], styles: list[Style], epoch: dt.datetime):
        self.book, self.strings, self.styles, self.epoch = book, strings, styles, epoch
        self.by_id = {str(i): style for i, style in enumerate(styles)}  # the cell's s="…" as written

    def _style(self, s: str) -> Style:
        """A style index written otherwise (“07”), or out of range."""
        return self.styles[int(s)] if int(s) < len(self.styles) else _DEFAULT_STYLE

    def typed(self, sheet: str, coord: str, t: str, text: str | None, style: Style) -> tuple[Any, str]:
        """A stored value and its data type, as openpyxl would give them."""
        if text is None or text == "":
            return None, ("s" if t in ("s", "str", "inlineStr") else t if t in ("b", "e") else "n")
        if t == "n":
            value = _number(text)
            if style.is_date:
                try:
                    return from_excel(value, self.epoch, timedelta=style.is_timedelta), "d"
                except (OverflowError, ValueError):
                    self.book.bad_dates.append(BadDate(sheet, coord, text))
                    return "#VALUE!", "e"
            return value, "n"
        if t == "s":
            return self.strings[int(text)], "s"
        if t == "str":
            return decode_escapes(text), "s"
        if t == "b":
            return bool(int(float(text))), "b"
        if t == "d":
            return from_ISO8601(text), "d"
        return text, t  # "e" and anything unknown

    def read(self, title: str, root: etree._Element, limits: bool = False) -> tuple[Sheet, tuple[int, int, int]]:
        """The sheet, and for the guard's limits: (cells, last row with any cell, last row with a value).

        limits: the guard deferred this sheet's checks: stop at a value below MAX_ROW (refused)."""
        sheet = Sheet(title)
        last_any = last_valued = 0
        by_id = self.by_id
        cells = sheet._cells
        shared: dict[str, Translator] = {}
        for col in root.iterfind(f"{_M}cols/{_COL}"):
            lo = int(col.get("min", "1"))
            dim = ColumnDimension(
                lo,
                int(col.get("max", str(lo))),
                _flag(col.get("hidden")),
                _flag(col.get("customWidth")),
                _float(col.get("width")),
            )
            if dim.hidden or dim.customWidth:
                sheet.column_dimensions[lo] = dim
        data = root.find(_SHEETDATA)
        row_no = 0
        max_col = 0
        for row in data.iterchildren(_ROW) if data is not None else ():
            r = row.get("r")
            row_no = int(float(r)) if r else row_no + 1
            if _flag(row.get("hidden")) or _flag(row.get("customHeight")):
                sheet.row_dimensions[row_no] = RowDimension(
                    _flag(row.get("hidden")), _flag(row.get("customHeight")), _float(row.get("ht"))
                )
            col_no = 0
            for c in row.iterchildren(_C):
                coord = c.get("r")
                if coord:
                    where = _COORDS.get(coord)
                    if where is None:
                        where = coordinate_to_tuple(coord)
                        if len(_COORDS) < _COORDS_KEPT:
                            _COORDS[coord] = where
                    rr, col_no = where
                else:
                    col_no += 1
                    rr = row_no
                    coord = f"{get_column_letter(col_no)}{rr}"
                if col_no > max_col:
                    max_col = col_no
                s = c.get("s")
                style = (by_id.get(s) or self._style(s)) if s else _DEFAULT_STYLE
                t = c.get("t", "n")
                if not len(c):  # no value, no formula: a formatted empty cell (half of a template's cells)
                    if rr > last_any:
                        last_any = rr
                    dtype = t if t in ("inlineStr", "b", "e") else "s" if t in ("s", "str") else "n"
                    cells[(rr, col_no)] = Cell(rr, col_no, None, dtype, None, style)
                    continue
                first = c[0]
                if len(c) == 1 and first.tag != _F:  # one <v> or <is>: no path search (lxml's find is slow)
                    f = None
                    tag = first.tag
                    if t == "inlineStr":
                        held = first if tag == _IS else None
                        value, dtype = (_plain_text(held), "s") if held is not None else (None, "inlineStr")
                    else:
                        held = (first.text or "") if tag == _V else None
                        value, dtype = self.typed(title, coord, t, held, style)
                    cached = None
                    if rr > last_any:
                        last_any = rr
                    if rr > last_valued and held is not None:
                        last_valued = rr
                        if rr > MAX_ROW and limits:  # a value far below the report: the guard refuses, naming it
                            return sheet, (len(cells), last_any, rr)
                    cells[(rr, col_no)] = Cell(rr, col_no, value, dtype, cached, style)
                    continue
                f = c.find(_F)
                if t == "inlineStr":
                    held = c.find(_IS)
                    value, dtype = (_plain_text(held), "s") if held is not None else (None, "inlineStr")
                    cached = None
                else:
                    held = c.findtext(_V)
                    value, dtype = self.typed(title, coord, t, held, style)
                    cached = None
                if f is not None:
                    cached = value
                    value, dtype = self._formula(f, coord, shared), "f"
                if rr > last_any:
                    last_any = rr
                if rr > last_valued and (held is not None or f is not None):
                    last_valued = rr
                    if rr > MAX_ROW and limits:  # a value far below the report: the guard refuses, naming it
                        return sheet, (len(cells), last_any, rr)
                cells[(rr, col_no)] = Cell(rr, col_no, value, dtype, cached, style)
        sheet.merged = [m.get("ref", "") for m in root.iterfind(f"{_M}mergeCells/{_MERGE}")]
        if cells:
            sheet._extent = (max(last_any, 1), max(max_col, 1))  # known here: no second pass over the cells
        return sheet, (len(cells), last_any, last_valued)

    @staticmethod
    def _formula(f: etree._Element, coord: str, shared: dict[str, Translator]) -> str:
        text = "=" + (f.text or "")
        if f.get("t") == "shared":
            si = f.get("si", "")
            if si in shared:
                return shared[si].translate_formula(coord)
            if text != "=":
                shared[si] = Translator(text, coord)
        return text


def _has_shapes(zf: zipfile.ZipFile, part: str) -> bool:
    """A drawing with shapes or text boxes (openpyxl keeps only charts and images)."""
    if part not in zf.NameToInfo:
        return False
    root = _xml(zf, part)
    return any(True for _ in root.iter(f"{{{_XDR}}}sp", f"{{{_XDR}}}grpSp", f"{{{_XDR}}}cxnSp"))


_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": "sharedStrings",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml": "styles",
}


def _by_content_type(zf: zipfile.ZipFile) -> dict[str, str]:
    if "[Content_Types].xml" not in zf.NameToInfo:
        return {}
    out = {}
    for node in _xml(zf, "[Content_Types].xml"):
        kind = _CONTENT_TYPES.get(node.get("ContentType", ""))
        if kind and node.get("PartName"):
            out.setdefault(kind, node.get("PartName", "").lstrip("/"))
    return out


def _forget_below(sheet: Sheet, last: int) -> None:
    """Forget value-less (formatted) cells below the last used row, so row scans stay short."""
    sheet.forget([k for k, c in sheet._cells.items() if k[0] > last and c.value is None])  # noqa: SLF001


def _guarded_sheet(
    zf: zipfile.ZipFile, part: str, title: str, reader: _SheetReader, guarded: guard.GuardResult
) -> tuple[Sheet, etree._Element]:
    """Parse and read one worksheet once, making the guard's checks on the same parse when the
    guard deferred them (guard.inspect(defer_sheets=True)); the guard names any refusal."""
    if part not in guarded.deferred:
        root = _xml(zf, part)
        sheet, _ = reader.read(title, root)
        last = guarded.trim_rows.get(title)
    else:
        budget = guarded.budget[0]
        try:
            root = _xml(zf, part)
        except Exception:  # noqa: BLE001 — broken XML or zip data: the guard's own scan names it
            raise guard.refuse_sheet(zf, guarded, part, budget) from None
        info = root.getroottree().docinfo
        strict = any(ns and ns.startswith(guard.STRICT) for ns in (root.nsmap or {}).values())
        if info.doctype or info.internalDTD is not None or strict:
            raise guard.refuse_sheet(zf, guarded, part, budget)
        sheet, (cells, last_any, last_valued) = reader.read(title, root, limits=True)
        areas = [*sheet.merged, *(h.get("ref", "") for h in root.iterfind(f"{_M}hyperlinks/{_M}hyperlink"))]
        if not guard.sheet_limits_passed(guarded, part, cells, areas, (last_any, last_valued)):
            raise guard.refuse_sheet(zf, guarded, part, budget)
        last = max(last_valued, 1) if last_any > MAX_ROW else None
    if last is not None:
        _forget_below(sheet, last)
    return sheet, root


def load(zf: zipfile.ZipFile, guarded: guard.GuardResult | None = None) -> Book:
    """Every worksheet of the package, in workbook order. Raises PackageError when unreadable.

    guarded: what guard.inspect found; the worksheets it deferred are checked here, in the same
    parse that reads them (InputError when one is refused), and finish() is called.
    """
    guarded = guarded or guard.GuardResult()
    try:
        root_rels = _rels(zf, "")
    except PackageError:
        root_rels = {}
    workbook_part = next(
        (target for kind, target in root_rels.values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
    )
    workbook = _xml(zf, workbook_part)
    rels = _rels(zf, workbook_part)
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    for kind, part in _by_content_type(zf).items():
        by_type.setdefault(kind, part)  # as openpyxl finds them: a part declared without a relationship
    pr = workbook.find(_M + "workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    book = Book({})
    read: set[str] = set()
    reader = _SheetReader(
        book,
        _shared_strings(zf, by_type.get("sharedStrings")),
        _styles(zf, by_type.get("styles")),
        CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
    )
    for node in workbook.iterfind(f"{_M}sheets/{_M}sheet"):
        kind, part = rels.get(node.get(f"{{{REL}}}id", ""), ("", ""))
        if not kind.endswith("/worksheet"):
            continue  # chart sheets and dangling references hold no cells
        sheet, root = _guarded_sheet(zf, part, node.get("name", ""), reader, guarded)
        read.add(part)
        sheet.sheet_state = node.get("state", "visible")
        drawing = root.find(_DRAWING)
        if drawing is not None:
            sheet_rels = _rels(zf, part)
            target = sheet_rels.get(drawing.get(f"{{{REL}}}id", ""), ("", ""))[1]
            sheet.has_shapes = _has_shapes(zf, target)
        book.sheets[sheet.title] = sheet
    guard.finish(zf, guarded, read)
    return book
