"""Build inputs/2020.xlsx from the published 漳平市 2020 report (tests/data), once.

This is data entry, done by a program so that nothing is mistyped: every paragraph, every
table value and the contact details are taken from the seed text; the table labels in the
seed are checked against the format spec on the way. The seed's arithmetic errors are kept
as published: the validator must find them.

    python scripts/seed_to_workbook.py [tests/data/zhangping-2020-report.txt] [inputs/2020.xlsx]
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.formats import format_for_year  # noqa: E402
from generator.formats.spec import Label  # noqa: E402
from generator.model import Paragraph, Report, Section, UnitInfo, UnitLevel  # noqa: E402
from generator.narrative import detect_level  # noqa: E402
from generator.workbook.cells import normalize, parse_cell  # noqa: E402
from generator.workbook.writer import write_workbook  # noqa: E402

YEAR = 2020
PART_HEADS = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、",
    6: "六、其他需要报告的事项",
}


def split_blocks(lines: list[str]) -> dict[str, list[str]]:
    """intro, part1..part6 (part 2–4 as raw table lines), and the closing lines."""
    blocks: dict[str, list[str]] = {"intro": []}
    current = "intro"
    for line in lines:
        for n, head in PART_HEADS.items():
            if line.startswith(head) and "|" not in line:
                current = f"part{n}"
                blocks[current] = [line]
                break
        else:
            blocks[current].append(line)
    return blocks


def table_cells(lines: list[str]) -> list[str]:
    return [c.strip() for c in "".join(lines).split("|") if c.strip()]


def fill_table(table, cells: list[str]) -> dict:
    values = {}
    seq = iter(cells)
    repeated = normalize("三、本年度办理结果")
    for p in table.placed:
        text = next(seq)
        if isinstance(p.item, Label):
            while normalize(text) != normalize(p.item.text) and normalize(text) == repeated:
                text = next(seq)  # the seed repeats this label where the table crossed a page
            assert normalize(text) == normalize(p.item.text), (table.id, text, p.item.text)
        else:
            if normalize(text) == repeated:
                text = next(seq)
            parsed = parse_cell(text, p.item.kind)
            assert parsed.value is not None, (table.id, p.item.key, text)
            values[p.item.key] = parsed.value
    assert next(seq, None) is None, "seed table has more cells than the spec"
    return values


_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_URL = re.compile(r"https?://[\w./-]+")


def full_width(text: str) -> str:
    """The flattening made the seed's punctuation half-width; the published report uses
    full-width. Restore it, leaving web addresses alone (NFKC maps both back the same)."""
    urls = _URL.findall(text)
    out = _URL.sub("\x00", text)
    out = "".join(_HALF_TO_FULL.get(ch, ch) for ch in out)
    for url in urls:
        out = out.replace("\x00", url, 1)
    return out


def paragraphs(lines: list[str]) -> list[Paragraph]:
    texts = [full_width(line.strip()) for line in lines if line.strip()]
    return [Paragraph(t, detect_level(t)) for t in texts]


def unit_from(intro_standard: str, closing: list[str]) -> UnitInfo:
    def grab(pattern: str) -> str:
        m = re.search(pattern, intro_standard)
        assert m, pattern
        return m.group(1)

    y, m, d = map(int, re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", closing[-1]).groups())
    return UnitInfo(
        name=closing[-2],
        year=YEAR,
        # 漳平市 is a county-level city; its government's report sums up the whole city.
        level=UnitLevel.COUNTY,
        website_name=grab(r"电子版可在(.+?)\("),
        website_url=grab(r"网址:(.+?)\)"),
        office=grab(r"直接与(.+?)联系"),
        address=grab(r"联系方式:(.+?),"),
        postcode=grab(r"邮编:(\d+)"),
        phone=grab(r"电话:([\d-]+)"),
        fax=grab(r"传真:([\d-]+)"),
        signature=closing[-2],
        date=dt.date(y, m, d),
    )


def main() -> None:
    seed = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "tests/data/zhangping-2020-report.txt")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "inputs/2020.xlsx")
    lines = [line.rstrip("\n") for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    blocks = split_blocks(lines)
    spec = format_for_year(YEAR)
    standard = [p for p in blocks["intro"] if p.startswith("报告全文由")]
    assert len(standard) == 1
    closing = blocks["part6"][-2:]
    unit = unit_from(standard[0], closing)
    problems_title = full_width(blocks["part5"][0].split("、", 1)[1])
    sections = {
        # The standard paragraph stays where the seed has it: the 引言 sheet holds what is published.
        "intro": Section("intro", paragraphs=paragraphs(blocks["intro"])),
        "overview": Section("overview", paragraphs=paragraphs(blocks["part1"][1:])),
        "problems": Section("problems", title=problems_title, paragraphs=paragraphs(blocks["part5"][1:])),
        "other": Section("other", paragraphs=paragraphs(blocks["part6"][1:-2])),
    }
    tables = {
        "active": fill_table(spec.table("active"), table_cells(blocks["part2"][1:])),
        "requests": fill_table(spec.table("requests"), table_cells(blocks["part3"][1:])),
        "appeals": fill_table(spec.table("appeals"), table_cells(blocks["part4"][1:])),
    }
    report = Report(spec=spec, unit=unit, sections=sections, tables=tables, year=YEAR)
    write_workbook(out, spec, YEAR, report)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
