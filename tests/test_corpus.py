"""Real published reports (tests/corpus): the rules find what was found by hand, and nothing else.

Each report goes through the real pipeline (writer → workbook → reader → validate). A mismatch
listed with since="now" must be reported; any finding not in the report's hand-found list is a
false alarm and fails the test. Entries marked since="issue11" are reported by the rules of
issue 11 once merged; until then they are counted, not required (see tests/corpus/measure.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus.loader import CorpusReport, build_report, compare, load, load_data, report_files

from generator.validate import validate

FILES = report_files()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CorpusReport]:
    """Every report through the workbook once (writing and reading a workbook takes a while)."""
    tmp = tmp_path_factory.mktemp("corpus")
    return {p.stem: load(p, tmp) for p in FILES}


def test_corpus_is_not_empty() -> None:
    assert FILES, "tests/corpus/reports holds no report"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_findings_match_the_hand_found_mismatches(path: Path, loaded: dict[str, CorpusReport]) -> None:
    corpus = loaded[path.stem]
    result = compare(corpus, validate(corpus.report))
    problems = [f"missed {e.code} at {e.at} ({e.cls}): {e.note}" for e in result.missed]
    problems += [f"false alarm: {d.format()}" for d in result.false_alarms]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_tables_survive_the_workbook(path: Path, loaded: dict[str, CorpusReport]) -> None:
    """What was typed is what the reader gets back: blank, “/” and numbers stay distinct."""
    data = json.loads(path.read_text(encoding="utf-8"))
    typed = build_report(data)
    read = loaded[path.stem].report
    for table_id, values in typed.tables.items():
        for key, v in values.items():
            got = read.tables[table_id][key]
            assert (got.state, got.number, got.unit) == (v.state, v.number, v.unit), (table_id, key)
    for key, section in typed.sections.items():
        assert [p.text for p in read.sections[key].paragraphs] == [p.text for p in section.paragraphs]


def test_an_entirely_blank_appeals_table_is_read_as_blank(tmp_path: Path) -> None:
    """A report whose 四 row is left blank must be read (V2 per cell), not refused as a deleted row."""
    data = json.loads(next(p for p in FILES if p.stem == "shuyang-fgj-2023").read_text(encoding="utf-8"))
    data["tables"]["appeals"] = {g: [""] * 5 for g in ("review", "direct", "after")}
    read = load_data(data, tmp_path)
    assert all(v.state.value == "blank" for v in read.tables["appeals"].values())


def test_one_finding_answers_one_entry(loaded: dict[str, CorpusReport]) -> None:
    """Two mismatches in one paragraph need two findings; a row entry takes all its cells."""
    from dataclasses import replace

    from generator.diagnostics import Diagnostic, Severity

    corpus = loaded["shanghai-bgt-2019"]
    two = [e for e in corpus.expected if e.cls == "text-result-sum"]
    assert len(two) == 2 and two[0].cell == two[1].cell
    entries = [replace(e, code="NX") for e in two]
    row = next(e for e in corpus.expected if e.at == "requests:row:public")
    probe = replace(corpus, expected=[*entries, row], known_false=[])

    def finding(code: str, sheet: str, cell: str, actual: object = None) -> Diagnostic:
        return Diagnostic(code, Severity.WARNING, "", sheet=sheet, cell=cell, paragraph=8, actual=actual)

    one = finding("NX", entries[0].sheet, entries[0].cell, 265)
    cells = [finding("V2", row.sheet, f"{c}{row.row}") for c in "EFGHIJ"]
    result = compare(probe, [one, *cells])
    assert [e.actual for e, _ in result.found if e.code == "NX"] == [265]  # the entry stating 265
    assert [e.actual for e in result.missed] == [258]  # since issue 11 landed the entries are required
    assert [len(hits) for e, hits in result.found if e.code == "V2"] == [6]
    assert not result.false_alarms
    result = compare(probe, [one, replace(one, actual=258)])
    assert [e.code for e in result.missed] == ["V2"] and len(result.found) == 2  # both paragraph entries answered
