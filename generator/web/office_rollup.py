"""The office's roll-up: the year's current uploads exported to a folder, then `generate rollup`.

    export_year(store, office, 2022, Path("DATA/export/2022"))   # 单位/<名称>.xlsx + 名单.xlsx
    rollup_files(store, office, 2022)                            # {"汇总工作簿.xlsx": bytes, …}

The export is the one truth the command line sees as well: `generate serve-export` writes the same
folder, and `generate rollup --units DIR/单位 --roster DIR/名单.xlsx` on it gives the same files as
the desk's downloads, because the downloads are made by that very command (rollup/command.py).
Each exported workbook is the upload's bytes exactly as received; its file name is the roster
name made safe (output.safe_filename), never the name the clerk's file had.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import threading
from pathlib import Path

from ..output import safe_filename
from ..review import Status
from ..rollup.roster import key, write_roster
from .office_store import ACCEPTED, OfficeStore, UnitRow
from .storage import Store

UNITS_FOLDER, ROSTER_FILE, OWN_FILE = "单位", "名单.xlsx", "本级政府.xlsx"
_LOCK = threading.Lock()  # one roll-up at a time: cmd_rollup prints to the process's stdout


def desk_status(row: UnitRow) -> Status:
    """A roster unit's status as `generate rollup` gives it (rollup/collect.py), from the kept check."""
    if row.current is None or row.check is None:
        return Status.MISSING
    if row.check.unit_name and key(row.check.unit_name) != key(row.unit.name):
        return Status.OFF_ROSTER  # the workbook names another unit: the command line matches by that name
    if row.check.errors:
        return Status.ERRORS
    if not row.unit.in_rollup:
        return Status.EXCLUDED
    return Status.PASSED


def file_names(rows: list[UnitRow]) -> dict[int, str]:
    """unit id → the exported file's name: the roster name made safe, unique within the folder."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for row in rows:
        base = safe_filename(row.unit.name) or f"单位{row.unit.id}"
        name, n = f"{base}.xlsx", 2
        while name.lower() in used:
            name, n = f"{base}-{n}.xlsx", n + 1
        used.add(name.lower())
        out[row.unit.id] = name
    return out


def export_year(store: Store, office: OfficeStore, year: int, folder: Path) -> dict[str, str]:
    """Write the year's roster and every unit's current upload (bytes as received) into `folder`.

    Returns exported file path → the office's decision on that upload (for 审核表's column).
    The folder's 单位/ is replaced as a whole, so a unit removed since the last export leaves nothing.
    """
    rows = office.rows(year)
    units = folder / UNITS_FOLDER
    if units.exists():
        shutil.rmtree(units)
    units.mkdir(parents=True)
    write_roster(folder / ROSTER_FILE, office.roster(year))
    names = file_names(rows)
    decided: dict[str, str] = {}
    for row in rows:
        if row.current is None:
            continue
        target = units / names[row.unit.id]
        shutil.copyfile(store.blob(row.current.sha256), target)
        if row.decision is not None:
            d = row.decision
            text = f"{d.kind}（{d.decided_by}，{d.decided_at.astimezone().strftime('%Y-%m-%d %H:%M')}）"
            decided[str(target)] = f"{text}：{d.note}" if d.note else text
    return decided


def rollup_args(year: int, folder: Path, output: Path) -> argparse.Namespace:
    """The arguments of `generate rollup --year Y --units F/单位 --roster F/名单.xlsx [--own F/本级政府.xlsx]`."""
    own = folder / OWN_FILE
    return argparse.Namespace(
        year=year,
        units=folder / UNITS_FOLDER,
        roster=folder / ROSTER_FILE,
        own=own if own.is_file() else None,
        no_own=not own.is_file(),
        output_dir=output,
        jobs=1,
    )


def run_rollup(store: Store, office: OfficeStore, year: int) -> tuple[Path, str]:
    """Export the year and run `generate rollup` on it; returns (the 汇总 folder, what it printed)."""
    from ..rollup.command import ROLLUP_FOLDER, cmd_rollup

    folder = store.data / "export" / str(year)
    output = store.data / "export" / f"{year}-汇总"
    printed = io.StringIO()
    with _LOCK:
        decided = export_year(store, office, year, folder)
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            cmd_rollup(rollup_args(year, folder, output), decisions=decided)
        return output / str(year) / ROLLUP_FOLDER, printed.getvalue()


def accepted_only(rows: list[UnitRow]) -> list[UnitRow]:
    return [r for r in rows if r.decision is not None and r.decision.kind == ACCEPTED]


def batch_folder(store: Store, office: OfficeStore, year: int) -> Path:
    """Export the year and render every unit as `generate batch --units F/单位` does; the output folder."""
    from ..formats import format_for_year
    from ..rollup.batch import render_unit
    from ..rollup.units import discover

    folder = store.data / "export" / str(year)
    output = store.data / "export" / f"{year}-报告"
    with _LOCK:
        export_year(store, office, year, folder)
        if output.exists():
            shutil.rmtree(output)
        output.mkdir(parents=True)
        spec = format_for_year(year)
        for path in discover(folder / UNITS_FOLDER):
            render_unit(str(path), spec.id, year, str(output))
    return output / str(year) if (output / str(year)).is_dir() else output
