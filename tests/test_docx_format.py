"""A Word document fit for sign-off: GB/T 9704-2012 page, fonts, page numbers, tables (issue 2, item 6)."""

from __future__ import annotations

import pytest
from conftest import examples
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

YEARS = examples()


@pytest.fixture(params=YEARS, ids=[str(y) for y in YEARS])
def year(request) -> int:
    return request.param


def _doc(generated, year: int = 2020):
    return Document(str(generated[year].docx))


def east_asia(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsiaTheme")) is None, "a theme font would override the named one"
    return fonts.get(qn("w:eastAsia"))


def test_a4_page_with_gbt9704_margins(generated, year):
    s = _doc(generated, year).sections[0]
    got = [
        round(x.mm, 1)
        for x in (s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    ]
    assert got == [210, 297, 37, 35, 28, 26]
    assert s.orientation == 0  # portrait


def test_fonts_sit_in_the_east_asia_slot(generated, year):
    styles = _doc(generated, year).styles
    assert east_asia(styles["报告标题"]) == "方正小标宋简体"
    assert styles["报告标题"].font.size == Pt(22)
    assert east_asia(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert east_asia(styles["Heading 1"]) == "黑体"
    assert east_asia(styles["Heading 2"]) == "楷体_GB2312"
    assert east_asia(styles["表格文字"]) == "仿宋_GB2312"


def test_body_has_fixed_line_spacing_and_two_character_indent(generated, year):
    normal = _doc(generated, year).styles["Normal"]
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(pf.line_spacing.pt - 28.95) < 0.1
    ind = normal.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_headings_and_body_paragraphs_use_their_styles(generated):
    doc = _doc(generated)
    by_text = {p.text: p.style.name for p in doc.paragraphs}
    assert by_text["一、总体情况"] == "Heading 1"
    assert by_text["五、政府信息公开工作存在的主要问题及改进情况"] == "Heading 1"
    assert by_text["（一）基层政务公开标准化规范化工作落实情况"] == "Heading 2"
    assert doc.paragraphs[0].style.name == "报告标题"


def test_page_numbers_odd_right_even_left(generated, year):
    doc = _doc(generated, year)
    settings = doc.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    s = doc.sections[0]
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")


def test_signature_and_date_close_the_document_right_aligned(generated):
    doc = _doc(generated)
    last = [p for p in doc.paragraphs if p.text.strip()][-2:]
    assert [p.text for p in last] == ["漳平市人民政府", "2021年1月29日"]
    assert all(p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in last)


def test_tables_repeat_headers_do_not_split_rows_and_fit_the_text_block(generated, year):
    doc = _doc(generated, year)
    text_width = Mm(210 - 28 - 26).twips
    for table, header_rows in zip(doc.tables, (0, 3, 3)):
        rows = table._tbl.findall(qn("w:tr"))
        for i, tr in enumerate(rows):
            tr_pr = tr.find(qn("w:trPr"))
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None
            assert (tr_pr.find(qn("w:tblHeader")) is not None) == (i < header_rows)
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= text_width
        sizes = {
            r.font.size.pt for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.font.size
        }
        assert max(sizes) <= 12, "table text is smaller than the 3号 body"


def test_every_run_names_its_east_asian_font(generated, year):
    """Fonts sit in the runs too, not only in styles: text pasted elsewhere keeps its font."""
    doc = _doc(generated, year)
    body = doc.element.body
    runs = [r for r in body.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]
    assert runs
    for r in runs:
        fonts = r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")), "a run without an East Asian font"
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    faces = {r.find(qn("w:rPr") + "/" + qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs}
    assert faces == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}


def test_paragraph_properties_follow_the_schema_order_word_requires(generated, year):
    """Word rejects out-of-order w:pPr children that LibreOffice forgives: check styles and body."""
    from generator.render.oxml import PPR_ORDER

    doc = _doc(generated, year)
    rank = {f"{{{qn('w:p').split('}')[0][1:]}}}{t}": i for i, t in enumerate(PPR_ORDER)}
    trees = [doc.styles.element, doc.element.body, *(s.footer._element for s in doc.sections)]
    trees += [s.even_page_footer._element for s in doc.sections]
    # A draft's header notice (issue 8, item 17); reading a missing header would create one.
    trees += [h._element for s in doc.sections for h in (s.header, s.even_page_header) if not h.is_linked_to_previous]
    checked = 0
    for tree in trees:
        for ppr in tree.iter(qn("w:pPr")):
            order = [rank[c.tag] for c in ppr if c.tag in rank]
            assert order == sorted(order), [c.tag.split("}")[1] for c in ppr]
            checked += 1
    assert checked > 50
