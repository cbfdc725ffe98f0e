"""PDF reports in: the real WPS export of 洪泽区 2023 (every figure and paragraph typed by hand from
the document's pages), and PDFs that cannot be read (a scan, a password, a damaged file)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pdf_support import minimal_pdf

from generator.cli import main as generate_main
from generator.diagnostics import InputError
from generator.importer import import_report
from generator.importer.audit import UNREADABLE, audit_one, audit_paths
from generator.model import State

HONGZE = Path(__file__).parent / "data" / "published" / "hongze-2023.pdf"

# 二、主动公开政府信息情况, as printed on pages 2–3 (the table goes on over the page break).
ACTIVE = {
    "rules.made": 0,
    "rules.repealed": 0,
    "rules.in_force": 0,
    "normative.made": 0,
    "normative.repealed": 5,
    "normative.in_force": 5,
    "license.decisions": 550,
    "penalty.decisions": 4119,
    "enforcement.decisions": 195,
    "fees.amount": Decimal("7730.28"),
}
# 三, pages 3–4: only 自然人 and 总计 hold anything but 0; the five 法人或其他组织 columns are all 0.
REQUEST_ROWS = {
    "new": 21,
    "carried": 0,
    "public": 0,
    "partial": 4,
    "deny_secret": 1,
    "deny_safety": 0,
    "deny_third": 0,
    "deny_internal": 0,
    "deny_process": 1,
    "deny_enforcement": 1,
    "deny_query": 0,
    "unable_none": 10,
    "unable_make": 3,
    "unable_unclear": 0,
    "noproc_petition": 1,
    "noproc_repeat": 0,
    "noproc_publication": 0,
    "noproc_massive": 0,
    "noproc_confirm": 0,
    "total": 21,
    "carry_next": 0,
}
ORGS = ("business", "research", "nonprofit", "legal", "other_org")
# Printed with a typo (“2.其他法律行政止公开”) and, in the old format's single row, “（六）其他处理”:
# neither is a mandated row label, so their figures are named as not placed, never guessed.
NOT_PLACED_ROWS = ("deny_law", "other_1", "other_2", "other_3")
# 四, page 4, as published: 行政复议 维持 10 纠正 1 … 总计 0; 复议后起诉 维持 5 … 总计 0.
APPEALS = {
    **{
        f"{g}.{r}": 0
        for g in ("review", "direct", "after")
        for r in ("upheld", "corrected", "other", "pending", "total")
    },
    "review.upheld": 10,
    "review.corrected": 1,
    "after.upheld": 5,
}

INTRO = (
    "本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）（以下简称《条例》）"
    "要求编制此报告。报告中所列数据统计期限自2023年1月1日起至2023年12月31日止。如对本报告有疑问，请与淮安市洪泽区"
    "人民政府办公室联系（地址：淮安市洪泽区洪泽湖大道90号，邮编：223100，电话：0517-87222589，电子邮箱："
    "hzzwgk@126.com）。"
)
OVERVIEW = [
    "2023年，洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》相关规范要求，"
    "不断完善政府信息公开制度，建立健全政府信息公开保障机制，始终将政务公开工作摆在重要位置，推进政府信息公开"
    "工作规范、有序、健康发展。",
    "（一）主动公开情况。主要通过政府门户网站主动公开政府文件、项目审批、通知公告等各类政府信息。2023年，我区在"
    "政府网站平台主动公开政府信息1136条。",
    "（二）依申请公开情况。进一步规范依申请公开流程，畅通依申请公开受理渠。2023年全区受理政府信息公开申请21件，"
    "均在法定期限答复。",
    "（三）政府信息管理情况。",
    "加强区政府门户网站及政务新媒体日常管理，运用第三方检测平台实行常态化监测，执行信息审核发布制度。严格执行"
    "“分级审核、先审后发”程序，落实“三审三校”制度，从严从实把好政治关、法律关、政策关、保密关、文字关，未经审核"
    "的信息一律不准发布。",
    "（四）政府信息公开平台建设情况。加强对区政府网站、政务新媒体动态全面监管，按照管理标准定期检查，及时关停整合"
    "用户关注度低、更新不及时、无力运维的新媒体账号，将相关功能进行集约整合。同时对存在未及时更新、空白栏目、不良"
    "链接等问题进行严格督查，确保公开信息及时准确规范。",
    "（五）政府信息公开监督保障情况。进一步细化分解政府门户网站和政务新媒体内容保障责任单位，形成工作清单，做到"
    "任务具体、责任明确，确保政府门户网站和政务新媒体工作有序开展。继续加强对政府网站和政务新媒体的日常维护监管，"
    "建立政府网站日常监测机制。",
]
PROBLEMS = [
    "2023年，洪泽区政府信息公开工作取得一定的成效，但对照上级要求，仍存在一定差距。如依申请公开工作规范性还有待"
    "提高、政务公开内容的深度和广度还有待提升、政务公开队伍建设有待加强等。针对存在问题，下一步，将切实抓好以下"
    "工作：一是扎实推进依申请公开工作，全面梳理和优化工作流程、健全工作机制、强化部门协同配合，全面提升政府信息"
    "依申请公开规范化、专业化水平。二是围绕区委区政府中心工作，进一步梳理明确政务公开的重点领域，继续优化政务公开、"
    "政策解读、关切回应等工作。三是继续加强业务指导培训。实行政府信息公开工作人员跟班学习制度，不断提高各单位政府"
    "信息公开工作人员的思想认识和业务工作水平。"
]
OTHER = ["2023年，区政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费0元。"]


def _numbers(values: dict) -> dict:
    return {k: v.number for k, v in values.items() if v.state is State.NUMBER}


def test_every_figure_of_the_hongze_pdf() -> None:
    report, findings = import_report(HONGZE)
    assert report.year == 2023 and report.spec.id == "2021"
    assert report.unit.name == "洪泽区人民政府"
    assert _numbers(report.tables["active"]) == ACTIVE
    requests = {f"{row}.{col}": n for row, n in REQUEST_ROWS.items() for col in ("natural", "total")}
    requests |= {f"{row}.{col}": 0 for row in REQUEST_ROWS for col in ORGS}
    got = _numbers(report.tables["requests"])
    # The typo row “2.其他法律行政止公开” (all 0 as printed): either taken for 2.其他法律行政法规禁止公开
    # with a finding naming the difference, or left blank with each of its 7 figures named.
    typo = [d for d in findings if "其他法律行政止公开" in d.message]
    if any(k.startswith("deny_law.") for k in got):
        assert {k: v for k, v in got.items() if k.startswith("deny_law.")} == {
            f"deny_law.{c}": 0 for c in ("natural", *ORGS, "total")
        }
        assert [d.code for d in typo] == ["I016"]
    else:
        assert [d.code for d in typo] == ["I010"] * 7
    assert {k: v for k, v in got.items() if not k.startswith("deny_law.")} == requests
    blank = {k for k, v in report.tables["requests"].items() if v.state is State.BLANK}
    assert blank - {k for k in blank if k.startswith("deny_law.")} == {
        k for k in report.tables["requests"] if k.split(".")[0] in NOT_PLACED_ROWS[1:]
    }
    assert _numbers(report.tables["appeals"]) == APPEALS
    # The old format's single row （六）其他处理 is not one of the three mandated rows: its 7
    # figures are each named, none placed.
    assert sum(d.code == "I010" and "（六）其他处理" in d.message for d in findings) == 7
    # Labels written top to bottom or wrapped over lines are one label again.
    assert not any("\n" in d.message for d in findings)
    # Nothing was read by position and every mandated table was found.
    assert not {"I013", "I014", "I015"} & {d.code for d in findings}


def test_every_paragraph_of_the_hongze_pdf() -> None:
    report, _ = import_report(HONGZE)
    texts = {k: [p.text for p in s.paragraphs] for k, s in report.sections.items()}
    assert texts == {"intro": [INTRO], "overview": OVERVIEW, "problems": PROBLEMS, "other": OTHER}
    # Run-in headings keep their level; page numbers (- 1 - … - 5 -) are not text.
    assert [p.level for p in report.sections["overview"].paragraphs] == [0, 2, 2, 2, 0, 2, 2]
    u = report.unit
    assert (u.office, u.address, u.postcode, u.phone) == (
        "淮安市洪泽区人民政府办公室",
        "淮安市洪泽区洪泽湖大道90号",
        "223100",
        "0517-87222589",
    )


def test_the_audit_says_table_four_does_not_add_up(tmp_path: Path, capsys) -> None:
    """A folder of published reports: its PDFs are audited with the rest."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / HONGZE.name).write_bytes(HONGZE.read_bytes())
    assert generate_main(["audit", str(folder), "--jobs", "1", "--output-dir", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "有错误" in out
    t41 = [line for line in out.splitlines() if "T4-1" in line]
    assert any("行政复议 总计" in line and "11" in line for line in t41), out
    assert any("复议后起诉 总计" in line and "5" in line for line in t41), out


def test_a_finding_on_the_pdf_names_table_labels_and_page(tmp_path: Path, capsys) -> None:
    """Issue 17 item 3: a finding on a PDF names the table, its row/column labels and the page the
    figure is on (TCell.page → Value.page), never a workbook cell; a paragraph knows the page it
    starts on (Paragraph.page). Pages checked by hand in the document: the typo row of 表三 is on
    page 3, its （六）其他处理 on page 4, 表四 on page 4, part 六 on page 5, and the paragraph
    （四）… of part 一 begins on page 2."""
    report, _ = import_report(HONGZE)
    assert {v.page for v in report.tables["appeals"].values()} == {4}
    assert [p.page for p in report.sections["overview"].paragraphs] == [1, 1, 1, 1, 1, 2, 2]
    assert report.sections["other"].paragraphs[0].page == 5
    entry = audit_one(HONGZE)
    t41 = [d for d in entry.findings if d.code == "T4-1"]
    assert {(d.place, d.col_label, d.page, d.sheet, d.cell) for d in t41} == {
        ("表四", "行政复议 总计", 4, "", ""),
        ("表四", "复议后起诉 总计", 4, "", ""),
    }
    # A figure the importer could not place names its page too: 表三 runs over pages 3 and 4.
    unplaced = {(d.page, "行政止" in d.message) for d in entry.findings if d.code == "I010"}
    assert unplaced == {(3, True), (4, False)} or unplaced == {(4, False)}  # the typo row may be matched
    # The command line and the JSON say the same place.
    assert generate_main(["audit", str(HONGZE), "--jobs", "1", "--output-dir", str(tmp_path / "o")]) == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "T4-1" in ln]
    assert len(lines) == 2 and all("表四 第 4 页" in ln and "总计］" in ln for ln in lines), lines
    assert "申请情况!" not in "".join(lines) and "复议诉讼!" not in "".join(lines)
    args = ["audit", str(HONGZE), "--jobs", "1", "--format", "json", "--output-dir", str(tmp_path / "j")]
    assert generate_main(args) == 1
    (got,) = json.loads(capsys.readouterr().out)
    assert {(f["where"], f["col_label"], f["page"]) for f in got["findings"] if f["code"] == "T4-1"} == {
        ("表四 第 4 页", "行政复议 总计", 4),
        ("表四 第 4 页", "复议后起诉 总计", 4),
    }


def test_import_and_init_from_the_pdf(tmp_path: Path) -> None:
    target = tmp_path / "2023.xlsx"
    assert generate_main(["import", str(HONGZE), "--output", str(target)]) == 0
    nxt = tmp_path / "2024.xlsx"
    assert generate_main(["init", "--year", "2024", "--from", str(HONGZE), "--output", str(nxt)]) == 0
    from workbook_support import read

    assert read(target, 2023).tables["active"]["penalty.decisions"].number == 4119
    assert read(nxt, 2024).unit.name == "洪泽区人民政府"


# -- nianbao's own reports, as a PDF saved from the Word file -------------------------------------------
@pytest.fixture(scope="module")
def own_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """generate → DOCX → `soffice --headless --convert-to pdf`, for both example years."""
    from workbook_support import INPUTS, convert

    out = tmp_path_factory.mktemp("own")
    pdfs = {}
    for year in (2020, 2021):
        args = ["--year", str(year), "--input", str(INPUTS / f"{year}.xlsx"), "--output-dir", str(out)]
        assert generate_main(args) == 0
        docx = next((out / str(year)).glob("*.docx"))
        pdfs[year] = convert(docx, "pdf", out / f"pdf{year}")
    return pdfs


@pytest.mark.parametrize("year", [2020, 2021])
def test_round_trip_through_pdf_gives_back_figures_unit_and_paragraphs(own_pdfs, year: int) -> None:
    """The 2020 example is a draft (its header and watermark say 草稿 on every page): neither is text."""
    from workbook_support import INPUTS, read

    original = read(INPUTS / f"{year}.xlsx", year)
    imported, findings = import_report(own_pdfs[year])
    assert imported.year == year and imported.spec is original.spec
    figures = {t: {k: (v.state, v.number, v.unit) for k, v in vals.items()} for t, vals in imported.tables.items()}
    assert figures == {
        t: {k: (v.state, v.number, v.unit) for k, v in vals.items()} for t, vals in original.tables.items()
    }
    text = {k: (s.title, [(p.text, p.level) for p in s.paragraphs]) for k, s in imported.sections.items()}
    assert text == {k: (s.title, [(p.text, p.level) for p in s.paragraphs]) for k, s in original.sections.items()}
    printed = {k: v for k, v in vars(original.unit).items() if k != "level"}
    printed["fax"] = "" if printed["fax"] == "无" else printed["fax"]  # “传真：无” is not printed
    assert {k: v for k, v in vars(imported.unit).items() if k != "level"} == printed
    # The 2020 example is made while its workbook had 4 错误: the PDF's running header says 草稿.
    drafts = [d.message for d in findings if d.code == "I035"]
    assert len(drafts) == (year == 2020) and all("草稿" in m and "4 条错误" in m for m in drafts)
    # Header rows repeated on each page are dropped, merged labels cut by a page break are whole.
    placed = {"I010", "I011", "I012", "I013", "I014", "I015", "I016", "I020", "I031", "I033"}
    assert not placed & {d.code for d in findings}, [d.format() for d in findings]


# -- PDFs that cannot be read -----------------------------------------------------------------------------
def _scan(path: Path) -> Path:
    """A scanned report: pages that are pictures, no text layer (what a scanner or a photo gives)."""
    from PIL import Image, ImageDraw

    pages = []
    for n in range(2):
        img = Image.new("RGB", (600, 800), "white")
        ImageDraw.Draw(img).rectangle((50, 100, 550, 400), outline="black", width=3)
        pages.append(img)
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:])
    return path


