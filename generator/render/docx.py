"""Render the outline as a Word document fit for sign-off (GB/T 9704-2012 layout).

The look comes from templates/docx_style.toml; the words from the outline.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..provenance import Provenance
from ..templating import templates_dir
from . import docx_package, oxml
from .outline import Heading, Outline, Para, Signature, TableView, Title

TWIPS_PER_MM = 1440 / 25.4
SECTION_TAG = qn("w:sectPr")
PARAGRAPH_TAG = qn("w:p")
RUN_IN_STYLE = "段首标题 {}"  # character style of a run-in heading of level 1–3
# templates/docx_style.toml [draft], for a unit's own copy of the file written before it existed.
DRAFT_DEFAULTS = {
    "font": "黑体",
    "size_pt": 14,
    "color": "C00000",
    "watermark": "草稿",
    "watermark_font": "黑体",
    "watermark_color": "D0D0D0",
}


def load_style(path: Path | None = None) -> dict[str, Any]:
    """templates/docx_style.toml, checked (render/docx_style.py): a mistake names file and line."""
    from .docx_style import load_style as checked

    return checked(path or templates_dir() / "docx_style.toml")


def _para_style(doc, name: str, base: str | None = None):
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    return style


def _setup_styles(doc, st: dict[str, Any]) -> None:
    body = st["body"]
    normal = doc.styles["Normal"]
    oxml.set_fonts(normal.element, body["font"], body.get("fallback"))
    normal.font.size = Pt(body["size_pt"])
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(body["line_pt"])
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = True
    oxml.set_first_line_chars(normal.element, body["indent_chars"], body["size_pt"])
    oxml.set_doc_language(doc.styles.element)

    title = _para_style(doc, "报告标题", "Normal")
    t = st["title"]
    oxml.set_fonts(title.element, t["font"], t.get("fallback"))
    title.font.size = Pt(t["size_pt"])
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(t["line_pt"])
    title.paragraph_format.space_after = Pt(body["line_pt"] * t.get("space_after_lines", 1))
    title.paragraph_format.first_line_indent = Pt(0)
    oxml.set_first_line_chars(title.element, 0, 0)
    oxml.no_snap_to_grid(title.element)

    for level in (1, 2, 3):
        h = doc.styles[f"Heading {level}"]
        spec = st[f"heading{level}"]
        h.base_style = normal
        oxml.set_fonts(h.element, spec["font"], body.get("fallback"))
        h.font.size = Pt(spec["size_pt"])
        h.font.bold = bool(spec.get("bold", False))
        h.font.italic = False
        h.font.color.rgb = RGBColor(0, 0, 0)
        hpf = h.paragraph_format
        hpf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hpf.line_spacing = Pt(body["line_pt"])
        hpf.space_before = Pt(0)
        hpf.space_after = Pt(0)
        hpf.keep_with_next = True
        hpf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        oxml.set_first_line_chars(h.element, body["indent_chars"], spec["size_pt"])
        # The same face for a heading run into its paragraph (“（一）主动公开方面。按照……”).
        lead = doc.styles.add_style(RUN_IN_STYLE.format(level), WD_STYLE_TYPE.CHARACTER)
        oxml.set_fonts(lead.element, spec["font"], body.get("fallback"))
        lead.font.size = Pt(spec["size_pt"])
        lead.font.bold = bool(spec.get("bold", False))

    cell = _para_style(doc, "表格文字", "Normal")
    oxml.set_fonts(cell.element, st["table"]["font"], body.get("fallback"))
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.first_line_indent = Pt(0)
    oxml.set_first_line_chars(cell.element, 0, 0)
    oxml.no_snap_to_grid(cell.element)

    sig = _para_style(doc, "落款", "Normal")
    sig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sig.paragraph_format.right_indent = Pt(body["size_pt"] * st["signature"]["right_indent_chars"])
    oxml.set_first_line_chars(sig.element, 0, 0)

    pn = _para_style(doc, "页码", "Normal")
    oxml.set_fonts(pn.element, st["page_number"]["font"])
    pn.font.size = Pt(st["page_number"]["size_pt"])
    pn.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    oxml.set_first_line_chars(pn.element, 0, 0)
    oxml.no_snap_to_grid(pn.element)


def _setup_page(doc, st: dict[str, Any]) -> None:
    p = st["page"]
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(p["width_mm"]), Mm(p["height_mm"])
    section.top_margin, section.bottom_margin = Mm(p["top_mm"]), Mm(p["bottom_mm"])
    section.left_margin, section.right_margin = Mm(p["left_mm"]), Mm(p["right_mm"])
    section.footer_distance = Mm(p["footer_mm"])
    oxml.set_line_grid(section, st["body"]["line_pt"])
    doc.settings.odd_and_even_pages_header_footer = True
    dash = st["page_number"]["dash"]
    one_char = Pt(st["page_number"]["size_pt"])
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        para = footer.paragraphs[0]
        para.style = doc.styles["页码"]
        para.alignment = align
        if align is WD_ALIGN_PARAGRAPH.RIGHT:
            para.paragraph_format.right_indent = one_char
        else:
            para.paragraph_format.left_indent = one_char
        font = st["page_number"]["font"]
        _run(para, f"{dash} ", font)
        oxml.set_fonts(oxml.add_field(para, "PAGE")._r, font)
        _run(para, f" {dash}", font)


def _mark_draft(doc, notice: str, st: dict[str, Any]) -> list:
    """A draft shows what is wrong on every page: a red notice in the header and a watermark.

    Returns the runs holding the notice, for a template document to reword per report.
    """
    notices = []
    d = {**DRAFT_DEFAULTS, **st.get("draft", {})}
    p = st["page"]
    width_pt = (p["width_mm"] - p["left_mm"] - p["right_mm"]) * 72 / 25.4 * 0.9
    section = doc.sections[0]
    for number, header in enumerate((section.header, section.even_page_header), start=1):
        header.is_linked_to_previous = False
        para = header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        oxml.set_first_line_chars(para._p, 0, 0)
        run = _run(para, notice, d["font"])
        notices.append(run)
        run.font.size = Pt(d["size_pt"])
        run.font.bold = True
        run.font.color.rgb = RGBColor.from_string(d["color"])
        mark = d.get("watermark")
        if mark:
            run = oxml.watermark_run(mark, d["watermark_font"], d["watermark_color"], width_pt, width_pt / 2, number)
            para._p.append(run)
    return notices


def _text_width_twips(st: dict[str, Any]) -> int:
    p = st["page"]
    return int((p["width_mm"] - p["left_mm"] - p["right_mm"]) * TWIPS_PER_MM)


def _lines(text: str, width_twips: int, font_pt: float) -> int:
    """How many lines `text` takes in a cell this wide: CJK characters one em, others half."""
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)
    per_line = max(1.0, width_twips / (font_pt * 20))
    return max(1, math.ceil(ems / per_line))


def _page_break_plan(view: TableView, widths: list[int], margin: int, keep_group_rows: int):
    """Where the table may break across pages, and which tall labels sit at the top of their cell.

    LibreOffice and Word cut a vertically merged cell at a page break and, when its text is
    centred, the words fall wherever the middle of the group lands (“三、本 / 年度办理结果”).
    So: a row of labels only (header rows, 第二十条第（一）项, 信息内容) keeps with the next
    row; a merged row group of at most `keep_group_rows` rows ((三)不予公开 has 8) keeps its
    rows together, its label whole and centred; a taller label (三、本年度办理结果, 20–22 rows)
    cannot stay together without leaving most of a page empty, so its text is set at the top
    of the cell and only its first rows, as many as its text needs, keep together; the table
    above it may break, and the label column stays empty on the next page. The last row keeps
    with the one before. Rows never split inside themselves (w:cantSplit), and the header rows
    repeat on every page.
    Returns (rows that keep with the next row, ids of cells aligned to the top).
    """
    keep: set[int] = set()
    top: set[str] = set()
    nrows = len(view.rows)
    row_lines = [1] * nrows
    for row in view.rows:
        for c in row:
            if c.rowspan == 1:
                w = sum(widths[c.col : c.col + c.colspan]) - 2 * margin
                row_lines[c.row] = max(row_lines[c.row], _lines(c.text, w, view.font_pt))
    for row in view.rows:
        if row and all(c.kind != "data" for c in row) and row[0].row < nrows - 1:
            keep.add(row[0].row)
    if nrows - view.header_rows > 2:
        keep.add(nrows - 2)  # the last row never stands alone under the repeated header
    for row in view.rows:
        for c in row:
            if c.kind != "row" or c.rowspan == 1:
                continue
            last = c.row + c.rowspan - 1
            if c.rowspan <= keep_group_rows:
                keep.update(range(c.row, last))
                continue
            top.add(c.id)
            need = _lines(c.text, sum(widths[c.col : c.col + c.colspan]) - 2 * margin, view.font_pt)
            r, have = c.row, row_lines[c.row]
            while have < need and r < last:
                keep.add(r)
                r += 1
                have += row_lines[r]
    return keep, top


def _add_table(doc, view: TableView, st: dict[str, Any]) -> None:
    total = _text_width_twips(st)
    weights = view.col_widths
    widths = [int(total * w / sum(weights)) for w in weights]
    margin = int(st["table"]["cell_margin_mm"] * TWIPS_PER_MM)
    keep, top = _page_break_plan(view, widths, margin, st["table"].get("keep_group_rows", 8))
    cells = [
        {
            "row": vc.row,
            "col": vc.col,
            "rowspan": vc.rowspan,
            "colspan": vc.colspan,
            "text": vc.text,
            "bold": vc.kind == "title",
            "left": vc.kind == "row" and vc.colspan == 1 and len(vc.text) > 8,
            "valign": "top" if vc.id in top else "center",
        }
        for row in view.rows
        for vc in row
    ]
    tbl = oxml.table_element(
        cells,
        len(view.rows),
        widths,
        header_rows=view.header_rows,
        table_style=doc.styles["Table Grid"].style_id,
        para_style=doc.styles["表格文字"].style_id,
        font_half_points=round(view.font_pt * 2),
        fonts=(st["table"]["font"], st["body"].get("fallback") or st["table"]["font"]),
        cell_margin_twips=margin,
        keep_next_rows=frozenset(keep),
    )
    doc.element.body.insert_element_before(tbl, "w:sectPr")


def _run(paragraph, text: str, east_asia: str, latin: str | None = None):
    """A run with its fonts named in the run too, so text pasted into another document keeps them."""
    run = paragraph.add_run(text)
    oxml.set_fonts(run._r, east_asia, latin)
    return run


def _add_paragraph(doc, text: str, style_id: str, fonts: tuple[str, str | None]):
    """Add a paragraph by style id: looking styles up by name costs a scan per paragraph."""
    p = doc.add_paragraph()
    p._p.get_or_add_pPr().style = style_id
    if text:
        _run(p, text, *fonts)
    return p


def _add_title(doc, text: str, unit_name: str, st: dict[str, Any]) -> None:
    """A long title breaks after the unit's name rather than mid-word."""
    p = doc.add_paragraph(style="报告标题")
    fonts = (st["title"]["font"], st["title"].get("fallback"))
    width_chars = (st["page"]["width_mm"] - st["page"]["left_mm"] - st["page"]["right_mm"]) / (
        st["title"]["size_pt"] * 25.4 / 72
    )
    if unit_name and text.startswith(unit_name) and len(text) > width_chars and len(text) > len(unit_name):
        _run(p, unit_name, *fonts).add_break()
        _run(p, text[len(unit_name) :], *fonts)
    else:
        _run(p, text, *fonts)


