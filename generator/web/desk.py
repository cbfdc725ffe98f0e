"""The clerk's desk as data: what a page shows about a year's uploads, built from the pipeline.

Nothing here reads, checks or renders a workbook itself: generator/pipeline.py does, exactly as
for `generate check` and `generate --year Y --input W`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import threading
import unicodedata
from collections import OrderedDict
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, Severity, UserError, sort_key
from ..formats import FORMATS
from ..pipeline import Rendered, check_workbook, render, spec_for_year
from ..provenance import tool_version
from .storage import Check, Received, Store, Submission, check_record

SHEETLESS = "整个工作簿"


def report_years(today: dt.date | None = None) -> list[int]:
    """The years a report can be made for, newest first: from the first format to this year."""
    today = today or dt.date.today()
    first = min(f.first_year for f in FORMATS)
    return list(range(today.year, first - 1, -1))


def default_year(today: dt.date | None = None) -> int:
    """The report due now: last year's (reports are written in January of the next year)."""
    return (today or dt.date.today()).year - 1


def display_name(name: str | None) -> str:
    """An uploaded file's name for showing only (never a path): last part, visible characters."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] != "C")
    text = text.strip()[:120]
    return text or "工作簿.xlsx"


def blank_workbook(year: int) -> bytes:
    """The blank standardized workbook of `year`, as `generate init --year Y` writes it."""
    from ..init_workbook import with_standard_intro
    from ..workbook.writer import build_workbook

    spec = spec_for_year(year)
    buf = io.BytesIO()
    build_workbook(spec, year, with_standard_intro(None, spec, year)).save(buf)
    return buf.getvalue()


def shown_as(findings: list[Diagnostic], name: str) -> list[Diagnostic]:
    """The findings as `generate check --input <name>` prints them: the file is the clerk's own name."""
    return [dataclasses.replace(d, file=name if d.file else "") for d in findings]


@dataclass
class Group:
    """The findings of one sheet, 错误 first, with their counts."""

    sheet: str
    findings: list[Diagnostic]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def worst(self) -> int:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return min((order[d.severity] for d in self.findings), default=3)


def grouped(findings: list[Diagnostic]) -> list[Group]:
    """By sheet: sheets with 错误 first, then 警告, then 提示; the reading order within each."""
    groups: dict[str, Group] = {}
    for d in sorted(findings, key=sort_key):
        groups.setdefault(d.sheet or SHEETLESS, Group(d.sheet or SHEETLESS, [])).findings.append(d)
    for g in groups.values():
        g.counts = {s.value: sum(1 for d in g.findings if d.severity is s) for s in Severity}
    first_seen = {name: i for i, name in enumerate(groups)}
    return sorted(groups.values(), key=lambda g: (g.worst, first_seen[g.sheet]))


def counts(findings: list[Diagnostic]) -> dict[str, int]:
    return {s.value: sum(1 for d in findings if d.severity is s) for s in Severity}


@dataclass
class Outcome:
    """What checking an upload gave: its findings, or the refusal of the guard or the reader."""

    findings: list[Diagnostic]
    unit_name: str = ""
    title: str = ""
    refused: bool = False
    figures: dict[str, str] = field(default_factory=dict)  # headline figures (the office's desk, issue 16)


def check_upload(path: str, year: int, name: str) -> Outcome:
    """`generate check --input <name>` as data, on the file kept at `path` (the clerk's name for it
    is never a path: it is put in the messages in place of the kept file's). Runs in a worker
    process when the server has them (picklable in and out)."""
    try:
        checked = check_workbook(Path(path), year)
    except InputError as exc:
        return Outcome(named(exc.diagnostics, path, name), refused=True)
    except UserError as exc:
        return Outcome(named([Diagnostic("E000", Severity.ERROR, str(exc))], path, name), refused=True)
    from ..review import headline_figures

    return Outcome(
        named(checked.findings, path, name),
        checked.report.unit.name or "",
        render_title(checked),
        figures=headline_figures(checked.report),
    )


def named(findings: list[Diagnostic], path: str, name: str) -> list[Diagnostic]:
    """The findings as `generate check --input <name>` prints them: the clerk's file name where
    the reader named the kept file (the file column, and any message that quotes the path)."""
    kept = Path(path)
    out = []
    for d in findings:
        message = d.message.replace(str(kept), name).replace(kept.name, name)
        out.append(dataclasses.replace(d, file=name if d.file else "", message=message))
    return out


