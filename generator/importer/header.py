"""Does a source table's header put each column under the labels the mandated layout does?

A header cell that spans the wrong number of columns (“法人或其他组织” over 4 columns, not 5)
moves the columns after it: 其他 lands outside its group and 总计 where 其他 belongs, and
reading by labels alone would swap their figures in every row. Here each header cell that the
layout gives columns under is compared with the columns it covers on the page; the columns whose
place is then in doubt are named, so that their figures are not placed by guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.spec import TableSpec
from .grid import GCell, Grid, loose_key


@dataclass
class Misplaced:
    """A header cell whose columns disagree with the mandated layout."""

    cell: GCell
    mandated: list[str]  # the layout's columns under it, left to right
    columns: list[int]  # grid columns (0-based) whose figures cannot be placed
    leaves: dict[int, str]  # those columns' lowest header text on the page


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(k in it for k in short)


def check_header(grid: Grid, band: list[int], paths: list[list[str]], table: TableSpec) -> list[Misplaced]:
    """Header cells of `band` (rows, top first) that cover other columns than the layout puts under them.

    paths: each grid column's header labels (label keys, outermost first), as the matcher reads them.
    """
    mandated: dict[tuple[str, ...], tuple[int, str]] = {}  # loose column path → (layout column, text)
    for info in table.fields.values():
        if info.col_path:
            mandated.setdefault(tuple(loose_key(t) for t in info.col_path), (info.col, info.col_path[-1]))
    if not mandated:
        return []
    known = {k for p in mandated for k in p}
    loose = [tuple(loose_key(k) for k in path) for path in paths]
    printed = {k for path in loose for k in path}

    def elsewhere(c: int, k: str) -> bool:
        """Column c can be read as a column of another group than k's: all that group's labels the
        page prints stand above c (a label the page leaves out altogether does not count)."""
        return any(
            _subsequence(loose[c], p) and all(x in loose[c] or x not in printed for x in p)
            for p in mandated
            if k not in p
        )

    ncols = len(paths)
    doubtful: set[int] = set()
    found: list[Misplaced] = []
    cells: list[GCell] = []
    for r in reversed(band):  # the lowest header first: a wrong span is named where it is
        for g in grid.rows[r]:
            if g is not None and g.label and g.row == r and g not in cells:
                cells.append(g)
    for g in cells:
        k = loose_key(g.text)
        own = [c for c in range(g.col, min(g.col + g.colspan, ncols))]
        if not k or not own or k not in loose[g.col] or doubtful & set(own):
            continue  # (a group holding columns already in doubt: the lower header is named)
        above = [a for a in loose[g.col][: loose[g.col].index(k)] if a in known]
        under = [p for p in mandated if k in p[:-1] and _subsequence(tuple(above), p)]
        if not under:
            continue  # a column label, or a label the layout does not give columns under
        leaves = {p[-1] for p in under}
        fits = [c for c in own if c not in doubtful and loose[c] and loose[c][-1] in leaves and loose[c][-1] != k]
        wrong = [c for c in own if c not in doubtful and c not in fits]
        # A column this group lacks, found outside it: it fits under this label and under no other.
        lacking = leaves - {loose[c][-1] for c in fits}
        outside = [
            c
            for c in range(ncols)
            if c not in own
            and c not in doubtful
            and loose[c]
            and loose[c][-1] in lacking
            and k not in loose[c]
            and any(_subsequence(loose[c], p) for p in under)
            and not elsewhere(c, k)
        ]
        if not wrong and not outside:
            continue
        span = [*own, *outside]
        columns = [c for c in range(min(span), max(span) + 1) if c not in fits and c not in doubtful]
        if not columns:
            continue
        doubtful.update(columns)
        layout = [text for _, text in sorted(mandated[p] for p in under)]
        leaf_text = {}
        for c in columns:
            low = next((grid.rows[r][c] for r in reversed(band) if grid.rows[r][c] is not None), None)
            leaf_text[c] = low.text if low is not None and low.label else ""
        found.append(Misplaced(g, layout, columns, leaf_text))
    return found
