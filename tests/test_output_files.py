"""Output files as a web server and a clerk meet them: readable modes, a consistent pair after a
crash, no hidden leftovers, nothing English after a full disk."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT

from generator import journal
from generator.cli import main

SEED = ROOT / "inputs" / "2020.xlsx"
STEM = "漳平市人民政府2020年政府信息公开工作年度报告"


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _generate(src: Path, out: Path) -> int:
    return main(["--year", "2020", "--input", str(src), "--output-dir", str(out), "--format", "json"])


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_outputs_follow_the_umask_and_keep_the_mode_of_the_file_they_replace(tmp_path, umask022) -> None:
    out = tmp_path / "outputs"
    assert _generate(SEED, out) == 0
    docx, html = out / "2020" / f"{STEM}.docx", out / "2020" / f"{STEM}.html"
    assert _mode(docx) == _mode(html) == 0o644, "a web server running as another user must read the page"
    os.chmod(html, 0o664)
    os.chmod(docx, 0o600)
    assert _generate(SEED, out) == 0
    assert _mode(html) == 0o664 and _mode(docx) == 0o600


def test_init_workbook_follows_the_umask_and_keeps_the_mode_it_replaces(tmp_path, umask022) -> None:
    target = tmp_path / "2021.xlsx"
    assert main(["init", "--year", "2021", "--output", str(target)]) == 0
    assert _mode(target) == 0o644
    os.chmod(target, 0o660)
    assert main(["init", "--year", "2021", "--output", str(target), "--force"]) == 0
    assert _mode(target) == 0o660


# --- a run killed at every step -------------------------------------------------------------------

_KILLED_RUN = """
import os, signal, sys
from generator import journal
from generator.cli import main
step = sys.argv[1]
def checkpoint(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
journal.checkpoint = checkpoint
main(["--year", "2020", "--input", sys.argv[2], "--output-dir", sys.argv[3], "--format", "json"])
"""
STEPS_REPLACING = ["lock", "temp 0", "temp 1", "backup 0", "backup 1", "journal", "replace 0", "replace 1", "commit"]


def _pair(folder: Path) -> tuple[bytes | None, bytes | None]:
    """The document text of the DOCX and the HTML bytes (None where missing)."""
    docx, html = folder / f"{STEM}.docx", folder / f"{STEM}.html"
    text = zipfile.ZipFile(docx).read("word/document.xml") if docx.exists() else None
    return text, (html.read_bytes() if html.exists() else None)


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


_CHANGED: list[Path] = []


def _changed_workbook(tmp_path: Path) -> Path:
    """The seed with one more paragraph: the same bytes every time it is asked for."""
    src = tmp_path / "changed.xlsx"
    if not _CHANGED:
        wb = openpyxl.load_workbook(SEED)
        wb["引言"]["A5"] = "新增一段正文，新旧两份文件因此不同。"
        wb.save(src)
        _CHANGED.append(src)
    elif _CHANGED[0] != src:
        shutil.copy(_CHANGED[0], src)
    return src


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> dict[str, tuple[bytes | None, bytes | None]]:
    """The old pair (from the seed) and the new pair (from a changed workbook), generated once."""
    base = tmp_path_factory.mktemp("pairs")
    assert _generate(SEED, base / "old") == 0
    assert _generate(_changed_workbook(base), base / "new") == 0
    old, new = _pair(base / "old" / "2020"), _pair(base / "new" / "2020")
    assert old[0] != new[0] and old[1] != new[1]
    _OLD_PAIR.append(base / "old" / "2020")
    return {"old": old, "new": new, "none": (None, None)}


_OLD_PAIR: list[Path] = []


def _killed_run(tmp_path: Path, step: str, previous: bool) -> Path:
    out = tmp_path / "outputs"
    if previous:
        shutil.copytree(_OLD_PAIR[0], out / "2020")
    else:
        (out / "2020").mkdir(parents=True)
    src = _changed_workbook(tmp_path)
    r = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, step, str(src), str(out)], cwd=ROOT, capture_output=True, timeout=120
    )
    assert r.returncode == -signal.SIGKILL, r.stderr.decode()
    return out / "2020"


@pytest.mark.parametrize("step", STEPS_REPLACING)
def test_a_run_killed_at_any_step_leaves_a_consistent_pair_once_the_next_run_has_looked(tmp_path, step, pairs) -> None:
    folder = _killed_run(tmp_path, step, previous=True)
    if step != "commit":
        assert _hidden(folder), "the killed run left its files (this is what the next run must clean)"
    # The next run in the folder — here one for another unit, as a collecting office does.
    other = tmp_path / "other.xlsx"
    wb = openpyxl.load_workbook(SEED)
    wb["单位信息"]["B2"] = "另一个单位"
    wb.save(other)
    assert _generate(other, tmp_path / "outputs") == 0
    state = _pair(folder)
    assert state == pairs["new" if step == "commit" else "old"], "the previous pair, or the whole new pair"
    assert _hidden(folder) == [], "no hidden leftovers after the next run"
    assert len([p for p in folder.iterdir()]) == 4


@pytest.mark.parametrize("step", ["temp 1", "journal", "replace 0", "replace 1"])
def test_a_first_run_killed_half_way_leaves_no_half_pair(tmp_path, step, pairs) -> None:
    folder = _killed_run(tmp_path, step, previous=False)
    journal.recover(folder)
    assert _pair(folder) == pairs["none"]
    assert list(folder.iterdir()) == []


def test_the_rerun_of_the_same_unit_after_a_crash_writes_the_pair_and_cleans_up(tmp_path, pairs) -> None:
    folder = _killed_run(tmp_path, "replace 0", previous=True)
    assert _generate(_changed_workbook(tmp_path), tmp_path / "outputs") == 0
    assert _pair(folder) == pairs["new"]
    assert _hidden(folder) == []


def test_a_failed_rename_puts_the_first_file_back_at_once(tmp_path, monkeypatch, pairs) -> None:
    out = tmp_path / "outputs"
    assert _generate(SEED, out) == 0
    real_replace = os.replace
    calls: list[str] = []

    def replace(a, b):
        calls.append(str(b))
        if len(calls) == 2:
            raise PermissionError(errno.EACCES, "Permission denied")  # the page is open elsewhere
        return real_replace(a, b)

    monkeypatch.setattr(journal.os, "replace", replace)
    assert _generate(_changed_workbook(tmp_path), out) == 2
    monkeypatch.undo()
    assert _pair(out / "2020") == pairs["old"]
    assert _hidden(out / "2020") == []


def test_a_running_generation_is_not_cleaned_up_by_another(tmp_path) -> None:
    folder = tmp_path / "outputs" / "2020"
    folder.mkdir(parents=True)
    with journal._Run(folder) as live:
        temp = folder / f"{journal.PREFIX}{live.token}-0.tmp"
        temp.write_bytes(b"half written")
        assert _generate(SEED, tmp_path / "outputs") == 0
        assert temp.exists(), "another process's temporary file is left alone while it runs"
    journal.recover(folder)
    assert not temp.exists() and _hidden(folder) == []


def test_leftovers_of_older_versions_are_removed_by_the_next_run(tmp_path) -> None:
    folder = tmp_path / "outputs" / "2020"
    folder.mkdir(parents=True)
    stale = [f".~{STEM[:20]}k2j4_x9q.tmp", f".~{STEM[:20]}ab12cd34.bak"]
    for name in stale:
        (folder / name).write_bytes(b"old")
    (folder / ".~我的笔记.tmp").write_text("the clerk's own file")
    assert _generate(SEED, tmp_path / "outputs") == 0
    assert _hidden(folder) == [".~我的笔记.tmp"]


# --- a full disk ------------------------------------------------------------------------------------

_FULL_DISK = """
import errno, os, sys

class FullDisk:
    def __init__(self, fd): self.fd = fd
    def __enter__(self): return self
    def __exit__(self, *a): os.close(self.fd)
    def write(self, b): raise OSError(errno.ENOSPC, "No space left on device")
    def tell(self): return 0
    def seekable(self): return False
    def flush(self): pass
    def fileno(self): return self.fd

os.fdopen = lambda fd, *a, **k: FullDisk(fd)
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", ["init", "generate"])
def test_a_full_disk_is_told_in_chinese_only(tmp_path, command) -> None:
    if command == "init":
        target = tmp_path / "inputs" / "2021.xlsx"
        argv = ["init", "--year", "2021", "--output", str(target)]
    else:
        argv = ["--year", "2020", "--input", str(SEED), "--output-dir", str(tmp_path / "outputs")]
    r = subprocess.run([sys.executable, "-c", _FULL_DISK, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    err = r.stderr
    assert "磁盘空间不足" in err
    assert "Exception" not in err and "Traceback" not in err and "ignored" not in err, err
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in err.splitlines()), "every line is the clerk's"
    left = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert left == [], "nothing written, no temporary files left"


def test_leftover_lock_of_a_dead_run_is_removed(tmp_path) -> None:
    folder = tmp_path / "outputs" / "2020"
    folder.mkdir(parents=True)
    dead = folder / f"{journal.PREFIX}0123456789ab.lock"
    dead.write_text("12345")  # a process that died: nobody holds the lock
    shutil.copy(SEED, tmp_path / "2020.xlsx")
    assert _generate(tmp_path / "2020.xlsx", tmp_path / "outputs") == 0
    assert _hidden(folder) == []


def test_a_dead_run_that_cannot_be_undone_yet_blocks_only_runs_writing_its_files(tmp_path, monkeypatch, pairs) -> None:
    folder = _killed_run(tmp_path, "replace 0", previous=True)  # a new DOCX beside the old page
    real_replace = os.replace

    def locked(a, b):  # the dead run's DOCX is open in Word: its backup cannot go back yet
        if str(a).endswith(".bak"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_replace(a, b)

    monkeypatch.setattr(journal.os, "replace", locked)
    other = tmp_path / "other.xlsx"
    wb = openpyxl.load_workbook(SEED)
    wb["单位信息"]["B2"] = "另一个单位"
    wb.save(other)
    assert _generate(other, tmp_path / "outputs") == 0, "another unit's files are not held up"
    assert _generate(_changed_workbook(tmp_path), tmp_path / "outputs") == 2, "its own files wait for the undo"
    monkeypatch.undo()
    journal.recover(folder)
    assert _pair(folder) == pairs["old"] and _hidden(folder) == []


# --- two runs writing the same pair at once (issue 14, item 28) ------------------------------------

_SLOW_RUN = """
import sys, time
from pathlib import Path
from generator import journal
from generator.cli import main
def checkpoint(name):
    if name == "replace 0":
        Path(sys.argv[3]).write_text("half-way")  # the DOCX is in place, the page not yet
        time.sleep(3)
journal.checkpoint = checkpoint
sys.exit(main(["--year", "2020", "--input", sys.argv[1], "--output-dir", sys.argv[2], "--format", "json"]))
"""


def test_two_runs_writing_the_same_pair_at_once_are_serialised(tmp_path, pairs) -> None:
    import time

    out, marker = tmp_path / "outputs", tmp_path / "half-way"
    (out / "2020").mkdir(parents=True)
    cli = [sys.executable, "-m", "generator.cli", "--year", "2020", "--output-dir", str(out), "--format", "json"]
    first = subprocess.Popen([sys.executable, "-c", _SLOW_RUN, str(SEED), str(out), str(marker)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not marker.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the first run reached its first rename"
    second = subprocess.run(
        [*cli, "--input", str(_changed_workbook(tmp_path))], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert first.wait(timeout=120) == 0 and second.returncode == 0, second.stderr
    # The second run waited for the first: its whole pair, never its DOCX beside the first run's page.
    assert _pair(out / "2020") == pairs["new"]
    assert _hidden(out / "2020") == []


def test_a_run_that_waits_too_long_for_another_is_refused_in_chinese(tmp_path) -> None:
    import fcntl

    folder = tmp_path / "outputs" / "2020"
    folder.mkdir(parents=True)
    fd = os.open(folder, os.O_RDONLY)  # another run holds the folder
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        r = subprocess.run(
            [sys.executable, "-m", "generator.cli", "--year", "2020", "--input", str(SEED)]
            + ["--output-dir", str(tmp_path / "outputs")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NIANBAO_LOCK_WAIT": "1"},
        )
    finally:
        os.close(fd)
    assert r.returncode == 2, r.stderr
    assert "另一个 nianbao 进程正在写入同一文件夹" in r.stderr and "Traceback" not in r.stderr
    assert list(folder.iterdir()) == [], "nothing written while the other run holds the folder"
