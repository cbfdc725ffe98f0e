"""templates/docx_style.toml, read and checked: a unit's edited copy fails with file and line.

Sizes may be written in points (16) or by their Chinese names (三号, 小四, 3号), as a clerk
reads them in Word's font-size box.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..templating import TemplateProblem, utf8_problem

# 字号 → points (GB/T 9704 and Word's font-size box).
FONT_SIZES = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
    "六号": 7.5,
    "小六": 6.5,
    "七号": 5.5,
    "八号": 5,
}
_DIGITS = str.maketrans("12345678１２３４５６７８", "一二三四五六七八一二三四五六七八")


@dataclass(frozen=True)
class _Num:
    low: float
    high: float
    unit: str
    required: bool = True
    size: bool = False  # a font size: 字号 names accepted


@dataclass(frozen=True)
class _Text:
    required: bool = True


@dataclass(frozen=True)
class _Flag:
    required: bool = False


@dataclass(frozen=True)
class _Color:
    """An RGB colour as Word writes it: six hex digits, e.g. "C00000"."""

    required: bool = False


_FONT, _FALLBACK = _Text(), _Text(required=False)
_SIZE = _Num(4, 100, "磅", size=True)
_MM = _Num(0, 200, "毫米")
SCHEMA: dict[str, dict[str, _Num | _Text | _Flag]] = {
    "page": {
        "width_mm": _Num(50, 1000, "毫米"),
        "height_mm": _Num(50, 1000, "毫米"),
        "top_mm": _MM,
        "bottom_mm": _MM,
        "left_mm": _MM,
        "right_mm": _MM,
        "footer_mm": _MM,
    },
    "title": {
        "font": _FONT,
        "fallback": _FALLBACK,
        "size_pt": _SIZE,
        "line_pt": _Num(1, 200, "磅"),
        "space_after_lines": _Num(0, 10, "行", required=False),
    },
    "body": {
        "font": _FONT,
        "fallback": _FALLBACK,
        "size_pt": _SIZE,
        "line_pt": _Num(1, 200, "磅"),
        "indent_chars": _Num(0, 10, "字"),
    },
    **{f"heading{n}": {"font": _FONT, "size_pt": _SIZE, "bold": _Flag()} for n in (1, 2, 3)},
    "table": {
        "font": _FONT,
        "line_pt": _Num(0, 200, "磅", required=False),
        "cell_margin_mm": _Num(0, 20, "毫米"),
        "keep_group_rows": _Num(0, 100, "行", required=False),
    },
    "page_number": {"font": _FONT, "size_pt": _SIZE, "dash": _Text()},
    "signature": {"right_indent_chars": _Num(0, 40, "字"), "space_before_lines": _Num(0, 20, "行")},
    # Draft marking; a unit's copy written before it existed has no [draft] (the renderer's defaults apply).
    "draft": {
        "font": _FALLBACK,
        "size_pt": _Num(4, 100, "磅", required=False, size=True),
        "color": _Color(),
        "watermark": _Text(required=False),
        "watermark_font": _FALLBACK,
        "watermark_color": _Color(),
    },
}
OPTIONAL_SECTIONS = {"draft"}


def font_size(value: str) -> float | None:
    """三号 → 16, 小4 → 12, “5 号” → 10.5; None for anything else."""
    name = re.sub(r"\s+", "", value).translate(_DIGITS).removesuffix("字")
    if name.startswith("小"):
        name = name.removesuffix("号")
    elif not name.endswith("号") and name != "初":
        name += "号"
    return FONT_SIZES.get(name)


def load_style(path: Path) -> dict[str, Any]:
    """The style file as a dict, sizes in points; a mistake raises TemplateProblem naming the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        from ..oserrors import describe

        raise TemplateProblem(
            f"无法读取 Word 样式文件 {path}：{describe(exc)}。"
            "使用 NIANBAO_TEMPLATES 时，该文件夹应包含程序自带 templates/ 中的全部文件。"
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise utf8_problem(path, data, exc) from None
    try:
        style = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(m.group(1)) if m else None
        where = f"第 {line} 行第 {m.group(2)} 列" if m else ""
        content = text.splitlines()[line - 1].strip() if line and line <= len(text.splitlines()) else ""
        raise TemplateProblem(
            f"Word 样式文件 {path} {where}不符合 TOML 格式（{str(exc).split(' (at ')[0]}）。"
            + (f"该行内容：{content[:80]}。" if content else "")
            + "常见原因：文字没有用英文双引号括起来，用了中文引号“”或全角等号＝，或 [节名] 缺少方括号。"
        ) from None
    return _checked(style, path, text)


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line of [section] (or of key = inside it) in the file, for messages."""
    lines = text.splitlines()
    start = next(
        (i for i, s in enumerate(lines) if re.fullmatch(rf"\s*\[\s*{re.escape(section)}\s*\]\s*(#.*)?", s)), None
    )
    if start is None or key is None:
        return None if start is None else start + 1
    for i in range(start + 1, len(lines)):
        if re.match(r"\s*\[", lines[i]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start + 1


def _checked(style: dict[str, Any], path: Path, text: str) -> dict[str, Any]:
    problems: list[str] = []

    def where(section: str, key: str | None = None) -> str:
        line = _line_of(text, section, key)
        return f"第 {line} 行" if line else f"[{section}]"

    for section, fields in SCHEMA.items():
        values = style.get(section)
        if values is None and section in OPTIONAL_SECTIONS:
            continue
        if not isinstance(values, dict):
            problems.append(
                f"缺少 [{section}] 一节" if values is None else f"{where(section)} {section} 应为 [{section}] 一节"
            )
            continue
        for key, rule in fields.items():
            if key not in values:
                if rule.required:
                    problems.append(f"[{section}] 缺少 {key}（{where(section)}）")
                continue
            v = values[key]
            if isinstance(rule, _Num):
                if isinstance(v, str) and rule.size and font_size(v) is not None:
                    v = values[key] = font_size(v)
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    hint = "数字或字号名称（如 16 或“三号”）" if rule.size else "数字"
                    problems.append(f"{where(section, key)} [{section}] {key} 应为{hint}，实际为 {_show(v)}")
                elif not rule.low <= v <= rule.high:
                    problems.append(
                        f"{where(section, key)} [{section}] {key} = {v} 超出合理范围"
                        f"（{rule.low:g}–{rule.high:g} {rule.unit}）"
                    )
            elif isinstance(rule, _Color):
                if not (isinstance(v, str) and re.fullmatch(r"[0-9A-Fa-f]{6}", v)):
                    problems.append(
                        f'{where(section, key)} [{section}] {key} 应为六位十六进制颜色（如 "C00000"），实际为 {_show(v)}'
                    )
            elif isinstance(rule, _Text):
                if not isinstance(v, str) or (key != "dash" and not v.strip()):
                    problems.append(
                        f"{where(section, key)} [{section}] {key} 应为加英文双引号的文字，实际为 {_show(v)}"
                    )
            elif not isinstance(v, bool):
                problems.append(f"{where(section, key)} [{section}] {key} 应为 true 或 false，实际为 {_show(v)}")
    page = style.get("page")
    if not problems and isinstance(page, dict):
        if page["left_mm"] + page["right_mm"] >= page["width_mm"] - 20:
            problems.append(f"{where('page')} 左右页边距之和 {page['left_mm'] + page['right_mm']:g} 毫米，版心太窄")
        if page["top_mm"] + page["bottom_mm"] >= page["height_mm"] - 20:
            problems.append(f"{where('page')} 上下页边距之和 {page['top_mm'] + page['bottom_mm']:g} 毫米，版心太矮")
    if problems:
        raise TemplateProblem(
            f"Word 样式文件 {path} 有 {len(problems)} 处不能使用：" + "；".join(problems) + "。"
            "请对照程序自带的 templates/docx_style.toml 改正；或取消 NIANBAO_TEMPLATES 设置，改用程序自带的样式。"
        )
    return style


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 40 else text[:40] + "…"
