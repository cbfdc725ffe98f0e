"""Whose number is it: the subject of a figure's clause — the reporting unit as a whole, or a part.

A 本级汇总 report's tables count the whole county (city, province); its text also reports the
government's own office, the government 本级, one department or one channel. The text rules
compare a figure with the tables only when its subject is the whole unit.

Which words name the whole and which a part is data (SUBJECT_WORDS below, listed in
docs/rules.md): templates filled from the unit's own name and level — {L} the level word of
its name (县, 市, 区, 镇, 街道…), {P} its place name, {S} its own organ word (局, 委, 办, 厅…),
{O} any other level word, {B} a body's name (2–10 characters ending in 局, 委员会, 中心…).

Per paragraph, every mention is found in one scan; a figure's subject is then looked up by
bisection: the subject phrase of its own clause, else that of the nearest clause before it in
the paragraph that names one (a channel only in its own clause), else the paragraph's
default — the heading's subject or the whole unit.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import UnitInfo, UnitLevel
from .text_base import SENTENCE_DELIMS, _marks, phrase_start, sentence_start

PHRASE_DELIMS = ",;:"  # a subject's clause: 、 joins the items of one list, it does not end the clause

WHOLE, PART, MIXED = "whole", "part", "mixed"

# Level words of Chinese administrative names, longest first (自治县 before 县).
LEVELS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道", "地区", "林区", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
LEVEL = "|".join(LEVELS)
# Words with a level character that are no place: 城市管理局 is no 市's.
NOT_PLACE = re.compile(r"城市|社区|市场|景区|小区|市政|市民|区域")
ORGAN_CHARS = re.compile(r"局|委|办|厅|院|中心|政府|室|处|所|站|队|馆|会")
# A unit's own organ word (沭阳县发展和改革局 → 局: 我局, 本局), by the end of its name.
ORGAN_SUFFIX = (
    ("管理委员会", "委"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("办公厅", "厅"),
    ("研究室", "室"),
    ("中心", "中心"),
    ("局", "局"),
    ("委", "委"),
    ("厅", "厅"),
    ("院", "院"),
    ("署", "署"),
    ("所", "所"),
    ("处", "处"),
    ("馆", "馆"),
    ("站", "站"),
    ("队", "队"),
)
GOVERNMENT_REST = ("", "人民政府", "政府", "办事处", "街道办事处")
BY_LEVEL = {UnitLevel.COUNTY: "县", UnitLevel.CITY: "市", UnitLevel.PROVINCE: "省", UnitLevel.TOWNSHIP: "镇"}

CJK = r"[\u4e00-\u9fff]"
# A body's name: a few characters, no verb of the count, ending in an organ word.
_BODY_CHAR = (
    r"(?:(?!受理|收到|新收|办结|答复|共|全年|年度|制发|制定|出台|印发|作出|公开|申请|通过|其中|坚持|围绕|落实|推进|加强)"
    r"[^\W\d_由请向对将把的是了在经按给被已均代年月日我本及与为])"
)
# 格局, 大局, 以人民为中心的: no bodies.
BODY = (
    rf"{_BODY_CHAR}{{2,10}}?(?:委员会|管委会|(?<![格大布结全当开])局|委(?!托)|办公室|办公厅|中心(?!工作|的|思想)|研究室|(?<!网)站)"
)

# --- the data: which words name the whole unit and which a part ---------------------------
# Each entry: (kind, template, applies to: "gov" a government's report, "dept" a department's, "all").
SUBJECT_WORDS: tuple[tuple[str, str, str], ...] = (
    # a government's report (县/市/区/省/镇/乡/街道人民政府, 办事处, 管委会)
    (PART, "{L}(?:人民)?政府(?:办公室|办公厅|办)|{L}府办", "gov"),
    (PART, "{L}?(?:人民)?(?:政府)?本级(?!汇总|政府)", "gov"),
    (PART, "{L}直(?:各)?(?:部门|单位|机关)|{L}(?:人民)?政府(?:各)?(?:工作|组成)?部门|{L}级(?:各)?部门", "gov"),
    (PART, "各(?:乡镇|乡|镇|街道|村|社区|部门|单位|县|市|区)(?:\\(街道\\))?", "gov"),
    (PART, "(?:乡镇|镇\\(街\\))(?:\\(街道\\))?(?!政府信息)", "gov_above_township"),
    (PART, "{C}{2,3}(?:镇|乡|街道)(?:人民政府|办事处)?(?=受理|收到|共|全年|办结|答复|制发|制定|作出|,|、)", "gov_above_township"),
    (PART, "{C}{1,4}(?:村|社区)(?:委员会|居委会|村委会)?", "gov_township"),
    (PART, "(?:全|本|我){O}", "gov_township"),
    (PART, "{O}(?:人民)?政府(?!信息|网|门户|采购|集中采购|规章)", "gov"),
    (PART, "{B}", "gov"),
    (WHOLE, "(?:{P})(?:人民政府|政府|办事处)?", "gov"),
    (WHOLE, "(?:全|本|我){L}|{L}(?:人民)?政府(?!信息|网|门户|采购|集中采购|规章)|本级政府(?!网|门户)|{L}委{L}政府", "gov"),
    (WHOLE, "街道办事处|街道办|管委会", "gov_street"),
    # a department's report (局, 委, 办公室, 中心…)
    (WHOLE, "{OWN}", "dept"),
    (WHOLE, "(?:我|本){S}|本(?:行政)?机关|(?:本|我)单位|(?:本|我)部门|本系统|我系统", "all"),
    (PART, "(?:{S}|本{S}|我{S})?(?:机关)?(?:内设|下属|所属|直属|{S}属)(?:各)?(?:单位|机构|科室|部门)|各科室|{C}{2,6}(?:科|股)(?![技学研普])", "dept"),
    (PART, "(?:全|本|我)(?:{L}|{O})|(?:{L}|{O})(?:人民)?政府(?!信息|网|门户|采购|集中采购|规章)", "dept"),
    (PART, "{B}", "dept"),
)
# A channel: part of the applications when the table counts every channel.
CHANNEL = (
    r"(?:通过|经由|利用|依托|在)[^,;:。!?\d]{0,12}?(?:门户网站|网站|门户|网上|网络|平台|信函|邮寄|传真|电子邮件|邮箱|当面|现场|窗口|热线|微信|APP|app)"
    r"|(?:网上|网络|在线|当面|现场|信函|邮寄|传真|电子邮件|来信|来访)(?:申请|提交|提出|方式|渠道|形式|受理|递交)"
)
GENERIC_CHANNEL = re.compile(r"等|多种|各种|多渠道|各类|各渠道")
# Words before a mention that make it an object, not the subject: 代县政府受理, 向县政府申请.
OBJECT_BEFORE = re.compile(
    r"(?:代表?|向|对|给|替|为|经|按照?|依照?|根据|会同|配合|协助|指导|督促|组织|要求|推动|作为|报送|上报|报请|提请|请示|于|在|从|比|较|转|指定)$"
)
CONJUNCTION = re.compile(r"(?:及|和|与|、|以及|同|暨|并)")
# The text says the part is the whole: 全县申请由县政府办公室统一受理.
EQUALS = re.compile(
    r"统一受理|集中受理|统一办理|集中办理|统一答复|归口(?:受理|办理|管理)|(?:均|全部|统一|集中)由[^,;:。!?\d]{0,16}?(?:受理|办理|答复|承办)"
)
TOTAL_WORD = re.compile(r"(?<!公)共(?![享同建])|总计|合计|全年|总数|总量|总共")


# What may stand before a clause's subject: time, order and linking words (2020年，县政府办公室…).
LEAD = re.compile(
    r"(?:\s|\d{4}年度?|本年度?|今年(?:以来|来)?|全年|年内|一年来|同时|其中|此外|另外|并|而|据统计|经统计|"
    r"截至\d{1,2}月\d{0,2}日?(?:底|末)?|截至年底|年底前?|[一二三四五六七八九十]+是|\d+[.、]|"
    r"[(（][一二三四五六七八九十\d]+[)）]|由|经|在)*"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # whole, part, channel
    text: str
    obj: bool  # an object (代县政府), not a subject
    lead: bool  # opens its clause (after time and linking words only): the clause's subject


@dataclass(frozen=True)
class Scope:
    kind: str  # whole, part, mixed
    names: tuple[str, ...] = ()  # the parts named, as written; for mixed the two competing subjects


@dataclass
class Analysis:
    """One paragraph's mentions, found once; subjects of clauses memoised."""

    text: str
    mentions: list[Mention]
    starts: list[int]
    default: Scope
    equals: list[int]  # where the text says a part is the whole
    # by (clause start, in the figure's sentence): a clause's subject as carried on, and the
    # subject a walk back from that clause finds
    clauses: dict[tuple[int, bool], Scope | None] = field(default_factory=dict)
    walks: dict[tuple[int, bool], Scope] = field(default_factory=dict)


