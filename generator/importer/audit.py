"""generate audit: import published reports in memory, run every rule, report per report.

One engine, several reporters: audit_paths() returns plain AuditEntry data (name, status,
findings, the Report itself) that the terminal printer and JSON here, and the review workbook
and page shared with the roll-up (generator/review) all consume. One unreadable report never
stops the rest.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import CountedFindings, Diagnostic, InputError, Severity, UserError, sort_key
from ..model import Report
from ..review import Entry, Review, Status
from ..workbook.layout import UNIT_SHEET
from .report import SUFFIXES, import_report
from .source import Origin

PASSED, ERRORS, UNREADABLE, DUPLICATE = Status.PASSED, Status.ERRORS, Status.UNREADABLE, Status.DUPLICATE
AUDIT_FOLDER = "审核"
REVIEW_WORKBOOK, REVIEW_PAGE = "审核表.xlsx", "审核.html"
# templates/review.html.j2 writes this into every review page (rollup's and audit's 审核.html).
REVIEW_PAGE_MARK = b'<meta name="nianbao-page" content="review">'
NIANBAO_GENERATOR = b'<meta name="generator" content="nianbao">'
SKIPPED_NOTE = "是本程序写出的审核页面，不是年度报告，已跳过。"


@dataclass
class AuditEntry(CountedFindings):
    source: str
    status: Status
    title: str = ""
    findings: list[Diagnostic] = field(default_factory=list)
    report: Report | None = None
    note: str = ""
    duplicate_of: str = ""  # for a 重复: the file of the same report found first
    origin: Origin | None = None  # a report fetched from a web address (audit --urls)

    @property
    def name(self) -> str:
        """The unit, else the report's title, else the file: what the reviewer knows it by."""
        fallback = self.source if "://" in self.source else Path(self.source).name
        return (self.report.unit.name if self.report is not None else "") or self.title or fallback

    def review_entry(self) -> Entry:
        entry = Entry.of_report(self.report, self.source, self.findings, name=self.name)
        if self.status is UNREADABLE:
            entry.note = next((d.message for d in self.findings if d.severity is Severity.ERROR), "")
        if self.status is DUPLICATE:
            entry.status, entry.note = DUPLICATE, self.note
        if self.origin is not None:
            entry.fetched, entry.sha256 = self.origin.fetched_at, self.origin.sha256
        return entry

    def to_dict(self) -> dict[str, object]:
        """One report as a program reads it (`generate audit --format json`)."""
        return {
            "file": self.source,
            "name": self.name,
            "title": self.title,
            "year": self.report.year if self.report is not None else None,
            "status": self.status.value,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [d.to_dict() for d in self.findings],
            "duplicate_of": self.duplicate_of or None,
            **(
                {
                    "fetched_at": self.origin.fetched_at,
                    "sha256": self.origin.sha256,
                    "linked_from": self.origin.page or None,
                }
                if self.origin is not None
                else {}
            ),
        }

    def came_from(self, origin: Origin, names: dict[str, str]) -> None:
        """A report read from a fetched copy is named by its web address throughout; names maps
        every fetched copy to its address (a 重复 names the first copy of the same report)."""
        file = self.source
        self.origin, self.source = origin, origin.address
        self.findings = [dataclasses.replace(d, file=origin.address) if d.file == file else d for d in self.findings]
        if self.report is not None:
            self.report.source = origin.address
        if self.duplicate_of in names:
            self.note = self.note.replace(self.duplicate_of, names[self.duplicate_of])
            self.duplicate_of = names[self.duplicate_of]


def _in_saved_resources(path: Path, root: Path) -> bool:
    """A browser's “网页，全部” keeps images, styles and frames in a “…_files” folder: not reports."""
    return any(part.endswith(("_files", ".files")) for part in path.relative_to(root).parts[:-1])


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


def without_review_pages(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """The reports to audit, and nianbao's own review pages found among them (skipped, named)."""
    pages = [f for f in files if is_review_page(f)]
    return [f for f in files if f not in pages], pages


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Report files under the given files and folders, in a stable order; what was not found."""
    files: list[Path] = []
    missing: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUFFIXES and not _in_saved_resources(f, p)
                )
            )
        elif p.is_file():
            files.append(p)
        else:
            missing.append(p)
    return files, missing


def audit_one(path: Path) -> AuditEntry:
    """Import and validate one report; any failure becomes the entry's status, never an exception."""
    from ..render.outline import build_outline
    from ..validate import validate

    try:
        report, notes = import_report(path)
    except InputError as exc:
        return AuditEntry(str(path), UNREADABLE, findings=exc.diagnostics)
    except Exception as exc:  # noqa: BLE001 — one bad report must not stop a thousand
        message = f"导入时程序内部错误（{type(exc).__name__}），请把该文件发给维护人员。"
        return AuditEntry(str(path), UNREADABLE, findings=[Diagnostic("I099", Severity.ERROR, message, str(path))])
    # A published report never states the unit's level, and need not print its address, postcode or
    # fax: I030 names each unit field not found, so a V1 (错误) for it would only say it again.
    rules = [d for d in validate(report) if not (d.code == "V1" and d.sheet == UNIT_SHEET)]
    findings = [*notes, *rules]
    title = build_outline(report).title
    status = ERRORS if any(d.severity is Severity.ERROR for d in findings) else PASSED
    return AuditEntry(str(path), status, title, findings, report)


def _audit_in_worker(path: Path) -> AuditEntry:
    """audit_one, with the report's format spec sent back by id: pickling the spec with every
    report would cost more than half of what crosses between processes."""
    entry = audit_one(path)
    if entry.report is not None:
        entry.report.spec = entry.report.spec.id  # type: ignore[assignment]
    return entry


def _reattach(entry: AuditEntry) -> AuditEntry:
    from ..formats import format_by_id

    if entry.report is not None and isinstance(entry.report.spec, str):
        entry.report.spec = format_by_id(entry.report.spec)
    return entry


def _figures(report: Report) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (tid, key, v.display()) for tid, table in sorted(report.tables.items()) for key, v in sorted(table.items())
    )


