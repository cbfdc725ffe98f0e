"""`generate rollup`: check every unit of a year, sum the included ones, write the review.

    generate rollup --year 2022 [--units DIR] [--roster XLSX] [--own XLSX] [--output-dir DIR]

Exit 0: every rostered unit present and free of 错误; 1 otherwise; 2 when the roster or the
government's own workbook cannot be read (nothing written).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from ..diagnostics import Diagnostic, Severity, UserError
from ..formats.spec import FormatSpec
from ..model import Report, Section, UnitInfo
from ..oserrors import describe
from ..review import Entry, Review, Status, build_review_workbook, headline_figures, stream_review_page
from ..workbook.layout import NARRATIVE_SHEETS
from .collect import Collected, collect
from .roster import RosterUnit, read_roster
from .units import ROLLUP_MARK, discover, previous_folder, read_units

ROLLUP_FOLDER = "汇总"
ROLLUP_WORKBOOK, REVIEW_WORKBOOK, REVIEW_PAGE = "汇总工作簿.xlsx", "审核表.xlsx", "审核.html"
ROLLUP_CATEGORY = "汇总"


def default_units(year: int) -> Path:
    return Path("inputs") / str(year)


def default_roster(year: int) -> Path:
    return Path("inputs") / f"{year}-名单.xlsx"


def roster_for(args: argparse.Namespace) -> list[RosterUnit] | None:
    """--roster, or inputs/<Y>-名单.xlsx when present; None means every workbook found is a unit."""
    path = args.roster or (default_roster(args.year) if default_roster(args.year).is_file() else None)
    return read_roster(path) if path else None


def own_report(args: argparse.Namespace, spec: FormatSpec) -> Report | None:
    """The government's own workbook (--own, or inputs/<Y>.xlsx when present); unreadable → exit 2."""
    from ..workbook import read_workbook

    if getattr(args, "no_own", False):  # the office's server: no own workbook, never one from its cwd
        return None
    path = args.own or Path("inputs") / f"{args.year}.xlsx"
    if not path.is_file():
        if args.own:
            raise UserError(f"找不到本级政府的工作簿：{path}")
        return None
    report, _ = read_workbook(path, spec, args.year)
    return report


def rollup_report(spec: FormatSpec, year: int, collected: Collected, own: Report | None) -> Report:
    """The standard report of the year: the units' sums, with the government's own unit information and text."""
    if own is not None:
        unit, sections = copy.deepcopy(own.unit), copy.deepcopy(own.sections)
    else:
        unit = UnitInfo(year=year)
        sections = {n.key: Section(n.key, sheet=n.sheet) for n in NARRATIVE_SHEETS}
    return Report(spec=spec, unit=unit, sections=sections, tables=collected.summer.tables(), year=year)


def rollup_name(report: Report) -> str:
    """“<本级政府>（汇总）”, or “（汇总）” alone when there is no own workbook to name it (never guessed)."""
    return f"{report.unit.name}（汇总）" if report.unit.name else "（汇总）"


def _rollup_entry(report: Report, findings: list[Diagnostic], path: Path, units: int) -> Entry:
    errors = any(d.severity is Severity.ERROR for d in findings)
    note = f"{units} 个单位的合计。" + (
        "" if report.unit.name else "没有找到本级政府的工作簿：单位信息和正文需要补填。"
    )
    return Entry(
        name=rollup_name(report),
        status=Status.ERRORS if errors else Status.PASSED,
        category=ROLLUP_CATEGORY,
        source=str(path),
        findings=findings,
        figures=headline_figures(report),
        summed=False,
        note=note,
    )


def _print(entries: list[Entry], out=None) -> None:
    out = out or sys.stdout
    for e in entries:
        counts = f"（错误 {e.errors} 条，警告 {e.warnings} 条）" if e.findings else ""
        where = f" {e.source}" if e.source else ""
        print(f"【{e.name}】{where}：{e.status.value}{counts}", file=out)
        if e.status is not Status.PASSED and e.note:
            print(f"  {e.note}", file=out)
        for d in e.findings:
            print(f"  {d.format()}", file=out)


