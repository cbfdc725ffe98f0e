"""Findings about a workbook: one shape for reader problems and validation rules alike."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from enum import Enum


class Severity(str, Enum):
    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row_label: str = ""
    col_label: str = ""
    paragraph: int | None = None  # 1-based paragraph number within the sheet's narrative
    expected: object = None
    actual: object = None
    # A published report has no workbook: its findings name the place in the document instead
    # (generator/importer/places.py): the table or part, the paragraph's start, a PDF's page.
    place: str = ""  # “表三”, “一、总体情况”
    quote: str = ""  # the start of the paragraph the finding is about
    page: int | None = None  # 1-based page of a PDF (set by the PDF importer through Value/Paragraph.page)

    @property
    def where(self) -> str:
        """The place within the file: a workbook's 申请情况!D28, or a published report's
        表三 第 2 页 / 一、总体情况 第 3 段「今年以来……」."""
        if not self.place:
            return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet
        out = self.place
        if self.paragraph is not None:
            out += f" 第 {self.paragraph} 段"
        if self.quote:
            out += f"「{self.quote}」"
        if self.page is not None:
            out += f" 第 {self.page} 页"
        return out

    @property
    def location(self) -> str:
        return " ".join(x for x in (self.file, self.where) if x)

    def format(self) -> str:
        """One line, linter style: location: CODE 严重程度 message."""
        labels = " ".join(x for x in (self.row_label, self.col_label) if x)
        head = f"{self.location}: " if self.location else ""
        ctx = f"［{labels}］" if labels else ""
        return f"{head}{self.code} {self.severity.value} {ctx}{self.message}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["where"] = self.where  # as the command line prints it
        for k in ("expected", "actual"):
            v = d[k]
            if v is not None and not isinstance(v, (int, float, str, bool)):
                d[k] = str(v)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Diagnostic:
        """A finding back from to_dict (stored checks): derived keys such as `where` are dropped."""
        names = {f.name for f in fields(cls)}
        kept = {k: v for k, v in d.items() if k in names}
        kept["severity"] = Severity(kept["severity"])
        return cls(**kept)  # type: ignore[arg-type]


class CountedFindings:
    """Mixin for a record with a `findings` list: how many are 错误 and 警告."""

    findings: list[Diagnostic]

    @property
    def errors(self) -> int:
        return sum(1 for d in self.findings if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.findings if d.severity is Severity.WARNING)


class UserError(Exception):
    """A problem the clerk can fix; the message says how."""


class InputError(Exception):
    """The workbook cannot be read as a report: each diagnostic says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _cell_position(cell: str) -> tuple[int, str]:
    """ "D28" → (28, "D"): findings read top to bottom, left to right, as the clerk scrolls."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    return (int(m.group(2)), m.group(1).rjust(3)) if m else (0, "")


_PART_NUMERALS = str.maketrans("一二三四五六", "123456")


def sort_key(d: Diagnostic) -> tuple:
    """Errors first; then by sheet (a published report: by part, in document order), by cell or
    paragraph, and by rule code (T3-2 before the T3-1 it implies)."""
    return (
        SEVERITY_ORDER[d.severity],
        d.sheet,
        d.place.translate(_PART_NUMERALS).lstrip("表"),
        _cell_position(d.cell),
        d.paragraph or 0,
        _code_rank(d.code),
    )


def _code_rank(code: str) -> tuple:
    """Sum rules (T3-2, T3-3) come before the balance they feed (T3-1) at the same cell."""
    return (code.startswith("T3-1"), code)
