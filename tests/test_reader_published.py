"""What is published is what the clerk meant (issue 8): no Excel artefacts, no hidden text, nothing dropped."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import INPUTS
from hostile.corpus import rezip
from openpyxl import load_workbook
from openpyxl.styles import Font

from generator.diagnostics import InputError, Severity
from generator.formats import format_for_year
from generator.formats.spec import Kind
from generator.validate import validate
from generator.workbook import read_workbook
from generator.workbook.cells import parse_cell

SPEC = format_for_year(2020)
STRINGS = "xl/sharedStrings.xml"


def _read(path: Path, year: int = 2020):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_workbook(path, format_for_year(year), year)


def _edit(tmp_path: Path, change, year: int = 2020, name: str = "edited.xlsx") -> Path:
    wb = load_workbook(INPUTS / f"{year}.xlsx")
    change(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def _unit_cell(wb, label: str):
    ws = wb["单位信息"]
    return ws.cell(_row_of(ws, label), 2)


def _first_text_row(ws) -> int:
    return _row_of(ws, "内容") + 1


def _codes(notes, *codes: str) -> list[tuple[str, str, str]]:
    return [(n.code, n.sheet, n.cell) for n in notes if n.code in codes]


def _refused(path: Path, year: int = 2020) -> list:
    with pytest.raises(InputError) as err:
        _read(path, year)
    return err.value.diagnostics


# ── item 4: OOXML _xHHHH_ escapes ─────────────────────────────────────────────────────────


def _escaped(path: Path, shared: dict[str, str], inline: dict[str, str]) -> bytes:
    """The workbook with marker cells holding raw XML text: `shared` ones moved to a shared-string
    table (as Excel stores text), `inline` ones left as inline strings (as openpyxl writes them)."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}
        types = zf.read("[Content_Types].xml").decode()
    table = []
    for name, xml in parts.items():
        for marker, text in shared.items():
            cell = re.compile(rf'(<c r="[A-Z]+\d+"[^>]*?) t="inlineStr"><is><t>{marker}</t></is>')
            xml, n = cell.subn(lambda m: f'{m.group(1)} t="s"><v>{len(table)}</v>', xml)
            table += [text] * n
        for marker, text in inline.items():
            xml = xml.replace(f"<t>{marker}</t>", f"<t>{text}</t>")
        parts[name] = xml
    assert len(table) == len(shared)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">'.format(
            len(table)
        )
        + "".join(f"<si><t>{t}</t></si>" for t in table)
        + "</sst>"
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    replace = {n: x.encode() for n, x in parts.items()}
    replace["[Content_Types].xml"] = types.replace("</Types>", override).encode()
    return rezip(path.read_bytes(), replace, add={STRINGS: sst.encode()})


def test_excel_escapes_are_decoded_as_excel_shows_them_in_shared_and_inline_strings(tmp_path: Path) -> None:
    def mark(wb) -> None:
        _unit_cell(wb, "报告标题").value = "MARK_TITLE"
        other = wb["其他事项"]
        other.cell(_first_text_row(other), 1).value = "MARK_SHARED"
        other.cell(_first_text_row(other) + 1, 1).value = "MARK_INLINE"

    # As Excel saves them: a pasted line break's CR escaped as _x000D_, and text the clerk typed
    # that happens to read “_x000D_” protected by escaping its underscore (_x005F_).
    path = tmp_path / "escaped.xlsx"
    path.write_bytes(
        _escaped(
            _edit(tmp_path, mark),
            shared={
                "MARK_TITLE": "漳平市人民政府_x000D_\n2020年政府信息公开工作年度报告",
                "MARK_SHARED": "第一段。_x000D_\n第二段写的是 _x005F_x000D_ 这几个字。",
            },
            inline={"MARK_INLINE": "第三段。_x000D_\n第四段有一个 _x005F_x0041_。"},
        )
    )
    plain = load_workbook(path)
    assert "_x000D_" in _unit_cell(plain, "报告标题").value  # openpyxl leaves the escape in
    report, notes = _read(path)
    assert report.unit.title == "漳平市人民政府2020年政府信息公开工作年度报告"
    assert [p.text for p in report.sections["other"].paragraphs][:4] == [
        "第一段。",
        "第二段写的是 _x000D_ 这几个字。",
        "第三段。",
        "第四段有一个 _x0041_。",
    ]
    assert not [n for n in notes if n.code in ("R020", "R031")]  # a line break is not a control character


