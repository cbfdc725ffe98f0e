"""The Jinja environments and the fixed wording that templates/wording.j2 defines."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:
    from .formats.spec import FormatSpec


def templates_dir() -> Path:
    """templates/ beside the package, or NIANBAO_TEMPLATES for a unit's own copy."""
    override = os.environ.get("NIANBAO_TEMPLATES")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    source = here.parent / "templates"  # a checkout (or an editable install)
    return source if (source / "wording.j2").is_file() else here / "templates"  # an installed wheel


@lru_cache(maxsize=4)
def environment(html: bool, where: str = "") -> Environment:
    return Environment(
        loader=FileSystemLoader(where or str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True) if html else False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


class Wording:
    """Plain-text wording for the Word document and the workbook (no HTML escaping)."""

    def __init__(self) -> None:
        self._m = environment(False, str(templates_dir())).get_template("wording.j2").module

    def _call(self, name: str, *args: Any) -> str:
        return str(getattr(self._m, name)(*args)).strip()

    def report_title(self, unit: Any, year: int) -> str:
        return self._call("report_title", unit, year)

    def part_heading(self, n: int, custom: str = "") -> str:
        return self._call("part_heading", n, custom)

    def table_caption(self, n: int) -> str:
        return self._call("table_caption", n)

    def standard_intro(self, unit: Any, year: int) -> str:
        return self._call("standard_intro", unit, year)

    def date_cn(self, d: dt.date | None) -> str:
        return self._call("date_cn", d)

    def draft_notice(self, errors: int) -> str:
        """The notice on a report with 错误; a unit's older wording.j2 without it gets the default."""
        if hasattr(self._m, "draft_notice"):
            return self._call("draft_notice", errors)
        return f"草稿：校验发现 {errors} 条错误，改正前不得签发或发布"

    def workbook_note(self, n: int, spec: FormatSpec) -> str:
        return self._call("workbook_note", n, spec)
