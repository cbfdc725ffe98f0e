"""The office's console commands: `generate serve --set-password` and `--export-year Y --to DIR`."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..diagnostics import UserError
from ..oserrors import describe
from .auth import hash_password, password_problem
from .office_store import OfficeStore
from .storage import Store


def _open(data: Path, database: str | None) -> Store:
    try:
        store = Store(data, database)
        store.migrate()
    except OSError as exc:
        raise UserError(f"无法使用数据文件夹 {data}：{describe(exc)}。") from None
    return store


def _ask(prompt: str) -> str:
    """A password from the terminal without echo, or one line of standard input (scripts, tests)."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def set_password(data: Path, database: str | None, user: str) -> int:
    """Create the office account `user` or set its password; its open sessions end."""
    name = user.strip()
    if not name or len(name) > 100:
        raise UserError("用户名不能为空，也不能超过 100 个字符。")
    password = _ask(f"请输入“{name}”的新密码：")
    problem = password_problem(password)
    if problem:
        raise UserError(f"{problem}没有修改密码。")
    if sys.stdin is not None and sys.stdin.isatty() and _ask("请再输入一次：") != password:
        raise UserError("两次输入的密码不一致，没有修改密码。")
    store = _open(data, database)
    OfficeStore(store).set_password(name, hash_password(password))
    store.engine.dispose()
    print(f"已设置“{name}”的密码。启动 generate serve 后在浏览器中打开 /office/ 登录。")
    return 0


def export_year(data: Path, database: str | None, year: int, to: Path | None) -> int:
    """Write the year's roster, current uploads and own workbook (as received), laid out as inputs/."""
    from .office_rollup import export_year as export
    from .office_rollup import own_file, roster_file, units_folder

    if to is None:
        raise UserError("请用 --to 指定导出到的文件夹，如 --export-year 2022 --to 导出/2022。")
    store = _open(data, database)
    office = OfficeStore(store)
    if not office.units(year):
        raise UserError(f"数据文件夹 {data} 中没有 {year} 年度的名单，没有导出。")
    try:
        export(store, office, year, to)
    except OSError as exc:
        raise UserError(f"无法写入 {to}：{describe(exc)}。") from None
    finally:
        store.engine.dispose()
    n = sum(1 for p in units_folder(to, year).iterdir() if p.is_file())
    own = own_file(to, year)
    print(
        f"已导出 {year} 年度名单和 {n} 个单位的当前工作簿到 {to}"
        + ("（另有本级政府自己的工作簿）" if own.is_file() else "")
        + "，布局与 inputs/ 相同。"
    )
    print(
        f"在命令行汇总：generate rollup --year {year} --units {units_folder(to, year)} --roster {roster_file(to, year)}"
        + (f" --own {own}" if own.is_file() else "")
        + " --output-dir 输出文件夹"
    )
    return 0
