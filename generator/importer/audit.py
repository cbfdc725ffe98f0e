"""generate audit: import published reports in memory, run every rule, report per report.

One engine, several reporters: audit_paths() returns plain AuditEntry data (source, unit, year,
status, findings in the reviewer's words) that the terminal printer and JSON here, and the review
workbook and page shared with the roll-up (generator/review) all consume. One unreadable report
never stops the rest.

Memory stays flat in the number of reports (a province audits about 10,000 a year): two passes.
1. Each report is imported and validated in a worker, which sends back what it is (unit, year,
   digest) and its findings, never the Report; the entries are spooled to a temporary file and
   only a few fields per report stay in memory.
2. The cross-year rules run only for reports whose unit has a report of the neighbouring year:
   those few are imported again, per unit, in the workers.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import CountedFindings, Diagnostic, InputError, Severity, UserError, sort_key
from ..model import Report
from ..oserrors import describe
from ..review import Entry, Review, Skipped, Source, Status, headline_figures
from ..review.spool import Spool
from ..workbook.layout import UNIT_SHEET
from .report import DOCX_SUFFIXES, SUFFIXES, import_report

PASSED, ERRORS, UNREADABLE, DUPLICATE = Status.PASSED, Status.ERRORS, Status.UNREADABLE, Status.DUPLICATE
AUDIT_FOLDER = "审核"
REVIEW_WORKBOOK, REVIEW_PAGE = "审核表.xlsx", "审核.html"
# templates/review.html.j2 writes this into every review page (rollup's and audit's 审核.html).
REVIEW_PAGE_MARK = b'<meta name="nianbao-page" content="review">'
NIANBAO_GENERATOR = b'<meta name="generator" content="nianbao">'
SKIPPED_NOTE = "是本程序写出的审核页面，不是年度报告，已跳过。"

# Files found in a folder that audit does not read, and why. A suffix in SUFFIXES (report.py:
# .html, .docx, .pdf, …) is read, whatever this table says.
NOT_READ = {
    ".doc": "旧版 Word（.doc）文件：请在 Word/WPS 中另存为 .docx 后再核查。",
    ".wps": "WPS 文字（.wps）文件：请在 WPS 中另存为 .docx 后再核查。",
    ".mht": "单文件网页（.mht）：请在浏览器中另存为“网页，全部”（.html）后再核查。",
    ".mhtml": "单文件网页（.mhtml）：请在浏览器中另存为“网页，全部”（.html）后再核查。",
}
SAVED_RESOURCES = "网页另存时附带的图片、样式文件夹，不是报告，没有读取。"
LINK_SEEN = "指向已读取过的文件夹（符号链接），没有再读一遍。"
BROKEN_LINK = "符号链接指向的文件或文件夹不存在，没有读取。"
NOT_A_FILE = "不是普通文件（管道、设备或套接字），没有读取。"


def not_read_reason(path: Path) -> str | None:
    """Why a file found in a folder is not audited; None for a report file audit reads."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return None
    return NOT_READ.get(suffix) or f"不是报告文件（核查读取 {'、'.join(SUFFIXES)}），没有读取。"


@dataclass
class AuditEntry(CountedFindings):
    """One report as audited: what it is, where it came from, and what was found."""

    source: str
    status: Status
    title: str = ""
    findings: list[Diagnostic] = field(default_factory=list)
    unit: str = ""
    year: int | None = None
    origin: Source | None = None
    figures: dict[str, str] = field(default_factory=dict)
    digest: str = ""  # the same document (text, figures and findings) has the same digest
    note: str = ""
    duplicate_of: str = ""  # for a 重复: the file of the same document found first
    read_from: str = ""  # the file read, where it is not the source (a fetched address's saved copy)

    @property
    def name(self) -> str:
        """The unit, else the report's title, else the file (or the whole address): what the reviewer knows it by."""
        return self.unit or self.title or (self.source if "://" in self.source else Path(self.source).name)

    def review_entry(self) -> Entry:
        note = self.note
        if self.status is UNREADABLE:
            note = next((d.message for d in self.findings if d.severity is Severity.ERROR), "")
        return Entry(
            name=self.name,
            status=self.status,
            source=self.source,
            findings=self.findings,
            figures=self.figures,
            note=note,
            year=self.year,
            origin=self.origin,
        )

    def to_dict(self) -> dict[str, object]:
        """One report as a program reads it (`generate audit --format json`)."""
        origin = self.origin or Source(self.source)
        return {
            "file": self.source,
            "source": {k: v for k, v in vars(origin).items() if v},
            "name": self.name,
            "title": self.title,
            "year": self.year,
            "format": origin.format,
            "sha256": origin.sha256 or None,
            "fetched_at": origin.fetched_at or None,  # an address (audit --urls): when it was fetched
            "status": self.status.value,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [d.to_dict() for d in self.findings],
            "duplicate_of": self.duplicate_of or None,
            "note": self.note or None,
        }


