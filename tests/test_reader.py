"""The reader finds values by their mandated labels and refuses what it cannot trust (issue 2, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INPUTS
from openpyxl import load_workbook
from workbook_support import insert_blank_row

from generator.diagnostics import InputError
from generator.formats import format_for_year
from generator.model import State
from generator.workbook import read_workbook

SPEC = format_for_year(2020)


def read(path: Path):
    return read_workbook(path, SPEC, 2020)[0]


def _edit(tmp_path: Path, change) -> Path:
    wb = load_workbook(INPUTS / "2020.xlsx")
    change(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_the_shipped_workbook_holds_the_whole_seed():
    report = read(INPUTS / "2020.xlsx")
    assert report.unit.name == "漳平市人民政府"
    assert report.unit.date.isoformat() == "2021-01-29"
    assert len(report.sections["overview"].paragraphs) == 36
    assert report.tables["requests"]["total.natural"].number == 23  # as published, wrong
    assert report.tables["active"]["license.delta"].number == -156
    assert report.tables["active"]["procurement.amount"].display() == "6834.335元"
    assert report.tables["appeals"]["review.corrected"].number == 1


@pytest.mark.parametrize("before_label", ["二、上年结转政府信息公开申请数量", "2.重复申请", "8.属于行政查询事项"])
def test_an_inserted_blank_row_shifts_nothing(tmp_path, before_label):
    def insert(wb):
        ws = wb["申请情况"]
        insert_blank_row(ws, _row_of(ws, before_label))

    before, after = read(INPUTS / "2020.xlsx"), read(_edit(tmp_path, insert))
    for table in SPEC.tables:
        assert {k: v.number for k, v in before.tables[table.id].items()} == {
            k: v.number for k, v in after.tables[table.id].items()
        }


def test_a_changed_label_is_refused_naming_sheet_and_row(tmp_path):
    def relabel(wb):
        ws = wb["申请情况"]
        ws.cell(_row_of(ws, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), 2).value = "（二）部分公开"

    with pytest.raises(InputError) as err:
        read(_edit(tmp_path, relabel))
    d = err.value.diagnostics[0]
    assert d.sheet == "申请情况" and d.cell == "B10"
    assert "第 10 行" in d.message and "（二）部分公开（区分处理的" in d.message


def test_a_deleted_row_is_refused(tmp_path):
    def delete(wb):
        ws = wb["申请情况"]
        ws.delete_rows(_row_of(ws, "2.重复申请"))

    with pytest.raises(InputError) as err:
        read(_edit(tmp_path, delete))
    d = err.value.diagnostics[0]
    assert d.sheet == "申请情况"
    assert "“2.重复申请”" in d.message and "3.要求提供公开出版物" in d.message


@pytest.mark.parametrize(
    ("typed", "state", "number"),
    [
        (None, State.BLANK, None),
        (0, State.NUMBER, 0),
        ("/", State.SLASH, None),
        ("０", State.NUMBER, 0),
        ("7", State.NUMBER, 7),
    ],
)
def test_blank_zero_and_slash_are_told_apart(tmp_path, typed, state, number):
    def put(wb):
        wb["复议诉讼"]["A7"].value = typed

    v = read(_edit(tmp_path, put)).tables["appeals"]["review.upheld"]
    assert (v.state, v.number) == (state, number)


@pytest.mark.parametrize("typed", ["约12", "12或13", "十二"])
def test_text_that_is_not_a_number_is_a_located_error_not_a_guess(tmp_path, typed):
    """Issue 14, item 20: a located 错误 (R050), the cell unknown; the workbook is still read."""

    def put(wb):
        wb["复议诉讼"]["B7"].value = typed

    report, notes = read_workbook(_edit(tmp_path, put), SPEC, 2020)
    v = report.tables["appeals"]["review.corrected"]
    assert (v.state, v.number, v.display()) == (State.UNREADABLE, None, "")
    (d,) = [n for n in notes if n.code == "R050"]
    assert (d.sheet, d.cell, d.severity.value) == ("复议诉讼", "B7", "错误")
    assert typed in d.message and "结果纠正" in d.col_label


def test_a_huge_cell_is_quoted_by_its_start_only(tmp_path):
    """Issue 14, item 19: a 32,000-character cell gives a short finding that says how long it is."""

    def put(wb):
        wb["复议诉讼"]["B7"].value = "很长的说明" * 6400

    _, notes = read_workbook(_edit(tmp_path, put), SPEC, 2020)
    (d,) = [n for n in notes if n.code == "R050"]
    assert len(d.format()) < 300
    assert "很长的说明很长的说明" in d.message and "…（共 32000 字）" in d.message


def test_a_count_with_its_measure_word_is_read_with_a_warning(tmp_path):
    def put(wb):
        wb["复议诉讼"]["B7"].value = "12件"

    report, notes = read_workbook(_edit(tmp_path, put), SPEC, 2020)
    assert report.tables["appeals"]["review.corrected"].number == 12
    assert [(n.sheet, n.cell) for n in notes] == [("复议诉讼", "B7")]
    assert "件" in notes[0].message


def test_a_cell_of_pasted_paragraphs_is_split_and_only_the_dirty_one_is_named(tmp_path):
    def put(wb):
        ws = wb["其他事项"]
        header = next(c.row for c in ws["A"] if c.value == "内容")
        ws.cell(header + 1, 1).value = "第一段。\n第二段有_x0007_响铃。\n\n第三段。"

    report, notes = read_workbook(_edit(tmp_path, put), SPEC, 2020)
    assert [p.text for p in report.sections["other"].paragraphs] == ["第一段。", "第二段有响铃。", "第三段。"]
    assert [(n.code, n.paragraph) for n in notes] == [("R031", 2)]
    assert "U+0007" in notes[0].message
