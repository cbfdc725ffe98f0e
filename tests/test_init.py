"""`generate init`: the blank standardized workbook, refusal to overwrite, LibreOffice, carry-forward."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from workbook_support import INPUTS, convert, meaning, read

from generator.cli import main as generate_main
from generator.formats import format_for_year
from generator.init_workbook import standard_intro
from generator.model import Report, State, UnitInfo, Value
from generator.validate import validate
from generator.workbook.layout import INSTRUCTIONS_SHEET, REFERENCE_SHEET
from generator.workbook.writer import TABLE_TOP, write_workbook

CJK = re.compile(r"[\u4e00-\u9fff]")


def init(*args: str) -> int:
    return generate_main(["init", *args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_as(year: int, changes: dict[str, object] | None = None) -> Report:
    """The shipped 2020 workbook (2019 format) restated as another year, with table values changed.

    changes: "table:key" → a number, "/" or None (None removes a total so a formula is written)."""
    report = read(INPUTS / "2020.xlsx", 2020)
    report.year = report.unit.year = year
    report.unit.date = dt.date(year + 1, 1, 20)
    report.unit.title = f"漳平市人民政府{year}年政府信息公开工作年度报告"
    for where, value in (changes or {}).items():
        table, key = where.split(":")
        if value is None:
            del report.tables[table][key]
        elif value == "/":
            report.tables[table][key] = Value(State.SLASH, raw="/")
        else:
            report.tables[table][key] = Value(State.NUMBER, value, raw=value)
    return report


def write_prev(path: Path, report: Report) -> Path:
    write_workbook(path, format_for_year(report.year), report.year, report)
    return path


# --- the blank workbook -------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2020, 2021])
def test_blank_workbook_reads_back_empty(tmp_path: Path, year: int) -> None:
    target = tmp_path / f"{year}.xlsx"
    assert init("--year", str(year), "--output", str(target)) == 0
    report = read(target, year)
    spec = report.spec
    assert report.unit.year == year and report.unit.name == "" and report.unit.date is None
    intro = report.sections["intro"].paragraphs
    assert all(not s.paragraphs and not s.title for k, s in report.sections.items() if k != "intro")
    # The standard paragraph is there to read and edit, its details marked for the clerk to fill.
    assert [p.text for p in intro] == [standard_intro(UnitInfo(), year)]
    assert f"统计时间自{year}年1月1日起至{year}年12月31日" in intro[0].text and "电话：××" in intro[0].text
    for table in spec.tables:
        for key, v in report.tables[table.id].items():
            if (table.id, key) in spec.total_fields:
                assert v.state is State.FORMULA and v.derived, (table.id, key)
            else:
                assert v.state is State.BLANK, (table.id, key)
    findings = validate(report)
    allowed = {"V1", "V2", "L2"} | ({"F2"} if spec.id == "2021" else set())
    assert {d.code for d in findings if d.code != "L1"} <= allowed
    assert [(d.code, d.sheet) for d in findings if d.code == "L1"] == [("L1", "引言")]  # ×× until filled in
    blank_inputs = {
        (t.sheet, report.tables[t.id][k].cell)
        for t in spec.tables
        for k in t.fields
        if (t.id, k) not in spec.total_fields
    }
    # one V2 per row of blank cells, at its first cell, naming every cell of the row
    named = {(d.sheet, c) for d in findings if d.code == "V2" for c in {d.cell, *re.findall(r"[A-Z]+\d+", d.message)}}
    assert named == blank_inputs
    assert len([d for d in findings if d.code == "V2"]) == len({(s, re.sub(r"[A-Z]+", "", c)) for s, c in blank_inputs})


def test_blank_workbook_is_protected_tinted_validated_and_sums_live(tmp_path: Path) -> None:
    target = tmp_path / "2021.xlsx"
    assert init("--year", "2021", "--output", str(target)) == 0
    wb = load_workbook(target)
    spec = format_for_year(2021)
    assert wb.sheetnames[0] == INSTRUCTIONS_SHEET
    assert "国办公开办函〔2021〕30号" in wb[INSTRUCTIONS_SHEET]["A1"].value
    assert any("万元" in (c.value or "") for c in wb[INSTRUCTIONS_SHEET]["A"])
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.protection.sheet and not ws.protection.password, name
    for table in spec.tables:
        ws = wb[table.sheet]
        validations = [(dv, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
        for p in table.placed:
            cell = ws.cell(TABLE_TOP + p.row, 1 + p.col)
            key = getattr(p.item, "key", None)
            if key is None:
                assert cell.protection.locked and cell.value == p.item.text
                continue
            assert not cell.protection.locked, (table.id, key)
            assert cell.fill.fgColor.rgb[-6:] in ("FFF2CC", "E2EFDA"), (table.id, key)
            ((dv, _),) = [(dv, s) for dv, s in validations if cell.coordinate in s.split()]
            assert dv.showInputMessage and CJK.search(dv.prompt or ""), (table.id, key)
            if p.item.kind.value == "amount":
                assert "INT(" not in dv.formula1 and "万元" in dv.prompt  # decimals allowed
            elif p.item.kind.value == "count":
                assert "INT(" in dv.formula1 and ">=0" in dv.formula1
            rule = spec.total_fields.get((table.id, key))
            if rule is not None:
                info = table.fields
                parts = {f"{get_column_letter(info[k].col + 1)}{info[k].row + TABLE_TOP}" for k in rule.parts}
                assert re.fullmatch(r"=SUM\((.*)\)", cell.value), cell.value
                assert set(cell.value[5:-1].split(",")) == parts
    unit = wb["单位信息"]
    rows = {unit.cell(r, 1).value: unit.cell(r, 2).coordinate for r in range(2, unit.max_row + 1)}
    kinds = {c: dv.type for dv in unit.data_validations.dataValidation for c in str(dv.sqref).split()}
    assert (kinds[rows["报告年度"]], kinds[rows["单位层级"]], kinds[rows["成文日期"]]) == ("whole", "list", "date")
    merged = {str(r) for r in wb["申请情况"].merged_cells.ranges}
    top = TABLE_TOP + next(
        p.row for p in spec.table("requests").placed if getattr(p.item, "text", "") == "三、本年度办理结果"
    )
    assert f"A{top}:A{top + 21}" in merged


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, capsys) -> None:
    target = tmp_path / "2021.xlsx"
    shutil.copy(INPUTS / "2021.xlsx", target)
    before = sha(target)
    assert init("--year", "2021", "--output", str(target)) == 2
    assert "--force" in capsys.readouterr().err
    assert sha(target) == before
    assert init("--year", "2021", "--output", str(target), "--force") == 0
    assert read(target, 2021).unit.name == ""


def test_blank_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    target = tmp_path / "2021.xlsx"
    assert init("--year", "2021", "--output", str(target)) == 0
    pdf = convert(target, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    resaved = convert(target, "xlsx", tmp_path / "lo")
    assert meaning(read(resaved, 2021)) == meaning(read(target, 2021))


# --- carry-forward ------------------------------------------------------------------------------


def test_carry_forward_within_the_2019_format(tmp_path: Path, capsys) -> None:
    prev = write_prev(
        tmp_path / "2019.xlsx",
        seed_as(
            2019,
            {
                "requests:carry_next.natural": 4,
                "requests:carry_next.legal": 1,
                "requests:carry_next.total": None,
                "active:fees.delta": "/",
            },
        ),
    )
    before = sha(prev)
    target = tmp_path / "out" / "2020.xlsx"
    assert init("--year", "2020", "--from", str(prev), "--output", str(target)) == 0
    messages = capsys.readouterr().err
    assert sha(prev) == before  # last year's workbook is only read
    assert "单位信息已从 2019 年度工作簿结转" in messages
    report = read(target, 2020)
    carried = {k.split(".")[1]: v for k, v in report.tables["requests"].items() if k.startswith("carried.")}
    assert {c: v.number for c, v in carried.items() if c != "total"} == {
        "natural": 4,
        "business": 0,
        "research": 0,
        "nonprofit": 0,
        "legal": 1,
        "other_org": 0,
    }
    total = carried["total"]  # the live SUM stays for the clerk; the reader recomputes it
    assert total.derived and str(total.raw).startswith("=SUM(") and total.number == 5
    prev_active = read(prev, 2019).tables["active"]
    active = report.tables["active"]
    for row in ("license", "other_service", "penalty", "enforcement"):
        expected = prev_active[f"{row}.prev"].number + prev_active[f"{row}.delta"].number
        assert active[f"{row}.prev"].number == expected, row
    assert active["license.prev"].number == 885 - 156
    assert active["fees.prev"].state is State.BLANK  # last year's 本年增/减 was “/”: not guessed
    assert "行政事业性收费／上一年项目数量未填写" in messages
    # Everything else is this year's to fill.
    others = [k for k, v in active.items() if not k.endswith(".prev")]
    assert all(active[k].state is State.BLANK for k in others)
    assert report.tables["requests"]["new.natural"].state is State.BLANK
    # Unit information carried, year and title moved on, date left for this year.
    assert report.unit.name == "漳平市人民政府" and report.unit.phone == "0597-7529949"
    assert report.unit.year == 2020 and report.unit.date is None
    assert report.unit.title == "漳平市人民政府2020年政府信息公开工作年度报告"
    # Narrative is offered for reference only: the reader sees none of it, except the standard
    # paragraph of the 引言, written afresh for this year from the carried unit information.
    assert all(not s.paragraphs for k, s in report.sections.items() if k != "intro")
    (intro,) = report.sections["intro"].paragraphs
    assert intro.text == standard_intro(report.unit, 2020)
    assert "统计时间自2020年1月1日起至2020年12月31日" in intro.text and "电话：0597-7529949" in intro.text
    assert "××" not in intro.text
    reference = [c.value for c in load_workbook(target)[REFERENCE_SHEET]["A"] if c.value]
    last_year = read(prev, 2019).sections["problems"].paragraphs
    assert [p.text for p in last_year] and all(p.text in reference for p in last_year)


def _cwd_with_previous(tmp_path: Path, monkeypatch, make: Callable[[Path], object]) -> Path:
    (tmp_path / "inputs").mkdir()
    make(tmp_path / "inputs" / "2020.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "inputs"


def test_carry_forward_is_automatic_and_crosses_to_2021(tmp_path: Path, monkeypatch, capsys) -> None:
    prev_report = seed_as(
        2020, {"requests:carry_next.natural": 4, "requests:carry_next.research": 2, "requests:carry_next.total": None}
    )
    inputs = _cwd_with_previous(tmp_path, monkeypatch, lambda p: write_prev(p, prev_report))
    assert init("--year", "2021") == 0
    assert "格式已从 国办公开办函〔2019〕60号 改为 国办公开办函〔2021〕30号" in capsys.readouterr().err
    report = read(inputs / "2021.xlsx", 2021)
    assert report.spec.id == "2021" and report.unit.name == "漳平市人民政府"
    carried = {
        k: v.number for k, v in report.tables["requests"].items() if k.startswith("carried.") and k != "carried.total"
    }
    assert carried == {
        f"carried.{c}": n
        for c, n in [("natural", 4), ("business", 0), ("research", 2), ("nonprofit", 0), ("legal", 0), ("other_org", 0)]
    }
    assert all(v.state is State.BLANK for v in report.tables["active"].values())  # nothing in 二 is shared
    # The cross-year rule agrees: the carried row matches last year's 结转下年度.
    previous = read(inputs / "2020.xlsx", 2020)
    assert not [d for d in validate(report, previous) if d.code == "T3-5"]


def test_unreadable_previous_workbook_still_gives_a_blank_one(tmp_path: Path, monkeypatch, capsys) -> None:
    inputs = _cwd_with_previous(tmp_path, monkeypatch, lambda p: p.write_text("not a workbook"))
    assert init("--year", "2021") == 0
    assert "没有结转" in capsys.readouterr().err
    assert read(inputs / "2021.xlsx", 2021).unit.name == ""


def test_carry_forward_refuses_a_workbook_of_the_wrong_year(tmp_path: Path, capsys) -> None:
    target = tmp_path / "2022.xlsx"
    assert init("--year", "2022", "--from", str(INPUTS / "2020.xlsx"), "--output", str(target)) == 2
    assert "报告年度是 2020，不是 2021" in capsys.readouterr().err
    assert not target.exists()


def test_each_formats_blank_workbook_explains_its_own_columns(tmp_path):
    from openpyxl import load_workbook

    from generator.init_workbook import init_workbook

    for year, present, absent in ((2020, "本年增/减", "万元"), (2021, "万元", "本年增/减")):
        target = tmp_path / f"{year}.xlsx"
        init_workbook(year, target)
        note = load_workbook(target)["主动公开"]["A2"].value
        assert present in note and absent not in note


def _init_as_module(*args: str) -> subprocess.CompletedProcess:
    """`python -m generator.cli init …`: the way the hostile corpus and clerks' scripts run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "generator.cli", "init", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_init_errors_under_python_m_are_the_clerks_not_internal(tmp_path: Path) -> None:
    target = tmp_path / "2021.xlsx"
    target.write_bytes(b"filled in already")
    r = _init_as_module("--year", "2021", "--output", str(target))
    assert r.returncode == 2, r.stderr
    assert "已经存在" in r.stderr and "程序内部错误" not in r.stderr


