"""`generate batch`: every unit's DOCX and HTML under outputs/<Y>/<单位名称>/, on every core.

Two steps, so that nothing is written before every unit is known:

1. every workbook is read, checked and rendered (in parallel); the pair goes to a private
   staging folder (outputs/<Y>/.~nianbao-batch-…/, on the disk that will hold the reports
   anyway; held by a lock while the run lives, removed by the next run if the process was killed);
2. the run is planned under rollup's rules — two workbooks of one unit are both 重复 (neither
   published: which one is right is not guessed), a workbook of another year is 年度不符, a
   roll-up workbook is not a unit, and units whose different names give one folder name are
   refused (never one report over the other) — and then each planned pair is written.

Each workbook is read once (a first pass for the names alone would cost ~40 % more CPU).
One unit failing never stops the others. Ctrl-C stops handing out units; those being rendered
or written finish (each pair is written atomically), so only complete files are left; Ctrl-C
before the second step writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, UserError
from ..review import Status
from .collect import NOTES
from .units import is_rollup_output, pool, previous_workbook, read_previous, survey, workers

EXIT_INTERRUPTED = 130


@dataclass
class Rendered:
    """What became of one file of the units folder."""

    path: str
    name: str = ""
    ok: bool = False
    wrong_year: bool = False
    duplicate: bool = False
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale reports of the unit replaced by this run's pair
    errors: int = 0
    warnings: int = 0
    # Step 1's result for a unit that can be published: its report's title and the staged pair.
    title: str = ""
    staged: str = ""  # staging path without suffix: <staged>.docx and <staged>.html
    folder: str = ""  # the unit's folder name under outputs/<Y>/ (output.safe_filename of its name)

    @property
    def draft(self) -> bool:
        """Rendered with 错误: marked as a draft in both outputs, as `generate` does."""
        return self.ok and self.errors > 0

    @property
    def ready(self) -> bool:
        return bool(self.staged)


def _messages(diagnostics: list[Diagnostic]) -> str:
    return "；".join(f"{d.code} {d.message}" for d in diagnostics[:3])


def render_unit(path: str, spec_id: str, year: int, stage: str, previous: str = "") -> Rendered:
    """Step 1 for one workbook: read, check and render into the staging folder; any failure is a
    message, never an exception.

    previous: last year's workbook of the unit (units.previous_workbook, as rollup uses it).
    A workbook of another year (or format) is skipped with rollup's 年度不符 message, a roll-up
    workbook with rollup's 汇总结果 message.
    """
    from ..formats import format_by_id
    from ..output import safe_filename
    from ..pipeline import findings_of, render
    from ..provenance import Provenance
    from ..workbook import read_workbook

    result = Rendered(path)
    try:
        if is_rollup_output(Path(path)):
            result.message = f"{Status.ROLLUP_OUTPUT.value}：{NOTES[Status.ROLLUP_OUTPUT]}".replace("未汇总", "未生成")
            return result
        report, notes = read_workbook(Path(path), format_by_id(spec_id), year)
        result.name = report.unit.name
        if report.unit.year is not None and report.unit.year != year:
            result.wrong_year = True
            result.message = f"{Status.WRONG_YEAR.value}：报告年度为 {report.unit.year}。{NOTES[Status.WRONG_YEAR]}"
            result.message = result.message.replace("未汇总", "未生成")
            return result
        last, prev_notes = read_previous(previous, Path(path), year)
        findings = findings_of(report, [*notes, *prev_notes], last)
        provenance = Provenance.of(
            Path(path), report.spec, year, findings, previous=Path(previous) if last is not None else None
        )
        result.errors, result.warnings = provenance.errors, provenance.warnings
        pair = render(report, provenance)
        staged = Path(stage) / hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
        staged.with_suffix(".docx").write_bytes(pair.docx)
        staged.with_suffix(".html").write_bytes(pair.html)
        result.title, result.staged = pair.title, str(staged)
        result.folder = safe_filename(report.unit.name or Path(path).stem)
    except InputError as exc:
        if any(d.code == "R044" for d in exc.diagnostics):
            result.wrong_year = True
            result.message = f"{Status.WRONG_YEAR.value}：{_messages(exc.diagnostics)}"
            return result
        result.message = f"无法读取：{_messages(exc.diagnostics)}"
    except Exception as exc:  # noqa: BLE001 — one unit's failure must not stop the others
        result.message = _failure(exc, "无法写入临时文件")
    return result


def _failure(exc: Exception, unwritable: str) -> str:
    """What one unit's failure is called: a refusal in its own words, a file that cannot be
    written, or an internal error to send to the maintainers."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        from ..oserrors import describe

        return f"{unwritable}：{describe(exc)}"
    return f"程序内部错误（{type(exc).__name__}: {exc}），请把这个工作簿发给维护人员"


