"""generate batch: every unit rendered, a bad file never stops the others, Ctrl-C leaves only whole files."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import zipfile
from pathlib import Path

import pytest
from rollup_support import YEAR, county, record_pools, set_unit

from generator.cli import main
from generator.provenance import read_recorded, sha256_of

CLI = [sys.executable, "-m", "generator.cli"]
ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def _whole(folder: Path) -> None:
    """A unit's folder holds exactly one complete DOCX and one complete HTML, no temporaries."""
    files = sorted(p.suffix for p in folder.iterdir())
    assert files == [".docx", ".html"], (folder, files)
    docx = next(folder.glob("*.docx"))
    with zipfile.ZipFile(docx) as zf:
        assert zf.testzip() is None and "word/document.xml" in zf.namelist()
    assert next(folder.glob("*.html")).read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_every_unit_is_rendered_and_a_bad_file_stops_nothing(tmp_path, monkeypatch, capsys):
    inputs = county(tmp_path)
    (inputs / str(YEAR) / "~$教育局.xlsx").write_bytes(b"\x0bWPS lock\x00" * 10)
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "--year", str(YEAR), "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    folders = sorted(p for p in (tmp_path / "outputs" / str(YEAR)).iterdir())
    assert len(folders) == 13
    for f in folders:
        _whole(f)
    assert (tmp_path / "outputs" / str(YEAR) / "示例县西河镇人民政府").is_dir()
    assert "~$教育局.xlsx" in out and "无法读取" in out
    assert out.count("：已生成 ") == 13
    assert "共 14 个文件，已生成 13 个单位，失败 1 个" in out
    # 西河镇 has one 错误 (placeholder text): its outputs are drafts, as `generate` would say.
    assert "示例县西河镇人民政府：已生成" in out and "错误 1 条，警告 0 条，标为草稿" in out
    assert "其中 1 个单位的报告标为草稿" in out and out.count("标为草稿") == 2
    assert "示例县西河镇人民政府" in out.split("其中 1 个单位")[1]


