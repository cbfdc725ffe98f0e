"""Read a Word file (made by hand in Word or WPS, or by nianbao) into a Doc.

The body's XML is read directly: paragraphs and tables in order, gridSpan and vMerge turned
into colspan and rowspan. Text boxes, headers, footers and comments are not report text.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..diagnostics import Severity
from .source import (
    MAX_CELLS,
    MAX_DEPTH,
    MAX_DOCX_BYTES,
    MAX_XML_BYTES,
    Doc,
    Ignored,
    RawTable,
    TCell,
    clamp_span,
    refuse,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DELETED = {f"{W}del", f"{W}moveFrom"}  # a move's origin is deleted text too
_NOT_TEXT = {f"{W}pPr", f"{W}rPr", f"{W}sdtPr", f"{W}sdtEndPr", f"{W}instrText", f"{W}delInstrText", f"{W}tblPr"}
_OFF = {"0", "false", "off"}


def _on(el: etree._Element | None) -> bool:
    """A Word toggle property (w:vanish, w:b, …): present and not switched off."""
    return el is not None and el.get(f"{W}val", "true").lower() not in _OFF


def _all_text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))


Look = dict[str, object]  # how a style shows text: "hidden", "struck", "white" (bool), "align" (vertAlign)


def _look(pr: etree._Element | None) -> Look:
    """The hidden / raised properties an rPr sets (absent ones are inherited)."""
    out: Look = {}
    if pr is None:
        return out
    for tag in ("vanish", "specVanish"):
        el = pr.find(f"{W}{tag}")
        if el is not None:
            out["hidden"] = bool(out.get("hidden")) or _on(el)
    color = pr.find(f"{W}color")
    if color is not None:
        out["white"] = color.get(f"{W}val", "").upper() == "FFFFFF"
    for tag in ("strike", "dstrike"):
        el = pr.find(f"{W}{tag}")
        if el is not None:
            out["struck"] = bool(out.get("struck")) or _on(el)
    align = pr.find(f"{W}vertAlign")
    if align is not None:
        out["align"] = align.get(f"{W}val", "baseline")
    return out


def read_styles(root: etree._Element) -> dict[str, Look]:
    """Style id → the hidden / raised look its run properties give text, through basedOn chains."""
    own: dict[str, tuple[Look, str]] = {}
    for st in root.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        if sid:
            based = st.find(f"{W}basedOn")
            own[sid] = (_look(st.find(f"{W}rPr")), based.get(f"{W}val", "") if based is not None else "")
    out: dict[str, Look] = {}
    for sid in own:
        chain, at = [], sid
        while at in own and at not in chain and len(chain) < 50:
            chain.append(at)
            at = own[at][1]
        look: Look = {}
        for at in reversed(chain):
            look.update(own[at][0])
        if look:
            out[sid] = look
    return out


class _Text:
    """The text Word shows for a paragraph, as if every tracked change were accepted.

    Deleted and moved-away text, hidden runs and text boxes are not part of it; in a table cell,
    superscript and subscript runs and footnote marks are not part of the figure either. All of
    that is collected in `ignored` (and text boxes in `boxes`), so that it is named, not lost.
    """

    def __init__(self, in_cell: bool, styles: dict[str, Look] | None = None):
        self.in_cell = in_cell
        self.styles = styles or {}
        self.para: Look = {}  # the look the paragraph's style gives its runs
        self.out: list[str] = []
        self.ignored: list[Ignored] = []
        self.boxes: list[str] = []

    def set_apart(self, what: str, text: str, mark: bool = False) -> None:
        if text.strip() or what == "脚注标记":
            self.ignored.append(Ignored(what, " ".join(text.split()), mark))

    def walk(self, el: etree._Element) -> None:
        for child in el:
            self.node(child)

    def node(self, child: etree._Element) -> None:
        tag = child.tag
        if not isinstance(tag, str) or tag in _NOT_TEXT:
            return
        if tag in _DELETED:
            self.set_apart("修订中删除的文字", _all_text(child))
        elif tag == f"{W}txbxContent":
            text = "\n".join(" ".join(_all_text(p).split()) for p in child.iter(f"{W}p"))
            if text.strip():
                self.boxes.append(text.strip())
                self.set_apart("文本框中的文字", text.replace("\n", " "))
        elif tag == f"{MC}AlternateContent":
            # Alternatives of one content (a text box as a drawing and as VML): read one.
            choice = child.find(f"{MC}Choice")
            chosen = choice if choice is not None else child.find(f"{MC}Fallback")
            if chosen is not None:
                self.walk(chosen)
        elif tag == f"{W}r":
            self.run(child)
        else:
            self.walk(child)  # w:ins, w:moveTo, w:hyperlink, w:sdt, w:smartTag, w:fldSimple, drawings

    def run(self, r: etree._Element) -> None:
        pr = r.find(f"{W}rPr")
        style = pr.find(f"{W}rStyle") if pr is not None else None
        look = {**self.para, **self.styles.get(style.get(f"{W}val", "") if style is not None else "", {}), **_look(pr)}
        hidden = bool(look.get("hidden"))
        raised = {"superscript": "上标", "subscript": "下标"}.get(str(look.get("align", "")))
        text: list[str] = []
        for el in r:
            if el.tag == f"{W}t":
                text.append(el.text or "")
            elif el.tag in (f"{W}tab", f"{W}ptab"):
                text.append(" ")
            elif el.tag in (f"{W}br", f"{W}cr"):
                text.append("\n")
            elif el.tag == f"{W}noBreakHyphen":
                text.append("-")
            elif el.tag in (f"{W}footnoteReference", f"{W}endnoteReference") and self.in_cell:
                self.set_apart("脚注标记", "", mark=True)
            elif el.tag != f"{W}delText":
                self.node(el)  # a drawing or an alternate content: text boxes
        joined = "".join(text)
        if hidden:
            self.set_apart("隐藏文字", joined)
        elif raised and self.in_cell:
            self.set_apart(raised, joined, mark=True)
        elif look.get("white") and self.in_cell:  # white on the cell's white paper: not seen
            self.set_apart("白色文字", joined)
        elif look.get("struck") and self.in_cell:  # as a page's <s>: struck out, not the figure
            self.set_apart("删除线文字", joined)
        else:
            self.out.append(joined)


def _para_text(p: etree._Element, reading: _Text | None = None) -> str:
    """A paragraph's text; a line break inside it becomes a newline."""
    reading = reading or _Text(in_cell=False)
    style = p.find(f"{W}pPr/{W}pStyle")
    reading.para = reading.styles.get(style.get(f"{W}val", ""), {}) if style is not None else {}
    start = len(reading.out)
    reading.walk(p)
    return "".join(reading.out[start:])


