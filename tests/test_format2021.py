"""The 2021 format (国办公开办函〔2021〕30号): choice by year, the mandated layout, the example end to end."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from workbook_support import INPUTS, read

from generator.cli import main as generate_main
from generator.formats import UnsupportedYear, format_for_year
from generator.formats.spec import Kind, Label
from generator.validate import validate

# The active table as the regulation prints it (format-2021.md, 表一): the logical grid, one
# string per position, spans repeated. Written here independently of generator/formats.
ACTIVE_2021 = [
    ["第二十条第（一）项"] * 4,
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "#", "#", "#"],
    ["行政规范性文件", "#", "#", "#"],
    ["第二十条第（五）项"] * 4,
    ["信息内容", *["本年处理决定数量"] * 3],
    ["行政许可", "#", "#", "#"],
    ["第二十条第（六）项"] * 4,
    ["信息内容", *["本年处理决定数量"] * 3],
    ["行政处罚", "#", "#", "#"],
    ["行政强制", "#", "#", "#"],
    ["第二十条第（八）项"] * 4,
    ["信息内容", *["本年收费金额（单位：万元）"] * 3],
    ["行政事业性收费", "#", "#", "#"],
]
OTHER_2021 = [
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
]


def logical_grid(table) -> list[list[str]]:
    return [[p.item.text if isinstance(p.item, Label) else "#" for p in row] for row in table.grid]


@pytest.mark.parametrize(
    ("year", "spec_id"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2022, "2021"), (2035, "2021")]
)
def test_year_chooses_format(year: int, spec_id: str) -> None:
    assert format_for_year(year).id == spec_id


def test_years_before_2019_are_refused_in_chinese(capsys) -> None:
    with pytest.raises(UnsupportedYear, match="2018 年度没有可用的报告格式"):
        format_for_year(2018)
    assert generate_main(["init", "--year", "2018", "--output", "/nonexistent/x.xlsx"]) == 2
    assert "统一格式自 2019 年度起施行" in capsys.readouterr().err


def test_active_table_is_the_mandated_grid() -> None:
    spec = format_for_year(2021)
    active = spec.table("active")
    assert logical_grid(active) == ACTIVE_2021
    single = {k: f for k, f in active.fields.items() if active.grid[f.row][3].item is active.grid[f.row][1].item}
    assert {active.fields[k].row_path[-1] for k in single} == {"行政许可", "行政处罚", "行政强制", "行政事业性收费"}
    assert all(p.colspan == 3 for p in active.placed if getattr(p.item, "key", None) in single)
    assert [f.kind for f in active.fields.values() if f.row_path[-1] == "行政事业性收费"] == [Kind.AMOUNT]
    assert spec.amount_unit == "万元"


def test_requests_table_has_three_other_rows_and_rowspan_22() -> None:
    v2019, v2021 = format_for_year(2020).table("requests"), format_for_year(2021).table("requests")
    spans = {
        spec_id: {p.item.text: p.rowspan for p in t.placed if isinstance(p.item, Label)}
        for spec_id, t in (("2019", v2019), ("2021", v2021))
    }
    assert spans["2019"]["三、本年度办理结果"] == 20
    assert spans["2021"]["三、本年度办理结果"] == 22
    assert spans["2021"]["（六）其他处理"] == 3
    assert [row[2] for row in logical_grid(v2021) if row[1] == "（六）其他处理"] == OTHER_2021
    # The 勾稽 and sum rules cover the new rows: （七）总计 sums all 21 result rows per column.
    rule = format_for_year(2021).total_fields[("requests", "total.natural")]
    assert len(rule.parts) == 21 and {"other_1.natural", "other_2.natural", "other_3.natural"} <= set(rule.parts)
    assert logical_grid(format_for_year(2021).table("appeals")) == logical_grid(format_for_year(2020).table("appeals"))


def test_example_is_consistent_and_mentions_processing_fees() -> None:
    report = read(INPUTS / "2021.xlsx", 2021)
    assert report.spec.id == "2021"
    assert validate(report) == []
    assert "信息处理费" in report.sections["other"].text
    assert "虚构" in report.sections["intro"].text  # the example says it is fictional
    assert all(v.is_number for vals in report.tables.values() for v in vals.values())


def _findings(capsys, *args: str) -> list[dict]:
    code = generate_main(["check", *args, "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    return out


def test_2021_rules_fire_on_the_real_workbook(tmp_path: Path, capsys) -> None:
    """F2 and F3 find the 2021 fields by their labels in a workbook, not only in test-built reports."""
    wb = load_workbook(INPUTS / "2021.xlsx")
    fee = next(c for row in wb["主动公开"].iter_rows() for c in row if c.value == "行政事业性收费")
    amount = wb["主动公开"].cell(fee.row, fee.column + 1)
    amount.value = 123500  # typed in 元 instead of 万元
    other = wb["其他事项"]
    for row in other.iter_rows(min_row=1):
        for c in row:
            if isinstance(c.value, str) and "信息处理费" in c.value:
                c.value = "无。"
    path = tmp_path / "2021.xlsx"
    wb.save(path)
    found = {(d["code"], d["cell"]) for d in _findings(capsys, "--year", "2021", "--input", str(path))}
    assert ("F3", amount.coordinate) in found
    assert any(code == "F2" for code, _ in found)


def _in_temp_cwd(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(INPUTS, tmp_path / "inputs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_generate_2021_end_to_end(tmp_path: Path, monkeypatch, capsys) -> None:
    _in_temp_cwd(tmp_path, monkeypatch)
    assert generate_main(["--year", "2021"]) == 0
    out = capsys.readouterr().out
    # inputs/2020.xlsx is another unit's (the seed), so at most a C0 note that nothing was compared.
    assert "错误 0 条，警告 0 条" in out or "校验完成：没有发现问题。" in out
    files = sorted((tmp_path / "outputs" / "2021").iterdir())
    assert [p.suffix for p in files] == [".docx", ".html"]
    assert all(p.stem == "示例县教育局2021年政府信息公开工作年度报告" for p in files)
    html, docx = files[1].read_text(encoding="utf-8"), files[0]

    # HTML: the 22-row 办理结果 label and the colspan-3 single-value cells with their numbers.
    assert re.search(r'<t[hd][^>]*rowspan="22"[^>]*>\s*三、本年度办理结果\s*<', html)
    report = read(INPUTS / "2021.xlsx", 2021)
    singles = {
        "行政许可": "license.decisions",
        "行政处罚": "penalty.decisions",
        "行政强制": "enforcement.decisions",
        "行政事业性收费": "fees.amount",
    }
    for label, key in singles.items():
        shown = report.value("active", key).display()
        assert re.search(rf'>\s*{label}\s*</t[hd]>\s*<td[^>]*colspan="3"[^>]*>\s*{re.escape(shown)}\s*<', html), label
    assert report.value("active", "fees.amount").number == Decimal("12.35")

    # DOCX: the same spans as gridSpan / vMerge.
    doc = Document(str(docx))
    rows = {}
    for table in doc.tables:
        for tr in table._tbl.tr_lst:
            tcs = tr.tc_lst
            texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tcs]
            rows.setdefault(texts[0], []).append((tcs, texts, table))
    for label, key in singles.items():
        ((tcs, texts, _),) = rows[label]
        span = tcs[1].tcPr.find(qn("w:gridSpan"))
        assert span is not None and span.get(qn("w:val")) == "3", label
        assert texts[1] == report.value("active", key).display()
    ((tcs, _, table),) = rows["三、本年度办理结果"]
    start = table._tbl.tr_lst.index(tcs[0].getparent())
    assert tcs[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    continued = 0
    for tr in table._tbl.tr_lst[start + 1 :]:
        vm = tr.tc_lst[0].tcPr.find(qn("w:vMerge"))
        if vm is None or vm.get(qn("w:val")) == "restart":
            break
        continued += 1
    assert continued == 21
