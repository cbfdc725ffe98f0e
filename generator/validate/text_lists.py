"""N4 enumerations against the total they follow; N8 runs of 办理结果 categories against 已答复.

A list runs clause by clause to the end of its sentence and stops where a clause brings a new
total, another unit, a nested 其中, or things of another kind (applications → 复议/诉讼). Parts
may fall short of the total (a list need not be exhaustive) unless the list closes with a
catch-all (其他…N条) or is introduced right after its total by 分别为: then they must add up.
"""

from __future__ import annotations

import bisect
import itertools
import re
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from ..formats.common import result_row_keys
from .context import Ctx, fmt
from .text_base import (
    APPEAL_WORDS,
    CLAUSE_DELIMS,
    TOTAL_MARK,
    Token,
    bare_number,
    cumulative,
    marked_total,
    paragraph_tokens,
    sentence_end,
    sentence_start,
    tokens,
    window,
)
from .text_readings import Paragraph, Reading, readings

W = Severity.WARNING
INTRODUCER = re.compile(r"其中|分别为|分别是|包括|包含")
CATCH_ALL = re.compile(r"其他|其它|其余")
NESTED = re.compile(r"其中|分别|包括")
# Items that count people taking part or steps taken: one event or decision may be counted in several.
OVERLAP = re.compile(
    r"领导|负责人|负责同志|人员|干部|专家|代表|委员|出席|参加|参与|经过|开展|组织|进行|听证|论证|评估|审查|审核|涉及|同时"
)
NEW_TOTAL = re.compile(r"全年|累计|历年|总计|总数|总量")
RUN_LIMIT = 40  # counts looked at after an answered total: a run names at most the 20-odd result rows
ANSWERED = re.compile(r"办结|答复|办理完毕|办理完结|作出.{0,4}决定|处理")


def _int(n: Decimal) -> int | Decimal:
    return int(n) if n == n.to_integral_value() else n


def _kind(words: str) -> str:
    return "appeal" if APPEAL_WORDS.search(words) else "other"


# --- N4 -------------------------------------------------------------------------------------


def check_breakdowns(ctx: Ctx) -> list[Diagnostic]:
    """N4: a list whose parts exceed its total, or (when complete) differ from it."""
    out = []
    for p in readings(ctx):
        text = p.text
        used: set[int] = set()  # “其中包括……”: one list, however many words introduce it
        for m in INTRODUCER.finditer(text):
            items = _list_after(text, m.end())
            if len(items) < 2 or items[0][0].start in used:
                continue
            used.add(items[0][0].start)
            unit = items[0][0].unit
            total = _total_before(text, m.start(), unit)
            if total is None:
                continue
            lead = text[sentence_start(text, m.start()) : m.start()] if m.group(0).startswith("分别") else ""
            if _kind(text[sentence_start(text, total.start) : total.start]) != _kind(lead + items[0][1]):
                continue  # 收到申请25件 …… 行政复议和行政诉讼分别为1件、3件
            kept = _within(items, total)
            if len(kept) < 2:
                continue
            first = p.readings.get(kept[0][0].start)
            if first is not None and first.kind == "result":
                continue  # 办理结果 add up to the applications answered, not received: N8's business
            if any(OVERLAP.search(clause) for _, clause in kept):
                continue  # 领导出席6场, 专家论证3项: the parts may overlap, their sum proves nothing
            s = sum(t.value for t, _ in kept)
            complete = bool(CATCH_ALL.search(kept[-1][1])) or (
                m.group(0).startswith("分别") and re.fullmatch(r"[,:]?", text[total.end : m.start()]) is not None
            )
            if complete and s < total.value and bare_number(text, kept[0][0].start, kept[-1][0].end):
                complete = False  # an item without a unit was not counted
            if s > total.value or (complete and s != total.value):
                out.append(_n4(ctx, p, total, [t for t, _ in kept], s, complete))
    return out