def _in_textbox(el: etree._Element) -> bool:
    return any(a.tag == f"{W}txbxContent" for a in el.iterancestors())


def _cell_text(tc: etree._Element, styles: dict[str, Look]) -> tuple[str, _Text]:
    reading = _Text(in_cell=True, styles=styles)
    lines = []
    for p in tc.iter(f"{W}p"):
        if not _in_textbox(p):
            lines.extend(line.strip() for line in _para_text(p, reading).split("\n"))
    return "\n".join(line for line in lines if line), reading


def _cells(tr: etree._Element):
    """A row's cells, also those wrapped in a cell-level content control or custom XML."""
    for el in tr:
        if el.tag == f"{W}tc":
            yield el
        elif el.tag in (f"{W}sdt", f"{W}customXml"):
            content = el.find(f"{W}sdtContent")
            yield from _cells(content if content is not None else el)


class _Reader:
    def __init__(self, doc: Doc, styles: dict[str, Look]):
        self.doc = doc
        self.styles = styles
        self.tables = 0
        self.cells = 0
        self.boxes: list[str] = []  # text box texts, anywhere in the body
        self.left_out: dict[str, int] = {}  # body text not shown: kind → count
        self.alt_chunks = 0

    def body(self, parent: etree._Element) -> None:
        for el in parent:
            if el.tag == f"{W}p":
                reading = _Text(in_cell=False, styles=self.styles)
                text = _para_text(el, reading)
                self.boxes.extend(reading.boxes)
                for i in reading.ignored:
                    if i.what != "文本框中的文字":
                        self.left_out[i.what] = self.left_out.get(i.what, 0) + 1
                for line in text.split("\n"):
                    if line.strip():
                        self.doc.blocks.append(" ".join(line.split()))
            elif el.tag == f"{W}tbl":
                if el.find(f".//{W}tbl") is not None:  # a layout table: read what it holds
                    for tr in el.findall(f"{W}tr"):
                        for tc in _cells(tr):
                            self.body(tc)
                else:
                    self.doc.blocks.append(self.table(el))
            elif el.tag in (f"{W}sdt", f"{W}customXml", f"{W}smartTag"):
                content = el.find(f"{W}sdtContent")
                self.body(content if content is not None else el)
            elif el.tag == f"{W}altChunk":
                self.alt_chunks += 1

    def notes(self) -> None:
        """Name what the body holds but the report text does not take."""
        if self.boxes:
            quoted = "、".join(f"「{b[:40]}{'…' if len(b) > 40 else ''}」" for b in self.boxes[:3])
            more = f"等 {len(self.boxes)} 个" if len(self.boxes) > 3 else ""
            self.doc.note(
                "I024",
                Severity.WARNING,
                f"Word 文件中有文本框，其中的文字不是报告正文，没有导入：{quoted}{more}。"
                "如果其中是报告的内容，请在 Word/WPS 中把它移入正文后再导入。",
            )
        if self.alt_chunks:
            self.doc.note(
                "I025",
                Severity.WARNING,
                f"Word 文件中有 {self.alt_chunks} 处以“嵌入文档”（altChunk，多来自程序合并或粘贴的网页、文档）保存的内容，"
                "本程序没有读取，其中的文字和表格都没有导入。请在 Word 中打开并另存为 .docx（嵌入的内容随之转为正文）后再导入。",
            )
        if self.left_out:
            counts = "、".join(f"{what} {n} 处" for what, n in self.left_out.items())
            self.doc.note(
                "I026",
                Severity.INFO,
                f"Word 文件正文中有{counts}：按接受全部修订、不显示隐藏文字时 Word 显示的样子导入，这些文字没有导入。",
            )

    def table(self, tbl: etree._Element) -> RawTable:
        """Rows of cells; a vMerge continuation extends the rowspan of the cell it continues."""
        self.tables += 1
        rows: list[list[TCell]] = []
        open_merges: dict[int, TCell] = {}  # grid column → the cell a vertical merge continues
        for tr in tbl.iter(f"{W}tr"):
            if tr.find(f"{W}trPr/{W}del") is not None:
                self.left_out["修订中删除的表格行"] = self.left_out.get("修订中删除的表格行", 0) + 1
                continue  # a row deleted in a tracked change
            row: list[TCell] = []
            col = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:  # grid columns left empty before the first cell
                col += clamp_span(before.get(f"{W}val"))
                row.append(TCell("", 1, col))
            for tc in _cells(tr):
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise refuse(
                        self.doc.path,
                        "I007",
                        f"Word 文件中的表格单元格超过 {MAX_CELLS} 个，不是正常的年度报告，已停止读取。",
                    )
                pr = tc.find(f"{W}tcPr")
                span = (
                    clamp_span(pr.find(f"{W}gridSpan").get(f"{W}val"))
                    if pr is not None and pr.find(f"{W}gridSpan") is not None
                    else 1
                )
                vmerge = pr.find(f"{W}vMerge") if pr is not None else None
                if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue" and col in open_merges:
                    open_merges[col].rowspan += 1
                else:
                    text, reading = _cell_text(tc, self.styles)
                    self.boxes.extend(reading.boxes)
                    cell = TCell(text, 1, span, ignored=tuple(reading.ignored))
                    row.append(cell)
                    if vmerge is not None:
                        open_merges[col] = cell
                    else:
                        open_merges.pop(col, None)
                col += span
            after = tr.find(f"{W}trPr/{W}gridAfter")
            if after is not None:  # grid columns left empty after the last cell
                row.append(TCell("", 1, clamp_span(after.get(f"{W}val"))))
            rows.append(row)
        return RawTable(self.tables, rows)


