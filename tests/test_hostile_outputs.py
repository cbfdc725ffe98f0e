"""Outputs are all-or-nothing, stay inside the output folder, and the input is never written."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest
from hostile.corpus import SEED

from generator import output
from generator.cli import main


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def first_run(tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """A workbook, an output folder holding last run's report, and that report's bytes."""
    src = tmp_path / "2020.xlsx"
    shutil.copy(SEED, src)
    out = tmp_path / "outputs"
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 0
    before = _files(out)
    assert len(before) == 2
    return src, out, before


def test_failure_while_rendering_html_leaves_previous_outputs(first_run, monkeypatch, capsys) -> None:
    src, out, before = first_run
    import generator.render.html as html

    def broken(*_a, **_k):
        raise RuntimeError("injected failure after the DOCX was rendered")

    monkeypatch.setattr(html, "render_html", broken)
    wb = openpyxl.load_workbook(src)
    wb["单位信息"]["B2"] = "另一个单位"  # a run that would produce different files
    wb.save(src)
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 3
    assert "Traceback" not in capsys.readouterr().err
    assert _files(out) == before


def test_failure_while_writing_second_file_leaves_previous_outputs(first_run, monkeypatch) -> None:
    src, out, before = first_run
    real_fdopen = os.fdopen
    opened = []

    def fdopen(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        opened.append(fh)
        if len(opened) == 2:  # the second temporary file: fail in the middle of writing it
            fh.write(b"half")
            raise OSError(28, "No space left on device")
        return fh

    monkeypatch.setattr(output.os, "fdopen", fdopen)
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 2
    assert _files(out) == before, "previous outputs untouched, no temporary files left"


def test_failure_while_renaming_second_file_restores_first(first_run, monkeypatch) -> None:
    src, out, before = first_run
    real_replace = os.replace
    calls = []

    def replace(a, b):
        calls.append(b)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")  # the HTML is open in another program
        return real_replace(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    (out / "2020").joinpath("keep.txt").write_text("x")
    before = _files(out)
    wb = openpyxl.load_workbook(src)
    wb["引言"]["A5"] = "新增一段正文。"  # the new DOCX differs from the old one
    wb.save(src)
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 2
    assert _files(out) == before


def test_input_is_never_written_even_when_read_only(tmp_path) -> None:
    src = tmp_path / "2020.xlsx"
    shutil.copy(SEED, src)
    os.chmod(src, stat.S_IRUSR | stat.S_IRGRP)
    data, mtime = src.read_bytes(), src.stat().st_mtime_ns
    for argv in (
        ["check", "--year", "2020", "--input", str(src)],
        ["--year", "2020", "--input", str(src), "--output-dir", str(tmp_path / "o")],
    ):
        assert main(argv) in (0, 1)
    assert src.read_bytes() == data
    assert src.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2020.xlsx", "o"]


def test_unwritable_output_folder_gets_a_clear_message(tmp_path, capsys) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("a file where the output folder should be")
    assert main(["--year", "2020", "--input", str(SEED), "--output-dir", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "无法写入输出文件夹" in err and "没有写出任何新文件" in err and "Traceback" not in err
    assert blocker.read_text() == "a file where the output folder should be"


def test_read_only_output_folder_gets_a_clear_message(tmp_path, capsys) -> None:
    if os.geteuid() == 0:
        # Root ignores permission bits; sysfs refuses new files even to root (CI runs as root).
        out = Path("/sys/nianbao-outputs")
        assert main(["--year", "2020", "--input", str(SEED), "--output-dir", str(out)]) == 2
    else:
        out = tmp_path / "outputs"
        (out / "2020").mkdir(parents=True)
        os.chmod(out / "2020", stat.S_IRUSR | stat.S_IXUSR)
        try:
            assert main(["--year", "2020", "--input", str(SEED), "--output-dir", str(out)]) == 2
        finally:
            os.chmod(out / "2020", stat.S_IRWXU)
    assert "没有访问权限" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../逃逸/单位", "逃逸／单位"),
        ("市政府/办公室", "市政府／办公室"),
        ('A:B*C?D"E<F>G|H\\I', "A：B＊C？D＂E＜F＞G｜H＼I"),
        ("..", "政府信息公开工作年度报告"),
        ("CON", "CON"),
        ("报告\u202etxt.exe", "报告txt.exe"),
    ],
)
def test_unit_name_never_escapes_outputs_and_stays_readable(name: str, expected: str, tmp_path) -> None:
    src = tmp_path / "in" / "2020.xlsx"
    src.parent.mkdir()
    wb = openpyxl.load_workbook(SEED)
    wb["单位信息"]["B2"] = name
    wb.save(src)
    out = tmp_path / "outputs"
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 0
    everything = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    written = [p for p in everything if p != src]
    assert len(written) == 2
    for p in written:
        assert p.parent == out / "2020"
        assert p.resolve().parent == (out / "2020").resolve()
        assert len(p.name.encode()) < 255
    stem = written[0].stem
    assert expected in stem, stem
    assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
