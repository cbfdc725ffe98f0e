"""What the narrative says about the report itself: part headings, the statistics period, contacts.

Y3 a statistics period of another year; L4 an intro without the unit's website and phone
(the standard paragraph is the clerk's text now, see generate init); L6 an intro stating contacts other
than 单位信息's; L5 a part heading pasted
into the narrative, which the report would print twice or under the wrong part.
"""

from __future__ import annotations

import re
import unicodedata

from ..diagnostics import Diagnostic, Severity
from ..model import Section
from ..templating import Wording
from .context import Ctx
from .text_base import YEAR
from .text_base import paragraphs as _paragraphs

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

# “本报告所列数据的统计时间自2020年1月1日起至2020年12月31日”, “统计期限为…”
PERIOD = re.compile(r"统计(?:时间|期限|期间|时段|区间|周期)")
# The part each narrative sheet prints under (the intro under none).
OWN_PART = {"intro": None, "overview": 1, "problems": 5, "other": 6}
NUMERALS = "一二三四五六"


def _bare(text: str) -> str:
    return re.sub(r"[\s。.:：]", "", unicodedata.normalize("NFKC", text))


def check_period(ctx: Ctx) -> list[Diagnostic]:
    """Y3: the statistics period stated in the narrative is the report year."""
    out = []
    year = ctx.report.year
    for section, i, text in _paragraphs(ctx):
        for m in PERIOD.finditer(text):
            end = text.find("。", m.end())
            end = len(text) if end < 0 else end
            years = sorted({int(y) for y in YEAR.findall(text, m.end(), end)} - {year})
            if years:
                named = "、".join(str(y) for y in years)
                out.append(
                    ctx.at_paragraph(
                        "Y3",
                        E,
                        section,
                        i,
                        f"第 {i + 1} 段写的统计时间是 {named} 年，但这是 {year} 年度的报告"
                        f"（统计时间应为 {year}年1月1日至{year}年12月31日）。是否沿用了往年的文字？",
                        f"{year}年1月1日至{year}年12月31日",
                        text[m.start() : end],
                    )
                )
                break
    return out


def _contacts(ctx: Ctx) -> list[tuple[str, str]]:
    unit = ctx.report.unit
    url = re.sub(r"^https?://", "", unit.website_url.strip()).rstrip("/")
    return [(label, _bare(v)) for label, v in (("网站网址", url), ("联系电话", unit.phone)) if v.strip()]


def check_intro(ctx: Ctx) -> list[Diagnostic]:
    """L4: the unit's website and phone appear nowhere in the 引言 the report prints."""
    intro = ctx.report.sections.get("intro")
    contacts = _contacts(ctx)
    if intro is None or not contacts:
        return []
    text = _bare(intro.text)
    if any(value in text for _, value in contacts):
        return []
    standard = Wording().standard_intro(ctx.report.unit, ctx.report.year)
    labels = "和".join(label for label, _ in contacts)
    return [
        ctx.at_paragraph(
            "L4",
            I,
            intro,
            None,
            f"引言中没有写明“单位信息”中填写的{labels}。报告开头只印引言中的文字，程序不会另外添加说明段落；"
            f"如需要，可把以下段落粘贴到引言最后一行：{standard}",
            labels,
            "未写明",
        )
    ]


def _part_named(text: str, titles: dict[int, list[str]]) -> int | None:
    """The report part whose heading this paragraph is (“二、主动公开政府信息情况”), if any."""
    bare = _bare(text)
    m = re.match(rf"([{NUMERALS}])[、,，.]", bare)
    rest = bare[m.end() :] if m else bare
    for part, names in titles.items():
        for name in names:
            if rest == name or (m is not None and rest.startswith(name) and len(rest) <= len(name) + 12):
                return part
    return None


def check_part_headings(ctx: Ctx) -> list[Diagnostic]:
    """L5: a part heading typed into a narrative sheet doubles the printed one or lands in another part."""
    w = Wording()
    sections = ctx.report.sections
    titles: dict[int, list[str]] = {}
    for part in range(1, 7):
        custom = next((s.title for k, s in sections.items() if OWN_PART.get(k) == part and s.title), "")
        names = {_bare(w.part_heading(part))[2:], _bare(w.part_heading(part, custom))[2:] if custom else ""}
        titles[part] = sorted((n for n in names if n), key=len, reverse=True)
    out = []
    for key, section in sections.items():
        own = OWN_PART.get(key)
        if own and re.match(r"[一二三四五六七八九十]+[、,，.]", _bare(section.title)):
            out.append(
                ctx.at_paragraph(
                    "L5",
                    W,
                    section,
                    None,
                    f"本部分标题「{section.title}」带有序号，报告中会印成“{w.part_heading(own, section.title)}”。"
                    "序号由程序生成，请在“本部分标题”中去掉序号。",
                )
            )
        for i, p in enumerate(section.paragraphs):
            part = _part_named(p.text, titles)
            if part is None:
                continue
            out.append(ctx.at_paragraph("L5", W, section, i, _misplaced(section, i, p.text, part, own, w)))
    return out


