"""Helpers for the roll-up tests: a working folder holding the shipped county example, cell edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
YEAR = 2022


def county(tmp: Path) -> Path:
    """tmp/inputs with the example county: 2022.xlsx, 2022-名单.xlsx and the unit folder 2022/."""
    inputs = tmp / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    shutil.copytree(INPUTS / str(YEAR), inputs / str(YEAR))
    for name in (f"{YEAR}.xlsx", f"{YEAR}-名单.xlsx"):
        shutil.copy(INPUTS / name, inputs / name)
    return inputs


def set_cell(path: Path, sheet: str, coord: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][coord] = value
    wb.save(path)


def unit_cell(path: Path, label: str) -> str:
    """The B-column cell of a 单位信息 row, found by its label."""
    wb = openpyxl.load_workbook(path)
    for row in wb["单位信息"].iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return f"B{row[0].row}"
    raise KeyError(label)


def set_unit(path: Path, label: str, value: object) -> None:
    set_cell(path, "单位信息", unit_cell(path, label), value)


def record_pools(monkeypatch) -> list[int]:
    """The worker counts every process pool of the roll-up code asks for (more than 64 fails at once)."""
    from concurrent.futures import ProcessPoolExecutor

    from generator.rollup import units as units_module

    asked: list[int] = []

    def recording_pool(max_workers=None, **kw):
        asked.append(max_workers)
        if max_workers > 64:
            raise AssertionError(f"{max_workers} worker processes asked for")
        return ProcessPoolExecutor(max_workers=max_workers, **kw)

    monkeypatch.setattr(units_module, "ProcessPoolExecutor", recording_pool)
    return asked
