"""A new format version is one module: rules and wording read the spec's fields, not its version id."""

from __future__ import annotations

import dataclasses

import pytest
from test_validate_support import consistent_numbers, make_report, simple_draw

from generator.formats import V2019, V2021
from generator.formats.spec import FormatSpec, TableSpec
from generator.model import Paragraph, Report
from generator.templating import Wording
from generator.validate import validate


def _future(base: FormatSpec, **changes: object) -> FormatSpec:
    """A 2026 format that copies a past one except where it says otherwise."""
    return dataclasses.replace(
        base, id="2026", document="国办公开办函〔2026〕1号", first_year=2026, last_year=None, **changes
    )


def _report(spec: FormatSpec) -> Report:
    return make_report(spec, consistent_numbers(spec, simple_draw))


def _codes(report: Report) -> list[str]:
    return [d.code for d in validate(report)]


def _say(report: Report, section: str, *texts: str) -> Report:
    report.sections[section].paragraphs = [Paragraph(t, row=5 + i) for i, t in enumerate(texts)]
    return report


@pytest.mark.parametrize("base", [V2019, V2021], ids=["like2019", "like2021"])
def test_copy_of_a_format_under_a_new_id_behaves_the_same(base: FormatSpec) -> None:
    spec = _future(base)
    assert _codes(_report(spec)) == []
    long = _say(_report(spec), "overview", "政" * 1001)
    assert _codes(long) == (["F1"] if base is V2021 else [])
    no_fee = _say(_report(spec), "other", "无。")
    assert _codes(no_fee) == (["F2"] if base is V2021 else [])
    wording = Wording()
    assert wording.workbook_note(2, spec) == wording.workbook_note(2, base)


def test_limits_come_from_the_spec() -> None:
    spec = _future(V2021, overview_max_chars=1500, fee_report_required=False)
    assert _codes(_say(_report(spec), "overview", "政" * 1500)) == []
    found = validate(_say(_report(spec), "overview", "政" * 1501))
    assert [(d.code, d.expected, d.actual) for d in found] == [("F1", "≤ 1500", 1501)]
    assert "〔2026〕1号" in found[0].message
    assert _codes(_say(_report(spec), "other", "无。")) == []


def test_workbook_note_follows_the_spec_fields() -> None:
    wording = Wording()
    plain = _future(V2021, states_counting_basis=False, amount_unit="元")
    note = wording.workbook_note(2, plain)
    assert "数据核定时间点" not in note and "收费金额以元为单位" in note
    assert "本年增/减" in wording.workbook_note(2, V2019) and "本年增/减" not in note


def test_no_unused_spec_fields() -> None:
    assert "extras" not in {f.name for f in dataclasses.fields(FormatSpec)}
    assert not hasattr(TableSpec, "row_is_data")


@pytest.mark.parametrize("fee", [True, False], ids=["fee_required", "fee_not_required"])
def test_the_advice_for_an_empty_part_six_is_advice_that_passes(fee: bool, tmp_path) -> None:
    """L2 and the 其他事项 sheet's note suggest a text that the format's own F2 then accepts."""
    from openpyxl import load_workbook

    from generator.workbook import write_workbook

    spec = _future(V2021, fee_report_required=fee)
    (l2,) = [d for d in validate(_say(_report(spec), "other")) if d.code == "L2"]
    suggested = l2.message.split("可写“")[1].split("”")[0]
    assert ("信息处理费" in suggested) is fee
    assert _codes(_say(_report(spec), "other", suggested)) == []
    path = tmp_path / "blank.xlsx"
    write_workbook(path, spec, 2026)
    banner = load_workbook(path)["其他事项"]["A1"].value
    assert f"可写“{suggested}”" in banner
