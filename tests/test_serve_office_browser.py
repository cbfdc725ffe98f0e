"""The collecting office's whole January in a real browser (issue 16, item 8): sign in → import the
example county's roster → print the links → three units upload (one with an 错误) → the desk shows
their states → 退回 with a note → the unit sees it and re-uploads → 已审核 → the roll-up download
equals `generate rollup`. Every page passes axe-core and fits 1280 and 390 px."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import sys

import openpyxl
import pytest
from conftest import INPUTS
from serve_support import Server
from test_serve_browser import check_page

from generator.cli import main as generate_main

COUNTY = INPUTS / "2022"
ROSTER = INPUTS / "2022-名单.xlsx"
PASSWORD = "示例县汇总 2023"
UNITS = {
    "示例县东山乡人民政府": "东山乡.xlsx",
    "示例县人民政府办公室": "县政府办.xlsx",
    "示例县西河镇人民政府": "西河镇.xlsx",
}
XIHE = "示例县西河镇人民政府"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--data", str(data), "--set-password", "--user", "张三"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    s = Server(data)
    yield s
    assert s.stop() == 0


def _cells(data: bytes) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb}


def test_the_offices_whole_january(browser, server, tmp_path, monkeypatch):
    office = browser.new_context(accept_downloads=True, bypass_csp=True)  # bypass: to inject axe only
    units = browser.new_context(accept_downloads=True, bypass_csp=True)  # the units' own browsers
    page, unit = office.new_page(), units.new_page()
    requests: list[str] = []
    for p in (page, unit):
        p.on("request", lambda r: requests.append(r.url))
    try:
        # sign in
        page.goto(f"{server.url}office/")
        assert page.locator("h1").inner_text() == "汇总单位登录"
        check_page(page, "the sign-in page")
        page.fill("#name", "张三")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.select_option("#office-year", "2022")
        page.get_by_role("button", name="切换").click()
        page.wait_for_url(f"{server.url}office/2022/")

        # the roster
        page.get_by_role("link", name="名单").click()
        page.set_input_files("#roster", str(ROSTER))
        page.get_by_role("button", name="导入名单").click()
        assert "新增 14 个单位" in page.locator("[role=alert]").inner_text()
        check_page(page, "the roster")

        # the links, printed on one page
        page.get_by_role("link", name="填报链接").click()
        page.get_by_role("button", name=re.compile("为全部 14 个单位生成新链接")).click()
        # the answer is a new page: wait for it, not for the rows of the page the click left
        page.locator("table.links tbody tr code.link").nth(13).wait_for()
        links = {}
        for row in page.locator("table.links tbody tr").all():
            links[row.locator("th").inner_text()] = row.locator("code.link").inner_text()
        assert len(links) == 14 and all(u.startswith(f"{server.url}u/") for u in links.values())
        check_page(page, "the links page")

        # three units upload; 西河镇's has an 错误
        for name, file in UNITS.items():
            unit.goto(links[name])
            assert name in unit.locator(".unit-name").inner_text()
            unit.set_input_files("#workbook", str(COUNTY / file))
            unit.get_by_role("button", name="上传并校验").click()
            unit.wait_for_url(re.compile(r"/submissions/"))
        assert "错误 1 条" in unit.locator("#summary").inner_text()
        check_page(unit, "a unit's desk")

        # the desk shows their states
        page.get_by_role("link", name="审核台").click()
        status = {
            r.locator("th").inner_text(): r.locator("td.status").inner_text()
            for r in page.locator("tr.status-row").all()
        }
        assert status[XIHE] == "有错误" and status["示例县东山乡人民政府"] == "通过"
        assert status["示例县人民政府办公室"] == "通过" and status["示例县审计局"] == "缺报"
        check_page(page, "the review desk")

        # 退回 with a note
        page.get_by_role("link", name=XIHE).click()
        check_page(page, "a unit at the desk")
        note = "“总体情况”第 1 段还有占位文字“××”，请改为本镇名称后重新上传。"
        page.fill("#note", note)
        page.get_by_role("button", name="退回").click()
        assert "退回：张三" in page.locator(".decision").first.inner_text()

        # the unit sees the note and re-uploads
        unit.goto(links[XIHE])
        assert note in unit.locator("#office-note ~ .decision, .decision").first.inner_text()
        check_page(unit, "a unit's desk with the office's note")
        fixed = tmp_path / "西河镇（改正）.xlsx"
        wb = openpyxl.load_workbook(COUNTY / UNITS[XIHE])
        wb["总体情况"]["A5"] = wb["总体情况"]["A5"].value.replace("××", "西河镇")
        wb.save(fixed)
        unit.set_input_files("#workbook", str(fixed))
        unit.get_by_role("button", name="上传并校验").click()
        assert unit.locator("#summary").inner_text() == "校验完成：没有发现问题。"
        assert "等待汇总单位审核" in unit.locator("#office-note").locator("..").inner_text()

        # 已审核
        page.goto(f"{server.url}office/2022/")
        row = page.locator("tr.status-row", has=page.get_by_role("link", name=XIHE))
        assert row.locator("td.status").inner_text() == "通过"
        page.get_by_role("link", name=XIHE).click()
        page.get_by_role("button", name="已审核").click()
        assert "已审核：张三" in page.locator(".decision").last.inner_text()
        page.goto(f"{server.url}office/2022/?decision=已审核")
        assert [r.locator("th").inner_text() for r in page.locator("tr.status-row").all()] == [XIHE]

        # the roll-up download equals generate rollup on the same workbooks
        page.goto(f"{server.url}office/2022/")
        with page.expect_download() as dl:
            page.get_by_role("link", name="汇总工作簿.xlsx").click()
        got = tmp_path / "got.xlsx"
        dl.value.save_as(got)
        assert dl.value.suggested_filename == "2022-汇总工作簿.xlsx"

        # the government's own report page
        page.get_by_role("link", name="本级政府报告").click()
        page.set_input_files("#workbook", str(INPUTS / "2022.xlsx"))
        page.get_by_role("button", name="上传本级政府工作簿").click()
        assert "U1" in page.locator("#own-check ~ section").first.inner_text()
        check_page(page, "the government's own report")
    finally:
        office.close()
        units.close()
    assert requests and all(u.startswith(server.url) for u in requests)
    folder = tmp_path / "cli"
    (folder / "单位").mkdir(parents=True)
    for name, file in UNITS.items():
        source = fixed if name == XIHE else COUNTY / file
        (folder / "单位" / f"{name}.xlsx").write_bytes(source.read_bytes())
    monkeypatch.chdir(tmp_path)
    code = generate_main(
        ["rollup", "--year", "2022", "--units", str(folder / "单位"), "--roster", str(ROSTER), "--output-dir", "out"]
    )
    assert code == 1  # eleven units still missing
    assert _cells(got.read_bytes()) == _cells((tmp_path / "out" / "2022" / "汇总" / "汇总工作簿.xlsx").read_bytes())


def test_first_account_in_the_browser(browser, tmp_path):
    """The one-time code printed at the first start → /office/setup → signed in; those pages pass axe."""
    server = Server(tmp_path / "data")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        code = None
        for _ in range(5):
            m = re.search(r"一次性代码 ([0-9a-f]{12}) ", server.proc.stdout.readline())
            if m:
                code = m.group(1)
                break
        assert code
        page.goto(f"{server.url}office/")
        page.get_by_role("link", name="设置第一个账号").click()
        check_page(page, "the setup page")
        page.fill("#code", code)
        page.fill("#name", "李四")
        page.fill("#password", PASSWORD)
        page.fill("#again", PASSWORD)
        page.get_by_role("button", name="设置").click()
        assert "已设置“李四”的密码" in page.locator("[role=alert]").inner_text()
        page.fill("#name", "李四")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{server.url}office/2022/download/rollup.xlsx")  # nothing to sum yet: a message page
        assert "还没有可以汇总" in page.locator("[role=alert]").inner_text()
        check_page(page, "the office's message page")
        page.goto(f"{server.url}u/{'x' * 43}/")  # a link that does not exist
        assert "无效或已被收回" in page.locator("main").inner_text()
        check_page(page, "a refused link")
    finally:
        context.close()
        assert server.stop() == 0


# Line boxes of each cell's text in the desk's table and the upload histories (found by their
# captions), and the width of each row's name (unit or file) in characters.
_DESK_CELLS = """() => {
  const em = parseFloat(getComputedStyle(document.body).fontSize);
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; };
  const tables = Array.from(document.querySelectorAll('table')).filter(t =>
    t.classList.contains('desk') || /上传/.test(t.caption ? t.caption.textContent : ''));
  const heads = t => Array.from(t.querySelectorAll('thead th')).map(th => th.textContent.trim());
  const rows = tables.flatMap(t => Array.from(t.querySelectorAll('tbody tr')).map(tr => [t, tr]));
  return {
    broken: rows.flatMap(([t, tr]) => Array.from(tr.children)
      .filter((c, i) => c.tagName == 'TD' && heads(t)[i] != '文件' && c.textContent.trim() && lines(c) > 1)
      .map(c => c.textContent.trim())),
    headers: tables.flatMap(t => Array.from(t.querySelectorAll('thead th'))
      .filter(th => lines(th) > th.textContent.trim().split(/\\s+/).length).map(th => th.textContent.trim())),
    narrowest_name: Math.min(...rows.map(([t, tr]) => tr.children[Math.max(0, heads(t).indexOf('文件'))].clientWidth / em)),
  };
}"""


def test_the_desk_stays_readable_on_a_phone(browser, server, tmp_path):
    """At 390 px the desk's table scrolls in its own box; no figure, time or heading is broken
    into one character per line (QA: 12-08 00:43 and 示例县人民政府办公室 stood one character a line)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server.url}office/login")
        page.fill("#name", "张三")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator("#office-year").wait_for()  # signed in: the office's page has come
        page.goto(f"{server.url}office/2022/roster")
        page.set_input_files("#roster", str(ROSTER))
        page.get_by_role("button", name="导入名单").click()
        page.locator("[role=alert]").wait_for()  # the import has answered
        page.goto(f"{server.url}office/2022/links")
        page.get_by_role("button", name=re.compile("为全部 14 个单位生成新链接")).click()
        link = page.locator("table.links tbody tr", has_text="示例县人民政府办公室").locator("code.link").inner_text()
        page.goto(link)
        long_name = tmp_path / ("示例县人民政府办公室2022年政府信息公开工作年度报告（第三次修改稿）" * 2 + ".xlsx")
        long_name.write_bytes((COUNTY / "县政府办.xlsx").read_bytes())
        page.set_input_files("#workbook", str(long_name))
        page.get_by_role("button", name="上传并校验").click()
        page.wait_for_url(re.compile(r"/submissions/"))
        unit_page = page.url
        for width, url in itertools.product((1280, 390), (unit_page, f"{server.url}office/2022/units/1")):
            # the upload history, on the unit's page and the office's: the time, counts and hash stay whole
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            cells = page.evaluate(_DESK_CELLS)
            assert cells["broken"] == [] and cells["headers"] == [], (width, cells)
            assert cells["narrowest_name"] >= 6, (width, cells)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{server.url}office/2022/")
            cells = page.evaluate(_DESK_CELLS)
            assert cells["broken"] == [] and cells["headers"] == [], (width, cells)
            assert cells["narrowest_name"] >= 6, (width, cells)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()
