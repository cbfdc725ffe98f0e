"""generate rollup: every review status, exit codes, the roll-up workbook, the shipped county example."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from hostile.corpus import _bomb
from rollup_support import YEAR, county, record_pools, set_cell, set_unit

from generator.cli import main
from generator.formats import format_for_year
from generator.workbook import read_workbook

SPEC = format_for_year(YEAR)
OUT = Path("outputs") / str(YEAR) / "汇总"


def _rollup(*extra: str) -> int:
    return main(["rollup", "--year", str(YEAR), "--jobs", "1", *extra])


def _overview(path: Path) -> dict[str, dict[str, object]]:
    """审核表 概况 by file (or by name for a missing unit): the row as header → value."""
    ws = openpyxl.load_workbook(path)["概况"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    out = {}
    for r in rows[1:]:
        row = dict(zip(head, r))
        out[Path(row["文件"]).name if row["文件"] else row["单位名称"]] = row
    return out


@pytest.fixture
def office(tmp_path, monkeypatch) -> Path:
    inputs = county(tmp_path)
    monkeypatch.chdir(tmp_path)
    return inputs


def test_the_shipped_example_rolls_up_to_totals_computed_by_hand(office, capsys):
    assert _rollup() == 1  # a unit with 错误 and a missing unit
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    t = report.tables
    # Added up by hand from the twelve included workbooks (示例县气象局 is excluded by the roster):
    # 19+6+15+12+15+13+6+9+11+10+7+6 and so on, cell by cell.
    assert t["requests"]["new.total"].number == 129
    assert t["requests"]["new.natural"].number == 73
    assert t["requests"]["total.total"].number == 127
    assert t["requests"]["carried.total"].number == 7
    assert t["requests"]["carry_next.total"].number == 9
    assert t["appeals"]["review.total"].number == 30
    assert t["appeals"]["direct.total"].number == 18
    assert t["appeals"]["after.total"].number == 29
    assert t["active"]["license.decisions"].number == 4946
    assert t["active"]["normative.in_force"].number == 154
    # Exact decimal: 1723.34 + 4378.56 + 1115 + 2716.69 + 2209.39 + 3822.57 + 782.71 + 2436.28 + 4885.48 + 4221.82
    assert str(t["active"]["fees.amount"].number) == "28291.84"
    # Every unit writes “/” for 规章: the roll-up says “/”, not 0.
    assert t["active"]["rules.made"].display() == "/"
    # Unit information and text come from the county government's own workbook.
    assert report.unit.name == "示例县人民政府"
    assert "全年新收政府信息公开申请129件" in report.sections["overview"].text

    rows = _overview(OUT / "审核表.xlsx")
    assert rows["西河镇.xlsx"]["状态"] == "有错误" and rows["西河镇.xlsx"]["纳入汇总"] == "是"
    assert rows["气象局.xlsx"]["状态"] == "不纳入汇总" and rows["气象局.xlsx"]["纳入汇总"] == "否"
    assert rows["示例县审计局"]["状态"] == "缺报"
    assert rows["汇总工作簿.xlsx"]["本年新收"] == 129 and rows["汇总工作簿.xlsx"]["行政诉讼 总计"] == 47
    assert sum(1 for r in rows.values() if r["状态"] == "通过") == 11 + 1  # 11 units + the roll-up itself
    out = capsys.readouterr().out
    assert "【示例县西河镇人民政府】" in out and "L1 错误" in out and "缺报" in out


def test_the_roll_up_reads_back_and_renders_like_any_workbook(office, tmp_path):
    _rollup()
    assert main(["check", "--year", str(YEAR), "--input", str(OUT / "汇总工作簿.xlsx")]) == 0
    assert (
        main(["--year", str(YEAR), "--input", str(OUT / "汇总工作簿.xlsx"), "--output-dir", str(tmp_path / "r")]) == 0
    )
    assert {p.suffix for p in (tmp_path / "r" / str(YEAR)).iterdir()} == {".docx", ".html"}


def test_provenance_traces_every_total_to_its_units(office):
    _rollup()
    ws = openpyxl.load_workbook(OUT / "审核表.xlsx")["数据来源"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("申请情况!J7")  # 一、本年新收 总计
    units = {r[0]: r[col] for r in rows[3:]}
    assert rows[1][col] == 129 == sum(units.values())
    assert units["示例县东山乡人民政府"] == 19 and "示例县气象局" not in units
    assert len(units) == 12
    assert ws.freeze_panes == "B4" and ws.auto_filter.ref.startswith("A3:")
    # An amount's total is a number the reviewer can sum, like the units' amounts below it.
    fee = next(i for i, label in enumerate(rows[2]) if label and "行政事业性收费" in str(label))
    assert isinstance(rows[1][fee], (int, float)) and abs(rows[1][fee] - 28291.84) < 1e-6


def test_every_bad_file_is_named_and_nothing_else_is_affected(office, tmp_path):
    units = office / str(YEAR)
    (units / "~$教育局.xlsx").write_bytes(b"\x0bLock file of WPS\x00" * 8)  # Excel/WPS lock file
    from docx import Document

    Document().save(units / "说明.docx")
    shutil.copy(Path(__file__).parent.parent / "inputs" / "2020.xlsx", units / "去年的.xlsx")
    (units / "炸弹.xlsx").write_bytes(_bomb(40))  # a sheet that inflates to 40 MB
    code = _rollup()
    rows = _overview(OUT / "审核表.xlsx")
    assert code == 1
    for name in ("~$教育局.xlsx", "说明.docx", "炸弹.xlsx"):
        assert rows[name]["状态"] == "无法读取", name
    assert rows["去年的.xlsx"]["状态"] == "年度不符"
    # The same Chinese message `generate check` gives for the file.
    findings = openpyxl.load_workbook(OUT / "审核表.xlsx")["问题清单"]
    messages = {(Path(r[1]).name, r[6]) for r in findings.iter_rows(min_row=2, values_only=True)}
    from generator.diagnostics import InputError

    for name in ("~$教育局.xlsx", "说明.docx", "去年的.xlsx", "炸弹.xlsx"):
        with pytest.raises(InputError) as exc:
            read_workbook(units / name, SPEC, YEAR)
        assert (name, exc.value.diagnostics[0].message) in messages
    # The good units are summed as before.
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129


def test_duplicate_off_roster_other_year_and_roll_up_output(office):
    units = office / str(YEAR)
    shutil.copy(units / "财政局.xlsx", units / "财政局（修改稿）.xlsx")
    shutil.copy(units / "教育局.xlsx", units / "文旅局.xlsx")
    set_unit(units / "文旅局.xlsx", "单位名称", "示例县文化和旅游局")
    shutil.copy(units / "公安局.xlsx", units / "公安局2021.xlsx")
    set_unit(units / "公安局2021.xlsx", "报告年度", 2021)
    _rollup()
    shutil.copy(OUT / "汇总工作簿.xlsx", units / "汇总.xlsx")
    assert _rollup() == 1
    rows = _overview(OUT / "审核表.xlsx")
    assert rows["财政局.xlsx"]["状态"] == rows["财政局（修改稿）.xlsx"]["状态"] == "重复"
    assert rows["财政局.xlsx"]["纳入汇总"] == "否"
    assert rows["文旅局.xlsx"]["状态"] == "名单外"
    assert rows["公安局2021.xlsx"]["状态"] == "年度不符"
    assert rows["公安局.xlsx"]["状态"] == "通过"
    assert rows["汇总.xlsx"]["状态"] == "汇总结果" and rows["汇总.xlsx"]["纳入汇总"] == "否"
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129 - 6  # 财政局 (6) left out, nothing added


def test_without_roster_every_workbook_is_a_unit_and_all_pass(office):
    (office / f"{YEAR}-名单.xlsx").unlink()
    set_cell(office / str(YEAR) / "西河镇.xlsx", "总体情况", "A5", "2022年，示例县西河镇人民政府坚持公开。")
    shutil.copytree(office / str(YEAR), office.parent / "units")
    shutil.rmtree(office / str(YEAR))
    assert _rollup("--units", "units") == 0
    rows = _overview(OUT / "审核表.xlsx")
    assert rows["气象局.xlsx"]["状态"] == "通过" and rows["气象局.xlsx"]["类别"] == "部门"
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129 + 9  # 气象局 counted without a roster


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda ws: ws.__setitem__("B3", "局"), "类别"),
        (lambda ws: ws.__setitem__("C3", "可能"), "纳入汇总"),
        (lambda ws: ws.__setitem__("A4", ws["A3"].value), "出现两次"),
        (lambda ws: setattr(ws, "title", "单位"), "名单"),
    ],
)
def test_an_unusable_roster_stops_with_exit_2_and_writes_nothing(office, capsys, change, says):
    path = office / f"{YEAR}-名单.xlsx"
    wb = openpyxl.load_workbook(path)
    change(wb["名单"])
    wb.save(path)
    assert _rollup() == 2
    err = capsys.readouterr().err
    assert says in err and "名单.xlsx" in err
    assert not OUT.exists()


def test_an_unreadable_own_workbook_stops_with_exit_2(office, capsys):
    (office / f"{YEAR}.xlsx").write_bytes(b"not a workbook")
    assert _rollup() == 2
    assert f"{YEAR}.xlsx" in capsys.readouterr().err
    assert not OUT.exists()


def test_a_blank_unit_figure_leaves_the_total_blank_and_named(office):
    set_cell(office / str(YEAR) / "东山乡.xlsx", "申请情况", "D7", None)
    _rollup()
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.natural"].display() == ""  # never a silent 0
    findings = openpyxl.load_workbook(OUT / "审核表.xlsx")["问题清单"]
    u2 = [r for r in findings.iter_rows(min_row=2, values_only=True) if r[2] == "U2"]
    assert len(u2) == 1 and u2[0][4] == "申请情况!D7" and "示例县东山乡人民政府" in u2[0][6]


def test_init_roster_lists_the_units_found(office):
    target = office / "名单-新.xlsx"
    assert main(["init-roster", "--year", str(YEAR), "--output", str(target)]) == 0
    ws = openpyxl.load_workbook(target)["名单"]
    rows = {r[0]: r[1:3] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 13
    assert rows["示例县城关镇人民政府"] == ("乡镇（街道）", "是")
    assert main(["init-roster", "--year", str(YEAR), "--output", str(target)]) == 2  # never overwritten silently


def test_inputs_are_never_modified(office):
    before = {p: p.read_bytes() for p in office.rglob("*") if p.is_file()}
    _rollup()
    assert {p: p.read_bytes() for p in office.rglob("*") if p.is_file()} == before


def test_last_years_unit_workbook_of_the_same_name_enables_the_cross_year_rules(office):
    last = office / str(YEAR - 1)
    last.mkdir()
    shutil.copy(Path(__file__).parent.parent / "inputs" / "2021.xlsx", last / "教育局.xlsx")  # 示例县教育局, 2021
    _rollup()
    findings = openpyxl.load_workbook(OUT / "审核表.xlsx")["问题清单"]
    codes = {}
    for r in findings.iter_rows(min_row=2, values_only=True):
        codes.setdefault(Path(r[1]).name, set()).add(r[2])
    # 2021: 3 carried over to 2022 by 示例县教育局 (四、结转下年度), the 2022 workbook says otherwise.
    assert codes.get("教育局.xlsx", set()) & {"T3-5", "C2"}
    assert not any(codes.get(name, set()) & {"T3-5", "C1", "C2", "C0"} for name in codes if name != "教育局.xlsx")


def test_unit_workbooks_in_sub_folders_are_found_hidden_and_system_folders_are_listed_not_read(office, capsys):
    units = office / str(YEAR)
    (units / "乡镇").mkdir()
    shutil.move(units / "东山乡.xlsx", units / "乡镇" / "东山乡.xlsx")  # 6 new applications
    for hidden in (".git", "__MACOSX"):
        (units / hidden).mkdir()
        shutil.copy(units / "财政局.xlsx", units / hidden / "财政局.xlsx")  # would be a 重复 if read
    (units / "备份").mkdir()
    shutil.copy(units / "教育局.xlsx", units / "备份" / "教育局.xlsx")
    _rollup()
    out = OUT
    rows = _overview(out / "审核表.xlsx")
    sources = {Path(r["文件"]).parts[-2:] for r in rows.values() if r["文件"]}
    assert ("乡镇", "东山乡.xlsx") in sources and rows["东山乡.xlsx"]["状态"] == "通过"
    assert not sources & {(".git", "财政局.xlsx"), ("__MACOSX", "财政局.xlsx")}
    printed = capsys.readouterr().out
    rel = Path("inputs") / str(YEAR)
    assert f"未读取：{rel / '.git'}：" in printed and f"未读取：{rel / '__MACOSX'}：" in printed
    assert rows["财政局.xlsx"]["状态"] == "通过"
    # The same unit in two folders: both 重复, neither summed (教育局 reported 11 new applications).
    overview = openpyxl.load_workbook(out / "审核表.xlsx")["概况"]
    edu = [r for r in overview.iter_rows(values_only=True) if "教育局.xlsx" in str(r)]
    assert len(edu) == 2 and all("重复" in r for r in edu)
    report, _ = read_workbook(out / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129 - 11


def test_without_own_workbook_the_roll_up_row_is_named_once_and_counted_apart(office, capsys):
    (office / f"{YEAR}-名单.xlsx").unlink()
    (office / f"{YEAR}.xlsx").unlink()
    set_cell(office / str(YEAR) / "西河镇.xlsx", "总体情况", "A5", "2022年，示例县西河镇人民政府坚持公开。")
    # Every unit present and clean: exit 0, although the roll-up itself lacks the government's text.
    assert _rollup() == 0
    out = capsys.readouterr().out
    assert "（汇总）（汇总）" not in out and "【（汇总）】" in out
    assert "汇总完成：各单位 通过 13。" in out  # the 13 units; the roll-up row is not one of them
    assert "汇总工作簿 （汇总）：有错误" in out and "汇总工作簿自身的错误不影响退出码" in out
    names = [r[1] for r in openpyxl.load_workbook(OUT / "审核表.xlsx")["概况"].iter_rows(min_row=2, values_only=True)]
    assert "（汇总）" in names and "（汇总）（汇总）" not in names
    page = (OUT / "审核.html").read_text(encoding="utf-8")
    assert "（汇总）（汇总）" not in page
    assert "各单位：通过 13。汇总工作簿 （汇总）：有错误" in page  # the page's summary, too


# --- issue 14: no unit lost from view, no government summed as a unit, no stale output --------------


def test_the_governments_own_workbook_among_the_units_is_not_summed_silently(office, capsys):
    (office / f"{YEAR}-名单.xlsx").unlink()  # without a roster every workbook found would be a unit
    shutil.copy(office / f"{YEAR}.xlsx", office / str(YEAR) / "县政府.xlsx")  # 示例县人民政府, already summed
    assert _rollup() == 1
    rows = _overview(OUT / "审核表.xlsx")
    own = rows["县政府.xlsx"]
    assert own["状态"] == "汇总结果" and own["纳入汇总"] == "否"
    assert f"{YEAR}.xlsx" in own["说明"] and "本级政府" in own["说明"]
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129 + 9  # the units (气象局 too), not 129 more


def test_an_own_workbook_of_another_year_is_refused(office, capsys):
    set_unit(office / f"{YEAR}.xlsx", "报告年度", YEAR - 1)
    assert _rollup() == 2
    err = capsys.readouterr().err
    assert f"{YEAR}.xlsx" in err and "报告年度" in err and str(YEAR - 1) in err
    assert not OUT.exists()


def test_linked_folders_broken_links_and_pipes_are_read_or_listed_never_skipped_silently(office, tmp_path):
    import os

    units = office / str(YEAR)
    elsewhere = tmp_path / "乡镇的工作簿"
    elsewhere.mkdir()
    shutil.move(units / "东山乡.xlsx", elsewhere / "东山乡.xlsx")
    (units / "乡镇").symlink_to(elsewhere, target_is_directory=True)  # a linked sub-folder: read
    (units / "回环").symlink_to(units, target_is_directory=True)  # a loop: listed, not read twice
    (units / "断开的.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    os.mkfifo(units / "管道.xlsx")  # never opened: reading it would wait forever
    assert _rollup() == 1
    rows = _overview(OUT / "审核表.xlsx")
    assert rows["东山乡.xlsx"]["状态"] == "通过" and rows["东山乡.xlsx"]["纳入汇总"] == "是"
    assert rows["断开的.xlsx"]["状态"] == "无法读取" and "断开的链接" in rows["断开的.xlsx"]["说明"] + str(
        _findings_of(OUT / "审核表.xlsx", "断开的.xlsx")
    )
    assert rows["管道.xlsx"]["状态"] == "无法读取"
    assert "命名管道" in str(_findings_of(OUT / "审核表.xlsx", "管道.xlsx"))
    page = (OUT / "审核.html").read_text(encoding="utf-8")
    assert "回环" in page and "不重复读取" in page
    report, _ = read_workbook(OUT / "汇总工作簿.xlsx", SPEC, YEAR)
    assert report.tables["requests"]["new.total"].number == 129  # 东山乡 counted once, through the link


def _findings_of(review: Path, file_name: str) -> list[str]:
    ws = openpyxl.load_workbook(review)["问题清单"]
    return [r[6] for r in ws.iter_rows(min_row=2, values_only=True) if r[1] and Path(r[1]).name == file_name]


def test_a_roll_up_that_sums_nothing_removes_the_previous_roll_up_workbook(office, capsys):
    assert _rollup() == 1
    assert (OUT / "汇总工作簿.xlsx").is_file()
    for p in (office / str(YEAR)).glob("*.xlsx"):
        p.unlink()
    (office / str(YEAR) / "说明.txt").write_text("各单位尚未报送")
    assert _rollup() == 1
    assert not (OUT / "汇总工作簿.xlsx").exists(), "last run's sums must not stand beside this run's review"
    assert sorted(p.name for p in OUT.iterdir()) == ["审核.html", "审核表.xlsx"]
    assert "已过期，已删除" in capsys.readouterr().err  # a note, on stderr (README 输出约定)


@pytest.mark.parametrize("inside", ["inputs/2022/输出", "inputs/2022", "inputs"])
def test_an_output_folder_inside_the_units_folder_is_refused(office, capsys, inside):
    before = sorted(office.rglob("*"))
    assert _rollup("--output-dir", inside) == 2
    assert "单位文件夹" in capsys.readouterr().err
    assert sorted(office.rglob("*")) == before


def test_jobs_are_capped_at_the_files_and_the_cores(office, monkeypatch):
    import os
    asked = record_pools(monkeypatch)
    for p in sorted((office / str(YEAR)).glob("*.xlsx"))[2:]:
        p.unlink()
    assert main(["rollup", "--year", str(YEAR), "--jobs", "100000"]) == 1
    assert asked and max(asked) <= min(2, os.cpu_count() or 1)


def test_roster_categories_compare_ignoring_width(office):
    path = office / f"{YEAR}-名单.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["名单"]
    changed = [c for c in ws["B"] if c.value == "乡镇（街道）"]
    assert changed
    for c in changed:
        c.value = "乡镇(街道)"  # typed with half-width brackets
    wb.save(path)
    assert _rollup() == 1  # the example's usual result, not a refused roster (2)
    rows = _overview(OUT / "审核表.xlsx")
    assert rows["东山乡.xlsx"]["类别"] == "乡镇（街道）"


def test_init_roster_lists_each_unit_once_without_lock_files_and_rollup_accepts_it(office, capsys):
    units = office / str(YEAR)
    shutil.copy(units / "财政局.xlsx", units / "财政局-空格.xlsx")
    set_unit(units / "财政局-空格.xlsx", "单位名称", "示例县 财政局")  # the same unit, typed with a space
    (units / "~$教育局.xlsx").write_bytes(b"\x0bWPS lock\x00" * 10)
    target = office / f"{YEAR}-名单.xlsx"
    target.unlink()
    assert main(["init-roster", "--year", str(YEAR)]) == 0
    names = [r[0] for r in openpyxl.load_workbook(target)["名单"].iter_rows(min_row=2, values_only=True)]
    assert len(names) == 13 and len(set(names)) == 13
    assert not any("~$" in n for n in names)
    out = capsys.readouterr().out
    assert "~$教育局.xlsx：Excel/WPS 打开工作簿时留下的锁定文件" in out
    assert "财政局.xlsx 是同一单位" in out or "财政局-空格.xlsx 是同一单位" in out
    assert _rollup() == 1  # the roster it wrote is accepted (2 would be a refused roster)
    rows = _overview(OUT / "审核表.xlsx")
    assert rows["财政局.xlsx"]["状态"] == rows["财政局-空格.xlsx"]["状态"] == "重复"


def test_init_roster_lists_what_it_did_not_read(office, tmp_path, capsys):
    import os

    units = office / str(YEAR)
    os.mkfifo(units / "管道.xlsx")
    (units / "断开的.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (units / "__MACOSX").mkdir()
    target = office / "名单-新.xlsx"
    assert main(["init-roster", "--year", str(YEAR), "--output", str(target)]) == 0
    out = capsys.readouterr().out
    for name, why in (("管道.xlsx", "命名管道"), ("断开的.xlsx", "断开的链接"), ("__MACOSX", "系统文件夹")):
        line = next((x for x in out.splitlines() if x.startswith("未列入名单：") and name in x), "")
        assert why in line, (name, out)
    names = [r[0] for r in openpyxl.load_workbook(target)["名单"].iter_rows(min_row=2, values_only=True)]
    assert len(names) == 13
