"""Rules that compare the report with last year's: carry-over, running counts, 年年雷同.

Last year's report may be of the other format version; a rule runs only where the fields it
needs exist in both (parts 三 and 四 share keys; part 二 is matched by its labels).
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Severity
from ..model import Report
from .context import Ctx, fmt
from .text_percent import check_changes

W, I = Severity.WARNING, Severity.INFO
SIMILARITY_LIMIT = 0.8
SHINGLE = 4  # characters; shorter runs shared by two texts are common phrases, not copying


def check_previous(ctx: Ctx, previous: Report) -> list[Diagnostic]:
    # The caller labels last year's workbook with year − 1 whatever it holds; what the workbook
    # itself says (单位信息 报告年度) is what tells a wrong file.
    stated = previous.unit.year if previous.unit.year is not None else previous.year
    if stated != ctx.report.year - 1:
        return [
            ctx.at_sheet(
                "C0",
                I,
                "",
                f"作为上年报告提供的是 {stated} 年度的报告，不是 {ctx.report.year - 1} 年度，跨年核对未进行。",
                expected=ctx.report.year - 1,
                actual=stated,
            )
        ]
    mine, theirs = ctx.report.unit.name.strip(), previous.unit.name.strip()
    if mine and theirs and mine != theirs:
        return [
            ctx.at_sheet(
                "C0",
                I,
                "",
                f"上一年度工作簿的单位是“{theirs}”，与本年“{mine}”不同，跨年核对未进行。",
                expected=mine,
                actual=theirs,
            )
        ]
    prev = Ctx(previous)
    return [
        *_carry_over(ctx, prev),
        *_item_chain(ctx, prev),
        *_in_force(ctx, prev),
        *_published_total(ctx, prev),
        *check_changes(ctx, prev),
        *_same_problems(ctx, prev),
    ]


def _carry_over(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """T3-5: 二、上年结转 (this year) = 四、结转下年度继续办理 (last year), per column."""
    out = []
    for key in ctx.values("requests"):
        if not key.startswith("carried."):
            continue
        col = key.split(".", 1)[1]
        now, before = ctx.number("requests", key), prev.number("requests", f"carry_next.{col}")
        if now is not None and before is not None and now != before:
            out.append(
                ctx.at_field(
                    "T3-5",
                    W,
                    "requests",
                    key,
                    f"上年结转 {fmt(now)} 件，但 {prev.report.year} 年度报告的“四、结转下年度继续办理”为 {fmt(before)} 件。",
                    before,
                    now,
                )
            )
    return out


def _item_chain(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """C1 (2019 format): 上一年项目数量 (Y) = 上一年项目数量 (Y−1) + 本年增/减 (Y−1), per row."""
    out = []
    for key in ctx.values("active"):
        if not key.endswith(".prev"):
            continue
        row = key.removesuffix(".prev")
        now = ctx.number("active", key)
        before = prev.numbers("active", (f"{row}.prev", f"{row}.delta"))
        if now is None or before is None or now == sum(before):
            continue
        out.append(
            ctx.at_field(
                "C1",
                W,
                "active",
                key,
                f"上一年项目数量填 {fmt(now)}，但按 {prev.report.year} 年度报告应为 "
                f"{fmt(before[0])} {'+' if before[1] >= 0 else '−'} {fmt(abs(before[1]))} = {fmt(sum(before))}。",
                sum(before),
                now,
            )
        )
    return out


def _by_label(ctx: Ctx) -> dict[str, dict[str, str]]:
    """active table: row label → column label → key."""
    table = ctx.table("active")
    rows: dict[str, dict[str, str]] = {}
    if table is None:
        return rows
    for key, info in table.fields.items():
        if info.row_path and info.col_path:
            rows.setdefault(info.row_path[-1], {})[info.col_path[-1]] = key
    return rows


def _in_force(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """C2 (2021 format): 现行有效件数 ≈ last year's + 本年制发件数 − 本年废止件数."""
    out = []
    before_rows = _by_label(prev)
    for label, cols in _by_label(ctx).items():
        keys = [cols.get(c) for c in ("现行有效件数", "本年制发件数", "本年废止件数")]
        last_key = before_rows.get(label, {}).get("现行有效件数")
        if None in keys or last_key is None:
            continue
        now = ctx.numbers("active", keys)  # type: ignore[arg-type]
        last = prev.number("active", last_key)
        if now is None or last is None:
            continue
        in_force, made, repealed = now
        expected = last + made - repealed
        if in_force != expected:
            out.append(
                ctx.at_field(
                    "C2",
                    W,
                    "active",
                    keys[0],  # type: ignore[arg-type]
                    f"{label}现行有效件数填 {fmt(in_force)}，按上年现行有效 {fmt(last)} + 本年制发 {fmt(made)} − "
                    f"本年废止 {fmt(repealed)} 应为 {fmt(expected)}。如有清理或重新统计，请在正文中说明。",
                    expected,
                    in_force,
                )
            )
    return out


