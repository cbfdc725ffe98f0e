"""The desk used by a hostile visitor (QA of issues 15-16): what it must refuse, and how."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from office_support import YEAR, add_user, import_roster, issue_links, office
from serve_support import client, text_of

from generator.web import auth
from generator.web.auth import FREE_TRIES, sign_in

HUGE = "9" * 25  # a whole number the database cannot hold


@pytest.fixture
def app(tmp_path):
    with client(tmp_path / "data", raise_server_exceptions=False) as c:
        yield c


def test_an_id_too_large_for_the_database_is_not_found(app):
    token = office(app)
    import_roster(app, token)
    for path in (f"/{YEAR}/submissions/{HUGE}", f"/office/{YEAR}/units/{HUGE}"):
        r = app.get(path)
        assert r.status_code == 404, path
    r = app.post(f"/office/{YEAR}/units/1/decide", data={"csrf_token": token, "submission": HUGE, "kind": "已审核"})
    assert r.status_code == 404


def test_the_error_page_tells_nothing_of_the_programs_insides(app, monkeypatch):
    from generator.web.storage import Store

    def broken(self, *args, **kwargs):
        raise RuntimeError("SELECT password_hash FROM office_users")

    monkeypatch.setattr(Store, "submission", broken)
    r = app.get(f"/{YEAR}/submissions/1")
    assert r.status_code == 500
    text = text_of(r.text)
    assert "服务器出了问题" in text
    assert "RuntimeError" not in text and "password_hash" not in text


def test_wrong_passwords_sent_at_once_do_not_get_past_the_slow_down(app, monkeypatch):
    add_user(app)
    checked = []

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            checked.append(password)
            return real.verify(hash_, password)

    real = auth._hasher
    monkeypatch.setattr(auth, "_hasher", Counting())
    store = app.app.state.office
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda i: sign_in(store, "张三", f"wrong guess {i}"), range(24)))
    assert all(r.token is None for r in results)
    assert len(checked) == FREE_TRIES  # the rest waited, unchecked, as after five tries one by one


def test_printed_links_carry_the_address_the_office_opened(app):
    """Behind the office's web server (docs/serve.md) the links are those of the public address."""
    token = office(app)
    import_roster(app, token)
    page = app.post(
        f"/office/{YEAR}/links/issue",
        data={"csrf_token": token},
        headers={"X-Forwarded-Host": "nianbao.example.gov.cn"},
    )
    assert page.status_code == 200
    assert "://nianbao.example.gov.cn/u/" in page.text
    assert "://testserver/u/" not in page.text
    assert issue_links(app, token)  # straight to the server: its own address, as before


@pytest.mark.parametrize("year", ["²", "9" * 5000])
def test_a_year_that_is_no_number_goes_to_the_default_year(app, year):
    r = app.get("/year", params={"year": year}, follow_redirects=False)
    assert r.status_code == 303


def test_the_governments_own_report_names_no_file_of_the_server(app, tmp_path):
    """Its findings name the workbooks as the office knows them, never the data folder's export."""
    from conftest import INPUTS
    from office_support import unit_upload

    token = office(app)
    import_roster(app, token)
    links = issue_links(app, token)
    for name, file in (("示例县人民政府办公室", "县政府办.xlsx"), ("示例县西河镇人民政府", "西河镇.xlsx")):
        assert unit_upload(app, links[name], (INPUTS / "2022" / file).read_bytes()).status_code == 200
    own = (INPUTS / "2022.xlsx").read_bytes()
    r = app.post(
        f"/office/{YEAR}/own/upload",
        data={"csrf_token": token},
        files={"workbook": ("本级（定稿）.xlsx", own, "application/octet-stream")},
    )
    assert r.status_code == 200
    page = text_of(r.text)
    assert re.search(r"(^|\s)汇总工作簿\.xlsx 总体情况!A9: N1 警告", page)
    assert str(tmp_path) not in page and "export" not in page


def test_an_office_upload_just_over_the_limit_is_too_large_not_a_server_error(tmp_path):
    """Within the room left for the form around the file, the office's uploads are refused as
    the clerk's are: 文件太大, nothing kept (it was a 500 '服务器出错' for the roster and own workbook)."""
    with client(tmp_path / "data", raise_server_exceptions=False, max_upload_mb=1) as c:
        token = office(c)
        over = b"0" * (1024 * 1024 + 1000)
        for path, field in ((f"/office/{YEAR}/roster/import", "roster"), (f"/office/{YEAR}/own/upload", "workbook")):
            r = c.post(path, data={"csrf_token": token}, files={field: ("名单.xlsx", over, "application/octet-stream")})
            assert r.status_code == 413 and "文件太大" in text_of(r.text), path
        assert list((tmp_path / "data" / "tmp").iterdir()) == []


def test_a_broken_form_is_told_in_chinese(app):
    """A post whose form cannot be parsed (no multipart boundary, a file name past the parser's
    limit) gets the desk's Chinese page, not the framework's English text."""
    r = app.post(f"/{YEAR}/upload", content=b"garbage", headers={"content-type": "multipart/form-data"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html") and "没有保存" in text_of(r.text)
