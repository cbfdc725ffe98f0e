"""Wording lives in templates; the clerk's text is data, never template code (issue 2, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import INPUTS
from extract import norm, read_docx, read_html
from openpyxl import load_workbook

from generator.cli import main as generate_main


def _generate(workbook: Path, out: Path) -> tuple[Path, Path]:
    assert generate_main(["--year", "2020", "--input", str(workbook), "--output-dir", str(out)]) == 0
    files = sorted((out / "2020").iterdir())
    return next(p for p in files if p.suffix == ".docx"), next(p for p in files if p.suffix == ".html")


def test_changing_a_heading_in_the_template_changes_both_outputs(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", templates)
    wording = templates / "wording.j2"
    text = wording.read_text(encoding="utf-8")
    assert '2: "主动公开政府信息情况"' in text
    wording.write_text(text.replace('2: "主动公开政府信息情况"', '2: "主动公开政府信息的情况（改）"'), encoding="utf-8")
    monkeypatch.setenv("NIANBAO_TEMPLATES", str(templates))
    docx, html = _generate(INPUTS / "2020.xlsx", tmp_path / "out")
    for doc in (read_docx(docx), read_html(html)):
        assert norm("二、主动公开政府信息的情况（改）") in doc.paragraphs
        assert norm("二、主动公开政府信息情况") not in doc.paragraphs


def _workbook_with(tmp_path: Path, payload: str) -> Path:
    wb = load_workbook(INPUTS / "2020.xlsx")
    ws = wb["总体情况"]
    header = next(c.row for c in ws["A"] if c.value == "内容")
    ws.cell(header + 1, 1).value = payload
    wb["单位信息"]["B2"].value = "漳平市人民政府<b>"
    path = tmp_path / "payload.xlsx"
    wb.save(path)
    return path


def test_clerk_text_that_looks_like_code_appears_literally(tmp_path):
    payload = "{{ 7*7 }} {% if true %}x{% endif %} <script>alert(1)</script> &amp;"
    docx, html = _generate(_workbook_with(tmp_path, payload), tmp_path / "out")
    for doc in (read_docx(docx), read_html(html)):
        assert norm(payload) in doc.paragraphs
        assert not any("49" == p for p in doc.paragraphs)
    raw = html.read_text(encoding="utf-8")
    assert "<script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "&lt;b&gt;" in raw  # the unit name in the title is escaped too


def test_an_installed_wheel_carries_every_template():
    """templates/ sits outside the package; pyproject maps it in. A new kind of file must be listed."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parent.parent
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setup["package-dir"]["generator.templates"] == "templates"
    patterns = setup["package-data"]["generator.templates"]
    for f in (root / "templates").iterdir():
        assert any(fnmatch.fnmatch(f.name, p) for p in patterns), f"{f.name} would be left out of the wheel"
