"""generate serve, the clerk's desk (issue 15): the same findings and the same bytes as the command line,
uploads kept exactly as received, refusals kept nowhere, and the page's defences."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import INPUTS
from hostile.corpus import _bomb, ole_file, seed_bytes, strict_workbook
from serve_support import client, files_under, submission_url, text_of, token, upload

from generator.cli import main as generate_main

SEED = INPUTS / "2020.xlsx"
UNIT = INPUTS / "2022" / "东山乡.xlsx"


@pytest.fixture
def desk(tmp_path):
    data = tmp_path / "data"
    with client(data) as c:
        c.data = data
        yield c


def _cli(args: list[str], cwd: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = generate_main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_are_exactly_what_generate_check_prints(desk, tmp_path, monkeypatch, capsys):
    mine = tmp_path / "clerk"
    mine.mkdir()
    (mine / "漳平市2020.xlsx").write_bytes(SEED.read_bytes())
    code, out, _ = _cli(["check", "--year", "2020", "--input", "漳平市2020.xlsx"], mine, monkeypatch, capsys)
    assert code == 1
    *lines, summary = out.strip().splitlines()
    assert len(lines) == 6 and summary.startswith("校验完成：错误 4 条")

    page = upload(desk, SEED.read_bytes(), "漳平市2020.xlsx")
    assert page.status_code == 200
    text = text_of(page.text)
    for line in lines:  # every line, code, cell, labels and message, verbatim
        assert line in text
    assert summary in text
    # grouped by sheet, 错误 first, each group with its counts
    sheets = re.findall(r'<h3 id="g-3-\d+">([^<\n]+)', page.text)
    assert [s.strip() for s in sheets] == ["申请情况", "总体情况"]
    assert "（错误 4 条）" in text and "（警告 2 条）" in text


def test_downloads_are_byte_identical_to_generate(desk, tmp_path, monkeypatch, capsys):
    for year, workbook in ((2020, SEED), (2022, UNIT)):
        page = upload(desk, workbook.read_bytes(), workbook.name, year)
        url = submission_url(page)
        sha = hashlib.sha256(workbook.read_bytes()).hexdigest()
        stored = desk.data / "uploads" / sha[:2] / f"{sha}.xlsx"
        out = tmp_path / f"out{year}"
        code, _, _ = _cli(
            ["--year", str(year), "--input", str(stored), "--output-dir", str(out)], tmp_path, monkeypatch, capsys
        )
        assert code == 0
        for kind in ("docx", "html"):
            (written,) = (out / str(year)).glob(f"*.{kind}")
            got = desk.get(f"{url}/report.{kind}")
            assert got.status_code == 200
            assert got.content == written.read_bytes(), f"{year} {kind} differs from generate's"
            assert written.name in got.headers["content-disposition"].encode("latin-1").decode("utf-8") or (
                "filename*=UTF-8''" in got.headers["content-disposition"]
            )
        preview = desk.get(f"{url}/preview")
        assert preview.content == (next((out / str(year)).glob("*.html"))).read_bytes()
    # the seed has 错误: the page says the files are drafts, as the command line marks them
    first = desk.get("/2020/")
    assert "标为草稿" in text_of(first.text)
    assert "草稿" not in text_of(desk.get("/2022/").text)


def test_blank_workbook_is_what_generate_init_writes(desk, tmp_path, monkeypatch, capsys):
    got = desk.get("/2021/blank.xlsx")
    assert got.status_code == 200 and "2021.xlsx" in got.headers["content-disposition"]
    code, _, _ = _cli(["init", "--year", "2021", "--output", "init.xlsx"], tmp_path, monkeypatch, capsys)
    assert code == 0

    def cells(wb) -> dict:
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}

    assert cells(openpyxl.load_workbook(io.BytesIO(got.content))) == cells(
        openpyxl.load_workbook(tmp_path / "init.xlsx")
    )


def test_every_upload_is_kept_exactly_and_the_latest_is_current(desk):
    first = SEED.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(first))
    wb["申请情况"]["D28"] = 20  # the clerk fixes the two totals
    wb["申请情况"]["J28"] = 25
    buf = io.BytesIO()
    wb.save(buf)
    second = buf.getvalue()
    a = submission_url(upload(desk, first, "第一次.xlsx"))
    b = submission_url(upload(desk, second, "第一次.xlsx"))  # same name: nothing overwritten
    assert a != b
    kept = files_under(desk.data / "uploads")
    assert sorted(p.read_bytes() for p in kept) == sorted([first, second])
    for p in kept:
        assert p.stem == hashlib.sha256(p.read_bytes()).hexdigest()
    page = text_of(desk.get("/2020/").text)
    assert "上传记录（2 次）" in page
    assert f"{hashlib.sha256(second).hexdigest()}" in page  # the current one is the latest
    assert "校验完成：错误 2 条，警告 1 条，提示 0 条。" in page
    older = text_of(desk.get(a).text)
    assert "早先的上传" in older and hashlib.sha256(first).hexdigest() in older
    # the same bytes again: a third submission, the file kept once
    upload(desk, first, "again.xlsx")
    assert len(files_under(desk.data / "uploads")) == 2
    assert "上传记录（3 次）" in text_of(desk.get("/2020/").text)


def _cli_refusal(tmp_path, name, data, monkeypatch, capsys) -> list[str]:
    folder = tmp_path / "cli"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    code, _, err = _cli(["check", "--year", "2020", "--input", name], folder, monkeypatch, capsys)
    assert code == 2
    return [line.strip() for line in err.splitlines()[1:]]


@pytest.mark.parametrize(
    "kind",
    ["not a workbook", "encrypted", "zip bomb", "strict ooxml", "wrong layout"],
)
def test_a_refused_workbook_gets_the_command_lines_message_and_nothing_is_kept(
    desk, tmp_path, monkeypatch, capsys, kind
):
    data = {
        "not a workbook": lambda: "这不是工作簿".encode() * 10,
        "encrypted": lambda: ole_file(["EncryptionInfo", "EncryptedPackage"]),
        "zip bomb": lambda: _bomb(120),
        "strict ooxml": strict_workbook,
        "wrong layout": lambda: _blank_sheetless(),
    }[kind]()
    name = "交来的.xlsx"
    expected = _cli_refusal(tmp_path, name, data, monkeypatch, capsys)
    assert expected
    page = upload(desk, data, name)
    assert page.status_code == 422
    text = text_of(page.text)
    assert "无法读取，没有保存" in text
    for line in expected:
        assert line in text
    assert files_under(desk.data / "uploads") == [] and files_under(desk.data / "tmp") == []
    assert "上传记录" not in text
    # and the server goes on serving
    assert upload(desk, seed_bytes(), "好的.xlsx").status_code == 200


def _blank_sheetless() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便一张表"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- safety on an office network ------------------------------------------------------------


def test_a_forged_post_without_its_token_is_refused(desk):
    data = SEED.read_bytes()
    assert upload(desk, data, csrf="").status_code == 403
    assert upload(desk, data, csrf="0" * 64).status_code == 403
    # a token made for another browser's cookie does not pass either
    with client(desk.data) as other:
        foreign = token(other)
    assert upload(desk, data, csrf=foreign).status_code == 403
    # no cookie at all (a form posted from another site): refused
    good = token(desk)
    desk.cookies.clear()
    assert upload(desk, data, csrf=good).status_code == 403
    assert files_under(desk.data / "uploads") == [] and files_under(desk.data / "tmp") == []


def test_an_oversize_upload_is_refused_before_it_is_stored(tmp_path):
    data = tmp_path / "data"
    with client(data, max_upload_mb=1) as c:
        big = seed_bytes() + b"\0" * (2 * 1024 * 1024)
        page = upload(c, big, "大.xlsx")
        assert page.status_code == 413
        assert "超过了 1 MB" in text_of(page.text)
        assert files_under(data / "uploads") == [] and files_under(data / "tmp") == []
        # a file just under the body limit but over the file limit: refused while being copied
        under = seed_bytes() + b"\0" * (1024 * 1024 - len(seed_bytes()) + 1000)
        assert upload(c, under, "差一点.xlsx").status_code == 413
        assert files_under(data / "uploads") == [] and files_under(data / "tmp") == []
        assert upload(c, seed_bytes()).status_code == 200


def test_an_uploaded_name_is_never_a_path_and_is_shown_as_text(tmp_path):
    data = tmp_path / "deep" / "data"
    with client(data) as c:
        for name in ("../../x.xlsx", "..\\..\\x.xlsx", "/etc/passwd.xlsx", "<script>alert(1)</script>.xlsx"):
            page = upload(c, seed_bytes(), name)
            assert page.status_code == 200
            assert "<script>alert" not in page.text
    everything = files_under(tmp_path)
    assert all(data in p.parents for p in everything), everything
    assert not any("x.xlsx" in p.name or "passwd" in p.name for p in everything)
    assert [p.parent.parent for p in files_under(data / "uploads")] == [data / "uploads"]


def test_text_from_a_workbook_is_escaped(desk):
    wb = openpyxl.load_workbook(io.BytesIO(seed_bytes()))
    wb["单位信息"]["B2"] = '<img src=x onerror="alert(1)">局'
    buf = io.BytesIO()
    wb.save(buf)
    page = upload(desk, buf.getvalue())
    assert page.status_code == 200
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text


def test_every_answer_carries_the_security_headers(desk):
    url = submission_url(upload(desk, seed_bytes()))
    for path in ("/2020/", url, "/2020/blank.xlsx", f"{url}/report.docx", "/nowhere"):
        h = desk.get(path).headers
        assert h["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in h["content-security-policy"]
        assert h["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in h["content-security-policy"]
    # the report's own page may be framed by the desk only, and runs no script
    h = desk.get(f"{url}/preview").headers
    assert h["x-frame-options"] == "SAMEORIGIN" and "script-src" not in h["content-security-policy"]
    assert "frame-ancestors 'self'" in h["content-security-policy"]
    cookie = desk.get("/2020/", headers={"cookie": ""}).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_a_submission_of_another_year_or_none_is_not_found(desk):
    url = submission_url(upload(desk, seed_bytes()))
    sub = url.rsplit("/", 1)[1]
    assert desk.get(f"/2021/submissions/{sub}").status_code == 404
    assert desk.get(f"/2021/submissions/{sub}/report.docx").status_code == 404
    assert desk.get("/2020/submissions/999").status_code == 404
    assert desk.get("/1999/").status_code == 404
    assert desk.get(f"{url}/report.exe").status_code == 404


def test_the_page_works_without_internet(desk):
    url = submission_url(upload(desk, seed_bytes()))
    for path in ("/2020/", url):
        page = desk.get(path).text
        refs = re.findall(r'(?:src|href|action)="([^"]+)"', page)
        assert refs and all(r.startswith("/") or r.startswith("#") for r in refs), refs
        assert "<script" not in page


def test_data_survive_a_restart_and_the_schema_is_at_head(tmp_path):
    from generator.web import migrations
    from generator.web.storage import Store

    data = tmp_path / "data"
    with client(data) as c:
        url = submission_url(upload(c, seed_bytes(), "一.xlsx"))
    with client(data) as c:
        assert "一.xlsx" in text_of(c.get(url).text)
    assert migrations.current(Store(data).engine) == migrations.head()


def test_serve_refuses_a_busy_port_and_a_bad_database_in_chinese(tmp_path, capsys):
    import socket

    from generator.web.server import is_loopback

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert generate_main(["serve", "--data", str(tmp_path / "d"), "--port", str(port)]) == 2
    assert "无法在 127.0.0.1:" in capsys.readouterr().err
    assert generate_main(["serve", "--data", str(tmp_path / "d"), "--database", "nosuch://x"]) == 2
    assert "数据库地址无法识别" in capsys.readouterr().err
    assert generate_main(["serve", "--data", str(tmp_path / "d"), "--port", "70000"]) == 2
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_a_new_tool_version_checks_a_kept_upload_again_and_keeps_the_old_check(desk, monkeypatch):
    from generator.web import desk as desk_module
    from generator.web.storage import Store

    url = submission_url(upload(desk, seed_bytes()))
    sub_id = int(url.rsplit("/", 1)[1])
    monkeypatch.setattr(desk_module, "tool_version", lambda: "9.9.9")
    page = text_of(desk.get(url).text)
    assert "校验完成：错误 4 条，警告 2 条，提示 0 条。" in page
    checks = Store(desk.data).submission(sub_id).checks
    assert [c.tool_version for c in checks][-1] == "9.9.9" and len(checks) == 2
    desk.get(url)  # checked once per version
    assert len(Store(desk.data).submission(sub_id).checks) == 2


def test_behind_https_the_form_cookie_is_secure(tmp_path):
    from serve_support import TestClient

    from generator.web.app import create_app

    with TestClient(create_app(tmp_path / "data"), base_url="https://nianbao.example") as c:
        assert "secure" in c.get("/2020/").headers["set-cookie"].lower()
    with client(tmp_path / "data") as c:
        assert "secure" not in c.get("/2020/").headers["set-cookie"].lower()