def write_unit(r: Rendered, out_root: str, year: int) -> Rendered:
    """Step 2 for one planned unit: its staged pair into outputs/<Y>/<folder>/, replacing the
    unit's stale reports there (pipeline.write_pair, own_folder)."""
    from ..output import contained
    from ..pipeline import Rendered as Pair
    from ..pipeline import write_pair

    staged = Path(r.staged)
    try:
        pair = Pair(r.title, staged.with_suffix(".docx").read_bytes(), staged.with_suffix(".html").read_bytes())
        folder = contained(Path(out_root) / str(year), r.folder)
        removed: list[Path] = []
        written = write_pair(folder, year, pair, own_folder=True, removed=removed)
        r.ok, r.outputs, r.removed = True, [str(p) for p in written], [str(p) for p in removed]
    except Exception as exc:  # noqa: BLE001 — one unit's failure must not stop the others
        r.message = _failure(exc, "无法写入输出文件")
    for suffix in (".docx", ".html"):
        staged.with_suffix(suffix).unlink(missing_ok=True)
    return r


def _line(r: Rendered, done: int, total: int) -> str:
    who = r.name or Path(r.path).name
    if r.ok:
        folder = str(Path(r.outputs[0]).parent)
        draft = "，标为草稿" if r.draft else ""
        stale = f"；已删除过期的 {'、'.join(Path(p).name for p in r.removed)}" if r.removed else ""
        return f"[{done}/{total}] {who}：已生成 {folder}/（错误 {r.errors} 条，警告 {r.warnings} 条{draft}）{stale}"
    return f"[{done}/{total}] {who}（{r.path}）：{r.message}"


def plan(results: list[Rendered]) -> tuple[list[Rendered], list[Rendered]]:
    """Which rendered units are written, decided for all before any is: (to write, refused).

    Two workbooks of one unit (names compared as rollup does) are both 重复; units whose different
    names give one folder name (compared without letter case, as Windows and macOS do) are both
    refused, never one over the other. `results` are step 1's ready ones, in the units' order.
    """
    from .roster import key

    refused: list[Rendered] = []
    by_unit: dict[str, list[Rendered]] = {}
    for r in results:
        by_unit.setdefault(key(r.name or Path(r.path).stem), []).append(r)
    single: list[Rendered] = []
    for group in by_unit.values():
        if len(group) == 1:
            single += group
            continue
        for r in group:
            others = "、".join(o.path for o in group if o is not r)
            note = NOTES[Status.DUPLICATE].replace("均未汇总", "均未生成报告")
            r.duplicate, r.message = True, f"{Status.DUPLICATE.value}：{note}另见：{others}。"
            refused.append(r)
    by_folder: dict[str, list[Rendered]] = {}
    for r in single:
        by_folder.setdefault(unicodedata.normalize("NFC", r.folder).casefold(), []).append(r)
    todo: list[Rendered] = []
    for group in by_folder.values():
        if len(group) == 1:
            todo += group
            continue
        for r in group:
            others = "、".join(f"{o.path}（“{o.name or Path(o.path).stem}”）" for o in group if o is not r)
            r.message = (
                f"单位名称“{r.name or Path(r.path).stem}”与 {others} 不同，但输出文件夹名相同（{r.folder}），"
                "为防止一个单位的报告覆盖另一个单位的，均未生成。请核对单位名称。"
            )
            refused.append(r)
    order = {id(r): i for i, r in enumerate(results)}
    todo.sort(key=lambda r: order[id(r)])
    refused.sort(key=lambda r: order[id(r)])
    return todo, refused


def ensure_writable(folder: Path) -> None:
    """The output folder exists (made if needed) and takes a file; otherwise a UserError (exit 2)."""
    from ..oserrors import describe

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".~nianbao-probe-"):
            pass
    except OSError as exc:
        raise UserError(
            f"无法写入输出文件夹 {folder}：{describe(exc)}。没有生成任何报告。"
            "请检查该文件夹是否存在、是否有写入权限、磁盘是否已满，或用 --output-dir 换一个文件夹。"
        ) from None


STAGE_PREFIX = ".~nianbao-batch-"


@contextlib.contextmanager
def staging(out_year: Path) -> Iterator[str]:
    """A private folder for step 1's pairs in out_year, locked while this run lives; the folders of
    runs that were killed (their lock is free) are removed first."""
    import shutil

    from .. import journal

    for old in out_year.glob(f"{STAGE_PREFIX}*"):
        fd = _open_dir(old)
        if fd is None:
            continue
        try:
            if journal.try_lock_folder(fd) is False:
                continue  # another batch is using it
            shutil.rmtree(old, ignore_errors=True)
        finally:
            os.close(fd)
    with tempfile.TemporaryDirectory(dir=out_year, prefix=STAGE_PREFIX) as stage:
        fd = _open_dir(Path(stage))
        try:
            if fd is not None:
                journal.try_lock_folder(fd)
            yield stage
        finally:
            if fd is not None:
                os.close(fd)


