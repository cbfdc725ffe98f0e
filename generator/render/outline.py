"""The document both renderers draw: blocks in reading order, tables as spanned grids.

Wording comes from templates/wording.j2; table structure from the format spec; text and
numbers from the report. The DOCX and HTML renderers only decide how each block looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats.spec import Field, Label, TableSpec
from ..model import Paragraph, Report, Value
from ..templating import Wording

# A numbered level-3/4 paragraph this short is a heading; longer ones are body text that
# merely starts with a run-in number (“1.组织实施。成立……”).
RUN_IN_HEADING_CHARS = 40


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = a report part (一、…六、), 2 = （一）, 3 = 1., 4 = （1）


@dataclass(frozen=True)
class Para:
    text: str
    level: int = 0  # the numbering level it starts with, 0 for plain body text


@dataclass(frozen=True)
class ViewCell:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    kind: str  # "title" | "col" | "row" | "data"
    id: str
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableView:
    id: str
    caption: str
    ncols: int
    rows: tuple[tuple[ViewCell, ...], ...]  # origin cells only, per grid row
    header_rows: int
    col_widths: tuple[float, ...]
    font_pt: float

    def grid(self) -> list[list[str]]:
        """The logical grid: every position filled with the text of the cell covering it."""
        g = [[""] * self.ncols for _ in self.rows]
        for row in self.rows:
            for c in row:
                for rr in range(c.row, c.row + c.rowspan):
                    for cc in range(c.col, c.col + c.colspan):
                        g[rr][cc] = c.text
        return g


@dataclass(frozen=True)
class Signature:
    lines: tuple[str, ...]


Block = Title | Heading | Para | TableView | Signature


@dataclass
class Outline:
    title: str
    blocks: list[Block] = field(default_factory=list)
    year: int = 0
    unit_name: str = ""


def table_view(table: TableSpec, values: dict[str, Value], caption: str) -> TableView:
    def cid(r: int, c: int) -> str:
        return f"{table.id}-r{r + 1}c{c + 1}"

    rows: list[list[ViewCell]] = [[] for _ in table.rows]
    for p in table.placed:
        if isinstance(p.item, Label):
            kind = p.item.role.value
            text = p.item.text
            headers: tuple[str, ...] = ()
        else:
            assert isinstance(p.item, Field)
            kind = "data"
            v = values.get(p.item.key)
            text = v.display() if v is not None else ""
            headers = tuple(cid(r, c) for r, c in table.fields[p.item.key].headers)
        rows[p.row].append(ViewCell(text, p.row, p.col, p.rowspan, p.colspan, kind, cid(p.row, p.col), headers))
    return TableView(
        id=table.id,
        caption=caption,
        ncols=table.ncols,
        rows=tuple(tuple(r) for r in rows),
        header_rows=table.header_rows,
        col_widths=table.col_widths or (1.0,) * table.ncols,
        font_pt=table.font_pt,
    )


def _narrative_blocks(paragraphs: list[Paragraph]) -> list[Block]:
    out: list[Block] = []
    for p in paragraphs:
        short = len(p.text) <= RUN_IN_HEADING_CHARS and p.text.rstrip("。").count("。") == 0
        if p.level in (1, 2) or (p.level in (3, 4) and short):
            out.append(Heading(p.text, p.level))
        else:
            out.append(Para(p.text, p.level))
    return out


def build_outline(report: Report, wording: Wording | None = None) -> Outline:
    w = wording or Wording()
    unit, year = report.unit, report.year
    title = w.report_title(unit, year)
    outline = Outline(title=title, year=year, unit_name=unit.name)
    blocks = outline.blocks
    blocks.append(Title(title))
    # The intro is what the clerk left in the 引言 sheet, standard paragraph included (init writes it).
    blocks.extend(_narrative_blocks(report.sections["intro"].paragraphs))
    tables = {t.part: t for t in report.spec.tables}
    narrative = {1: "overview", 5: "problems", 6: "other"}
    for part in range(1, 7):
        if part in narrative:
            section = report.sections[narrative[part]]
            blocks.append(Heading(w.part_heading(part, section.title), 1))
            blocks.extend(_narrative_blocks(section.paragraphs))
        else:
            blocks.append(Heading(w.part_heading(part), 1))
            table = tables[part]
            blocks.append(table_view(table, report.tables[table.id], w.table_caption(part)))
    lines = tuple(x for x in (unit.signature or unit.name, w.date_cn(unit.date)) if x)
    blocks.append(Signature(lines))
    return outline
