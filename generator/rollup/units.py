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


def discover(folder: Path, skip: Iterable[Path] = ()) -> list[Path]:
    """Every file directly in the folder (sub-folders and hidden dot-files aside), sorted by name.

    Not only .xlsx: a Word file or a lock file left beside the workbooks is read like any other
    and named in the review with the reader's own message.
    """
    if not folder.is_dir():
        raise UserError(
            f"找不到各单位工作簿所在的文件夹：{folder}。请把各单位的工作簿（.xlsx）放在这个文件夹中，"
            "或用 --units 指定文件夹。"
        )
    skipped = {p.resolve() for p in skip}
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.resolve() not in skipped),
        key=lambda p: p.name,
    )


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
    if v is None or v.state in (State.BLANK, State.ERROR, State.FORMULA):
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


def _previous(path: Path, previous_dir: str, year: int) -> tuple[Report | None, list[Diagnostic]]:
    """Last year's workbook of the same file name in previous_dir, for the cross-year rules."""
    from ..formats import UnsupportedYear, format_for_year
    from ..workbook import read_workbook

    prev = Path(previous_dir) / path.name if previous_dir else None
    if prev is None or not prev.is_file():
        return None, []
    try:
        report, _ = read_workbook(prev, format_for_year(year - 1), year - 1)
        return report, []
    except (InputError, UnsupportedYear) as exc:
        why = exc.diagnostics[0].message if isinstance(exc, InputError) else str(exc)
        return None, [
            Diagnostic("R090", Severity.WARNING, f"上一年度工作簿 {prev} 无法读取，跨年核对已跳过：{why}", str(path))
        ]


def read_unit(path: str, spec_id: str, year: int, check: bool = True, previous_dir: str = "") -> UnitRead:
    """Read and (when check) validate one file; any problem with the file becomes findings, never an exception.

    previous_dir: last year's unit folder; a workbook there of the same file name enables the
    cross-year rules, as inputs/<Y-1>.xlsx does for `generate check`.
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
        previous, prev_notes = _previous(p, previous_dir, year)
        findings = [*notes, *prev_notes, *validate(report, previous)]
    else:
        findings = notes
    out.findings = sorted(findings, key=sort_key)
    out.figures = headline_figures(report)
    out.packed = pack(contributions(report))
    return out


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops handing out work and lets running units finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def workers(n: int | None = None) -> int:
    """--jobs N, or every core when N is not given or below 1."""
    return n if n is not None and n > 0 else (os.cpu_count() or 1)


def pool(n: int | None = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers(n), initializer=_ignore_sigint)


def read_units(
    paths: list[Path],
    spec: FormatSpec,
    year: int,
    check: bool = True,
    jobs: int | None = None,
    previous_dir: Path | None = None,
) -> Iterator[UnitRead]:
    """read_unit over every path, on every core, yielded in the order of paths."""
    prev = str(previous_dir) if previous_dir is not None and previous_dir.is_dir() else ""
    if len(paths) <= 1 or workers(jobs) == 1:
        for p in paths:
            yield read_unit(str(p), spec.id, year, check, prev)
        return
    with pool(jobs) as ex:
        n = len(paths)
        chunk = max(1, min(16, n // (workers(jobs) * 4)))
        yield from ex.map(
            read_unit, [str(p) for p in paths], [spec.id] * n, [year] * n, [check] * n, [prev] * n, chunksize=chunk
        )
