"""Read a Word file (made by hand in Word or WPS, or by nianbao) into a Doc.

The body's XML is read directly: paragraphs and tables in order, gridSpan and vMerge turned
into colspan and rowspan. Text boxes, headers, footers and comments are not report text.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from .source import MAX_CELLS, MAX_DEPTH, MAX_DOCX_BYTES, MAX_XML_BYTES, Doc, RawTable, TCell, clamp_span, refuse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"


def _para_text(p: etree._Element) -> str:
    """A paragraph's text; a line break inside it becomes a newline."""
    out: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText", f"{W}txbxContent"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append(" ")
        elif el.tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
    return "".join(out)


def _in_textbox(el: etree._Element) -> bool:
    return any(a.tag == f"{W}txbxContent" for a in el.iterancestors())


def _cell_text(tc: etree._Element) -> str:
    lines = []
    for p in tc.iter(f"{W}p"):
        if not _in_textbox(p):
            lines.extend(line.strip() for line in _para_text(p).split("\n"))
    return "\n".join(line for line in lines if line)


class _Reader:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.tables = 0
        self.cells = 0

    def body(self, parent: etree._Element) -> None:
        for el in parent:
            if el.tag == f"{W}p":
                for line in _para_text(el).split("\n"):
                    if line.strip():
                        self.doc.blocks.append(" ".join(line.split()))
            elif el.tag == f"{W}tbl":
                if el.find(f".//{W}tbl") is not None:  # a layout table: read what it holds
                    for tr in el.findall(f"{W}tr"):
                        for tc in tr.findall(f"{W}tc"):
                            self.body(tc)
                else:
                    self.doc.blocks.append(self.table(el))
            elif el.tag in (f"{W}sdt", f"{W}customXml", f"{W}smartTag"):
                content = el.find(f"{W}sdtContent")
                self.body(content if content is not None else el)

    def table(self, tbl: etree._Element) -> RawTable:
        """Rows of cells; a vMerge continuation extends the rowspan of the cell it continues."""
        self.tables += 1
        rows: list[list[TCell]] = []
        open_merges: dict[int, TCell] = {}  # grid column → the cell a vertical merge continues
        for tr in tbl.iter(f"{W}tr"):
            row: list[TCell] = []
            col = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:
                col += clamp_span(before.get(f"{W}val"))
            for tc in tr.findall(f"{W}tc"):
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
                    cell = TCell(_cell_text(tc), 1, span)
                    row.append(cell)
                    if vmerge is not None:
                        open_merges[col] = cell
                    else:
                        open_merges.pop(col, None)
                col += span
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
    _Reader(doc).body(body)
    return doc
