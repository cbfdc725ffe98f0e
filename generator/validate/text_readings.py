"""What a count in the narrative states: which table figure, found from the words before it.

A *reading* ties one number of the text to one or more table figures (any of which it may
state: 受理 = 一 or 一 + 二). The other text rules build on readings: percentages find their
part and base, lists find their total, a run of 办理结果 categories finds its items.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..formats.common import result_row_keys
from ..model import Section
from .context import TOTAL_COL, Ctx
from .text_base import (
    APPEAL_WORDS,
    GAP,
    Token,
    cumulative,
    other_year,
    paragraph_tokens,
    paragraphs,
    precision_tolerance,
    sentence_end,
    sentence_start,
    window,
)
from .text_subject import PART, WHOLE, Analysis, Scope, analyse, subject_at, unit_words

T = TOTAL_COL


@dataclass(frozen=True)
class Reading:
    """One count of the narrative and the table figure(s) it states."""

    code: str  # the rule that compares it: N1, N2, N3, N6
    start: int  # where the number starts in the NFKC paragraph
    phrase: str  # the words quoted in messages
    said: Decimal  # the number, in the table's unit
    table: str
    options: tuple[tuple[str, ...], ...]  # each a set of keys whose sum the text may state
    what: str  # the first option's name in messages
    kind: str  # received, accepted, answered, carried, carry_next, result, review, lawsuit, active
    rows: frozenset[str] = frozenset()  # 办理结果 rows named (kind == "result")
    tolerance: Decimal = Decimal(0)
    catch_all: bool = False  # the category is 其他处理: a run closing with it is complete
    scope: Scope = Scope(WHOLE)  # whose number: the whole unit, a part of it, or undecided (text_subject)


@dataclass
class Paragraph:
    section: Section
    index: int
    text: str
    readings: dict[int, Reading]  # by start
    memo: dict[str, Any] = field(default_factory=dict)  # per-paragraph analyses other rules share


def readings(ctx: Ctx) -> list[Paragraph]:
    """Every paragraph with its readings and their subjects, computed once per validation."""
    cached = ctx.cache.get("readings")
    if cached is None:
        cached = []
        words = unit_words(ctx.report.unit)
        default, section = Scope(WHOLE), None
        for s, i, text in paragraphs(ctx):
            if s is not section:
                default, section = Scope(WHOLE), s
            a = analyse(words, text, default)
            if _heading(s, i, text):
                default = subject_at(a, len(text), channels=False)
                default = default if default.kind == PART else Scope(WHOLE)
            found = {k: replace(r, scope=subject_at(a, r.start, r.table != "active")) for k, r in _read(ctx, text).items()}
            p = Paragraph(s, i, text, found)
            p.memo["subjects"] = a
            cached.append(p)
        ctx.cache["readings"] = cached
    return cached


def _heading(section: Section, index: int, text: str) -> bool:
    """A heading (“（二）县政府办公室依申请公开情况”): its subject is the default of the paragraphs under it."""
    return section.paragraphs[index].level > 0 and len(text) <= 30 and not paragraph_tokens(text)


def subjects(p: Paragraph) -> Analysis:
    return p.memo["subjects"]  # type: ignore[no-any-return]


def _read(ctx: Ctx, text: str) -> dict[int, Reading]:
    out: dict[int, Reading] = {}
    for r in _requests_and_appeals(ctx, text):
        out.setdefault(r.start, r)
    toks = list(paragraph_tokens(text))
    for r in _categories(ctx, text, toks):
        out.setdefault(r.start, r)
    for r in _active(ctx, text, toks):
        out.setdefault(r.start, r)
    year = ctx.report.year
    return {k: r for k, r in out.items() if not cumulative(text, r.start) and not other_year(text, r.start, year)}


# --- N1, N3: fixed wordings -----------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    code: str
    pattern: re.Pattern[str]
    table: str
    options: tuple[tuple[str, ...], ...]
    what: str
    kind: str


def _wording(
    code: str, head: str, table: str, options: tuple[tuple[str, ...], ...], what: str, kind: str, **kw: str
) -> Wording:
    unit, via = kw.get("unit", "件"), kw.get("via", "")
    middle = f"{GAP}{{0,12}}?{via}{GAP}{{0,4}}?" if via else f"{GAP}{{0,10}}?"
    return Wording(code, re.compile(rf"{head}{middle}(\d+)(?:{unit})"), table, options, what, kind)


NEW = "一、本年新收政府信息公开申请数量"
APPEAL_RESULT = re.compile(r"维持|纠正|纠错|撤销|驳回|审结|审理|败诉|胜诉|结果|其他|终止|撤回")
WORDINGS = (
    _wording("N1", "(?:收到|新收)", "requests", ((f"new.{T}",),), NEW, "received", via="申请"),
    _wording("N1", "受理", "requests", ((f"new.{T}",), (f"new.{T}", f"carried.{T}")), NEW, "accepted", via="申请"),
    _wording(
        "N1",
        "(?:已答复|答复|已办结|办结|办理完毕|办理完结)",
        "requests",
        ((f"total.{T}",),),
        "三、本年度办理结果（七）总计",
        "answered",
        via="申请",
    ),
    _wording("N1", "上年结转", "requests", ((f"carried.{T}",),), "二、上年结转政府信息公开申请数量", "carried"),
    _wording(
        "N1", "结转(?:至|到)?下一?年度?", "requests", ((f"carry_next.{T}",),), "四、结转下年度继续办理", "carry_next"
    ),
    _wording("N3", "行政复议", "appeals", ((f"review.{T}",),), "行政复议 总计", "review", unit="件|起"),
    _wording(
        "N3",
        "行政诉讼",
        "appeals",
        ((f"direct.{T}", f"after.{T}"),),
        "行政诉讼 总计（直接起诉与复议后起诉之和）",
        "lawsuit",
        unit="件|起",
    ),
)


def _requests_and_appeals(ctx: Ctx, text: str) -> list[Reading]:
    out = []
    for w in WORDINGS:
        for m in w.pattern.finditer(text):
            if "分别" in m.group(0) or (w.code == "N3" and "复议" in m.group(0) and "诉讼" in m.group(0)):
                continue  # 行政复议和行政诉讼分别为1件、3件: which number is which is not for a pattern to guess
            if w.code == "N3" and APPEAL_RESULT.search(m.group(0)):
                continue  # 行政复议结果维持2件: one column of the group, not its total
            out.append(Reading(w.code, m.start(1), m.group(0), Decimal(m.group(1)), w.table, w.options, w.what, w.kind))
    return out


# --- N2: 办理结果 categories, alone or joined (予以公开及部分公开) ----------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    group: str  # the group's own name (予以公开 … 其他处理)
    rows: tuple[str, ...]
    is_group: bool


# Shorter ways reports name a sub-row; matched only right before a count.
ALIASES = {
    "本机关不掌握相关政府信息": ("本机关不掌握", "信息不存在"),
    "没有现成信息需要另行制作": ("需要另行制作", "需另行制作"),
    "补正后申请内容仍不明确": ("申请内容仍不明确",),
    "信访举报投诉类申请": ("信访举报投诉",),
    "无正当理由大量反复申请": ("大量反复申请",),
    "要求提供公开出版物": ("公开出版物",),
    "保护第三方合法权益": ("第三方合法权益",),
    "属于国家秘密": ("国家秘密",),
    "危及“三安全一稳定”": ("三安全一稳定",),
}
GROUP_NAME = re.compile(r"^（[一二三四五六七八九十]+）")
SUB_NAME = re.compile(r"^\d+\.")
CONJUNCTION = re.compile(r"^[”’\"」』]?(?:及|和|与|、|以及|或|加上?|\+)[“‘\"「『]?$")
QUALIFIER = re.compile(r"^[”’\"」』]?(?:等|的|而|被|予以|,)*(?:等?(?:原因|情形|情况|理由))?(?:而|被)?[“‘\"「『]?$")
# After the last category name, only such words may come before the count.
FILLER = re.compile(r"^[”’\"」』]?[^,;:。!?\d%]{0,10}$")
NOT_FILLER = re.compile(r"复议|诉讼|起诉|率|占|同比|比上年|较上年|分别")


def categories(ctx: Ctx) -> list[Category]:
    cached = ctx.cache.get("categories")
    if cached is not None:
        return cached
    table = ctx.table("requests")
    out: list[Category] = []
    if table is not None:
        groups: dict[str, list[str]] = {}
        subs: dict[str, tuple[str, str]] = {}
        for row in result_row_keys(table):
            path = table.fields[f"{row}.natural"].row_path
            group = GROUP_NAME.sub("", path[1]).split("（")[0]
            groups.setdefault(group, []).append(row)
            sub = SUB_NAME.sub("", path[2]) if len(path) > 2 else ""
            if len(sub) >= 4 and sub != "其他":
                subs[sub] = (group, row)
        out = [Category(g, g, tuple(rows), True) for g, rows in groups.items()]
        for sub, (group, row) in subs.items():
            for name in (sub, *ALIASES.get(sub, ())):
                out.append(Category(name, group, (row,), False))
    ctx.cache["categories"] = out
    return out


def _category_pattern(cats: list[Category]) -> re.Pattern[str]:
    return _compiled(tuple(sorted({c.name for c in cats}, key=len, reverse=True)))


@functools.lru_cache(maxsize=8)
def _compiled(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!不){re.escape(n)}" if n.startswith("予以") else re.escape(n) for n in names))


def _named(ctx: Ctx, words: str) -> tuple[list[frozenset[str]], bool] | None:
    """The 办理结果 rows that the words right before a count name: alternatives, and whether 其他处理."""
    cats = categories(ctx)
    if not cats:
        return None
    by_name = {c.name: c for c in cats}
    found = list(_category_pattern(cats).finditer(words))
    if not found:
        return None
    last = found[-1]
    tail = words[last.end() :]
    if not FILLER.match(tail) or NOT_FILLER.search(tail):
        return None
    cat = by_name[last.group(0)]
    union = set(cat.rows)
    alternatives: list[frozenset[str]] = []
    for prev in reversed(found[:-1]):
        between = words[prev.end() : last.start()]
        pcat = by_name[prev.group(0)]
        if CONJUNCTION.match(between):
            union |= set(pcat.rows)
        elif QUALIFIER.match(between) and pcat.group == cat.group and not pcat.is_group and cat.is_group:
            if "等" not in between:  # 因本机关不掌握无法提供: the sub-row or the group; 因…等原因: the group
                alternatives.append(frozenset(pcat.rows))
        else:
            break
        last = prev
    if APPEAL_WORDS.search(words[: last.start()]):
        return None  # 对不予公开决定不服提起行政复议1件: a count of appeals
    rows = frozenset(union)
    return [rows, *alternatives], cat.name == "其他处理"


def _row_keys(rows: frozenset[str], order: list[str]) -> tuple[str, ...]:
    return tuple(f"{r}.{T}" for r in order if r in rows)


def _categories(ctx: Ctx, text: str, toks: list[Token]) -> list[Reading]:
    table = ctx.table("requests")
    if table is None:
        return []
    order = ctx.cache.get("result_rows")
    if order is None:
        order = ctx.cache["result_rows"] = result_row_keys(table)
    out = []
    for i, tok in enumerate(toks):
        if tok.unit != "件" or not _about_applications(text, tok.start):
            continue
        lo, words = window(text, toks, i)
        named = _named(ctx, words)
        phrase = text[lo : tok.end]
        if named is None:
            named = _named_after(ctx, text, tok, words)
            if named is None:
                continue
            phrase = text[tok.start : named[2]]
        alternatives, catch_all = named[0], named[1]
        options = tuple(_row_keys(rows, order) for rows in alternatives)
        names = _names(ctx, alternatives[0])
        out.append(
            Reading(
                "N2",
                tok.start,
                phrase.strip(",;:、"),
                tok.value,
                "requests",
                options,
                f"办理结果“{names}”（总计列）",
                "result",
                rows=alternatives[0],
                catch_all=catch_all,
            )
        )
    return out


APPLICATIONS = re.compile(r"申请|答复|办结|办理")


def _about_applications(text: str, pos: int) -> bool:
    """The sentence, or the one before, speaks of applications: 予以公开 in “网站予以公开信息120件” is no result."""
    start = sentence_start(text, pos)
    before = sentence_start(text, start - 1) if start > 0 else start
    return bool(APPLICATIONS.search(text, before, sentence_end(text, pos)))


def _names(ctx: Ctx, rows: frozenset[str]) -> str:
    """“予以公开、部分公开”: whole groups by their name, single rows of a larger group by theirs."""
    out = []
    for c in categories(ctx):
        if c.is_group and set(c.rows) <= rows:
            out.append(c.name)
    seen = {r for c in categories(ctx) if c.is_group and c.name in out for r in c.rows}
    for c in categories(ctx):  # a sub-row's own label comes before its aliases
        if not c.is_group and c.rows[0] in rows - seen:
            out.append(c.name)
            seen.add(c.rows[0])
    return "、".join(out)


AFTER = re.compile(r"(?:申请)?(?:已|均|被|为|作出?|依法)?(?:答复为|答复|决定)?")


def _named_after(ctx: Ctx, text: str, tok: Token, words: str) -> tuple[list[frozenset[str]], bool, int] | None:
    """“其中12件予以公开”: the category right after the count."""
    if re.search(r"共|总|合计|收到|受理|答复|办结", words):
        return None
    m = AFTER.match(text, tok.end)
    cats = categories(ctx)
    hit = _category_pattern(cats).match(text, m.end()) if cats else None
    if hit is None:
        return None
    cat = next(c for c in cats if c.name == hit.group(0))
    return [frozenset(cat.rows)], cat.name == "其他处理", hit.end()


# --- N6: part 二 ----------------------------------------------------------------------------

DOC_ROWS = (("规章", r"规章(?!制度)"), ("规范性文件", r"(?:行政)?规范性文件"))
# Verb → the part 二 column labels (either version) a count after it may state.
DOC_VERBS = (
    (r"废止|宣布失效", ("本年废止件数",)),
    (r"现行有效", ("现行有效件数",)),
    (r"公开总数|对外公开总", ("对外公开总数量",)),
    (r"新公开", ("本年新公开数量", "本年新制作数量")),
    (r"公开", ("本年新公开数量", "本年新制作数量", "对外公开总数量")),
    (r"制发|制定|出台|印发|新制作|制作|发布", ("本年制发件数", "本年新制作数量", "本年新公开数量")),
)
DECISION_ROWS = ("行政许可", "行政处罚", "行政强制")
DECISION_COLS = ("处理决定数量", "本年处理决定数量")
CONTINUES = re.compile(r"^(?:、|和|及|以及|与)")
VERB_ONLY = re.compile(r"(?:本年|全年|其中|同时)?(?:" + "|".join(v for v, _ in DOC_VERBS) + r")[^\d]{0,3}")
def active_keys(ctx: Ctx) -> dict[str, dict[str, str]]:
    """Part 二: row label → column label → key, both versions (“行政规范性文件” as “规范性文件”)."""
    cached = ctx.cache.get("active_keys")
    if cached is not None:
        return cached
    table = ctx.table("active")
    rows: dict[str, dict[str, str]] = {}
    if table is not None:
        for key, info in table.fields.items():
            if info.row_path and info.col_path:
                label = info.row_path[-1].removeprefix("行政") if "规范性" in info.row_path[-1] else info.row_path[-1]
                rows.setdefault(label, {})[info.col_path[-1]] = key
    ctx.cache["active_keys"] = rows
    return rows


def _active(ctx: Ctx, text: str, toks: list[Token]) -> list[Reading]:
    rows = active_keys(ctx)
    if not rows:
        return []
    out: list[Reading] = []
    topic: tuple[str, tuple[str, ...], str] | None = None  # (row, columns, words) carried along a 、 list
    for i, tok in enumerate(toks):
        lo, words = window(text, toks, i)
        found = _doc_topic(words) or _decision_topic(words)
        if found is None and topic is not None and (CONTINUES.match(words) or VERB_ONLY.fullmatch(words)):
            found = _continued(words, topic)
        topic = found
        if found is None:
            continue
        row, cols, name = found
        r = _active_reading(ctx, text, tok, lo, row, cols, name, rows)
        if r is not None:
            out.append(r)
    out += _fees(ctx, text, toks, rows)
    return out


def _doc_topic(words: str) -> tuple[str, tuple[str, ...], str] | None:
    row: tuple[str, int, int] | None = None
    for label, pattern in DOC_ROWS:
        m = list(re.finditer(pattern, words))
        if m and (row is None or m[-1].start() > row[1]):
            row = (label, m[-1].start(), m[-1].end())
    if row is None or len(words) - row[2] > 10 or NOT_FILLER.search(words[row[2] :]):
        return None
    cols: list[str] = []
    for pattern, labels in DOC_VERBS:
        if re.search(pattern, words):
            cols += [c for c in labels if c not in cols]
            if pattern.startswith("废止") or pattern.startswith("现行") or pattern.startswith("公开总"):
                break
    return (row[0], tuple(cols), row[0]) if cols else None


def _decision_topic(words: str) -> tuple[str, tuple[str, ...], str] | None:
    m = list(re.finditer("|".join(DECISION_ROWS), words))
    if not m or "决定" not in words[m[-1].start() :]:
        return None
    return (m[-1].group(0), DECISION_COLS, f"{m[-1].group(0)}处理决定数量")


def _continued(words: str, topic: tuple[str, tuple[str, ...], str]) -> tuple[str, tuple[str, ...], str] | None:
    """“制发规章0件、规范性文件5件” or “行政处罚决定5290件、行政强制2515件”: the verb carries over."""
    for label, pattern in DOC_ROWS:
        if re.search(pattern, words) and topic[0] in dict(DOC_ROWS):
            return (label, topic[1], label)
    for label in DECISION_ROWS:
        if label in words and topic[0] in DECISION_ROWS:
            return (label, DECISION_COLS, f"{label}处理决定数量")
    for pattern, labels in DOC_VERBS:
        if re.search(pattern, words) and topic[0] in dict(DOC_ROWS):
            return (topic[0], labels, topic[2])
    return None


def _active_reading(
    ctx: Ctx,
    text: str,
    tok: Token,
    lo: int,
    row: str,
    cols: tuple[str, ...],
    name: str,
    rows: dict[str, dict[str, str]],
) -> Reading | None:
    if tok.unit not in ("件", "个", "份", "项"):
        return None
    keys = [rows.get(row, {}).get(c) for c in cols]
    options = tuple((k,) for k in keys if k)
    if not options:
        return None
    table = ctx.table("active")
    assert table is not None
    label = table.fields[options[0][0]].col_path[-1]
    return Reading(
        "N6", tok.start, text[lo : tok.end].strip(",;:、"), tok.value, "active", options, f"{row}“{label}”", "active"
    )


FEE = re.compile(r"行政事业性收费|收费金额|收取费用")
PROCUREMENT = re.compile(r"集中采购|政府采购")


def _fees(ctx: Ctx, text: str, toks: list[Token], rows: dict[str, dict[str, str]]) -> list[Reading]:
    """收费 amounts (format fixes 万元) and 2019 采购总金额 (unit written in the cell)."""
    out = []
    table = ctx.table("active")
    unit = ctx.report.spec.amount_unit
    for i, tok in enumerate(toks):
        if tok.unit not in ("万元", "元"):
            continue
        lo, words = window(text, toks, i)
        if FEE.search(words) and not re.search("信息处理费", words) and unit:
            key = next((k for k in rows.get("行政事业性收费", {}).values()), None)
            table_unit = unit
        elif PROCUREMENT.search(words) and "采购总金额" in rows.get("政府集中采购", {}):
            key = rows["政府集中采购"]["采购总金额"]
            v = ctx.values("active").get(key)
            table_unit = v.unit if v is not None else ""
        else:
            continue
        if key is None or table_unit not in ("万元", "元"):
            continue
        scale = Decimal(10000) if (tok.unit, table_unit) == ("万元", "元") else Decimal(1)
        if (tok.unit, table_unit) == ("元", "万元"):
            scale = Decimal("0.0001")
        assert table is not None
        out.append(
            Reading(
                "N6",
                tok.start,
                text[lo : tok.end].strip(",;:、"),
                tok.value * scale,
                "active",
                ((key,),),
                f"{table.fields[key].row_path[-1]}“{table.fields[key].col_path[-1]}”",
                "active",
                tolerance=precision_tolerance(tok.value) * scale,
            )
        )
    return out