# -- finding the files --------------------------------------------------------------------------
def _saved_resources(name: str) -> bool:
    """A browser's “网页，全部” keeps images, styles and frames in a “…_files” folder: not reports."""
    return name.endswith(("_files", ".files"))


def is_review_page(path: Path) -> bool:
    """A review page nianbao wrote (rollup's or audit's 审核.html): its marker, or, for pages
    written before the marker, the name 审核.html with nianbao as generator."""
    if path.suffix.lower() not in (".html", ".htm"):
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return REVIEW_PAGE_MARK in head or (path.name == REVIEW_PAGE and NIANBAO_GENERATOR in head)


@dataclass
class Found:
    """What was found under the paths given: reports to audit, paths not there, and the rest with reasons."""

    files: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _walk(folder: Path, found: Found, seen: set[Path]) -> None:
    """Every entry of the folder and its sub-folders, in name order: read, or listed with its reason."""
    try:
        with os.scandir(folder) as it:
            items = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        found.skipped.append(Skipped(str(folder), f"无法打开文件夹：{describe(exc)}。"))
        return
    for item in items:
        path = Path(item.path)
        try:
            if item.is_dir():  # a link to a folder is followed, once
                real = path.resolve()
                if _saved_resources(item.name):
                    found.skipped.append(Skipped(str(path), SAVED_RESOURCES))
                elif real in seen:
                    found.skipped.append(Skipped(str(path), LINK_SEEN))
                else:
                    seen.add(real)
                    _walk(path, found, seen)
            elif item.is_file():
                reason = not_read_reason(path)
                if reason is not None:
                    found.skipped.append(Skipped(str(path), reason))
                elif is_review_page(path):
                    found.skipped.append(Skipped(str(path), SKIPPED_NOTE))
                else:
                    found.files.append(path)
            else:
                found.skipped.append(Skipped(str(path), BROKEN_LINK if item.is_symlink() else NOT_A_FILE))
        except OSError as exc:
            found.skipped.append(Skipped(str(path), f"无法读取：{describe(exc)}。"))


def collect(paths: Iterable[Path]) -> Found:
    """Report files under the given files and folders, in a stable order; what was not found;
    and every other file and folder met, with the reason it was not read."""
    found = Found()
    for p in paths:
        if p.is_dir():
            _walk(p, found, {p.resolve()})
        elif p.is_file():
            if is_review_page(p):
                found.skipped.append(Skipped(str(p), SKIPPED_NOTE))
            else:
                found.files.append(p)  # named on the command line: read whatever it is (the reader says)
        else:
            found.missing.append(p)
    return found


# -- pass 1: each report on its own ----------------------------------------------------------------
def _origin(path: Path) -> Source:
    """The file as read: its format by its first bytes (as the reader chooses) and its SHA-256."""
    digest, head = "", b""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            fh.seek(0)
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        pass
    if head.startswith(b"%PDF"):
        kind = "PDF"
    elif head.startswith(b"PK") or path.suffix.lower() in DOCX_SUFFIXES:
        kind = "Word"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "旧版 Word"
    else:
        kind = "网页" if head else ""
    return Source(str(path), "file", kind, digest)


def _content_digest(report: Report, title: str, findings: list[Diagnostic]) -> str:
    """The same document is the same text and figures, and gives the same findings (提示 aside:
    they say how a format was read); the file it sits in does not count."""
    text = [
        report.unit.name,
        report.year,
        title,
        [[tid, key, v.display()] for tid, table in sorted(report.tables.items()) for key, v in sorted(table.items())],
        [[k, s.title, [p.text for p in s.paragraphs]] for k, s in sorted(report.sections.items())],
        sorted(
            [d.code, d.severity.value, d.where, d.row_label, d.col_label, d.message]
            for d in findings
            if d.severity is not Severity.INFO
        ),
    ]
    return hashlib.sha256(json.dumps(text, ensure_ascii=False, default=str).encode()).hexdigest()