def _within(items: list[tuple[Token, str]], total: Token) -> list[tuple[Token, str]]:
    """The items that belong to the total: up to a restated or larger total, or a running total.

    A clause with 共/合计 is the subtotal of one item (“解读及回应信息共计110条”, “其他信息共计2004条”)
    unless it is the total again, a larger one, or a year's or running total: then a new statement begins.
    """
    kept = []
    for tok, clause in items:
        if tok.value == total.value:
            break
        if TOTAL_MARK.search(clause):
            if tok.value > total.value or NEW_TOTAL.search(clause):
                break
            kept.append((tok, clause))
            if CATCH_ALL.search(clause):
                break
            continue
        kept.append((tok, clause))
    return kept


def _n4(ctx: Ctx, p: Paragraph, total: Token, kept: list[Token], s: Decimal, complete: bool) -> Diagnostic:
    unit = total.unit
    listed = "＋".join(f"{fmt(_int(t.value))}{unit}" for t in kept)
    if s > total.value:
        msg = f"所列各项 {listed} = {fmt(_int(s))}{unit}，超过了总数 {fmt(_int(total.value))}{unit}：部分不能多于总数。"
        expected: object = f"≤ {fmt(_int(total.value))}"
    else:
        msg = (
            f"所列各项（含“其他”）{listed} = {fmt(_int(s))}{unit}，"
            f"与总数 {fmt(_int(total.value))}{unit} 不符：列举已经完整，各项之和应等于总数。"
        )
        expected = _int(total.value)
    return ctx.at_paragraph("N4", W, p.section, p.index, f"第 {p.index + 1} 段{msg}", expected, _int(s))


def _list_after(text: str, pos: int) -> list[tuple[Token, str]]:
    """(count, its clause) listed after pos to the end of the sentence (or of the parenthesis the
    list opens in), one per clause, of one unit and kind."""
    end = sentence_end(text, pos)
    if text.rfind("(", 0, pos) > text.rfind(")", 0, pos):  # “1717件(包含上年结转76件)”
        close = text.find(")", pos, end)
        end = close if close >= 0 else end
    region = text[pos:end]
    out: list[tuple[Token, str]] = []
    start = 0
    for clause in re.split(f"[{CLAUSE_DELIMS}]", region):
        toks = [t for t in tokens(clause, pos + start) if t.unit != "%"]
        start += len(clause) + 1
        if not toks:
            continue
        if len(toks) > 1 or (
            out and (toks[0].unit != out[0][0].unit or _kind(clause) != _kind(out[0][1]) or NESTED.search(clause))
        ):
            break
        out.append((toks[0], clause))
        if TOTAL_MARK.search(clause) and len(out) == 1:
            break  # the list opens with a total of its own: not a list of parts
    return out


def _total_before(text: str, pos: int, unit: str) -> Token | None:
    """The nearest earlier count of the same unit in this sentence; for a sentence opening with the
    list, the one count (or the one total) of the sentence before, if it is unambiguous."""
    start = sentence_start(text, pos)
    found = [t for t in tokens(text[start:pos], start) if t.unit == unit and not cumulative(text, t.start)]
    if found:
        return found[-1]
    if start == 0 or text[start:pos].strip(" ,:") not in ("", "同时"):
        return None  # “已全部按期答复，其中……”: the total is not written; the sentence before is another matter
    lo = sentence_start(text, start - 1)
    found = [t for t in tokens(text[lo:start], lo) if t.unit == unit and not cumulative(text, t.start)]
    marked = [t for t in found if marked_total(text, t)]
    if len(marked) == 1:
        return marked[0]
    return found[0] if len(found) == 1 else None


# --- N8 -------------------------------------------------------------------------------------


def anchors(p: Paragraph) -> list[Reading | Token]:
    """Counts of applications answered: 已答复…申请25件, 共办结120件."""
    cached = p.memo.get("anchors")
    if cached is not None:
        return cached
    out: list[Reading | Token] = [r for r in p.readings.values() if r.kind == "answered"]
    seen = {r.start for r in out}
    toks = list(paragraph_tokens(p.text))
    for i, t in enumerate(toks):
        if t.unit != "件" or t.start in seen or t.start in p.readings:
            continue
        _, words = window(p.text, toks, i)
        if ANSWERED.search(words) and marked_total(p.text, t) and not APPEAL_WORDS.search(words):
            out.append(t)
    p.memo["anchors"] = sorted(out, key=lambda a: a.start)
    return p.memo["anchors"]


