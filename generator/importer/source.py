"""What every source reader hands on: the document's text blocks and raw tables, in reading order.

A reader (html.py, docx.py, pdf.py) only turns a file into this shape; everything that knows the
report format (grid.py, tables.py, parts.py) works on it and never sees HTML, WordprocessingML or
PDF. Where a fetched report came from is review.Source (fetch.py fills it in).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, Severity

# A published report is a few hundred kilobytes; a Word file with photos a few megabytes.
# Anything far larger is refused before it is parsed, so a 500 MB file costs no memory.
MAX_HTML_BYTES = 40 * 1024 * 1024
MAX_DOCX_BYTES = 100 * 1024 * 1024
MAX_XML_BYTES = 60 * 1024 * 1024  # word/document.xml once unzipped (a zip bomb stops here)
# Real pages nest a few dozen elements deep; libxml2 silently drops what lies deeper than 256.
MAX_DEPTH = 200
# A span attribute larger than this is not a table layout but an attempt to exhaust memory.
MAX_SPAN = 1000
MAX_CELLS = 200_000


@dataclass(frozen=True)
class Ignored:
    """Content of a cell that a reader kept out of its text, so that it is named, not lost.

    mark: a footnote or superscript mark printed beside a figure (the figure is read, 提示);
    otherwise content that is not shown as the cell's text (hidden, deleted in a tracked change,
    struck through, in a text box), which may be what the unit meant (警告).
    """

    what: str  # 上标, 隐藏文字, 修订中删除的文字, 文本框中的文字, …
    text: str
    mark: bool = False

    def describe(self) -> str:
        shown = self.text if len(self.text) <= 20 else self.text[:20] + "…"
        return f"{self.what}“{shown}”" if shown else self.what


@dataclass
class TCell:
    """A table cell as written in the source: its text and the spans it declares."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    _: KW_ONLY  # what readers add about a cell is named, never placed by position
    page: int = 0  # a PDF's page the cell starts on (0: not paged)
    ignored: tuple[Ignored, ...] = ()  # what the reader kept out of text


@dataclass
class RawTable:
    number: int  # 1-based position among the document's tables, as a reader counts them
    rows: list[list[TCell]]


class PagedText(str):
    """A text block that starts on a known page of a PDF: its paragraph's Paragraph.page, so a
    finding about the paragraph names the page. Otherwise an ordinary str."""

    page: int

    def __new__(cls, text: str, page: int) -> PagedText:
        out = super().__new__(cls, text)
        out.page = page
        return out


@dataclass
class Doc:
    """A source document: text blocks (one paragraph each) and tables, in reading order."""

    path: str
    kind: str  # "HTML", "DOCX" or "PDF"
    blocks: list[str | RawTable] = field(default_factory=list)  # a PDF's text blocks are PagedText
    head_title: str = ""  # <title> of a page, core title of a Word file
    notes: list[Diagnostic] = field(default_factory=list)
    truncated: bool = False

    def note(self, code: str, severity: Severity, message: str) -> None:
        self.notes.append(Diagnostic(code, severity, message, self.path))


def refuse(path: Path | str, code: str, message: str) -> InputError:
    """The file cannot be imported at all: exit 2 with this message."""
    return InputError([Diagnostic(code, Severity.ERROR, message, str(path))])


def clamp_span(value: str | None) -> int:
    """A rowspan/colspan attribute as a sane positive integer (0, junk and huge values → 1)."""
    try:
        n = int(str(value).strip().split(".")[0]) if value is not None else 1
    except ValueError:
        return 1
    return n if 1 <= n <= MAX_SPAN else 1
