"""The summing rules of docs/rollup.md, field by field, for both format versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import ROOT

from generator.formats import FORMATS, format_for_year
from generator.formats.spec import Kind
from generator.model import Report, Section, State, UnitInfo, Value
from generator.rollup.sums import Summer
from generator.rollup.units import fields, read_unit
from generator.workbook import read_workbook
from generator.workbook.layout import NARRATIVE_SHEETS
from generator.workbook.writer import write_workbook


def _value(kind: Kind, unit: int, i: int) -> Value:
    """Unit 0 and unit 1's figure for the i-th field: distinct per field, so a swap would show."""
    if kind is Kind.COUNT:
        n = (i + 1) * (1 if unit == 0 else 100)
        return Value(State.NUMBER, n, raw=n)
    if kind is Kind.DELTA:
        n = (i + 1) if unit == 0 else -(i + 3)
        return Value(State.NUMBER, n, raw=n)
    if kind is Kind.AMOUNT:
        n = Decimal("0.1") if unit == 0 else Decimal("0.2")  # 0.1 + 0.2 is 0.30000000000000004 in float
        return Value(State.NUMBER, n, raw=n)
    # 2019 采购总金额, written with its unit: 1.5万元 and 300元.
    return Value(State.NUMBER, Decimal("1.5"), unit="万元") if unit == 0 else Value(State.NUMBER, 300, unit="元")


def _expected(kind: Kind, i: int) -> str:
    """What the roll-up field must show, worked out from the figures above by hand."""
    return {
        Kind.COUNT: str((i + 1) * 101),
        Kind.DELTA: "-2",  # (i + 1) + (-(i + 3))
        Kind.AMOUNT: "0.3",
        Kind.AMOUNT_TEXT: "15300元",  # 1.5 × 10000 + 300
    }[kind]


def _report(spec, year: int, unit: int) -> Report:
    tables: dict[str, dict[str, Value]] = {t.id: {} for t in spec.tables}
    for i, (tid, key) in enumerate(fields(spec)):
        tables[tid][key] = _value(spec.table(tid).fields[key].kind, unit, i)
    sections = {n.key: Section(n.key, sheet=n.sheet) for n in NARRATIVE_SHEETS}
    return Report(spec=spec, unit=UnitInfo(name=f"单位{unit}", year=year), sections=sections, tables=tables, year=year)


@pytest.mark.parametrize("year", [2020, 2022], ids=["2019版", "2021版"])
def test_every_field_is_the_exact_sum_over_the_units(tmp_path, year):
    spec = format_for_year(year)
    summer = Summer(spec)
    for unit in (0, 1):
        path = tmp_path / f"u{unit}.xlsx"
        write_workbook(path, spec, year, _report(spec, year, unit))
        read = read_unit(str(path), spec.id, year, check=False)
        assert read.readable, read.findings
        summer.add(read.name, read.values)
    # Written as the roll-up workbook and read back: what the office gets.
    rolled = Report(spec=spec, unit=UnitInfo(year=year), sections={}, tables=summer.tables(), year=year)
    rolled.sections = {n.key: Section(n.key, sheet=n.sheet) for n in NARRATIVE_SHEETS}
    write_workbook(tmp_path / "sum.xlsx", spec, year, rolled)
    back, _ = read_workbook(tmp_path / "sum.xlsx", spec, year)
    wrong = {
        f"{tid}.{key}": back.tables[tid][key].display()
        for i, (tid, key) in enumerate(fields(spec))
        if back.tables[tid][key].display() != _expected(spec.table(tid).fields[key].kind, i)
    }
    assert wrong == {}
    assert summer.notes() == []


def _summed(*contributions) -> tuple[Value, list]:
    spec = format_for_year(2022)
    summer = Summer(spec)
    i = fields(spec).index(("requests", "new.natural"))
    n = len(fields(spec))
    for k, c in enumerate(contributions):
        values = [0] * n
        values[i] = c
        summer.add(f"单位{k}", tuple(values))
    return summer.value(i), summer.notes()


def test_a_slash_adds_nothing_and_all_slashes_stay_a_slash():
    assert _summed("/", 3, "/")[0].number == 3
    value, notes = _summed("/", "/")
    assert value.state is State.SLASH and value.display() == "/" and notes == []


def test_a_blank_is_never_a_silent_zero():
    value, notes = _summed(3, None, 4)
    assert value.state is State.BLANK
    assert [(d.code, d.sheet, d.cell) for d in notes] == [("U2", "申请情况", "D7")]
    assert "单位1" in notes[0].message and "单位0" not in notes[0].message


def test_an_amount_without_its_unit_is_not_guessed(tmp_path):
    spec = format_for_year(2020)
    i = fields(spec).index(("active", "procurement.amount"))
    summer = Summer(spec)
    for k, c in enumerate((Decimal("15000"), "6834.335（未写单位，无法换算为元）")):
        values = [0] * len(fields(spec))
        values[i] = c
        summer.add(f"单位{k}", tuple(values))
    assert summer.value(i).state is State.BLANK
    assert "未写单位" in summer.notes()[0].message


def test_no_unit_means_no_figure():
    summer = Summer(format_for_year(2022))
    assert all(summer.value(i).state is State.BLANK for i in range(len(summer.keys)))


def test_docs_rollup_lists_every_field_of_both_formats_as_the_formats_define_them():
    """docs/rollup.md carries the field tables scripts/rollup_fields.py derives from generator/formats."""
    import importlib.util

    loc = importlib.util.spec_from_file_location("rollup_fields", ROOT / "scripts" / "rollup_fields.py")
    module = importlib.util.module_from_spec(loc)
    loc.loader.exec_module(module)
    doc = (ROOT / "docs" / "rollup.md").read_text(encoding="utf-8")
    for spec_id, block in module.tables().items():
        assert block in doc, f"docs/rollup.md: run python scripts/rollup_fields.py --write ({spec_id})"
    for spec in FORMATS:
        for tid, key in fields(spec):
            wanted = f"`{key}`" if spec.table(tid).part == 2 else f"`{key.split('.')[0]}.*`"
            assert wanted in doc.split(f"<!-- fields {spec.id} -->")[1], (spec.id, key)
