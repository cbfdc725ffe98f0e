"""generate audit: import published reports in memory, run every rule, report per report.

One engine, several reporters: audit_paths() returns plain AuditEntry data (name, status,
findings, the Report itself) that the terminal printer here, and the shared review workbook and
page (generator/review, issue 9) can all consume. One unreadable report never stops the rest.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, Severity, sort_key
from ..model import Report
from .report import SUFFIXES, import_report

PASSED, ERRORS, UNREADABLE = "通过", "有错误", "无法读取"
LEVEL_LABEL = "单位层级"


@dataclass
class AuditEntry:
    source: str
    status: str
    title: str = ""
    findings: list[Diagnostic] = field(default_factory=list)
    report: Report | None = None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.findings if d.severity is Severity.ERROR)


def _in_saved_resources(path: Path, root: Path) -> bool:
    """A browser's “网页，全部” keeps images, styles and frames in a “…_files” folder: not reports."""
    return any(part.endswith(("_files", ".files")) for part in path.relative_to(root).parts[:-1])


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Report files under the given files and folders, in a stable order; what was not found."""
    files: list[Path] = []
    missing: list[str] = []
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
            missing.append(str(p))
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
        return AuditEntry(str(path), UNREADABLE, findings=[Diagnostic("I001", Severity.ERROR, message, str(path))])
    # A published report never states the unit's level (I030 says so): its V1 would be on every report.
    rules = [d for d in validate(report) if not (d.code == "V1" and d.row_label == LEVEL_LABEL)]
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


def _cross_year(entries: list[AuditEntry]) -> None:
    """Reports of the same unit in consecutive years get the cross-year rules."""
    from ..validate.context import Ctx
    from ..validate.crossyear import check_previous

    by_unit = {(e.report.unit.name, e.report.year): e for e in entries if e.report is not None and e.report.unit.name}
    for (name, year), entry in by_unit.items():
        previous = by_unit.get((name, year - 1))
        if previous is not None and entry.report is not None and previous.report is not None:
            entry.findings.extend(check_previous(Ctx(entry.report), previous.report))


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
        print(f"[{done[0]}/{total}] {entry.source}：{entry.status}", file=sys.stderr)

    return line


def audit_paths(files: list[Path], jobs: int | None = None, progress: bool = True) -> list[AuditEntry]:
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
    _cross_year(entries)
    for e in entries:
        e.findings.sort(key=sort_key)
    return entries


def print_audit(entries: list[AuditEntry], missing: list[str], out=None) -> None:
    out = out or sys.stdout
    for e in entries:
        head = e.title or Path(e.source).name
        print(f"【{head}】{e.source}：{e.status}（错误 {e.errors} 条，共 {len(e.findings)} 条）", file=out)
        for d in e.findings:
            print(f"  {d.format()}", file=out)
    for m in missing:
        print(f"【找不到】{m}", file=out)
    counts = {s: sum(1 for e in entries if e.status == s) for s in (PASSED, ERRORS, UNREADABLE)}
    summary = "，".join(f"{s} {n} 份" for s, n in counts.items())
    print(f"核查完成：共 {len(entries)} 份报告，{summary}。", file=out)
