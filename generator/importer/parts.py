"""The report's text: title (→ year and unit name), the intro, parts 一 to 六 by their headings,
signature and date, and the unit information the intro states.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Paragraph, Section, UnitInfo
from ..narrative import clean_text, detect_level
from ..workbook.layout import NARRATIVE_SHEETS
from .grid import label_key
from .source import RawTable

_TITLE = re.compile(
    r"^(?P<name>.*?)(?P<year>(?:19|20)\d{2})年度?(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告$"
)
# “2019年上海市人民政府办公厅政府信息公开工作年度报告”: the year first.
_TITLE_YEAR_FIRST = re.compile(
    r"^(?P<year>(?:19|20)\d{2})年度?(?P<name>.+?)(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告$"
)
_HEADINGS = {
    1: re.compile(r"^一[、.]\s*总体情况"),
    2: re.compile(r"^二[、.].*主动公开"),
    3: re.compile(r"^三[、.].*申请"),
    4: re.compile(r"^四[、.].*(复议|诉讼)"),
    5: re.compile(r"^五[、.].*(问题|改进|整改)"),
    6: re.compile(r"^六[、.].*其他"),
}
# Word's automatic numbering keeps “一、” out of the text: the bare mandated wording is a heading too.
_BARE_HEADINGS = {
    1: re.compile(r"^总体情况$"),
    2: re.compile(r"^主动公开政府信息(的)?情况$"),
    3: re.compile(r"^收到和处理政府信息公开申请(的)?情况$"),
    4: re.compile(r"^(因)?政府信息公开(工作)?(被申请)?行政复议[、,和及]*(提起)?行政诉讼(的)?情况$"),
    5: re.compile(r"^(政府信息公开工作)?存在的主要问题及(改进|整改)(情况|措施)$"),
    6: re.compile(r"^其他需要报告的事项$"),
}
MANDATED = {5: "存在的主要问题及改进情况", 6: "其他需要报告的事项", 1: "总体情况"}
HEADING_MAX = 60
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_DATE = re.compile(r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?$")
_CN_DATE = re.compile(
    r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
# Page furniture after the report on government sites: the report has ended.
_FOOTER = re.compile(
    r"^(【?打印|【?关闭|分享到|扫一扫|上一篇|下一篇|相关(链接|阅读|附件)|网站(标识码|地图)|主办单位|主办[:：]|承办|版权所有|ICP|.*备\d+号|附件[:：]?$)"
)
STANDARD_INTRO_START = "报告全文由总体情况"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def parse_date(text: str) -> dt.date | None:
    t = _flat(text)
    m = _DATE.match(t)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.match(t)
        if m:
            return dt.date(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def match_title(text: str) -> re.Match | None:
    t = _flat(text)
    if len(t) > 80:
        return None
    return _TITLE.match(t) or _TITLE_YEAR_FIRST.match(t)


@dataclass
class Parts:
    title: str = ""
    name: str = ""
    year: int | None = None
    title_index: int | None = None
    headings: dict[int, int] = field(default_factory=dict)  # part → block index
    heading_text: dict[int, str] = field(default_factory=dict)
    intro: list[str] = field(default_factory=list)
    sections: dict[int, list[str]] = field(default_factory=dict)
    signature: str = ""
    date: dt.date | None = None
    end: int = 0  # index after the last block of the report
    between: list[str] = field(default_factory=list)  # text among the tables of parts 二–四
    body_tables: list[RawTable] = field(default_factory=list)
    late_tables: list[RawTable] = field(default_factory=list)  # after the signature, before any next report
    second_title: str = ""  # another report's title further down the page (not imported)


def _find_title(blocks: list, before: int) -> tuple[int | None, re.Match | None, str]:
    found: tuple[int | None, re.Match | None, str] = (None, None, "")
    for i in range(before):
        b = blocks[i]
        if not isinstance(b, str):
            continue
        m = match_title(b)
        text = b
        if (
            (m is None or not m.group("name"))
            and i > 0
            and isinstance(blocks[i - 1], str)
            and re.match(r"^\d{4}年", _flat(b))
        ):
            text = blocks[i - 1] + b
            m = match_title(text)
        if m is not None:
            found = (i, m, _flat(text))
    return found


def _second_report(blocks: list, first_heading: int) -> tuple[int, str]:
    """Where another report starts after this one's “一、总体情况”: its title followed by its own
    “一、总体情况” (a page or file holding two reports). (len(blocks), "") when there is none."""
    for i in range(first_heading + 1, len(blocks)):
        b = blocks[i]
        if not isinstance(b, str) or match_title(b) is None:
            continue
        if any(
            isinstance(x, str) and len(x) <= HEADING_MAX and _is_heading(1, x)
            for x in blocks[i + 1 : i + 1 + SECOND_REACH]
        ):
            return i, _flat(b)
    return len(blocks), ""


SECOND_REACH = 40  # blocks between a second title and its “一、总体情况” (its intro, dates, menus)


def _is_heading(part: int, text: str) -> bool:
    flat = _flat(text)
    return bool(_HEADINGS[part].match(flat) or _BARE_HEADINGS[part].match(flat))


def _intro_start(blocks: list, heading: int) -> int:
    """Without a title in the body, the intro is the run of sentences right before “一、总体情况”
    (menus and page furniture above it are short lines without a full stop)."""
    i = heading
    while i > 0 and isinstance(blocks[i - 1], str) and ("。" in blocks[i - 1] or len(blocks[i - 1]) >= INTRO_MIN):
        i -= 1
    return i


INTRO_MIN = 40


def split_parts(blocks: list[str | RawTable], head_title: str = "") -> Parts:
    parts = Parts()
    first_heading = next(
        (i for i, b in enumerate(blocks) if isinstance(b, str) and len(b) <= HEADING_MAX and _is_heading(1, b)),
        None,
    )
    if first_heading is not None:
        stop, parts.second_title = _second_report(blocks, first_heading)
        blocks = blocks[:stop]  # this report only; its indices stay those of the whole document
    limit = first_heading if first_heading is not None else len(blocks)
    index, m, text = _find_title(blocks, limit)
    if m is None:
        for piece in re.split(r"\s*[-_|－—]+\s*", head_title):
            m = match_title(piece)
            if m is not None:
                text = _flat(piece)
                break
    if m is not None:
        parts.title, parts.name, parts.year = text, m.group("name"), int(m.group("year"))
    parts.title_index = index
    if index is not None:
        start = index + 1
    elif first_heading is not None:
        start = _intro_start(blocks, first_heading)
    else:
        start = 0
    # Headings in order: each one searched after the previous.
    pos = start
    for n in range(1, 7):
        for i in range(pos, len(blocks)):
            b = blocks[i]
            if isinstance(b, str) and len(b) <= HEADING_MAX and _is_heading(n, b):
                parts.headings[n], parts.heading_text[n] = i, b
                pos = i + 1
                break
    parts.end = len(blocks)
    first = min(parts.headings.values()) if parts.headings else len(blocks)
    parts.intro = [b for b in blocks[start:first] if isinstance(b, str)]
    if not parts.headings:
        parts.body_tables = [b for b in blocks[start:] if isinstance(b, RawTable)]
        return parts
    order = sorted(parts.headings.items(), key=lambda kv: kv[1])
    for k, (n, i) in enumerate(order):
        stop = order[k + 1][1] if k + 1 < len(order) else len(blocks)
        texts = [b for b in blocks[i + 1 : stop] if isinstance(b, str)]
        if n in (1, 5, 6):
            parts.sections[n] = texts
        else:
            parts.between.extend(texts)
    last_part, last_index = order[-1]
    _cut_end(parts, blocks, last_part, last_index)
    parts.body_tables = [b for b in blocks[start : parts.end] if isinstance(b, RawTable)]
    parts.late_tables = [b for b in blocks[parts.end :] if isinstance(b, RawTable)]
    return parts


def _cut_end(parts: Parts, blocks: list, last_part: int, last_index: int) -> None:
    """The signature and date close the report; page furniture after them is not report text."""
    texts = parts.sections.get(last_part, parts.between)
    for j, t in enumerate(texts):
        if parse_date(t) is not None:
            parts.date = parse_date(t)
            keep = j
            if j > 0 and len(_flat(texts[j - 1])) <= 30 and "。" not in texts[j - 1]:
                parts.signature = texts[j - 1]
                keep = j - 1
            _truncate(parts, blocks, last_part, last_index, texts, keep, j + 1)
            return
        if _FOOTER.match(_flat(t)):
            _truncate(parts, blocks, last_part, last_index, texts, j, j)
            return


def _truncate(
    parts: Parts, blocks: list, last_part: int, last_index: int, texts: list[str], keep: int, used: int
) -> None:
    del texts[keep:]
    # The report ends at the used-th text block after the last heading.
    seen = 0
    for i in range(last_index + 1, len(blocks)):
        if isinstance(blocks[i], str):
            seen += 1
            if seen == used:
                parts.end = i + 1
                return


# Page furniture above the report text: 发布日期：2020-01-31, 来源：…, 浏览次数：…
_META = re.compile(r"^(发布日期|发布时间|发文日期|来源|信息来源|作者|浏览次数|访问量|点击数|字号|【字体)[:：]?")


def paragraphs(texts: list[str]) -> tuple[list[Paragraph], list[str]]:
    out, notes = [], []
    for t in texts:
        if _META.match(_flat(t)) and len(_flat(t)) <= 60:
            continue
        text, cleaned = clean_text(t)
        text = text.strip().strip("\u3000").strip()
        notes.extend(cleaned)
        if text:  # a PDF's block knows its page (source.PagedText)
            out.append(Paragraph(text, detect_level(text), page=getattr(t, "page", 0) or None))
    return out, notes


def section(key: str, part: int | None, parts: Parts) -> Section:
    texts = parts.intro if part is None else parts.sections.get(part, [])
    paras, _ = paragraphs(texts)
    title = ""
    if part is not None and part in parts.heading_text:
        own = re.sub(r"^[一二三四五六七八九十]+[、.]\s*", "", parts.heading_text[part].strip())
        if label_key(own) != label_key(MANDATED[part]):
            title = own
    # The workbook's sheet for the part, as the reader sets it: findings name the part by it.
    sheet = next((n.sheet for n in NARRATIVE_SHEETS if n.key == key), "")
    return Section(key=key, title=title, paragraphs=paras, sheet=sheet)


# -- unit information stated in the text ---------------------------------------------------------
_UNIT_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "website_url",
        re.compile(r"(https?://[A-Za-z0-9.\-:/_%?=&#~]+|www\.[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[A-Za-z0-9/_\-.]*)"),
    ),
    (
        "website_name",
        re.compile(
            r"(?:可在|可从|通过|登录|在)([^，,。；;（(：:]{2,40}?(?:网站|门户网站|政府网))(?=[（(]|政府信息公开|公布|下载|查阅|，|,|。)"
        ),
    ),
    ("office", re.compile(r"(?:直接与|请与|可与|或与|与)([^，,。；;（(“”]{2,40}?)(?:联系|联络)")),
    ("address", re.compile(r"(?:通讯地址|联系地址|办公地址|地址)[:：]\s*([^，,；;。）)]+)")),
    ("address", re.compile(r"联系方式[:：]\s*([^，,；;。）)]+)")),
    ("postcode", re.compile(r"(?:邮政编码|邮编)[:：]?\s*(\d{6})")),
    (
        "phone",
        re.compile(
            r"(?:联系电话|咨询电话|办公电话|电话)[:：]?\s*([0-9()（）\-－—–\s]{6,30}?)(?=[，,；;。）)、/]|传真|$)"
        ),
    ),
    ("fax", re.compile(r"传真(?:号码)?[:：]?\s*([0-9()（）\-－—–\s]{6,30}?)(?=[，,；;。）)、/]|$)")),
)
UNIT_LABELS = {
    "website_name": "网站名称",
    "website_url": "网站网址",
    "office": "联系单位",
    "address": "通讯地址",
    "postcode": "邮政编码",
    "phone": "联系电话",
    "fax": "传真",
}


def recognise_unit(texts: list[str], unit: UnitInfo) -> list[str]:
    """Fill what the text states; returns the labels of what could not be recognised."""
    joined = "\n".join(texts)
    for attr, pattern in _UNIT_PATTERNS:
        if getattr(unit, attr):
            continue
        m = pattern.search(joined)
        if m:
            value = m.group(1).strip().rstrip("/") if attr == "website_url" else m.group(1).strip()
            setattr(unit, attr, " ".join(value.split()))
    return [label for attr, label in UNIT_LABELS.items() if not getattr(unit, attr)]
