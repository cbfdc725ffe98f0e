"""N5 shares (占X%, 占比X%, 比例为X%, 约占X%, X%的…) and C5 year-on-year changes (同比增长X%).

A share is the nearest count before it in its sentence divided by a base: a count marked as a
total (共, 全年, 合计…), a count of applications received or answered, the total a 其中 list
follows, or, for a 办理结果 category, the table's figures. Any base that fits silences it.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from .context import Ctx, fmt
from .text_base import (
    Token,
    bare_number,
    clause_start,
    marked_total,
    paragraph_tokens,
    precision_tolerance,
    sentence_start,
)
from .text_lists import anchors
from .text_readings import Paragraph, Reading, readings
from .text_subject import WHOLE

W = Severity.WARNING
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)%")
SHARE = re.compile(r"(?:占比|(?:比例|比率|比重)|占[^,;:。!?\d%]{0,12}?)(?:为|是|达到?|约为?|近|超过|逾|高达)?$")
CHANGE_WORDS = re.compile(r"同比|比上年|较上年|比去年|较去年|增长|下降|增加|减少|提高|上升|降低|率(?:为|达|是)?$")
AT_LEAST = re.compile(r"(?:超过|逾|以上)")
AT_MOST = re.compile(r"(?:近|不到|不足)")
ZERO_TOLERANCE = Decimal("0.05")
MAX_BASES = 24  # the nearest candidate bases looked at: keeps a share's check bounded in long text
MAX_PARTS = 6


def _candidates(p: Paragraph, toks: list[Token]) -> list[Token]:
    """Counts of the paragraph that may be the base of a share, in order (computed once per paragraph)."""
    cached = p.memo.get("bases")
    if cached is not None:
        return cached
    text = p.text
    starts = {a.start for a in anchors(p)} | {
        r.start for r in p.readings.values() if r.kind in ("received", "accepted", "answered")
    }
    ends = [t.end for t in toks]
    for m in re.finditer("其中|分别为", text):
        i = bisect.bisect_right(ends, m.start())
        if i:
            starts.add(toks[i - 1].start)
    p.memo["bases"] = [t for t in toks if t.value > 0 and (t.start in starts or marked_total(text, t))]
    return p.memo["bases"]


def _bases(ctx: Ctx, p: Paragraph, part: Token, toks: list[Token]) -> list[Decimal]:
    candidates = _candidates(p, toks)
    starts = p.memo.get("base_starts")
    if starts is None:  # once per paragraph, not once per share
        starts = p.memo["base_starts"] = [c.start for c in candidates]
    i = bisect.bisect_left(starts, part.start)
    out = [c.value for c in reversed(candidates[max(0, i - MAX_BASES) : i]) if c.unit == part.unit]  # nearest first
    reading = p.readings.get(part.start)
    if reading is not None and reading.kind == "result":
        for key in ("total.total", "new.total"):
            b = ctx.implied("requests", key)
            if b is not None and b.exact and b.value > 0:
                out.append(Decimal(b.value))
    return out


def check_percentages(ctx: Ctx) -> list[Diagnostic]:
    """N5: a share that differs from part ÷ base by more than its written precision (at least 0.05)."""
    out = []
    for p in readings(ctx):
        text = p.text
        toks = [t for t in paragraph_tokens(text) if t.unit != "%"]
        starts, ends = [t.start for t in toks], [t.end for t in toks]
        for m in PERCENT.finditer(text):
            prefix = text[max(sentence_start(text, m.start()), m.start() - 16) : m.start()]
            share = SHARE.search(prefix)
            if share is None and not text.startswith("的", m.end()):
                continue
            if CHANGE_WORDS.search(prefix[-6:]):
                continue
            stated = Decimal(m.group(1))
            k = bisect.bisect_right(ends, m.start())
            j = max(bisect.bisect_left(starts, sentence_start(text, m.start())), k - MAX_PARTS)
            parts = toks[j:k]
            if not parts:
                continue
            part = parts[-1]
            if bare_number(text, part.end, m.start()):
                continue
            if share is None and clause_start(text, m.start()) > part.start:
                continue  # “办结200件，95%的申请当日办结”: X%的 names its own part, not the count before
            bases = _bases(ctx, p, part, toks)
            if not bases:
                continue
            tolerance = max(ZERO_TOLERANCE, precision_tolerance(stated))
            # “予以公开18件，部分公开18件，二者合计占10.43%”: the share may be of the last few counts together.
            sums = [sum(t.value for t in parts[-n:]) for n in range(1, len(parts) + 1) if parts[-n].unit == part.unit]
            own = text[clause_start(text, m.start()) : m.start()]
            if share is not None and re.search(r"[\u4e00-\u9fff]", own[: len(own) - len(share.group(0))]):
                # “网上申请8件，当面申请4件，网上申请占比66.7%”: the words name the part; any count may be it
                sums += [t.value for t in parts if t.unit == part.unit]
            fits = [s * 100 / b for b in bases for s in sums]
            if AT_LEAST.search(prefix[-4:]):
                ok = any(f >= stated - tolerance for f in fits)
            elif AT_MOST.search(prefix[-4:]):
                ok = any(f <= stated + tolerance for f in fits)
            else:
                ok = any(abs(f - stated) <= tolerance for f in fits)
            if ok:
                continue
            out.append(_n5(ctx, p, m.group(0), stated, part.value, bases[0]))
    return out


def _n5(ctx: Ctx, p: Paragraph, written: str, stated: Decimal, part: Decimal, base: Decimal) -> Diagnostic:
    decimals = max(-stated.as_tuple().exponent, 0)  # type: ignore[operator]
    exact = part * 100 / base
    shown = exact.quantize(Decimal(1) / Decimal(10) ** max(decimals, 2))
    return ctx.at_paragraph(
        "N5",
        W,
        p.section,
        p.index,
        f"第 {p.index + 1} 段写“{written}”，但 {fmt(_plain(part))} ÷ {fmt(_plain(base))} = {fmt(shown)}%，"
        f"相差 {fmt(abs(exact - stated).quantize(Decimal('0.01')))} 个百分点（容差 0.05）。",
        f"{fmt(shown)}%",
        f"{fmt(stated)}%",
    )


def _plain(n: Decimal) -> int | Decimal:
    return int(n) if n == n.to_integral_value() else n


# --- C5: 同比 ---------------------------------------------------------------------------------

CHANGE = re.compile(
    r"(?:同比|比上年|较上年|比去年|较去年|与上年相比)(?:[^,;:。!?\d]{0,4}?)"
    r"(增长|增加|上升|提高|下降|减少|降低)了?(\d+(?:\.\d+)?)(%|件|个|条)"
)
DOWN = ("下降", "减少", "降低")


def check_changes(ctx: Ctx, prev: Ctx) -> list[Diagnostic]:
    """C5: “收到申请25件，同比增长25%” against last year's table."""
    out = []
    for p in readings(ctx):
        text = p.text
        for m in CHANGE.finditer(text):
            sentence = sentence_start(text, m.start())
            before = [r for r in p.readings.values() if sentence <= r.start < m.start()]
            if not before:
                continue
            r = max(before, key=lambda x: x.start)
            if r.scope.kind != WHOLE:
                continue  # a part's change (县政府办公室受理12件，同比增长20%) is not the table's
            if re.search(r"\d", re.sub(r"^\d+(?:\.\d+)?", "", text[r.start : m.start()])):
                continue  # another count stands between: the change may be of that one
            d = _change(ctx, prev, p, r, m)
            if d is not None:
                out.append(d)
    return out


