"""parse_cell: what a table cell holds becomes a number only when it is unambiguous."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.diagnostics import Severity
from generator.formats.spec import Kind
from generator.model import State
from generator.workbook.cells import parse_cell


@pytest.mark.parametrize("typed", ["12.0", "12.00", "１２.０", 12.0, Decimal("12.0")])
@pytest.mark.parametrize("kind", [Kind.COUNT, Kind.DELTA])
def test_an_integral_count_is_an_int_however_it_was_typed(typed: object, kind: Kind) -> None:
    v = parse_cell(typed, kind).value
    assert v is not None and v.state is State.NUMBER
    assert v.number == 12 and type(v.number) is int


def test_a_fractional_count_stays_a_decimal_for_the_validator_to_refuse() -> None:
    v = parse_cell("12.5", Kind.COUNT).value
    assert v is not None and v.number == Decimal("12.5")


def test_an_amount_keeps_its_decimal_places() -> None:
    v = parse_cell("12.0", Kind.AMOUNT).value
    assert v is not None and isinstance(v.number, Decimal) and str(v.number) == "12.0"


def test_a_text_count_carries_the_text_number_note() -> None:
    parsed = parse_cell("12.0", Kind.COUNT, "s")
    assert "以文本形式填写的数字" in parsed.note and parsed.severity is Severity.INFO


@pytest.mark.parametrize(
    ("typed", "severity"),
    [
        ("12", Severity.INFO),  # only stored as text
        ("１２", Severity.WARNING),  # full-width digits rewritten
        ("1,200", Severity.WARNING),  # separators dropped
        ("12件", Severity.WARNING),  # a unit dropped
        ("−3", Severity.WARNING),  # a look-alike minus read as minus
    ],
)
def test_the_note_carries_its_own_severity(typed: str, severity: Severity) -> None:
    parsed = parse_cell(typed, Kind.DELTA, "s")
    assert parsed.note and parsed.severity is severity
