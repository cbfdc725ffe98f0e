"""Narrative rules: text against tables, 其中 lists, 占比 percentages, template leftovers, 2021 text rules.

Every text rule is built to stay silent unless the arithmetic is provable: a number is only
compared when the wording ties it to one table figure, a 其中 list only when its parts
exceed the total, a percentage only when the base is marked as a total (共/全年/合计…).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity
from ..formats.common import result_row_keys
from ..model import Number, Section
from ..workbook.layout import UNIT_FIELDS, UNIT_SHEET
from .arithmetic import recomputed
from .context import TOTAL_COL, Ctx, fmt

E, W = Severity.ERROR, Severity.WARNING

SECTION_NAMES = {
    "intro": "引言",
    "overview": "一、总体情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
REQUIRED_SECTIONS = ("overview", "problems", "other")

# Work on NFKC text: full-width commas, colons, parentheses and % become ASCII.
CLAUSE_DELIMS = ",;:、"
SENTENCE_DELIMS = "。!?"
_GAP = r"[^,;:!?。\d]"  # a stretch of words: no number and no punctuation in between
_UNITS = "万件|件|条|个|项|类|人次|家|次|篇|期|场|份|起|万元|元|%"
TOKEN = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*({_UNITS})?")
# Words that make a number a total (and end a 其中 list); 公共/共享/共同 are not 共.
TOTAL_MARK = re.compile(r"(?<!公)共(?![享同建])|累计|总计|合计|历年|全年|总数|总量|总共")
CUMULATIVE = re.compile(r"累计|历年")
PLACEHOLDER = re.compile(r"××|ＸＸ|(?<![A-Za-z])XX+(?![A-Za-z])|[(（]文字描述[)）]")
PERCENT = re.compile(r"(?:占比|(?:比例|比率|比重)(?:为|是))(?:为|达到?|约)?(\d+(?:\.\d+)?)%")
YEAR = re.compile(r"(\d{4})年")
NOT_COUNT = re.compile(r"月|工作日|小时|年|百分点")  # 3个月, 20个工作日: durations, not counts


@dataclass(frozen=True)
class Token:
    start: int
    value: Decimal
    unit: str


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Numbers that carry a unit; a bare number (year, list marker, 12345) is not a count."""
    return [
        Token(m.start() + offset, Decimal(m.group(1)), m.group(2))
        for m in TOKEN.finditer(text)
        if m.group(2) and not NOT_COUNT.match(text, m.end())
    ]


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in SENTENCE_DELIMS) + 1


def _clause_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in CLAUSE_DELIMS + SENTENCE_DELIMS) + 1


def _paragraphs(ctx: Ctx) -> Iterator[tuple[Section, int, str]]:
    for section in ctx.report.sections.values():
        for i, p in enumerate(section.paragraphs):
            yield section, i, unicodedata.normalize("NFKC", p.text)


def _other_year(text: str, pos: int, year: int) -> bool:
    """The nearest year named before pos in the same sentence is not the report year."""
    years = YEAR.findall(text, _sentence_start(text, pos), pos)
    return bool(years) and int(years[-1]) != year


# --- narrative figures against the tables ---------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A phrase of the narrative that states one table figure."""

    code: str
    pattern: re.Pattern[str]
    table: str
    keys: tuple[str, ...]  # the table figure is the sum of these fields
    what: str  # the figure's name in messages
    also: tuple[str, ...] = ()  # an alternative reading also accepted (受理 = 一 + 二)


def _claim(
    code: str, head: str, table: str, keys: tuple[str, ...], what: str, unit: str = "件", via: str = ""
) -> Claim:
    middle = f"{_GAP}{{0,12}}?{via}{_GAP}{{0,4}}?" if via else f"{_GAP}{{0,10}}?"
    return Claim(code, re.compile(rf"{head}{middle}(\d+)(?:{unit})"), table, keys, what)


