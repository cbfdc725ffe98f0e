"""The document both renderers draw: blocks in reading order, tables as spanned grids.

Wording comes from templates/wording.j2; table structure from the format spec; text and
numbers from the report. The DOCX and HTML renderers only decide how each block looks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..formats.spec import Field, Label, TableSpec
from ..model import Paragraph, Report, Value
from ..templating import Wording

# Numbered paragraphs (一、（一）1.（1）) are headings only when they stand alone; real reports
# often run the heading into the body: “（一）主动公开方面。按照……”. GB/T 9704 practice then
# sets the heading words in the heading face and continues the body in the same paragraph.
#
# The rule, in order:
#   * a paragraph without a level marker is body text;
#   * a standalone heading is short (at most HEADING_CHARS characters) and has nothing after
#     its first full stop (。：？！). One that ends with such a stop is a heading only when a
#     deeper level or body text follows it (“1.加强用权公开工作。” then “（1）……”); followed by
#     a sibling or nothing it is an item of a list (“2.部分乡镇……不够规范。” then “3.……”);
#   * otherwise, when the first full stop comes within RUN_IN_LEAD_CHARS characters and text
#     follows it, the words up to and including that stop are a run-in heading (Para.lead);
#   * otherwise the whole paragraph is body text that merely starts with a number.
# Only standalone headings keep with the next paragraph; a run-in one is body text.
HEADING_CHARS = 40
RUN_IN_LEAD_CHARS = 30
STOPS = "。：？！"


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = a report part (一、…六、), 2 = （一）, 3 = 1., 4 = （1）


@dataclass(frozen=True)
class Para:
    text: str  # the whole paragraph, lead included
    level: int = 0  # the numbering level it starts with, 0 for plain body text
    lead: str = ""  # a run-in heading: the start of `text`, shown in the face of heading `level`

    @property
    def body(self) -> str:
        return self.text[len(self.lead) :]


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
    date: dt.date | None = None  # 成文日期: also the documents' creation date
    errors: int = 0  # findings of severity 错误: a report with any is a draft
    draft: str = ""  # the notice both outputs show on a draft (templates/wording.j2), else empty


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


def _first_stop(text: str) -> int:
    """Index of the first full stop (。：？！), or -1."""
    return min((i for i in (text.find(c) for c in STOPS) if i >= 0), default=-1)


def _narrative_block(p: Paragraph, next_level: int | None) -> Heading | Para:
    """A numbered paragraph as a standalone heading, a run-in heading with body, or body text."""
    text = p.text
    if p.level == 0:
        return Para(text)
    stop = _first_stop(text)
    after = text[stop + 1 :].strip() if stop >= 0 else ""
    if len(text) <= HEADING_CHARS and not after:
        ends_sentence = stop >= 0
        opens_a_section = next_level is not None and (next_level == 0 or next_level > p.level)
        if not ends_sentence or opens_a_section:
            return Heading(text, p.level)
    if stop >= 0 and after and stop + 1 <= RUN_IN_LEAD_CHARS:
        return Para(text, p.level, lead=text[: stop + 1])
    return Para(text, p.level)


def _narrative_blocks(paragraphs: list[Paragraph]) -> list[Block]:
    levels = [p.level for p in paragraphs]
    return [_narrative_block(p, levels[i + 1] if i + 1 < len(levels) else None) for i, p in enumerate(paragraphs)]


def build_outline(report: Report, wording: Wording | None = None, *, errors: int = 0) -> Outline:
    """The document to render; `errors` (the validation's 错误 count) above 0 marks it a draft."""
    w = wording or Wording()
    unit, year = report.unit, report.year
    title = w.report_title(unit, year)
    draft = w.draft_notice(errors) if errors else ""
    outline = Outline(title=title, year=year, unit_name=unit.name, date=unit.date, errors=errors, draft=draft)
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
