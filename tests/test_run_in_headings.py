"""Headings run into the body (“（一）主动公开方面。按照……”) as GB/T 9704 practice sets them (issue 8, item 14)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator.model import Paragraph
from generator.narrative import detect_level
from generator.render.docx import RUN_IN_STYLE, load_style, render_docx
from generator.render.html import render_html_text
from generator.render.outline import Heading, Outline, Para, _narrative_blocks

BODY = "按照上级部署，全年主动公开政府信息一百八十六条，其中政策文件二十一条，均在专栏集中公布。"


def blocks(*texts: str):
    return _narrative_blocks([Paragraph(t, detect_level(t)) for t in texts])


@pytest.mark.parametrize(
    "lead",
    ["一、总体情况。", "（一）主动公开方面。", "1.组织实施。", "（1）完成权责清单调整公开工作。", "（二）依申请公开："],
)
def test_a_numbered_paragraph_with_body_after_its_first_stop_is_a_run_in_heading(lead):
    [block] = blocks(lead + BODY)
    assert block == Para(lead + BODY, detect_level(lead), lead=lead)
    assert block.body == BODY


@pytest.mark.parametrize("text", ["（一）主动公开", "一、总体情况", "1.加强网站平台建设", "（3）其他"])
def test_a_short_numbered_line_without_a_sentence_is_a_standalone_heading(text):
    [block] = blocks(text)
    assert block == Heading(text, detect_level(text))


def test_a_long_first_level_or_second_level_paragraph_is_no_longer_a_heading():
    long_text = "（一）" + "全年主动公开政府信息情况良好各项工作有序推进" * 3  # no full stop at all
    [block] = blocks(long_text)
    assert isinstance(block, Para) and block.lead == ""


def test_a_short_sentence_is_a_heading_only_when_something_deeper_follows():
    # “1.加强用权公开工作。” opens a group of （1）items: a heading.
    opened = blocks("1.加强用权公开工作。", "（1）完成权责清单调整公开工作。" + BODY)
    assert opened[0] == Heading("1.加强用权公开工作。", 3)
    # “2.……不够规范。” between siblings is an item of a list, in the body face like its siblings.
    items = blocks(
        "1.政府信息公开工作人员变动频繁，没有专职工作人员负责，工作上交接不到位。", "2.线下专区建设不够规范。"
    )
    assert all(isinstance(b, Para) and not b.lead for b in items)


def test_a_first_stop_far_into_the_paragraph_is_no_heading():
    text = "（1）在市政府网站上开设统筹推进疫情防控和经济社会发展专题专栏并做好疫情防控常态化下的信息发布工作。" + BODY
    [block] = blocks(text)
    assert isinstance(block, Para) and block.lead == ""


def _outline(*texts: str) -> Outline:
    return Outline(title="测试", blocks=[*blocks(*texts)])


def test_docx_sets_the_lead_in_the_heading_face_and_the_body_in_the_body_face():
    st = load_style()
    buf = io.BytesIO()
    render_docx(_outline("（一）主动公开", BODY, "（二）依申请公开方面。" + BODY, "1.组织实施。" + BODY), buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    paras = {p.text: p for p in doc.paragraphs}
    standalone = paras["（一）主动公开"]
    assert standalone.style.name == "Heading 2" and standalone.style.paragraph_format.keep_with_next

    for text, level in (("（二）依申请公开方面。", 2), ("1.组织实施。", 3)):
        p = paras[text + BODY]
        assert p.style.name == "Normal", "a run-in heading is body text: no keep-with-next"
        assert p.paragraph_format.keep_with_next is None and not p.style.paragraph_format.keep_with_next
        lead, body = p.runs
        assert (lead.text, body.text) == (text, BODY)
        assert lead.style.name == RUN_IN_STYLE.format(level)
        face = st[f"heading{level}"]
        fonts = lead._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == face["font"]
        assert bool(lead.style.font.bold) == bool(face.get("bold", False))
        assert body._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == st["body"]["font"]
        assert not body.bold and body.style.name == "Default Paragraph Font"


def test_html_marks_the_lead_inside_the_paragraph():
    html = render_html_text(_outline("（一）主动公开", BODY, "（二）依申请公开方面。" + BODY))
    assert '<h3 class="level-2">（一）主动公开</h3>' in html
    assert f'<p class="run-in"><strong class="lead level-2">（二）依申请公开方面。</strong>{BODY}</p>' in html