def _published_total(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """C3 (2019 format): 对外公开总数量 = last year's 对外公开总数量 + this year's 本年新公开数量."""
    out = []
    before_rows = _by_label(prev)
    for label, cols in _by_label(ctx).items():
        total_key, new_key = cols.get("对外公开总数量"), cols.get("本年新公开数量")
        last_key = before_rows.get(label, {}).get("对外公开总数量")
        if total_key is None or new_key is None or last_key is None:
            continue
        now = ctx.numbers("active", (total_key, new_key))
        last = prev.number("active", last_key)
        if now is None or last is None:
            continue
        total, new = now
        if total == last + new:
            continue
        last_cell = prev.values("active")[last_key].cell
        out.append(
            ctx.at_field(
                "C3",
                W,
                "active",
                total_key,
                f"{label}对外公开总数量填 {fmt(total)}，按 {prev.report.year} 年度报告的对外公开总数量 {fmt(last)}"
                f"（{prev.report.year} 年度 主动公开!{last_cell}）+ 本年新公开数量 {fmt(new)}"
                f"（主动公开!{ctx.values('active')[new_key].cell}）应为 {fmt(last + new)}。"
                "如有清理、重新统计，请在正文中说明。",
                last + new,
                total,
            )
        )
    return out


def _plain(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text)


def _covered(text: str, grams: set[str]) -> int:
    """How many characters of text lie in a SHINGLE-character run that also occurs in the other text."""
    covered = reach = 0  # reach: end of the covered stretch so far
    for i in range(len(text) - SHINGLE + 1):
        if text[i : i + SHINGLE] in grams:
            covered += i + SHINGLE - max(i, reach)
            reach = i + SHINGLE
    return covered


def similarity(a: str, b: str) -> float:
    """Share of both texts' characters that the other text repeats, in linear time.

    Like difflib's ratio for edited copies (a word changed here and there leaves its
    neighbours covered), but also counts reordered paragraphs as repeated, and never goes
    quadratic: a 200,000-character part 五 takes well under a second.
    """
    if not a or not b:
        return 0.0

    def shingles(t: str) -> set[str]:
        return {t[i : i + SHINGLE] for i in range(len(t) - SHINGLE + 1)}

    return (_covered(a, shingles(b)) + _covered(b, shingles(a))) / (len(a) + len(b))


def _same_problems(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """C4: 五 must not repeat last year's (“不得出现敷衍了事甚至年年雷同现象”)."""
    now_s, before_s = ctx.report.sections.get("problems"), prev.report.sections.get("problems")
    if now_s is None or before_s is None:
        return []
    a, b = _plain(now_s.text), _plain(before_s.text)
    if len(a) < 20 or len(b) < 20:
        return []  # “无” twice is L3's business, not similarity
    ratio = similarity(a, b)
    if ratio <= SIMILARITY_LIMIT:
        return []
    return [
        ctx.at_sheet(
            "C4",
            W,
            now_s.sheet,
            f"“五、存在的主要问题及改进情况”与 {prev.report.year} 年度报告的相似度为 {ratio:.0%}（超过 80%），"
            "格式要求“不得出现敷衍了事甚至年年雷同现象”。",
            expected="≤ 80%",
            actual=f"{ratio:.0%}",
        )
    ]
