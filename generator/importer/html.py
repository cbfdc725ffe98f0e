"""Read a published web page (as served, or saved by a browser) into a Doc.

Only text is read: scripts, styles, event handlers, frames and forms are dropped before any
text is taken, and nothing in the page is ever executed or carried into the workbook.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ..diagnostics import Severity
from .source import MAX_CELLS, MAX_DEPTH, MAX_HTML_BYTES, Doc, Ignored, RawTable, TCell, clamp_span, refuse

_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb_2312-80"}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "head",
    "select",
    "option",
    "textarea",
    "button",
    "input",
    "canvas",
    "audio",
    "video",
    "map",
}
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "center",
    "form",
    "fieldset",
    "address",
    "figure",
    "figcaption",
    "hr",
    "tr",
    "td",
    "th",
    "caption",
    "body",
}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u200b\u2002\u2003\u2009\ufeff]+")


def _encoding_name(name: str) -> str:
    name = name.strip().lower()
    return "gb18030" if name in _GB else name


def decode(data: bytes, doc: Doc) -> str:
    """The page's text: UTF-8, GBK/GB2312/GB18030 with or without a declared charset."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    declared = _DECLARED.search(data[:65536])
    tried = ["utf-8"]
    if declared:
        tried.append(_encoding_name(declared.group(1).decode("ascii", "replace")))
    for enc in tried:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000], cp_isolation=["gb18030", "big5", "utf_16", "utf_8"]).best()
    enc = _encoding_name(best.encoding) if best is not None else "gb18030"
    enc = "gb18030" if enc in ("gbk", "gb2312") else enc
    text = data.decode(enc, errors="replace")
    if "\ufffd" in text:
        doc.note(
            "I008",
            Severity.WARNING,
            f"网页编码无法完全识别（按 {enc} 读取），个别字符显示为“�”。请核对导入的文字，必要时用浏览器另存为 UTF-8 后再导入。",
        )
    return text


def _depth(root: etree._Element) -> int:
    deepest, stack = 0, [(root, 0)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in el)
    return deepest


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class _Walker:
    """Turns the element tree into text blocks and tables, in reading order."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.line: list[str] = []
        self.tables = 0
        self.cells = 0
        self.hidden = 0  # hidden elements of the body text, not imported

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.doc.blocks.append(text)

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if not tag or tag in _SKIP:
            self.line.append(el.tail or "")
            return
        if _is_hidden(el) and not el.xpath(".//table"):  # not shown: not report text (tables still read)
            if _plain_text(el).strip():
                self.hidden += 1
            self.line.append(el.tail or "")
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.doc.blocks.append(self.table(el))
            self.line.append(el.tail or "")
            return
        block = tag in _BLOCK or tag == "table"
        if block:
            self.flush()
        if tag == "br":
            self.flush()
        self.line.append(el.text or "")
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self.line.append(el.tail or "")

    def table(self, el: etree._Element) -> RawTable:
        self.tables += 1
        rows: list[list[TCell]] = []
        for tr in el.iter("tr"):
            row = []
            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise refuse(
                        self.doc.path,
                        "I007",
                        f"网页中的表格单元格超过 {MAX_CELLS} 个，不是正常的年度报告页面，已停止读取。",
                    )
                text, ignored = cell_content(td)
                row.append(TCell(text, clamp_span(td.get("rowspan")), clamp_span(td.get("colspan")), ignored=ignored))
            rows.append(row)
        return RawTable(self.tables, rows)


# Inside a table cell, text that is not part of the figure the cell shows: marks printed above or
# below the line (20<sup>1</sup> is 20 with a note mark), struck-through text, hidden elements.
_MARKS = {"sup": "上标", "sub": "下标"}
_STRUCK = {"del", "s", "strike"}
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0*\.?0+(?![.\d])|opacity\s*:\s*0*\.?0+(?![.\d])", re.I
)  # also text of size 0 or fully transparent: not shown
_RAISED_STYLE = re.compile(r"vertical-align\s*:\s*(super|sub)", re.I)


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_MEDIA = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
_COMPOUND = re.compile(r"([A-Za-z][\w-]*)?((?:[.#][\w-]+)*)")


def _hide_by_style_sheet(root: etree._Element) -> None:
    """Elements that a rule in the page's <style> hides (display:none, …) get the `hidden`
    attribute, so that a cell sets their text apart as it does for an inline style. Only each
    selector's last compound is matched (.fn, span.fn, #n1): when a rule is narrower than that,
    the text is still named in a finding, never silently read into a figure."""
    hidden: list[tuple[str, set[str], set[str]]] = []  # (tag or "", classes, ids)
    for style in root.iter("style"):
        css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        css = _MEDIA.sub("", css)  # print-only or small-screen rules do not hide text on this page
        for selectors, body in _RULE.findall(css):
            if not _HIDDEN_STYLE.search(body):
                continue
            for selector in selectors.split(","):
                words = selector.split()
                m = _COMPOUND.fullmatch(words[-1]) if words else None
                if m and m.group(2):  # a class or id: a bare tag would be a page-wide guess
                    parts = re.findall(r"([.#])([\w-]+)", m.group(2))
                    hidden.append(
                        ((m.group(1) or "").lower(), {n for k, n in parts if k == "."}, {n for k, n in parts if k == "#"})
                    )
    if not hidden:
        return
    for el in root.iter():
        if not isinstance(el.tag, str) or not (el.get("class") or el.get("id")):
            continue
        classes, eid = set((el.get("class") or "").split()), el.get("id") or ""
        if any((not t or t == el.tag.lower()) and c <= classes and (not i or i == {eid}) for t, c, i in hidden):
            el.set("hidden", "")


def _is_hidden(node: etree._Element) -> bool:
    return node.get("hidden") is not None or bool(_HIDDEN_STYLE.search(node.get("style") or ""))


def _set_apart(node: etree._Element) -> Ignored | None:
    """What an element inside a cell is, when its text is not part of the cell's figure."""
    tag = _tag(node)
    style = node.get("style") or ""
    if _is_hidden(node):
        return Ignored("隐藏文字", "")
    if tag in _MARKS:
        return Ignored(_MARKS[tag], "", mark=True)
    if m := _RAISED_STYLE.search(style):
        return Ignored("上标" if m.group(1).lower() == "super" else "下标", "", mark=True)
    if tag in _STRUCK:
        return Ignored("删除线文字", "")
    return None