def test_ctrl_c_stops_cleanly_leaving_only_complete_files(tmp_path):
    inputs = county(tmp_path)
    units = inputs / str(YEAR)
    for i, src in enumerate(sorted(units.glob("*.xlsx"))):
        for copy in range(2):
            target = units / f"{src.stem}-{copy}.xlsx"
            shutil.copy(src, target)
            set_unit(target, "单位名称", f"副本{i}-{copy}单位")
    total = len(list(units.glob("*.xlsx")))
    proc = subprocess.Popen(
        [*CLI, "batch", "--year", str(YEAR), "--jobs", "1"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = proc.stdout.readline()
    assert first.startswith("[1/"), first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "已中断" in err and "Traceback" not in err
    folders = list((tmp_path / "outputs" / str(YEAR)).iterdir())
    assert 1 <= len(folders) < total
    for f in folders:
        _whole(f)
    assert "批量生成已中断" in out


def test_a_terminal_gets_a_progress_bar(tmp_path):
    inputs = county(tmp_path)
    for p in list((inputs / str(YEAR)).glob("*.xlsx"))[2:]:
        p.unlink()
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100-column terminal
    proc = subprocess.Popen(
        [*CLI, "batch", "--year", str(YEAR), "--jobs", "1"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(controller)
    assert proc.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "2/2" in text and "个单位" in text  # tqdm's bar, counting units
    assert "[1/2]" not in out  # no plain per-unit lines when a person watches a bar
    assert "已生成 2 个单位" in out


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_below_one_mean_every_core(tmp_path, monkeypatch, jobs):
    inputs = county(tmp_path)
    for p in list((inputs / str(YEAR)).glob("*.xlsx"))[1:]:
        p.unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "--year", str(YEAR), "--jobs", jobs]) == 0


def test_batch_finds_sub_folders_uses_last_years_workbook_and_skips_another_years(tmp_path, monkeypatch, capsys):
    inputs = county(tmp_path)
    units = inputs / str(YEAR)
    (units / "乡镇").mkdir()
    shutil.move(units / "东山乡.xlsx", units / "乡镇" / "东山乡.xlsx")
    shutil.copy(units / "公安局.xlsx", units / "公安局2021.xlsx")
    set_unit(units / "公安局2021.xlsx", "报告年度", 2021)
    set_unit(units / "公安局2021.xlsx", "单位名称", "示例县公安局（上年）")
    (inputs / str(YEAR - 1)).mkdir()
    shutil.copy(ROOT / "inputs" / "2021.xlsx", inputs / str(YEAR - 1) / "教育局.xlsx")  # 示例县教育局, 2021
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "--year", str(YEAR), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    made = {p.name for p in (tmp_path / "outputs" / str(YEAR)).iterdir()}
    assert "示例县东山乡人民政府" in made  # from inputs/2022/乡镇/
    assert "示例县公安局（上年）" not in made  # a 2021 workbook is not rendered as a 2022 report
    assert "公安局2021.xlsx" in out and "年度不符" in out
    assert "共 14 个文件，已生成 13 个单位，年度不符 1 个（未生成），失败 0 个" in out
    # Last year's 教育局.xlsx enables the cross-year rules as in rollup: 教育局's count of findings differs.
    edu = next(line for line in out.splitlines() if "示例县教育局：" in line)
    assert "错误 0 条，警告 0 条" not in edu, edu
    # …and is recorded in the outputs, as `generate` records inputs/<Y-1>.xlsx, so that verify can tell.
    _, recorded = read_recorded(next((tmp_path / "outputs" / str(YEAR) / "示例县教育局").glob("*.html")))
    assert recorded["nianbao-previous-sha256"] == sha256_of(inputs / str(YEAR - 1) / "教育局.xlsx")
    _, other = read_recorded(next((tmp_path / "outputs" / str(YEAR) / "示例县财政局").glob("*.html")))
    assert not other.get("nianbao-previous-sha256")


# --- issue 14: batch decides every unit's outputs before writing, as rollup counts units ------------


def _batch(tmp_path, monkeypatch, *extra: str) -> int:
    monkeypatch.chdir(tmp_path)
    return main(["batch", "--year", str(YEAR), "--jobs", "2", *extra])


def _only(inputs: Path, keep: tuple[str, ...]) -> None:
    for p in (inputs / str(YEAR)).glob("*.xlsx"):
        if p.stem not in keep:
            p.unlink()


def test_two_workbooks_of_one_unit_are_both_duplicates_and_neither_is_published(tmp_path, monkeypatch, capsys):
    import openpyxl

    inputs = county(tmp_path)
    _only(inputs, ("财政局", "教育局"))
    units = inputs / str(YEAR)
    shutil.copy(units / "财政局.xlsx", units / "财政局（修改稿）.xlsx")
    wb = openpyxl.load_workbook(units / "财政局（修改稿）.xlsx")
    wb["申请情况"]["D7"] = 99  # different figures: which one is right is not guessed
    wb.save(units / "财政局（修改稿）.xlsx")
    assert _batch(tmp_path, monkeypatch) == 1
    made = {p.name for p in (tmp_path / "outputs" / str(YEAR)).iterdir()}
    assert made == {"示例县教育局"}
    out = capsys.readouterr().out
    assert out.count("重复：") == 2 and "重复 2 个" in out


def test_units_whose_names_give_one_folder_name_are_refused_not_overwritten(tmp_path, monkeypatch, capsys):
    inputs = county(tmp_path)
    _only(inputs, ("财政局", "教育局"))
    units = inputs / str(YEAR)
    shutil.copy(units / "教育局.xlsx", units / "另一个.xlsx")
    set_unit(units / "另一个.xlsx", "单位名称", "示例县财政局.")  # another name, the same folder name
    assert _batch(tmp_path, monkeypatch) == 1
    made = {p.name for p in (tmp_path / "outputs" / str(YEAR)).iterdir()}
    assert made == {"示例县教育局"}, "neither unit's report is written over the other's"
    out = capsys.readouterr().out
    assert out.count("输出文件夹名相同") == 2 and "失败 2 个" in out


def test_batch_reads_linked_folders_and_lists_broken_links_and_pipes(tmp_path, monkeypatch, capsys):
    import os

    inputs = county(tmp_path)
    _only(inputs, ("财政局", "东山乡"))
    units = inputs / str(YEAR)
    elsewhere = tmp_path / "乡镇"
    elsewhere.mkdir()
    shutil.move(units / "东山乡.xlsx", elsewhere / "东山乡.xlsx")
    (units / "乡镇").symlink_to(elsewhere, target_is_directory=True)
    (units / "断开的.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    os.mkfifo(units / "管道.xlsx")
    (units / ".DS_Store").write_bytes(b"\0")
    assert _batch(tmp_path, monkeypatch) == 1
    made = {p.name for p in (tmp_path / "outputs" / str(YEAR)).iterdir()}
    assert made == {"示例县财政局", "示例县东山乡人民政府"}
    out = capsys.readouterr().out
    assert "断开的.xlsx" in out and "断开的链接" in out and "管道.xlsx" in out and "命名管道" in out
    assert ".DS_Store：以“.”开头的隐藏文件" in out
    assert "共 4 个文件，已生成 2 个单位，失败 2 个" in out


def test_a_changed_title_replaces_the_units_old_pair(tmp_path, monkeypatch, capsys):
    inputs = county(tmp_path)
    _only(inputs, ("财政局",))
    folder = tmp_path / "outputs" / str(YEAR) / "示例县财政局"
    assert _batch(tmp_path, monkeypatch) == 0
    old = {p.name for p in folder.iterdir()}
    (folder / "我的批注.docx").write_bytes(b"a clerk's own file")  # not written by this program: kept
    set_unit(inputs / str(YEAR) / "财政局.xlsx", "报告标题", f"示例县财政局{YEAR}年度政府信息公开工作年度报告（修订）")
    assert _batch(tmp_path, monkeypatch) == 0
    now = {p.name for p in folder.iterdir()}
    assert not now & old, "the old pair does not stand beside the new one"
    assert now == {
        "我的批注.docx",
        f"示例县财政局{YEAR}年度政府信息公开工作年度报告（修订）.docx",
        f"示例县财政局{YEAR}年度政府信息公开工作年度报告（修订）.html",
    }
    assert "已删除过期的" in capsys.readouterr().out


@pytest.mark.parametrize("inside", ["inputs/2022/输出", "inputs"])
def test_batch_refuses_an_output_folder_inside_the_units_folder(tmp_path, monkeypatch, capsys, inside):
    inputs = county(tmp_path)
    before = sorted(inputs.rglob("*"))
    assert _batch(tmp_path, monkeypatch, "--output-dir", inside) == 2
    assert "单位文件夹" in capsys.readouterr().err
    assert sorted(inputs.rglob("*")) == before


def test_batch_caps_its_processes_at_the_files_and_cores(tmp_path, monkeypatch, capsys):
    asked = record_pools(monkeypatch)
    inputs = county(tmp_path)
    _only(inputs, ("财政局", "教育局"))
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "--year", str(YEAR), "--jobs", "100000"]) == 0
    assert asked and max(asked) <= min(2, os.cpu_count() or 1)
    assert f"{min(2, os.cpu_count() or 1)} 个进程" in capsys.readouterr().out


def test_an_output_folder_that_cannot_be_written_is_exit_2(tmp_path, monkeypatch, capsys):
    county(tmp_path)
    (tmp_path / "outputs").write_text("a file where the folder should be")
    assert _batch(tmp_path, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "无法写入输出文件夹" in err and "Traceback" not in err


def test_the_staging_folder_of_a_killed_batch_is_removed_by_the_next(tmp_path, monkeypatch):
    inputs = county(tmp_path)
    _only(inputs, ("财政局",))
    dead = tmp_path / "outputs" / str(YEAR) / ".~nianbao-batch-k1lled"
    dead.mkdir(parents=True)
    (dead / "0123.docx").write_bytes(b"staged by a run that was killed")
    assert _batch(tmp_path, monkeypatch) == 0
    assert sorted(p.name for p in (tmp_path / "outputs" / str(YEAR)).iterdir()) == ["示例县财政局"]
