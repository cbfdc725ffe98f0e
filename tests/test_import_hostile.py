"""generate import against pages and Word files built to fool it (issue 14, items 2–4): a figure is
read as shown, or the cell gets a finding saying what was left out; a broken table never shifts a
figure into another column; nothing on the page is dropped without a word."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

import pytest
from hostile.corpus import rezip
from lxml import etree
from workbook_support import INPUTS, read

from generator.cli import main as generate_main
from generator.diagnostics import Severity
from generator.importer import import_report
from generator.model import State

YEAR = 2021
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
DECLS = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
NEW = "一、本年新收政府信息公开申请数量"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("published")
    assert generate_main(["--year", str(YEAR), "--input", str(INPUTS / f"{YEAR}.xlsx"), "--output-dir", str(out)]) == 0
    return {f.suffix[1:]: f for f in (out / str(YEAR)).iterdir()}


@pytest.fixture(scope="module")
def original():
    return read(INPUTS / f"{YEAR}.xlsx", YEAR)


def _figures(report) -> dict:
    return {t: {k: (v.state, v.number) for k, v in vals.items()} for t, vals in report.tables.items()}


def _codes(findings) -> list[str]:
    return [d.code for d in findings]


# -- pages ---------------------------------------------------------------------------------------


def _page(published, tmp_path: Path, edit) -> Path:
    text = edit(published["html"].read_text(encoding="utf-8"))
    path = tmp_path / "edited.html"
    path.write_text(text, encoding="utf-8")
    return path


def _cell(cid: str, value: str):
    def edit(text: str) -> str:
        text, n = re.subn(rf'(<td id="{cid}"[^>]*>)[^<]*(</td>)', lambda m: m.group(1) + value + m.group(2), text)
        assert n == 1
        return text

    return edit


def _remove(pattern: str):
    def edit(text: str) -> str:
        text, n = re.subn(pattern, "", text, count=1)
        assert n == 1
        return text

    return edit


# -- Word files ----------------------------------------------------------------------------------


def _frag(xml: str) -> list[etree._Element]:
    return list(etree.fromstring(f"<root {DECLS}>{xml}</root>"))


def _docx(published, tmp_path: Path, edit, parts: dict[str, bytes] | None = None) -> Path:
    src = published["docx"]
    with zipfile.ZipFile(src) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    replace = {"word/document.xml": etree.tostring(root if edit(root) is None else root, encoding="UTF-8")}
    replace.update(parts or {})
    path = tmp_path / "edited.docx"
    path.write_bytes(rezip(src.read_bytes(), replace))
    return path


def _text_of(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _row(root: etree._Element, label: str) -> etree._Element:
    (tr,) = [tr for tr in root.iter(f"{W}tr") if _text_of(tr.find(f"{W}tc")) == label]
    return tr


def _set_runs(tc: etree._Element, runs: str) -> None:
    p = tc.find(f"{W}p")
    for r in p.findall(f"{W}r"):
        p.remove(r)
    p.extend(_frag(runs))


def _textbox(text: str) -> str:
    """A text box as Word saves it: the modern drawing and its VML fallback, each holding the text."""
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


# == item 2: a figure is read as shown ==========================================================


@pytest.mark.parametrize(
    "value, ignored, severity",
    [
        ("20①", "①", Severity.INFO),
        ("20<sup>1</sup>", "上标“1”", Severity.INFO),
        ("20<sup>注1</sup>", "上标“注1”", Severity.INFO),
        ('2<span style="display: none">9</span>0', "隐藏", Severity.WARNING),
        ("20[1]", "[1]", Severity.INFO),
        ('2<span style="font-size: 0px">9</span>0', "隐藏", Severity.WARNING),
        ('2<span style="opacity:0">9</span>0', "隐藏", Severity.WARNING),
    ],
    ids=["circled-mark", "sup", "sup-note", "hidden-span", "bracketed-note", "zero-size", "transparent"],
)
def test_a_page_figure_with_a_mark_is_read_as_shown_and_the_mark_named(
    published, tmp_path: Path, value: str, ignored: str, severity: Severity
) -> None:
    imported, findings = import_report(_page(published, tmp_path, _cell("requests-r4c4", value)))
    assert imported.tables["requests"]["new.natural"].number == 20
    (note,) = [d for d in findings if d.code == "I022"]
    assert ignored in note.message and "「20」" in note.message and note.severity is severity


@pytest.mark.parametrize(
    "rule, value",
    [
        (".fn{display:none}", '2<span class="note fn">9</span>0'),
        ("td span.x , .y { visibility : hidden }", '2<span class="x">9</span>0'),
        ("#n1{display:none !important}", '2<span id="n1">9</span>0'),
    ],
    ids=["class", "tag-class-in-a-list", "id"],
)
def test_a_page_figure_hidden_by_the_pages_style_sheet_is_not_read(
    published, tmp_path: Path, rule: str, value: str
) -> None:
    """Hidden by a rule in the page's <style>, not by the element's own style attribute."""

    def edit(text: str) -> str:
        return _cell("requests-r4c4", value)(text).replace("</head>", f"<style>{rule}</style></head>", 1)

    imported, findings = import_report(_page(published, tmp_path, edit))
    assert imported.tables["requests"]["new.natural"].number == 20
    (note,) = [d for d in findings if d.code == "I022"]
    assert "隐藏" in note.message and "9" in note.message


def test_a_print_only_rule_does_not_hide_text_on_the_screen(published, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = _cell("requests-r4c4", '2<span class="fn">9</span>0')(text)
        return text.replace("</head>", "<style>@media print { .fn { display: none } }</style></head>", 1)

    imported, _ = import_report(_page(published, tmp_path, edit))
    assert imported.tables["requests"]["new.natural"].number == 290


@pytest.mark.parametrize(
    "hidden",
    ['<span style="display:none">全年共新收政府信息公开申请999件。</span>', "<p hidden>全年共新收政府信息公开申请999件。</p>"],
    ids=["hidden-span", "hidden-paragraph"],
)
def test_hidden_text_of_a_page_is_not_report_text(published, tmp_path: Path, hidden: str) -> None:
    """As Word's hidden text: a browser does not show it, so it is neither imported nor checked."""

    def edit(text: str) -> str:
        at = text.index("</p>", text.index("一、总体情况"))
        return text[:at] + hidden + text[at:]

    imported, findings = import_report(_page(published, tmp_path, edit))
    assert not any("999" in p.text for s in imported.sections.values() for p in s.paragraphs)
    (note,) = [d for d in findings if d.code == "I026"]
    assert "隐藏" in note.message