def _plain_text(node: etree._Element) -> str:
    """An element's text without that of scripts, styles and the like inside it."""
    out = [node.text or ""]
    for child in node:
        if _tag(child) and _tag(child) not in _SKIP:
            out.append(_plain_text(child))
        out.append(child.tail or "")
    return "".join(out)


def cell_content(el: etree._Element) -> tuple[str, tuple[Ignored, ...]]:
    """A cell's text (inner paragraphs and <br> become line breaks, scripts and styles dropped) and
    what was kept out of it: superscripts, subscripts, struck-through and hidden text."""
    parts: list[str] = [el.text or ""]
    ignored: list[Ignored] = []

    def inner(node: etree._Element) -> None:
        tag = _tag(node)
        if tag and tag not in _SKIP:
            apart = _set_apart(node)
            if apart is not None:
                text = _SPACES.sub(" ", _plain_text(node)).strip()
                if text:
                    ignored.append(Ignored(apart.what, text, apart.mark))
            else:
                if tag in _BLOCK or tag == "br":
                    parts.append("\n")
                parts.append(node.text or "")
                for c in node:
                    inner(c)
                if tag in _BLOCK:
                    parts.append("\n")
        parts.append(node.tail or "")

    for child in el:
        inner(child)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line), tuple(ignored)


def cell_text(el: etree._Element) -> str:
    """A cell's text, without what cell_content sets apart."""
    return cell_content(el)[0]


def read_html(path: Path) -> Doc:
    doc = Doc(str(path), "HTML")
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise refuse(
            path,
            "I007",
            f"文件有 {size / 1048576:.0f} MB，远大于任何年度报告网页（通常不到 1 MB），为防止耗尽内存未读取。"
            "请确认选择的是报告网页本身。",
        )
    data = path.read_bytes()
    if not data.strip():
        raise refuse(path, "I002", "文件是空的，不是年度报告网页。")
    text = decode(data, doc)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    doc.truncated = not re.search(r"</html\s*>|</body\s*>", text[-4096:], re.I)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise refuse(path, "I002", f"无法按网页读取（{type(exc).__name__}），不是年度报告网页。") from None
    if _depth(root) >= MAX_DEPTH:
        raise refuse(
            path,
            "I007",
            f"网页元素嵌套超过 {MAX_DEPTH} 层，不是正常的年度报告页面（可能是恶意构造的文件），已停止读取。",
        )
    active = root.xpath(
        "count(//script|//iframe|//object|//embed|//*[@*[starts-with(name(), 'on')]]|//a[starts-with(normalize-space(@href), 'javascript:')])"
    )
    if active:
        doc.note(
            "I009",
            Severity.INFO,
            f"网页中有 {int(active)} 处脚本、事件处理或嵌入内容，已忽略：导入只读取文字，不执行也不带入任何脚本。",
        )
    _hide_by_style_sheet(root)
    titles = root.xpath("//head/title")
    doc.head_title = _SPACES.sub(" ", titles[0].text_content()).strip() if titles else ""
    body = root.find("body")
    walker = _Walker(doc)
    walker.walk(body if body is not None else root)
    walker.flush()
    if walker.hidden:
        doc.note(
            "I026",
            Severity.INFO,
            f"网页正文中有 {walker.hidden} 处隐藏文字（display:none 等，浏览器不显示）：按浏览器显示的样子导入，这些文字没有导入。",
        )
    return doc