def _open_dir(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None  # Windows cannot open a folder: a dead run's folder stays until removed by hand


class _Progress:
    """A tqdm bar when a person watches stderr; otherwise one plain line per unit on stdout."""

    def __init__(self, total: int, tty: bool) -> None:
        self.total, self.done, self.bar = total, 0, None
        if tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="个单位", desc="生成", file=sys.stderr, dynamic_ncols=True)

    def step(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def said(self, r: Rendered) -> None:
        """A unit's outcome: every one without a bar, only problems above the bar."""
        self.done += 1
        if self.bar is None:
            print(_line(r, self.done, self.total), flush=True)
        elif not r.ok:
            self.bar.write(_line(r, self.done, self.total), file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run(ex: ProcessPoolExecutor, calls: Iterable[tuple[Callable, tuple]], each: Callable[[Rendered], None]) -> bool:
    """Submit every call, hand each result to `each` as it comes; True when Ctrl-C stopped it.

    Calls not yet started are dropped on Ctrl-C; those running finish (their results are handed on)."""
    futures: list[Future] = []
    seen: set[Future] = set()
    try:
        futures = [ex.submit(fn, *args) for fn, args in calls]
        for fut in as_completed(futures):
            seen.add(fut)
            each(fut.result())
        return False
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        for f in futures:
            if f not in seen and not f.cancelled():
                try:
                    each(f.result())
                except KeyboardInterrupt:
                    continue
        return True


def cmd_batch(args: argparse.Namespace) -> int:
    from ..pipeline import spec_for_year
    from .command import default_units, refuse_output_inside

    spec = spec_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    refuse_output_inside(units_dir, args.output_dir, args.year)
    ensure_writable(args.output_dir / str(args.year))
    found = survey(units_dir, skip=[args.output_dir])
    total = len(found.files) + len(found.unreadable)
    for p, why in found.ignored:
        print(f"未读取：{p}：{why}")
    started = time.perf_counter()
    progress = _Progress(total, sys.stderr.isatty())
    results: list[Rendered] = []
    jobs = workers(args.jobs, len(found.files))
    ex = pool(args.jobs, len(found.files))
    interrupted = False
    with staging(args.output_dir / str(args.year)) as stage:
        try:
            for p, why in found.unreadable:
                r = Rendered(str(p), message=f"无法读取：R001 {why}")
                results.append(r)
                progress.step()
                progress.said(r)
            rendered: list[Rendered] = []

            def rendered_one(r: Rendered) -> None:
                progress.step()
                if r.ready:
                    rendered.append(r)
                else:
                    results.append(r)
                    progress.said(r)

            calls = [
                (
                    render_unit,
                    (str(p), spec.id, args.year, stage, str(previous_workbook(p, units_dir, args.year) or "")),
                )
                for p in found.files
            ]
            interrupted = _run(ex, calls, rendered_one)
            if not interrupted:
                # Every unit is known: decide who is written where, then write.
                order = {str(p): i for i, p in enumerate(found.files)}
                rendered.sort(key=lambda r: order[r.path])
                todo, refused = plan(rendered)
                for r in refused:
                    results.append(r)
                    progress.said(r)

                def written_one(r: Rendered) -> None:
                    results.append(r)
                    progress.said(r)

                interrupted = _run(ex, [(write_unit, (r, str(args.output_dir), args.year)) for r in todo], written_one)
        finally:
            # Units not yet started are dropped; those being rendered or written finish and land whole.
            ex.shutdown(wait=True, cancel_futures=True)
            progress.close()
    elapsed = time.perf_counter() - started
    ok = [r for r in results if r.ok]
    wrong_year = [r for r in results if r.wrong_year]
    duplicates = [r for r in results if r.duplicate]
    failed = [r for r in results if not r.ok and not r.wrong_year and not r.duplicate]
    rate = len(ok) / elapsed if elapsed > 0 else 0.0
    print(
        f"批量生成{'已中断' if interrupted else '完成'}：共 {total} 个文件，已生成 {len(ok)} 个单位，"
        f"{f'年度不符 {len(wrong_year)} 个（未生成），' if wrong_year else ''}"
        f"{f'重复 {len(duplicates)} 个（同一单位有两个以上的工作簿，均未生成），' if duplicates else ''}"
        f"失败 {len(failed)} 个{f'，未处理 {total - len(results)} 个' if interrupted else ''}；"
        f"用时 {elapsed:.1f} 秒（{rate:.1f} 个/秒，{jobs} 个进程）。"
    )
    drafts = [r for r in ok if r.draft]
    if drafts:
        who = "、".join(r.name or Path(r.path).name for r in drafts)
        print(
            f"其中 {len(drafts)} 个单位的报告标为草稿（Word 页眉和水印、网页顶部横幅），改正全部“错误”后重新生成：{who}。"
        )
    if (failed or wrong_year or duplicates) and progress.bar is not None:
        for r in wrong_year:
            print(f"  {Status.WRONG_YEAR.value}：{r.path}：{r.message}")
        for r in duplicates:
            print(f"  {Status.DUPLICATE.value}：{r.path}：{r.message}")
        for r in failed:
            print(f"  失败：{r.path}：{r.message}")
    if interrupted:
        print("已中断：已写出的文件都是完整的，未处理的单位没有生成任何文件。", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 1 if failed or wrong_year or duplicates else 0
