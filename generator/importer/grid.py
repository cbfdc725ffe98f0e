"""Any table, however it was laid out, as a rectangular grid of cells with their spans resolved.

Also what a cell *is* (a label, a figure, empty), judged from its text the same way for every
source, and the label key under which texts are compared with the mandated wording.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from .source import Ignored, RawTable

# Quotes, spaces and invisible characters differ between pages and never distinguish two labels.
_NOISE = re.compile(r"[\s\u200b\ufeff\u00a0\u3000“”\"'‘’「」『』:：]")
# Leading enumerators: 一、 (一) 1. 1、 (1) ①
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\(\d+\)|\d+[.、]|[①-⑳])")
# A figure as pages write it: digits with separators, sign, unit; or a dash / slash placeholder.
_FIGURE = re.compile(
    r"[+\-−]?\d[\d,，]*(?:\.\d+)?\s*(?:万元|元|千元|亿元|件|个|条|项|次|人次|家|份|宗|起)?|[/\\／—\-－–~～…]+"
)


@cache
def label_key(text: str) -> str:
    """Compare labels as people read them: NFKC, no spaces, line breaks, quotes or colons."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


@cache
def loose_key(text: str) -> str:
    """label_key without the leading enumerator (“1.” “（一）”), for a second, looser look."""
    return _ENUM.sub("", label_key(text))


# A footnote mark printed after a figure: circled or superscript digits, *, ※, †, 注1 / （注1），
# or a bracketed number as Word's web pages print a footnote reference (20[1]).
# NFKC would turn ① and ¹ into digits (20① → 201), so marks are taken off before anything else.
_MARK_CHARS = "①-⑳㉑-㉟㊱-㊿⑴-⒇⒈-⒛❶-❿➀-➉➊-➓⓫-⓴⓵-⓾¹²³⁰⁴-⁹*＊※†‡"
_MARK = re.compile(
    rf"^(?P<figure>.*?)\s*(?P<mark>[(（\[【]?注释?\s*[\d{_MARK_CHARS}]*[)）\]】]?|[{_MARK_CHARS}]+|[\[［]\d{{1,2}}[\]］])$",
    re.S,
)
_MARK_ANYWHERE = re.compile(rf"[{_MARK_CHARS}]")


def split_mark(text: str) -> tuple[str, str]:
    """A figure and the footnote mark printed after it: “20①” → (“20”, “①”); else (text, "")."""
    m = _MARK.match(text.strip())
    if m is None or not m.group("figure") or not any(ch.isdigit() for ch in m.group("figure")):
        return text, ""
    figure = m.group("figure")
    return (figure, m.group("mark")) if _is_bare_figure(figure) else (text, "")


def figure_text(text: str) -> str:
    """A figure cell's text with the spaces a page puts between split tags removed.

    Only spaces within a line: two lines (“12” and “3” in separate paragraphs of one cell) are
    never run together into 123; they stay apart and the cell is reported as not a number.
    """
    return " ".join(re.sub(r"[^\S\n]+", "", line) for line in text.split("\n") if line.strip())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_bare_figure(text: str) -> bool:
    if _MARK_ANYWHERE.search(text):
        return False  # “①20”, “2¹0”: a mark inside is not a digit
    t = unicodedata.normalize("NFKC", _compact(text))
    return bool(t) and _FIGURE.fullmatch(t) is not None


@cache
def is_figure(text: str) -> bool:
    """A figure as pages write it, possibly followed by a footnote mark (split_mark)."""
    return _is_bare_figure(split_mark(_compact(text))[0])


@dataclass(eq=False)
class GCell:
    text: str
    row: int  # origin position in the grid
    col: int
    rowspan: int
    colspan: int
    source_row: int  # 1-based row in the source table, for messages
    source_col: int  # 1-based cell position within its source row
    table: int  # the source table's number
    ignored: tuple[Ignored, ...] = ()  # what the reader kept out of text (source.Ignored)
    page: int = 0  # a PDF's page the cell starts on (0: not paged); the figure's Value.page

    @cached_property
    def figure(self) -> bool:
        return is_figure(self.text)

    @cached_property
    def empty(self) -> bool:
        return not self.text.strip()

    @cached_property
    def label(self) -> bool:
        return not self.empty and not self.figure


class Grid:
    """grid[r][c] is the origin cell covering (r, c), or None where the source left a hole."""

    def __init__(self) -> None:
        self.rows: list[list[GCell | None]] = []
        self.widths: list[int] = []  # columns each row covers as the source wrote it (before padding)

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def add(self, table: RawTable, skip: int = 0) -> None:
        """Append a source table's rows, laying out rowspan/colspan the way a browser does.

        A fragment that continues a table on a new page lacks the row labels spanning down from
        the page before: a row narrower than the table so far takes them from the row above.
        skip: leading rows left out (header rows repeated from the fragment before).
        """
        rows = table.rows[skip:]
        top = len(self.rows)
        width = self.ncols
        pending: dict[tuple[int, int], GCell] = {}
        for i, row in enumerate(rows):
            r = top + i
            out: list[GCell | None] = []
            c = 0

            def fill_pending() -> None:
                nonlocal c
                while (r, c) in pending:
                    out.append(pending.pop((r, c)))
                    c += 1

            for j, cell in enumerate(row):
                fill_pending()
                g = GCell(
                    cell.text,
                    r,
                    c,
                    cell.rowspan,
                    cell.colspan,
                    skip + i + 1,
                    j + 1,
                    table.number,
                    cell.ignored,
                    cell.page,
                )
                for k in range(cell.colspan):
                    out.append(g)
                    for rr in range(r + 1, min(r + cell.rowspan, top + len(rows))):
                        pending[(rr, c + k)] = g
                c += cell.colspan
            fill_pending()
            # A rowspan from above can sit right of the last declared cell.
            for rr, cc in sorted(k for k in pending if k[0] == r):
                while len(out) < cc:
                    out.append(None)
                out.append(pending.pop((rr, cc)))
            deficit = width - len(out)
            if top and deficit > 0 and self.rows:
                above = self.rows[-1][:deficit]
                if all(g is not None and g.label for g in above):
                    out = [*above, *out]
            self.rows.append(out)
            self.widths.append(len(out))
        width = self.ncols
        for row in self.rows:
            row.extend([None] * (width - len(row)))

    def width(self, r: int) -> int:
        """The columns row r covers as its source wrote it (the grid's width for rows not added by add())."""
        return self.widths[r] if r < len(self.widths) else len(self.rows[r])

    def origins(self, r: int) -> list[GCell]:
        """The distinct cells covering row r, left to right."""
        seen: list[GCell] = []
        for g in self.rows[r]:
            if g is not None and (not seen or seen[-1] is not g) and g not in seen:
                seen.append(g)
        return seen

    def own(self, r: int) -> list[GCell]:
        """The cells that start in row r."""
        return [g for g in self.origins(r) if g.row == r]

    def has_figures(self, r: int) -> bool:
        return any(g.figure for g in self.own(r))

    def row_labels(self, r: int) -> list[GCell]:
        return [g for g in self.origins(r) if g.label]