def _lines_of_text() -> str:
    from pdf_support import Sheet

    s = Sheet()
    for k in range(12):
        s.text(72, 100 + 20 * k, "二、主动公开政府信息情况 行政许可 550", 12)
    return s.content()


def _writes(data):
    def make(path: Path) -> Path:
        path.write_bytes(data())
        return path

    return make


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (_scan, "I050", "没有文字层"),
        (_writes(lambda: minimal_pdf(["BT /F1 12 Tf 72 720 Td (2023) Tj ET"], password=True)), "I051", "加密"),
        (_writes(lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\x00garbage" * 50), "I052", "损坏"),
        (_writes(lambda: HONGZE.read_bytes()[:40000]), "I052", "损坏"),
        (_writes(lambda: minimal_pdf([_lines_of_text()], unmapped=True)), "I054", "没有可用的编码"),
    ],
    ids=["scanned", "encrypted", "broken", "truncated", "no-unicode-map"],
)
def test_an_unreadable_pdf_is_refused_in_chinese_and_never_gives_a_figure(
    tmp_path: Path, capsys, make, code: str, words: str
) -> None:
    path = make(tmp_path / "报告.pdf")
    with pytest.raises(InputError) as info:
        import_report(path)
    (d,) = info.value.diagnostics
    assert d.code == code and words in d.message
    # import: exit 2, nothing written; audit: 无法读取 with the same reason, and the run goes on.
    target = tmp_path / "out.xlsx"
    assert generate_main(["import", str(path), "--output", str(target)]) == 2
    assert not target.exists() and words in capsys.readouterr().err
    audit = audit_paths([path, HONGZE], jobs=1, progress=False)
    assert [e.status for e in audit.entries][0] is UNREADABLE
    assert audit.entries[0].findings[0].code == code and audit.entries[1].unit == "洪泽区人民政府"