R = "<w:r><w:t>{}</w:t></w:r>"
REV = 'w:id="{}" w:author="某人" w:date="2022-01-01T00:00:00Z"'


@pytest.mark.parametrize(
    "runs, ignored, severity",
    [
        (
            R.format("20") + '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>',
            "上标",
            Severity.INFO,
        ),
        (R.format("2") + "<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r>" + R.format("0"), "隐藏", Severity.WARNING),
        (R.format("20") + f"<w:moveFrom {REV.format(1)}>{R.format('2')}</w:moveFrom>", "删除", Severity.WARNING),
        (
            f"<w:moveTo {REV.format(2)}>{R.format('2')}</w:moveTo><w:ins {REV.format(3)}>{R.format('0')}</w:ins>"
            f"<w:del {REV.format(4)}><w:r><w:delText>7</w:delText></w:r></w:del>",
            "删除",
            Severity.WARNING,
        ),
        (R.format("20") + _textbox("5"), "文本框", Severity.WARNING),
        (R.format("20") + '<w:r><w:footnoteReference w:id="1"/></w:r>', "脚注标记", Severity.INFO),
        (R.format("2") + "<w:r><w:rPr><w:strike/></w:rPr><w:t>9</w:t></w:r>" + R.format("0"), "删除线", Severity.WARNING),
        (R.format("2") + "<w:r><w:rPr><w:dstrike/></w:rPr><w:t>9</w:t></w:r>" + R.format("0"), "删除线", Severity.WARNING),
    ],
    ids=["superscript", "vanish", "move-from", "ins-del-move-to", "text-box", "footnote-reference", "strike", "dstrike"],
)
def test_a_word_figure_is_read_as_word_shows_it_and_what_was_left_out_named(
    published, tmp_path: Path, runs: str, ignored: str, severity: Severity
) -> None:
    def edit(root: etree._Element) -> None:
        _set_runs(_row(root, NEW).findall(f"{W}tc")[1], runs)

    imported, findings = import_report(_docx(published, tmp_path, edit))
    assert imported.tables["requests"]["new.natural"].number == 20
    (note,) = [d for d in findings if d.code == "I022"]
    assert ignored in note.message and note.severity is severity


