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
from .units import ROLLUP_MARK, previous_folder, read_units, survey

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


def own_path(args: argparse.Namespace) -> Path:
    return args.own or Path("inputs") / f"{args.year}.xlsx"


def own_report(args: argparse.Namespace, spec: FormatSpec) -> Report | None:
    """The government's own workbook (--own, or inputs/<Y>.xlsx when present); unreadable or of
    another 报告年度 → exit 2 (its unit information would be printed with this year's sums)."""
    from ..workbook import read_workbook

    if getattr(args, "no_own", False):  # the office's server: no own workbook, never one from its cwd
        return None
    path = own_path(args)
    if not path.is_file():
        if args.own:
            raise UserError(f"找不到本级政府的工作簿：{path}")
        return None
    report, _ = read_workbook(path, spec, args.year)
    if report.unit.year is not None and report.unit.year != args.year:
        raise UserError(
            f"本级政府的工作簿 {path} 单位信息中的“报告年度”是 {report.unit.year}，不是 {args.year}，没有汇总。"
            f"汇总工作簿的单位信息和正文取自这个工作簿，不能用另一年度的。请换成 {args.year} 年度的工作簿"
            f"（或用 --own 指定），没有时把它移开，汇总工作簿的单位信息和正文留空待补填。"
        )
    return report


def refuse_output_inside(units_dir: Path, output_dir: Path, year: int) -> None:
    """The outputs (output_dir/<Y>/…) must not land in the units folder: the next run would read them
    as units. rollup and batch refuse it, as audit does (exit 2, nothing written)."""
    units, where = units_dir.resolve(), (output_dir / str(year)).resolve()
    if where == units or units in where.parents:
        raise UserError(
            f"输出文件夹 {output_dir / str(year)} 在单位文件夹 {units_dir} 之中，没有运行：下一次汇总会把这些输出当作单位读取。"
            "请用 --output-dir 指定单位文件夹以外的输出文件夹（默认 outputs）。"
        )


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
        aggregate=True,
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
    from ..output import atomic_write_many
    from ..pipeline import spec_for_year
    from ..validate import validate
    from ..workbook.writer import build_workbook

    spec = spec_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    refuse_output_inside(units_dir, args.output_dir, args.year)
    roster = roster_for(args)
    own = own_report(args, spec)
    folder = args.output_dir / str(args.year) / ROLLUP_FOLDER
    found = survey(units_dir, skip=[args.output_dir])
    paths = found.files
    # Last year's unit folder beside this year's (inputs/2021/ beside inputs/2022/): cross-year rules.
    previous_dir = previous_folder(units_dir, args.year)
    reads = list(read_units(paths, spec, args.year, jobs=args.jobs, units_dir=units_dir))
    reads += found.unreadable_reads()
    collected = collect(
        spec, args.year, reads, roster, own.unit.name if own else "", str(own_path(args)) if own else ""
    )
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
    stale = not summed and rollup_path.is_file()
    if stale:
        files[rollup_path] = None  # the previous run's sums must not stand beside this run's review
    title = f"{(own.unit.name if own else '') or ''}{args.year}年度政府信息公开工作年度报告 汇总审核"
    summary = (
        f"单位文件夹 {units_dir}：找到 {len(paths) + len(found.unreadable)} 个文件，汇总 {summed} 个单位。"
        + found.ignored_text()
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
    summary += f"各单位：{unit_counts}。" + (f"{own_line}。" if own_line else "")
    for e in entries:
        e.decision = (decisions or {}).get(e.source, "")
    review = Review(title, entries, collected.provenance, summary)
    files[folder / REVIEW_WORKBOOK] = build_review_workbook(review).save
    files[folder / REVIEW_PAGE] = lambda fh: stream_review_page(review, fh)
    _print(entries)
    for p, why in found.ignored:
        print(f"未读取：{p}：{why}")
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
        print(
            "没有可以汇总的单位工作簿，未生成汇总工作簿"
            + (f"；上次生成的 {rollup_path} 已过期，已删除。" if stale else "。"),
            file=sys.stderr,
        )
    for p, content in files.items():
        if content is not None:
            print(f"已生成：{p}", file=sys.stderr)
    return 0 if collected.complete else 1


LOCK_PREFIX = "~$"  # the lock file Excel and WPS leave beside a workbook they have open


def cmd_init_roster(args: argparse.Namespace) -> int:
    """A roster listing every unit found once, category from its 单位层级, all included.

    Units are told apart as the roster tells them (names ignoring width and spacing), so that the
    roster written is one rollup accepts; every file not listed is said with the reason.
    """
    from ..pipeline import spec_for_year
    from .roster import category_of, key, write_roster

    target = args.output or default_roster(args.year)
    if target.exists() and not args.force:
        raise UserError(f"名单 {target} 已存在，没有覆盖。要重新生成请加 --force。")
    spec = spec_for_year(args.year)
    units_dir = args.units or default_units(args.year)
    found = survey(units_dir, skip=[getattr(args, "output_dir", Path("outputs")), target])
    units: list[RosterUnit] = []
    first: dict[str, str] = {}  # unit key → the file that listed it
    left: list[tuple[Path, str]] = [*found.ignored, *found.unreadable]
    for r in read_units(found.files, spec, args.year, check=False):
        path = Path(r.path)
        if r.rollup_output:
            left.append((path, "本程序生成的汇总工作簿，不是单位的工作簿"))
            continue
        if path.name.startswith(LOCK_PREFIX) and not r.readable:
            left.append((path, "Excel/WPS 打开工作簿时留下的锁定文件，不是单位的工作簿"))
            continue
        name = r.name or r.stem
        if key(name) in first:
            left.append((path, f"与 {first[key(name)]} 是同一单位（单位名称忽略空格和全半角后相同），名单中只列一次"))
            continue
        first[key(name)] = str(path)
        note = ""
        if not r.readable:
            note = "工作簿无法读取，请核对单位名称"
        elif r.year is not None and r.year != args.year:
            note = f"工作簿的报告年度为 {r.year}，请核对"
        units.append(RosterUnit(name, category_of(r.level) or "部门", True, note))
    try:
        write_roster(target, units)
    except OSError as exc:
        raise UserError(f"无法写入名单 {target}：{describe(exc)}。") from None
    for path, why in left:
        print(f"未列入名单：{path}：{why}")
    print(
        f"已生成名单：{target}（{len(units)} 个单位）。请核对类别，把不纳入汇总的单位（如垂直管理单位）改为“否”。",
        file=sys.stderr,
    )
    return 0