def quiet_worker() -> None:
    """Set up a checking process: it ignores Ctrl-C (the server shuts its pool down itself, without
    tracebacks) and ends when the server is gone, even killed (SIGKILL leaves no orphan behind)."""
    import os
    import signal
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


@dataclass
class Refusal:
    """A workbook the guard or the reader refused: the command line's message, nothing kept."""

    name: str
    findings: list[Diagnostic]


class Desks:
    """What every desk shares: the store, the checking processes (if any), rendered documents."""

    def __init__(self, store: Store, executor: Executor | None = None):
        self.store, self.executor = store, executor
        self._rendered: OrderedDict[tuple[str, int], Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def open_desk(self) -> Desk:
        """The desk without a roster: every upload of a year in one list (issue 15)."""
        return Desk(self, None)

    def unit_desk(self, unit_id: int) -> Desk:
        """One unit's desk of a year's roster (issue 16 opens it from the unit's private link)."""
        return Desk(self, unit_id)

    def rendered(self, sub: Submission) -> Rendered:
        """The DOCX and HTML, exactly as `generate --year Y --input <the kept file>` writes them."""
        key = (sub.sha256, sub.year)
        with self._lock:
            if key in self._rendered:
                self._rendered.move_to_end(key)
                return self._rendered[key]
        checked = check_workbook(self.store.blob(sub.sha256), sub.year)
        result = render(checked.report, checked.provenance)
        with self._lock:
            self._rendered[key] = result
            while len(self._rendered) > 16:
                self._rendered.popitem(last=False)
        return result


class Desk:
    """One desk: the uploads of a year at one place (the open desk, or a unit's desk)."""

    def __init__(self, desks: Desks, unit_id: int | None):
        self.desks, self.store, self.unit_id = desks, desks.store, unit_id

    # --- upload ----------------------------------------------------------------------------
    async def check(self, received: Received, year: int, original_name: str) -> Outcome:
        """check_upload in a worker process when the desk has a pool (the server), else in a thread."""
        import asyncio

        from starlette.concurrency import run_in_threadpool

        args = (str(received.path), year, display_name(original_name))
        executor = self.desks.executor
        if executor is None:
            return await run_in_threadpool(check_upload, *args)
        return await asyncio.get_running_loop().run_in_executor(executor, check_upload, *args)

    def keep(self, year: int, received: Received, original_name: str, outcome: Outcome) -> int | Refusal:
        """Keep a checked upload (file, then row); a refused one is deleted and kept nowhere."""
        name = display_name(original_name)
        if outcome.refused:
            received.path.unlink(missing_ok=True)
            return Refusal(name, outcome.findings)
        record = check_record(outcome.findings, tool_version(), outcome.unit_name, outcome.title)
        return self.store.add_submission(year, received, name, record, self.unit_id)

    # --- reading back ----------------------------------------------------------------------
    def submissions(self, year: int, limit: int | None = None) -> list[Submission]:
        return self.store.submissions(year, self.unit_id, limit)

    def count(self, year: int) -> int:
        return self.store.count_of(year, self.unit_id)

    def owns(self, sub: Submission | None, year: int) -> bool:
        return sub is not None and sub.year == year and sub.unit_id == self.unit_id

    def findings(self, sub: Submission) -> tuple[Check, list[Diagnostic]]:
        """The submission's check by this tool version, as the clerk named the file.

        A submission checked by an earlier version is checked again (a new Check row; the old one
        is kept), so the page always agrees with `generate check` of the tool that serves it.
        """
        check = sub.checks[-1]
        if check.tool_version != tool_version():
            outcome = check_upload(str(self.store.blob(sub.sha256)), sub.year, sub.original_name)
            if not outcome.refused:
                check = self.store.add_check(
                    sub.id, check_record(outcome.findings, tool_version(), outcome.unit_name, outcome.title)
                )
                sub.checks.append(check)
        return check, check.findings()

    def rendered(self, sub: Submission) -> Rendered:
        return self.desks.rendered(sub)


def render_title(checked) -> str:  # noqa: ANN001 — pipeline.Checked
    """The report's title (its file names come from it), from the wording the renderers use."""
    from ..templating import Wording

    return Wording().report_title(checked.report.unit, checked.report.year)
