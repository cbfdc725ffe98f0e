"""No text from a unit's workbook, a published page or a file name becomes a spreadsheet formula.

Every command that writes an .xlsx (init, init --from, import, rollup, init-roster, audit) is run
on inputs whose unit name, title, paragraph and file name start with = + - @. Every workbook
written is then opened: the only formula cells allowed are the live SUM cells of the blank
workbook `init` writes (same sheet, same cell, same formula), and the hostile text is kept
exactly, as a text cell.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from rollup_support import INPUTS, YEAR

from generator.cli import main
from generator.workbook import xlsx
from generator.workbook.cellwrite import put, text_row

LINK = '=HYPERLINK("http://x.example","点我")'
CALL = '=WEBSERVICE("http://x.example/?q=1")'
NAME = "@示例单位"
TITLE = f"{NAME}2020年政府信息公开工作年度报告"
MINUS = "-1+1 这一段以减号开头"
PARAGRAPHS = {("总体情况", "A5"): CALL, ("总体情况", "A6"): MINUS}
UNITS = {"东山乡.xlsx": LINK, "住建局.xlsx": "=1+1", "公安局.xlsx": "@SUM(1,1)", "卫健局.xlsx": "+1+1"}
OWN = "-示例县人民政府"


def _text(cell, value: str) -> None:
    """A text cell as Excel saves a typed '=… (openpyxl would make a formula of a bare str)."""
    cell.value = value
    cell.data_type = "s"


def _edit(path: Path, cells: dict[tuple[str, str], str]) -> None:
    wb = openpyxl.load_workbook(path)
    for (sheet, coord), value in cells.items():
        _text(wb[sheet][coord], value)
    wb.save(path)


def _unit_cell(path: Path, label: str = "单位名称") -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    for row in wb["单位信息"].iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return row[0].coordinate.replace("A", "B")
    raise KeyError(path)


def _xlsx(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*.xlsx")}


def _run(argv: list[str], root: Path) -> list[Path]:
    """Run one command; the .xlsx files it wrote (new or replaced)."""
    before = _xlsx(root)
    code = main(argv)
    assert code in (0, 1), f"{argv} exited {code}"
    written = [p for p, t in _xlsx(root).items() if before.get(p) != t]
    assert written, f"{argv} wrote no workbook"
    return written


def _formulas(path: Path) -> set[tuple[str, str, str]]:
    wb = openpyxl.load_workbook(path)
    cells = (c for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    return {(c.parent.title, c.coordinate, str(c.value)) for c in cells if c.data_type == "f"}


def _texts(path: Path) -> set[str]:
    """Every text cell's value as Excel reads it (OOXML escapes decoded)."""
    with zipfile.ZipFile(path) as zf:
        book = xlsx.load(zf)
    return {c.value for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type in ("s", "str")}


@pytest.fixture(scope="module")
def meant(tmp_path_factory) -> set[tuple[str, str, str]]:
    """The formula cells nianbao means to write: those of a blank workbook of each format."""
    tmp = tmp_path_factory.mktemp("blank")
    cells: set[tuple[str, str, str]] = set()
    for year in (2020, 2022):
        out = tmp / f"{year}.xlsx"
        assert main(["init", "--year", str(year), "--output", str(out)]) == 0
        cells |= _formulas(out)
    assert len(cells) > 20  # the live totals exist, so the comparison means something
    return cells


def test_no_command_writes_a_formula_it_did_not_mean(tmp_path: Path, monkeypatch, meant) -> None:
    monkeypatch.chdir(tmp_path)
    inputs = tmp_path / "inputs"
    # A unit's own workbook with hostile text: unit name, title, paragraphs.
    seed = tmp_path / "seed.xlsx"
    shutil.copy(INPUTS / "2020.xlsx", seed)
    unit = {label: ("单位信息", _unit_cell(seed, label)) for label in ("单位名称", "报告标题", "落款单位")}
    _edit(seed, {unit["单位名称"]: NAME, unit["报告标题"]: TITLE, unit["落款单位"]: LINK, **PARAGRAPHS})
    assert main(["--year", "2020", "--input", str(seed), "--output-dir", "made"]) == 0
    page = next((tmp_path / "made" / "2020").glob("*.html"))
    # Published pages named like formulas; one of them unreadable, so its file name is its name.
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(page, pages / "=1+1.html")
    (pages / "=2+2.html").write_bytes(b"")
    # The county's units with hostile names, one workbook named like a formula, no roster yet.
    shutil.copytree(INPUTS / str(YEAR), inputs / str(YEAR))
    for file, name in UNITS.items():
        path = inputs / str(YEAR) / file
        _edit(path, {("单位信息", _unit_cell(path)): name})
    (inputs / str(YEAR) / "=3+3.xlsx").write_bytes(b"not a workbook")
    shutil.copy(INPUTS / f"{YEAR}.xlsx", inputs / f"{YEAR}.xlsx")
    own = inputs / f"{YEAR}.xlsx"
    _edit(own, {("单位信息", _unit_cell(own)): OWN})

    expected: dict[str, set[str]] = {
        "import": {NAME, LINK, CALL, MINUS},
        "init-from": {NAME, LINK, CALL, MINUS},
        "init-from-workbook": {NAME, LINK, CALL, MINUS},
        "audit": {NAME, "=2+2.html"},
        "init-roster": {*UNITS.values(), "=3+3"},
        "rollup": {*UNITS.values(), "=3+3", OWN, f"{OWN}（汇总）"},
    }
    runs = {
        "import": ["import", str(pages / "=1+1.html"), "--output", "imported.xlsx"],
        "init-from": ["init", "--year", "2021", "--from", str(pages / "=1+1.html"), "--output", "carried.xlsx"],
        "init-from-workbook": ["init", "--year", "2021", "--from", str(seed), "--output", "carried2.xlsx"],
        "audit": ["audit", str(pages), "--jobs", "1", "--output-dir", "audit-out"],
        "init-roster": ["init-roster", "--year", str(YEAR)],
        "rollup": ["rollup", "--year", str(YEAR), "--jobs", "1"],
    }
    for command, argv in runs.items():
        written = _run(argv, tmp_path)
        texts: set[str] = set()
        for path in written:
            unmeant = _formulas(path) - meant
            assert not unmeant, f"{command} wrote formulas into {path.name}: {sorted(unmeant)[:5]}"
            texts |= _texts(path)
        missing = expected[command] - texts
        assert not missing, f"{command}: not kept exactly as text: {missing}"


@pytest.mark.parametrize("value", ["_x0041_", "a\x01b", "=1+1", "_x005F_x0041_", "+8", "@x"])
def test_text_is_stored_as_excel_reads_it_back(tmp_path: Path, value: str) -> None:
    """OOXML escapes and control characters in a str come back exactly, as Excel decodes them."""
    wb = openpyxl.Workbook()
    put(wb.active["A1"], value)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert _texts(path) == {value}
    assert not _formulas(path)
    streamed = openpyxl.Workbook(write_only=True)  # the review workbook's way: rows of plain values
    ws = streamed.create_sheet("x")
    ws.append(text_row(ws, [value, 1, "/"]))
    streamed.save(path)
    assert _texts(path) == {value, "/"}
    assert not _formulas(path)
