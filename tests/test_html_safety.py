"""Workbook text never becomes markup or template code: it shows literally in both outputs.

The page itself carries no script, no external resource and no inline event handler.
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hostile.corpus import SEED, _put_everywhere

from generator.cli import main

PAYLOADS = (
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    '" onmouseover="x',
    "javascript:alert(1)",
    "<img src=x onerror=alert(1)>",
    "{# c #}",
    "</p><iframe src=http://evil.example></iframe>",
    "&amp;&lt;",
    "𠀀𪚥😀",
)
PAYLOAD = "".join(PAYLOADS)
# Fields the report prints (单位名称 is printed only when 报告标题 is left blank; the contact
# details reach the report only as the clerk's own 引言 text, which is 正文).
SHOWN = ("报告标题", "落款单位", "标题", "正文")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[str, str]:
    """(page source, Word text) of a report whose every text field holds every payload."""
    work = tmp_path_factory.mktemp("payload")
    src = work / "2020.xlsx"
    wb = openpyxl.load_workbook(SEED)
    _put_everywhere(wb, PAYLOAD)
    wb.save(src)
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(work / "out")]) == 0
    files = sorted((work / "out" / "2020").iterdir())
    page = next(p for p in files if p.suffix == ".html").read_text("utf-8")
    doc = Document(str(next(p for p in files if p.suffix == ".docx")))
    words = [p.text for p in doc.paragraphs]
    words += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for section in doc.sections:
        words += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return page, "\n".join(words)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def test_page_has_no_script_external_resource_or_handler(outputs) -> None:
    page, _ = outputs
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert not {"script", "iframe", "object", "embed", "img", "link", "a", "form", "base"} & set(tags), tags
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "href", "action", "formaction", "srcset"), (tag, name, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert not re.search(r"url\(|@import|https?://(?!www\.zp\.gov\.cn)", _style(page)), "no external resource in CSS"
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page


def _style(page: str) -> str:
    return "".join(re.findall(r"<style>(.*?)</style>", page, re.S))


def test_every_payload_shows_literally_on_the_page(outputs) -> None:
    page, _ = outputs
    text = "".join(_parse(page).text)
    for field in SHOWN:
        assert f"{PAYLOAD}{field}" in text or f"{field}{PAYLOAD}" in text, field
    assert PAYLOAD + "结束" in text
    assert "49" not in text.replace("2021", "").split(PAYLOAD)[1][:5], "{{ 7*7 }} was not evaluated"
    # The raw source escapes every angle bracket and quote that came from the workbook.
    assert "<script>" not in page and "<iframe" not in page and "<img" not in page
    assert htmllib.escape("<script>alert(1)</script>", quote=False) in page


def test_every_payload_shows_literally_in_the_word_file(outputs) -> None:
    _, words = outputs
    for field in SHOWN:
        assert f"{PAYLOAD}{field}" in words or f"{field}{PAYLOAD}" in words, field
    assert words.count(PAYLOAD) >= 6
    assert "{{" in words and "49" not in words.split(PAYLOAD)[1][:3]


def test_the_title_tag_and_caption_escape_the_unit_name(outputs) -> None:
    page, _ = outputs
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and "&lt;script&gt;" in title.group(1)


def test_shipped_template_keeps_autoescape_on() -> None:
    root = Path(__file__).resolve().parent.parent / "templates"
    source = (root / "report.html.j2").read_text("utf-8")
    assert "autoescape false" not in source and "| safe" not in source and "|safe" not in source


def test_unit_name_payload_in_the_generated_title_and_file_name(tmp_path) -> None:
    src = tmp_path / "2020.xlsx"
    wb = openpyxl.load_workbook(SEED)
    wb["单位信息"]["B2"] = PAYLOAD
    wb["单位信息"]["B3"] = None  # 报告标题 blank: the title is built from the unit name
    wb.save(src)
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(tmp_path / "out")]) == 0
    files = sorted((tmp_path / "out" / "2020").iterdir())
    assert len(files) == 2 and all(p.parent == tmp_path / "out" / "2020" for p in files)
    page = files[1].read_text("utf-8")
    h1 = "".join(_parse(re.search(r"<h1>.*?</h1>", page, re.S).group(0)).text)
    assert h1.startswith(PAYLOAD)
    words = [p.text for p in Document(str(files[0])).paragraphs]
    assert any(w.startswith(PAYLOAD) for w in words)
    assert "＜script＞" in files[0].name