def _mark_duplicates(entries: list[AuditEntry]) -> int:
    """The same report twice (its DOCX and its HTML: same unit, same year, same figures): the
    second and later are 重复, named after the first, and not counted again; how many."""
    first: dict[tuple, AuditEntry] = {}
    marked = 0
    for e in entries:
        if e.report is None or not e.report.unit.name:
            continue
        key = (e.report.unit.name, e.report.year, _figures(e.report))
        if key in first:
            e.status, e.duplicate_of = DUPLICATE, first[key].source
            e.note = f"与 {first[key].source} 是同一份报告（同一单位、同一年度、数字相同），不另计数。"
            marked += 1
        else:
            first[key] = e
    return marked


def _cross_year(entries: list[AuditEntry]) -> int:
    """Reports of the same unit in consecutive years get the cross-year rules; how many pairs."""
    from ..validate.context import Ctx
    from ..validate.crossyear import check_previous

    by_unit = {
        (e.report.unit.name, e.report.year): e
        for e in entries
        if e.report is not None and e.report.unit.name and e.status is not DUPLICATE
    }
    pairs = 0
    for (name, year), entry in by_unit.items():
        previous = by_unit.get((name, year - 1))
        if previous is not None and entry.report is not None and previous.report is not None:
            entry.findings.extend(check_previous(Ctx(entry.report), previous.report))
            if entry.status is PASSED and any(d.severity is Severity.ERROR for d in entry.findings):
                entry.status = ERRORS
            pairs += 1
    return pairs


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

    entries: list[AuditEntry]
    pairs: int = 0
    skipped: list[Path] = field(default_factory=list)  # nianbao's own review pages, not reports


def audit_paths(files: list[Path], jobs: int | None = None, progress: bool = True) -> Audit:
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    tick = _progress(len(files)) if progress else (lambda entry: None)
    entries: list[AuditEntry] = []
    if jobs == 1:
        for f in files:
            entries.append(audit_one(f))
            tick(entries[-1])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for entry in pool.map(_audit_in_worker, files, chunksize=max(1, min(16, len(files) // (jobs * 4) or 1))):
                entries.append(_reattach(entry))
                tick(entry)
    _mark_duplicates(entries)
    pairs = _cross_year(entries)
    for e in entries:
        e.findings.sort(key=sort_key)
    return Audit(entries, pairs)


def print_skipped(skipped: list[Path], out=None) -> None:
    for p in skipped:
        print(f"跳过：{p} {SKIPPED_NOTE}", file=out or sys.stdout)


def print_audit(entries: list[AuditEntry], out=None, skipped: list[Path] = ()) -> None:  # type: ignore[assignment]
    out = out or sys.stdout
    for e in entries:
        head = e.title or Path(e.source).name
        note = e.note if e.status is DUPLICATE else ""
        print(f"【{head}】{e.source}：{e.status.value}（错误 {e.errors} 条，共 {len(e.findings)} 条）{note}", file=out)
        for d in e.findings:
            print(f"  {d.format()}", file=out)
    print_skipped(list(skipped), out)
    counts = {s: sum(1 for e in entries if e.status is s) for s in (PASSED, ERRORS, UNREADABLE)}
    summary = "，".join(f"{s.value} {n} 份" for s, n in counts.items())
    dups = sum(1 for e in entries if e.status is DUPLICATE)
    extra = f"；另有 {dups} 个文件与其中的报告重复（同一报告的另一格式），未另计数" if dups else ""
    extra += f"；跳过本程序的审核页面 {len(skipped)} 个" if skipped else ""
    print(f"核查完成：共 {len(entries) - dups} 份报告，{summary}{extra}。", file=out)


def print_audit_json(entries: list[AuditEntry], out=None) -> None:
    out = out or sys.stdout
    json.dump([e.to_dict() for e in entries], out, ensure_ascii=False, indent=2)
    out.write("\n")


def review_of(audit: Audit, paths: list[Path]) -> Review:
    """The audit as the review the roll-up also writes: one row per report, years side by side."""
    years = sorted({e.report.year for e in audit.entries if e.report is not None})
    dups = sum(1 for e in audit.entries if e.status is DUPLICATE)
    span = f"{years[0]}—{years[-1]}年度" if len(years) > 1 else (f"{years[0]}年度" if years else "")
    title = f"已发布的{span}政府信息公开工作年度报告 核查"
    summary = (
        f"核查 {'、'.join(str(p) for p in paths)}：共 {len(audit.entries) - dups} 份报告（逐份导入，不写工作簿，按全部规则校验）。"
        + (f"另有 {dups} 个文件是其中报告的另一格式（同一单位、同一年度、数字相同），标为“重复”。" if dups else "")
        + (f"同一单位相邻年度的报告 {audit.pairs} 对，做了跨年核对。" if audit.pairs else "")
        + (
            f"跳过本程序写出的审核页面 {len(audit.skipped)} 个（{'、'.join(str(p) for p in audit.skipped)}）。"
            if audit.skipped
            else ""
        )
    )
    entries = [e.review_entry() for e in audit.entries]
    return Review(title, entries, summary=summary, show_year=True, show_category=False, show_summed=False)


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
