"""The vocabulary in which a mandated report format is written down, once, as data.

A table is a list of rows; a row lists its *origin* cells left to right, exactly as an HTML
table does: a cell spanning rows above occupies later rows, which list only what remains.
Labels are regulation text; fields are the numbers a clerk fills in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property


class Kind(str, Enum):
    """What a field may hold."""

    COUNT = "count"  # non-negative integer
    DELTA = "delta"  # integer that may be negative (本年增/减)
    AMOUNT = "amount"  # non-negative decimal, unit fixed by the format (万元)
    AMOUNT_TEXT = "amount_text"  # decimal; the unit may be written in the cell (2019 采购总金额)


class Role(str, Enum):
    TITLE = "title"  # a block title spanning the table (第二十条第（一）项)
    COL = "col"  # a column header
    ROW = "row"  # a row header


@dataclass(frozen=True)
class Label:
    text: str
    role: Role = Role.ROW
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Field:
    key: str
    kind: Kind = Kind.COUNT
    rowspan: int = 1
    colspan: int = 1


Item = Label | Field


@dataclass(frozen=True)
class Placed:
    """A cell of the logical grid: where an origin cell sits and what it spans."""

    row: int
    col: int
    item: Item

    @property
    def rowspan(self) -> int:
        return self.item.rowspan

    @property
    def colspan(self) -> int:
        return self.item.colspan

    def covers(self, row: int, col: int) -> bool:
        return self.row <= row < self.row + self.rowspan and self.col <= col < self.col + self.colspan


@dataclass(frozen=True)
class FieldInfo:
    """A field with the labels that name it (row path and column path, outermost first)."""

    key: str
    kind: Kind
    row: int
    col: int
    row_path: tuple[str, ...]
    col_path: tuple[str, ...]
    headers: tuple[tuple[int, int], ...] = ()  # grid positions of every label naming the field

    @property
    def row_label(self) -> str:
        return " ".join(self.row_path[-2:]) if self.row_path else ""

    @property
    def col_label(self) -> str:
        return " ".join(self.col_path[-2:]) if self.col_path else ""


@dataclass(frozen=True)
class TableSpec:
    """One mandated table of one format version."""

    id: str
    part: int  # the report part (二, 三, 四) that the table belongs to
    sheet: str  # the workbook sheet that holds it
    ncols: int
    rows: tuple[tuple[Item, ...], ...]
    header_rows: int = 0  # leading rows repeated at the top of each page
    col_widths: tuple[float, ...] = ()  # relative widths
    font_pt: float = 10.5
    note: str = ""  # a line under the table title in the workbook

    @cached_property
    def placed(self) -> tuple[Placed, ...]:
        """Every origin cell with its grid position; checks that the grid is rectangular."""
        occupied: set[tuple[int, int]] = set()
        out: list[Placed] = []
        for r, items in enumerate(self.rows):
            c = 0
            for item in items:
                while (r, c) in occupied:
                    c += 1
                cell = Placed(r, c, item)
                for rr in range(r, r + item.rowspan):
                    for cc in range(c, c + item.colspan):
                        if (rr, cc) in occupied or cc >= self.ncols or rr >= len(self.rows):
                            raise ValueError(f"{self.id}: cell {item} overlaps or overflows at {rr},{cc}")
                        occupied.add((rr, cc))
                out.append(cell)
                c += item.colspan
        missing = [(r, c) for r in range(len(self.rows)) for c in range(self.ncols) if (r, c) not in occupied]
        if missing:
            raise ValueError(f"{self.id}: grid positions not covered: {missing[:5]}")
        return tuple(out)

    @cached_property
    def grid(self) -> tuple[tuple[Placed, ...], ...]:
        """The logical grid: grid[r][c] is the origin cell covering (r, c)."""
        g: list[list[Placed | None]] = [[None] * self.ncols for _ in self.rows]
        for p in self.placed:
            for rr in range(p.row, p.row + p.rowspan):
                for cc in range(p.col, p.col + p.colspan):
                    g[rr][cc] = p
        return tuple(tuple(row) for row in g)  # type: ignore[arg-type]

    @cached_property
    def fields(self) -> dict[str, FieldInfo]:
        """Every field keyed by its key, in reading order, with the labels naming it."""
        out: dict[str, FieldInfo] = {}
        for p in self.placed:
            if isinstance(p.item, Field):
                if p.item.key in out:
                    raise ValueError(f"{self.id}: duplicate field {p.item.key}")
                rows, cols, title = self._row_headers(p), self._col_headers(p), self._block_title(p)
                out[p.item.key] = FieldInfo(
                    p.item.key,
                    p.item.kind,
                    p.row,
                    p.col,
                    tuple(c.item.text for c in rows),  # type: ignore[union-attr]
                    tuple(c.item.text for c in cols),  # type: ignore[union-attr]
                    tuple((c.row, c.col) for c in (*title, *cols, *rows)),
                )
        return out

    def _row_headers(self, p: Placed) -> list[Placed]:
        seen: list[Placed] = []
        for c in range(p.col):
            cell = self.grid[p.row][c]
            if isinstance(cell.item, Label) and cell.item.role is Role.ROW and cell not in seen:
                seen.append(cell)
        return seen

    def _col_headers(self, p: Placed) -> list[Placed]:
        """Column headers above the field: the nearest band of header cells, skipping data rows."""
        path: list[Placed] = []
        r = p.row - 1
        while r >= 0 and isinstance(self.grid[r][p.col].item, Field):
            r -= 1
        while r >= 0:
            cell = self.grid[r][p.col]
            if not (isinstance(cell.item, Label) and cell.item.role is Role.COL):
                break
            if cell not in path:
                path.append(cell)
            r -= 1
        return list(reversed(path))

    def _block_title(self, p: Placed) -> list[Placed]:
        """The nearest block title above (第二十条第（一）项), if the table has them."""
        for r in range(p.row - 1, -1, -1):
            cell = self.grid[r][p.col]
            if isinstance(cell.item, Label) and cell.item.role is Role.TITLE:
                return [cell]
        return []


@dataclass(frozen=True)
class SumRule:
    """total = sum(parts), all field keys of one table."""

    code: str
    table: str
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class BalanceRule:
    """sum(lhs) = sum(rhs): the official 勾稽关系."""

    code: str
    table: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


@dataclass(frozen=True)
class FormatSpec:
    """A format version: which years use it, its tables and the arithmetic they imply."""

    id: str
    document: str  # the issuing document, e.g. 国办公开办函〔2019〕60号
    first_year: int
    last_year: int | None
    tables: tuple[TableSpec, ...]
    sum_rules: tuple[SumRule, ...] = ()
    balance_rules: tuple[BalanceRule, ...] = ()
    amount_unit: str = ""  # the unit the format fixes for Kind.AMOUNT fields
    # What the format's instructions require beyond its tables; rules and wording read these,
    # never the version id.
    overview_max_chars: int | None = None  # “一、总体情况”篇幅上限 (F1)
    fee_report_required: bool = False  # 六 must report 信息处理费 (F2)
    states_counting_basis: bool = False  # part 二 counted as at 31 December, decisions incl. unpublished

    @cached_property
    def kinds(self) -> frozenset[Kind]:
        """Every kind of field the format's tables hold."""
        return frozenset(info.kind for t in self.tables for info in t.fields.values())

    def has_kind(self, kind: Kind | str) -> bool:
        """For templates, which name a kind by its value: spec.has_kind("delta")."""
        return Kind(kind) in self.kinds

    def table(self, table_id: str) -> TableSpec:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @cached_property
    def total_fields(self) -> dict[tuple[str, str], SumRule]:
        """(table, field) → the first sum rule that defines it as a total."""
        out: dict[tuple[str, str], SumRule] = {}
        for rule in self.sum_rules:
            out.setdefault((rule.table, rule.total), rule)
        return out