def test_user_error_is_one_class_wherever_it_is_imported_from() -> None:
    from generator import cli, diagnostics, init_workbook

    assert cli.UserError is diagnostics.UserError
    assert "UserError" not in vars(init_workbook) or init_workbook.UserError is diagnostics.UserError


@pytest.mark.parametrize("where", ["sysfs", "file_as_folder"])
def test_init_to_an_unwritable_place_says_so_in_chinese(tmp_path: Path, where: str) -> None:
    if where == "sysfs":
        target = Path("/sys/nianbao-test/2023.xlsx")  # sysfs refuses new files, even to root
        if not Path("/sys").is_dir():
            pytest.skip("no /sys on this system")
    else:
        (tmp_path / "afile").write_text("not a folder")
        target = tmp_path / "afile" / "2023.xlsx"
    r = _init_as_module("--year", "2023", "--output", str(target))
    assert r.returncode == 2, r.stderr
    assert f"无法写入工作簿 {target}" in r.stderr
    assert "程序内部错误" not in r.stderr and "PermissionError" not in r.stderr and "FileExistsError" not in r.stderr
    assert not target.exists()


def test_blank_workbook_rows_fit_long_labels_and_print_one_page_wide(tmp_path):
    from openpyxl import load_workbook

    from generator.init_workbook import init_workbook

    target = tmp_path / "2021.xlsx"
    init_workbook(2021, target)
    ws = load_workbook(target)["申请情况"]
    row_of = {c.value: c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    long_row = row_of["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]
    short_row = row_of["2.重复申请"]
    assert ws.row_dimensions[long_row].height >= 2 * ws.row_dimensions[short_row].height
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_init_elsewhere_names_the_file_in_the_next_command(tmp_path: Path, capsys) -> None:
    target = tmp_path / "2021-新格式.xlsx"
    assert init("--year", "2021", "--output", str(target)) == 0
    assert f"generate --year 2021 --input {target}" in capsys.readouterr().err
