"""`generate batch`: every unit's DOCX and HTML under outputs/<Y>/<单位名称>/, on every core.

One unit failing never stops the others. Ctrl-C stops handing out units; those being rendered
finish (each is written atomically), so only complete files are left.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError, UserError
from ..review import Status
from .collect import NOTES
from .units import discover, pool, previous_workbook, read_previous, workers

EXIT_INTERRUPTED = 130


@dataclass
class Rendered:
    """What became of one file of the units folder."""

    path: str
    name: str = ""
    ok: bool = False
    wrong_year: bool = False
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    @property
    def draft(self) -> bool:
        """Rendered with 错误: marked as a draft in both outputs, as `generate` does."""
        return self.ok and self.errors > 0


def render_unit(path: str, spec_id: str, year: int, out_root: str, previous: str = "") -> Rendered:
    """Read, check and render one unit; any failure is a message, never an exception.

    previous: last year's workbook of the unit (units.previous_workbook, as rollup uses it).
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
        folder = contained(Path(out_root) / str(year), safe_filename(report.unit.name or Path(path).stem))
        written = write_pair(folder, year, render(report, provenance))
        result.ok, result.outputs = True, [str(p) for p in written]
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
        return f"[{done}/{total}] {who}：已生成 {folder}/（错误 {r.errors} 条，警告 {r.warnings} 条{draft}）"
    return f"[{done}/{total}] {who}（{r.path}）：{r.message}"


def cmd_batch(args: argparse.Namespace) -> int:
    from ..pipeline import spec_for_year
    from .command import default_units

    spec = spec_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    paths = discover(units_dir, skip=[args.output_dir])
    total = len(paths)
    tty = sys.stderr.isatty()
    bar = None
    if tty:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="个单位", desc="生成", file=sys.stderr, dynamic_ncols=True)
    results: list[Rendered] = []
    started = time.perf_counter()
    interrupted = False
    ex = pool(args.jobs)
    futures: list[Future] = []
    seen: set[Future] = set()
    try:
        futures = [
            ex.submit(
                render_unit,
                str(p),
                spec.id,
                args.year,
                str(args.output_dir),
                str(previous_workbook(p, units_dir, args.year) or ""),
            )
            for p in paths
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
    failed = [r for r in results if not r.ok and not r.wrong_year]
    names: dict[str, list[Rendered]] = {}
    for r in ok:
        names.setdefault(str(Path(r.outputs[0]).parent), []).append(r)
    for folder, rs in names.items():
        if len(rs) > 1:
            files = "、".join(r.path for r in rs)
            print(f"注意：{files} 的单位名称相同，输出到同一文件夹 {folder}，后生成的覆盖了先生成的。请核对单位名称。")
    rate = len(ok) / elapsed if elapsed > 0 else 0.0
    print(
        f"批量生成{'已中断' if interrupted else '完成'}：共 {total} 个文件，已生成 {len(ok)} 个单位，"
        f"{f'年度不符 {len(wrong_year)} 个（未生成），' if wrong_year else ''}"
        f"失败 {len(failed)} 个{f'，未处理 {total - len(results)} 个' if interrupted else ''}；"
        f"用时 {elapsed:.1f} 秒（{rate:.1f} 个/秒，{workers(args.jobs)} 个进程）。"
    )
    drafts = [r for r in ok if r.draft]
    if drafts:
        who = "、".join(r.name or Path(r.path).name for r in drafts)
        print(
            f"其中 {len(drafts)} 个单位的报告标为草稿（Word 页眉和水印、网页顶部横幅），改正全部“错误”后重新生成：{who}。"
        )
    if (failed or wrong_year) and tty:
        for r in wrong_year:
            print(f"  {Status.WRONG_YEAR.value}：{r.path}：{r.message}")
        for r in failed:
            print(f"  失败：{r.path}：{r.message}")
    if interrupted:
        print("已中断：已写出的文件都是完整的，未处理的单位没有生成任何文件。", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 1 if failed or wrong_year else 0
