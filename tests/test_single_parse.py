"""Each worksheet is inflated and parsed once: the guard's checks ride on the reader's parse (issue 14, item 29)."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from conftest import INPUTS
from openpyxl import load_workbook

from generator.diagnostics import InputError
from generator.formats import format_for_year
from generator.workbook import guard, read_workbook


@pytest.fixture
def opened(monkeypatch) -> Counter:
    """How often each part of the package is opened for reading."""
    counts: Counter = Counter()
    original = zipfile.ZipFile.open

    def counting(self, name, *args, **kwargs):
        counts[getattr(name, "filename", name)] += 1
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting)
    return counts


def test_every_worksheet_is_read_once(opened):
    read_workbook(INPUTS / "2021.xlsx", format_for_year(2021), 2021)
    sheets = {name: n for name, n in opened.items() if name.startswith("xl/worksheets/")}
    assert len(sheets) == 9 and set(sheets.values()) == {1}, sheets


def test_a_deferred_sheet_over_a_limit_is_refused_with_the_guards_own_message(tmp_path, opened):
    """A value on row 30 000 of a small sheet: found in the reader's parse, named by the guard."""
    wb = load_workbook(INPUTS / "2021.xlsx")
    wb["其他事项"]["A30000"] = "内部备注"
    path = tmp_path / "2021.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_workbook(path, format_for_year(2021), 2021)
    (d,) = info.value.diagnostics
    assert (d.code, d.sheet, d.cell) == ("R009", "其他事项", "A30000")
    with pytest.raises(InputError) as alone:  # the guard on its own (as for a roster) says the same
        guard.inspect(path)
    assert alone.value.diagnostics[0].format() == d.format()
