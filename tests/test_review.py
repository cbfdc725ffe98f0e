"""The review module's two writers: the 审核表 workbook and the 审核.html page (in Chromium)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest import ROOT

from generator.diagnostics import Diagnostic, Severity
from generator.review import (
    Entry,
    Provenance,
    ProvenanceColumn,
    Review,
    Status,
    write_review_page,
    write_review_workbook,
)

SCREENSHOTS = ROOT / "outputs" / "screenshots"


def _review() -> Review:
    err = Diagnostic(
        "T3-2",
        Severity.ERROR,
        "“（七）总计”应为 20，实际填写 23。",
        "b.xlsx",
        "申请情况",
        "D28",
        "（七）总计",
        "自然人",
        expected=20,
        actual=23,
    )
    warn = Diagnostic("N1", Severity.WARNING, "正文写 <b>25</b> 件。", "b.xlsx", "总体情况", "A29")
    entries = [
        Entry("甲局", Status.PASSED, "部门", "units/a.xlsx", [], {"本年新收": "3", "办理结果总计": "3"}, True),
        Entry("乙镇", Status.ERRORS, "乡镇（街道）", "units/b.xlsx", [err, warn], {"本年新收": "12"}, True, "照汇总"),
        Entry("丙局", Status.MISSING, "部门", note="名单中有，没有工作簿。"),
        Entry(
            "丁局",
            Status.UNREADABLE,
            "",
            "units/~$丁.xlsx",
            [Diagnostic("R002", Severity.ERROR, "这不是 Excel 工作簿")],
        ),
    ]
    prov = Provenance(
        [ProvenanceColumn("申请情况", "J7", "一、本年新收 总计", "15")], [("甲局", (3,)), ("乙镇", (12,))]
    )
    return Review("测试县 2022 年度 汇总审核", entries, prov, "找到 3 个文件。")


def test_the_review_workbook_has_frozen_filtered_readable_sheets(tmp_path):
    path = tmp_path / "审核表.xlsx"
    write_review_workbook(path, _review())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概况", "问题清单", "数据来源"]
    overview, findings, prov = wb["概况"], wb["问题清单"], wb["数据来源"]
    for ws in (overview, findings):
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
        assert all((ws.column_dimensions[c].width or 0) >= 6 for c in "ABCDEF")
    rows = list(overview.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "单位名称", "类别", "状态", "纳入汇总", "错误", "警告")
    assert [r[3] for r in rows[1:]] == ["通过", "有错误", "缺报", "无法读取"]
    assert rows[2][5:8] == (1, 1, 12)  # 错误, 警告, 本年新收 as a number
    found = list(findings.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[4]) for r in found] == [
        ("乙镇", "T3-2", "错误", "申请情况!D28"),
        ("乙镇", "N1", "警告", "总体情况!A29"),
        ("丁局", "R002", "错误", None),
    ]
    assert found[0][7:] == ("20", "23")
    assert [r for r in prov.iter_rows(values_only=True)] == [
        ("位置", "申请情况!J7"),
        ("汇总结果", 15),
        ("单位名称 ＼ 项目", "一、本年新收 总计"),
        ("甲局", 3),
        ("乙镇", 12),
    ]


def _visible_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "#review tbody:not([hidden]) tr.unit td:nth-child(2)", "cells => cells.map(c => c.textContent.trim())"
    )


def test_the_review_page_filters_sorts_and_opens_each_unit(browser, tmp_path):
    path = tmp_path / "审核.html"
    write_review_page(path, _review())
    text = path.read_text(encoding="utf-8")
    assert "<b>25</b>" not in text and "&lt;b&gt;25&lt;/b&gt;" in text  # workbook text is escaped
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(Path(path).as_uri())
    try:
        assert [u for u in requests if not u.startswith("file://")] == []
        assert _visible_names(page) == ["甲局", "乙镇", "丙局", "丁局"]
        # Filter by status.
        page.click(".filters button[data-status='缺报']")
        assert _visible_names(page) == ["丙局"]
        page.click(".filters button[data-status='']")
        assert len(_visible_names(page)) == 4
        # Sort by 错误, most first.
        page.click("th[data-key='errors']")
        page.click("th[data-key='errors']")
        assert _visible_names(page)[:2] in (["乙镇", "丁局"], ["丁局", "乙镇"])
        assert page.get_attribute("th[data-key='errors']", "aria-sort") == "descending"
        # Each unit opens to its findings.
        findings = page.locator("#f2")
        assert not findings.is_visible()
        page.click("tr.unit button:has-text('乙镇')")
        assert findings.is_visible()
        assert "T3-2 错误" in findings.inner_text() and "申请情况!D28" in findings.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
        page.click("tr.unit button:has-text('乙镇')")
        assert not findings.is_visible()
        assert errors == []
    finally:
        page.close()


def test_an_entry_for_any_source_of_reports():
    """What audit (published reports) feeds the same writers: status from the findings, headline figures."""
    from conftest import INPUTS

    from generator.formats import format_for_year
    from generator.review import Entry
    from generator.workbook import read_workbook

    report, _ = read_workbook(INPUTS / "2021.xlsx", format_for_year(2021), 2021)
    ok = Entry.of_report(report, "https://example.gov.cn/a.html", [])
    assert (ok.name, ok.status, ok.figures["本年新收"]) == ("示例县教育局", Status.PASSED, "28")
    bad = Entry.of_report(None, "b.html", [Diagnostic("I010", Severity.ERROR, "无法导入")])
    assert (bad.name, bad.status, bad.errors, bad.figures) == ("b.html", Status.UNREADABLE, 1, {})


def _open(browser, path: Path):
    """A page in its own context: axe-core is injected past the page's Content-Security-Policy."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return context, page, errors


