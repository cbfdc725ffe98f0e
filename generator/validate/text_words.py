"""N7: claims made in words (均获维持, 未发生行政复议, 未收到申请, 未收取信息处理费) against the figures."""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Severity
from ..formats.common import APPEAL_GROUPS
from .context import Ctx, fmt
from .text_base import clause_start, other_year, sentence_end, sentence_start
from .text_readings import Paragraph, readings, subjects
from .text_subject import WHOLE, subject_at

W = Severity.WARNING
APPEAL_TOPIC = re.compile(r"复议|诉讼|起诉|应诉|案件")
GROUPS = {"review": "行政复议", "direct": "行政诉讼（未经复议直接起诉）", "after": "行政诉讼（复议后起诉）"}
_NEG = r"(?:未发生|未出现|未产生|没有发生|没有出现|未有|没有|无(?![论法须需])|未收到|未接到|未被提起|未被申请|零)"
# 均获维持: nothing corrected and nothing pending; 无被纠正/零败诉: nothing corrected.
ALL_UPHELD = re.compile(r"(?:均|全部|都|全部予以)(?:获|被|得到|予以|为)?维持|全部胜诉|均胜诉")
NONE_CORRECTED = re.compile(
    rf"{_NEG}[^,;:。!?\d]{{0,12}}?(?:被)?(?:纠正|纠错|撤销|败诉|确认违法)|零败诉|零纠错|未被纠[正错]"
)
NO_APPEALS = re.compile(
    rf"{_NEG}(?P<gap>[^,;:。!?\d]{{0,16}}?)(?P<what>行政复议|行政诉讼|复议|诉讼)(?:(?:、|和|及|或|以及|与)(?:被)?(?:提起|申请)?(?P<also>行政复议|行政诉讼|复议|诉讼))?"
)
# Between “未收到” and “申请” only words that do not narrow the applications down (涉密信息公开申请 is a part).
_REQ_GAP = (
    r"(?:任何形式的|任何|过|有关|相关|的|政府|个人|公民|本(?:机关|单位|局|部门|委|办|镇|街道)|"
    r"针对[^,;:。!?\d]{1,8}?的|向[^,;:。!?\d]{1,8}?(?:提出|提交)的)*"
)
NO_REQUESTS = re.compile(rf"{_NEG}{_REQ_GAP}(?:依申请|政府信息公开申请|信息公开申请|公开申请)")
NOT_ABOUT_COUNT = re.compile(r"投诉|举报|逾期|超期|纠错|纠正|败诉|撤销|复议|诉讼|不予公开|答复")
EXCEPT = re.compile(r"但|除|仅|只|外")
FEE_NONE = re.compile(
    r"(?:未|不|没有|无|免)(?:收取|收|产生|发生)?(?:任何)?(?:政府)?信息(?:公开)?处理费|信息处理费[^,;。\d]{0,4}?0(?:\.0+)?(?:元|万元)"
)
FEE_SOME = re.compile(r"(?<![未不无免])(?:收取|收)?[^,;。\d]{0,6}?信息处理费[^,;。\d]{0,6}?(\d+(?:\.\d+)?)(元|万元)")


def _groups(words: str) -> list[str]:
    review, lawsuit = "复议" in words, "诉讼" in words or "起诉" in words
    if review and not lawsuit:
        return ["review"]
    if lawsuit and not review:
        return ["direct", "after"]
    return [g for g, _ in APPEAL_GROUPS]


def _nonzero(ctx: Ctx, keys: list[str]) -> list[tuple[str, int | float]]:
    out = []
    for k in keys:
        b = ctx.implied("appeals", k)
        if b is not None and b.value > 0:
            out.append((k, b.value))
    return out


def _describe(ctx: Ctx, found: list[tuple[str, object]]) -> str:
    table = ctx.table("appeals")
    parts = []
    for k, n in found:
        info = table.fields[k] if table else None
        v = ctx.values("appeals").get(k)
        label = f"{GROUPS.get(k.split('.')[0], '')}“{info.col_path[-1]}”" if info else k
        cell = f"（{v.cell}）" if v is not None and v.cell else ""
        parts.append(f"{label} {fmt(n)}{cell}")  # type: ignore[arg-type]
    return "、".join(parts)


