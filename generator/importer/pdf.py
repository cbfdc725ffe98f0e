"""Read a PDF report with a text layer (saved from WPS, Word or LibreOffice) into a Doc.

pdfplumber (on pdfminer.six) gives every character with its position and every ruling line.
Tables are the cells their ruling lines draw, turned into rows with rowspan/colspan exactly as
a web page declares them, so grid.py, tables.py and parts.py read them like any other source.
A table that goes on over a page break is joined into one; a merged cell cut by the break is
one cell again. Text outside tables is rejoined into paragraphs: a PDF breaks lines inside
sentences and across pages. Page numbers and running headers/footers are not report text.

Nothing is guessed: a PDF without a text layer (a scan), one that needs a password or cannot be
parsed is refused with a Chinese message (exit 2, 无法读取 in audit).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError, Severity
from .source import MAX_CELLS, Doc, Ignored, PagedText, RawTable, TCell, refuse

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PAGES = 300
# Fewer real characters than this in the whole file: there is no text layer to read.
MIN_CHARS = 20
# A page of a report has a few thousand characters and a few hundred ruling lines; far more is
# not a report and would cost minutes to lay out (pdfplumber's table finder compares edges).
MAX_PAGE_CHARS = 60_000
MAX_PAGE_EDGES = 6_000
_TOL = 2.0  # points: two borders closer than this are one

# Page furniture: -1-, — 2 —, 第 3 页, 第3页 共5页, 3/5, - 3 - (a whole line of just that).
_PAGE_NUMBER = re.compile(
    r"^(?:[-－—–~～\s]*\d{1,4}[-－—–~～\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
# A line that starts a heading or a numbered item: 一、 （一） (一) 1. 1、 （1） ①
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|[①-⑳])"
)
_SENTENCE_END = re.compile(r"[。！？；!?;][”’」』）)】》]*$")
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str


@dataclass
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    page: int
    ignored: tuple[Ignored, ...] = ()  # white text: in the text layer, not seen on the page


@dataclass
class _Table:
    page: int
    cells: list[_Cell]
    top: float
    bottom: float
    x0: float
    x1: float
    last_page: int = 0  # a table joined over page breaks ends on this page


# -- characters → text ---------------------------------------------------------------------------------
def _line_text(chars: list[dict]) -> str:
    """Characters of one line, left to right. A space is a space glyph, or a gap between two
    Latin letters or digits; the gaps WPS and Word put between Chinese and digits are not text."""
    out: list[str] = []
    prev: dict | None = None
    for c in sorted(chars, key=lambda c: c["x0"]):
        t = c["text"]
        if prev is not None and not t.isspace() and out and not out[-1].isspace():
            gap = c["x0"] - prev["x1"]
            if gap > 0.25 * max(c["size"], 1) and _latin(out[-1][-1]) and _latin(t[:1]):
                out.append(" ")
        out.append(" " if t.isspace() else t)
        prev = c
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,%)")


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines by their vertical middle (digits sit a little lower than CJK)."""
    rows: list[tuple[float, float, list[dict]]] = []  # (middle, size, chars)
    for c in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if rows and abs(mid - rows[-1][0]) <= 0.35 * max(rows[-1][1], c["size"], 1):
            rows[-1][2].append(c)
        else:
            rows.append((mid, c["size"], [c]))
    return [r[2] for r in rows]


def _text_in(chars: list[dict]) -> str:
    """A cell's text: a label wrapped over lines (or written top to bottom) is one label again;
    figures on separate lines stay apart (“12” over “3” is never read as 123)."""
    text = ""
    for line in (_line_text(line) for line in _lines(chars)):
        text = _next_line(text, line)
    return text


def _next_line(text: str, line: str) -> str:
    if not line:
        return text
    return f"{text}\n{line}" if text[-1:].isdigit() and line[0].isdigit() else _glue(text, line)


# -- ruling lines → tables -----------------------------------------------------------------------------
def _is_background(obj: dict) -> bool:
    """A filled, unstroked box (cell shading, WPS's white line backgrounds) draws no border."""
    return (
        obj.get("object_type") == "rect"
        and bool(obj.get("fill"))
        and not obj.get("stroke")
        and obj["width"] > _TOL
        and obj["height"] > _TOL
    )