WHITE = R.format("2") + '<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>9</w:t></w:r>' + R.format("0")


def _white_digit(root: etree._Element) -> None:
    _set_runs(_row(root, NEW).findall(f"{W}tc")[1], WHITE)
    _set_runs(_row(root, "规章").findall(f"{W}tc")[1], WHITE)  # a wide cell: 2[9]0 on one line in a PDF


def test_a_word_figure_with_a_white_digit_is_read_as_shown(published, tmp_path: Path) -> None:
    """White text on a cell's white paper is not seen: 2[9]0 shows 20."""
    imported, findings = import_report(_docx(published, tmp_path, _white_digit))
    assert imported.tables["requests"]["new.natural"].number == 20
    assert imported.tables["active"]["rules.made"].number == 20
    notes = [d for d in findings if d.code == "I022"]
    assert len(notes) == 2 and all("白色" in d.message and "9" in d.message for d in notes)
    assert all(d.severity is Severity.WARNING for d in notes)


def test_a_pdf_figure_with_a_white_digit_is_read_as_shown(published, tmp_path: Path) -> None:
    """The same Word file saved as PDF: the white digit is in the text layer, not on the page."""
    from workbook_support import convert

    pdf = convert(_docx(published, tmp_path, _white_digit), "pdf", tmp_path / "pdf")
    imported, findings = import_report(pdf)
    assert imported.tables["active"]["rules.made"].number == 20
    notes = [d for d in findings if d.code == "I022" and "白色" in d.message]
    assert notes and all("9" in d.message for d in notes)


@pytest.mark.parametrize(
    "style, ignored, severity",
    [
        ('<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>', "上标", Severity.INFO),
        ("<w:rPr><w:vanish/></w:rPr>", "隐藏", Severity.WARNING),
    ],
    ids=["superscript-style", "hidden-style"],
)
def test_hidden_or_raised_by_a_character_style_is_seen_too(
    published, tmp_path: Path, style: str, ignored: str, severity: Severity
) -> None:
    """The look can come from a style (based on another), not only from the run's own properties."""
    with zipfile.ZipFile(published["docx"]) as z:
        styles = z.read("word/styles.xml").decode()
    styles = styles.replace(
        "</w:styles>",
        f'<w:style w:type="character" w:styleId="Base1"><w:name w:val="注"/>{style}</w:style>'
        '<w:style w:type="character" w:styleId="Note1"><w:name w:val="注释"/><w:basedOn w:val="Base1"/></w:style>'
        "</w:styles>",
    )

    def edit(root: etree._Element) -> None:
        runs = R.format("20") + '<w:r><w:rPr><w:rStyle w:val="Note1"/></w:rPr><w:t>1</w:t></w:r>'
        _set_runs(_row(root, NEW).findall(f"{W}tc")[1], runs)

    imported, findings = import_report(_docx(published, tmp_path, edit, {"word/styles.xml": styles.encode()}))
    assert imported.tables["requests"]["new.natural"].number == 20
    (note,) = [d for d in findings if d.code == "I022"]
    assert ignored in note.message and note.severity is severity


