"""generate audit writes the review the roll-up writes (审核表.xlsx, 审核.html): one row per
published report with its year, status, counts and headline figures, every finding listed."""

from __future__ import annotations

import contextlib
import io
import json
import re
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
        own = Counter(
            (f["代码"], *_labels(f, errors)) for f in listed if f["严重程度"] == "错误" and f["代码"] != "I035"
        )
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
    from axe import axe_violations

    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
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
        assert axe_violations(page) == []  # issue 14, item 25: landmarks, best practice included
    finally:
        context.close()


def _audit(folder: Path, out: Path, *extra: str) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", str(folder), "--output-dir", str(out), "--jobs", "1", *extra])
    return code, buf.getvalue()


def _overview(out: Path) -> dict[str, dict[str, object]]:
    wb = openpyxl.load_workbook(out / "审核" / "审核表.xlsx")
    return {Path(str(r["文件"])).name: r for r in _rows(wb["概况"])}


def test_a_copy_whose_text_differs_is_no_duplicate_and_keeps_its_own_status(generated, tmp_path) -> None:
    """Issue 14, item 7: the DOCX and the HTML of one report, the HTML's text changed to hold a
    template placeholder (L1 错误): the same figures, but not the same document."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(generated[2021].docx, folder / "a.docx")
    page = generated[2021].html.read_text(encoding="utf-8")
    changed = page.replace("<p>本年度", "<p>××本年度", 1)
    assert changed != page
    (folder / "b.html").write_text(changed, encoding="utf-8")
    code, out = _audit(folder, tmp_path / "out")
    rows = _overview(tmp_path / "out")
    assert rows["a.docx"]["状态"] == "通过"
    assert rows["b.html"]["状态"] == "有错误" and rows["b.html"]["错误"] >= 1, rows["b.html"]
    assert "L1" in out and "重复" not in out and code == 1
    # The very same document twice stays one report: the second copy is 重复, naming the first.
    shutil.copy(generated[2021].html, folder / "c.html")
    code, out = _audit(folder, tmp_path / "out2")
    rows = _overview(tmp_path / "out2")
    assert rows["c.html"]["状态"] == "重复" and "a.docx" in str(rows["c.html"]["说明"])


def test_a_draft_nianbao_made_is_an_error_in_audit(tmp_path) -> None:
    """Issue 14, item 8: the workbook had a 错误 that the published text does not show (单位层级
    left blank), so the document is a draft; audit must not pass it."""
    wb = openpyxl.load_workbook(ROOT / "inputs" / "2021.xlsx")
    ws = wb["单位信息"]
    (row,) = [r for r in range(1, 20) if ws.cell(r, 1).value == "单位层级"]
    ws.cell(row, 2).value = None
    wb.save(tmp_path / "2021.xlsx")
    made = tmp_path / "made"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["--year", "2021", "--input", str(tmp_path / "2021.xlsx"), "--output-dir", str(made)])
    folder = tmp_path / "reports"
    folder.mkdir()
    (docx,) = made.rglob("*.docx")
    shutil.copy(docx, folder / "draft.docx")
    code, out = _audit(folder, tmp_path / "out")
    row = _overview(tmp_path / "out")["draft.docx"]
    assert row["状态"] == "有错误" and row["错误"] == 1 and code == 1
    assert "I035 错误" in out and "草稿" in out


def test_every_file_and_folder_found_is_read_or_listed_with_its_reason(generated, tmp_path, monkeypatch) -> None:
    """Issue 14, item 12: PDF (while no PDF reader is present), .mht, .doc, .wps and other files,
    a folder that cannot be opened, a broken link and a pipe are each named with the reason."""
    import os

    from generator.importer import audit as audit_module
    from generator.importer.report import SUFFIXES

    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "locked").mkdir()
    (folder / "page_files").mkdir()
    (folder / "page_files" / "style.css").write_text("p{}", encoding="utf-8")
    shutil.copy(generated[2021].docx, folder / "sub" / "a.docx")
    linked = tmp_path / "elsewhere"
    linked.mkdir()
    shutil.copy(generated[2022].docx, linked / "b.docx")
    (folder / "linked").symlink_to(linked, target_is_directory=True)
    (folder / "broken").symlink_to(tmp_path / "nothing-here.docx")
    os.mkfifo(folder / "pipe.html")
    for name in ("r.pdf", "r.mht", "r.doc", "r.wps", "说明.txt"):
        (folder / name).write_bytes(b"%PDF-1.4" if name.endswith(".pdf") else b"x")
    scandir = os.scandir

    def refusing(path):  # root reads every folder: refuse one as a locked folder would be
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(audit_module.os, "scandir", refusing)
    code, out = _audit(folder, tmp_path / "out")
    said = {line.split()[0].removeprefix("跳过："): line for line in out.splitlines() if line.startswith("跳过：")}
    expected = {
        "locked": "无法打开文件夹",
        "page_files": "附带的图片",
        "broken": "符号链接",
        "pipe.html": "不是普通文件",
        "r.mht": ".mht",
        "r.doc": "旧版 Word（.doc）",
        "r.wps": "WPS 文字（.wps）",
        "说明.txt": "不是报告文件",
    }
    if ".pdf" not in SUFFIXES:  # a PDF is read once a PDF reader is there (issue 17)
        expected["r.pdf"] = "PDF"
    assert sorted(Path(p).name for p in said) == sorted(expected)
    assert all(expected[Path(p).name] in line for p, line in said.items()), said
    rows = _overview(tmp_path / "out")
    assert {"a.docx", "b.docx"} <= set(rows), "a sub-folder and a linked folder are read"
    page = (tmp_path / "out" / "审核" / "审核.html").read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(tmp_path / "out" / "审核" / "审核表.xlsx")
    listed = list(wb["未读取"].iter_rows(min_row=2, values_only=True))
    assert sorted(Path(p).name for p, _ in listed) == sorted(expected)
    assert all(str(p) in page for p, _ in listed)


def test_findings_name_the_place_in_the_published_document(audited: Audited, tmp_path, capsys) -> None:
    """Issue 17, item 3: a reviewer has the page, not a workbook: every finding of an imported report
    names the table (表二/表三/表四) with its row and column labels, or the part and the start of
    the paragraph; never a workbook cell. The command line and the JSON say the same."""
    cell = re.compile(r"[A-Z]{1,3}\d+")
    tables = {"表二", "表三", "表四"}
    parts = {"引言", "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "标题、引言和落款"}
    places = [str(f["位置"] or "") for f in audited.findings]
    assert not [p for p in places if "!" in p or cell.fullmatch(p)], "a workbook cell named to a reviewer"
    # The real pages' table findings name their table, and each paragraph finding its part and first words.
    shanghai = [f for f in audited.findings if str(f["文件"]).endswith("shanghai-bgt-2019.html")]
    assert {str(f["位置"]) for f in shanghai if f["代码"] == "V2"} == {"表三", "表四"}
    prose = [f for f in shanghai if f["代码"].startswith("N")]
    assert prose and all(re.fullmatch(r"一、总体情况 第 \d+ 段「.+」", str(f["位置"])) for f in prose), prose
    table_rules = [f for f in audited.findings if str(f["代码"]).startswith(("T", "V"))]
    assert all(str(f["位置"]).split()[0] in tables for f in table_rules)
    assert all(str(f["位置"]).split(" 第")[0] in tables | parts for f in audited.findings if f["位置"])
    # The terminal and the JSON: the same place for the same finding.
    main(["audit", str(audited.folder), "--output-dir", str(tmp_path / "j"), "--format", "json", "--jobs", "1"])
    reports = json.loads(capsys.readouterr().out)
    from_json = sorted(
        f"{f['file']} {f['where']}".strip() + f": {f['code']} {f['severity']}" for r in reports for f in r["findings"]
    )
    from_terminal = []
    for line in audited.stdout.splitlines():
        if line.startswith("  "):  # “  <file> <place>: <code> <severity> ［labels］message”
            head, rest = line.strip().split(": ", 1)
            from_terminal.append(f"{head}: {' '.join(rest.split()[:2])}")
    from_terminal.sort()
    assert from_json == from_terminal


def test_blank_cells_of_a_published_table_are_one_finding_per_table(audited: Audited, tmp_path, capsys) -> None:
    """Issue 17, item 4: the 沭阳 page leaves 125 cells of 表三 blank in 25 rows: one 错误 naming the
    rows, not 25; the sums still take the blanks as unknown. The clerk's own workbook, imported
    from the same page, keeps one finding per row (the clerk fixes cells)."""
    page = PUBLISHED / "shuyang-fgj-2023.html"
    found = [f for f in audited.findings if f["文件"] == str(audited.folder / page.name)]
    (blank,) = [f for f in found if f["代码"] == "V2"]
    assert blank["严重程度"] == "错误" and blank["位置"] == "表三"
    assert "125 个单元格空白" in str(blank["说明"]) and "25 行" in str(blank["说明"])
    assert "“（一）予以公开”5 格" in str(blank["说明"])
    assert not [f for f in found if str(f["代码"]).startswith("T")], "blanks are unknown, not 0"
    workbook = tmp_path / "2023.xlsx"
    assert main(["import", str(page), "--output", str(workbook)]) == 0
    capsys.readouterr()
    main(["check", "--year", "2023", "--input", str(workbook), "--format", "json"])
    per_row = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "V2" and d["sheet"] == "申请情况"]
    assert len(per_row) == 25


def test_many_copies_of_one_report_each_name_the_first_only(generated, tmp_path) -> None:
    """Issue 14, item 17: a thousand copies once listed the other 999 each (审核.html 40 MB). Each 重复
    names the first copy only, so the review grows by a line per copy, not by the square."""

    def audit_copies(n: int) -> tuple[str, Path]:
        folder = tmp_path / f"copies{n}"
        folder.mkdir()
        for i in range(n):
            shutil.copy(generated[2021].html, folder / f"{i:03d}.html")
        code, out = _audit(folder, tmp_path / f"out{n}")
        assert code == 0
        return out, tmp_path / f"out{n}" / "审核"

    out, review = audit_copies(40)
    rows = _overview(review.parent)
    dups = [r for name, r in rows.items() if name != "000.html"]
    assert len(dups) == 39 and all(r["状态"] == "重复" for r in dups)
    assert all(str(r["说明"]).count(".html") == 1 and "000.html" in str(r["说明"]) for r in dups)
    assert all(line.count(".html") == 2 for line in out.splitlines() if "：重复" in line)  # its own file, the first
    small = (review / "审核.html").stat().st_size
    _, bigger = audit_copies(80)
    per_copy = ((bigger / "审核.html").stat().st_size - small) / 40
    assert per_copy < 3000, f"{per_copy:.0f} bytes of review page per copy"


def test_memory_stays_flat_in_the_number_of_reports(generated, tmp_path) -> None:
    """Issue 14, item 18 / issue 17, item 5: no Report is kept per report; what stays in memory per
    report is a few fields (the entries are spooled to disk). 5,000 pages once took 576 MB."""
    import subprocess
    import sys

    page = generated[2021].html.read_text(encoding="utf-8")
    # VmHWM: this process's peak (ru_maxrss would count the forked pytest's memory too).
    measure = (
        "import re, sys; from generator.cli import main; main(sys.argv[1:]); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1), file=sys.stderr)"
    )

    def peak_kb(n: int) -> int:
        folder = tmp_path / f"units{n}"
        folder.mkdir()
        for i in range(n):  # n different units: no duplicates, no cross-year pairs
            (folder / f"{i:03d}.html").write_text(page.replace("示例县教育局", f"示例县第{i}局"), encoding="utf-8")
        argv = ["audit", str(folder), "--output-dir", str(tmp_path / f"out{n}"), "--jobs", "1"]
        done = subprocess.run(
            [sys.executable, "-c", measure, *argv], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return int(done.stderr.split()[-1])

    small, large = peak_kb(20), peak_kb(150)
    per_report = (large - small) * 1024 / 130
    assert per_report < 20_000, f"{per_report:.0f} bytes kept per report"  # a Report alone is ~60 KB


def test_each_report_shows_its_source_format_and_sha256(audited: Audited, capsys) -> None:
    """Issue 17, item 6: per report the source, unit, year, format, status and counts; the SHA-256
    of what was read is the reviewer's evidence (an address adds its fetch time, issue 17 item 2)."""
    import hashlib

    header = list(audited.overview[0])
    assert header[:5] == ["序号", "单位名称", "年度", "状态", "错误"] and {"格式", "文件", "SHA-256"} <= set(header)
    page = (audited.out / "审核" / "审核.html").read_text(encoding="utf-8")
    for row in audited.overview:
        path = Path(str(row["文件"]))
        assert row["SHA-256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["格式"] == ("Word" if path.suffix == ".docx" else "网页")
        assert str(row["SHA-256"]) in page
    assert "获取时间" not in header  # files only: no fetch time column
    main(["audit", str(audited.folder / "2021.docx"), "--output-dir", str(audited.out / "one"), "--format", "json"])
    (report,) = json.loads(capsys.readouterr().out)
    assert report["format"] == "Word" and report["source"]["kind"] == "file"
    assert report["source"]["sha256"] == hashlib.sha256((audited.folder / "2021.docx").read_bytes()).hexdigest()


def test_a_pdf_page_reaches_the_finding_through_the_report() -> None:
    """Issue 17, item 3: a PDF importer records the page of each figure and paragraph (Value.page,
    Paragraph.page); every finding then names it, beside the table or the paragraph's first words."""
    from generator.importer import import_report
    from generator.importer.places import in_published_words
    from generator.validate import validate

    report, notes = import_report(PUBLISHED / "shanghai-bgt-2019.html")
    for table in report.tables.values():
        for value in table.values():
            value.page = 3
    for paragraph in report.sections["overview"].paragraphs:
        paragraph.page = 2
    found = in_published_words(report, [*notes, *validate(report)])
    tables = [d for d in found if d.place.startswith("表") and d.code.startswith(("V", "T"))]
    prose = [d for d in found if d.place == "一、总体情况" and d.paragraph]
    assert tables and all(d.page == 3 and d.where.endswith(" 第 3 页") for d in tables)
    assert prose and all(d.page == 2 and "」 第 2 页" in d.where for d in prose)
    assert all(d.page == 3 for d in found if d.code == "V2")
    assert not [d for d in found if d.sheet or d.cell], "no workbook sheet or cell named"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_reports_of_neighbouring_years_get_the_cross_year_rules(generated, tmp_path, jobs) -> None:
    """The second pass: only a unit with a report of the year before is imported again and compared."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(generated[2021].html, folder / "a2021.html")
    page = generated[2022].html.read_text(encoding="utf-8")
    (folder / "b2022.html").write_text(page.replace("示例县人民政府", "示例县教育局"), encoding="utf-8")
    (folder / "c2022.html").write_text(page.replace("示例县人民政府", "示例县财政局"), encoding="utf-8")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["audit", str(folder), "--output-dir", str(tmp_path / "out"), "--jobs", jobs])
    wb = openpyxl.load_workbook(tmp_path / "out" / "审核" / "审核表.xlsx")
    findings = _rows(wb["问题清单"])
    cross = {Path(str(f["文件"])).name for f in findings if str(f["代码"]).startswith("C")}
    assert cross == {"b2022.html"}, cross
    page_text = (tmp_path / "out" / "审核" / "审核.html").read_text(encoding="utf-8")
    assert "同一单位相邻年度的报告 1 对" in page_text
