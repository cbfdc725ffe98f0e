"""Helpers for the collecting office's tests: a signed-in office, the example county's roster, links."""

from __future__ import annotations

import re

from conftest import INPUTS
from serve_support import XLSX

from generator.web.auth import hash_password

PASSWORD = "示例县汇总 2023"
ROSTER = INPUTS / "2022-名单.xlsx"
COUNTY = INPUTS / "2022"
YEAR = 2022


def csrf(c, path: str = "/office/login") -> str:
    page = c.get(path)
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)


def add_user(c, name: str = "张三", password: str = PASSWORD) -> None:
    c.app.state.office.set_password(name, hash_password(password))


def sign_in(c, name: str = "张三", password: str = PASSWORD):
    return c.post(
        "/office/login", data={"csrf_token": csrf(c), "name": name, "password": password}, follow_redirects=False
    )


def office(c, name: str = "张三") -> str:
    """Make an account, sign in; returns the form token for the office's posts."""
    add_user(c, name)
    assert sign_in(c, name).status_code == 303
    return csrf(c, f"/office/{YEAR}/")


def import_roster(c, token: str, year: int = YEAR, data: bytes | None = None):
    data = ROSTER.read_bytes() if data is None else data
    return c.post(
        f"/office/{year}/roster/import", data={"csrf_token": token}, files={"roster": ("名单.xlsx", data, XLSX)}
    )


def issue_links(c, token: str, year: int = YEAR) -> dict[str, str]:
    """Issue every unit's link; unit name → its path (/u/<token>/)."""
    page = c.post(f"/office/{year}/links/issue", data={"csrf_token": token})
    assert page.status_code == 200
    rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td><code class="link">http://testserver(/u/[^<]+/)</code>', page.text
    )
    return dict(rows)


def unit_upload(c, link: str, data: bytes, name: str = "工作簿.xlsx", year: int = YEAR):
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get(f"{link}{year}/").text).group(1)
    return c.post(
        f"{link}{year}/upload",
        data={"csrf_token": token},
        files={"workbook": (name, data, XLSX)},
        follow_redirects=True,
    )


def units_by_name(c, year: int = YEAR) -> dict[str, int]:
    return {u.name: u.id for u in c.app.state.office.units(year)}
