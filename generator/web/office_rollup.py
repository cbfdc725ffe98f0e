"""The office's roll-up: the year's current uploads exported to a folder, then `generate rollup`.

    export_year(store, office, 2022, Path("DATA/export/inputs"))  # inputs/2022/<名称>.xlsx,
                                                                   # inputs/2022-名单.xlsx, inputs/2022.xlsx
    run_rollup(store, office, 2022)                                # `generate rollup` on that folder

The export is laid out as the command line's inputs/ folder, so it is the one truth the command
line sees as well: `generate serve --export-year Y --to DIR` writes the same folder, and
`generate rollup --year Y --units DIR/Y --roster DIR/Y-名单.xlsx --own DIR/Y.xlsx` on it gives the
same files as the desk's downloads, because the downloads are made by that very command
(rollup/command.py); `generate check --year Y --input DIR/Y.xlsx` applies U1 to the own workbook.
Each exported workbook is the upload's bytes exactly as received; its file name is the roster
name made safe (output.safe_filename), never the name the clerk's file had.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, InputError
from ..output import safe_filename
from ..pipeline import Checked
from ..review import Status
from ..rollup.roster import key, write_roster
from .office_store import OfficeStore, UnitRow
from .storage import Store


def units_folder(folder: Path, year: int) -> Path:
    return folder / str(year)


def roster_file(folder: Path, year: int) -> Path:
    return folder / f"{year}-名单.xlsx"


def own_file(folder: Path, year: int) -> Path:
    return folder / f"{year}.xlsx"


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
    """Write the year's roster, every unit's current upload and the government's own workbook (bytes
    as received) into `folder`, laid out as inputs/: Y/<名称>.xlsx, Y-名单.xlsx, Y.xlsx.

    Returns exported file path → the office's decision on that upload (for 审核表's column).
    The units' folder is replaced as a whole, so a unit removed since the last export leaves nothing.
    """
    rows = office.rows(year)
    units = units_folder(folder, year)
    if units.exists():
        shutil.rmtree(units)
    units.mkdir(parents=True)
    write_roster(roster_file(folder, year), office.roster(year))
    own = office.own(year)
    if own is not None:
        shutil.copyfile(store.blob(own.sha256), own_file(folder, year))
    else:
        own_file(folder, year).unlink(missing_ok=True)
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
    """The arguments of `generate rollup --year Y --units F/Y --roster F/Y-名单.xlsx [--own F/Y.xlsx]`."""
    own = own_file(folder, year)
    return argparse.Namespace(
        year=year,
        units=units_folder(folder, year),
        roster=roster_file(folder, year),
        own=own if own.is_file() else None,
        no_own=not own.is_file(),
        output_dir=output,
        jobs=1,
    )


def export_folder(store: Store) -> Path:
    """Where the server exports for its own roll-ups: DATA/export/inputs (rewritten every time)."""
    return store.data / "export" / "inputs"


def state_of(office: OfficeStore, year: int) -> str:
    """A digest of everything a year's roll-up depends on: the roster, each unit's current upload
    and decision, the own workbook and the tool's version. Equal digests, equal roll-ups."""
    import hashlib

    from ..provenance import tool_version

    own = office.own(year)
    parts = [tool_version(), str(own.id if own else "")]
    for r in office.rows(year):
        u = r.unit
        current = r.current.id if r.current else ""
        decision = r.decision.id if r.decision else ""
        parts.append(f"{u.id}\t{u.name}\t{u.category}\t{u.in_rollup}\t{u.note}\t{current}\t{decision}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


_MADE: dict[tuple[str, int], tuple[str, str]] = {}  # (data folder, year) → (state, what rollup printed)


def run_rollup(store: Store, office: OfficeStore, year: int) -> tuple[Path, str]:
    """Export the year and run `generate rollup` on it; returns (the 汇总 folder, what it printed).

    Nothing changed since the last run (same state_of): its files are still current and are reused,
    so the three downloads of one moment cost one roll-up.
    """
    from ..rollup.command import REVIEW_WORKBOOK, ROLLUP_FOLDER, cmd_rollup

    folder = export_folder(store)
    output = store.data / "export" / "outputs"
    made = output / str(year) / ROLLUP_FOLDER
    printed = io.StringIO()
    with _LOCK:
        state = state_of(office, year)
        last = _MADE.get((str(store.data), year))
        if last is not None and last[0] == state and (made / REVIEW_WORKBOOK).is_file():
            return made, last[1]
        _MADE.pop((str(store.data), year), None)
        shutil.rmtree(made, ignore_errors=True)  # a file the new roll-up does not write must not linger
        decided = export_year(store, office, year, folder)
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            cmd_rollup(rollup_args(year, folder, output), decisions=decided)
        _MADE[(str(store.data), year)] = (state, printed.getvalue())
        return made, printed.getvalue()


@dataclass
class Government:
    """The government's own report of a year: its own workbook's findings (U1 included) and the
    roll-up workbook (own unit information and text, the units' sums) read and checked."""

    own_findings: list[Diagnostic] | None
    checked: Checked | None
    rollup_path: Path | None


def government_report(store: Store, office: OfficeStore, year: int) -> Government:
    """`generate check --input DIR/Y.xlsx` (U1 against DIR/Y/) and `generate check` of 汇总工作簿.xlsx."""
    from ..pipeline import check_workbook
    from ..rollup.command import ROLLUP_WORKBOOK

    folder, _ = run_rollup(store, office, year)
    own = own_file(export_folder(store), year)
    own_findings = None
    with _LOCK:
        if own.is_file():
            try:
                own_findings = check_workbook(own, year).findings
            except InputError as exc:
                own_findings = exc.diagnostics
        path = folder / ROLLUP_WORKBOOK
        checked = check_workbook(path, year) if path.is_file() else None
    return Government(own_findings, checked, path if checked is not None else None)


def batch_folder(store: Store, office: OfficeStore, year: int) -> Path:
    """Export the year and render every unit as `generate batch --units F/单位` does (the same
    steps, in this process: render each unit to a staging folder, plan every unit's folder, then
    write); the output folder."""
    from ..formats import format_for_year
    from ..rollup.batch import plan, render_unit, staging, write_unit
    from ..rollup.units import previous_workbook, survey

    folder = export_folder(store)
    output = store.data / "export" / "batch"
    with _LOCK:
        export_year(store, office, year, folder)
        if output.exists():
            shutil.rmtree(output)
        (output / str(year)).mkdir(parents=True)
        spec = format_for_year(year)
        units = units_folder(folder, year)
        with staging(output / str(year)) as stage:
            rendered = [
                render_unit(str(p), spec.id, year, stage, str(previous_workbook(p, units, year) or ""))
                for p in survey(units).files
            ]
            todo, _ = plan([r for r in rendered if r.ready])
            for r in todo:
                write_unit(r, str(output), year)
    return output / str(year) if (output / str(year)).is_dir() else output
