"""The reader neither leaks openpyxl's English nor loses or rewrites what a clerk put in a cell."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest
from conftest import INPUTS
from hostile.corpus import INTRO_PART, rezip, seed_bytes
from openpyxl import load_workbook

from generator.diagnostics import InputError, Severity
from generator.formats import format_for_year
from generator.workbook import read_workbook

SPEC = format_for_year(2020)


def _read(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes the reader fails the test
        return read_workbook(path, SPEC, 2020)


def _edit(tmp_path: Path, change, name: str = "edited.xlsx") -> Path:
    wb = load_workbook(INPUTS / "2020.xlsx")
    change(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


# ── item: openpyxl warnings ────────────────────────────────────────────────────────────────


def test_a_date_cell_holding_an_impossible_serial_is_refused_in_chinese(tmp_path: Path) -> None:
    def change(wb):
        unit = wb["单位信息"]
        cell = unit.cell(_row_of(unit, "成文日期"), 2)
        cell.value, cell.number_format = 99999999, "yyyy-mm-dd"
        apply = wb["申请情况"]["D7"]
        apply.value, apply.number_format = 3000000, "yyyy-mm-dd"

    with pytest.raises(InputError) as err:
        _read(_edit(tmp_path, change))
    found = {(d.code, d.sheet, d.cell) for d in err.value.diagnostics}
    assert found == {("R062", "单位信息", "B14"), ("R062", "申请情况", "D7")}
    assert all("日期" in d.message and "99999999" in d.message for d in err.value.diagnostics if d.cell == "B14")


def test_unsupported_extensions_are_dropped_quietly(tmp_path: Path) -> None:
    with zipfile.ZipFile(INPUTS / "2020.xlsx") as zf:
        sheet = zf.read(INTRO_PART).decode()
    ext = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="0"/></ext></extLst>'
    )
    path = tmp_path / "ext.xlsx"
    path.write_bytes(rezip(seed_bytes(), {INTRO_PART: sheet.replace("</worksheet>", ext + "</worksheet>").encode()}))
    with warnings.catch_warnings(record=True) as raw:
        warnings.simplefilter("always")
        load_workbook(path)
    assert any("extension is not supported" in str(w.message) for w in raw)  # openpyxl does warn
    report, notes = _read(path)
    assert report.unit.name == "漳平市人民政府" and not [n for n in notes if n.severity is Severity.ERROR]


# ── item: formulas in text cells ───────────────────────────────────────────────────────────

UNIT_PART = "xl/worksheets/sheet2.xml"  # 单位信息 in a workbook saved by openpyxl from the seed


def _with_formulas(wb) -> None:
    wb["单位信息"]["B2"] = '=CONCATENATE("漳平市","人民政府")'
    other = wb["其他事项"]
    header = _row_of(other, "内容")
    other.cell(header + 1, 1).value = '=CONCATENATE("无","。")'
    text = other.cell(header + 2, 1)
    text.value, text.data_type = "=是文字，不是公式", "s"


def _save_result(path: Path, cell: str, result: str) -> Path:
    """Give the formula in 单位信息!cell a saved result, as Excel does on save."""
    import re

    with zipfile.ZipFile(path) as zf:
        xml = zf.read(UNIT_PART).decode()
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*)><f>(.*?)</f><v></v>', rf'\1 t="str"><f>\2</f><v>{result}</v>', xml)
    assert n == 1
    out = path.with_name("saved.xlsx")
    out.write_bytes(rezip(path.read_bytes(), {UNIT_PART: xml.encode()}))
    return out


def test_a_formula_in_a_text_cell_without_a_saved_result_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        _read(_edit(tmp_path, _with_formulas))
    found = [(d.code, d.sheet, d.cell) for d in err.value.diagnostics]
    assert found == [("R034", "单位信息", "B2"), ("R034", "其他事项", "A5")]
    assert "CONCATENATE" in err.value.diagnostics[0].message and "公式" in err.value.diagnostics[0].message


def test_a_formula_in_a_text_cell_is_read_as_excels_saved_result(tmp_path: Path) -> None:
    def unit_only(wb) -> None:
        wb["单位信息"]["B2"] = '=CONCATENATE("漳平","市人民政府")'
        other = wb["其他事项"]
        text = other.cell(_row_of(other, "内容") + 1, 1)
        text.value, text.data_type = "=是文字，不是公式", "s"

    report, _ = _read(_save_result(_edit(tmp_path, unit_only), "B2", "漳平市人民政府"))
    assert report.unit.name == "漳平市人民政府"
    assert report.sections["other"].paragraphs[0].text == "=是文字，不是公式"  # text typed with “=” stays text


def test_a_formula_whose_saved_result_is_an_error_is_refused(tmp_path: Path) -> None:
    def unit_only(wb) -> None:
        wb["单位信息"]["B2"] = "=A99"

    with pytest.raises(InputError) as err:
        _read(_save_result(_edit(tmp_path, unit_only), "B2", "#REF!"))
    (d,) = err.value.diagnostics
    assert (d.code, d.cell) == ("R034", "B2") and "#REF!" in d.message


# ── item: content that would be ignored ───────────────────────────────────────────────────


def test_numbers_typed_in_a_row_inserted_above_the_part_four_data_row_are_refused(tmp_path: Path) -> None:
    from workbook_support import insert_blank_row

    def change(wb) -> None:
        ws = wb["复议诉讼"]
        insert_blank_row(ws, 7)  # the data row (0, 1, 0, …) moves to row 8
        for c, n in enumerate([2, 3, 0, 0, 5], start=1):
            ws.cell(7, c).value = n

    with pytest.raises(InputError) as err:
        _read(_edit(tmp_path, change))
    (d,) = err.value.diagnostics
    assert (d.code, d.sheet, d.cell) == ("R043", "复议诉讼", "A8")
    assert "第 8 行" in d.message and "删除插入的行" in d.message


def test_a_note_below_a_table_is_refused_not_dropped(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["申请情况"]
        ws.cell(ws.max_row + 2, 2).value = "注：另有 3 件申请正在办理"

    with pytest.raises(InputError) as err:
        _read(_edit(tmp_path, change))
    (d,) = err.value.diagnostics
    assert d.code == "R043" and d.sheet == "申请情况" and "另有 3 件" in d.message


def test_text_beside_the_narrative_column_is_named_not_dropped(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["总体情况"]
        header = _row_of(ws, "内容")
        ws.cell(header + 3, 3).value = "这一段写在了 C 列"
        ws.cell(header + 4, 6).value = "还有一段在 F 列"

    report, notes = _read(_edit(tmp_path, change))
    found = [(n.code, n.severity, n.sheet, n.cell) for n in notes]
    assert found == [("R035", Severity.WARNING, "总体情况", "C7"), ("R035", Severity.WARNING, "总体情况", "F8")]
    assert "这一段写在了 C 列" in notes[0].message
    assert len(report.sections["overview"].paragraphs) == 36  # column A is read as before


def test_many_ignored_cells_are_named_up_to_a_limit_and_counted(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["其他事项"]
        header = _row_of(ws, "内容")
        for i in range(15):
            ws.cell(header + 1 + i, 4).value = f"第 {i} 格"

    _, notes = _read(_edit(tmp_path, change))
    assert len(notes) == 11 and "另有 5 个单元格" in notes[-1].message


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_shipped_and_blank_workbooks_have_nothing_ignored(tmp_path: Path, year: int) -> None:
    from generator.init_workbook import init_workbook

    init_workbook(year, tmp_path / f"{year}.xlsx")
    for path in (INPUTS / f"{year}.xlsx", tmp_path / f"{year}.xlsx"):
        _, notes = read_workbook(path, format_for_year(year), year)
        assert [n for n in notes if n.code in ("R035", "R043", "R062", "R063")] == []


# ── item: a workbook of the other format version ──────────────────────────────────────────


def _refusal(path: Path, year: int) -> str:
    with pytest.raises(InputError) as err:
        read_workbook(path, format_for_year(year), year)
    (d,) = err.value.diagnostics
    assert d.code == "R044" and d.file == str(path)
    return d.message


def test_last_years_workbook_for_the_new_format_says_how_to_carry_it_forward() -> None:
    message = _refusal(INPUTS / "2020.xlsx", 2021)
    assert "国办公开办函〔2019〕60号格式（2019–2020 年度使用）" in message
    assert f"generate init --year 2021 --from {INPUTS / '2020.xlsx'}" in message
    assert "--output" not in message


def test_a_copy_named_for_this_year_gets_a_separate_output_in_the_advice(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "2021.xlsx"
    shutil.copy(INPUTS / "2020.xlsx", copy)
    message = _refusal(copy, 2021)
    assert f"--from {copy} --output {tmp_path / '2021-新格式.xlsx'}" in message


def test_an_old_format_workbook_already_dated_this_year_is_told_to_start_blank(tmp_path: Path) -> None:
    def redate(wb) -> None:
        unit = wb["单位信息"]
        unit.cell(_row_of(unit, "报告年度"), 2).value = 2021

    message = _refusal(_edit(tmp_path, redate), 2021)
    assert "--from" not in message and "generate init --year 2021 生成该格式的空白工作簿" in message


def test_the_new_format_for_an_old_year_is_named() -> None:
    message = _refusal(INPUTS / "2021.xlsx", 2020)
    assert "国办公开办函〔2021〕30号格式（2021 年度及以后使用）" in message and "--year 改为" in message


def test_a_changed_label_is_still_a_changed_label(tmp_path: Path) -> None:
    def relabel(wb) -> None:
        ws = wb["申请情况"]
        ws.cell(_row_of(ws, "2.重复申请"), 3).value = "2.重复的申请"

    with pytest.raises(InputError) as err:
        _read(_edit(tmp_path, relabel))
    assert [d.code for d in err.value.diagnostics] == ["R042"]