@dataclass
class _Template:
    """A document with the styles, page, footers (and a draft's header) set up, reused per report."""

    doc: Any
    notices: list  # the draft header's notice runs
    static: dict[str, bytes] = field(default_factory=dict)  # bytes of parts every report shares
    lock: threading.Lock = field(default_factory=threading.Lock)


# Setting up styles and page through python-docx, parsing its template and serialising the
# unchanged parts cost most of a render: done once per style, draft-ness and provenance.
_TEMPLATES: dict[tuple[str, bool, bool], _Template] = {}


def _template(st: dict[str, Any], draft: bool, provenance: bool) -> _Template:
    key = (json.dumps(st, sort_keys=True, ensure_ascii=False, default=str), draft, provenance)
    template = _TEMPLATES.get(key)
    if template is None:
        doc = Document()
        _setup_styles(doc, st)
        _setup_page(doc, st)
        notices = _mark_draft(doc, "", st) if draft else []
        template = _TEMPLATES.setdefault(key, _Template(doc, notices))
    return template


def _clear_body(doc) -> None:
    """Empty the body but for its section properties (page set-up, footers, headers)."""
    body = doc.element.body
    section = body.find(SECTION_TAG)
    body.clear()  # removing children one by one costs more than the whole render of a report
    if section is not None:
        body.append(section)