def _claims(ctx: Ctx) -> list[Claim]:
    t = TOTAL_COL
    claims = [
        _claim("N1", "(?:收到|新收)", "requests", (f"new.{t}",), "一、本年新收政府信息公开申请数量", via="申请"),
        Claim(
            "N1",
            re.compile(rf"受理{_GAP}{{0,12}}?申请{_GAP}{{0,4}}?(\d+)件"),
            "requests",
            (f"new.{t}",),
            "一、本年新收政府信息公开申请数量",
            also=(f"new.{t}", f"carried.{t}"),
        ),
        _claim(
            "N1",
            "(?:已答复|答复|已办结|办结|办理完毕|办理完结)",
            "requests",
            (f"total.{t}",),
            "三、本年度办理结果（七）总计",
            via="申请",
        ),
        _claim("N1", "上年结转", "requests", (f"carried.{t}",), "二、上年结转政府信息公开申请数量"),
        _claim("N1", "结转(?:至|到)?下一?年度?", "requests", (f"carry_next.{t}",), "四、结转下年度继续办理"),
        _claim("N3", "行政复议", "appeals", (f"review.{t}",), "行政复议 总计", unit="件|起"),
        _claim(
            "N3",
            "行政诉讼",
            "appeals",
            (f"direct.{t}", f"after.{t}"),
            "行政诉讼 总计（直接起诉与复议后起诉之和）",
            unit="件|起",
        ),
    ]
    table = ctx.table("requests")
    if table is None:
        return claims
    groups: dict[str, list[str]] = {}
    for row in result_row_keys(table):
        path = table.fields[f"{row}.natural"].row_path
        for label in path:
            name = re.sub(r"^(?:（[一二三四五六七八九十]+）|\d+\.)", "", label).split("（")[0]
            if name != label and len(name) >= 4 and name != "其他":
                groups.setdefault(name, []).append(f"{row}.{t}")
    for name, keys in groups.items():
        head = rf"(?<!不){re.escape(name)}[”’\"」』]?"
        claims.append(_claim("N2", head, "requests", tuple(keys), f"办理结果“{name}”（总计列）"))
    return claims


def check_claims(ctx: Ctx) -> list[Diagnostic]:
    """N1 申请数, N2 办理结果各类, N3 复议和诉讼: the stated figure equals the table's."""
    out = []
    claims = _claims(ctx)
    for section, i, text in _paragraphs(ctx):
        for claim in claims:
            for m in claim.pattern.finditer(text):
                if CUMULATIVE.search(text, _clause_start(text, m.start()), m.end()) or _other_year(
                    text, m.start(), ctx.report.year
                ):
                    continue
                said = int(m.group(1))
                table_value = ctx.numbers(claim.table, claim.keys)
                if table_value is None:
                    continue
                accepted = {sum(table_value)}
                also = ctx.numbers(claim.table, claim.also) if claim.also else None
                if also is not None:
                    accepted.add(sum(also))
                if said in accepted:
                    continue
                out.append(_claim_finding(ctx, section, i, claim, m.group(0), said, sum(table_value)))
    return out


def _claim_finding(
    ctx: Ctx, section: Section, i: int, claim: Claim, phrase: str, said: int, expected: Number
) -> Diagnostic:
    table = ctx.table(claim.table)
    cells = "、".join(ctx.values(claim.table)[k].cell for k in claim.keys if ctx.values(claim.table)[k].cell)
    where = f"（{table.sheet}!{cells}）" if table and cells else ""
    msg = f"第 {i + 1} 段写“{phrase}”，但表格中{claim.what}为 {fmt(expected)}{where}。"
    if len(claim.keys) == 1 and recomputed(ctx, claim.table, claim.keys[0]) == said:
        msg += f"表中各项之和为 {said}，与正文一致：请核对表格中的这一合计。"
    else:
        msg += "请核对正文或表格。"
    return ctx.at_paragraph(claim.code, W, section, i, msg, expected, said)


# --- 其中 lists and 占比 percentages ---------------------------------------------------------


