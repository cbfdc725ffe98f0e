"""WordprocessingML details in one place: East Asian fonts, fields, table row properties."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt


def set_fonts(element, east_asia: str, latin: str | None = None) -> None:
    """Set rFonts on a run or style: python-docx's font.name does not set w:eastAsia."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    latin = latin or east_asia
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would win over the named one
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_first_line_chars(paragraph_format_element, chars: int, size_pt: float) -> None:
    """First-line indent counted in characters (w:firstLineChars), with a twips fallback."""
    ppr = paragraph_format_element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(Pt(size_pt * chars).twips)))


def add_field(paragraph, instruction: str, placeholder: str = "1"):
    """Append a complex field (e.g. PAGE) to the paragraph; returns the result run."""

    def fld(kind: str):
        r = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)
        return r

    fld("begin")
    instr_run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run._r.append(instr)
    fld("separate")
    result = paragraph.add_run(placeholder)
    fld("end")
    return result


def _tr_pr(row):
    return row._tr.get_or_add_trPr()


def repeat_as_header(row) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    _tr_pr(row).append(el)


def cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    _tr_pr(row).append(el)


def set_cell_margins(table, mm: float) -> None:
    from docx.shared import Mm

    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def set_table_width(table, twips: int) -> None:
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    w = OxmlElement("w:tblW")
    w.set(qn("w:w"), str(twips))
    w.set(qn("w:type"), "dxa")
    tbl_pr.append(w)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def set_cell_vertical_center(cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    v = OxmlElement("w:vAlign")
    v.set(qn("w:val"), "center")
    tc_pr.append(v)


def set_grid_widths(table, widths_twips: list[int]) -> None:
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_twips):
        col.set(qn("w:w"), str(w))


def set_doc_language(styles_element, lang: str = "zh-CN") -> None:
    """Default run language so Word picks Chinese line breaking and fonts."""
    rpr_default = styles_element.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:eastAsia"), lang)


def set_line_grid(section, line_pt: float) -> None:
    """Lines snap to a grid of this pitch: 22 lines a page as GB/T 9704 asks, not double-spaced."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(line_pt * 20)))


def no_snap_to_grid(style_element) -> None:
    ppr = style_element.get_or_add_pPr()
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    ppr.insert(0, el)

