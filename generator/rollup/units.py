"""Finding and reading the unit workbooks of a year, in parallel, keeping only what a review needs.

A Report is dropped as soon as its findings, headline figures and field contributions are
taken from it: a city office's thousands of units never sit in memory at once.
"""

from __future__ import annotations

import os
import pickle
import signal
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, Severity, UserError, sort_key
from ..formats.spec import FormatSpec, Kind
from ..model import Number, Report, State, UnitLevel, Value

# Written into the roll-up workbook's document properties, so that a roll-up found among the
# inputs is recognised and never summed again.
ROLLUP_MARK = "nianbao-rollup"
# Amount units a 2019 采购总金额 may carry, as factors to 元.
TO_YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}

# What a unit contributes to one field: a number, "/" (not applicable), None (blank, an error
# value, a formula without a result), or a text saying why the number cannot be summed.
Contribution = Number | str | None


@dataclass
class UnitRead:
    """One file of the units folder, read (or not) and checked."""

    path: str
    name: str = ""
    level: UnitLevel | None = None
    year: int | None = None
    readable: bool = False
    wrong_format: bool = False
    rollup_output: bool = False
    findings: list[Diagnostic] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    # One contribution per field, in fields(spec) order, pickled: ~400 bytes instead of ~2 KB of
    # objects, so that thousands of units stay small in the parent process (docs/performance.md).
    packed: bytes = b""

    @property
    def values(self) -> tuple[Contribution, ...]:
        return unpack(self.packed)

    @property
    def stem(self) -> str:
        return Path(self.path).stem

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.findings)


def fields(spec: FormatSpec) -> list[tuple[str, str]]:
    """(table id, field key) of every field of the format, tables in order, fields in reading order."""
    return [(t.id, key) for t in spec.tables for key in t.fields]


# Folders never holding a unit's workbook: the operating systems' and NAS boxes' own (compared in lower case).
SYSTEM_FOLDERS = {"__macosx", "$recycle.bin", "system volume information", "@eadir", "#recycle", "__pycache__"}


@dataclass
class Found:
    """What a units folder holds: files to read, and everything else with the reason it is not read."""

    files: list[Path] = field(default_factory=list)
    # Found but cannot be read, a problem for the office: a named pipe, a broken link, a folder without permission.
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    # Left out on purpose, said once: hidden and system files and folders, the output folder, a second link to a folder.
    ignored: list[tuple[Path, str]] = field(default_factory=list)

    def unreadable_reads(self) -> list[UnitRead]:
        """The unreadable entries as reads with an R001 finding, for the review like any unreadable file."""
        return [
            UnitRead(str(p), findings=[Diagnostic("R001", Severity.ERROR, why, str(p))]) for p, why in self.unreadable
        ]

    def ignored_text(self, limit: int = 20) -> str:
        """“未读取：a（why）、b（why）”, the first `limit` named, for the summaries."""
        if not self.ignored:
            return ""
        shown = "、".join(f"{p}（{why}）" for p, why in self.ignored[:limit])
        more = f" 等 {len(self.ignored)} 项" if len(self.ignored) > limit else ""
        return f"未读取：{shown}{more}。"


def survey(folder: Path, skip: Iterable[Path] = ()) -> Found:
    """Every file in the folder and its sub-folders (inputs/2022/乡镇/东山乡.xlsx too), sorted by relative path,
    and every other thing found there with the reason it is not read.

    Hidden (dot) files and folders, system folders and the folders in skip are not read. A linked
    sub-folder is read like any other, once (a second link to a folder already read, or a loop, is
    listed). A named pipe, a device, a broken link or a folder that cannot be opened is never
    opened: it is listed as unreadable. Not only .xlsx: a Word file or a lock file left beside the
    workbooks is read like any other and named in the review with the reader's own message.
    rollup, batch and init-roster all find units here.
    """
    import stat

    from ..oserrors import describe

    if not folder.is_dir():
        raise UserError(
            f"找不到各单位工作簿所在的文件夹：{folder}。请把各单位的工作簿（.xlsx）放在这个文件夹中，"
            "或用 --units 指定文件夹。"
        )
    skipped = {p.resolve() for p in skip}
    found = Found()
    visited = {folder.resolve()}

    def walk(here: Path) -> None:
        try:
            with os.scandir(here) as it:
                names = sorted(e.name for e in it)
        except OSError as exc:
            found.unreadable.append((here, f"文件夹无法打开：{describe(exc)}。其中的文件没有读取"))
            return
        for name in names:
            path = here / name
            if name.startswith("."):
                found.ignored.append((path, "以“.”开头的隐藏文件或文件夹"))
                continue
            try:
                st = path.stat()  # follows a link to what it points at
            except OSError as exc:
                if path.is_symlink():
                    found.unreadable.append((path, "符号链接指向的文件或文件夹不存在（断开的链接），没有读取"))
                else:
                    found.unreadable.append((path, f"无法打开：{describe(exc)}"))
                continue
            real = path.resolve()
            if stat.S_ISDIR(st.st_mode):
                if name.lower() in SYSTEM_FOLDERS:
                    found.ignored.append((path, "操作系统或网络存储的系统文件夹"))
                elif real in skipped:
                    found.ignored.append((path, "输出文件夹"))
                elif real in visited:
                    found.ignored.append((path, f"链接到已读取的文件夹 {real}，不重复读取"))
                else:
                    visited.add(real)
                    walk(path)
            elif stat.S_ISREG(st.st_mode):
                if real in skipped:
                    found.ignored.append((path, "另有用途的文件（名单或本级政府的工作簿）"))
                else:
                    found.files.append(path)
            else:
                found.unreadable.append((path, "不是普通文件（命名管道、设备或套接字），没有打开"))

    walk(folder)
    found.files.sort(key=lambda p: p.relative_to(folder).parts)
    return found


