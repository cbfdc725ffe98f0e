"""What every narrative rule reads: NFKC paragraphs, counted numbers, sentences and clauses.

Work on NFKC text: full-width commas, colons, parentheses, digits and % become ASCII.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..model import Section
from .context import Ctx

CLAUSE_DELIMS = ",;:、"
SENTENCE_DELIMS = "。!?"
GAP = r"[^,;:!?。\d]"  # a stretch of words: no number and no punctuation in between
UNITS = "万件|件|条|个|项|类|人次|家|次|篇|期|场|份|起|万元|元|%"
TOKEN = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*({UNITS})?")
# Words that make a number a total (and end a 其中 list); 公共/共享/共同 are not 共.
TOTAL_MARK = re.compile(r"(?<!公)共(?![享同建])|累计|总计|合计|历年|全年|总数|总量|总共")
CUMULATIVE = re.compile(r"累计|历年")
YEAR = re.compile(r"(\d{4})年")
NOT_COUNT = re.compile(r"月|工作日|小时|年|百分点|天|日|周")  # 3个月, 20个工作日: durations, not counts
# Words that name appeals rather than applications: a list of applications ends where they begin.
APPEAL_WORDS = re.compile(r"复议|诉讼|起诉|应诉")
# How far a rule looks for the rest of a sentence: a real sentence is shorter; text without
# full stops (a pasted table, a run-on paragraph) must not make every count read all of it.
REACH = 400


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    value: Decimal
    unit: str


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Numbers that carry a unit; a bare number (year, list marker, 12345) is not a count."""
    return [
        Token(m.start() + offset, m.end() + offset, Decimal(m.group(1)), m.group(2))
        for m in TOKEN.finditer(text)
        if m.group(2) and not NOT_COUNT.match(text, m.end())
    ]


@functools.lru_cache(maxsize=256)
def _marks(text: str, delims: str) -> list[int]:
    """Positions of the delimiters in text, once per text: every lookup after is a bisection."""
    return [i for i, c in enumerate(text) if c in delims]


def _after_last(text: str, delims: str, pos: int) -> int:
    marks = _marks(text, delims)
    i = bisect.bisect_left(marks, pos)
    return marks[i - 1] + 1 if i else 0


@functools.lru_cache(maxsize=256)
def paragraph_tokens(text: str) -> tuple[Token, ...]:
    """tokens(text) once per paragraph text."""
    return tuple(tokens(text))


NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def bare_number(text: str, lo: int, hi: int) -> bool:
    """A number without a unit between lo and hi (“部分公开67,占4.61%”): a count the rules cannot
    read stands there, so a part, a list or a run around it is not what it seems."""
    for m in NUMBER.finditer(text, lo, hi):
        after = text[m.end() : m.end() + 3].lstrip()
        if not after or not (after.startswith("%") or TOKEN.match(text, m.start()).group(2) or after[0] in "年月日"):
            return True
    return False


def sentence_start(text: str, pos: int) -> int:
    return max(_after_last(text, SENTENCE_DELIMS, pos), pos - REACH)


def sentence_end(text: str, pos: int) -> int:
    marks = _marks(text, SENTENCE_DELIMS)
    i = bisect.bisect_left(marks, pos)
    return min(marks[i] if i < len(marks) else len(text), pos + REACH)


def clause_start(text: str, pos: int) -> int:
    return max(_after_last(text, CLAUSE_DELIMS + SENTENCE_DELIMS, pos), pos - REACH)


def phrase_start(text: str, pos: int) -> int:
    """Start of the stretch before pos up to punctuation other than 、 (a 、 joins one phrase's items)."""
    return max(_after_last(text, ",;:" + SENTENCE_DELIMS, pos), pos - REACH)


def paragraphs(ctx: Ctx) -> Iterator[tuple[Section, int, str]]:
    for section in ctx.report.sections.values():
        for i, p in enumerate(section.paragraphs):
            yield section, i, normalize(p.text)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def other_year(text: str, pos: int, year: int) -> bool:
    """The nearest year named before pos in the same sentence is not the report year."""
    years = YEAR.findall(text, sentence_start(text, pos), pos)
    return bool(years) and int(years[-1]) != year


def cumulative(text: str, pos: int) -> bool:
    """The number at pos is a running total (累计, 历年) by the words of its clause."""
    return bool(CUMULATIVE.search(text, clause_start(text, pos), pos))


def marked_total(text: str, tok: Token) -> bool:
    """The number is introduced as a total in its clause: 共进驻1181个, 全年共办结70982件."""
    prefix = text[clause_start(text, tok.start) : tok.start]
    marks = list(TOTAL_MARK.finditer(prefix))
    return bool(marks) and not re.search(r"\d", prefix[marks[-1].end() :])


def window(text: str, toks: list[Token], index: int) -> tuple[int, str]:
    """The words that name the count toks[index]: back to the previous count or to , ; : 。."""
    tok = toks[index]
    lo = phrase_start(text, tok.start)
    if index > 0:
        lo = max(lo, toks[index - 1].end)
    return lo, text[lo : tok.start]


def precision_tolerance(stated: Decimal) -> Decimal:
    """Half a unit of the last digit written: 75% covers 74.5–75.5, 86.25% covers ±0.005."""
    decimals = max(-stated.as_tuple().exponent, 0)  # type: ignore[operator]
    return Decimal(5) / Decimal(10) ** (decimals + 1)
