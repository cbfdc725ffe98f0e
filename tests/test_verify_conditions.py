"""verify uses what the document records it was checked against, and names what changed (issue 14, item 22)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rollup_support import ROOT, YEAR, county, set_cell, set_unit

from generator.cli import main
from generator.provenance import read_recorded, sha256_of


def _verify(capsys, document: Path, workbook: Path, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(document), "--input", str(workbook), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_batch_document_verifies_without_previous(tmp_path, monkeypatch, capsys):
    """batch finds last year's workbook in inputs/<Y-1>/; verify looks where the document says."""
    inputs = county(tmp_path)
    (inputs / str(YEAR - 1)).mkdir()
    last = inputs / str(YEAR - 1) / "教育局.xlsx"
    shutil.copy(ROOT / "inputs" / "2021.xlsx", last)
    monkeypatch.chdir(tmp_path)
    main(["batch", "--year", str(YEAR), "--jobs", "1"])
    document = next((tmp_path / "outputs" / str(YEAR) / "示例县教育局").glob("*.docx"))
    _, recorded = read_recorded(document)
    assert recorded["nianbao-previous-path"] == f"../{YEAR - 1}/教育局.xlsx"
    assert recorded["nianbao-previous-sha256"] == sha256_of(last)
    workbook = inputs / str(YEAR) / "教育局.xlsx"
    code, text = _verify(capsys, document, workbook)
    assert code == 0 and text.startswith("一致"), text
    # Last year's workbook edited afterwards: named as such, with both hashes.
    set_unit(last, "联系电话", "0597-1234567")
    code, text = _verify(capsys, document, workbook)
    assert code == 1 and "上一年度工作簿不同" in text and f"../{YEAR - 1}/教育局.xlsx" in text, text
    assert sha256_of(last) in text and "被修改过" in text.split("上一年度工作簿不同")[1]
    # …and removed: said to be missing.
    last.unlink()
    code, text = _verify(capsys, document, workbook)
    assert code == 1 and "现在找不到它" in text, text


def _government(tmp_path: Path, monkeypatch, capsys) -> tuple[Path, Path]:
    inputs = county(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["--year", str(YEAR)]) == 0
    capsys.readouterr()
    document = next((tmp_path / "outputs" / str(YEAR)).glob("*.html"))
    return inputs, document


def test_the_governments_report_names_changed_unit_workbooks_not_last_year(tmp_path, monkeypatch, capsys):
    inputs, document = _government(tmp_path, monkeypatch, capsys)
    _, recorded = read_recorded(document)
    assert recorded["nianbao-units-count"] == "14"  # 13 unit workbooks and the roster
    workbook = inputs / f"{YEAR}.xlsx"
    code, text = _verify(capsys, document, workbook)
    assert code == 0 and text.startswith("一致"), text
    set_cell(inputs / str(YEAR) / "教育局.xlsx", "申请情况", "D7", 99)  # the units' sum now differs (U1)
    code, text = _verify(capsys, document, workbook)
    assert code == 1 and "各单位工作簿已变化" in text, text
    assert "上一年度工作簿" not in text and "被修改过" not in text.replace("无法判断文件是否被修改过", "")
    # A unit workbook added: the count says so.
    shutil.copy(inputs / str(YEAR) / "财政局.xlsx", inputs / str(YEAR) / "财政局副本.xlsx")
    code, text = _verify(capsys, document, workbook)
    assert "生成时有 14 个文件，现在有 15 个文件" in text, text


def test_a_units_folder_that_appears_later_does_not_fail_a_report_made_without_one(tmp_path, monkeypatch, capsys):
    inputs = county(tmp_path)
    shutil.move(inputs / str(YEAR), tmp_path / "away")
    monkeypatch.chdir(tmp_path)
    assert main(["--year", str(YEAR)]) == 0
    document = next((tmp_path / "outputs" / str(YEAR)).glob("*.docx"))
    assert "nianbao-units-sha256" not in read_recorded(document)[1]
    shutil.move(tmp_path / "away", inputs / str(YEAR))
    code, text = _verify(capsys, document, inputs / f"{YEAR}.xlsx")
    assert code == 0 and text.startswith("一致"), text
