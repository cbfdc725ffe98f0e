"""Read generated documents back as a person sees them: paragraphs in order, tables as spanned grids.

Used by the fidelity and layout tests for both the DOCX and the HTML output.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "zhangping-2020-report.txt"  # see tests/data/README.md


def norm(text: str) -> str:
    """NFKC, no whitespace: how the fidelity test compares text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Table:
    cells: list[Cell] = field(default_factory=list)  # origin cells in reading order

    def texts(self) -> list[str]:
        """Non-empty cell texts row by row, a merged cell counted once."""
        return [norm(c.text) for c in self.cells if norm(c.text)]

    def spans(self) -> dict[tuple[int, int], tuple[int, int]]:
        return {(c.row, c.col): (c.rowspan, c.colspan) for c in self.cells}

    def grid(self) -> list[list[str]]:
        nrows = max(c.row + c.rowspan for c in self.cells)
        ncols = max(c.col + c.colspan for c in self.cells)
        g = [[None] * ncols for _ in range(nrows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    assert g[r][k] is None, f"overlap at {r},{k}"
                    g[r][k] = norm(c.text)
        assert all(v is not None for row in g for v in row), "grid has holes"
        return g  # type: ignore[return-value]


@dataclass
class Doc:
    paragraphs: list[str]  # outside tables, in order, normalized, empty ones dropped
    tables: list[Table]
    order: list[str | Table]  # paragraphs and tables interleaved


# --- DOCX -----------------------------------------------------------------------------------


def _docx_table(tbl) -> Table:
    table = Table()
    open_cells: dict[int, Cell] = {}  # grid column → cell being continued by vMerge
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span, vmerge = 1, None
            if tc_pr is not None:
                gs = tc_pr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = int(gs.get(qn("w:val")))
                vm = tc_pr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val")) or "continue"
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if vmerge == "continue":
                above = open_cells[col]
                above.rowspan += 1
            else:
                cell = Cell(text, r, col, 1, span)
                table.cells.append(cell)
                if vmerge == "restart":
                    open_cells[col] = cell
                else:
                    open_cells.pop(col, None)
            col += span
    return table


def read_docx(path: Path) -> Doc:
    document = Document(str(path))
    paragraphs: list[str] = []
    tables: list[Table] = []
    order: list[str | Table] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = norm("".join(t.text or "" for t in child.iter(qn("w:t"))))
            if text:
                paragraphs.append(text)
                order.append(text)
        elif child.tag == qn("w:tbl"):
            t = _docx_table(child)
            tables.append(t)
            order.append(t)
    return Doc(paragraphs, tables, order)


# --- HTML -----------------------------------------------------------------------------------


class _HTMLReader(HTMLParser):
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Doc([], [], [])
        self._text: list[str] | None = None
        self._table: Table | None = None
        self._row = -1
        self._occupied: set[tuple[int, int]] = set()
        self._cell: Cell | None = None
        self._in_caption = False
        self._skip = 0  # inside <style>, <title>, <head> …

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "title", "script"):
            self._skip += 1
        elif tag == "table":
            self._table, self._row, self._occupied = Table(), -1, set()
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._table is not None:
            self._row += 1
        elif tag in ("td", "th") and self._table is not None:
            col = 0
            while (self._row, col) in self._occupied:
                col += 1
            rs, cs = int(a.get("rowspan") or 1), int(a.get("colspan") or 1)
            for r in range(self._row, self._row + rs):
                for c in range(col, col + cs):
                    self._occupied.add((r, c))
            self._cell = Cell("", self._row, col, rs, cs, tag == "th")
        elif tag in self.BLOCKS and self._table is None:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "script"):
            self._skip -= 1
        elif tag == "table" and self._table is not None:
            self.doc.tables.append(self._table)
            self.doc.order.append(self._table)
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table.cells.append(self._cell)
            self._cell = None
        elif tag in self.BLOCKS and self._text is not None:
            text = norm("".join(self._text))
            if text:
                self.doc.paragraphs.append(text)
                self.doc.order.append(text)
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._skip or self._in_caption:
            return
        if self._cell is not None:
            self._cell.text += data
        elif self._text is not None:
            self._text.append(data)


def read_html(path: Path) -> Doc:
    reader = _HTMLReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.doc


# --- the seed ---------------------------------------------------------------------------------


def read_seed(path: Path = SEED) -> tuple[list[str], list[list[str]]]:
    """The seed's paragraphs (normalized) and its tables as sequences of non-empty cell texts."""
    paragraphs: list[str] = []
    tables: list[list[str]] = []
    pending: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "|" in line:
            pending.append(line)
            continue
        if pending:
            tables.append([norm(c) for c in "".join(pending).split("|") if norm(c)])
            pending = []
        if norm(line):
            paragraphs.append(norm(line))
    if pending:
        tables.append([norm(c) for c in "".join(pending).split("|") if norm(c)])
    return paragraphs, tables


def drop_page_repeat(cells: list[str], label: str = norm("三、本年度办理结果")) -> list[str]:
    """The seed repeats this label where the printed table crossed a page; the only allowed difference."""
    out, seen = [], False
    for c in cells:
        if c == label:
            if seen:
                continue
            seen = True
        out.append(c)
    return out