def _change(ctx: Ctx, prev: Ctx, p: Paragraph, r: Reading, m: re.Match[str]) -> Diagnostic | None:
    stated = Decimal(m.group(2)) * (-1 if m.group(1) in DOWN else 1)
    unit = m.group(3)
    candidates = []
    for keys in r.options:
        last = prev.implied_sum(r.table, keys)
        if last is None or not last.exact:
            continue
        last_v = Decimal(last.value)
        for now in {r.said, *(Decimal(b.value) for b in [ctx.implied_sum(r.table, keys)] if b and b.exact)}:
            if unit == "%":
                if last_v == 0:
                    continue
                candidates.append((now, last_v, (now - last_v) * 100 / last_v))
            else:
                candidates.append((now, last_v, now - last_v))
    if not candidates:
        return None
    tol = max(ZERO_TOLERANCE, precision_tolerance(abs(stated))) if unit == "%" else Decimal(0)
    if any(abs(c - stated) <= tol for _, _, c in candidates):
        return None
    now, last_v, change = candidates[0]
    shown = change.quantize(Decimal("0.01")) if unit == "%" else change
    word = "增长" if change >= 0 else "下降"
    return ctx.at_paragraph(
        "C5",
        W,
        p.section,
        p.index,
        f"第 {p.index + 1} 段写“{m.group(0)}”，但本年 {fmt(_plain(now))}、{prev.report.year} 年度报告为 {fmt(_plain(last_v))}，"
        f"实际{word} {fmt(_plain(abs(shown)) if unit != '%' else abs(shown))}{unit}。",
        f"{fmt(shown)}{unit}",
        f"{fmt(stated)}{unit}",
    )
