"""Inputs the tool cannot use are refused with a Chinese message that names the real reason, exit 2
(never 程序内部错误): encrypted Word files, unreadable files, unsupported years, very long names."""

from __future__ import annotations

import errno
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from extract import read_docx
from hostile.corpus import ole_file
from lxml import etree
from rollup_support import INPUTS, YEAR, set_unit

from generator.cli import main

ENCRYPTED = ["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]  # as Word saves a password-protected .docx
LEGACY_DOC = ["WordDocument", "1Table", "\x05SummaryInformation"]


def test_an_encrypted_docx_is_named_as_encrypted_on_import(tmp_path: Path, capsys) -> None:
    path = tmp_path / "加密的报告.docx"
    path.write_bytes(ole_file(ENCRYPTED))
    assert main(["import", str(path), "--output", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "I002" in err and "加密" in err and "密码" in err
    assert "旧版" not in err and "Traceback" not in err
    assert not (tmp_path / "out.xlsx").exists()


def test_an_encrypted_docx_is_named_as_encrypted_in_audit(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "加密的报告.docx").write_bytes(ole_file(ENCRYPTED))
    (folder / "旧报告.docx").write_bytes(ole_file(LEGACY_DOC))
    argv = ["audit", str(folder), "--jobs", "1", "--format", "json", "--output-dir", str(tmp_path / "out")]
    assert main(argv) == 1
    entries = {Path(e["file"]).name: e for e in json.loads(capsys.readouterr().out)}
    encrypted, legacy = entries["加密的报告.docx"], entries["旧报告.docx"]
    assert encrypted["status"] == legacy["status"] == "无法读取"
    assert "加密" in encrypted["findings"][0]["message"] and "旧版" not in encrypted["findings"][0]["message"]
    assert "旧版 Word（.doc）" in legacy["findings"][0]["message"]  # a real .doc is still called one


# -- a legal unit name longer than a Word core property ------------------------------------------

LONG_NAME = "示例县" + "某" * 260 + "人民政府"  # `check` accepts it; Word's title/author hold 255 characters


def _core(docx: Path) -> dict[str, str]:
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("docProps/core.xml"))
    return {etree.QName(el).localname: el.text or "" for el in root}


def test_a_very_long_unit_name_is_generated_with_shortened_properties(tmp_path: Path, capsys) -> None:
    src = tmp_path / "2020.xlsx"
    shutil.copy(INPUTS / "2020.xlsx", src)
    set_unit(src, "单位名称", LONG_NAME)
    out = tmp_path / "out"
    assert main(["--year", "2020", "--input", str(src), "--output-dir", str(out)]) == 0
    assert "程序内部错误" not in capsys.readouterr().err
    docx = next((out / "2020").glob("*.docx"))
    core = _core(docx)
    assert len(core["title"]) <= 255 and len(core["creator"]) <= 255
    assert core["title"].startswith("示例县某") and core["title"].endswith("2020年政府信息公开工作年度报告")
    assert "…" in core["title"] and "…" in core["creator"]
    assert any(LONG_NAME in p for p in read_docx(docx).paragraphs)  # the report itself names the unit whole
    assert main(["verify", str(docx), "--input", str(src)]) == 0  # and it is still reproducible


def test_batch_renders_a_unit_with_a_very_long_name(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    units = tmp_path / "inputs" / str(YEAR)
    units.mkdir(parents=True)
    shutil.copy(INPUTS / str(YEAR) / "财政局.xlsx", units / "财政局.xlsx")
    set_unit(units / "财政局.xlsx", "单位名称", LONG_NAME)
    assert main(["batch", "--year", str(YEAR), "--jobs", "1"]) == 0
    assert len(list((tmp_path / "outputs" / str(YEAR)).rglob("*.docx"))) == 1


# -- unreadable files and unsupported years -------------------------------------------------------


def _unreadable(monkeypatch, target: Path) -> None:
    """Opening `target` fails as it does for a file without read permission (tests run as root)."""
    real_open = Path.open

    def deny(self: Path, *args, **kwargs):
        if self.name == target.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)


def test_an_unreadable_file_is_refused_by_import_and_unreadable_in_audit(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    page = folder / "locked.html"
    page.write_text("<html><body><h1>示例县2020年政府信息公开工作年度报告</h1></body></html>", encoding="utf-8")
    _unreadable(monkeypatch, page)
    assert main(["import", str(page), "--output", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "I001" in err and "没有访问权限" in err and "程序内部错误" not in err and "Permission" not in err
    argv = ["audit", str(folder), "--jobs", "1", "--format", "json", "--output-dir", str(tmp_path / "out")]
    assert main(argv) == 1
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["status"] == "无法读取"
    assert [f["code"] for f in entry["findings"]] == ["I001"] and "没有访问权限" in entry["findings"][0]["message"]


@pytest.mark.parametrize("command", ["batch", "init-roster", "rollup"])
def test_a_year_without_a_format_is_refused_in_chinese(command: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([command, "--year", "2018"]) == 2
    err = capsys.readouterr().err
    assert "2018 年度没有可用的报告格式" in err and "程序内部错误" not in err
    assert not any(tmp_path.rglob("*.*"))