def test_a_table_row_deleted_in_a_tracked_change_is_not_read(published, original, tmp_path: Path) -> None:
    """A row deleted with track changes on, left unaccepted above the real one: Word shows it struck
    through; it is not the report's row."""

    def edit(root: etree._Element) -> None:
        tr = _row(root, NEW)
        old = copy.deepcopy(tr)
        for tc in old.findall(f"{W}tc")[1:]:
            _set_runs(tc, R.format("99"))
        pr = old.find(f"{W}trPr")
        if pr is None:
            pr = etree.SubElement(old, f"{W}trPr")
            old.insert(0, pr)
        pr.append(_frag(f"<w:del {REV.format(9)}/>")[0])
        tr.addprevious(old)

    imported, findings = import_report(_docx(published, tmp_path, edit))
    assert _figures(imported) == _figures(original)
    (note,) = [d for d in findings if d.code == "I026"]
    assert "删除的表格行 1 处" in note.message
    assert not {"I010", "I018"} & set(_codes(findings))


# == item 3: a broken table never shifts a figure ===============================================


@pytest.mark.parametrize(
    "pattern, row",
    [(r'<td id="requests-r4c4"[^>]*>[^<]*</td>', "new"), (r'<th id="requests-r4c1"[^>]*>[^<]*</th>', "new")],
    ids=["first-figure-missing", "row-label-missing"],
)
def test_a_row_whose_cells_do_not_fit_the_table_is_named_and_not_read(
    published, original, tmp_path: Path, pattern: str, row: str
) -> None:
    imported, findings = import_report(_page(published, tmp_path, _remove(pattern)))
    values = imported.tables["requests"]
    assert all(v.state is State.BLANK for k, v in values.items() if k.startswith(f"{row}."))
    rest = {k: v for k, v in _figures(imported)["requests"].items() if not k.startswith(f"{row}.")}
    assert rest == {k: v for k, v in _figures(original)["requests"].items() if not k.startswith(f"{row}.")}
    (note,) = [d for d in findings if d.code == "I018"]
    assert "第 2 个表格第 4 行" in note.message
    assert not any("“总计”" in d.message and d.code == "I011" for d in findings)  # not the misleading message
    assert "I010" not in _codes(findings)  # the row's figures are named by I018, once


def test_the_only_row_of_a_table_missing_a_cell_is_measured_against_the_header(published, tmp_path: Path) -> None:
    """四 has one row of figures: with its first cell missing there is no other row to compare with,
    but its header (15 columns) still tells that every figure would move one column left."""
    imported, findings = import_report(_page(published, tmp_path, _remove(r'<td id="appeals-r4c1"[^>]*>[^<]*</td>')))
    assert all(v.state is State.BLANK for v in imported.tables["appeals"].values())
    (note,) = [d for d in findings if d.code == "I018"]
    assert "第 3 个表格第 4 行" in note.message and "占 14 栏" in note.message and "表头占 15 栏" in note.message
    assert not {"I010", "I013"} & set(_codes(findings))