# --- the unit: level word, place, organ -------------------------------------------------------


@dataclass(frozen=True)
class UnitWords:
    government: bool
    level: str  # the level word of the name, “” unknown
    place: str
    organ: str  # 我{organ}
    own: tuple[str, ...]  # the unit's own name in the forms a text writes it
    pattern: Subjects


def place_of(name: str) -> tuple[str, str]:
    """(place, level word): 重庆市荣昌区河包镇人民政府 → (重庆市荣昌区河包镇, 镇); 沭阳县发展和改革局 → (沭阳县, 县)."""
    ends, level = _place_ends(name)
    return name[: ends[-1]] if ends else "", level


def _place_ends(name: str) -> tuple[list[int], str]:
    """Where each place segment of the name ends (杭州市|余杭区|), and the last one's level word."""
    masked = NOT_PLACE.sub(lambda m: "#" * len(m.group(0)), name)
    ends: list[int] = []
    level = ""
    for m in re.finditer(LEVEL, masked):
        stretch = masked[ends[-1] if ends else 0 : m.start()]
        if len(stretch) > 8 or ORGAN_CHARS.search(stretch) or "#" in stretch:
            break
        if not stretch and ends:
            ends.pop()  # 杭州市: 州 then 市 — one segment
        ends.append(m.end())
        level = m.group(0)
    return ends, level


