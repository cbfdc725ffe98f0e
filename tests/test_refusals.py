"""Inputs the tool cannot use are refused with a Chinese message that names the real reason, exit 2
(never 程序内部错误): encrypted Word files, unreadable files, unsupported years, very long names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile.corpus import ole_file

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
