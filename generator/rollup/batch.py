"""`generate batch`: every unit's DOCX and HTML under outputs/<Y>/<单位名称>/, on every core.

Before any worker writes, every workbook's unit is read and the run is planned, under rollup's
rules: two workbooks of one unit are both 重复 (neither rendered: which one is right is not
guessed); a workbook of another year is 年度不符; two units whose names give the same folder
name are refused (never one report over the other). One unit failing never stops the others.
Ctrl-C stops handing out units; those being rendered finish (each is written atomically), so
only complete files are left.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError, UserError
from ..review import Status
from .collect import NOTES
from .units import UnitRead, pool, previous_workbook, read_previous, read_units, survey, workers

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

    @property
    def draft(self) -> bool:
        """Rendered with 错误: marked as a draft in both outputs, as `generate` does."""
        return self.ok and self.errors > 0


def render_unit(
    path: str, spec_id: str, year: int, out_root: str, previous: str = "", folder_name: str = ""
) -> Rendered:
    """Read, check and render one unit; any failure is a message, never an exception.

    previous: last year's workbook of the unit (units.previous_workbook, as rollup uses it).
    folder_name: the unit's folder as planned (plan()); a workbook whose unit no longer gives
    that name (changed since it was planned) is not written.
    A workbook of another year (or format) is skipped with rollup's 年度不符 message.
    """
    from ..formats import format_by_id
    from ..output import contained, safe_filename
    from ..pipeline import findings_of, render, write_pair
    from ..provenance import Provenance
    from ..workbook import read_workbook

    result = Rendered(path)
    try:
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
        name = safe_filename(report.unit.name or Path(path).stem)
        if folder_name and name != folder_name:
            result.message = "工作簿在处理期间被修改（单位名称变了），没有生成。请重新运行。"
            return result
        folder = contained(Path(out_root) / str(year), name)
        removed: list[Path] = []
        written = write_pair(folder, year, render(report, provenance), own_folder=True, removed=removed)
        result.ok, result.outputs = True, [str(p) for p in written]
        result.removed = [str(p) for p in removed]
    except InputError as exc:
        if any(d.code == "R044" for d in exc.diagnostics):
            result.wrong_year = True
            result.message = f"{Status.WRONG_YEAR.value}：" + "；".join(
                f"{d.code} {d.message}" for d in exc.diagnostics[:3]
            )
            return result
        result.message = "无法读取：" + "；".join(f"{d.code} {d.message}" for d in exc.diagnostics[:3])
    except UserError as exc:
        result.message = str(exc)
    except OSError as exc:
        from ..oserrors import describe

        result.message = f"无法写入输出文件：{describe(exc)}"
    except Exception as exc:  # noqa: BLE001 — one unit's internal error must not stop the others
        result.message = f"程序内部错误（{type(exc).__name__}: {exc}），请把这个工作簿发给维护人员"
    return result


def _line(r: Rendered, done: int, total: int) -> str:
    who = r.name or Path(r.path).name
    if r.ok:
        folder = str(Path(r.outputs[0]).parent)
        draft = "，标为草稿" if r.draft else ""
        stale = f"；已删除过期的 {'、'.join(Path(p).name for p in r.removed)}" if r.removed else ""
        return f"[{done}/{total}] {who}：已生成 {folder}/（错误 {r.errors} 条，警告 {r.warnings} 条{draft}）{stale}"
    return f"[{done}/{total}] {who}（{r.path}）：{r.message}"


def _unread_message(r: UnitRead) -> str:
    return "；".join(f"{d.code} {d.message}" for d in r.findings[:3])


def plan(reads: list[UnitRead], year: int) -> tuple[list[tuple[UnitRead, str]], list[Rendered]]:
    """Which workbooks are rendered, into which folder of outputs/<Y>/, decided for all before any is written.

    Returns (workbook, folder name) to render and the results of those that are not: unreadable,
    another year, a roll-up workbook, two workbooks of one unit (both 重复, as in rollup), and
    units whose different names give one folder name (both refused: never one over the other).
    """
    from ..output import safe_filename
    from .roster import key

    done: list[Rendered] = []
    candidates: list[UnitRead] = []
    for r in reads:
        if r.rollup_output:
            done.append(Rendered(r.path, message=f"{Status.ROLLUP_OUTPUT.value}：{NOTES[Status.ROLLUP_OUTPUT]}".replace("未汇总", "未生成")))
        elif not r.readable:
            if r.wrong_format:
                done.append(Rendered(r.path, wrong_year=True, message=f"{Status.WRONG_YEAR.value}：{_unread_message(r)}"))
            else:
                done.append(Rendered(r.path, message=f"无法读取：{_unread_message(r)}"))
        elif r.year is not None and r.year != year:
            message = f"{Status.WRONG_YEAR.value}：报告年度为 {r.year}。{NOTES[Status.WRONG_YEAR]}".replace("未汇总", "未生成")
            done.append(Rendered(r.path, r.name, wrong_year=True, message=message))
        else:
            candidates.append(r)
    by_unit: dict[str, list[UnitRead]] = {}
    for r in candidates:
        by_unit.setdefault(key(r.name or r.stem), []).append(r)
    single: list[UnitRead] = []
    for group in by_unit.values():
        if len(group) == 1:
            single += group
            continue
        for r in group:
            others = "、".join(o.path for o in group if o is not r)
            note = NOTES[Status.DUPLICATE].replace("均未汇总", "均未生成报告")
            done.append(Rendered(r.path, r.name, duplicate=True, message=f"{Status.DUPLICATE.value}：{note}另见：{others}。"))
    by_folder: dict[str, list[tuple[UnitRead, str]]] = {}
    for r in single:
        folder = safe_filename(r.name or r.stem)
        # Windows and macOS compare names without letter case: “ABC局” and “abc局” are one folder there.
        by_folder.setdefault(unicodedata.normalize("NFC", folder).casefold(), []).append((r, folder))
    todo: list[tuple[UnitRead, str]] = []
    for group in by_folder.values():
        if len(group) == 1:
            todo += group
            continue
        for r, folder in group:
            others = "、".join(f"{o.path}（“{o.name or o.stem}”）" for o, _ in group if o is not r)
            done.append(
                Rendered(
                    r.path,
                    r.name,
                    message=f"单位名称“{r.name or r.stem}”与 {others} 不同，但输出文件夹名相同（{folder}），"
                    "为防止一个单位的报告覆盖另一个单位的，均未生成。请核对单位名称。",
                )
            )
    order = {id(r): i for i, r in enumerate(reads)}
    todo.sort(key=lambda t: order[id(t[0])])
    return todo, done


def ensure_writable(folder: Path) -> None:
    """The output folder exists (made if needed) and takes a file; otherwise a UserError (exit 2)."""
    import tempfile

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


def cmd_batch(args: argparse.Namespace) -> int:
    from ..formats import format_for_year
    from .command import default_units, refuse_output_inside

    spec = format_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    refuse_output_inside(units_dir, args.output_dir, args.year)
    ensure_writable(args.output_dir / str(args.year))
    found = survey(units_dir, skip=[args.output_dir])
    total = len(found.files) + len(found.unreadable)
    tty = sys.stderr.isatty()
    for p, why in found.ignored:
        print(f"未读取：{p}：{why}")
    started = time.perf_counter()
    # Every unit's name first: the folders are decided for all before any worker writes.
    try:
        reads = list(read_units(found.files, spec, args.year, check=False, jobs=args.jobs))
    except KeyboardInterrupt:
        print("已中断：还在读取各单位的工作簿，没有生成任何文件。", file=sys.stderr)
        return EXIT_INTERRUPTED
    todo, results = plan(reads, args.year)
    results += [Rendered(str(p), message=f"无法读取：R001 {why}") for p, why in found.unreadable]
    del reads
    bar = None
    if tty:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="个单位", desc="生成", file=sys.stderr, dynamic_ncols=True)
        bar.update(len(results))
    for i, r in enumerate(results, start=1):
        if bar is not None:
            bar.write(_line(r, i, total), file=sys.stderr)
        else:
            print(_line(r, i, total), flush=True)
    interrupted = False
    jobs = workers(args.jobs, len(todo))
    ex = pool(args.jobs, len(todo))
    futures: list[Future] = []
    seen: set[Future] = set()
    try:
        futures = [
            ex.submit(
                render_unit,
                r.path,
                spec.id,
                args.year,
                str(args.output_dir),
                str(previous_workbook(Path(r.path), units_dir, args.year) or ""),
                folder,
            )
            for r, folder in todo
        ]
        for fut in as_completed(futures):
            r = fut.result()
            seen.add(fut)
            results.append(r)
            if bar is not None:
                bar.update(1)
                if not r.ok:
                    bar.write(_line(r, len(results), total), file=sys.stderr)
            else:
                print(_line(r, len(results), total), flush=True)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # Units not yet started are dropped; those being rendered finish and land whole.
        ex.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    if interrupted:
        results += [f.result() for f in futures if f not in seen and f.done() and not f.cancelled()]
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
    if (failed or wrong_year or duplicates) and tty:
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