def unit_words(unit: UnitInfo) -> UnitWords:
    return _unit_words(unit.name.strip(), unit.level)


@functools.lru_cache(maxsize=64)
def _unit_words(name: str, level: UnitLevel | None) -> UnitWords:
    ends, word = _place_ends(name)
    place = name[: ends[-1]] if ends else ""
    local = name[ends[-2] : ends[-1]] if len(ends) > 1 else place  # 余杭区 of 杭州市余杭区
    rest = name[len(place) :]
    if not word and level in BY_LEVEL:
        word = BY_LEVEL[level]  # type: ignore[index]
    # A department by its level or by its name (山东省人民政府办公厅 reports for the office itself).
    government = level is not UnitLevel.DEPARTMENT and (rest in GOVERNMENT_REST or rest.endswith(("管理委员会", "管委会")))
    organ = next((s for end, s in ORGAN_SUFFIX if rest.endswith(end)), "局")
    own: list[str] = []
    if name and not government:
        forms = {name, rest, word + rest, local + rest} if rest else {name}
        for f in list(forms):
            if "人民政府" in f:
                forms.add(f.replace("人民政府", "政府"))
        for f in list(forms):
            if f.endswith("政府办公室"):
                forms.add(f.removesuffix("公室"))
                forms.add(f.removesuffix("政府办公室") + "府办")
        own = sorted((f for f in forms if len(f) >= 2), key=len, reverse=True)
    places = tuple(sorted({place, local} - {""}, key=len, reverse=True))
    return UnitWords(government, word, place, organ, tuple(own), _compile(government, word, places, organ, tuple(own)))


def _compile(government: bool, word: str, places: tuple[str, ...], organ: str, own: tuple[str, ...]) -> Subjects:
    """The unit's subject words as one ordered alternation (first listed wins at a position).

    Only the place and the unit's own names differ from one unit to the next: the rest (large,
    slow to compile) is compiled once per level word and organ and cached; the unit's literal
    alternatives are compiled apart and merged in order by Subjects.finditer."""
    fill = {
        "{P}": "|".join(re.escape(p) for p in places) or "(?!x)x",
        "{OWN}": "|".join(re.escape(o) for o in own) or "(?!x)x",
    }
    alts = _alternatives(government, word, organ)
    general = _general(government, word, organ)
    own_alts = [
        f"(?P<{name}>{pattern.replace('{P}', fill['{P}']).replace('{OWN}', fill['{OWN}'])})"
        for name, pattern in alts
        if "{P}" in pattern or "{OWN}" in pattern
    ]
    return Subjects(general, re.compile("|".join(own_alts)) if own_alts else None)


