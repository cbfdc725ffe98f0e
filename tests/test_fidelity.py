"""The generated report says exactly what the published seed report says (issue 2, item 4)."""

from __future__ import annotations

import pytest
from conftest import require_seed
from extract import drop_page_repeat, norm, read_docx, read_html, read_seed

READERS = {"docx": read_docx, "html": read_html}


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_every_seed_paragraph_appears_in_order(generated, kind):
    seed_paragraphs, _ = read_seed(require_seed())
    doc = READERS[kind](getattr(generated[2020], kind))
    # The only extra paragraph allowed is the title on top.
    assert doc.paragraphs[0] == norm("漳平市人民政府2020年政府信息公开工作年度报告")
    assert doc.paragraphs[1:] == seed_paragraphs


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_each_table_reads_like_the_seed(generated, kind):
    _, seed_tables = read_seed(require_seed())
    doc = READERS[kind](getattr(generated[2020], kind))
    assert len(doc.tables) == len(seed_tables) == 3
    for mine, theirs in zip(doc.tables, seed_tables):
        assert mine.texts() == drop_page_repeat(theirs)


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_tables_sit_under_their_part_headings(generated, kind):
    doc = READERS[kind](getattr(generated[2020], kind))
    before = [doc.order[doc.order.index(t) - 1] for t in doc.tables]
    assert before == [
        norm("二、主动公开政府信息情况"),
        norm("三、收到和处理政府信息公开申请情况"),
        norm("四、政府信息公开行政复议、行政诉讼情况"),
    ]


def test_the_seed_parser_sees_what_a_reader_sees():
    """Guard the guard: the seed has 3 tables, the part 三 table repeats one label once."""
    paragraphs, tables = read_seed(require_seed())
    assert paragraphs[-2:] == [norm("漳平市人民政府"), norm("2021年1月29日")]
    assert [len(t) for t in tables][0] > 40
    assert tables[1].count(norm("三、本年度办理结果")) == 2
    assert len(drop_page_repeat(tables[1])) == len(tables[1]) - 1


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_every_example_workbook_is_reproduced_in_order(generated, kind):
    """For every shipped example (the 2021 one too): all narrative paragraphs in order, and each
    table's labels and values in reading order, as the workbook holds them."""
    from conftest import INPUTS

    from generator.formats import format_for_year
    from generator.formats.spec import Label
    from generator.workbook import read_workbook

    for year, gen in generated.items():
        report, _ = read_workbook(INPUTS / f"{year}.xlsx", format_for_year(year), year)
        doc = READERS[kind](getattr(gen, kind))
        wanted = [
            norm(p.text) for key in ("intro", "overview", "problems", "other") for p in report.sections[key].paragraphs
        ]
        it = iter(doc.paragraphs)
        missing = [p for p in wanted if not any(p == q for q in it)]
        assert missing == [], f"{year}: paragraphs missing or out of order"
        for table, mine in zip(report.spec.tables, doc.tables):
            values = report.tables[table.id]
            expected = [
                norm(p.item.text if isinstance(p.item, Label) else values[p.item.key].display()) for p in table.placed
            ]
            assert mine.texts() == [t for t in expected if t], f"{year} {table.id}"


def test_the_tests_need_nothing_outside_the_repository():
    """A new user's clone has no shared reference folder beside it: every fixture a test or script
    reads is in the repository."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    outside = re.compile(r"\.\./" + r"shared|parents?(\[\d\])?\s*/\s*[\"']shared")
    offenders = [
        str(p.relative_to(root))
        for folder in ("tests", "scripts")
        for p in (root / folder).rglob("*.py")
        if p != Path(__file__).resolve() and outside.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
