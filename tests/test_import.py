"""generate import: nianbao's own pages and Word files give back the workbook's figures, unit
information and paragraphs; messy real-world markup is read by its labels; bad input is refused."""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook
from workbook_support import INPUTS, meaning, read

from generator.cli import main as generate_main
from generator.diagnostics import InputError
from generator.formats import format_for_year
from generator.importer import import_report
from generator.model import Report, State
from generator.workbook import read_workbook

YEARS = (2020, 2021)
# What a published report cannot carry: the level is not printed, and fax “无” is left out of
# the contact sentence, so both come back blank (I030 says so).
NOT_PRINTED = ("level",)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Path]:
    out = tmp_path_factory.mktemp("published")
    files = {}
    for year in YEARS:
        assert (
            generate_main(["--year", str(year), "--input", str(INPUTS / f"{year}.xlsx"), "--output-dir", str(out)]) == 0
        )
        for f in (out / str(year)).iterdir():
            files[(year, f.suffix[1:])] = f
    return files


def _unit_as_published(report: Report) -> dict:
    u = {k: v for k, v in vars(report.unit).items() if k not in NOT_PRINTED}
    u["fax"] = "" if u["fax"] == "无" else u["fax"]
    u["signature"] = u["signature"] or u["name"]
    return u


def _figures(report: Report) -> dict:
    return {t: {k: (v.state, v.number, v.unit) for k, v in vals.items()} for t, vals in report.tables.items()}


def _text(report: Report) -> dict:
    return {k: (s.title, [(p.text, p.level) for p in s.paragraphs]) for k, s in report.sections.items()}


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("year", YEARS)
def test_round_trip_gives_back_figures_unit_and_paragraphs(published, year: int, kind: str) -> None:
    original = read(INPUTS / f"{year}.xlsx", year)
    imported, findings = import_report(published[(year, kind)])
    assert imported.year == year and imported.spec is original.spec
    assert _figures(imported) == _figures(original)
    assert _unit_as_published(imported) == _unit_as_published(original)
    assert _text(imported) == _text(original)
    placed = {"I010", "I011", "I012", "I013", "I014", "I015", "I016", "I020", "I031", "I033"}
    assert not placed & {d.code for d in findings}, [d.format() for d in findings]


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_nianbao_draft_is_named_as_such_and_a_final_report_is_not(published, kind: str) -> None:
    """The 2020 example has 4 errors, so its documents are drafts; the 2021 example has none."""
    _, draft = import_report(published[(2020, kind)])
    (note,) = [d for d in draft if d.code == "I035"]
    assert "草稿" in note.message and "4 条错误" in note.message
    _, final = import_report(published[(2021, kind)])
    assert "I035" not in {d.code for d in final}


def test_imported_workbook_is_an_ordinary_workbook(published, tmp_path: Path) -> None:
    """generate import writes a workbook that reads back as the original (but for what is not printed)."""
    target = tmp_path / "inputs" / "2020.xlsx"
    assert generate_main(["import", str(published[(2020, "html")]), "--output", str(target)]) == 0
    back, original = (
        meaning(read(target, 2020), with_cells=False),
        meaning(read(INPUTS / "2020.xlsx", 2020), with_cells=False),
    )
    assert back["tables"] == original["tables"] and back["sections"] == original["sections"]
    # Never overwritten without --force; with --force it is.
    before = target.read_bytes()
    assert generate_main(["import", str(published[(2020, "html")]), "--output", str(target)]) == 2
    assert target.read_bytes() == before
    assert generate_main(["import", str(published[(2020, "html")]), "--output", str(target), "--force"]) == 0
    # check and generate run on it.
    assert generate_main(["check", "--year", "2020", "--input", str(target)]) == 1  # the seed's 4 real errors
    assert generate_main(["--year", "2020", "--input", str(target), "--output-dir", str(tmp_path / "out")]) == 0


