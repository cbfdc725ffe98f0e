"""The Jinja environments and the fixed wording that templates/wording.j2 defines."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)

from .diagnostics import UserError

if TYPE_CHECKING:
    from .formats.spec import FormatSpec

_WAY_BACK = "请对照程序自带的 templates/ 中的同名文件改正；或取消 NIANBAO_TEMPLATES 设置，改用程序自带的模板。"


class TemplateProblem(UserError):
    """A template (or the Word style file) cannot be used: the message names the file and line."""


def _where(path: str | Path, line: int | None) -> str:
    return f"模板文件 {path}" + (f" 第 {line} 行" if line else "")


def _source_line(source: str | None, line: int | None) -> str:
    if not source or not line:
        return ""
    lines = source.splitlines()
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"该行内容：{text[:80]}{'…' if len(text) > 80 else ''}。" if text else ""


def utf8_problem(path: Path, data: bytes, exc: UnicodeDecodeError) -> TemplateProblem:
    """A template or style file saved as GBK/ANSI instead of UTF-8, with the first bad line."""
    line = data.count(b"\n", 0, exc.start) + 1
    return TemplateProblem(
        f"{_where(path, line)}不是 UTF-8 编码（可能用记事本等软件按 ANSI/GBK 保存了），无法读取。"
        "请用记事本“另存为”，编码选“UTF-8”后保存；或用 VS Code 等编辑器以 UTF-8 编码保存。"
    )


class _Loader(FileSystemLoader):
    """FileSystemLoader whose failures name the file in Chinese instead of raising raw errors."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except TemplateNotFound:
            folders = "、".join(str(p) for p in self.searchpath)
            if not any(Path(p).is_dir() for p in self.searchpath):
                raise TemplateProblem(
                    f"模板文件夹 {folders} 不存在（由 NIANBAO_TEMPLATES 指定）。"
                    "请改正 NIANBAO_TEMPLATES 设置，或取消它，改用程序自带的模板。"
                ) from None
            raise TemplateProblem(
                f"模板文件夹 {folders} 中没有 {template}（NIANBAO_TEMPLATES 指向的文件夹应包含程序自带 templates/ 中的全部文件）。"
                "请把缺少的文件复制进去；或取消 NIANBAO_TEMPLATES 设置，改用程序自带的模板。"
            ) from None
        except UnicodeDecodeError as exc:
            path = next((Path(p) / template for p in self.searchpath if (Path(p) / template).is_file()), Path(template))
            raise utf8_problem(path, path.read_bytes() if path.is_file() else b"", exc) from None
        except OSError as exc:
            from .oserrors import describe

            raise TemplateProblem(f"无法读取模板 {template}：{describe(exc)}。") from None


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """(template file, line) where a template failed: Jinja maps its frames to template lines.

    None when the failure is not the template's: raised by the tool's own code that a template
    called (a bug, reported as an internal error), not by Jinja or the template's expressions.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    root = str(templates_dir())

    def is_template(name: str) -> bool:
        return name.startswith(root) or name.endswith((".j2", ".css"))

    innermost = frames[-1].filename if frames else ""
    if not (isinstance(exc, TemplateError) or is_template(innermost) or f"{os.sep}jinja2{os.sep}" in innermost):
        return None
    return next(((f.filename, f.lineno or 0) for f in reversed(frames) if is_template(f.filename)), None)


@contextmanager
def template_errors() -> Iterator[None]:
    """Turn a template's own mistake (syntax, an unknown name, a failing expression) into a
    Chinese message naming the file and line; anything else is re-raised untouched."""
    try:
        yield
    except TemplateProblem:
        raise
    except TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"{_where(exc.filename or exc.name or '', exc.lineno)}有语法错误（{exc.message}）。"
            f"{_source_line(exc.source, exc.lineno)}{_WAY_BACK}"
        ) from None
    except Exception as exc:  # noqa: BLE001 — re-raised unless a template frame caused it
        frame = _template_frame(exc)
        if frame is None:
            raise
        path, line = frame
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = None
        raise TemplateProblem(
            f"{_where(path, line)}无法生成内容（{type(exc).__name__}: {exc}）。{_source_line(source, line)}{_WAY_BACK}"
        ) from None


def templates_dir() -> Path:
    """templates/ beside the package, or NIANBAO_TEMPLATES for a unit's own copy."""
    override = os.environ.get("NIANBAO_TEMPLATES")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    source = here.parent / "templates"  # a checkout (or an editable install)
    return source if (source / "wording.j2").is_file() else here / "templates"  # an installed wheel


class _Template(Template):
    def render(self, *args: Any, **kwargs: Any) -> str:
        with template_errors():
            return super().render(*args, **kwargs)


class _Environment(Environment):
    """Templates whose mistakes (syntax, encoding, a missing file, a failing expression) are
    reported by file and line in Chinese: a unit's own copy may hold any of them."""

    template_class = _Template

    def get_template(self, *args: Any, **kwargs: Any) -> Template:
        with template_errors():
            return super().get_template(*args, **kwargs)


@lru_cache(maxsize=4)
def environment(html: bool, where: str = "") -> Environment:
    return _Environment(
        loader=_Loader(where or str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True) if html else False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


class Wording:
    """Plain-text wording for the Word document and the workbook (no HTML escaping)."""

    def __init__(self) -> None:
        with template_errors():
            self._m = environment(False, str(templates_dir())).get_template("wording.j2").module

    def _call(self, name: str, *args: Any) -> str:
        macro = getattr(self._m, name, None)
        if macro is None:
            raise TemplateProblem(
                f"模板文件 {templates_dir() / 'wording.j2'} 中没有定义 {name}（{{% macro {name}(…) %}}）。{_WAY_BACK}"
            )
        with template_errors():
            return str(macro(*args)).strip()

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