def _marked_total(text: str, tok: Token) -> bool:
    """The number is introduced as a total in its clause: 共进驻1181个, 全年共办结70982件."""
    prefix = text[_clause_start(text, tok.start) : tok.start]
    marks = list(TOTAL_MARK.finditer(prefix))
    return bool(marks) and not re.search(r"\d", prefix[marks[-1].end() :])


def check_breakdowns(ctx: Ctx) -> list[Diagnostic]:
    """N4: “总数，其中 A、B、C” whose parts add up to more than the total."""
    out = []
    for section, i, text in _paragraphs(ctx):
        for m in re.finditer("其中", text):
            parts = _list_after(text, m.end())
            if len(parts) < 2:
                continue
            total = _total_before(text, m.start(), parts[0].unit)
            if total is None:
                continue
            kept = []
            for p in parts:
                if p.value == total.value:
                    break  # the total restated: a new statement begins
                kept.append(p)
            s = sum(p.value for p in kept)
            if len(kept) >= 2 and s > total.value:
                unit = total.unit
                listed = "＋".join(f"{fmt(p.value)}{unit}" for p in kept)
                out.append(
                    ctx.at_paragraph(
                        "N4",
                        W,
                        section,
                        i,
                        f"第 {i + 1} 段“其中”所列各项 {listed} = {fmt(s)}{unit}，超过了总数 {fmt(total.value)}{unit}：部分不能多于总数。",
                        f"≤ {fmt(total.value)}",
                        s,
                    )
                )
    return out


def _list_after(text: str, pos: int) -> list[Token]:
    """The counts listed after 其中 up to the end of the sentence, one per clause, of one unit."""
    ends = [j for j in (text.find(c, pos) for c in SENTENCE_DELIMS) if j >= 0]
    region = text[pos : min(ends, default=len(text))]
    out: list[Token] = []
    start = 0
    for clause in re.split(f"[{CLAUSE_DELIMS}]", region):
        toks = [t for t in tokens(clause, pos + start) if t.unit != "%"]
        start += len(clause) + 1
        if not toks:
            continue
        if TOTAL_MARK.search(clause) or len(toks) > 1 or (out and toks[0].unit != out[0].unit):
            break
        out.append(toks[0])
    return out


def _total_before(text: str, pos: int, unit: str) -> Token | None:
    """The nearest earlier count of the same unit in this sentence, else in the previous one."""
    start = _sentence_start(text, pos)
    for lo in (start, _sentence_start(text, max(start - 1, 0))):
        found = [
            t
            for t in tokens(text[lo:pos], lo)
            if t.unit == unit and not CUMULATIVE.search(text[_clause_start(text, t.start) : t.start])
        ]
        if found:
            return found[-1]
        if lo == 0:
            break
    return None


def check_percentages(ctx: Ctx) -> list[Diagnostic]:
    """N5: “A…占比P%” where P differs from A ÷ (the total A belongs to) by more than 0.05 points."""
    out = []
    for section, i, text in _paragraphs(ctx):
        for m in PERCENT.finditer(text):
            stated = Decimal(m.group(1))
            before = [t for t in tokens(text[: m.start()]) if t.unit != "%"]
            sentence = _sentence_start(text, m.start())
            parts = [t for t in before if t.start >= sentence]
            if not parts:
                continue
            part = parts[-1]
            bases = [
                t
                for t in before
                if t.unit == part.unit and t.start < part.start and t.value > 0 and _marked_total(text, t)
            ]
            if not bases:
                continue
            decimals = max(-stated.as_tuple().exponent, 0)  # type: ignore[operator]
            tolerance = max(Decimal("0.05"), Decimal(5) / Decimal(10) ** (decimals + 1))
            if any(abs(part.value * 100 / b.value - stated) <= tolerance for b in bases):
                continue
            base = bases[-1]
            exact = part.value * 100 / base.value
            shown = exact.quantize(Decimal(1) / Decimal(10) ** max(decimals, 2))
            out.append(
                ctx.at_paragraph(
                    "N5",
                    W,
                    section,
                    i,
                    f"第 {i + 1} 段写“占比{fmt(stated)}%”，但 {fmt(part.value)} ÷ {fmt(base.value)} = {fmt(shown)}%，"
                    f"相差 {fmt(abs(exact - stated).quantize(Decimal('0.01')))} 个百分点（容差 0.05）。",
                    f"{fmt(shown)}%",
                    f"{fmt(stated)}%",
                )
            )
    return out