def check_result_runs(ctx: Ctx) -> list[Diagnostic]:
    """N8: 办理结果 categories listed after the number answered add up to it."""
    out = []
    for p in readings(ctx):
        toks = [t for t in paragraph_tokens(p.text) if t.unit != "%"]
        for anchor in anchors(p):
            run = _run(p, toks, anchor.start)
            if len(run) < 2 or bare_number(p.text, anchor.start + len(str(_int(_said(anchor)))), run[-1].start):
                continue
            said = _said(anchor)
            s = sum(r.said for r in run)
            covered = frozenset().union(*(r.rows for r in run))
            complete = run[-1].catch_all or _rest_is_zero(ctx, covered)
            if s > said or (complete and s != said):
                out.append(_n8(ctx, p, said, run, s))
    return out


def _said(anchor: Reading | Token) -> Decimal:
    return anchor.said if isinstance(anchor, Reading) else anchor.value


def _run(p: Paragraph, toks: list[Token], start: int) -> list[Reading]:
    """The result categories counted after the anchor: in its sentence, or in the next one when
    the anchor's sentence has none (“共答复1453件，包括上年结转30件。其中，予以公开……”); the
    run stops at the first count of another kind."""
    text = p.text
    end = sentence_end(text, start)
    starts = p.memo.get("starts")
    if starts is None:  # once per paragraph: setdefault would build the list for every anchor
        starts = p.memo["starts"] = [t.start for t in toks]
    first = bisect.bisect_right(starts, start)
    after = [t for t in itertools.islice(toks, first, first + RUN_LIMIT) if not _in_parentheses(text, t.start)]
    run = _collect(p, after, end)
    if not run and end < len(text):
        following = [t for t in after if t.start > end]
        run = _collect(p, following, sentence_end(text, end + 1))
    return run


def _collect(p: Paragraph, toks: list[Token], end: int) -> list[Reading]:
    run: list[Reading] = []
    covered: set[str] = set()
    for t in toks:
        if t.start > end:
            break
        r = p.readings.get(t.start)
        if r is None or r.kind != "result":
            break
        if r.rows <= covered:
            continue  # a detail of a category already counted: 无法提供3件（其中本机关不掌握2件）
        if r.rows & covered:
            break
        covered |= r.rows
        run.append(r)
    return run


def _in_parentheses(text: str, pos: int) -> bool:
    """“答复805件（含上年度结转申请18件……）”: a count in an aside is no item of the run."""
    lo = max(0, pos - 200)
    return text.rfind("(", lo, pos) > text.rfind(")", lo, pos)


def _rest_is_zero(ctx: Ctx, covered: frozenset[str]) -> bool:
    """Every 办理结果 row the run does not name is 0 in the table: the run names them all."""
    table = ctx.table("requests")
    if table is None:
        return False
    for row in result_row_keys(table):
        if row in covered:
            continue
        b = ctx.implied("requests", f"{row}.total")
        if b is None or not b.exact or b.value != 0:
            return False
    return True


def _n8(ctx: Ctx, p: Paragraph, said: Decimal, run: list[Reading], s: Decimal) -> Diagnostic:
    listed = "＋".join(fmt(_int(r.said)) for r in run)
    names = "、".join(r.phrase for r in run)
    msg = (
        f"第 {p.index + 1} 段列举的办理结果（{names}）合计 {listed} = {fmt(_int(s))} 件，"
        f"与前文答复总数 {fmt(_int(said))} 件不符。请核对各类件数或答复总数。"
    )
    return ctx.at_paragraph("N8", W, p.section, p.index, msg, _int(said), _int(s))
