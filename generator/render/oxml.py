"""WordprocessingML details in one place: East Asian fonts, fields, table row properties."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

# Child order of w:pPr in the WordprocessingML schema (ECMA-376 CT_PPr). Word refuses a
# document whose properties are out of order, even where LibreOffice reads it.
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()


def set_ppr_child(ppr, tag: str):
    """The w:pPr child `tag`, created in its schema position if missing."""
    existing = ppr.find(qn(f"w:{tag}"))
    if existing is not None:
        return existing
    el = OxmlElement(f"w:{tag}")
    later = PPR_ORDER[PPR_ORDER.index(tag) + 1 :]
    ppr.insert_element_before(el, *(f"w:{t}" for t in later))
    return el


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
    ind = set_ppr_child(paragraph_format_element.get_or_add_pPr(), "ind")
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
    set_ppr_child(style_element.get_or_add_pPr(), "snapToGrid").set(qn("w:val"), "0")


def table_element(
    cells: list[dict],
    nrows: int,
    widths: list[int],
    *,
    header_rows: int,
    table_style: str,
    para_style: str,
    font_half_points: int,
    cell_margin_twips: int,
    fonts: tuple[str, str],
    keep_next_rows: frozenset[int] = frozenset(),
):
    """Build a whole w:tbl in one go (python-docx's cell merging is quadratic in table size).

    `cells` are origin cells: dicts with row, col, rowspan, colspan, text, bold, left, valign.
    Spans become w:gridSpan and w:vMerge restart/continue, as Word writes them. Rows in
    `keep_next_rows` keep with the next row (w:keepNext on their paragraphs: Word and
    LibreOffice both honour it in tables).
    """
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    covering: dict[tuple[int, int], dict] = {}
    for cell in cells:
        for r in range(cell["row"], cell["row"] + cell["rowspan"]):
            covering[(r, cell["col"])] = cell
    ncols = len(widths)
    margins = "".join(f'<w:{s} w:w="{cell_margin_twips}" w:type="dxa"/>' for s in ("top", "left", "bottom", "right"))
    out = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{table_style}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar>{margins}</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:firstColumn="1"'
        ' w:lastRow="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
    ]
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    east_asia, latin = (escape(f, {'"': "&quot;"}) for f in fonts)
    run_fonts = (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{east_asia}" w:hint="eastAsia"/>'
    )
    size = f'<w:sz w:val="{font_half_points}"/><w:szCs w:val="{font_half_points}"/>'
    for r in range(nrows):
        header = '<w:tblHeader w:val="true"/>' if r < header_rows else ""
        out.append(f'<w:tr><w:trPr><w:cantSplit w:val="true"/>{header}</w:trPr>')
        c = 0
        while c < ncols:
            cell = covering[(r, c)]
            span = cell["colspan"]
            width = sum(widths[c : c + span])
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                props += f'<w:gridSpan w:val="{span}"/>'
            first = r == cell["row"]
            if cell["rowspan"] > 1:
                props += '<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>"
            props += f'<w:vAlign w:val="{cell.get("valign", "center")}"/>'
            keep = "<w:keepNext/>" if r in keep_next_rows else ""
            jc = '<w:jc w:val="left"/>' if cell.get("left") else ""
            run = ""
            if first and cell["text"]:
                bold = "<w:b/>" if cell.get("bold") else ""
                run = f'<w:r><w:rPr>{run_fonts}{bold}{size}</w:rPr><w:t xml:space="preserve">{escape(cell["text"])}</w:t></w:r>'
            out.append(
                f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{para_style}"/>{keep}{jc}</w:pPr>{run}</w:p></w:tc>'
            )
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))


_VML = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
# Word's own definition of a WordArt text path (shape type 136), as it writes it for a watermark.
_TEXTPATH_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(
        f'<v:f eqn="{e}"/>'
        for e in (
            "sum #0 0 10800",
            "prod #0 2 1",
            "sum 21600 0 @1",
            "sum 0 0 @2",
            "sum 21600 0 @3",
            "if @0 @3 0",
            "if @0 21600 @1",
            "if @0 0 @2",
            "if @0 @4 21600",
            "mid @5 @6",
            "mid @8 @5",
            "mid @7 @8",
            "mid @6 @7",
            "sum @6 0 @5",
        )
    )
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
)


def watermark_run(text: str, font: str, color: str, width_pt: float, height_pt: float, number: int = 1):
    """A run holding a diagonal watermark (VML WordArt behind the text, as Word's 水印 writes it).

    Placed in a header, it shows on every page; Word and LibreOffice both read this form.
    `number` keeps the shape ids of several headers (odd and even pages) distinct.
    """
    from xml.sax.saxutils import escape, quoteattr

    from docx.oxml import parse_xml

    style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width_pt:.1f}pt;height:{height_pt:.1f}pt;"
        "rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        "mso-position-vertical:center;mso-position-vertical-relative:margin"
    )
    path_style = quoteattr(f'font-family:"{font}";font-size:1pt')
    xml = (
        f"<w:r {_VML}><w:rPr><w:noProof/></w:rPr><w:pict>{_TEXTPATH_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{1024 + number}" type="#_x0000_t136" style="{style}" '
        f'o:allowincell="f" fillcolor="#{escape(color)}" stroked="f"><v:fill opacity=".5"/>'
        f"<v:textpath style={path_style} string={quoteattr(text)}/>"
        '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
    )
    return parse_xml(xml)
