"""A report with 错误 is visibly a draft in both outputs, and only then (issue 8, item 17)."""

from __future__ import annotations

import io
import json

import pytest
from conftest import INPUTS
from docx import Document
from docx.oxml.ns import qn

from generator.cli import main as generate_main
from generator.formats import format_for_year
from generator.render.docx import render_docx
from generator.render.html import render_html_text
from generator.render.outline import build_outline
from generator.workbook import read_workbook

VML_TEXTPATH = "{urn:schemas-microsoft-com:vml}textpath"


def _errors(year: int, capsys) -> int:
    generate_main(["check", "--year", str(year), "--input", str(INPUTS / f"{year}.xlsx"), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    return sum(1 for f in findings if f["severity"] == "错误")


def _header_texts(doc) -> list[str]:
    section = doc.sections[0]
    return [
        "".join(p.text for p in h.paragraphs)
        for h in (section.header, section.even_page_header)
        if h.is_linked_to_previous is False
    ]


def _watermarks(doc) -> list[str]:
    section = doc.sections[0]
    return [
        el.get("string")
        for h in (section.header, section.even_page_header)
        if not h.is_linked_to_previous
        for el in h._element.iter(VML_TEXTPATH)
        if el.get("string")
    ]


def test_the_example_with_errors_is_a_draft_and_the_clean_one_is_not(generated, capsys):
    """The CLI passes the validation's 错误 count on: 2020 (the seed, with its real mistakes) vs 2021."""
    assert _errors(2020, capsys) > 0 and _errors(2021, capsys) == 0
    n = _errors(2020, capsys)
    draft = Document(str(generated[2020].docx))
    headers = _header_texts(draft)
    assert len(headers) == 2, "odd and even pages both carry the notice"
    assert all(h == f"草稿：校验发现 {n} 条错误，改正前不得签发或发布" for h in headers)
    assert _watermarks(draft) == ["草稿", "草稿"]
    html = generated[2020].html.read_text(encoding="utf-8")
    assert f'<div class="draft-banner" role="alert">草稿：校验发现 {n} 条错误' in html
    assert "<title>【草稿】" in html
    assert '<meta name="robots" content="noindex">' in html, "search engines must not keep a draft"

    final = Document(str(generated[2021].docx))
    assert not any(_header_texts(final)) and _watermarks(final) == []
    html = generated[2021].html.read_text(encoding="utf-8")
    assert 'draft-banner"' not in html and "草稿" not in html


@pytest.mark.parametrize("errors", [0, 1, 12])
def test_the_notice_follows_the_count_it_is_given(errors):
    report, _ = read_workbook(INPUTS / "2021.xlsx", format_for_year(2021), 2021)
    outline = build_outline(report, errors=errors)
    buf = io.BytesIO()
    render_docx(outline, buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    html = render_html_text(outline)
    if errors:
        assert _header_texts(doc) == [f"草稿：校验发现 {errors} 条错误，改正前不得签发或发布"] * 2
        run = doc.sections[0].header.paragraphs[0].runs[0]
        assert run.font.color.rgb is not None and run.font.bold
        assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        assert f"校验发现 {errors} 条错误" in html
    else:
        assert not any(_header_texts(doc)) and _watermarks(doc) == []
        assert "草稿" not in html
    # The body of the report is the same either way: the notice is not part of its text.
    assert not any("草稿" in p.text for p in doc.paragraphs)


def test_strict_still_writes_nothing_for_a_report_with_errors(tmp_path, capsys):
    code = generate_main(
        ["--year", "2020", "--input", str(INPUTS / "2020.xlsx"), "--output-dir", str(tmp_path), "--strict"]
    )
    assert code == 1 and not any(tmp_path.rglob("*.docx"))


def test_a_units_older_style_file_without_a_draft_section_still_marks_the_draft():
    from generator.render.docx import load_style

    style = load_style()
    del style["draft"]
    report, _ = read_workbook(INPUTS / "2021.xlsx", format_for_year(2021), 2021)
    buf = io.BytesIO()
    render_docx(build_outline(report, errors=2), buf, style)
    doc = Document(io.BytesIO(buf.getvalue()))
    assert _header_texts(doc) == ["草稿：校验发现 2 条错误，改正前不得签发或发布"] * 2
    assert _watermarks(doc) == ["草稿", "草稿"]
