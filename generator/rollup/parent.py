"""U1: the government's own workbook against the sum over its units' workbooks.

When `generate check` (or `generate`) reads inputs/<Y>.xlsx and a folder inputs/<Y>/ of unit
workbooks sits beside it, every table figure is compared with the units' sum, under the same
rules as `generate rollup` (roster inputs/<Y>-名单.xlsx when present). An office that types
its report by hand still gets the check.

Only the government's own workbook is compared: the file named <Y>.xlsx beside the folder <Y>/
(where rollup looks for it), whose 单位名称 is not that of a unit in the folder. Any other
workbook beside the folder (a unit's copied into inputs/) is not; a <Y>.xlsx naming one of the
units gets a U3 warning instead of a U1 at every figure.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..model import Report, State


def units_beside(path: Path, year: int) -> Path:
    return path.parent / str(year)


def units_read(path: Path, year: int) -> tuple[Path, list[Path]] | None:
    """(units folder, files) the U1 check of the workbook at path reads: the folder's files and
    the roster beside the workbook; None when there is no such folder."""
    folder = units_beside(path, year)
    if not folder.is_dir():
        return None
    from .units import discover

    roster_path = path.parent / f"{year}-名单.xlsx"
    roster = [roster_path] if roster_path.is_file() else []
    return folder, [*discover(folder, skip=[path, roster_path]), *roster]


def check_parent(report: Report, path: Path, jobs: int | None = None) -> list[Diagnostic]:
    """U1 at every figure that differs from the units' sum; U3 saying what was compared."""
    year, spec = report.year, report.spec
    folder = units_beside(path, year)
    if path.name != f"{year}.xlsx" or not folder.is_dir():
        return []  # the common case: a single unit's workbook; nothing more is imported
    from ..diagnostics import InputError, UserError
    from ..validate.context import Ctx, fmt
    from .collect import collect, is_own
    from .roster import read_roster
    from .units import contribution, discover, fields, read_units

    roster_path = path.parent / f"{year}-名单.xlsx"
    ctx = Ctx(report)
    roster = None
    if roster_path.is_file():
        try:
            roster = read_roster(roster_path)
        except (InputError, UserError) as exc:
            why = exc.diagnostics[0].message if isinstance(exc, InputError) else str(exc)
            return [
                Diagnostic("U3", Severity.WARNING, f"名单 {roster_path} 无法读取，未与各单位合计核对：{why}", str(path))
            ]
    paths = discover(folder, skip=[path, roster_path])
    if not paths:
        return []
    reads = list(read_units(paths, spec, year, check=False, jobs=jobs))
    same = [r for r in reads if is_own(r, report.unit.name)]
    if same:
        files = "、".join(r.path for r in same)
        return [
            Diagnostic(
                "U3",
                Severity.WARNING,
                f"本表的单位名称“{report.unit.name}”与单位文件夹中的 {files} 相同，未与各单位合计核对："
                f"本表是本级政府自己的工作簿时，请把它从 {folder} 中移出；本表是这个单位的工作簿时，它不是本级政府的报告，"
                "不与各单位合计核对。",
                str(path),
            )
        ]
    collected = collect(spec, year, reads, roster, report.unit.name, str(path))
    summed = [e for e in collected.entries if e.summed]
    if not summed:
        return []
    left_out = [e for e in collected.entries if not e.summed and e.status.value not in ("不纳入汇总",)]
    out: list[Diagnostic] = []
    summer = collected.summer
    for i, (tid, key) in enumerate(fields(spec)):
        expected = summer.value(i)
        if expected.state is State.BLANK:
            continue  # some unit's figure cannot be added: U3 says so, rollup names it (U2)
        own = report.tables.get(tid, {}).get(key)
        if own is None or own.state not in (State.NUMBER, State.SLASH):
            continue  # blank or unreadable: the input rules report it
        kind = spec.table(tid).fields[key].kind
        mine, theirs = contribution(own, kind), contribution(expected, kind)
        if mine == theirs or (isinstance(mine, str) and mine != "/"):
            continue
        shown_sum = expected.display()
        out.append(
            ctx.at_field(
                "U1",
                Severity.ERROR,
                tid,
                key,
                f"与 {len(summed)} 个单位工作簿的合计不符：各单位合计为 {shown_sum}，本表填写 {own.display()}"
                + (
                    f"（{'多' if mine > theirs else '少'} {fmt(abs(mine - theirs))}）"
                    if _both_numbers(mine, theirs)
                    else ""
                )
                + "。请核对本表或各单位的数字（generate rollup 的审核表“数据来源”逐单位列出）。",
                expected=shown_sum,
                actual=own.display(),
            )
        )
    blocked = sum(1 for s in summer.sums if s.blocked)
    gaps = []
    if left_out:
        gaps.append(
            f"未计入 {len(left_out)} 个工作簿（{'、'.join(f'{e.name}：{e.status.value}' for e in left_out[:6])}）"
        )
    if blocked:
        gaps.append(f"{blocked} 项因有单位空白或无法读取而未核对")
    note = (
        f"已与 {folder} 中 {len(summed)} 个单位工作簿的合计逐项核对" + ("；" + "；".join(gaps) if gaps else "") + "。"
    )
    out.append(Diagnostic("U3", Severity.WARNING if gaps else Severity.INFO, note, str(path)))
    return out


def _both_numbers(a: object, b: object) -> bool:
    return not isinstance(a, (str, type(None))) and not isinstance(b, (str, type(None)))
