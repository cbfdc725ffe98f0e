"""V8: a live SUM total that a “/” part keeps from being computed prints blank — say so, as an error."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from openpyxl import load_workbook
from test_validate_support import clean_report

from generator.cli import main as generate_main
from generator.diagnostics import Severity
from generator.formats import format_for_year
from generator.model import Report, State, Value
from generator.validate import validate
from generator.workbook import read_workbook

# public.natural (D9) feeds its row's 总计 (J9), the （七）总计 of its column (D28) and the grand total (J28).
FED_BY_PUBLIC_NATURAL = ("public.total", "total.natural", "total.total")


def _live_totals(report: Report, keys: tuple[str, ...] = FED_BY_PUBLIC_NATURAL) -> Report:
    """As the reader leaves totals written as formulas when a part is not a number."""
    out = deepcopy(report)
    for key in keys:
        v = out.tables["requests"][key]
        out.tables["requests"][key] = Value(State.FORMULA, raw="=SUM(…)", cell=v.cell, derived=True)
    return out


def _set(report: Report, key: str, state: State) -> Report:
    report.tables["requests"][key].state = state
    report.tables["requests"][key].number = None
    report.tables["requests"][key].raw = "/" if state is State.SLASH else None
    return report


def test_total_left_blank_by_a_slash_part_is_an_error_at_the_total() -> None:
    report = _set(_live_totals(clean_report()), "public.natural", State.SLASH)
    found = validate(report)
    assert [(d.code, d.cell, d.severity) for d in found] == [
        ("V3", "D9", Severity.WARNING),  # the part's own finding stays
        ("V8", "J9", Severity.ERROR),
        ("V8", "D28", Severity.ERROR),
        ("V8", "J28", Severity.ERROR),
    ]
    for d in found[1:]:
        assert d.message.startswith("合计无法计算：（一）予以公开 自然人（D9）为“/”，报告中该合计将留空"), d.message


def test_all_causes_are_named_by_state() -> None:
    report = _live_totals(clean_report(), ("total.natural",))
    report = _set(_set(report, "public.natural", State.SLASH), "partial.natural", State.BLANK)
    found = {(d.code, d.cell): d for d in validate(report)}
    assert set(found) == {("V3", "D9"), ("V2", "D10"), ("V8", "D28")}
    message = found[("V8", "D28")].message
    assert "（一）予以公开 自然人（D9）为“/”" in message and "（二）部分公开" in message and "（D10）为空白" in message


def test_blank_part_is_reported_once_not_again_at_its_totals() -> None:
    report = _set(_live_totals(clean_report()), "public.natural", State.BLANK)
    assert [(d.code, d.cell) for d in validate(report)] == [("V2", "D9")]


def test_computable_live_total_is_quiet() -> None:
    assert validate(_live_totals(clean_report())) == []


def _init_filled(tmp_path: Path, table_id: str, fill: int, key: str, value: object):
    """The real path: `generate init`, a clerk fills every part of one table with `fill` and one
    field with `value`, saves, and the file is read back. Returns (spec, table, report, that cell)."""
    target = tmp_path / "2021.xlsx"
    assert generate_main(["init", "--year", "2021", "--output", str(target)]) == 0
    spec = format_for_year(2021)
    table = spec.table(table_id)
    wb = load_workbook(target)
    report, _ = read_workbook(target, spec, 2021)
    ws = wb[table.sheet]
    for k in table.fields:
        if (table.id, k) not in spec.total_fields:
            ws[report.tables[table.id][k].cell] = fill
    cell = report.tables[table.id][key].cell
    ws[cell] = value
    wb.save(target)
    report, _ = read_workbook(target, spec, 2021)
    return spec, table, report, cell


def test_workbook_from_init_with_a_slash_part(tmp_path: Path, capsys) -> None:
    """The real path: `generate init`, a clerk fills numbers and one “/”, the file is read back."""
    spec, table, report, slash = _init_filled(tmp_path, "appeals", 1, "review.pending", "/")
    found = [(d.code, d.cell) for d in validate(report) if d.sheet == table.sheet]
    total = report.tables[table.id]["review.total"]
    assert total.state is State.FORMULA and total.derived  # what would print blank
    assert found == [("V3", slash), ("V8", total.cell)]


def test_a_negative_part_is_one_v6_not_another_at_each_total_it_feeds(tmp_path: Path) -> None:
    """QA: 申请情况 E9 = -5 in a workbook from init also gave V6 at the recomputed （七）总计."""
    spec, table, report, part = _init_filled(tmp_path, "requests", 0, "public.natural", -5)
    total = report.tables[table.id]["total.natural"]
    assert total.derived and total.number == -5  # the total is recomputed, and negative only through the part
    assert [d.cell for d in validate(report) if d.code == "V6"] == [part]
