"""Wording lives in templates; the clerk's text is data, never template code (issue 2, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
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
    for f in (root / "templates").rglob("*"):
        if f.is_file():  # a sub-folder's files by their path: web/desk.html matches web/*.html
            name = f.relative_to(root / "templates").as_posix()
            assert any(fnmatch.fnmatch(name, p) for p in patterns), f"{name} would be left out of the wheel"


# ── a unit's own templates folder with a mistake in it: file and line named, exit 2 ──────────

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _replace_line(path: Path, old: str, new: str, encoding: str = "utf-8") -> int:
    """Replace old by new on the first line holding it; the 1-based line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if old in line)
    lines[n] = lines[n].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding=encoding)
    return n + 1


def _to_gbk(path: Path) -> int:
    """Save the file as Notepad's ANSI does on a Chinese Windows; the first line that is not UTF-8."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="gbk")
    return next(i for i, line in enumerate(text.split("\n"), 1) if not line.isascii())


def _in_section(path: Path, section: str, key: str, value: str) -> int:
    """Set key = value inside [section] of the TOML file; the line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"[{section}]")
    n = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{key} ="))
    lines[n] = f"{key} = {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return n + 1


BREAKAGES = {
    # name: (file, how to break it → line, fragments the message must hold besides file and line)
    "jinja_syntax": ("wording.j2", lambda p: _replace_line(p, "{%- endmacro -%}", "{%- endmacr -%}"), ("语法错误",)),
    "gbk_template": ("wording.j2", lambda p: _to_gbk(p), ("UTF-8", "另存为")),
    "undefined_name": (
        "report.html.j2",
        lambda p: _replace_line(p, "{{ outline.title }}", "{{ outline.titel }}"),
        ("titel", "该行内容"),
    ),
    "size_not_a_size": ("docx_style.toml", lambda p: _in_section(p, "body", "size_pt", '"十六"'), ("size_pt", "三号")),
    "toml_syntax": ("docx_style.toml", lambda p: _in_section(p, "heading1", "font", "黑体"), ("TOML", "双引号")),
    "out_of_range": ("docx_style.toml", lambda p: _in_section(p, "page", "left_mm", "280"), ("left_mm", "范围")),
    "gbk_style": ("docx_style.toml", lambda p: _to_gbk(p), ("UTF-8",)),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_a_broken_template_is_named_with_its_line(name, tmp_path, monkeypatch, capsys):
    file, breaks, says = BREAKAGES[name]
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    line = breaks(templates / file)
    monkeypatch.setenv("NIANBAO_TEMPLATES", str(templates))
    out = tmp_path / "out"
    code = generate_main(["--year", "2020", "--input", str(INPUTS / "2020.xlsx"), "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "程序内部错误" not in err and "Traceback" not in err
    assert str(templates / file) in err and f"第 {line} 行" in err, err
    for fragment in says:
        assert fragment in err, err
    assert not out.exists() or not any(out.rglob("*.*")), "nothing is written"


@pytest.mark.parametrize("missing", ["wording.j2", "report.css", "docx_style.toml", "the whole folder"])
def test_a_templates_folder_missing_a_file_says_which(missing, tmp_path, monkeypatch, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    if missing == "the whole folder":
        shutil.rmtree(templates)
    else:
        (templates / missing).unlink()
    monkeypatch.setenv("NIANBAO_TEMPLATES", str(templates))
    code = generate_main(["--year", "2020", "--input", str(INPUTS / "2020.xlsx"), "--output-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "程序内部错误" not in err and str(templates) in err
    assert (missing in err) if missing != "the whole folder" else ("不存在" in err)


def test_font_sizes_may_be_written_by_their_chinese_names(tmp_path, monkeypatch):
    """body 小四 (12 pt), heading1 三号 (16 pt), title 2号 (22 pt): as Word's size box names them."""
    from docx import Document
    from docx.shared import Pt

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    style = templates / "docx_style.toml"
    _in_section(style, "body", "size_pt", '"小四"')
    _in_section(style, "heading1", "size_pt", '"三号"')
    _in_section(style, "title", "size_pt", '"2号"')
    monkeypatch.setenv("NIANBAO_TEMPLATES", str(templates))
    docx, _ = _generate(INPUTS / "2020.xlsx", tmp_path / "out")
    styles = Document(str(docx)).styles
    assert styles["Normal"].font.size == Pt(12)
    assert styles["Heading 1"].font.size == Pt(16)
    assert styles["报告标题"].font.size == Pt(22)


def test_the_shipped_style_file_passes_its_own_check():
    from generator.render.docx_style import OPTIONAL_SECTIONS, SCHEMA, load_style

    style = load_style(TEMPLATES / "docx_style.toml")
    assert set(SCHEMA) - OPTIONAL_SECTIONS <= set(style)
    for section, values in style.items():  # every key the shipped file sets is one the check knows
        assert section in SCHEMA and set(values) <= set(SCHEMA[section]), section