def test_a_cell_wrapped_in_a_content_control_is_a_cell(published, original, tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        tc = _row(root, NEW).findall(f"{W}tc")[1]
        (sdt,) = _frag("<w:sdt><w:sdtPr><w:alias w:val='数'/></w:sdtPr><w:sdtContent/></w:sdt>")
        tc.addprevious(sdt)
        sdt.find(f"{W}sdtContent").append(tc)

    imported, findings = import_report(_docx(published, tmp_path, edit))
    assert _figures(imported) == _figures(original)
    assert not {"I010", "I011", "I018", "I019"} & set(_codes(findings))


def test_word_grid_columns_skipped_before_or_after_a_row_keep_its_cells_in_place(published, tmp_path: Path) -> None:
    """A Word row that starts at the second grid column (w:gridBefore) and ends early (w:gridAfter):
    its cells are where Word shows them, not moved left; the skipped columns are blank."""

    def edit(root: etree._Element) -> None:
        (tbl,) = [t for t in root.iter(f"{W}tbl") if "行政复议" in _text_of(t)]
        tr = tbl.findall(f"{W}tr")[-1]  # the one row of figures
        cells = tr.findall(f"{W}tc")
        tr.remove(cells[0])
        tr.remove(cells[-1])
        pr = tr.find(f"{W}trPr")
        if pr is None:
            pr = etree.SubElement(tr, f"{W}trPr")
            tr.insert(0, pr)
        pr.extend(_frag('<w:gridBefore w:val="1"/><w:gridAfter w:val="1"/>'))

    imported, findings = import_report(_docx(published, tmp_path, edit))
    got, want = _figures(imported)["appeals"], _figures(read(INPUTS / f"{YEAR}.xlsx", YEAR))["appeals"]
    assert got.pop("review.upheld")[0] is State.BLANK and got.pop("after.total")[0] is State.BLANK
    assert got == {k: v for k, v in want.items() if k in got}
    assert "I018" not in _codes(findings)


def test_a_header_span_that_disagrees_with_the_layout_is_named_and_its_columns_not_guessed(
    published, original, tmp_path: Path
) -> None:
    """法人或其他组织 spanning 4 columns, not 5: 其他 and 总计 would swap in every row."""

    def edit(text: str) -> str:
        text, n = re.subn(r'(<th id="requests-r2c5"[^>]*?)colspan="5"', r'\1colspan="4"', text)
        assert n == 1
        return text

    imported, findings = import_report(_page(published, tmp_path, edit))
    got, want = _figures(imported)["requests"], _figures(original)["requests"]
    for key, value in got.items():
        if key.endswith((".other_org", ".total")):
            assert value[0] is State.BLANK, key  # never the neighbour's figure
        else:
            assert value == want[key], key  # the columns the header places correctly are read
    (note,) = [d for d in findings if d.code == "I019"]
    assert "法人或其他组织" in note.message and "4" in note.message and "5" in note.message
    assert "I010" not in _codes(findings)


# == item 4: nothing dropped without a word =====================================================


def test_a_second_report_on_the_page_is_named(published, original, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        article = re.search(r"<article>.*</article>", text, re.S).group(0)
        second = article.replace("示例县教育局", "示例县卫生健康委员会")
        return text.replace("</article>", "</article>" + second, 1)

    imported, findings = import_report(_page(published, tmp_path, edit))
    assert _figures(imported) == _figures(original)
    assert imported.unit.name == original.unit.name
    assert [p.text for p in imported.sections["other"].paragraphs] == [
        p.text for p in original.sections["other"].paragraphs
    ]
    (note,) = [d for d in findings if d.code == "I032"]
    assert "示例县卫生健康委员会2021年政府信息公开工作年度报告" in note.message


def test_tables_after_the_signature_are_read(published, original, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        tables = re.findall(r'<div class="table-wrap".*?</table>\s*</div>', text, re.S)
        assert len(tables) == 3
        for t in tables:
            text = text.replace(t, "")
        return text.replace("</article>", "<p>附表</p>" + "".join(tables) + "</article>")

    imported, findings = import_report(_page(published, tmp_path, edit))
    assert _figures(imported) == _figures(original)
    assert not {"I010", "I011", "I014", "I015"} & set(_codes(findings))
    assert imported.unit.date == original.unit.date


def test_text_box_text_is_not_report_text_and_is_named(published, original, tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        (p,) = [p for p in root.iter(f"{W}p") if _text_of(p) == "本年度未收取信息处理费。"]
        p.extend(_frag(_textbox("文本框里的说明")))

    imported, findings = import_report(_docx(published, tmp_path, edit))
    assert [p.text for p in imported.sections["other"].paragraphs] == [
        p.text for p in original.sections["other"].paragraphs
    ]
    (note,) = [d for d in findings if d.code == "I024"]
    assert "文本框里的说明" in note.message and note.message.count("文本框里的说明") == 1


def test_alt_chunk_content_is_named_as_not_read(published, tmp_path: Path) -> None:
    src = published["docx"]
    with zipfile.ZipFile(src) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdAlt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
        'Target="afchunk.htm"/></Relationships>',
    )
    types = types.replace("</Types>", '<Default Extension="htm" ContentType="application/xhtml+xml"/></Types>')

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        body.find(f"{W}sectPr").addprevious(_frag('<w:altChunk r:id="rIdAlt1"/>')[0])

    path = _docx(
        published,
        tmp_path,
        edit,
        {"word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()},
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("word/afchunk.htm", "<html><body><p>补充说明：另有 12 件申请。</p></body></html>")
    _, findings = import_report(path)
    (note,) = [d for d in findings if d.code == "I025"]
    assert "没有读取" in note.message