def test_a_pdf_without_a_pdf_inside_is_named(tmp_path: Path) -> None:
    path = tmp_path / "报告.pdf"
    path.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(InputError) as info:
        import_report(path)
    assert info.value.diagnostics[0].code == "I052"


# -- a table drawn by hand, broken over a page inside a row ------------------------------------------------
def _draw_over_two_pages(table, values, split_key: str, word: bool = False) -> list[str]:
    """The table's cells with borders and wrapped text; the page breaks inside the row holding
    split_key, after the first line of its label (its figures stay on page 1, the rest of the
    label goes to page 2, as Word and WPS do when a row may break across pages). No header row
    is repeated; a running header and a page number “— n —” are on both pages. word: borders
    drawn as thin filled bars over light-gray cell shading, as Word's “Save as PDF” does."""
    from pdf_support import Sheet

    size, lh = 7.0, 9.0
    rel = table.col_widths or (1.0,) * table.ncols
    xs = [60.0]
    for w in rel:
        xs.append(xs[-1] + 475 * w / sum(rel))

    def text(p) -> str:
        return p.item.text if hasattr(p.item, "text") else values[p.item.key].display()

    def lines(p) -> list[str]:
        n = max(1, int((xs[p.col + p.colspan] - xs[p.col] - 4) // size))
        t = text(p)
        return [t[i : i + n] for i in range(0, len(t), n)] or [""]

    heights = [14.0] * len(table.rows)
    for p in table.placed:
        if p.rowspan == 1:
            heights[p.row] = max(heights[p.row], 5 + lh * len(lines(p)))
    ys = [0.0]
    for h in heights:
        ys.append(ys[-1] + h)
    split_row = table.fields[split_key].row
    cut = ys[split_row] + 2 + lh
    pages = [(0.0, cut, 120.0), (cut, ys[-1], 72.0 - cut)]
    out = []
    for n, (lo, hi, off) in enumerate(pages, start=1):
        s = Sheet()
        s.text(200, 30, "示例县人民政府政务公开", 9)
        s.text(280, 800, f"— {n} —", 10)
        if n == 1:
            s.text(100, 60, "示例县教育局2021年政府信息公开工作年度报告", 14)
            s.text(90, 95, "三、收到和处理政府信息公开申请情况", 12)
        for p in table.placed:
            v0, v1 = ys[p.row], ys[p.row + p.rowspan]
            a, b = max(v0, lo), min(v1, hi)
            if a >= b:
                continue
            x0, x1 = xs[p.col], xs[p.col + p.colspan]
            if word:  # shading first, borders over it
                s.bar(x0, a + off, x1, b + off, gray=0.93)
            for bx0, bt, bx1, bb in ((x0, a, x1, a), (x0, b, x1, b), (x0, a, x0, b), (x1, a, x1, b)):
                if word:
                    s.bar(bx0 - 0.25, bt + off - 0.25, bx1 + 0.25, bb + off + 0.25)
                else:
                    s.line(bx0, bt + off, bx1, bb + off)
            for k, t in enumerate(lines(p)):
                top = v0 + 2 + k * lh
                if lo <= top and top + lh <= hi + 0.5:
                    s.text(x0 + 2, top + off, t, size)
        out.append(s.content())
    return out


@pytest.mark.parametrize("word", [False, True], ids=["ruled-lines", "word-bars-and-shading"])
def test_a_row_broken_over_a_page_is_one_row_again(tmp_path: Path, word: bool) -> None:
    from pdf_support import minimal_pdf
    from workbook_support import INPUTS, read

    original = read(INPUTS / "2021.xlsx", 2021)
    table = original.spec.table("requests")
    path = tmp_path / "hand.pdf"
    pages = _draw_over_two_pages(table, original.tables["requests"], "partial.natural", word)
    path.write_bytes(minimal_pdf(pages))
    imported, findings = import_report(path)
    got = {k: (v.state, v.number) for k, v in imported.tables["requests"].items()}
    assert got == {k: (v.state, v.number) for k, v in original.tables["requests"].items()}
    mine = [d for d in findings if d.sheet == table.sheet]
    assert not mine, [d.format() for d in mine]
    # The running header and the page numbers are not text.
    texts = [p.text for s in imported.sections.values() for p in s.paragraphs]
    assert not any("政务公开" in t or "—" in t for t in texts), texts


def test_mutated_pdfs_never_crash(tmp_path: Path) -> None:
    """Truncated and byte-garbled PDFs: a report or a Chinese refusal, never an exception, never a
    figure the document does not hold (seeded, so the same cases run every time)."""
    import random

    data = HONGZE.read_bytes()
    rnd = random.Random(17)
    for i in range(12):
        case = bytearray(data)
        if i % 3 == 0:
            del case[rnd.randrange(1000, len(case)) :]
        elif i % 3 == 1:
            for _ in range(30):
                case[rnd.randrange(len(case))] = rnd.randrange(256)
        else:
            for _ in range(5):
                k = rnd.randrange(len(case))
                case[k : k + rnd.randrange(1, 400)] = b""
        path = tmp_path / f"case{i}.pdf"
        path.write_bytes(bytes(case))
        try:
            report, _ = import_report(path)
        except InputError as exc:
            assert all(d.code.startswith("I") for d in exc.diagnostics)
            continue
        figures = {v.number for t in report.tables.values() for v in t.values() if v.state is State.NUMBER}
        assert figures <= {0, 1, 3, 4, 5, 10, 21, 195, 550, 4119, Decimal("7730.28")}, figures


# -- paragraphs rejoined ------------------------------------------------------------------------------------
PARAS = [
    # A sentence may end exactly at the right margin inside a paragraph: the next line, not
    # indented, goes on with it.
    "本年度，全区政府信息公开工作坚持以人民为中心的发展思想，紧扣中心工作，突出重点领域，全年主动公开信息八百条。"
    "同时加强政策解读工作，发布解读材料五十余篇，回应社会关切，取得了较好的效果。",
    "（一）主动公开情况。全年主动公开政府信息一千一百三十六条，其中规范性文件五件。",
    "下一步，我们将重点做好以下工作：",
    "1.加强依申请公开办理工作，严格按照法定期限答复申请人，进一步规范答复文书格式。",
    "2.加强平台建设，做好政府网站和政务新媒体的日常监管工作，确保信息发布及时准确。",
]


def _typeset(paragraphs: list[str], per_line: int = 28, size: float = 15.0) -> list[str]:
    """Paragraphs set as WPS sets them: first line indented two characters, lines full to the right
    margin, the page breaking where it falls; a running header, page numbers at the foot."""
    from pdf_support import Sheet

    lines: list[tuple[float, str]] = []
    for text in paragraphs:
        indent = 0 if text[0].isdigit() else 2  # numbered items here start at the margin
        first = per_line - indent
        lines.append((72 + indent * size, text[:first]))
        lines += [(72.0, text[i : i + per_line]) for i in range(first, len(text), per_line)]
    pages, sheet, top, n = [], None, 0.0, 0
    for x, text in lines:
        if sheet is None or top > 300:
            if sheet is not None:
                sheet.text(270, 790, f"— {n} —", 12)
                pages.append(sheet.content())
            n += 1
            sheet, top = Sheet(), 80.0
            sheet.text(220, 30, "示例区人民政府办公室", 10)
            if n == 1:
                sheet.text(150, 40, "示例区人民政府2023年政府信息公开工作年度报告", 16)
                sheet.text(102, 62, "一、总体情况", 15)
        sheet.text(x, top, text, size)
        top += 28
    sheet.text(270, 790, f"— {n} —", 12)
    pages.append(sheet.content())
    return pages


def test_lines_are_rejoined_into_paragraphs_across_pages(tmp_path: Path) -> None:
    from pdf_support import minimal_pdf

    path = tmp_path / "text.pdf"
    pages = _typeset(PARAS)
    assert len(pages) == 2  # the test means a paragraph going on over the page break
    assert PARAS[0][26:54].endswith("。")  # … and a sentence ending right at the margin
    path.write_bytes(minimal_pdf(pages))
    report, findings = import_report(path)
    assert [p.text for p in report.sections["overview"].paragraphs] == PARAS
    assert "I055" not in {d.code for d in findings}


def test_text_turned_sideways_is_named_not_dropped_silently(tmp_path: Path) -> None:
    from pdf_support import Sheet, minimal_pdf

    pages = _typeset(PARAS)
    turned = Sheet()
    for k in range(3):
        turned.sideways(300 + 30 * k, 500, "草稿", 20)
    pages[1] += "\n" + turned.content()
    path = tmp_path / "turned.pdf"
    path.write_bytes(minimal_pdf(pages))
    report, findings = import_report(path)
    assert [p.text for p in report.sections["overview"].paragraphs] == PARAS
    (turned,) = [d for d in findings if d.code == "I055"]
    assert "第 2 页 6 个" in turned.message
