"""The collecting office in the browser (issue 16): sign-in, roster, private links, the review desk,
decisions that stay, the roll-up computed by `generate rollup` itself."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from office_support import (
    COUNTY,
    PASSWORD,
    ROSTER,
    YEAR,
    add_user,
    csrf,
    import_roster,
    issue_links,
    office,
    sign_in,
    unit_upload,
    units_by_name,
)
from serve_support import XLSX, client, submission_url, text_of
from starlette.routing import Mount

from generator.cli import main as generate_main
from generator.rollup.roster import RosterUnit, read_roster
from generator.web.auth import SESSION_COOKIE, wait_after
from generator.web.office_store import UnitLink, token_hash

XIHE, DONGSHAN, XIANZF = "示例县西河镇人民政府", "示例县东山乡人民政府", "示例县人民政府办公室"
FILES = {XIHE: "西河镇.xlsx", DONGSHAN: "东山乡.xlsx", XIANZF: "县政府办.xlsx"}


@pytest.fixture
def app(tmp_path):
    data = tmp_path / "data"
    with client(data) as c:
        c.data = data
        yield c


@pytest.fixture
def county(app):
    """Signed in, the example county's roster imported, every unit's link issued."""
    app.token = office(app)
    assert import_roster(app, app.token).status_code == 200
    app.links = issue_links(app, app.token)
    return app


# --- 1. sign-in ---------------------------------------------------------------------------------
def _office_paths(c) -> list[tuple[str, str]]:
    """Every office route with its path parameters filled by a real unit and submission."""
    (mount,) = [r for r in c.app.routes if isinstance(r, Mount) and r.path == "/office"]
    out = []
    for route in mount.routes:
        path = "/office" + route.path.replace("{year:int}", str(YEAR))
        path = path.replace("{unit:int}", "1").replace("{what:str}", "review.xlsx").replace("{kind:str}", "docx")
        assert "{" not in path, path
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, path))
    return out


def test_every_office_page_without_a_session_is_the_sign_in_page(county):
    link = county.links[XIHE]
    assert unit_upload(county, link, (COUNTY / FILES[XIHE]).read_bytes()).status_code == 200
    county.cookies.delete(SESSION_COOKIE, path="/office")
    county.cookies.set(SESSION_COOKIE, "forged-or-expired", path="/office")
    paths = _office_paths(county)
    assert len(paths) >= 20
    for method, path in paths:
        r = county.request(method, path, data={"csrf_token": county.token}, follow_redirects=False)
        if path == "/office/login":
            continue
        assert r.status_code == (404 if path == "/office/setup" else 401), (method, path)  # setup: account exists
        text = text_of(r.text)
        assert "汇总单位登录" in text and 'name="password"' in r.text, (method, path)
        for secret in (XIHE, "示例县审计局", "有错误", "/u/"):
            assert secret not in text, (method, path, secret)
        assert r.headers["content-type"].startswith("text/html")
    # and nothing was changed by those posts
    assert len(county.app.state.office.units(YEAR)) == 14


def test_sign_in_cookie_sign_out(app):
    add_user(app)
    r = sign_in(app)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert (
        SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/office" in cookie
    )
    assert app.get(f"/office/{YEAR}/").status_code == 200
    stolen = app.cookies.get(SESSION_COOKIE)
    assert stolen and app.app.state.office.signed_in(stolen) == "张三"
    r = app.post("/office/logout", data={"csrf_token": csrf(app, f"/office/{YEAR}/")}, follow_redirects=False)
    assert r.status_code == 303
    app.cookies.set(SESSION_COOKIE, stolen, path="/office")  # the old cookie, replayed, is dead
    assert app.get(f"/office/{YEAR}/").status_code == 401


def test_sign_in_needs_the_form_token(app):
    add_user(app)
    r = app.post("/office/login", data={"name": "张三", "password": PASSWORD})
    assert r.status_code == 403
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")


def test_five_wrong_passwords_slow_further_tries(app):
    add_user(app)
    for _ in range(4):
        r = sign_in(app, password="wrong password")
        assert r.status_code == 401 and "用户名或密码不正确" in text_of(r.text)
    assert sign_in(app).status_code == 303  # fewer than five in a row: the right one still works
    for _ in range(5):
        r = sign_in(app, password="wrong password")
    assert "30 秒后再试" in text_of(r.text)
    r = sign_in(app)  # now even the right password waits
    assert r.status_code == 401 and "秒后再试" in text_of(r.text)
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    assert [wait_after(n) for n in (4, 5, 6, 7, 20)] == [0, 30, 60, 120, 900]


def test_unknown_user_is_told_the_same_as_a_wrong_password(app):
    add_user(app)
    unknown = text_of(sign_in(app, "李四").text)
    wrong = text_of(sign_in(app, password="not it at all").text)
    assert "用户名或密码不正确。" in unknown and "用户名或密码不正确。" in wrong


def test_set_password_from_the_console(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO("短\n"))
    assert generate_main(["serve", "--data", str(data), "--set-password", "--user", "王五"]) == 2
    assert "密码至少 10 个字符" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert generate_main(["serve", "--data", str(data), "--set-password", "--user", "王五"]) == 0
    assert "已设置“王五”的密码" in capsys.readouterr().out
    with client(data) as c:
        assert sign_in(c, "王五").status_code == 303
        stored = c.app.state.office.user("王五").password_hash
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


# --- 2. roster ----------------------------------------------------------------------------------
def test_roster_import_export_round_trip(county, tmp_path):
    page = county.get(f"/office/{YEAR}/roster")
    assert "14 个单位" in text_of(page.text) and "垂直管理单位" in text_of(page.text)
    exported = county.get(f"/office/{YEAR}/roster.xlsx")
    assert exported.headers["content-type"] == XLSX
    path = tmp_path / "back.xlsx"
    path.write_bytes(exported.content)
    strip = lambda units: [(u.name, u.category, u.included, u.note) for u in units]  # noqa: E731
    assert strip(read_roster(path)) == strip(read_roster(ROSTER))
    again = import_roster(county, county.token, data=exported.content)  # importing twice adds nothing
    assert "新增 0 个单位，更新 14 个单位" in text_of(again.text)


def test_roster_edit_in_the_page(county, tmp_path):
    t, ids = county.token, units_by_name(county)
    r = county.post(
        f"/office/{YEAR}/roster/add",
        data={"csrf_token": t, "name": "示例县统计局", "category": "部门", "included": "是"},
    )
    assert r.status_code == 200 and "示例县统计局" in r.text
    r = county.post(
        f"/office/{YEAR}/roster/add",
        data={"csrf_token": t, "name": "示例县 统计局", "category": "部门", "included": "是"},
    )
    assert r.status_code == 409 and "名单中已有“示例县统计局”" in text_of(r.text)
    r = county.post(
        f"/office/{YEAR}/roster/add", data={"csrf_token": t, "name": "x", "category": "机关", "included": "是"}
    )
    assert r.status_code == 400
    audit = ids["示例县审计局"]
    county.post(
        f"/office/{YEAR}/roster/{audit}/edit",
        data={"csrf_token": t, "name": "示例县审计局（新）", "category": "部门", "included": "否"},
    )
    new = units_by_name(county)["示例县统计局"]
    county.post(f"/office/{YEAR}/roster/{new}/remove", data={"csrf_token": t})
    # a unit that has uploaded cannot be removed: its uploads are kept for ever
    unit_upload(county, county.links[XIHE], (COUNTY / FILES[XIHE]).read_bytes())
    r = county.post(f"/office/{YEAR}/roster/{ids[XIHE]}/remove", data={"csrf_token": t})
    assert r.status_code == 409 and "不能从名单删除" in text_of(r.text)
    path = tmp_path / "r.xlsx"
    path.write_bytes(county.get(f"/office/{YEAR}/roster.xlsx").content)
    units = {u.name: u for u in read_roster(path)}
    assert "示例县统计局" not in units and XIHE in units
    assert units["示例县审计局（新）"] == RosterUnit(
        "示例县审计局（新）", "部门", False, "", units["示例县审计局（新）"].row
    )


def test_next_years_roster_starts_from_this_years(county):
    r = county.post(f"/office/{YEAR}/roster/next", data={"csrf_token": county.token})
    assert r.status_code == 200 and str(r.url).endswith(f"/office/{YEAR + 1}/roster")
    assert [(u.name, u.category, u.included, u.note) for u in county.app.state.office.roster(YEAR + 1)] == [
        (u.name, u.category, u.included, u.note) for u in read_roster(ROSTER)
    ]
    again = county.post(f"/office/{YEAR}/roster/next", data={"csrf_token": county.token})
    assert again.status_code == 409  # never overwrites a roster already there


def test_roster_import_refuses_a_bad_roster_naming_the_cell(county):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["单位名称", "类别", "纳入汇总"])
    ws.append(["某局", "机关", "是"])
    buf = io.BytesIO()
    wb.save(buf)
    r = import_roster(county, county.token, year=2021, data=buf.getvalue())
    assert r.status_code == 422
    assert "B2" in text_of(r.text) and "没有导入任何单位" in text_of(r.text)
    assert county.app.state.office.units(2021) == []


# --- 3. private links ---------------------------------------------------------------------------
def test_links_are_long_random_and_stored_hashed(county):
    assert len(county.links) == 14
    tokens = [link.split("/")[2] for link in county.links.values()]
    assert all(len(t) >= 43 for t in tokens) and len(set(tokens)) == 14  # ≥ 256 bits, URL-safe base64
    with county.app.state.store.session() as s:
        stored = {row.token_hash for row in s.query(UnitLink)}
    assert all(t not in stored and token_hash(t) in stored for t in tokens)
    raw = b"".join(p.read_bytes() for p in county.data.glob("nianbao.sqlite3*"))
    assert not any(t.encode() in raw for t in tokens)
    page = county.get(f"/office/{YEAR}/links")  # shown once: the page does not show them again
    assert not any(t in page.text for t in tokens)


def test_a_units_link_sees_only_that_unit(county):
    a, b = county.links[XIHE], county.links[DONGSHAN]
    up_a = unit_upload(county, a, (COUNTY / FILES[XIHE]).read_bytes(), "西河镇.xlsx")
    up_b = unit_upload(county, b, (COUNTY / FILES[DONGSHAN]).read_bytes(), "东山乡.xlsx")
    sub_a, sub_b = submission_url(up_a), submission_url(up_b)
    page_a = county.get(f"{a}{YEAR}/")
    assert XIHE in text_of(page_a.text) and "西河镇.xlsx" in page_a.text
    assert "东山乡.xlsx" not in page_a.text and DONGSHAN not in page_a.text  # not listed
    for suffix in ("", "/preview", "/report.docx", "/report.html"):  # not readable
        r = county.get(f"{a.rstrip('/')}{sub_b}{suffix}")
        assert r.status_code == 404, suffix
        assert DONGSHAN not in r.text
    # not changeable: A's upload lands at A, whatever workbook it is
    up = unit_upload(county, a, (COUNTY / FILES[DONGSHAN]).read_bytes(), "东山乡.xlsx")
    assert up.url.path.startswith(a)
    ids = units_by_name(county)
    store = county.app.state.store
    assert [s.original_name for s in store.submissions(YEAR, ids[DONGSHAN])] == ["东山乡.xlsx"]
    assert {s.original_name for s in store.submissions(YEAR, ids[XIHE])} == {"西河镇.xlsx", "东山乡.xlsx"}
    assert county.get(f"{b.rstrip('/')}{sub_a}").status_code == 404
    # another year, a made-up token: refused
    assert county.get(f"{a}{YEAR - 1}/").status_code == 404
    assert county.get(f"/u/{'A' * 43}/{YEAR}/").status_code == 404
    # the open desk does not list a unit's uploads either
    assert "西河镇.xlsx" not in county.get(f"/{YEAR}/").text


def test_a_revoked_link_is_refused_and_a_new_one_works(county):
    old = county.links[XIHE]
    unit_upload(county, old, (COUNTY / FILES[XIHE]).read_bytes())
    uid = units_by_name(county)[XIHE]
    county.post(f"/office/{YEAR}/units/{uid}/revoke", data={"csrf_token": county.token})
    for path in ("", f"{YEAR}/", f"{YEAR}/blank.xlsx", f"{YEAR}/prefilled.xlsx", f"{YEAR}/submissions/1"):
        r = county.get(old + path)
        assert r.status_code == 404, path
        assert "西河镇" not in r.text
    r = unit_upload_raw(county, old)
    assert r.status_code == 404
    new = county.post(f"/office/{YEAR}/links/issue", data={"csrf_token": county.token, "unit": str(uid)})
    (path,) = re.findall(r"http://testserver(/u/[^<]+/)", new.text)
    page = county.get(f"{path}{YEAR}/")
    assert page.status_code == 200 and XIHE in text_of(page.text)
    assert "上传记录（1 次）" in text_of(page.text)  # the history stays with the unit, not with the link
    assert county.app.state.store.count_of(YEAR, uid) == 1


def unit_upload_raw(c, link: str):
    return c.post(
        f"{link}{YEAR}/upload",
        data={"csrf_token": csrf(c, f"/{YEAR}/")},
        files={"workbook": ("x.xlsx", (COUNTY / FILES[XIHE]).read_bytes(), XLSX)},
    )


def test_prefilled_workbook_is_carried_forward_from_last_years_accepted_upload(county, tmp_path, monkeypatch, capsys):
    from conftest import INPUTS

    t = county.token
    county.post(
        f"/office/{YEAR - 1}/roster/add",
        data={"csrf_token": t, "name": XIHE, "category": "乡镇（街道）", "included": "是"},
    )
    uid21 = units_by_name(county, YEAR - 1)[XIHE]
    new = county.post(f"/office/{YEAR - 1}/links/issue", data={"csrf_token": t, "unit": str(uid21)})
    (link21,) = re.findall(r"http://testserver(/u/[^<]+/)", new.text)
    last_year = INPUTS / "2021.xlsx"
    up = unit_upload(county, link21, last_year.read_bytes(), year=YEAR - 1)
    sub = int(submission_url(up).rsplit("/", 1)[1])
    page = text_of(county.get(f"{county.links[XIHE]}{YEAR}/").text)
    assert "已从本单位上一年度最后一次上传的工作簿结转" in page  # no decision yet: said so
    county.post(f"/office/{YEAR - 1}/units/{uid21}/decide", data={"csrf_token": t, "submission": sub, "kind": "已审核"})
    page = county.get(f"{county.links[XIHE]}{YEAR}/")
    assert "已从本单位上一年度审核通过的工作簿结转" in text_of(page.text)
    got = county.get(f"{county.links[XIHE]}{YEAR}/prefilled.xlsx")
    assert got.status_code == 200
    expected = tmp_path / "expected.xlsx"
    monkeypatch.chdir(tmp_path)
    assert generate_main(["init", "--year", str(YEAR), "--from", str(last_year), "--output", str(expected)]) == 0
    mine = openpyxl.load_workbook(io.BytesIO(got.content))
    theirs = openpyxl.load_workbook(expected)
    assert mine.sheetnames == theirs.sheetnames
    for ws in theirs:
        assert [[c.value for c in r] for r in ws.iter_rows()] == [
            [c.value for c in r] for r in mine[ws.title].iter_rows()
        ]
    # a unit with nothing last year gets the blank workbook
    blank = county.get(f"{county.links[DONGSHAN]}{YEAR}/prefilled.xlsx")
    assert _cells(blank.content) == _cells(county.get(f"{county.links[DONGSHAN]}{YEAR}/blank.xlsx").content)


# --- 4-6. the desk, decisions, the roll-up ------------------------------------------------------
def _desk_rows(c, **query) -> dict[str, list[str]]:
    page = c.get(f"/office/{YEAR}/", params=query)
    rows = re.findall(r'<tr class="status-row">(.*?)</tr>', page.text, re.S)
    out = {}
    for row in rows:
        cells = [text_of(x).strip() for x in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = cells
    return out


def _upload_county(c, names=None) -> None:
    for name, file in FILES.items() if names is None else ((n, FILES[n]) for n in names):
        assert unit_upload(c, c.links[name], (COUNTY / file).read_bytes(), file).status_code == 200


def test_desk_statuses_and_counts_are_those_of_the_review(county, tmp_path, monkeypatch, capsys):
    _upload_county(county)
    rows = _desk_rows(county)
    assert len(rows) == 14
    assert rows[XIHE][2] == "有错误" and rows[XIHE][5] == "1" and rows[XIHE][6] == "0"
    assert rows[DONGSHAN][2] == "通过" and rows["示例县审计局"][2] == "缺报"
    assert rows["示例县气象局"][2] == "缺报"  # excluded and missing: the review says 缺报 too
    # the same as 审核表.xlsx of `generate rollup` on the same workbooks
    review = openpyxl.load_workbook(io.BytesIO(county.get(f"/office/{YEAR}/download/review.xlsx").content))
    ws = review["概况"] if "概况" in review.sheetnames else review.worksheets[0]
    head = [c.value for c in ws[1]]
    by_name = {r[head.index("单位名称")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    for name, cells in rows.items():
        r = by_name[name]
        assert r[head.index("状态")] == cells[2], name
        if cells[5]:
            assert (r[head.index("错误")], r[head.index("警告")]) == (int(cells[5]), int(cells[6])), name
    # figures as the review shows them
    assert rows[DONGSHAN][7] == str(by_name[DONGSHAN][head.index("本年新收")])
    # filter and sort
    assert list(_desk_rows(county, status="有错误")) == [XIHE]
    assert list(_desk_rows(county, sort="errors"))[0] == XIHE
    assert set(_desk_rows(county, decision="未审核")) == set(FILES)


def test_decisions_stay_through_re_uploads_and_re_checks(county):
    _upload_county(county, [XIHE])
    uid = units_by_name(county)[XIHE]
    store = county.app.state.store
    (first,) = store.submissions(YEAR, uid)
    t = county.token
    r = county.post(
        f"/office/{YEAR}/units/{uid}/decide", data={"csrf_token": t, "submission": first.id, "kind": "退回"}
    )
    assert r.status_code == 400  # 退回 needs a note
    note = "表三第 2 行的合计与各项之和不符，请核对后重新上传。"
    county.post(
        f"/office/{YEAR}/units/{uid}/decide",
        data={"csrf_token": t, "submission": first.id, "kind": "退回", "note": note},
    )
    unit_page = county.get(f"{county.links[XIHE]}{YEAR}/")
    assert note in text_of(unit_page.text) and "退回" in text_of(unit_page.text)
    assert _desk_rows(county)[XIHE][3] == "退回"
    # a re-check by a new tool version adds a check row; the decision is untouched
    with store.session() as s, s.begin():
        from generator.web.storage import Check

        s.query(Check).update({"tool_version": "0.0.0-old"})
    page = county.get(f"/office/{YEAR}/units/{uid}")
    assert note in text_of(page.text) and "退回：张三" in text_of(page.text)
    assert len(store.submission(first.id).checks) == 2
    # a new upload shows as new (未审核), the history keeps the decision on the old one
    unit_upload(county, county.links[XIHE], (COUNTY / FILES[XIHE]).read_bytes(), "改正后.xlsx")
    assert _desk_rows(county)[XIHE][3] == "未审核"
    unit_page = text_of(county.get(f"{county.links[XIHE]}{YEAR}/").text)
    assert "等待汇总单位审核" in unit_page and note in unit_page
    page = text_of(county.get(f"/office/{YEAR}/units/{uid}").text)
    assert "改正后.xlsx（当前）" in page and note in page
    latest = store.submissions(YEAR, uid)[0]
    county.post(f"/office/{YEAR}/units/{uid}/decide", data={"csrf_token": t, "submission": latest.id, "kind": "已审核"})
    assert _desk_rows(county)[XIHE][3] == "已审核"
    # 审核表.xlsx carries the decision, who and when
    review = openpyxl.load_workbook(io.BytesIO(county.get(f"/office/{YEAR}/download/review.xlsx").content))
    ws = review.worksheets[0]
    head = [c.value for c in ws[1]]
    assert "审核意见" in head
    by_name = {r[head.index("单位名称")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert by_name[XIHE][head.index("审核意见")].startswith("已审核（张三，")


def test_a_workbook_naming_another_unit_is_flagged_as_the_rollup_would(county):
    unit_upload(county, county.links[XIHE], (COUNTY / FILES[DONGSHAN]).read_bytes())
    assert _desk_rows(county)[XIHE][2] == "名单外"
    page = text_of(county.get(f"/office/{YEAR}/units/{units_by_name(county)[XIHE]}").text)
    assert f"工作簿中的单位名称是“{DONGSHAN}”" in page


def test_decision_on_another_units_upload_is_refused(county):
    _upload_county(county, [XIHE, DONGSHAN])
    ids = units_by_name(county)
    other = county.app.state.store.submissions(YEAR, ids[DONGSHAN])[0]
    r = county.post(
        f"/office/{YEAR}/units/{ids[XIHE]}/decide",
        data={"csrf_token": county.token, "submission": other.id, "kind": "已审核"},
    )
    assert r.status_code == 404
    assert county.app.state.office.decisions([other.id]) == {}


def _cells(data: bytes) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb}


def test_rollup_downloads_equal_generate_rollup_on_the_export(county, tmp_path, monkeypatch, capsys):
    _upload_county(county)
    downloads = {w: county.get(f"/office/{YEAR}/download/{w}") for w in ("rollup.xlsx", "review.xlsx", "review.html")}
    assert all(r.status_code == 200 for r in downloads.values())
    # the command line on an export of the same data folder
    export = tmp_path / "export"
    assert generate_main(["serve", "--data", str(county.data), "--export-year", str(YEAR), "--to", str(export)]) == 0
    assert "3 个单位的当前工作簿" in capsys.readouterr().out
    exported = sorted(p.name for p in (export / str(YEAR)).iterdir())
    assert exported == sorted(FILES_EXPORTED)
    for name, file in FILES.items():  # the bytes as received
        assert (export / str(YEAR) / f"{name}.xlsx").read_bytes() == (COUNTY / file).read_bytes()
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    code = generate_main(
        [
            "rollup",
            "--year",
            str(YEAR),
            "--units",
            str(export / str(YEAR)),
            "--roster",
            str(export / f"{YEAR}-名单.xlsx"),
            "--output-dir",
            str(out),
        ]
    )
    assert code == 1  # units missing and one with 错误
    folder = out / str(YEAR) / "汇总"
    assert _cells(downloads["rollup.xlsx"].content) == _cells((folder / "汇总工作簿.xlsx").read_bytes())
    mine, theirs = _cells(downloads["review.xlsx"].content), _cells((folder / "审核表.xlsx").read_bytes())
    assert mine.keys() == theirs.keys()
    folders = {
        str(export): "EXPORT",
        str(county.data / "export" / "inputs"): "EXPORT",
        str(out): "OUT",
        str(county.data / "export" / "outputs"): "OUT",
    }

    def strip_path(value: object) -> str:  # the two runs' folders differ, nothing else may
        text = str(value)
        for folder, alias in sorted(folders.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(folder, alias)
        return text

    for sheet in theirs:
        assert [[strip_path(v) for v in r] for r in mine[sheet]] == [
            [strip_path(v) for v in r] for r in theirs[sheet]
        ], sheet
    page = downloads["review.html"].text
    cmd_page = (folder / "审核.html").read_text("utf-8")
    norm = lambda s: re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", strip_path(s))  # noqa: E731 — the time it was made
    assert norm(page) == norm(cmd_page)


FILES_EXPORTED = [f"{n}.xlsx" for n in FILES]


def test_reports_zip_is_what_generate_batch_writes(county, tmp_path, monkeypatch, capsys):
    _upload_county(county, [DONGSHAN, XIANZF])
    got = county.get(f"/office/{YEAR}/download/reports.zip")
    assert got.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(got.content))
    export = tmp_path / "export"
    generate_main(["serve", "--data", str(county.data), "--export-year", str(YEAR), "--to", str(export)])
    monkeypatch.chdir(tmp_path)
    assert (
        generate_main(
            ["batch", "--year", str(YEAR), "--units", str(export / str(YEAR)), "--output-dir", "out", "--jobs", "1"]
        )
        == 0
    )
    written = {
        p.relative_to(tmp_path / "out" / str(YEAR)).as_posix(): p for p in (tmp_path / "out").rglob("*") if p.is_file()
    }
    assert sorted(zf.namelist()) == sorted(written) and len(written) == 4
    for name, p in written.items():
        if name.endswith(".html"):
            assert strip_src(zf.read(name).decode()) == strip_src(p.read_text("utf-8")), name


def strip_src(html: str) -> str:
    return re.sub(r"\S*/2022/", "", html)


def test_rollup_is_reused_until_something_changes(county):
    _upload_county(county, [DONGSHAN])
    made = county.data / "export" / "outputs" / str(YEAR) / "汇总" / "审核表.xlsx"
    assert county.get(f"/office/{YEAR}/download/rollup.xlsx").status_code == 200
    first = made.stat().st_mtime_ns
    assert county.get(f"/office/{YEAR}/download/review.html").status_code == 200
    assert made.stat().st_mtime_ns == first  # nothing changed: the same roll-up
    uid = units_by_name(county)[DONGSHAN]
    county.post(
        f"/office/{YEAR}/roster/{uid}/edit",
        data={"csrf_token": county.token, "name": DONGSHAN, "category": "乡镇（街道）", "included": "否"},
    )
    # the only unit is no longer summed: no roll-up workbook, never the stale one
    r = county.get(f"/office/{YEAR}/download/rollup.xlsx")
    assert r.status_code == 409 and "还没有可以汇总" in text_of(r.text)
    review = openpyxl.load_workbook(io.BytesIO(county.get(f"/office/{YEAR}/download/review.xlsx").content))
    ws = review.worksheets[0]
    head = [c.value for c in ws[1]]
    rows = {r[head.index("单位名称")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[DONGSHAN][head.index("状态")] == "不纳入汇总"


def test_no_rollup_before_any_upload(county):
    r = county.get(f"/office/{YEAR}/download/rollup.xlsx")
    assert r.status_code == 409 and "还没有可以汇总" in text_of(r.text)


def test_office_posts_need_the_form_token(county):
    before = len(county.app.state.office.units(YEAR))
    r = county.post(f"/office/{YEAR}/roster/add", data={"name": "示例县统计局", "category": "部门", "included": "是"})
    assert r.status_code == 403
    r = county.post(f"/office/{YEAR}/links/issue", data={"csrf_token": "0" * 64})
    assert r.status_code == 403
    assert len(county.app.state.office.units(YEAR)) == before


def test_hostile_names_are_text(county):
    t = county.token
    evil = '<script>alert(1)</script>=HYPERLINK("http://x")'
    county.post(
        f"/office/{YEAR}/roster/add", data={"csrf_token": t, "name": evil, "category": "部门", "included": "是"}
    )
    page = county.get(f"/office/{YEAR}/roster")
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    wb = openpyxl.load_workbook(io.BytesIO(county.get(f"/office/{YEAR}/roster.xlsx").content))
    cells = [c for r in wb["名单"].iter_rows() for c in r if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)
    uid = units_by_name(county)[evil]
    (link,) = re.findall(
        r"http://testserver(/u/[^<]+/)",
        county.post(f"/office/{YEAR}/links/issue", data={"csrf_token": t, "unit": str(uid)}).text,
    )
    unit_upload(county, link, (COUNTY / FILES[DONGSHAN]).read_bytes(), "../../etc/passwd.xlsx")
    export = county.data / "export" / "inputs" / str(YEAR)
    county.get(f"/office/{YEAR}/download/review.xlsx")
    assert all(p.parent == export for p in export.rglob("*"))


def test_the_governments_own_report(county, tmp_path, monkeypatch, capsys):
    from conftest import INPUTS

    _upload_county(county)
    own = INPUTS / "2022.xlsx"
    r = county.post(
        f"/office/{YEAR}/own/upload",
        data={"csrf_token": county.token},
        files={"workbook": ("县政府.xlsx", own.read_bytes(), XLSX)},
    )
    assert r.status_code == 200
    text = text_of(r.text)
    assert "当前：县政府.xlsx（张三" in text
    # U1 applies to the own workbook as on the command line: its tables against the three units' sums
    export = county.data / "export" / "inputs"
    assert (export / f"{YEAR}.xlsx").read_bytes() == own.read_bytes()
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    generate_main(["check", "--year", str(YEAR), "--input", str(export / f"{YEAR}.xlsx")])
    lines = [line for line in capsys.readouterr().out.splitlines() if " U1 " in line]
    assert lines and all(line.split(": ", 1)[1] in text for line in lines)
    # the report: the roll-up workbook (own unit information and text, the units' sums), rendered
    rollup = county.data / "export" / "outputs" / str(YEAR) / "汇总" / "汇总工作簿.xlsx"
    for kind in ("docx", "html"):  # each download rolls up afresh (the workbook's own time stamp differs)
        response = county.get(f"/office/{YEAR}/own/report.{kind}")
        out = tmp_path / kind
        generate_main(["--year", str(YEAR), "--input", str(rollup), "--output-dir", str(out)])
        (written,) = (out / str(YEAR)).glob(f"*.{kind}")
        assert response.status_code == 200 and response.content == written.read_bytes(), kind
    assert "示例县人民政府" in response.content.decode()
    # a workbook that cannot be read is refused and kept nowhere
    r = county.post(
        f"/office/{YEAR}/own/upload", data={"csrf_token": county.token}, files={"workbook": ("坏.xlsx", b"no", XLSX)}
    )
    assert r.status_code == 422 and "无法读取，没有保存" in text_of(r.text)
    assert county.app.state.office.own(YEAR).original_name == "县政府.xlsx"


# --- storage: the migration from issue 15's schema, and PostgreSQL ------------------------------
def test_migration_0002_keeps_the_desks_data(tmp_path):
    import io as _io

    from generator.web import migrations
    from generator.web.storage import Store, check_record

    store = Store(tmp_path / "data")
    migrations.upgrade(store.engine, "0001")  # a data folder of issue 15's version
    received = store.receive(_io.BytesIO((COUNTY / FILES[DONGSHAN]).read_bytes()), 1 << 24)
    sid = store.add_submission(YEAR, received, "东山乡.xlsx", check_record([], "0.0.9", DONGSHAN, "t"))
    store.migrate()
    assert migrations.current(store.engine) == migrations.head() == "0002"
    sub = store.submission(sid)
    assert sub.original_name == "东山乡.xlsx" and sub.checks[0].tool_version == "0.0.9"
    store.engine.dispose()


def test_the_office_on_postgresql(tmp_path):
    from test_serve_storage import _empty, _postgres_url

    url = _postgres_url()
    _empty(url)
    try:
        with client(tmp_path / "data", url) as c:
            c.token = office(c)
            import_roster(c, c.token)
            c.links = issue_links(c, c.token)
            _upload_county(c)
            rows = _desk_rows(c)
            assert rows[XIHE][2] == "有错误" and rows[DONGSHAN][2] == "通过" and rows["示例县审计局"][2] == "缺报"
            uid = units_by_name(c)[XIHE]
            sub = c.app.state.store.submissions(YEAR, uid)[0]
            c.post(
                f"/office/{YEAR}/units/{uid}/decide",
                data={"csrf_token": c.token, "submission": sub.id, "kind": "退回", "note": "请改"},
            )
            assert "请改" in text_of(c.get(f"{c.links[XIHE]}{YEAR}/").text)
            assert c.get(f"/office/{YEAR}/download/review.xlsx").status_code == 200
    finally:
        _empty(url)


# --- the first account from a one-time code -----------------------------------------------------
def _setup(c, code: str, password: str = PASSWORD, again: str | None = None):
    return c.post(
        "/office/setup",
        data={"csrf_token": csrf(c), "code": code, "name": "李四", "password": password, "again": again or password},
    )


def test_first_account_from_the_one_time_code(app):
    first = app.app.state.first_code
    assert first is not None and len(first.code) == 12
    assert "一次性代码" in text_of(app.get("/office/login").text)
    assert app.get("/office/setup").status_code == 200
    assert _setup(app, first.code, "短").status_code == 400  # a weak password is refused, the code kept
    assert _setup(app, first.code, PASSWORD, "another one!").status_code == 400
    assert _setup(app, "0" * 12).status_code == 401
    assert app.app.state.office.users() == 0
    r = _setup(app, first.code.upper())
    assert r.status_code == 200 and "已设置“李四”的密码" in text_of(r.text)
    assert sign_in(app, "李四").status_code == 303
    assert _setup(app, first.code).status_code == 404  # used once, never again
    assert app.app.state.office.users() == 1


def test_five_wrong_codes_end_the_one_time_code(app):
    first = app.app.state.first_code
    right = first.code
    for _ in range(5):
        assert _setup(app, "f" * 12).status_code == 401
    assert first.code is None
    assert _setup(app, right).status_code == 404
    assert app.app.state.office.users() == 0


def test_no_one_time_code_once_an_account_exists(tmp_path):
    data = tmp_path / "data"
    with client(data) as c:
        add_user(c)
    with client(data) as c:
        assert c.app.state.first_code is None
        assert c.get("/office/setup").status_code == 404


def test_the_server_prints_the_one_time_code(tmp_path):
    import httpx
    from serve_support import Server

    s = Server(tmp_path / "data")
    assert httpx.get(f"{s.url}office/setup").status_code == 200  # serving (a Ctrl-C during start-up is another matter)
    assert s.stop() == 0
    out = s.output[0]
    m = re.search(r"office/setup，输入一次性代码 ([0-9a-f]{12}) ", out)
    assert m, out


def test_export_refuses_a_year_without_roster(tmp_path, capsys):
    code = generate_main(["serve", "--data", str(tmp_path / "d"), "--export-year", "2022", "--to", str(tmp_path / "x")])
    assert code == 2 and "没有 2022 年度的名单" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    code = generate_main(["serve", "--data", str(tmp_path / "d"), "--export-year", "2022"])
    assert code == 2 and "--to" in capsys.readouterr().err