# ── item 5: hidden and invisible text ─────────────────────────────────────────────────────


def test_hidden_rows_and_invisible_text_are_published_with_a_warning_naming_the_cell(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["其他事项"]
        r = _first_text_row(ws)
        ws.cell(r + 1, 1).value = "内部备注：此段不公开"
        ws.row_dimensions[r + 1].hidden = True
        white = ws.cell(r + 2, 1)  # on the workbook's own light-yellow input fill
        white.value, white.font = "白底白字的备注", Font(color="FFFFFFFF")
        gone = ws.cell(r + 3, 1)
        gone.value, gone.number_format = "格式隐藏的备注", ";;;"

    report, notes = _read(_edit(tmp_path, change))
    texts = [p.text for p in report.sections["other"].paragraphs]
    assert {"内部备注：此段不公开", "白底白字的备注", "格式隐藏的备注"} <= set(texts)  # still published
    found = _codes(notes, "R036", "R037")
    assert found == [("R036", "其他事项", "A6"), ("R037", "其他事项", "A7"), ("R037", "其他事项", "A8")]
    assert all(n.severity is Severity.WARNING and "网站上公开" in n.message for n in notes if n.code[:3] == "R03")
    assert "第 6 行被隐藏" in next(n.message for n in notes if n.code == "R036")


def test_a_hidden_unit_field_row_is_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["单位信息"]
        ws.row_dimensions[_row_of(ws, "通讯地址")].hidden = True

    _, notes = _read(_edit(tmp_path, change))
    assert _codes(notes, "R036") == [("R036", "单位信息", "B9")]


# ── item 6: values Excel converted ────────────────────────────────────────────────────────


def test_dates_percentages_logicals_and_error_values_in_text_cells_are_refused(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["总体情况"]
        r = _first_text_row(ws)
        ws.cell(r, 1).value = dt.datetime(2020, 1, 2)
        pct = ws.cell(r + 1, 1)
        pct.value, pct.number_format = 0.86, "0%"
        ws.cell(r + 2, 1).value = True
        ws.cell(r + 3, 1).value = "#N/A"
        _unit_cell(wb, "报告标题").value = "#REF!"
        wb["问题及改进"]["B2"].value = dt.datetime(2021, 3, 4)

    found = {(d.code, d.sheet, d.cell): d.message for d in _refused(_edit(tmp_path, change))}
    assert set(found) == {
        ("R033", "总体情况", "A5"),
        ("R033", "总体情况", "A6"),
        ("R033", "总体情况", "A7"),
        ("R033", "总体情况", "A8"),
        ("R033", "单位信息", "B3"),
        ("R033", "问题及改进", "B2"),
    }
    assert "2020-01-02" in found[("R033", "总体情况", "A5")]
    assert "86%" in found[("R033", "总体情况", "A6")] and "0.86" in found[("R033", "总体情况", "A6")]
    assert "#REF!" in found[("R033", "单位信息", "B3")]


# ── item 7: a title naming another year ───────────────────────────────────────────────────


@pytest.mark.parametrize(
    "title", ["漳平市人民政府2019年政府信息公开工作年度报告", "漳平市人民政府二〇一九年政府信息公开工作年度报告"]
)
def test_a_title_naming_another_year_is_refused(tmp_path: Path, title: str) -> None:
    def change(wb) -> None:
        _unit_cell(wb, "报告标题").value = title

    (d,) = _refused(_edit(tmp_path, change))
    assert (d.code, d.sheet, d.cell) == ("R014", "单位信息", "B3") and "2019" in d.message and "2020" in d.message


def test_a_title_naming_this_year_is_read(tmp_path: Path) -> None:
    def change(wb) -> None:
        _unit_cell(wb, "报告标题").value = "漳平市人民政府2020年度政府信息公开工作年度报告"

    report, _ = _read(_edit(tmp_path, change))
    assert report.unit.title == "漳平市人民政府2020年度政府信息公开工作年度报告"


# ── item 8: leading zeros ─────────────────────────────────────────────────────────────────


def test_a_postcode_or_phone_that_lost_its_leading_zero_is_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        _unit_cell(wb, "邮政编码").value = 30001
        _unit_cell(wb, "联系电话").value = 5977529949
        _unit_cell(wb, "传真").value = "0597-7586629、12345"

    report, notes = _read(_edit(tmp_path, change))
    assert (report.unit.postcode, report.unit.phone) == ("30001", "5977529949")  # never guessed
    found = {(n.code, n.cell): n for n in notes if n.code == "R015"}
    assert set(found) == {("R015", "B10"), ("R015", "B11")}
    assert "030001" in found[("R015", "B10")].message and "开头的 0" in found[("R015", "B10")].message
    assert "0597-7532093" in found[("R015", "B11")].message and "文本" in found[("R015", "B11")].message


def test_a_typed_text_postcode_that_is_not_six_digits_is_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        _unit_cell(wb, "邮政编码").value = "36440"

    _, notes = _read(_edit(tmp_path, change))
    (n,) = [n for n in notes if n.code == "R015"]
    assert "6 位数字" in n.message and "开头的 0" not in n.message


def test_init_formats_postcode_phone_and_fax_as_text(tmp_path: Path) -> None:
    from generator.init_workbook import init_workbook

    init_workbook(2021, tmp_path / "2021.xlsx")
    wb = load_workbook(tmp_path / "2021.xlsx")
    assert [_unit_cell(wb, label).number_format for label in ("邮政编码", "联系电话", "传真")] == ["@"] * 3
    assert _unit_cell(wb, "单位名称").number_format == "General"


# ── item 9: binary fractions ──────────────────────────────────────────────────────────────


def test_an_amount_stored_with_binary_noise_is_printed_as_excel_shows_it(tmp_path: Path) -> None:
    source = INPUTS / "2021.xlsx"
    report, _ = _read(source, 2021)
    cell = report.tables["active"]["fees.amount"].cell
    part = "xl/worksheets/sheet7.xml"  # 主动公开
    with zipfile.ZipFile(source) as zf:
        xml = zf.read(part).decode()
    # Excel writes 17 significant digits: the sum 0.1 + 0.2 as it is stored.
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>)<v>12.35</v>', r"\1<v>0.30000000000000004</v>", xml)
    assert n == 1
    path = tmp_path / "noise.xlsx"
    path.write_bytes(rezip(source.read_bytes(), {part: xml.encode()}))

    report, notes = _read(path, 2021)
    v = report.tables["active"]["fees.amount"]
    assert v.number == Decimal("0.3") and v.display() == "0.3" and v.raw == 0.30000000000000004
    (n,) = [n for n in notes if n.code == "R052"]
    assert (
        n.severity is Severity.INFO and "0.30000000000000004" in n.message and (n.sheet, n.cell) == ("主动公开", cell)
    )


def test_rounding_to_the_precision_of_the_format() -> None:
    count = parse_cell(2.9999999999999996, Kind.COUNT)
    assert count.value.number == 3 and isinstance(count.value.number, int) and count.rounded_severity is Severity.INFO
    cents = parse_cell(12.3456789, Kind.AMOUNT, unit="万元")
    assert cents.value.number == Decimal("12.345679") and cents.rounded_severity is Severity.WARNING
    exact = parse_cell(12.35, Kind.AMOUNT, unit="万元")
    assert exact.value.number == Decimal("12.35") and not exact.rounded
    typed = parse_cell("6834.335元", Kind.AMOUNT_TEXT)  # what the clerk wrote is printed as written
    assert typed.value.display() == "6834.335元" and not typed.rounded


# ── item 10: invisible characters ─────────────────────────────────────────────────────────


def test_a_zero_width_space_no_longer_hides_a_number_from_the_text_rules(tmp_path: Path) -> None:
    def change(wb) -> None:
        ws = wb["总体情况"]
        cell = ws["A29"]
        assert "已答复的信息公开申请25件" in cell.value
        cell.value = cell.value.replace("申请25件", "申请2\u200b5\u2060件\u00ad\ufeff")

    report, notes = _read(_edit(tmp_path, change))
    assert "已答复的信息公开申请25件" in report.sections["overview"].paragraphs[24].text
    (n,) = [n for n in notes if n.code == "R031"]
    assert n.cell == "A29" and "<U+200B>" in n.message and "<U+2060>" in n.message and "\u200b" not in n.message
    assert ("N1", "A29") in {(d.code, d.cell) for d in validate(report)}  # the rule sees the 25 again


def test_invisible_characters_in_a_table_cell_are_removed_with_a_warning_and_shown() -> None:
    parsed = parse_cell("2\u200b9", Kind.COUNT, "s")
    assert parsed.value.number == 29 and parsed.severity is Severity.WARNING and "<U+200B>" in parsed.note
    bad = parse_cell("2\u200b九", Kind.COUNT, "s")
    assert bad.value is None and "2<U+200B>九" in bad.problem


# ── item 11: digits of other scripts ──────────────────────────────────────────────────────


@pytest.mark.parametrize("text, number", [("١٢", 12), ("१२", 12), ("১২件", 12)])
def test_digits_of_other_scripts_are_read_with_a_warning(text: str, number: int) -> None:
    parsed = parse_cell(text, Kind.COUNT, "s")
    assert parsed.value.number == number and parsed.severity is Severity.WARNING and "其他文字的数字" in parsed.note


def test_ascii_text_numbers_stay_a_mere_hint() -> None:
    assert parse_cell("12", Kind.COUNT, "s").severity is Severity.INFO


# ── item 12: text above the header row ────────────────────────────────────────────────────


def test_text_above_the_header_of_a_narrative_sheet_is_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        wb["引言"]["A2"].value = "漳平市人民政府2020年政府信息公开工作年度报告"
        wb["引言"]["C2"].value = "另一个标题"
        wb["总体情况"]["D2"].value = "写在标题行右边"

    _, notes = _read(_edit(tmp_path, change))
    assert _codes(notes, "R038") == [("R038", "引言", "A2"), ("R038", "引言", "C2"), ("R038", "总体情况", "D2")]
    assert "另一个标题" in notes[[n.cell for n in notes].index("C2")].message


@pytest.mark.parametrize("year", [2020, 2021])
def test_shipped_and_new_workbooks_raise_none_of_these_findings(tmp_path: Path, year: int) -> None:
    from generator.init_workbook import init_workbook

    init_workbook(year, tmp_path / f"{year}.xlsx")
    for path in (INPUTS / f"{year}.xlsx", tmp_path / f"{year}.xlsx"):
        _, notes = _read(path, year)
        assert [n.code for n in notes if n.code in ("R014", "R015", "R033", "R036", "R037", "R038", "R052")] == []


# ── item 22: an empty row of numbers ──────────────────────────────────────────────────────


def test_an_empty_part_four_row_is_read_as_blank_cells_each_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        for c in wb["复议诉讼"][7]:
            c.value = None

    report, _ = _read(_edit(tmp_path, change))
    blanks = [d for d in validate(report) if d.code == "V2" and d.sheet == "复议诉讼"]
    # one finding for the row (issue 11, item 7), naming each of its 15 cells
    assert len(blanks) == 1 and blanks[0].cell == "A7" and blanks[0].row_label + blanks[0].col_label
    assert "15 个单元格为空" in blanks[0].message
    assert all(f"{col}7" in blanks[0].message for col in "ABCDEFGHIJKLMNO")


def test_a_deleted_part_four_row_is_named_by_what_it_holds(tmp_path: Path) -> None:
    def change(wb) -> None:
        wb["复议诉讼"].delete_rows(7)

    (d,) = _refused(_edit(tmp_path, change))
    assert d.code == "R041" and "“”" not in d.message and "行政复议、行政诉讼" in d.message


def test_a_hidden_narrative_sheet_or_column_is_named(tmp_path: Path) -> None:
    def change(wb) -> None:
        wb["引言"].sheet_state = "hidden"
        wb["其他事项"].column_dimensions["A"].hidden = True

    report, notes = _read(_edit(tmp_path, change))
    assert report.sections["intro"].paragraphs and report.sections["other"].paragraphs  # still published
    hidden = {(n.sheet, n.cell): n.message for n in notes if n.code == "R036"}
    assert ("引言", "A4") in hidden and "整张工作表被隐藏" in hidden[("引言", "A4")]
    assert ("其他事项", "A5") in hidden and "列被隐藏" in hidden[("其他事项", "A5")]