@functools.lru_cache(maxsize=256)
def _alternatives(government: bool, word: str, organ: str) -> tuple[tuple[str, str], ...]:
    """(group name, pattern) in matching order; {P} and {OWN} are left for the unit to fill.

    A group's name is its kind and its place in the order (whole3, part0…); the channel is last."""
    lvl = re.escape(word) if word else f"(?:{LEVEL})"
    others = [w for w in LEVELS if w != word]
    fill = {
        "{L}": lvl,
        "{O}": f"(?:{'|'.join(others)})",
        "{S}": re.escape(organ),
        "{B}": BODY,
        "{C}": CJK,
    }
    township = word in ("镇", "乡", "街道")
    parts: list[tuple[str, str]] = []
    for kind, template, scope in SUBJECT_WORDS:
        if scope == "gov" and not government or scope == "dept" and government:
            continue
        if scope == "gov_above_township" and (not government or township):
            continue
        if scope == "gov_township" and (not government or not township):
            continue
        if scope == "gov_street" and (not government or word not in ("街道", "区")):
            continue
        pattern = template
        for k, v in fill.items():
            pattern = pattern.replace(k, v)
        parts.append((kind, pattern))
    # A department's own name comes first (市政府办公室 is the unit, not a part); a government's
    # parts come before its whole (县政府办公室 before 县政府).
    ordered = parts if government else sorted(parts, key=lambda p: p[1] != "{OWN}")
    return (*((f"{kind}{i}", pattern) for i, (kind, pattern) in enumerate(ordered)), ("channel", CHANNEL))


@functools.lru_cache(maxsize=256)
def _general(government: bool, word: str, organ: str) -> re.Pattern[str]:
    """The alternatives that do not name the unit itself, compiled once for every unit alike."""
    alts = _alternatives(government, word, organ)
    return re.compile("|".join(f"(?P<{n}>{p})" for n, p in alts if "{P}" not in p and "{OWN}" not in p))


def _order(m: re.Match[str]) -> int:
    name = m.lastgroup or ""
    return 1 << 30 if name == "channel" else int(name.lstrip("abcdefghijklmnopqrstuvwxyz_"))


@dataclass(frozen=True)
class Subjects:
    """Two compiled parts of one alternation, matched as the single alternation would be: the
    leftmost match wins, and at one position the alternative listed first."""

    general: re.Pattern[str]
    own: re.Pattern[str] | None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pos, n = 0, len(text)
        a = self.general.search(text, pos)
        b = self.own.search(text, pos) if self.own is not None else None
        while a is not None or b is not None:
            if b is None or (a is not None and (a.start(), _order(a)) < (b.start(), _order(b))):
                m = a
            else:
                m = b
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1
            if pos > n:
                return
            # A pending match that starts at or after pos is still the leftmost from pos.
            if a is not None and a.start() < pos:
                a = self.general.search(text, pos)
            if b is not None and b.start() < pos and self.own is not None:
                b = self.own.search(text, pos)


# --- a paragraph's mentions and a figure's subject -------------------------------------------


def analyse(unit: UnitWords, text: str, default: Scope) -> Analysis:
    mentions: list[Mention] = []
    for m in unit.pattern.finditer(text):
        group = m.lastgroup or ""
        kind = "channel" if group == "channel" else (WHOLE if group.startswith(WHOLE) else PART)
        if kind == "channel" and GENERIC_CHANNEL.search(text, m.end(), min(m.end() + 6, len(text))):
            continue  # 通过网上、信函、当面等方式: every channel
        if text.rfind("《", max(0, m.start() - 60), m.start()) > text.rfind("》", max(0, m.start() - 60), m.start()):
            continue  # a document's title: 《国务院办公厅关于……》
        obj = bool(OBJECT_BEFORE.search(text, max(0, m.start() - 4), m.start()))
        lo = phrase_start(text, m.start())
        lead = bool(mentions and mentions[-1].lead and CONJUNCTION.fullmatch(text, mentions[-1].end, m.start()))
        lead = lead or (not obj and LEAD.fullmatch(text, lo, m.start()) is not None)
        mentions.append(Mention(m.start(), m.end(), kind, m.group(0), obj, lead))
    equals = [m.start() for m in EQUALS.finditer(text)]
    return Analysis(text, mentions, [m.start for m in mentions], default, equals)


