"""`generate init`: the blank standardized workbook for a year's format."""

from __future__ import annotations

from pathlib import Path

from .formats import UnsupportedYear, format_for_year
from .workbook.writer import write_workbook


class InitRefused(Exception):
    pass


def init_workbook(year: int, target: Path, source: Path | None = None, force: bool = False) -> list[str]:
    """Write the blank workbook for `year` at `target`; returns messages for the clerk."""
    from .cli import UserError

    try:
        spec = format_for_year(year)
    except UnsupportedYear as exc:
        raise UserError(str(exc)) from None
    if target.exists() and not force:
        raise UserError(f"{target} 已经存在，为防止覆盖已填写的内容，没有写入。确需重新生成请加 --force。")
    if source is not None:
        raise UserError("结转上年数据（--from）尚未实现。")
    write_workbook(target, spec, year)
    return [f"已生成空白工作簿：{target}（{spec.document} 格式）。请填写后运行 generate --year {year}。"]