def discover(folder: Path, skip: Iterable[Path] = ()) -> list[Path]:
    """The files to read in the folder (survey(...).files)."""
    return survey(folder, skip).files


def previous_folder(units_dir: Path, year: int) -> Path:
    """Last year's unit folder beside this year's: inputs/2021/ beside inputs/2022/."""
    return units_dir.parent / str(year - 1)


def previous_workbook(path: Path, units_dir: Path, year: int) -> Path | None:
    """Last year's workbook of a unit: the same relative path in last year's folder, when it is a file.

    The one lookup rollup and batch share, so that both apply the cross-year rules alike.
    """
    try:
        rel = path.relative_to(units_dir)
    except ValueError:
        rel = Path(path.name)
    prev = previous_folder(units_dir, year) / rel
    return prev if prev.is_file() else None


def is_rollup_output(path: Path) -> bool:
    """Whether the file is a roll-up workbook this program wrote (its document properties say so)."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return False
            return ROLLUP_MARK.encode() in zf.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError):
        return False


def contribution(v: Value | None, kind: Kind) -> Contribution:
    if v is None or v.state in (State.BLANK, State.ERROR, State.FORMULA, State.UNREADABLE):
        return None
    if v.state is State.SLASH:
        return "/"
    if kind is Kind.AMOUNT_TEXT:
        factor = TO_YUAN.get(v.unit)
        if factor is None:
            return f"{v.display()}（未写单位，无法换算为元）"
        return _plain(Decimal(v.number) * factor)  # type: ignore[arg-type]
    return v.number


def _plain(d: Decimal) -> Decimal:
    """1.5 × 10000 is 15000, not 15000.0 or 1.5E+4."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d  # type: ignore[operator]


def pack(values: tuple[Contribution, ...]) -> bytes:
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: bytes) -> tuple[Contribution, ...]:
    return pickle.loads(packed) if packed else ()


def contributions(report: Report) -> tuple[Contribution, ...]:
    spec = report.spec
    return tuple(
        contribution(report.tables.get(tid, {}).get(key), spec.table(tid).fields[key].kind) for tid, key in fields(spec)
    )


def read_previous(prev: str, path: Path, year: int) -> tuple[Report | None, list[Diagnostic]]:
    """Last year's workbook prev ("" for none), for the cross-year rules of the unit at path."""
    from ..formats import UnsupportedYear, format_for_year
    from ..workbook import read_workbook

    if not prev:
        return None, []
    try:
        report, _ = read_workbook(Path(prev), format_for_year(year - 1), year - 1)
        return report, []
    except (InputError, UnsupportedYear) as exc:
        why = exc.diagnostics[0].message if isinstance(exc, InputError) else str(exc)
        return None, [
            Diagnostic("R090", Severity.WARNING, f"上一年度工作簿 {prev} 无法读取，跨年核对已跳过：{why}", str(path))
        ]


def read_unit(path: str, spec_id: str, year: int, check: bool = True, previous: str = "") -> UnitRead:
    """Read and (when check) validate one file; any problem with the file becomes findings, never an exception.

    previous: last year's workbook of the unit (previous_workbook), enabling the cross-year
    rules as inputs/<Y-1>.xlsx does for `generate check`.
    """
    from ..formats import format_by_id
    from ..review import headline_figures
    from ..validate import validate
    from ..workbook import read_workbook

    p = Path(path)
    out = UnitRead(path)
    if is_rollup_output(p):
        out.rollup_output = True
        return out
    try:
        report, notes = read_workbook(p, format_by_id(spec_id), year)
    except InputError as exc:
        out.findings = exc.diagnostics
        out.wrong_format = any(d.code == "R044" for d in exc.diagnostics)
        return out
    out.readable = True
    out.name, out.level, out.year = report.unit.name, report.unit.level, report.unit.year
    if check:
        last, prev_notes = read_previous(previous, p, year)
        findings = [*notes, *prev_notes, *validate(report, last)]
    else:
        findings = notes
    out.findings = sorted(findings, key=sort_key)
    out.figures = headline_figures(report)
    out.packed = pack(contributions(report))
    return out


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops handing out work and lets running units finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def workers(n: int | None = None, tasks: int | None = None) -> int:
    """--jobs N, or every core when N is not given or below 1; never more than the cores, nor than
    the files to process (each worker is a process of its own: --jobs 100000 must not start 100000)."""
    cores = os.cpu_count() or 1
    wanted = n if n is not None and n > 0 else cores
    return max(1, min(wanted, cores, tasks if tasks is not None else wanted))


def pool(n: int | None = None, tasks: int | None = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers(n, tasks), initializer=_ignore_sigint)


def read_units(
    paths: list[Path],
    spec: FormatSpec,
    year: int,
    check: bool = True,
    jobs: int | None = None,
    units_dir: Path | None = None,
) -> Iterator[UnitRead]:
    """read_unit over every path, on every core, yielded in the order of paths.

    units_dir: the folder the paths were found in; last year's workbooks are looked up beside it.
    """
    prevs = [str(previous_workbook(p, units_dir, year) or "") if units_dir is not None else "" for p in paths]
    n = len(paths)
    if n <= 1 or workers(jobs, n) == 1:
        for p, prev in zip(paths, prevs):
            yield read_unit(str(p), spec.id, year, check, prev)
        return
    with pool(jobs, n) as ex:
        chunk = max(1, min(16, n // (workers(jobs, n) * 4)))
        yield from ex.map(
            read_unit, [str(p) for p in paths], [spec.id] * n, [year] * n, [check] * n, prevs, chunksize=chunk
        )