def _examine(path: Path, fetched: Source | None = None) -> tuple[AuditEntry, Report | None]:
    """Import and validate one report; any failure becomes the entry's status, never an exception.

    `fetched`: the report was fetched from an address and saved as `path`; the entry names the
    address (its kind, location and fetch time) with the format and SHA-256 of what was saved.
    """
    from dataclasses import replace

    from ..render.outline import build_outline
    from ..validate import validate
    from .places import in_published_words

    origin = _origin(path)
    if fetched is not None:
        origin = replace(fetched, format=fetched.format or origin.format, sha256=fetched.sha256 or origin.sha256)
    try:
        report, notes = import_report(path)
    except InputError as exc:
        return AuditEntry(str(path), UNREADABLE, findings=exc.diagnostics, origin=origin), None
    except Exception as exc:  # noqa: BLE001 — one bad report must not stop a thousand
        message = f"导入时程序内部错误（{type(exc).__name__}），请把该文件发给维护人员。"
        finding = Diagnostic("I099", Severity.ERROR, message, str(path))
        return AuditEntry(str(path), UNREADABLE, findings=[finding], origin=origin), None
    # A published report never states the unit's level, and need not print its address, postcode or
    # fax: I030 names each unit field not found, so a V1 (错误) for it would only say it again.
    rules = [d for d in validate(report) if not (d.code == "V1" and d.sheet == UNIT_SHEET)]
    findings = sorted(in_published_words(report, [*notes, *rules]), key=sort_key)
    title = build_outline(report).title
    status = ERRORS if any(d.severity is Severity.ERROR for d in findings) else PASSED
    entry = AuditEntry(
        str(path),
        status,
        title,
        findings,
        unit=report.unit.name,
        year=report.year,
        origin=origin,
        figures=headline_figures(report),
        digest=_content_digest(report, title, findings),
    )
    return entry, report


def audit_one(path: Path, fetched: Source | None = None) -> AuditEntry:
    """Pass 1 for one report. `fetched`: it was fetched from that address and saved as `path`."""
    entry = _examine(path, fetched)[0]
    if fetched is not None:  # the reviewer knows it by its address, never by the saved copy
        entry.source, entry.read_from = fetched.location, str(path)
        entry.findings = _renamed(entry.findings, str(path), fetched.location)
    return entry


def _renamed(findings: list[Diagnostic], file: str, name: str) -> list[Diagnostic]:
    """Findings about `file` said of `name` (a fetched report's saved copy → its address)."""
    from dataclasses import replace

    return [replace(d, file=name) if d.file == file else d for d in findings]


# -- pass 2: the cross-year rules, for reports with a neighbouring year ---------------------------
def _cross_year_of_unit(reports: list[tuple[int, str, int]]) -> dict[int, list[Diagnostic]]:
    """One unit's reports in year order (index, file, year): each compared with the year before.
    Imported again here; only two reports of the unit are held at a time."""
    from ..validate.context import Ctx
    from ..validate.crossyear import check_previous
    from .places import in_published_words

    out: dict[int, list[Diagnostic]] = {}
    previous: tuple[int, Report | None] = (0, None)
    for index, file, year in reports:
        try:
            report, _ = import_report(Path(file))
        except Exception:  # noqa: BLE001 — it was read in pass 1; if not now, there is nothing to compare
            previous = (year, None)
            continue
        if previous[1] is not None and previous[0] == year - 1:
            out[index] = in_published_words(report, check_previous(Ctx(report), previous[1]))
        previous = (year, report)
    return out


@dataclass(slots=True)
class _Brief:
    """What stays in memory per report between the passes: enough to pair years and count."""

    source: str  # the file to read again in the second pass
    unit: str
    year: int | None
    status: Status


def _pairs(briefs: list[_Brief]) -> list[list[tuple[int, str, int]]]:
    """Per unit, its reports (the first file of each year) that have a report of a neighbouring year."""
    first: dict[tuple[str, int], int] = {}
    for i, b in enumerate(briefs):
        if b.unit and b.year is not None and b.status in (PASSED, ERRORS):
            first.setdefault((b.unit, b.year), i)
    by_unit: dict[str, list[tuple[int, str, int]]] = {}
    for (unit, year), i in first.items():
        if (unit, year - 1) in first or (unit, year + 1) in first:
            by_unit.setdefault(unit, []).append((i, briefs[i].source, year))
    return [sorted(reports, key=lambda r: r[2]) for reports in by_unit.values()]


