"""What a review holds: one entry per report (or per report that is missing), plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..diagnostics import CountedFindings, Diagnostic, Severity
from ..model import Number, Report, format_number


class Status(str, Enum):
    """A reviewed report's standing; the value is what the reviewer reads."""

    PASSED = "通过"
    ERRORS = "有错误"
    UNREADABLE = "无法读取"
    MISSING = "缺报"
    DUPLICATE = "重复"
    OFF_ROSTER = "名单外"
    EXCLUDED = "不纳入汇总"
    WRONG_YEAR = "年度不符"
    ROLLUP_OUTPUT = "汇总结果"

    @property
    def is_problem(self) -> bool:
        return self not in (Status.PASSED, Status.EXCLUDED)


# The headline figures every review shows for a report, in column order.
HEADLINES: tuple[str, ...] = ("本年新收", "办理结果总计", "行政复议 总计", "行政诉讼 总计")


@dataclass(frozen=True)
class Source:
    """Where a reviewed report came from: a file read, or an address fetched."""

    location: str  # the file's path, or the address (http/https) it was fetched from
    kind: str = "file"  # "file" or "url"
    format: str = ""  # the document's format as the reviewer names it: 网页, Word, PDF
    sha256: str = ""  # of the bytes read or fetched: the evidence of what was reviewed
    fetched_at: str = ""  # an address: when it was fetched (ISO 8601, UTC)
    url: str = ""  # an address: the one actually read, after redirects
    linked_from: str = ""  # an attachment: the page that links it


@dataclass(frozen=True)
class Skipped:
    """A file or folder found but not read as a report, and why: nothing found is passed over unsaid."""

    path: str
    reason: str


def also_see(other: str, files: int) -> str:
    """A 重复 names one other copy (the first; the first names the second) and how many there are:
    a thousand copies must not each list the other 999."""
    return f"另见：{other}" + (f" 等，共 {files} 个文件" if files > 2 else "") + "。"


@dataclass
class Entry(CountedFindings):
    """One row of the review: a report (or its absence) with its findings and headline figures."""

    name: str
    status: Status
    category: str = ""
    source: str = ""  # file or address the report came from; empty for a missing report
    findings: list[Diagnostic] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)  # HEADLINES → text as shown
    summed: bool = False  # counted in the roll-up
    note: str = ""  # one line saying why the status is what it is
    year: int | None = None  # the report's year, where a review spans several (audit)
    origin: Source | None = None  # audit: what was read (format, SHA-256; an address's fetch time)
    aggregate: bool = False  # the roll-up's own row: shown apart, not counted among the units
    decision: str = ""  # the office's decision on it (generate serve); a 审核意见 column when any

    @classmethod
    def of_report(
        cls, report: Report | None, source: str, findings: list[Diagnostic], category: str = "", name: str = ""
    ) -> Entry:
        """An entry for any source of reports (a workbook, a published page): status from the findings."""
        if report is None:
            status = Status.UNREADABLE
        else:
            status = Status.ERRORS if any(d.severity is Severity.ERROR for d in findings) else Status.PASSED
        return cls(
            name=name or (report.unit.name if report is not None else "") or source,
            status=status,
            category=category,
            source=source,
            findings=list(findings),
            figures=headline_figures(report) if report is not None else {},
            year=report.year if report is not None else None,
        )


@dataclass(frozen=True)
class ProvenanceColumn:
    """One summed field: where it sits in the result and what the result holds."""

    sheet: str
    cell: str
    label: str
    total: str


@dataclass
class Provenance:
    """For each summed field, each unit's contribution: any total traced to the units behind it.

    rows hold (unit name, one raw contribution per column): a number, "/" or None (blank);
    kept raw, not as text, so that thousands of units stay small in memory.
    """

    columns: list[ProvenanceColumn] = field(default_factory=list)
    rows: Sequence[tuple[str, tuple[Number | str | None, ...]]] = field(default_factory=list)


@dataclass
class Review:
    title: str
    entries: Sequence[Entry]
    provenance: Provenance | None = None
    summary: str = ""  # one paragraph above the overview
    # Optional columns. A roll-up is of one year, its units have categories and it decides what
    # is summed; an audit of published reports spans years and has neither categories nor sums.
    show_year: bool = False
    show_category: bool = True
    show_summed: bool = True
    show_origin: bool = False  # audit: each report's format and SHA-256
    show_fetched: bool = False  # audit of addresses: when each was fetched
    skipped: Sequence[Skipped] = ()  # files and folders found and not read, each with its reason

    def counts(self) -> dict[Status, int]:
        """Reports (units) per status; the roll-up's own row is not one of them."""
        out = {s: 0 for s in Status}
        for e in self.entries:
            if not e.aggregate:
                out[e.status] += 1
        return {s: n for s, n in out.items() if n}


def shown(value: Number | str | None) -> str:
    """A raw contribution as the reviewer reads it."""
    if value is None:
        return "（空白）"
    if isinstance(value, str):
        return value
    return format_number(value)


def headline_figures(report: Report) -> dict[str, str]:
    """本年新收, 办理结果总计, 行政复议 总计, 行政诉讼 总计 (直接起诉 + 复议后起诉) as shown."""
    req, app = report.tables.get("requests", {}), report.tables.get("appeals", {})

    def text(values: dict, key: str) -> str:
        v = values.get(key)
        return v.display() if v is not None and v.display() else "（空白）"

    direct, after = app.get("direct.total"), app.get("after.total")
    if direct is not None and after is not None and direct.is_number and after.is_number:
        lawsuits = format_number(direct.number + after.number)  # type: ignore[operator]
    else:
        lawsuits = "—"
    return {
        HEADLINES[0]: text(req, "new.total"),
        HEADLINES[1]: text(req, "total.total"),
        HEADLINES[2]: text(app, "review.total"),
        HEADLINES[3]: lawsuits,
    }
