"""Pages as LibreOffice lays them out: no half-empty page, no table label cut in two (issue 8, item 16).

The example reports are rendered as they are, with a few lines of text added to part 一 so that
the tables of parts 二–四 meet a page break at different rows, and with their （一）headings run
into the body as many real reports write them (“（一）主动公开。全年……”, item 14). Each DOCX goes to PDF
(LibreOffice) and to page images (pdftoppm); the empty space under the last ink of every page
but the last is measured, and the words of each merged row label are looked for on the pages.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import INPUTS, examples
from extract import norm
from pages import BLOCK_MM, PT_PER_MM, blank_tail, convert_to_pdf, inked_rows, words

from generator.formats import format_for_year
from generator.formats.spec import Label, Role
from generator.model import Paragraph
from generator.render.docx import render_docx
from generator.render.outline import build_outline
from generator.workbook import read_workbook

# Lines of text added to part 一: together they move part 三's table across a whole page
# (22 lines), so the page break falls at its start, in its big merged group and near its end.
SHIFTS = (0, 5, 9, 13, 17)
# Keeping a merged group of rows on one page (at most 8 rows, （三）不予公开) may leave about a
# third of a page empty; half a page is what the issue saw and what no layout here may leave.
MAX_BLANK = 0.4
FILLER = "本段文字用于移动表格在页面上的位置，共二十六个字。"
RUN_IN = "run-in"


def run_in(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Each （一）heading with the body text under it as one paragraph: “（一）主动公开。全年……”."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if out and out[-1].level == 2 and p.level not in (1, 2):
            out[-1] = Paragraph(out[-1].text + p.text, 2)
        elif p.level == 2:
            out.append(Paragraph(p.text if p.text[-1] in "。：" else p.text + "。", 2))
        else:
            out.append(p)
    return out


def _render(year: int, variant: int | str, folder: Path) -> Path:
    report, _ = read_workbook(INPUTS / f"{year}.xlsx", format_for_year(year), year)
    if variant == RUN_IN:
        for key in ("overview", "problems"):
            section = report.sections[key]
            section.paragraphs = run_in(section.paragraphs)
    else:
        report.sections["overview"].paragraphs.extend(Paragraph(FILLER) for _ in range(variant))
    path = folder / f"r{year}-{variant}.docx"
    with path.open("wb") as fh:
        render_docx(build_outline(report), fh)
    return path


@pytest.fixture(scope="module")
def layouts(tmp_path_factory) -> dict[tuple[int, int | str], Path]:
    folder = tmp_path_factory.mktemp("page-fill")
    cases = list(itertools.product(examples(), (*SHIFTS, RUN_IN)))
    docs = [_render(year, k, folder) for year, k in cases]
    return dict(zip(cases, convert_to_pdf(docs, folder)))


def test_no_page_but_the_last_is_left_half_empty(layouts):
    problems = []
    for (year, k), pdf in layouts.items():
        pages = inked_rows(pdf)
        assert len(pages) >= 4, f"{pdf.name}: implausibly short"
        for n, rows in enumerate(pages[:-1], start=1):
            blank = blank_tail(rows)
            if blank > MAX_BLANK:
                problems.append(f"{year} {k}: page {n} is {blank:.0%} empty")
    assert problems == []


def _column_bounds(weights: tuple[float, ...]) -> list[tuple[float, float]]:
    """Each grid column's left and right edge in points (the table fills the text block)."""
    left, right = BLOCK_MM[0] * PT_PER_MM, BLOCK_MM[2] * PT_PER_MM
    edges = [left + (right - left) * sum(weights[:i]) / sum(weights) for i in range(len(weights) + 1)]
    return list(zip(edges, edges[1:]))


def test_merged_row_labels_of_part_three_are_never_cut_by_a_page_break(layouts):
    """A label spanning several rows (三、本年度办理结果, （三）不予公开 …) stays whole on one page.

    Part 三's table lies on each page between its (repeated) header 申请人情况 and the row
    四、结转下年度继续办理 or the page's end; the words there inside a label's own column are
    that column's merged labels, and each must be found whole on some page, never in pieces.
    """
    problems = []
    for (year, k), pdf in layouts.items():
        table = next(t for t in format_for_year(year).tables if t.part == 3)
        merged = [p for p in table.placed if isinstance(p.item, Label) and p.item.role is Role.ROW and p.rowspan > 1]
        bounds = _column_bounds(table.col_widths)
        found = words(pdf)
        by_page: dict[int, list] = {}
        for w in found:
            by_page.setdefault(w.page, []).append(w)
        for col in sorted({p.col for p in merged}):
            labels = [norm(p.item.text) for p in merged if p.col == col]
            x0, x1 = bounds[col]
            for page, ws in by_page.items():
                head = [w for w in ws if norm(w.text) == "申请人情况"]
                if not head:
                    continue
                top = head[0].y0
                end = [w.y1 for w in ws if norm(w.text).startswith("四、结转下年度") and w.y0 > top]
                bottom = end[0] if end else BLOCK_MM[3] * PT_PER_MM
                inside = sorted(
                    (w for w in ws if top <= w.y0 <= bottom and w.x0 >= x0 - 1 and w.x1 <= x1 + 1),
                    key=lambda w: (round(w.y0), w.x0),
                )
                text = "".join(norm(w.text) for w in inside)
                rest = text
                for label in labels:
                    rest = rest.replace(label, "")
                if rest:
                    problems.append(f"{year} {k}, page {page}: “{text}” holds a label cut in two")
    assert problems == []


def test_docx_tables_say_where_they_may_break(generated):
    """Without LibreOffice: merged groups keep together, the tall label sits at its cell's top."""
    from docx import Document
    from docx.oxml.ns import qn

    for year, gen in generated.items():
        spec = next(t for t in format_for_year(year).tables if t.part == 3)
        tbl = Document(str(gen.docx)).tables[1]._tbl
        rows = tbl.findall(qn("w:tr"))
        keeps = [tr.find(f".//{qn('w:keepNext')}") is not None for tr in rows]
        merged = [p for p in spec.placed if isinstance(p.item, Label) and p.item.role is Role.ROW and p.rowspan > 1]
        tall = [p for p in merged if p.rowspan > 8]
        assert [norm(p.item.text) for p in tall] == ["三、本年度办理结果"]
        for p in merged:
            if p in tall:
                assert keeps[p.row], "the tall label's first row keeps with the next"
                assert not all(keeps[p.row : p.row + p.rowspan - 1]), "the tall group may break"
            else:
                assert all(keeps[p.row : p.row + p.rowspan - 1]), f"{year} {p.item.text} may be split"
        assert all(keeps[: spec.header_rows]), "the header keeps with the first row"
        assert keeps[-2] and not keeps[-1]
        label_tc = next(
            tc for tc in rows[tall[0].row].findall(qn("w:tc")) if "三、本年度办理结果" in "".join(tc.itertext())
        )
        assert label_tc.find(f"{qn('w:tcPr')}/{qn('w:vAlign')}").get(qn("w:val")) == "top"