def render_docx(
    outline: Outline, out: BinaryIO, style: dict[str, Any] | None = None, provenance: Provenance | None = None
) -> None:
    """Write the document to a binary file object: the same outline and provenance, the same bytes."""
    st = style or load_style()
    template = _template(st, bool(outline.draft), provenance is not None)
    with template.lock:
        doc = template.doc
        _clear_body(doc)
        for run in template.notices:
            run.text = outline.draft
        docx_package.set_properties(doc, outline.title, outline.unit_name, outline.date, provenance)
        _add_blocks(doc, outline, st)
        docx_package.save(doc, out, outline.date, template.static)


def _add_blocks(doc, outline: Outline, st: dict[str, Any]) -> None:
    ids = {name: doc.styles[name].style_id for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "落款")}
    latin = st["body"].get("fallback")
    body_fonts = (st["body"]["font"], latin)
    heading_fonts = {level: (st[f"heading{level}"]["font"], latin) for level in (1, 2, 3)}
    run_in = {level: doc.styles[RUN_IN_STYLE.format(level)].style_id for level in (1, 2, 3)}
    for block in outline.blocks:
        if isinstance(block, Title):
            _add_title(doc, block.text, outline.unit_name, st)
        elif isinstance(block, Heading):
            level = min(block.level, 3)
            _add_paragraph(doc, block.text, ids[f"Heading {level}"], heading_fonts[level])
        elif isinstance(block, Para) and block.lead:
            level = min(block.level, 3)
            p = _add_paragraph(doc, "", ids["Normal"], body_fonts)
            # By id: python-docx's run.style setter scans every style for the default one.
            _run(p, block.lead, *heading_fonts[level])._r.get_or_add_rPr().style = run_in[level]
            _run(p, block.body, *body_fonts)
        elif isinstance(block, Para):
            _add_paragraph(doc, block.text, ids["Normal"], body_fonts)
        elif isinstance(block, TableView):
            _add_table(doc, block, st)
        elif isinstance(block, Signature):
            # GB/T 9704: the 落款 and date never stand alone on a page; they keep the text's last lines.
            last = doc.element.body[-2] if len(doc.element.body) > 1 else None
            if last is not None and last.tag == PARAGRAPH_TAG:
                last.get_or_add_pPr().keepNext_val = True
            space = Pt(st["body"]["line_pt"] * st["signature"]["space_before_lines"])
            for i, line in enumerate(block.lines):
                p = _add_paragraph(doc, line, ids["落款"], body_fonts)
                p.paragraph_format.keep_with_next = i < len(block.lines) - 1
                if i == 0:
                    p.paragraph_format.space_before = space
