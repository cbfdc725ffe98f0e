"""The mandated layout, exactly: every span in both outputs (issue 2, item 5).

Spans are checked twice: against the regulation's numbers (国办公开办函〔2019〕60号) written out
here by hand, and against the format spec for every cell, so that the DOCX and the HTML tables
expand to the same logical grid.
"""

from __future__ import annotations

import pytest
from extract import norm, read_docx, read_html

from generator.formats import format_for_year
from generator.formats.spec import Label

READERS = {"docx": read_docx, "html": read_html}


def span_of(table, text: str, nth: int = 0) -> tuple[int, int]:
    hits = [c for c in table.cells if norm(c.text) == norm(text)]
    assert len(hits) > nth, f"{text} not found"
    return hits[nth].rowspan, hits[nth].colspan


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_2019_format_spans_as_the_regulation_draws_them(generated, kind):
    active, requests, appeals = READERS[kind](getattr(generated[2020], kind)).tables
    # Part 二: one 4-column table with the five 第二十条 blocks, each title spanning the table.
    assert len(active.grid()[0]) == 4
    for item in ("（一）", "（五）", "（六）", "（八）", "（九）"):
        assert span_of(active, f"第二十条第{item}项") == (1, 4)
    assert span_of(active, "本年增/减", 2) == (1, 2)  # （八）
    assert span_of(active, "采购总金额") == (1, 2)
    assert span_of(active, "6834.335元") == (1, 2)
    # Part 三: the 10-column table.
    assert len(requests.grid()[0]) == 10
    assert span_of(requests, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") == (3, 3)
    assert span_of(requests, "申请人情况") == (1, 7)
    assert span_of(requests, "法人或其他组织") == (1, 5)
    assert span_of(requests, "自然人") == (2, 1)
    assert span_of(requests, "总计") == (2, 1)
    assert span_of(requests, "三、本年度办理结果") == (20, 1)
    assert span_of(requests, "（三）不予公开") == (8, 1)
    assert span_of(requests, "（四）无法提供") == (3, 1)
    assert span_of(requests, "（五）不予处理") == (5, 1)
    assert span_of(requests, "（六）其他处理") == (1, 2)
    assert span_of(requests, "（七）总计") == (1, 2)
    assert span_of(requests, "一、本年新收政府信息公开申请数量") == (1, 3)
    assert span_of(requests, "四、结转下年度继续办理") == (1, 3)
    # Part 四: 15 columns.
    assert len(appeals.grid()[0]) == 15
    assert span_of(appeals, "行政复议") == (1, 5)
    assert span_of(appeals, "行政诉讼") == (1, 10)
    assert span_of(appeals, "未经复议直接起诉") == (1, 5)
    assert span_of(appeals, "复议后起诉") == (1, 5)
    assert span_of(appeals, "结果维持") == (2, 1)
    assert len(appeals.grid()) == 4


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_every_span_follows_the_format_spec(generated, kind):
    for year, gen in generated.items():
        spec = format_for_year(year)
        tables = READERS[kind](getattr(gen, kind)).tables
        assert len(tables) == len(spec.tables)
        for table, mine in zip(spec.tables, tables):
            want = {(p.row, p.col): (p.rowspan, p.colspan) for p in table.placed}
            assert mine.spans() == want, f"{year} {table.id}"
            labels = [norm(p.item.text) for p in table.placed if isinstance(p.item, Label)]
            got = [
                norm(c.text)
                for c in mine.cells
                if (c.row, c.col) in {(p.row, p.col) for p in table.placed if isinstance(p.item, Label)}
            ]
            assert got == labels, f"{year} {table.id}: labels not verbatim"


def test_docx_and_html_expand_to_the_same_grid(generated):
    for gen in generated.values():
        docx_tables = read_docx(gen.docx).tables
        html_tables = read_html(gen.html).tables
        for d, h in zip(docx_tables, html_tables):
            assert d.grid() == h.grid()


def test_html_header_cells_are_th_and_data_cells_name_their_headers(generated):
    text = generated[2020].html.read_text(encoding="utf-8")
    requests = read_html(generated[2020].html).tables[1]
    assert all(c.header for c in requests.cells if not norm(c.text).isdigit())
    # A data cell is associated with its column and row headers.
    assert 'headers="requests-r1c4 requests-r2c4 requests-r4c1"' in text  # 新收 × 自然人
    assert text.count("<caption>") == 3