# --- template leftovers, empty parts, 2021 text rules ---------------------------------------


def check_leftovers(ctx: Ctx) -> list[Diagnostic]:
    """L1 placeholders, L2 empty required parts, L3 五 that only says 无."""
    out = []
    for section, i, text in _paragraphs(ctx):
        m = PLACEHOLDER.search(text)
        if m:
            out.append(
                ctx.at_paragraph(
                    "L1",
                    E,
                    section,
                    i,
                    f"第 {i + 1} 段含模板占位文字“{m.group(0)}”，请替换为实际内容。",
                    "实际内容",
                    m.group(0),
                )
            )
    for section in ctx.report.sections.values():
        m = PLACEHOLDER.search(section.title)
        if m:
            out.append(
                ctx.at_paragraph(
                    "L1", E, section, None, f"本部分标题含模板占位文字“{m.group(0)}”。", "实际内容", m.group(0)
                )
            )
    for f in UNIT_FIELDS:
        value = getattr(ctx.report.unit, f.attr)
        m = PLACEHOLDER.search(value) if isinstance(value, str) else None
        if m:
            out.append(
                ctx.at_sheet(
                    "L1", E, UNIT_SHEET, f"“{f.label}”含模板占位文字“{m.group(0)}”。", f.label, "实际内容", value
                )
            )
    for key in REQUIRED_SECTIONS:
        section = ctx.report.sections.get(key)
        if section is None or not section.paragraphs:
            sheet = section.sheet if section else ""
            msg = f"“{SECTION_NAMES[key]}”没有内容。这是规定必须报告的部分" + (
                "；没有需要报告的事项可写“无。”" if key == "other" else "。"
            )
            out.append(ctx.at_sheet("L2", E, sheet, msg, expected="正文", actual="空白"))
    problems = ctx.report.sections.get("problems")
    if problems is not None and problems.paragraphs:
        bare = re.sub(r"[\s。.，,！!]", "", problems.text)
        if bare in ("无", "暂无", "没有", "无问题"):
            out.append(
                ctx.at_paragraph(
                    "L3",
                    W,
                    problems,
                    0,
                    "“五、存在的主要问题及改进情况”只写了“无”。格式要求查找问题要有针对性、改进举措要有实效性，不能以“无”代替。",
                    "具体问题和改进情况",
                    problems.text,
                )
            )
    return out


def check_format_text(ctx: Ctx) -> list[Diagnostic]:
    """F1 总体情况 within the format's length; F2 六 reports 信息处理费 where the format requires it."""
    spec = ctx.report.spec
    out = []
    overview = ctx.report.sections.get("overview")
    limit = spec.overview_max_chars
    if overview is not None and limit is not None:
        length = len(re.sub(r"\s", "", overview.text))
        if length > limit:
            out.append(
                ctx.at_sheet(
                    "F1",
                    W,
                    overview.sheet,
                    f"“一、总体情况”共 {length} 字，超过{spec.document}规定的篇幅（原则上不超过 {limit} 字）。",
                    expected=f"≤ {limit}",
                    actual=length,
                )
            )
    other = ctx.report.sections.get("other")
    if spec.fee_report_required and other is not None and "信息处理费" not in other.text:
        out.append(
            ctx.at_sheet(
                "F2",
                E,
                other.sheet,
                f"“六、其他需要报告的事项”没有报告信息处理费的收取情况。{spec.document}要求在此专门报告，未收取也要写明，如“本年度未收取信息处理费。”",
                expected="含“信息处理费”",
                actual="未提及",
            )
        )
    return out