def test_numbers_sort_as_numbers_and_the_rollup_row_stands_apart(browser, tmp_path):
    """Issue 14, item 25: −3 came before −20 ascending; the roll-up's own row was counted among the
    units' statuses and filters. It is shown apart; the counts and filters are the units'."""
    figures = ["-3", "-20", "5", "12.5", "（空白）", "100"]
    entries = [
        Entry(f"单位{i}", Status.PASSED if i % 2 else Status.ERRORS, "部门", f"u{i}.xlsx", figures={"本年新收": f})
        for i, f in enumerate(figures)
    ]
    own = Entry("示例县（汇总）", Status.ERRORS, "本级汇总", "汇总.xlsx", figures={"本年新收": "121"}, aggregate=True)
    review = Review("测试县 汇总审核", [own, *entries])
    assert review.counts() == {Status.PASSED: 3, Status.ERRORS: 3}
    path = tmp_path / "审核.html"
    write_review_page(path, review)
    context, page, errors = _open(browser, path)
    try:
        assert page.inner_text(".filters button[data-status='']") == "全部 6"
        assert page.inner_text(".filters button[data-status='有错误']") == "有错误 3"
        assert _visible_names(page) == [e.name for e in entries], "the roll-up row is not among the units"
        assert "示例县（汇总）" in page.inner_text("#own")
        page.click("th[data-key='fig0']")
        assert _visible_names(page) == ["单位1", "单位0", "单位2", "单位3", "单位5", "单位4"]
        page.click("th[data-key='fig0']")
        assert _visible_names(page) == ["单位5", "单位3", "单位2", "单位0", "单位1", "单位4"]  # text last
        page.click(".filters button[data-status='有错误']")
        assert sorted(_visible_names(page)) == ["单位0", "单位2", "单位4"]
        assert page.locator("#own tbody").is_visible(), "the roll-up row is not filtered away"
        assert errors == []
    finally:
        context.close()


def test_the_review_page_passes_axe_core(browser, tmp_path):
    """Issue 14, item 25: a main landmark, every content in a landmark: axe-core, best practice
    included, finds nothing, before and after a unit's findings are opened."""
    from axe import axe_violations

    from generator.review import Skipped

    review = _review()
    review.entries = [Entry("示例县（汇总）", Status.PASSED, "本级汇总", "汇总.xlsx", aggregate=True), *review.entries]
    review.skipped = [Skipped("units/说明.txt", "不是报告文件，没有读取。")]
    path = tmp_path / "审核.html"
    write_review_page(path, review)
    context, page, _ = _open(browser, path)
    try:
        assert page.locator("main h1").count() == 1
        assert axe_violations(page) == []
        page.click("tr.unit button:has-text('乙镇')")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_rollup_duplicates_name_one_other_copy(tmp_path, capsys):
    """Issue 14, item 17, roll-up side: each of many copies of a unit's workbook once listed every other."""
    import shutil

    from conftest import INPUTS

    from generator.cli import main

    units = tmp_path / "units"
    units.mkdir()
    for i in range(12):
        shutil.copy(INPUTS / "2022" / "教育局.xlsx", units / f"教育局{i:02d}.xlsx")
    main(["rollup", "--year", "2022", "--units", str(units), "--output-dir", str(tmp_path / "out"), "--jobs", "1"])
    capsys.readouterr()
    (review,) = (tmp_path / "out").rglob("审核表.xlsx")
    rows = list(openpyxl.load_workbook(review)["概况"].iter_rows(values_only=True))
    notes = [str(r[-1]) for r in rows[1:] if r[3] == "重复"]
    assert len(notes) == 12
    assert all(n.count(".xlsx") == 1 and "共 12 个文件" in n for n in notes), notes[:2]
