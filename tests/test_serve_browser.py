"""The clerk's whole path in a real browser (issue 15, item 6): blank workbook → fill → upload →
findings → fix → re-upload → DOCX and HTML; every page passes axe-core (WCAG 2.1 AA) and fits
1280 and 390 px without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import INPUTS, ROOT
from openpyxl.cell.cell import MergedCell
from serve_support import Server

from generator.cli import main as generate_main

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
WIDTHS = (1280, 390)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SOURCE = INPUTS / "2022" / "东山乡.xlsx"  # what the clerk types into the blank workbook


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "data")
    yield s
    assert s.stop() == 0


def fill(blank: Path, target: Path, error: bool) -> None:
    """Type the unit's figures and text into the blank workbook, as the clerk would."""
    wb = openpyxl.load_workbook(blank)
    src = openpyxl.load_workbook(SOURCE)
    for ws in wb.worksheets:
        s = src[ws.title]
        for r in range(1, max(ws.max_row, s.max_row) + 1):
            for c in range(1, max(ws.max_column, s.max_column) + 1):
                if not isinstance(ws.cell(r, c), MergedCell):
                    ws.cell(r, c).value = s.cell(r, c).value
    if error:
        ws = wb["申请情况"]
        ws["D7"] = (ws["D7"].value or 0) + 5  # 本年新收 no longer balances the results
    wb.save(target)


def check_page(page, what: str) -> None:
    """axe-core finds no WCAG 2.1 AA violation; neither width scrolls sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{what} at {width}px scrolls sideways by {overflow}px"
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async tags => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false});"
            " return r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).slice(0, 3)]); }",
            WCAG,
        )
        assert result == [], f"{what} at {width}px: {result}"


def test_the_clerks_whole_path(browser, server, tmp_path, monkeypatch):
    context = browser.new_context(accept_downloads=True, bypass_csp=True)  # bypass: to inject axe only
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(server.url)
        check_page(page, "the empty desk")
        page.select_option("#year", "2022")
        page.get_by_role("button", name="切换年度").click()
        assert page.url == f"{server.url}2022/"

        with page.expect_download() as dl:
            page.get_by_role("link", name="下载 2022 年度空白标准工作簿（2022.xlsx）").click()
        blank = tmp_path / "blank.xlsx"
        dl.value.save_as(blank)
        assert dl.value.suggested_filename == "2022.xlsx"

        wrong = tmp_path / "东山乡（初稿）.xlsx"
        fill(blank, wrong, error=True)
        page.set_input_files("#workbook", str(wrong))
        page.get_by_role("button", name="上传并校验").click()
        assert "/2022/submissions/" in page.url
        summary = page.locator("#summary").inner_text()
        assert summary.startswith("校验完成：错误") and "错误 0 条" not in summary
        first = page.locator(".finding.error").first.inner_text()
        assert "东山乡（初稿）.xlsx 申请情况!" in first and " 错误 " in first
        assert page.locator(".draft").count() == 1
        check_page(page, "the findings")

        right = tmp_path / "东山乡.xlsx"
        fill(blank, right, error=False)
        page.set_input_files("#workbook", str(right))
        page.get_by_role("button", name="上传并校验").click()
        assert page.locator("#summary").inner_text() == "校验完成：没有发现问题。"
        assert page.locator(".draft").count() == 0
        assert "上传记录（2 次）" in page.locator("#history").inner_text()
        frame = page.frame_locator("iframe.preview")
        assert "2022年政府信息公开工作年度报告" in frame.locator("h1").first.inner_text()
        check_page(page, "the clean report")
        desk_url = page.url
        page.goto(f"{desk_url}/preview")  # the report's own page, as framed in the desk
        check_page(page, "the report's web page")
        page.goto(desk_url)

        out = tmp_path / "cli"
        assert generate_main(["--year", "2022", "--input", str(right), "--output-dir", str(out)]) == 0
        for kind, label in (("docx", "下载 Word 文件（.docx）"), ("html", "下载网页（.html）")):
            with page.expect_download() as dl:
                page.get_by_role("link", name=label).click()
            got = tmp_path / f"got.{kind}"
            dl.value.save_as(got)
            (expected,) = (out / "2022").glob(f"*.{kind}")
            assert dl.value.suggested_filename == expected.name
            assert got.read_bytes() == expected.read_bytes()
        # the refusal page, too
        bad = tmp_path / "坏.xlsx"
        bad.write_bytes(b"not a workbook at all")
        page.set_input_files("#workbook", str(bad))
        page.get_by_role("button", name="上传并校验").click()
        assert "无法读取，没有保存" in page.locator("#refused").inner_text()
        check_page(page, "the refusal")
    finally:
        context.close()
    assert requests and all(u.startswith(server.url) for u in requests), [
        u for u in requests if not u.startswith(server.url)
    ]