def test_default_target_is_inputs_year(published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert generate_main(["import", str(published[(2021, "docx")])]) == 0
    assert (tmp_path / "inputs" / "2021.xlsx").is_file()
    assert "generate check --year 2021" in capsys.readouterr().err


def test_init_carries_forward_straight_from_a_published_page(published, tmp_path: Path, capsys) -> None:
    target = tmp_path / "2021.xlsx"
    assert (
        generate_main(["init", "--year", "2021", "--from", str(published[(2020, "html")]), "--output", str(target)])
        == 0
    )
    said = capsys.readouterr().err
    assert "单位信息已从 2020 年度报告结转" in said and "工作簿结转" not in said  # the source is a web page
    new = read(target, 2021)
    old = read(INPUTS / "2020.xlsx", 2020)
    assert new.unit.name == old.unit.name and new.unit.year == 2021
    for col in ("natural", "total"):
        assert new.tables["requests"][f"carried.{col}"].number == old.tables["requests"][f"carry_next.{col}"].number


# -- what real pages do ----------------------------------------------------------------------------


def _messy(page: Path) -> str:
    """The 2020 page as a hand-made site would publish it: layout table, split table with repeated
    headers, half-width punctuation, &nbsp; and <br> inside labels, numbers split across tags."""
    root = lxml.html.fromstring(page.read_bytes())
    for th in root.iter("th"):
        th.text = (th.text or "").replace("（", "(").replace("）", ")").replace("申请人情况", "申请人\u00a0情况")
        if th.text == "自然人":
            th.text = "自然"
            br = lxml.html.Element("br")
            br.tail = "人"
            th.append(br)
    for td in root.iter("td"):
        text = td.text or ""
        td.attrib.clear()
        if len(text) >= 2 and text.isdigit():
            td.text = None
            a, b = lxml.html.Element("span"), lxml.html.Element("font")
            a.text, b.text = text[:1], text[1:]
            td.extend([a, b])
    requests = root.xpath("//table[contains(@class,'t-requests')]")[0]
    head, body = requests.find("thead"), requests.find("tbody")
    second = lxml.html.Element("table")
    second.append(copy.deepcopy(head))
    tail = lxml.html.Element("tbody")
    for tr in list(body)[12:]:
        tail.append(tr)
    second.append(tail)
    requests.addnext(second)
    article = root.find(".//article")
    layout = lxml.html.fromstring("<table><tr><td></td></tr></table>")
    cell = layout.find(".//td")
    for child in list(article):
        cell.append(child)
    article.append(layout)
    return lxml.html.tostring(root, encoding="unicode")


def test_messy_markup_is_read_by_labels(published, tmp_path: Path) -> None:
    page = tmp_path / "messy.html"
    page.write_text(_messy(published[(2020, "html")]), encoding="utf-8")
    imported, findings = import_report(page)
    assert _figures(imported) == _figures(read(INPUTS / "2020.xlsx", 2020))
    assert not {"I010", "I011", "I013"} & {d.code for d in findings}


@pytest.mark.parametrize("declare", [True, False])
def test_gbk_pages_with_or_without_declared_charset(published, tmp_path: Path, declare: bool) -> None:
    text = published[(2021, "html")].read_text(encoding="utf-8")
    text = text.replace('<meta charset="utf-8">', '<meta charset="gb2312">' if declare else "")
    page = tmp_path / "gbk.html"
    page.write_bytes(text.encode("gbk"))
    imported, _ = import_report(page)
    assert _text(imported) == _text(read(INPUTS / "2021.xlsx", 2021))


def test_placeholders_stay_distinct(published, tmp_path: Path) -> None:
    """“/”, “—”, blank, 0 and 1,234 each come back as what they are; “—” is never taken for 0."""
    text = published[(2021, "html")].read_text(encoding="utf-8")
    cells = {
        "requests-r4c4": "/",
        "requests-r4c5": "—",
        "requests-r4c6": "",
        "requests-r4c7": "0",
        "requests-r4c8": "1,234",
        "requests-r5c4": "1<br>2",
    }
    for cid, value in cells.items():
        text, n = re.subn(rf'(<td id="{cid}"[^>]*>)[^<]*(</td>)', rf"\g<1>{value}\g<2>", text)
        assert n == 1
    page = tmp_path / "placeholders.html"
    page.write_text(text, encoding="utf-8")
    imported, findings = import_report(page)
    row = imported.tables["requests"]
    assert row["new.natural"].state is State.SLASH
    assert row["new.business"].state is State.BLANK and row["new.business"].raw == "—"
    assert row["new.research"].state is State.BLANK and not row["new.research"].raw
    assert (row["new.nonprofit"].state, row["new.nonprofit"].number) == (State.NUMBER, 0)
    assert row["new.legal"].number == 1234
    assert row["carried.natural"].state is State.BLANK  # two lines are never run together into 12
    codes = {d.code for d in findings}
    assert {"I020", "I021"} <= codes
    # The “—” goes into the workbook as written, and check names its cell.
    target = tmp_path / "2021.xlsx"
    assert generate_main(["import", str(page), "--output", str(target)]) == 0
    ws = load_workbook(target)["申请情况"]
    assert "—" in [c.value for row_ in ws.iter_rows() for c in row_]
    _, notes = read_workbook(target, format_for_year(2021), 2021)
    assert any(d.code == "R050" and d.severity.value == "错误" and "—" in d.message for d in notes)


# -- bad input ---------------------------------------------------------------------------------------


def _refused(path: Path, code: str, capsys) -> str:
    start = time.monotonic()
    assert generate_main(["import", str(path), "--output", str(path.with_suffix(".xlsx"))]) == 2
    assert time.monotonic() - start < 10
    assert not path.with_suffix(".xlsx").exists()
    err = capsys.readouterr().err
    assert code in err and "Traceback" not in err
    return err


def test_a_page_that_is_not_a_report(tmp_path: Path, capsys) -> None:
    page = tmp_path / "news.html"
    page.write_text("<html><head><title>新闻</title></head><body><p>今天天气很好。</p></body></html>", encoding="utf-8")
    assert "不是政府信息公开工作年度报告" in _refused(page, "I002", capsys)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    _refused(empty, "I002", capsys)
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    _refused(fake, "I002", capsys)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%binary")
    assert "PDF" in _refused(pdf, "I052", capsys)  # a PDF is read now; a damaged one says so
    workbook = tmp_path / "2020.docx"
    workbook.write_bytes((INPUTS / "2020.xlsx").read_bytes())
    assert "Excel 工作簿" in _refused(workbook, "I002", capsys)


def test_a_report_from_before_2019_is_named_old_format(tmp_path: Path, capsys) -> None:
    page = tmp_path / "old.html"
    page.write_text(
        "<html><body><h1>某县人民政府2018年政府信息公开工作年度报告</h1><p>一、概述</p><p>……</p></body></html>",
        encoding="utf-8",
    )
    assert "旧格式" in _refused(page, "I003", capsys)


def test_a_truncated_page_is_named(published, tmp_path: Path) -> None:
    data = published[(2021, "html")].read_bytes()
    page = tmp_path / "cut.html"
    page.write_bytes(data[: len(data) * 2 // 3])
    imported, findings = import_report(page)
    codes = {d.code for d in findings}
    assert "I006" in codes and ({"I011", "I014", "I031"} & codes)
    assert imported.tables["active"]["rules.made"].is_number  # what arrived is still read


def test_deep_nesting_is_refused_quickly(tmp_path: Path, capsys) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + "2020年" + "</div>" * 100_000 + "</body></html>")
    _refused(page, "I007", capsys)


def test_a_500_mb_file_is_refused_before_reading(tmp_path: Path, capsys) -> None:
    page = tmp_path / "huge.html"
    with page.open("wb") as fh:
        fh.write(b"<html><body>")
        fh.truncate(500 * 1024 * 1024)  # sparse: costs no disk
    assert "MB" in _refused(page, "I007", capsys)


def test_scripts_and_handlers_are_never_carried(published, tmp_path: Path) -> None:
    text = published[(2021, "html")].read_text(encoding="utf-8")
    evil = (
        '<script>alert("x")</script><p onclick="steal()">联系我们<img src=x onerror="boom()">'
        '<a href="javascript:evil()">点此</a></p><iframe src="http://evil.example"></iframe>'
    )
    text = text.replace("<article>", "<article>" + evil, 1).replace(
        "</h2>", "</h2><script>document.write(1)</script>", 1
    )
    page = tmp_path / "evil.html"
    page.write_text(text, encoding="utf-8")
    target = tmp_path / "2021.xlsx"
    assert generate_main(["import", str(page), "--output", str(target)]) == 0
    imported, findings = import_report(page)
    assert any(d.code == "I009" for d in findings)
    words = ("alert", "steal", "boom", "javascript", "evil", "document.write", "<script")
    wb = load_workbook(target)
    stored = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    assert not [w for w in words if w in stored]
    out = tmp_path / "out"
    assert generate_main(["--year", "2021", "--input", str(target), "--output-dir", str(out)]) in (0, 1)
    html = next((out / "2021").glob("*.html")).read_text(encoding="utf-8")
    assert "<script" not in html and "onclick" not in html and "steal" not in html


# -- audit -------------------------------------------------------------------------------------------


def test_audit_prints_every_report_and_survives_a_bad_one(published, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    page_2020 = published[(2020, "html")].read_text(encoding="utf-8")
    (folder / "zp-2020.html").write_text(page_2020, encoding="utf-8")
    # The same unit's report a year earlier: the cross-year rules run between the two.
    (folder / "zp-2019.html").write_text(
        page_2020.replace("2020年政府信息公开工作年度报告", "2019年政府信息公开工作年度报告"), encoding="utf-8"
    )
    (folder / "edu-2021.docx").write_bytes(published[(2021, "docx")].read_bytes())
    (folder / "broken.html").write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    # A page saved as “网页，全部”: its _files folder holds frames and scripts, not reports.
    (folder / "zp-2020_files").mkdir()
    (folder / "zp-2020_files" / "saved_resource.html").write_text("<html></html>", encoding="utf-8")
    assert generate_main(["audit", str(folder), "--jobs", "2", "--output-dir", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    blocks = {line.split("】")[0].lstrip("【"): line for line in out.splitlines() if line.startswith("【")}
    assert "无法读取" in blocks["broken.html"]
    assert "有错误" in blocks["漳平市人民政府2020年政府信息公开工作年度报告"]
    assert "通过" in blocks["示例县教育局2021年政府信息公开工作年度报告"]
    # The seed's published errors are found in the published page, and 2020 is checked against 2019.
    zp = out.split("【漳平市人民政府2020年")[1].split("【")[0]
    assert zp.count("T3-2 错误") == 2 and zp.count("T3-1 错误") == 2
    assert "T3-5" in zp
    assert "共 4 份报告" in out


def _br(text: str) -> str:
    return re.sub(r"</p>\s*<p>", "<br>\n", text)


def _head_title_only(text: str) -> str:
    return re.sub(r"<h1>.*?</h1>", "", text, count=1)


def _divs(text: str) -> str:
    return text.replace("<p>", "<div>").replace("</p>", "</div>")


def _no_requests_header(text: str) -> str:
    return re.sub(r'(<table class="t-requests[^>]*>.*?)<thead>.*?</thead>', r"\1", text, count=1, flags=re.S)


@pytest.mark.parametrize(
    "change, read_by_position",
    [(_br, False), (_head_title_only, False), (_divs, False), (_no_requests_header, True)],
    ids=["br-separated", "title-in-head-only", "div-paragraphs", "header-rows-missing"],
)
def test_page_variants_read_the_same(published, tmp_path: Path, change, read_by_position: bool) -> None:
    page = tmp_path / "variant.html"
    page.write_text(change(published[(2021, "html")].read_text(encoding="utf-8")), encoding="utf-8")
    imported, findings = import_report(page)
    original = read(INPUTS / "2021.xlsx", 2021)
    assert _figures(imported) == _figures(original)
    assert _text(imported) == _text(original)
    assert imported.unit.name == original.unit.name
    assert ("I013" in {d.code for d in findings}) is read_by_position


def test_year_from_the_command_when_the_title_has_none(published, tmp_path: Path, capsys) -> None:
    text = (
        published[(2021, "html")]
        .read_text(encoding="utf-8")
        .replace("2021年政府信息公开工作年度报告", "政府信息公开工作年度报告")
    )
    page = tmp_path / "noyear.html"
    page.write_text(text, encoding="utf-8")
    _refused(page, "I004", capsys)
    imported, _ = import_report(page, 2021)
    assert imported.year == 2021 and imported.spec.id == "2021"


def test_a_report_in_the_other_format_version_is_named(published, tmp_path: Path) -> None:
    """A 2021 report published with the 2019 tables: said once, and what does not fit is listed."""
    text = (
        published[(2020, "html")]
        .read_text(encoding="utf-8")
        .replace("2020年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告")
    )
    page = tmp_path / "wrong-format.html"
    page.write_text(text, encoding="utf-8")
    imported, findings = import_report(page)
    codes = [d.code for d in findings]
    assert imported.spec.id == "2021" and codes.count("I017") == 1
    assert "I010" in codes and "I011" in codes
    assert "I013" not in codes  # the other version's columns are never read by position
    # Parts 三 and 四 are the same in both versions and read in full.
    assert _figures(imported)["appeals"] == _figures(read(INPUTS / "2020.xlsx", 2020))["appeals"]


def _hand_made_docx(report: Report, path: Path) -> None:
    """A Word file typed by hand: headings numbered automatically (no “一、” in the text), tables
    merged with Word's own merge (gridSpan/vMerge), part 三 split over two tables with its header
    rows repeated, as happens at a page break."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(f"{report.unit.name}{report.year}年政府信息公开工作年度报告")
    for p in report.sections["intro"].paragraphs:
        doc.add_paragraph(p.text)
    titles = {
        1: "总体情况",
        2: "主动公开政府信息情况",
        3: "收到和处理政府信息公开申请情况",
        4: "政府信息公开行政复议、行政诉讼情况",
    }
    titles |= {5: "存在的主要问题及改进情况", 6: "其他需要报告的事项"}
    sections = {1: "overview", 5: "problems", 6: "other"}
    for part in range(1, 7):
        doc.add_paragraph(titles[part], style="List Number")
        if part in sections:
            for p in report.sections[sections[part]].paragraphs:
                doc.add_paragraph(p.text)
            continue
        table = next(t for t in report.spec.tables if t.part == part)
        values = report.tables[table.id]
        split = 15 if table.id == "requests" else len(table.rows)
        pieces = [range(0, split)] + ([range(split, len(table.rows))] if split < len(table.rows) else [])
        for piece in pieces:
            rows = [*range(table.header_rows), *piece] if piece.start else list(piece)
            grid = doc.add_table(rows=len(rows), cols=table.ncols)
            at = {r: i for i, r in enumerate(rows)}
            for p in table.placed:
                if p.row not in at:
                    continue
                text = p.item.text if hasattr(p.item, "text") else values[p.item.key].display()
                last = max(r for r in range(p.row, p.row + p.rowspan) if r in at)
                cell = grid.cell(at[p.row], p.col)
                cell = (
                    cell.merge(grid.cell(at[last], p.col + p.colspan - 1)) if (last, p.colspan) != (p.row, 1) else cell
                )
                cell.text = text
    doc.add_paragraph(report.unit.signature)
    doc.add_paragraph(f"{report.unit.date.year}年{report.unit.date.month}月{report.unit.date.day}日")
    doc.save(path)


def test_a_hand_made_word_file(tmp_path: Path) -> None:
    original = read(INPUTS / "2021.xlsx", 2021)
    path = tmp_path / "hand.docx"
    _hand_made_docx(original, path)
    imported, findings = import_report(path)
    assert _figures(imported) == _figures(original)
    assert _text(imported) == _text(original)
    assert imported.unit.date == original.unit.date and imported.unit.signature == original.unit.signature
    assert not {"I010", "I011", "I013", "I031"} & {d.code for d in findings}


def test_unit_fields_not_found_are_all_named_in_words_that_fit_audit_too(tmp_path: Path) -> None:
    """I030 names 落款单位 as well (check would otherwise first tell it as V1), without assuming a workbook."""
    import docx

    original = read(INPUTS / "2021.xlsx", 2021)
    path = tmp_path / "unsigned.docx"
    _hand_made_docx(original, path)
    doc = docx.Document(str(path))
    (signature,) = [p for p in doc.paragraphs if p.text == original.unit.signature]
    signature._element.getparent().remove(signature._element)
    doc.save(str(path))
    imported, findings = import_report(path)
    (i030,) = [d for d in findings if d.code == "I030"]
    assert imported.unit.signature == "" and "落款单位" in i030.message
    assert "工作簿中留空" not in i030.message and "转为工作簿时" in i030.message


def test_a_word_zip_bomb_is_refused_before_unpacking(tmp_path: Path, capsys) -> None:
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(80):  # 80 MB of XML that compresses to almost nothing
                fh.write(chunk)
    assert path.stat().st_size < 1 << 20
    _refused(path, "I007", capsys)


def test_columns_in_another_order_are_placed_by_their_labels(published, tmp_path: Path) -> None:
    """The five 法人或其他组织 columns printed in reverse order: every figure still lands under its
    own label, which reading by position would get wrong."""
    root = lxml.html.fromstring(published[(2020, "html")].read_bytes())
    table = root.xpath("//table[contains(@class,'t-requests')]")[0]
    for tr in table.iter("tr"):
        block = [c for c in tr if re.search(r"c[5-9]$", c.get("id", ""))]
        if len(block) == 5:
            at = tr.index(block[0])
            for c in block:
                tr.remove(c)
            for i, c in enumerate(reversed(block)):
                tr.insert(at + i, c)
    page = tmp_path / "reordered.html"
    page.write_bytes(lxml.html.tostring(root, encoding="utf-8"))
    imported, findings = import_report(page)
    assert _figures(imported) == _figures(read(INPUTS / "2020.xlsx", 2020))
    assert not {"I010", "I011", "I013"} & {d.code for d in findings}


def test_mutated_pages_and_files_never_crash(published, tmp_path: Path) -> None:
    """Truncated, garbled and tag-spliced pages and corrupted Word files: a report or a Chinese
    refusal, never an exception (seeded, so the same cases run every time)."""
    import random

    pages = [
        published[(2020, "html")].read_bytes(),
        (Path(__file__).parent / "data/published/shuyang-fgj-2023.html").read_bytes(),
    ]
    word = published[(2021, "docx")].read_bytes()
    splices = (
        b"<table>",
        b"</tr>",
        b'<td rowspan="99999">',
        b'<td colspan="0">',
        b"</table>",
        b"<br>",
        b"<td>5</td>",
        b"\x01",
    )
    rnd = random.Random(10)
    for i in range(80):
        data = bytearray(word if i % 4 == 3 else rnd.choice(pages))
        if i % 4 == 0:
            del data[rnd.randrange(len(data)) :]
        elif i % 4 == 1:
            for _ in range(20):
                k = rnd.randrange(len(data))
                data[k : k + rnd.randrange(1, 50)] = b""
        elif i % 4 == 2:
            for _ in range(10):
                k = rnd.randrange(len(data))
                data[k:k] = rnd.choice(splices)
        else:
            for _ in range(5):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"case{i}.{'docx' if i % 4 == 3 else 'html'}"
        path.write_bytes(bytes(data))
        try:
            import_report(path)
        except InputError as exc:
            assert all(d.code.startswith("I") for d in exc.diagnostics)