class AuditEntries(Sequence):
    """The spooled entries, each with its cross-year findings merged in as it is read back."""

    def __init__(self, spool: Spool, extra: dict[int, list[Diagnostic]]) -> None:
        self._spool, self._extra = spool, extra

    def __len__(self) -> int:
        return len(self._spool)

    def __getitem__(self, i):  # noqa: ANN001
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        entry: AuditEntry = self._spool[i]
        more = self._extra.get(i if i >= 0 else len(self) + i)
        if more and entry.read_from:
            more = _renamed(more, entry.read_from, entry.source)
        if more:
            entry.findings = sorted([*entry.findings, *more], key=sort_key)
            if entry.status is PASSED and any(d.severity is Severity.ERROR for d in more):
                entry.status = ERRORS
        return entry

    def __iter__(self) -> Iterator[AuditEntry]:
        for i in range(len(self)):
            yield self[i]


def _progress(total: int) -> Callable[[AuditEntry], None]:
    """tqdm on a terminal; otherwise one plain line per report (a log stays readable)."""
    if sys.stderr.isatty():
        try:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="份", desc="核查", file=sys.stderr)
            return lambda entry: bar.update(1)
        except ImportError:
            pass
    done = [0]

    def line(entry: AuditEntry) -> None:
        done[0] += 1
        print(f"[{done[0]}/{total}] {entry.source}：{entry.status.value}", file=sys.stderr)

    return line


@dataclass
class Audit:
    """Every report audited, in the order found, and how many consecutive-year pairs were compared."""

    entries: Sequence[AuditEntry]
    pairs: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # found, not read: each with its reason
    statuses: list[Status] = field(default_factory=list)  # per entry, as finally decided
    years: list[int] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for s in self.statuses if s is status)

    @property
    def failed(self) -> bool:
        return any(s in (ERRORS, UNREADABLE) for s in self.statuses)


def _duplicate_note(first: str) -> str:
    return f"与 {first} 是同一份报告（同一单位、同一年度，文字、数字和发现的问题都相同），不另计数，问题见该文件。"