def _whole(p: Paragraph, pos: int) -> bool:
    """The claim is about the whole reporting unit: 县政府办公室未收到申请 says nothing of the county."""
    return subject_at(subjects(p), pos).kind == WHOLE


def check_word_claims(ctx: Ctx) -> list[Diagnostic]:
    out = []
    year = ctx.report.year
    fees = _fees_stated(ctx)
    for p in readings(ctx):
        text = p.text
        for m in ALL_UPHELD.finditer(text):
            if other_year(text, m.start(), year) or not _whole(p, m.start()):
                continue
            scope = text[sentence_start(text, m.start()) : m.end()]
            if not APPEAL_TOPIC.search(scope):
                continue
            cols = ["corrected"] if "审结" in scope else ["corrected", "pending"]
            found = _nonzero(ctx, [f"{g}.{c}" for g in _groups(scope) for c in cols])
            if found:
                out.append(_n7(ctx, p, m.group(0), f"但表格中{_describe(ctx, found)}，并非全部维持"))
        for m in NONE_CORRECTED.finditer(text):
            if other_year(text, m.start(), year) or EXCEPT.search(m.group(0)) or not _whole(p, m.start()):
                continue
            scope = text[sentence_start(text, m.start()) : m.end()]
            if not APPEAL_TOPIC.search(scope) and "败诉" not in m.group(0):
                continue
            found = _nonzero(ctx, [f"{g}.corrected" for g in _groups(scope)])
            if found:
                out.append(_n7(ctx, p, m.group(0), f"但表格中{_describe(ctx, found)}"))
        for m in NO_APPEALS.finditer(text):
            rest = text[m.end() : min(m.end() + 8, sentence_end(text, m.end()))]
            gap = m.group("gap")
            if re.search(r"纠|败诉|撤销|维持|确认违法|结果", gap + rest) or EXCEPT.search(gap):
                continue
            if len(gap) > 6 and not re.search(r"信息公开|依申请|公开申请", gap):
                continue
            if other_year(text, m.start(), year) or re.search(r"\d", text[m.end() : sentence_end(text, m.end())][:6]):
                continue
            if not _whole(p, m.start()):
                continue
            words = m.group("what") + (m.group("also") or "")
            keys = [f"{g}.total" for g in _groups(words)]
            found = _nonzero(ctx, keys)
            if found:
                out.append(_n7(ctx, p, m.group(0), f"但表格中{_describe(ctx, found)}"))
        for m in NO_REQUESTS.finditer(text):
            rest = text[m.end() : sentence_end(text, m.end())]
            clause_rest = re.split(r"[,;:]", rest)[0]
            if NOT_ABOUT_COUNT.search(clause_rest) or other_year(text, m.start(), year) or not _whole(p, m.start()):
                continue
            if EXCEPT.search(text[clause_start(text, m.start()) : m.start()]):
                continue
            b = ctx.implied("requests", "new.total")
            if b is not None and b.value > 0:
                v = ctx.values("requests").get("new.total")
                where = f"（申请情况!{v.cell}）" if v is not None and v.cell else ""
                out.append(_n7(ctx, p, m.group(0), f"但表格中“一、本年新收政府信息公开申请数量”为 {b.text()}{where}"))
        if fees and "处理费" in text:
            for m in FEE_NONE.finditer(text):
                if other_year(text, m.start(), year):
                    continue
                where, amount = fees[0]
                out.append(_n7(ctx, p, m.group(0), f"但{where}写收取信息处理费 {amount}"))
    return out


def _fees_stated(ctx: Ctx) -> list[tuple[str, str]]:
    """Where the narrative says a non-zero 信息处理费 was collected: (第 N 段, amount)."""
    out = []
    for p in readings(ctx):
        if "信息处理费" not in p.text:
            continue
        for m in FEE_SOME.finditer(p.text):
            if float(m.group(1)) > 0 and not FEE_NONE.search(p.text, clause_start(p.text, m.start()), m.end()):
                out.append((f"{p.section.sheet}第 {p.index + 1} 段", f"{m.group(1)}{m.group(2)}"))
    return out


def _n7(ctx: Ctx, p: Paragraph, said: str, but: str) -> Diagnostic:
    return ctx.at_paragraph(
        "N7",
        W,
        p.section,
        p.index,
        f"第 {p.index + 1} 段写“{said}”，{but}。请核对正文或表格。",
        "与表格相符的表述",
        said,
    )
