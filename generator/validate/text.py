"""Narrative rules about the text itself: template leftovers, empty parts, 2021 text rules.

The rules comparing the text with the tables live beside this module: text_readings (what a
count states), text_claims (N1–N3, N6), text_lists (N4, N8), text_percent (N5, C5),
text_words (N7). Each stays silent unless the mismatch is provable.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Severity
from ..workbook.layout import UNIT_FIELDS, UNIT_SHEET, nothing_to_report
from .context import Ctx
from .text_base import paragraphs

E, W = Severity.ERROR, Severity.WARNING

SECTION_NAMES = {
    "intro": "引言",
    "overview": "一、总体情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
REQUIRED_SECTIONS = ("overview", "problems", "other")

# 六 reports the fee: “信息处理费”, or in other words “政府信息公开未发生收费情况”.
FEE_REPORTED = re.compile(r"信息处理费|(?:信息公开|依申请|公开申请)[^。]{0,12}收费|收费[^。]{0,12}(?:信息公开|依申请)")
PLACEHOLDER = re.compile(r"××|ＸＸ|(?<![A-Za-z])XX+(?![A-Za-z])|[(（]文字描述[)）]")


# --- template leftovers, empty parts, 2021 text rules ---------------------------------------


def check_leftovers(ctx: Ctx) -> list[Diagnostic]:
    """L1 placeholders, L2 empty required parts, L3 五 that only says 无."""
    out = []
    for section, i, text in paragraphs(ctx):
        m = PLACEHOLDER.search(text)
        if m:
            out.append(
                ctx.at_paragraph(
                    "L1",
                    E,
                    section,
                    i,
                    f"第 {i + 1} 段含模板占位文字“{m.group(0)}”，请替换为实际内容。",
                    "实际内容",
                    m.group(0),
                )
            )
    for section in ctx.report.sections.values():
        m = PLACEHOLDER.search(section.title)
        if m:
            out.append(
                ctx.at_paragraph(
                    "L1", E, section, None, f"本部分标题含模板占位文字“{m.group(0)}”。", "实际内容", m.group(0)
                )
            )
    for f in UNIT_FIELDS:
        value = getattr(ctx.report.unit, f.attr)
        m = PLACEHOLDER.search(value) if isinstance(value, str) else None
        if m:
            out.append(
                ctx.at_sheet(
                    "L1", E, UNIT_SHEET, f"“{f.label}”含模板占位文字“{m.group(0)}”。", f.label, "实际内容", value
                )
            )
    for key in REQUIRED_SECTIONS:
        section = ctx.report.sections.get(key)
        if section is None or not section.paragraphs:
            sheet = section.sheet if section else ""
            msg = f"“{SECTION_NAMES[key]}”没有内容。这是规定必须报告的部分" + (
                f"；没有需要报告的事项可写“{nothing_to_report(ctx.report.spec)}”" if key == "other" else "。"
            )
            out.append(ctx.at_sheet("L2", E, sheet, msg, expected="正文", actual="空白"))
    problems = ctx.report.sections.get("problems")
    if problems is not None and problems.paragraphs:
        bare = re.sub(r"[\s。.，,！!]", "", problems.text)
        if bare in ("无", "暂无", "没有", "无问题"):
            out.append(
                ctx.at_paragraph(
                    "L3",
                    W,
                    problems,
                    0,
                    "“五、存在的主要问题及改进情况”只写了“无”。格式要求查找问题要有针对性、改进举措要有实效性，不能以“无”代替。",
                    "具体问题和改进情况",
                    problems.text,
                )
            )
    return out


def check_format_text(ctx: Ctx) -> list[Diagnostic]:
    """F1 总体情况 within the format's length; F2 六 reports 信息处理费 where the format requires it."""
    spec = ctx.report.spec
    out = []
    overview = ctx.report.sections.get("overview")
    limit = spec.overview_max_chars
    if overview is not None and limit is not None:
        length = len(re.sub(r"\s", "", overview.text))
        if length > limit:
            out.append(
                ctx.at_sheet(
                    "F1",
                    W,
                    overview.sheet,
                    f"“一、总体情况”共 {length} 字，超过{spec.document}规定的篇幅（原则上不超过 {limit} 字）。",
                    expected=f"≤ {limit}",
                    actual=length,
                )
            )
    other = ctx.report.sections.get("other")
    if spec.fee_report_required and other is not None and not FEE_REPORTED.search(other.text):
        out.append(
            ctx.at_sheet(
                "F2",
                E,
                other.sheet,
                f"“六、其他需要报告的事项”没有报告信息处理费的收取情况。{spec.document}要求在此专门报告，未收取也要写明，如“本年度未收取信息处理费。”",
                expected="含“信息处理费”",
                actual="未提及",
            )
        )
    return out