def audit_paths(
    files: list[Path],
    jobs: int | None = None,
    progress: bool = True,
    fetched: Sequence[Source | None] | None = None,
    unread: Sequence[AuditEntry] = (),
) -> Audit:
    """Audit the files in two passes. For audit --urls, `fetched` gives per file the address it
    was fetched from (None: a file of the reviewer's own), and `unread` the addresses that could
    not be fetched, already 无法读取: listed after the rest."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    sources = list(fetched) if fetched is not None else [None] * len(files)
    tick = _progress(len(files) + len(unread)) if progress else (lambda entry: None)
    spool: Spool[AuditEntry] = Spool()
    briefs: list[_Brief] = []
    first: dict[str, str] = {}  # digest → the file where that document was found first

    def keep(entry: AuditEntry) -> None:
        if entry.digest and entry.digest in first:
            entry.status, entry.duplicate_of = DUPLICATE, first[entry.digest]
            entry.note, entry.findings = _duplicate_note(entry.duplicate_of), []
        elif entry.digest:
            first[entry.digest] = entry.source
        spool.append(entry)
        briefs.append(_Brief(entry.read_from or entry.source, entry.unit, entry.year, entry.status))
        tick(entry)

    extra: dict[int, list[Diagnostic]] = {}
    if jobs == 1:
        for f, source in zip(files, sources, strict=True):
            keep(audit_one(f, source))
        for entry in unread:
            keep(entry)
        units = _pairs(briefs)
        for reports in units:
            extra.update(_cross_year_of_unit(reports))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, min(16, len(files) // (jobs * 4) or 1))
            for entry in pool.map(audit_one, files, sources, chunksize=chunk):
                keep(entry)
            for entry in unread:
                keep(entry)
            units = _pairs(briefs)
            for found in pool.map(_cross_year_of_unit, units):
                extra.update(found)
    pairs = sum(1 for reports in units for a, b in zip(reports, reports[1:]) if b[2] == a[2] + 1)
    entries = AuditEntries(spool, extra)
    for i, more in extra.items():
        if briefs[i].status is PASSED and any(d.severity is Severity.ERROR for d in more):
            briefs[i].status = ERRORS
    years = sorted({b.year for b in briefs if b.year is not None})
    return Audit(entries, pairs, statuses=[b.status for b in briefs], years=years)


# -- reporters ------------------------------------------------------------------------------------
def print_skipped(skipped: Sequence[Skipped], out=None) -> None:
    for s in skipped:
        print(f"跳过：{s.path} {s.reason}", file=out or sys.stdout)


def _counted(audit: Audit) -> tuple[int, str]:
    dups = audit.count(DUPLICATE)
    counts = "，".join(f"{s.value} {audit.count(s)} 份" for s in (PASSED, ERRORS, UNREADABLE))
    return len(audit.statuses) - dups, counts


def print_audit(audit: Audit, out=None) -> None:
    out = out or sys.stdout
    for e in audit.entries:
        head = e.title or Path(e.source).name
        if e.status is DUPLICATE:
            print(f"【{head}】{e.source}：{e.status.value}。{e.note}", file=out)
            continue
        print(f"【{head}】{e.source}：{e.status.value}（错误 {e.errors} 条，共 {len(e.findings)} 条）", file=out)
        for d in e.findings:
            print(f"  {d.format()}", file=out)
    print_skipped(audit.skipped, out)
    reports, summary = _counted(audit)
    dups = audit.count(DUPLICATE)
    extra = f"；另有 {dups} 个文件与其中的报告重复（同一文件的另一份或另一格式），未另计数" if dups else ""
    extra += f"；跳过 {len(audit.skipped)} 个文件或文件夹（逐个列在上面，附原因）" if audit.skipped else ""
    print(f"核查完成：共 {reports} 份报告，{summary}{extra}。", file=out)


def print_audit_json(audit: Audit, out=None) -> None:
    """A JSON array, one object per report, written one report at a time."""
    out = out or sys.stdout
    out.write("[")
    for i, e in enumerate(audit.entries):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(e.to_dict(), ensure_ascii=False, indent=2))
    out.write("\n]\n")


class _ReviewEntries(Sequence):
    def __init__(self, entries: Sequence[AuditEntry]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, i):  # noqa: ANN001
        if isinstance(i, slice):
            return [e.review_entry() for e in self._entries[i]]
        return self._entries[i].review_entry()

    def __iter__(self) -> Iterator[Entry]:
        return (e.review_entry() for e in self._entries)


def review_of(audit: Audit, paths: list[Path]) -> Review:
    """The audit as the review the roll-up also writes: one row per report, years side by side."""
    years = audit.years
    dups = audit.count(DUPLICATE)
    span = f"{years[0]}—{years[-1]}年度" if len(years) > 1 else (f"{years[0]}年度" if years else "")
    title = f"已发布的{span}政府信息公开工作年度报告 核查"
    reports, _ = _counted(audit)
    summary = (
        f"核查 {'、'.join(str(p) for p in paths)}：共 {reports} 份报告（逐份导入，不写工作簿，按全部规则校验）。"
        + (f"另有 {dups} 个文件与其中的报告是同一份（文字、数字和问题都相同），标为“重复”。" if dups else "")
        + (f"同一单位相邻年度的报告 {audit.pairs} 对，做了跨年核对。" if audit.pairs else "")
        + (f"跳过 {len(audit.skipped)} 个文件或文件夹，见页末的清单和原因。" if audit.skipped else "")
    )
    return Review(
        title,
        _ReviewEntries(audit.entries),
        summary=summary,
        show_year=True,
        show_category=False,
        show_summed=False,
        show_origin=True,
        show_fetched=any(e.origin is not None and e.origin.fetched_at for e in audit.entries),
        skipped=audit.skipped,
    )


def output_folder(output_dir: Path, paths: list[Path]) -> Path:
    """outputs/审核/ (or DIR/审核/), refused when it lies among the reports being audited: its own
    审核.html would be audited next time, and a report could be overwritten."""
    folder = output_dir / AUDIT_FOLDER
    where = folder.resolve()
    for p in paths:
        inputs = p.resolve() if p.is_dir() else p.resolve().parent
        if where == inputs or (p.is_dir() and inputs in where.parents):
            raise UserError(
                f"审核结果的文件夹 {folder} 在要核查的 {p} 之中，没有核查。请用 --output-dir 指定别处的输出文件夹。"
            )
    return folder


def write_review(folder: Path, review: Review) -> list[Path]:
    """审核表.xlsx and 审核.html, written together atomically by the writers the roll-up uses."""
    from ..output import atomic_write_many
    from ..review import build_review_workbook, stream_review_page

    files = {
        folder / REVIEW_WORKBOOK: build_review_workbook(review).save,
        folder / REVIEW_PAGE: lambda fh: stream_review_page(review, fh),
    }
    atomic_write_many(files)  # type: ignore[arg-type]
    return list(files)
