"""What the narrative says about the report itself: part headings, the statistics period, contacts.

Y3 a statistics period of another year; L4 an intro without the unit's website and phone
(the standard paragraph is the clerk's text now, see generate init); L5 a part heading pasted
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