def _clause_scope(a: Analysis, found: list[Mention], lo: int, pos: int, channels_count: bool, carried: bool) -> Scope | None:
    """The subject a clause names itself, from its mentions before pos; None when it names none.

    The subject opens the clause; a body named later (收到向县教育局提出的申请) narrows the clause's
    own figure but is no subject for the clauses after it."""
    subjects = [m for m in found if not m.obj and m.kind != "channel"]
    if carried:
        subjects = [m for m in subjects if m.lead]  # only an opening subject carries over
    channels = [m for m in found if m.kind == "channel"] if channels_count else []
    total = TOTAL_WORD.search(a.text, lo, pos)
    if not subjects:
        if not channels:
            return None
        if total:
            return Scope(MIXED, (channels[-1].text, total.group(0)))
        return Scope(PART, (channels[-1].text,))
    phrase = [subjects[0]]
    for m in subjects[1:]:
        if CONJUNCTION.fullmatch(a.text[phrase[-1].end : m.start]):
            phrase.append(m)
        else:
            break
    rest = subjects[len(phrase) :]
    kind = PART if any(m.kind == PART for m in phrase) or any(m.kind == PART for m in rest) else WHOLE
    if kind == PART and any(m.kind == PART for m in phrase) and any(m.kind == WHOLE for m in rest):
        return Scope(MIXED, (phrase[0].text, next(m.text for m in rest if m.kind == WHOLE)))  # 县政府办公室受理全县申请
    if kind == PART and a.equals and a.equals[0] < pos:
        return Scope(WHOLE)  # 全县申请由县政府办公室统一受理: the part is the whole
    if kind == WHOLE and channels:
        return Scope(MIXED, (channels[-1].text, total.group(0))) if total else Scope(PART, (channels[-1].text,))
    names = tuple(m.text for m in phrase + rest if m.kind == PART)
    return Scope(kind, names)


def subject_at(a: Analysis, pos: int, channels: bool = True) -> Scope:
    """The subject of the figure at pos; channels: whether a channel (通过网站) makes a part (of
    applications, yes; of documents published, no)."""
    text = a.text
    lo = phrase_start(text, pos)
    i, j = bisect.bisect_left(a.starts, lo), bisect.bisect_left(a.starts, pos)
    own = _clause_scope(a, a.mentions[i:j], lo, pos, channels, carried=False)
    if own is not None:
        return own
    inherited = _before(a, lo)
    if inherited.kind == PART and inherited is not a.default:  # a heading's subject holds for its paragraphs
        total = TOTAL_WORD.search(text, lo, pos)
        if total:
            return Scope(MIXED, (*inherited.names[:1], total.group(0)))  # 县政府办公室受理12件，全年共……
    return inherited


def _before(a: Analysis, pos: int) -> Scope:
    """The subject of the nearest clause before pos that names one (see _carried), else the default.

    Walks are memoised by clause, so a paragraph of many figures is read once, not once per figure."""
    sentence = sentence_start(a.text, pos)
    k = bisect.bisect_left(a.starts, pos)
    walked: list[tuple[int, bool]] = []
    found = a.default
    while k > 0:
        lo = phrase_start(a.text, a.mentions[k - 1].start)
        key = (lo, lo >= sentence)
        if key in a.walks:
            found = a.walks[key]
            break
        walked.append(key)
        if key not in a.clauses:
            hi = _clause_end(a.text, lo)
            i, j = bisect.bisect_left(a.starts, lo), bisect.bisect_left(a.starts, hi)
            a.clauses[key] = _carried(a, a.mentions[i:j], lo, hi, same_sentence=key[1])
        scope = a.clauses[key]
        if scope is not None:
            found = scope
            break
        k = bisect.bisect_left(a.starts, lo)
    for key in walked:
        a.walks[key] = found
    return found


def _carried(a: Analysis, found: list[Mention], lo: int, hi: int, same_sentence: bool) -> Scope | None:
    """The subject an earlier clause passes on: only one that opens it; never a channel (畅通网上申请、
    当面申请渠道，全年共收到申请80件); several parts together (区住建局、市规划资源局余杭分局……最多)
    only within their sentence."""
    scope = _clause_scope(a, found, lo, hi, False, carried=True)
    if scope is not None and not same_sentence and scope.kind == PART and len(scope.names) > 1:
        return None
    return scope


def _clause_end(text: str, pos: int) -> int:
    marks = _marks(text, PHRASE_DELIMS + SENTENCE_DELIMS)
    i = bisect.bisect_right(marks, pos)
    return marks[i] if i < len(marks) else len(text)