def cmd_rollup(args: argparse.Namespace, decisions: dict[str, str] | None = None) -> int:
    """decisions: a unit file's path → the office's decision on it (generate serve), for 审核表's column."""
    from ..formats import format_for_year
    from ..output import atomic_write_many
    from ..validate import validate
    from ..workbook.writer import build_workbook

    try:
        spec = format_for_year(args.year)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    roster = roster_for(args)
    own = own_report(args, spec)
    units_dir = args.units or default_units(args.year)
    folder = args.output_dir / str(args.year) / ROLLUP_FOLDER
    paths = discover(units_dir, skip=[args.output_dir])
    # Last year's unit folder beside this year's (inputs/2021/ beside inputs/2022/): cross-year rules.
    previous_dir = previous_folder(units_dir, args.year)
    reads = list(read_units(paths, spec, args.year, jobs=args.jobs, units_dir=units_dir))
    collected = collect(spec, args.year, reads, roster)
    del reads
    report = rollup_report(spec, args.year, collected, own)
    rollup_path = folder / ROLLUP_WORKBOOK
    report.source = str(rollup_path)
    summed = sum(1 for e in collected.entries if e.summed)
    findings = [*collected.summer.notes(str(rollup_path)), *validate(report)] if summed else []
    entries = list(collected.entries)
    files: dict[Path, object] = {}
    if summed:
        entries.insert(0, _rollup_entry(report, findings, rollup_path, summed))
        wb = build_workbook(spec, args.year, report)
        wb.properties.keywords = ROLLUP_MARK
        wb.properties.title = f"{report.unit.name or ''}{args.year}年度政府信息公开工作年度报告（汇总）"
        files[rollup_path] = wb.save
    title = f"{(own.unit.name if own else '') or ''}{args.year}年度政府信息公开工作年度报告 汇总审核"
    summary = (
        f"单位文件夹 {units_dir}：找到 {len(paths)} 个文件，汇总 {summed} 个单位。"
        + ("名单：" + ("已使用" if roster is not None else "未提供，找到的每个工作簿都作为一个单位") + "。")
        + (
            f"跨年核对：与 {previous_dir} 中路径相同（文件名相同、子文件夹相同）的上一年度工作簿比较。"
            if previous_dir.is_dir()
            else ""
        )
    )
    # The units only: the roll-up's own row is said separately, and its 错误 do not set the exit code.
    unit_counts = "，".join(f"{s.value} {n}" for s, n in Review(title, list(collected.entries)).counts().items())
    own_line = ""
    own_row = entries[0] if summed else None
    if own_row is not None:
        own_line = f"汇总工作簿 {rollup_name(report)}：{own_row.status.value}（错误 {own_row.errors} 条，警告 {own_row.warnings} 条）"
    summary += f"各单位：{unit_counts}。" + (f"{own_line}。下面按状态的计数含汇总行。" if own_line else "")
    for e in entries:
        e.decision = (decisions or {}).get(e.source, "")
    review = Review(title, entries, collected.provenance, summary)
    files[folder / REVIEW_WORKBOOK] = build_review_workbook(review).save
    files[folder / REVIEW_PAGE] = lambda fh: stream_review_page(review, fh)
    _print(entries)
    try:
        atomic_write_many(files)  # type: ignore[arg-type]
    except OSError as exc:
        raise UserError(f"无法写入输出文件夹 {folder}：{describe(exc)}。没有写出任何新文件。") from None
    print(f"汇总完成：各单位 {unit_counts}。")
    if own_line:
        print(
            own_line
            + (
                "；其中没有本级政府的工作簿所缺的单位信息和正文，请补填后用 generate check 校验。"
                if own is None
                else "。"
            )
            + (
                "汇总工作簿自身的错误不影响退出码（见 docs/rollup.md）。"
                if own_row is not None and own_row.errors
                else ""
            )
        )
    if not summed:
        print("没有可以汇总的单位工作簿，未生成汇总工作簿。", file=sys.stderr)
    for p in files:
        print(f"已生成：{p}", file=sys.stderr)
    return 0 if collected.complete else 1


def cmd_init_roster(args: argparse.Namespace) -> int:
    """A roster listing every readable workbook found, category from its 单位层级, all included."""
    from ..pipeline import spec_for_year
    from .roster import category_of, write_roster

    target = args.output or default_roster(args.year)
    if target.exists() and not args.force:
        raise UserError(f"名单 {target} 已存在，没有覆盖。要重新生成请加 --force。")
    spec = spec_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    units: list[RosterUnit] = []
    names: set[str] = set()
    for r in read_units(
        discover(units_dir, skip=[getattr(args, "output_dir", Path("outputs"))]), spec, args.year, check=False
    ):
        name = r.name or r.stem
        if r.rollup_output or name in names:
            continue
        names.add(name)
        units.append(
            RosterUnit(
                name, category_of(r.level) or "部门", True, "" if r.readable else "工作簿无法读取，请核对单位名称"
            )
        )
    try:
        write_roster(target, units)
    except OSError as exc:
        raise UserError(f"无法写入名单 {target}：{describe(exc)}。") from None
    print(
        f"已生成名单：{target}（{len(units)} 个单位）。请核对类别，把不纳入汇总的单位（如垂直管理单位）改为“否”。",
        file=sys.stderr,
    )
    return 0
