"""Property tests: consistent reports are silent; any single changed number is caught where it lives.

Reports are generated from the format spec alone (its fields, kinds, sum and balance rules), so
the properties hold for every format version the spec describes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import how_many
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate_support import SPECS, consistent_numbers, feeds, make_report

from generator.formats.spec import FormatSpec, Kind
from generator.model import Number, Report
from generator.validate import validate

PROFILE = settings(max_examples=how_many(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def arithmetic_codes(spec: FormatSpec) -> set[str]:
    return {r.code for r in spec.sum_rules} | {r.code for r in spec.balance_rules}


def rule_fields(spec: FormatSpec) -> list[tuple[str, str]]:
    """Every field some arithmetic rule reads: the ones a changed number must be caught in."""
    seen: dict[tuple[str, str], None] = {}
    for r in spec.sum_rules:
        for k in (r.total, *r.parts):
            seen[(r.table, k)] = None
    for b in spec.balance_rules:
        for k in (*b.lhs, *b.rhs):
            seen[(b.table, k)] = None
    return list(seen)


def _draw_number(data: st.DataObject, kind: Kind) -> Number:
    if kind is Kind.DELTA:
        return data.draw(st.integers(-200, 200))
    if kind in (Kind.AMOUNT, Kind.AMOUNT_TEXT):
        return data.draw(st.decimals(0, 100000, places=2, allow_nan=False, allow_infinity=False))
    return data.draw(st.integers(0, 60))


def consistent_report(data: st.DataObject, spec: FormatSpec) -> Report:
    nums = consistent_numbers(spec, lambda _t, _k, kind: _draw_number(data, kind))
    return make_report(spec, nums)


@pytest.mark.parametrize("spec_id", sorted(SPECS))
@PROFILE
@given(data=st.data())
def test_consistent_report_has_no_arithmetic_findings(spec_id: str, data: st.DataObject) -> None:
    spec = SPECS[spec_id]
    report = consistent_report(data, spec)
    found = validate(report)
    assert [d for d in found if d.code in arithmetic_codes(spec)] == []
    assert [d for d in found if d.severity.value == "错误"] == []


@pytest.mark.parametrize("spec_id", sorted(SPECS))
@PROFILE
@given(data=st.data())
def test_any_single_changed_number_is_caught_at_its_cell_or_a_total_it_feeds(spec_id: str, data: st.DataObject) -> None:
    spec = SPECS[spec_id]
    report = consistent_report(data, spec)
    table_id, key = data.draw(st.sampled_from(rule_fields(spec)), label="field")
    value = report.tables[table_id][key]
    step = data.draw(st.integers(1, 30), label="step")
    old = value.number
    assert old is not None
    value.number = old + step if data.draw(st.booleans(), label="up") or old < step else old - step
    table = spec.table(table_id)
    allowed = {value.cell} | {report.tables[table_id][k].cell for k in feeds(spec, table_id, key)}
    found = [d for d in validate(report) if d.code in arithmetic_codes(spec)]
    assert found, f"changing {key} from {old} to {value.number} went unnoticed"
    assert any(d.sheet == table.sheet and d.cell in allowed for d in found)


@PROFILE
@given(data=st.data())
def test_decimal_amounts_are_never_mistaken_for_counts(data: st.DataObject) -> None:
    """Amounts may carry cents; only counts must be whole."""
    spec = SPECS["2019"]
    report = consistent_report(data, spec)
    report.tables["active"]["procurement.amount"].number = Decimal("6834.335")
    assert [d.code for d in validate(report) if d.code.startswith("V")] == []


_WORDS = [
    "其中",
    "占比",
    "共",
    "全年",
    "累计",
    "收到",
    "申请",
    "已答复",
    "予以公开",
    "行政复议",
    "件",
    "个",
    "条",
    "%",
    "，",
    "。",
    "；",
    "“",
    "”",
    "××",
    "2020年",
]


@pytest.mark.parametrize("spec_id", sorted(SPECS))
@PROFILE
@given(data=st.data())
def test_validation_never_fails_whatever_the_cells_and_text_hold(spec_id: str, data: st.DataObject) -> None:
    """Any mix of blank, “/”, error, formula and odd numbers, any text: findings, never an exception."""
    from generator.model import Paragraph, State, Value

    spec = SPECS[spec_id]
    report = consistent_report(data, spec)
    for table_id, key in data.draw(st.lists(st.sampled_from(rule_fields(spec)), max_size=8), label="cells"):
        state = data.draw(st.sampled_from(list(State)))
        number = (
            data.draw(st.one_of(st.integers(-5, 5), st.decimals(-5, 5, places=1, allow_nan=False)))
            if state is State.NUMBER
            else None
        )
        cell = report.tables[table_id][key].cell
        report.tables[table_id][key] = Value(state, number, raw="#REF!" if state is State.ERROR else None, cell=cell)
    pieces = st.lists(st.one_of(st.sampled_from(_WORDS), st.integers(0, 100000).map(str)), max_size=30).map("".join)
    report.sections["overview"].paragraphs = [
        Paragraph(t, row=5 + i) for i, t in enumerate(data.draw(st.lists(pieces, max_size=4)))
    ]
    previous = make_report(
        spec, consistent_numbers(spec, lambda _t, _k, kind: _draw_number(data, kind)), report.year - 1
    )
    previous.sections["problems"] = report.sections["problems"]
    for d in validate(report, previous):
        assert d.code and d.message
