"""Rendering many reports in one process (batch, roll-up) reuses one template document per style:
nothing of one report may leak into the next, and the bytes must be those of a fresh process."""

from __future__ import annotations

import io
from pathlib import Path

from extract import read_docx

from generator.formats import format_for_year
from generator.render import docx as docx_render
from generator.render.outline import build_outline
from generator.workbook import read_workbook

ROOT = Path(__file__).resolve().parent.parent


def _outline(year: int, errors: int):
    report, _ = read_workbook(ROOT / "inputs" / f"{year}.xlsx", format_for_year(year), year)
    return build_outline(report, errors=errors)


def _render(outline) -> bytes:
    buf = io.BytesIO()
    docx_render.render_docx(outline, buf)
    return buf.getvalue()


def test_each_report_renders_as_in_a_fresh_process_whatever_came_before(monkeypatch) -> None:
    cases = {
        "2020-draft": _outline(2020, errors=4),
        "2021": _outline(2021, errors=0),
        "2021-draft": _outline(2021, errors=1),
        "2020": _outline(2020, errors=0),
    }
    fresh = {}
    for name, outline in cases.items():
        monkeypatch.setattr(docx_render, "_TEMPLATES", {})
        fresh[name] = _render(outline)
    monkeypatch.setattr(docx_render, "_TEMPLATES", {})
    for order in (list(cases), list(reversed(cases)), list(cases)):
        for name in order:
            assert _render(cases[name]) == fresh[name], f"{name} after {order}"


def test_a_draft_notice_and_the_text_belong_to_their_own_report(tmp_path: Path) -> None:
    first, second = _outline(2020, errors=4), _outline(2021, errors=1)
    _render(first)
    path = tmp_path / "second.docx"
    path.write_bytes(_render(second))
    text = "\n".join(read_docx(path).paragraphs)
    assert "漳平" not in text and "示例县教育局" in text
    from docx import Document

    headers = [p.text for p in Document(str(path)).sections[0].header.paragraphs]
    assert any("1 条错误" in h for h in headers) and not any("4 条错误" in h for h in headers)