def read_docx(path: Path) -> Doc:
    doc = Doc(str(path), "DOCX")
    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise refuse(path, "I007", f"文件有 {size / 1048576:.0f} MB，远大于任何年度报告，为防止耗尽内存未读取。")
    try:
        with zipfile.ZipFile(path) as z:
            if "xl/workbook.xml" in z.namelist():
                raise refuse(
                    path,
                    "I002",
                    "这是 Excel 工作簿，不是已发布的报告：标准工作簿请直接用 generate check 或 generate 处理。",
                )
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise refuse(
                    path, "I007", "Word 文件的正文解压后过大，不是正常的年度报告（可能是恶意构造的文件），已停止读取。"
                )
            xml = z.read(info)
            core = z.read("docProps/core.xml") if "docProps/core.xml" in z.namelist() else b""
            styles_xml = b""
            if "word/styles.xml" in z.namelist():
                if z.getinfo("word/styles.xml").file_size > MAX_XML_BYTES:
                    raise refuse(path, "I007", "Word 文件的样式表解压后过大，不是正常的年度报告，已停止读取。")
                styles_xml = z.read("word/styles.xml")
    # Whatever zipfile or zlib raise on a damaged or encrypted package, the file is not readable.
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, KeyError, OSError, EOFError, ValueError, RuntimeError):
        raise refuse(
            path,
            "I002",
            "不是可读取的 Word 文件（.docx）：文件已损坏或不完整。旧版 .doc 文件请先在 Word/WPS 中另存为 .docx。",
        ) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise refuse(path, "I002", "Word 文件的正文已损坏，无法读取。请在 Word/WPS 中打开并重新保存后再试。") from None
    if core:
        try:
            title = etree.fromstring(core, parser).find(f"{_DC}title")
            doc.head_title = (title.text or "").strip() if title is not None else ""
        except etree.XMLSyntaxError:
            pass
    depth, stack = 0, [(root, 0)]
    while stack:
        el, d = stack.pop()
        depth = max(depth, d)
        if depth >= MAX_DEPTH:
            raise refuse(path, "I007", f"Word 文件的结构嵌套超过 {MAX_DEPTH} 层，不是正常的年度报告，已停止读取。")
        stack.extend((c, d + 1) for c in el)
    body = root.find(f"{W}body")
    if body is None:
        raise refuse(path, "I002", "Word 文件中没有正文。")
    try:  # hidden or superscript text can come from a style, not only from the run itself
        styles = read_styles(etree.fromstring(styles_xml, parser)) if styles_xml else {}
    except etree.XMLSyntaxError:
        styles = {}
    reader = _Reader(doc, styles)
    reader.body(body)
    reader.notes()
    return doc