def _closing_edges(vertical: list[dict]) -> list[dict]:
    """A table cut by a page break often lacks its top or bottom border on that page: the
    vertical borders still show where it starts and ends."""
    out: list[dict] = []
    groups: list[list[dict]] = []
    for e in sorted(vertical, key=lambda e: e["top"]):
        if groups and e["top"] <= max(g["bottom"] for g in groups[-1]) + _TOL:
            groups[-1].append(e)
        else:
            groups.append([e])
    for g in groups:
        if len(g) < 2:
            continue
        x0, x1 = min(e["x0"] for e in g), max(e["x1"] for e in g)
        for y in (min(e["top"] for e in g), max(e["bottom"] for e in g)):
            out.append(
                {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
            )
    return out


def _page_tables(page, number: int) -> list[_Table]:
    clean = page.filter(lambda o: not _is_background(o))
    vertical = [e for e in clean.edges if e["orientation"] == "v" and e["height"] > _TOL]
    settings = {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "explicit_horizontal_lines": _closing_edges(vertical),
        "snap_tolerance": _TOL,
        "join_tolerance": _TOL,
        "intersection_tolerance": _TOL,
    }
    tables = []
    chars = [c for c in page.chars if c.get("upright", True)]
    for t in clean.find_tables(settings):
        cells = [c for c in t.cells if c[2] - c[0] > _TOL and c[3] - c[1] > _TOL]
        xs = _cluster([v for c in cells for v in (c[0], c[2])])
        if len(cells) < 2 or len(xs) < 3:
            continue  # a frame around text, not a table
        out = []
        for x0, top, x1, bottom in cells:
            inside = [
                ch
                for ch in chars
                if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
            ]
            white = [ch for ch in inside if _white(ch)]
            seen = [ch for ch in inside if not _white(ch)]
            ignored = (Ignored("白色文字", _text_in(white)),) if _text_in(white) else ()
            out.append(_Cell(x0, top, x1, bottom, _text_in(seen), number, ignored))
        x0, top, x1, bottom = t.bbox
        tables.append(_Table(number, out, top, bottom, x0, x1, number))
    return tables


def _white(ch: dict) -> bool:
    """Text filled white (gray 1, RGB 1 1 1, CMYK 0 0 0 0): not seen on a table's white paper."""
    color = ch.get("non_stroking_color")
    if isinstance(color, (int, float)):
        color = (color,)
    return isinstance(color, (tuple, list)) and (
        (len(color) in (1, 3) and all(v == 1 for v in color)) or (len(color) == 4 and all(v == 0 for v in color))
    )


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(points: list[float], v: float) -> int:
    return min(range(len(points)), key=lambda i: abs(points[i] - v))


def _is_figure(text: str) -> bool:
    from .grid import is_figure

    return is_figure(text)


def _join(prev: _Table, cont: _Table) -> None:
    """Append a fragment continued on the next page: repeated header rows dropped; a merged cell
    cut by the break (empty below a label), or a row whose text ran over the break, made whole."""
    from .grid import label_key

    shift = prev.bottom - cont.top
    cells = [_Cell(c.x0, c.top + shift, c.x1, c.bottom + shift, c.text, c.page) for c in cont.cells]

    def rows(cs: list[_Cell]) -> list[list[_Cell]]:
        tops = _cluster([c.top for c in cs])
        return [sorted((c for c in cs if abs(c.top - t) <= _TOL), key=lambda c: c.x0) for t in tops]

    def same(a: list[_Cell], b: list[_Cell]) -> bool:
        return len(a) == len(b) and all(
            label_key(x.text) == label_key(y.text) and abs(x.x0 - y.x0) <= 2 * _TOL and abs(x.x1 - y.x1) <= 2 * _TOL
            for x, y in zip(a, b)
        )

    head = rows(prev.cells)[:4]
    for row in rows(cells):
        if any(same(row, h) for h in head) and not any(_is_figure(c.text) for c in row):
            lift = min(c.bottom for c in row) - row[0].top
            cells = [c for c in cells if c not in row]
            for c in cells:
                c.top, c.bottom = c.top - lift, c.bottom - lift
        else:
            break
    top = prev.bottom
    bottom_cells = [c for c in prev.cells if abs(c.bottom - top) <= _TOL]

    def above(c: _Cell) -> _Cell | None:
        return next((u for u in bottom_cells if abs(u.x0 - c.x0) <= 2 * _TOL and abs(u.x1 - c.x1) <= 2 * _TOL), None)

    first = [c for c in cells if abs(c.top - top) <= _TOL]
    split_row = (
        first
        and not any(_is_figure(c.text) for c in first)
        and all(above(c) is not None for c in first)
        and any(c.text for c in first)
    )
    for c in first:
        up = above(c)
        if up is None:
            continue
        if split_row or (not c.text and up.text and not _is_figure(up.text)):
            up.bottom = c.bottom
            up.text = _next_line(up.text, c.text)
            cells.remove(c)
    prev.cells.extend(cells)
    prev.bottom = max(c.bottom for c in prev.cells)
    prev.last_page = cont.page


def _raw(table: _Table, number: int) -> RawTable:
    """Cells with their spans, row by row, as a web page declares them (holes become empty cells)."""
    xs = _cluster([v for c in table.cells for v in (c.x0, c.x1)])
    ys = _cluster([v for c in table.cells for v in (c.top, c.bottom)])
    placed: dict[tuple[int, int], tuple[_Cell, int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for c in table.cells:
        r0, r1 = _index(ys, c.top), _index(ys, c.bottom)
        c0, c1 = _index(xs, c.x0), _index(xs, c.x1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in covered:
            continue
        placed[(r0, c0)] = (c, r1 - r0, c1 - c0)
        covered.update((r, k) for r in range(r0, r1) for k in range(c0, c1))
    rows: list[list[TCell]] = []
    for r in range(len(ys) - 1):
        row: list[TCell] = []
        for k in range(len(xs) - 1):
            if (r, k) in placed:
                c, rs, cs = placed[(r, k)]
                row.append(TCell(c.text, rs, cs, page=c.page, ignored=c.ignored))
            elif (r, k) not in covered:
                row.append(TCell(""))
        rows.append(row)
    return RawTable(number, [r for r in rows if r])


# -- the document ----------------------------------------------------------------------------------------
@dataclass
class _Page:
    number: int
    height: float
    items: list = field(default_factory=list)  # _Line | _Table, by position


def _quiet_pdfminer() -> None:
    """pdfminer logs English warnings (“Could not get FontBBox …”) that Python would print on the
    user's terminal: what matters about a PDF is said as findings, in Chinese."""
    log = logging.getLogger("pdfminer")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False


def _open(path: Path):
    import pdfplumber

    _quiet_pdfminer()

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 — whatever pdfminer raises, the file cannot be read
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: BaseException):
    text = f"{type(exc).__name__} {exc} {type(exc.__cause__).__name__ if exc.__cause__ else ''}"
    if "Password" in text or "Encrypt" in text or "password" in text:
        return refuse(
            path,
            "I051",
            "PDF 文件已加密（需要密码才能打开），无法读取。请使用未加密的版本，或同一报告的网页（.html）或 Word（.docx）版本。",
        )
    return refuse(path, "I052", "不是可读取的 PDF 文件：文件已损坏或不完整。请重新下载或另存后再试。")


def _page_items(page, number: int, doc: Doc) -> tuple[list, int, bool, int]:
    """A page's tables and body lines; how many characters it has, whether it shows images, and
    how many characters are turned sideways (not read: named)."""
    if len(page.chars) > MAX_PAGE_CHARS or len(page.lines) + len(page.rects) + len(page.curves) > MAX_PAGE_EDGES:
        raise refuse(
            doc.path, "I007", f"PDF 第 {number} 页的文字或线条远多于任何年度报告，不是正常的报告，已停止读取。"
        )
    every = [c for c in page.dedupe_chars().chars if c["text"].strip()]
    chars = [c for c in every if c.get("upright", True)]
    tables = _page_tables(page, number)

    def in_table(c: dict) -> bool:
        """In a cell: text inside a table's outline but in no cell (a border missing) stays text."""
        mx, my = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return any(
            t.x0 <= mx <= t.x1
            and t.top <= my <= t.bottom
            and any(k.x0 <= mx <= k.x1 and k.top <= my <= k.bottom for k in t.cells)
            for t in tables
        )

    lines = []
    for group in _lines([c for c in chars if not in_table(c)]):
        text = _line_text(group)
        if text:
            size = Counter(round(c["size"], 1) for c in group).most_common(1)[0][0]
            lines.append(
                _Line(
                    number,
                    min(c["x0"] for c in group),
                    max(c["x1"] for c in group),
                    min(c["top"] for c in group),
                    max(c["bottom"] for c in group),
                    size,
                    text,
                )
            )
    items = sorted([*lines, *tables], key=lambda it: it.top)
    return items, len(chars), bool(page.images), len(every) - len(chars)


# nianbao's own draft header (templates/wording.j2), still there when the Word file is saved as PDF.
_DRAFT_HEADER = re.compile(r"^草稿[:：]校验发现(\d+)条错误")


def _furniture(pages: list[_Page], doc: Doc) -> None:
    """Drop page numbers and running headers/footers (a short line repeated at the top or the
    bottom of several pages). A nianbao draft's header is named (I035)."""

    def norm(text: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))

    edge_texts: Counter[str] = Counter()
    for p in pages:
        lines = [it for it in p.items if isinstance(it, _Line)]
        for ln in {id(x): x for x in (lines[:2] + lines[-2:])}.values():
            edge_texts[norm(ln.text)] += 1
    repeated = {t for t, n in edge_texts.items() if n >= 2 and n * 2 >= len(pages)}
    for p in pages:
        lines = [it for it in p.items if isinstance(it, _Line)]
        edges = {id(x) for x in (lines[:2] + lines[-2:])}
        keep = []
        for it in p.items:
            if isinstance(it, _Line):
                flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", it.text))
                margin = it.top < 0.12 * p.height or it.bottom > 0.88 * p.height
                if _PAGE_NUMBER.match(flat) and (margin or not flat.isdigit()):
                    continue
                if id(it) in edges and norm(it.text) in repeated and len(flat) <= 60:
                    draft = _DRAFT_HEADER.match(flat)
                    if draft and not any(d.code == "I035" for d in doc.notes):
                        from .report import draft_note

                        doc.notes.append(draft_note(draft.group(1), doc.path))
                    continue
            keep.append(it)
        p.items = keep


def _paragraphs(lines: list[_Line], left: float, right: float, spacing: float) -> list[PagedText]:
    """Lines rejoined into paragraphs, each with the page it starts on. A line ends its paragraph
    when it is short, ends a sentence (unless it runs to the margin and the next line goes on
    unindented), or when the next line is indented, starts a heading or numbered item, or stands apart."""
    out: list[PagedText] = []
    current, page = "", 0
    for i, ln in enumerate(lines):
        page = page or ln.page
        current = _glue(current, ln.text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None or _breaks(ln, nxt, left, right, spacing):
            out.append(PagedText(current, page))
            current, page = "", 0
    return out


def _glue(a: str, b: str) -> str:
    if a and b and _latin(a[-1]) and _latin(b[0]) and not _CJK.search(a[-1] + b[0]):
        return f"{a} {b}"
    return a + b


def _breaks(ln: _Line, nxt: _Line, left: float, right: float, spacing: float) -> bool:
    em = max(ln.size, 1)
    short = right - ln.x1 > 1.5 * em
    indented = nxt.x0 - left > 1.2 * max(nxt.size, 1)
    if short or indented or abs(ln.size - nxt.size) > 1.5 or ln.x0 - left > 6 * em:
        return True
    if nxt.page == ln.page and nxt.top - ln.bottom > spacing + 0.8 * em:
        return True  # paragraph spacing
    if _NUMBERED.match(nxt.text) and _SENTENCE_END.search(ln.text.rstrip("：:")) is not None:
        return True
    if _NUMBERED.match(nxt.text) and ln.text.endswith(("：", ":")):
        return True
    return False


def _margins(lines: list[_Line]) -> tuple[float, float, float]:
    """The text block's left and right edges and the usual gap between two lines of a paragraph."""
    long = [ln for ln in lines if len(ln.text) >= 10] or lines
    left = Counter(round(ln.x0) for ln in long).most_common(1)[0][0] if long else 0.0
    left = min((ln.x0 for ln in long if abs(ln.x0 - left) <= _TOL), default=left)
    rights = sorted(ln.x1 for ln in long)
    right = rights[int(0.9 * (len(rights) - 1))] if rights else 0.0
    gaps = sorted(
        b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and 0 <= b.top - a.bottom < 4 * a.size
    )
    spacing = gaps[len(gaps) // 2] if gaps else 0.0
    return left, right, spacing


def read_pdf(path: Path) -> Doc:
    doc = Doc(str(path), "PDF")
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise refuse(path, "I007", f"文件有 {size / 1048576:.0f} MB，远大于任何年度报告，为防止耗尽内存未读取。")
    pages: list[_Page] = []
    total_chars = unmapped = 0
    image_pages: list[int] = []
    turned: list[str] = []
    ocr_pages: list[int] = []  # a scan with a text layer laid over it (OCR)
    pdf = _open(path)
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise refuse(path, "I007", f"PDF 有 {len(pdf.pages)} 页，远多于任何年度报告，已停止读取。")
            doc.head_title = _title(pdf)
            for n, page in enumerate(pdf.pages, start=1):
                items, chars, images, sideways = _page_items(page, n, doc)
                if sideways:
                    turned.append(f"第 {n} 页 {sideways} 个")
                total_chars += chars
                texts = [
                    t for it in items for t in ([it.text] if isinstance(it, _Line) else [c.text for c in it.cells])
                ]
                unmapped += sum(len(_UNMAPPED.findall(t)) for t in texts)
                if not chars and images:
                    image_pages.append(n)
                elif chars and _page_image(page):
                    ocr_pages.append(n)
                pages.append(_Page(n, float(page.height), items))
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 — a damaged file fails anywhere inside pdfminer
        raise _unreadable(path, exc) from None
    if total_chars < MIN_CHARS:
        raise refuse(
            path,
            "I050",
            "PDF 中没有文字层（是扫描件或图片），无法读取其中的数字和文字，没有导入任何内容。"
            "请使用同一报告的网页（.html）、Word（.docx）或可复制文字的 PDF 版本。",
        )
    if unmapped * 3 > total_chars:
        raise refuse(
            path,
            "I054",
            "PDF 中的文字没有可用的编码（字体缺少 Unicode 映射），复制出来是乱码，无法可靠读取其中的数字和文字。"
            "请使用同一报告的网页（.html）、Word（.docx）版本，或重新导出的 PDF。",
        )
    if unmapped:
        doc.note(
            "I054", Severity.WARNING, f"PDF 中有 {unmapped} 个字符没有可用的编码，读出来是“(cid:…)”，请对照原文核对。"
        )
    if image_pages:
        doc.note(
            "I053",
            Severity.WARNING,
            f"PDF 第 {'、'.join(map(str, image_pages))} 页是图片（扫描件），没有文字层，其中的内容没有读取。",
        )
    if ocr_pages:
        doc.note(
            "I056",
            Severity.WARNING,
            f"PDF 第 {'、'.join(map(str, ocr_pages))} 页是整页图片（扫描件）加上的文字层，文字和数字多半是文字识别（OCR）"
            "的结果，可能识别有误：请对照原文逐一核对表格中的数字。",
        )
    if turned:
        doc.note(
            "I055",
            Severity.WARNING,
            f"PDF 中有旋转排列的文字（{'、'.join(turned)}，如旋转的页面或水印），没有读取，请对照原文核对。",
        )
    _furniture(pages, doc)
    _build(doc, pages)
    return doc


def _page_image(page) -> bool:
    """An image covering most of the page: a scanned page (its text, if any, laid over it by OCR)."""
    area = float(page.width) * float(page.height)
    return any(
        (float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"])) >= 0.8 * area
        for im in page.images
    )


def _title(pdf) -> str:
    """The document information's Title: PDFDocEncoding, or UTF-16 with its byte-order mark."""
    from pdfminer.pdftypes import resolve1

    try:
        value = resolve1((pdf.doc.info or [{}])[0].get("Title"))
    except Exception:  # noqa: BLE001 — a damaged information dictionary only loses the title
        return ""
    if isinstance(value, bytes):
        from pdfminer.utils import decode_text

        value = value.decode("utf-16", "replace") if value[:2] in (b"\xfe\xff", b"\xff\xfe") else decode_text(value)
    return " ".join(str(value or "").split())


def _build(doc: Doc, pages: list[_Page]) -> None:
    """Join tables over page breaks and lines into paragraphs; fill doc.blocks in reading order."""
    flow: list = []  # _Line | _Table in document order, tables already joined
    for p in pages:
        for it in p.items:
            if isinstance(it, _Table) and flow and isinstance(flow[-1], _Table):
                prev = flow[-1]
                first_on_page = not any(isinstance(x, _Line) for x in p.items[: p.items.index(it)])
                if prev.last_page == it.page - 1 and first_on_page and abs(prev.x0 - it.x0) <= 4 * _TOL:
                    _join(prev, it)
                    continue
            flow.append(it)
    lines = [it for it in flow if isinstance(it, _Line)]
    left, right, spacing = _margins(lines)
    cells, run = 0, []
    number = 0
    for it in [*flow, None]:
        if isinstance(it, _Line):
            run.append(it)
            continue
        doc.blocks.extend(_paragraphs(run, left, right, spacing))
        run = []
        if it is None:
            break
        number += 1
        table = _raw(it, number)
        cells += sum(len(r) for r in table.rows)
        if cells > MAX_CELLS:
            raise refuse(doc.path, "I007", f"PDF 中的表格单元格超过 {MAX_CELLS} 个，不是正常的年度报告，已停止读取。")
        doc.blocks.append(table)
