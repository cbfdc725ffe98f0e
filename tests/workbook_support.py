"""Helpers for the 2021-format, init and round-trip tests: LibreOffice, report comparison, Excel-like edits."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from generator.formats import format_for_year
from generator.model import Report
from generator.workbook import read_workbook

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"


def soffice() -> str:
    """LibreOffice, or skip (fail when NIANBAO_REQUIRE_TOOLS=1)."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1":
            pytest.fail("LibreOffice (soffice) is required by NIANBAO_REQUIRE_TOOLS=1 but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed; set NIANBAO_REQUIRE_TOOLS=1 to make this a failure")
    return path


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """`soffice --headless --convert-to fmt` with a private profile, so parallel runs don't collide."""
    profile = outdir / ".lo-profile"
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(src),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert done.returncode == 0 and out.is_file(), f"LibreOffice failed: {done.stdout}\n{done.stderr}"
    return out


def read(path: Path, year: int) -> Report:
    report, _notes = read_workbook(path, format_for_year(year), year)
    return report


def meaning(report: Report, with_cells: bool = True) -> dict[str, Any]:
    """What a report says, comparable across files: unit, paragraphs, every table value."""
    return {
        "unit": report.unit,
        "sections": {k: (s.title, [(p.text, p.level) for p in s.paragraphs]) for k, s in report.sections.items()},
        "tables": {
            tid: {k: (v.state, v.number, v.unit, v.cell if with_cells else "") for k, v in vals.items()}
            for tid, vals in report.tables.items()
        },
    }


def insert_blank_row(ws: Worksheet, idx: int) -> None:
    """Insert an empty row before sheet row `idx` as Excel does: merged ranges that cross it grow,
    ranges below move down. (openpyxl's insert_rows moves cell values only.)"""
    ranges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    ws.insert_rows(idx)
    for r0, c0, r1, c1 in ranges:
        if r0 >= idx:
            r0, r1 = r0 + 1, r1 + 1
        elif r1 >= idx:
            r1 += 1
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
