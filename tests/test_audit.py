"""generate audit writes the review the roll-up writes (审核表.xlsx, 审核.html): one row per
published report with its year, status, counts and headline figures, every finding listed."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import test_import_real as real
from conftest import ROOT

from generator.cli import main

PUBLISHED = ROOT / "tests" / "data" / "published"
UNREADABLE = "损坏的报告.docx"


@dataclass
class Audited:
    folder: Path
    out: Path
    code: int
    stdout: str
    overview: list[dict[str, object]]
    findings: list[dict[str, object]]


def _rows(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _copy_generated(generated, folder: Path) -> None:
    for year, gen in generated.items():
        shutil.copy(gen.html, folder / f"{year}.html")
        shutil.copy(gen.docx, folder / f"{year}.docx")


@pytest.fixture(scope="module")
def audited(generated, tmp_path_factory) -> Audited:
    """The real published pages, the report of every example year as HTML and DOCX, a broken file."""
    folder = tmp_path_factory.mktemp("reports")
    for page in PUBLISHED.glob("*.html"):
        shutil.copy(page, folder / page.name)
    _copy_generated(generated, folder)
    (folder / UNREADABLE).write_bytes(b"PK\x03\x04 not really a Word file")
    out = tmp_path_factory.mktemp("out")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", str(folder), "--output-dir", str(out), "--jobs", "2"])
    wb = openpyxl.load_workbook(out / "审核" / "审核表.xlsx")
    return Audited(folder, out, code, buf.getvalue(), _rows(wb["概况"]), _rows(wb["问题清单"]))


def _by_file(audited: Audited) -> dict[str, dict[str, object]]:
    return {Path(str(r["文件"])).name: r for r in audited.overview}


def _check_errors(year: int, capsys) -> Counter:
    """The 错误 `generate check` finds in the example workbook the report was generated from."""
    main(["check", "--year", str(year), "--input", str(ROOT / "inputs" / f"{year}.xlsx"), "--format", "json"])
    return Counter(
        (d["code"], d["row_label"], d["col_label"])
        for d in json.loads(capsys.readouterr().out)
        if d["severity"] == "错误"
    )


def test_one_row_per_report_with_its_year_status_and_counts(audited: Audited, generated, capsys) -> None:
    rows = _by_file(audited)
    expected_files = {p.name for p in PUBLISHED.glob("*.html")} | {UNREADABLE}
    expected_files |= {f"{y}.{k}" for y in generated for k in ("html", "docx")}
    assert sorted(rows) == sorted(expected_files) and len(audited.overview) == len(expected_files)
    assert list(audited.overview[0])[:4] == ["序号", "单位名称", "年度", "状态"]
    assert "纳入汇总" not in audited.overview[0] and "类别" not in audited.overview[0]
    for year in generated:
        # nianbao's own report, read back from the page or the Word file, has exactly the 错误
        # that `generate check` finds in its workbook, and a draft (made with 错误) is one more.
        errors = _check_errors(year, capsys)
        draft = 1 if errors else 0
        docx, html = rows[f"{year}.docx"], rows[f"{year}.html"]
        listed = [f for f in audited.findings if Path(str(f["文件"])).name == f"{year}.docx"]
        assert docx["年度"] == html["年度"] == year
        assert docx["状态"] == ("有错误" if errors else "通过")
        assert docx["错误"] == sum(errors.values()) + draft
        assert [f["代码"] for f in listed if f["代码"] == "I035"] == ["I035"] * draft
        own = Counter((f["代码"], *_labels(f, errors)) for f in listed if f["严重程度"] == "错误" and f["代码"] != "I035")
        assert own == errors
        assert docx["警告"] == sum(1 for f in listed if f["严重程度"] == "警告")
        # The same document as the DOCX found first: 重复, named, not counted again, its findings not repeated.
        assert html["状态"] == "重复" and f"{year}.docx" in str(html["说明"]), html
        assert (html["错误"], html["警告"]) == (0, 0)
        assert not [f for f in audited.findings if Path(str(f["文件"])).name == f"{year}.html"]
    # The real pages: the figures typed by hand from them; the blank cells they leave are 错误.
    shuyang, shanghai = rows["shuyang-fgj-2023.html"], rows["shanghai-bgt-2019.html"]
    assert (shuyang["单位名称"], shuyang["年度"]) == ("沭阳县发展和改革局", 2023)
    assert (shuyang["本年新收"], shuyang["办理结果总计"]) == (real.REQUEST_ROWS["new"], real.REQUEST_ROWS["total"])
    assert shuyang["行政复议 总计"] == real.APPEALS["review.total"]
    assert (shanghai["单位名称"], shanghai["年度"]) == ("上海市人民政府办公厅", 2019)
    assert shanghai["本年新收"] == real.SHANGHAI_REQUESTS["new"][-1]
    assert shanghai["办理结果总计"] == real.SHANGHAI_REQUESTS["total"][-1]
    for row in (shuyang, shanghai):
        codes = {f["代码"] for f in audited.findings if f["文件"] == row["文件"]}
        assert row["状态"] == "有错误" and "V2" in codes
    # The broken file: unreadable, its refusal as the one finding and as the row's note.
    broken = rows[UNREADABLE]
    listed = [f for f in audited.findings if f["文件"] == broken["文件"]]
    assert (broken["状态"], broken["错误"], broken["年度"], broken["本年新收"]) == ("无法读取", 1, None, None)
    assert len(listed) == 1 and listed[0]["说明"] == broken["说明"] and "Word" in str(broken["说明"])
    # Every finding of every report is listed, and the terminal says the same per report.
    assert len(audited.findings) == sum(out.count("\n  ") for out in audited.stdout.split("【")[1:]), (
        "问题清单 and the terminal list different findings"
    )
    assert audited.code == 1


def _labels(f: dict[str, object], errors: Counter) -> tuple[object, object]:
    """问题清单 joins row and column labels in one 项目 cell; split it back as check reports them."""
    for _, row, col in errors:
        if f["项目"] == " ".join(x for x in (row, col) if x):
            return row, col
    return f["项目"], None


def test_json_gives_one_object_per_report_and_writes_the_same_review(audited: Audited, tmp_path, capsys) -> None:
    out = tmp_path / "json"
    code = main(["audit", str(audited.folder), "--output-dir", str(out), "--format", "json", "--jobs", "1"])
    captured = capsys.readouterr()
    reports = json.loads(captured.out)
    assert code == audited.code == 1
    assert {Path(r["file"]).name: (r["status"], r["errors"], r["year"]) for r in reports} == {
        name: (row["状态"], row["错误"], row["年度"]) for name, row in _by_file(audited).items()
    }
    assert all(f["code"] and f["severity"] for r in reports for f in r["findings"])
    # The HTML of a report whose DOCX came first names it, for a program as for the reviewer.
    dups = {Path(r["file"]).name: Path(r["duplicate_of"]).name for r in reports if r["status"] == "重复"}
    assert dups and all(a == b.replace(".docx", ".html") for a, b in dups.items())
    assert "已生成" in captured.err and (out / "审核" / "审核.html").is_file()


def test_exit_0_when_every_report_passes_and_2_when_none_is_found(generated, tmp_path, capsys) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    _copy_generated({y: g for y, g in generated.items() if y != 2020}, clean)  # 2020 is the seed, with its errors
    assert main(["audit", str(clean), "--output-dir", str(tmp_path / "o1"), "--jobs", "1"]) == 0
    assert (tmp_path / "o1" / "审核" / "审核表.xlsx").is_file()
    out = capsys.readouterr().out
    assert f"共 {len(generated) - 1} 份报告" in out and f"另有 {len(generated) - 1} 个文件与其中的报告重复" in out
    # A review page nianbao wrote (this audit's, or a rollup's 汇总/审核.html) is not a report:
    # skipped and named, never an unreadable report (I004) nor a reason for exit 1.
    page = (tmp_path / "o1" / "审核" / "审核.html").read_text(encoding="utf-8")
    (clean / "汇总").mkdir()
    (clean / "汇总" / "审核.html").write_text(page, encoding="utf-8")
    old = page.replace('<meta name="nianbao-page" content="review">', "")
    (clean / "旧").mkdir()
    (clean / "旧" / "审核.html").write_text(old, encoding="utf-8")  # written before the marker existed
    assert main(["audit", str(clean), "--output-dir", str(tmp_path / "o3"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("是本程序写出的审核页面，不是年度报告，已跳过") == 2 and "I004" not in out
    assert f"共 {len(generated) - 1} 份报告" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "说明.txt").write_text("没有报告", encoding="utf-8")
    assert main(["audit", str(empty), "--output-dir", str(tmp_path / "o2")]) == 2
    assert "没有找到要核查的报告" in capsys.readouterr().err
    assert not (tmp_path / "o2").exists()
    # Never into the folder being audited: its own 审核.html would be audited next time.
    assert main(["audit", str(clean), "--output-dir", str(clean)]) == 2
    assert "--output-dir" in capsys.readouterr().err and not (clean / "审核").exists()


def test_the_audit_page_opens_in_chromium_and_filters_by_status(audited: Audited, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((audited.out / "审核" / "审核.html").as_uri())
    files = "cells => cells.map(c => c.textContent.trim().split('/').pop())"
    visible = "#review tbody:not([hidden]) tr.unit td.file"
    try:
        assert "核查" in page.title() and "汇总" not in page.inner_text("h1")
        assert page.inner_text("thead").split()[:5] == ["序号", "单位名称", "年度", "格式", "状态"]
        assert len(page.eval_on_selector_all(visible, files)) == len(audited.overview)
        by_status = Counter(str(r["状态"]) for r in audited.overview)
        for status, n in by_status.items():
            page.click(f".filters button[data-status='{status}']")
            shown = page.eval_on_selector_all(visible, files)
            assert sorted(shown) == sorted(Path(str(r["文件"])).name for r in audited.overview if r["状态"] == status)
            assert len(shown) == n
        page.click(".filters button[data-status='无法读取']")
        page.click(f"tr.unit button:has-text('{UNREADABLE}')")
        assert "I002" in page.inner_text("tbody:not([hidden]) tr.findings")
        assert errors == []
    finally:
        page.close()