def _misplaced(section: Section, i: int, text: str, part: int, own: int | None, w: Wording) -> str:
    heading = w.part_heading(part)
    if part == own:
        return (
            f"第 {i + 1} 段“{text}”是本部分的标题。报告中本部分标题“{w.part_heading(part, section.title)}”由程序生成，"
            "这一段会使标题重复出现。请删除这一段（要改标题的文字，请填在“本部分标题”）。"
        )
    where = f"“{w.part_heading(own, section.title)}”的正文中" if own else "引言中"
    fix = "这一部分的内容由表格生成" if part in (2, 3, 4) else "这一部分的内容请填在对应的工作表"
    return (
        f"第 {i + 1} 段“{text}”是“{heading}”的标题，却写在{where}：报告会把它印在这里，"
        f"与程序生成的“{heading}”重复，位置也不对。请删除这一段；{fix}。"
    )


# Contact details the intro states, each found after its label (the fax and e-mail are not the phone
# or the website). A value is a run of the characters such a value is written with.
_PHONE = re.compile(r"电话(?:号码)?[：:为是]?\s*([(（]?\d[\d\-－—()（）\s]{4,}\d)")  # an extension (转) aside
_POSTCODE = re.compile(r"(?:邮编|邮政编码)[：:为是]?\s*(\d{6})(?!\d)")
_URL = re.compile(
    r"(?<![@a-z0-9.\-])((?:https?://)?[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:cn|com|net|org|gov)(?:/[\w\-./?=&%#]*)?)",
    re.IGNORECASE | re.ASCII,
)
_ADDRESS = re.compile(r"(?:联系地址|通讯地址|通信地址|办公地址|地址|联系方式)[：:为是]\s*([^，,；;。\s]+)")
_PLACE = re.compile(r"\d.*[路街道巷号楼室村镇]|[路街道巷号楼室村镇].*\d")  # “渠道” alone is no address


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _same_phone(a: str, b: str) -> bool:
    """The same number, the area code written or not (0597-7529949 = 7529949)."""
    a, b = _digits(a), _digits(b)
    return len(min(a, b, key=len)) >= 5 and (a.endswith(b) or b.endswith(a))


def _host(url: str) -> str:
    host = re.sub(r"^https?://", "", url.strip().lower()).split("/")[0]
    return host.removeprefix("www.")


def _stated(text: str) -> dict[str, list[str]]:
    """Phone numbers, postcodes, web addresses and postal addresses the text states, by 单位信息 field."""
    text = unicodedata.normalize("NFKC", text)
    return {
        "phone": [m.group(1).strip() for m in _PHONE.finditer(text)],
        "postcode": _POSTCODE.findall(text),
        "website_url": _URL.findall(text),
        "address": [a for a in _ADDRESS.findall(text) if _PLACE.search(a) and "@" not in a],
    }


def _agrees(field: str, unit_value: str, stated: str, text: str) -> bool:
    if field == "phone":
        numbers = re.findall(r"[\d\-()\s]{5,}", unicodedata.normalize("NFKC", unit_value))
        return any(_same_phone(n, stated) for n in numbers if len(_digits(n)) >= 5)
    if field == "postcode":
        return _digits(unit_value) == stated
    if field == "website_url":
        return _host(unit_value) == _host(stated)
    unit_bare, stated_bare = _bare(unit_value), _bare(stated)
    return unit_bare in _bare(text) or stated_bare in unit_bare


CONTACT_FIELDS = (("phone", "联系电话"), ("postcode", "邮政编码"), ("website_url", "网站网址"), ("address", "通讯地址"))


def check_intro_contacts(ctx: Ctx) -> list[Diagnostic]:
    """L6: the intro states a phone, postcode, website or address other than the one in 单位信息.

    The intro is the clerk's text (written once by generate init); a contact changed later in
    单位信息 would otherwise be published with the old value.
    """
    intro = ctx.report.sections.get("intro")
    if intro is None:
        return []
    unit = ctx.report.unit
    whole = intro.text
    out = []
    for field, label in CONTACT_FIELDS:
        value = getattr(unit, field)
        if not isinstance(value, str) or not value.strip() or value.strip() == "无":
            continue
        found = [(i, s) for i, p in enumerate(intro.paragraphs) for s in _stated(p.text)[field]]
        if not found or any(_agrees(field, value, s, whole) for _, s in found):
            continue
        i, stated = found[0]
        out.append(
            ctx.at_paragraph(
                "L6",
                W,
                intro,
                i,
                f"引言第 {i + 1} 段写的{label}是“{stated}”，而“单位信息”中的{label}是“{value.strip()}”。"
                "报告只印引言中的文字，不会按“单位信息”自动更新；请核对后改正引言（或“单位信息”）。",
                value.strip(),
                stated,
            )
        )
    return out
