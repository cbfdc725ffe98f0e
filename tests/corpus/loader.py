"""Load a corpus report: its data file → Report → standard workbook (writer) → Report (reader).

Every report goes through the real pipeline: the figures and paragraphs are written into the
standard workbook with `write_workbook` and read back with `read_workbook`, exactly as a clerk's
workbook would be. Findings are then matched with the report's `expected` list by rule code and
location (sheet and cell, a whole table row, or a paragraph).

Data file (tests/corpus/reports/<slug>.json):

    source      {url, collected, via, note}
    year        report year; the format version follows from it
    unit        {name, kind: "government" | "department", province, level, date}
    complete    true: every part of the report was collected, tables included;
                false: an excerpt (the page from its beginning, cut off by the source): the
                narrative of 一 and whatever table cells the excerpt shows (the rest are left
                blank, i.e. unknown); only findings pinned to a paragraph are compared
    sections    {intro, overview, problems, other}: lists of paragraphs as published
    tables      active: {field key: value}; requests: {row key: [7 values, 自然人 … 总计]};
                appeals: {review|direct|after: [5 values, 维持 纠正 其他 尚未审结 总计]}.
                A value is a number, "" (cell left blank in the published table), "/" (slash
                published), or a string such as "251000元" (a cell that carries its unit).
    expected    the mismatches found by hand (see README.md for the fields)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.formats import format_for_year
from generator.formats.common import APPEAL_GROUPS, APPEAL_RESULTS, APPLICANT_COLUMNS
from generator.formats.spec import FormatSpec
from generator.model import Paragraph, Report, Section, State, UnitInfo, UnitLevel, Value
from generator.narrative import detect_level
from generator.workbook.cells import parse_cell
from generator.workbook.layout import NARRATIVE_SHEETS, UNIT_SHEET
from generator.workbook.reader import read_workbook
from generator.workbook.writer import write_workbook

REPORTS = Path(__file__).resolve().parent / "reports"

# Findings about things the corpus does not record (contact details, publication date) are
# not compared: they say nothing about the published figures and text.
OUT_OF_SCOPE = frozenset({"V1", "P1", "P2", "Y1", "Y2", "C0"})

# The rule code each class of mismatch is reported under (docs/rules.md). Entries of the classes
# issue 11 added were marked since="issue11" until its rules landed; they are all "now" since.
CLASS_CODES: dict[str, str | None] = {
    "arith-sum": None,  # entry names its own code: T3-2, T3-3, T4-1
    "arith-balance": "T3-1",
    "text-count": "N1",  # 申请数: 收到, 答复, 结转
    "text-result": "N2",  # one 办理结果 category against its rows
    "text-appeal": "N3",  # 行政复议 / 行政诉讼 counts
    "text-list-over": "N4",  # a 其中 / 包括 list exceeding its total
    "text-percent": "N5",  # 占比 P% against the counts
    "blank-row": "V2",  # blank published cells, one finding per row (issue 11 item 7)
    "text-part2": "N6",  # item 2: 规章 / 规范性文件 / 许可 / 处罚 / 收费 against part 二
    "text-result-sum": "N2",  # item 3: a phrase naming a sum of rows (予以公开及部分公开, 不予公开 group)
    "text-percent-wording": "N5",  # item 4: 占X% / X%的 / 比例为 wordings
    "text-list-short": "N4",  # item 5: a list closed by a catch-all (其他……) short of its total
    "text-result-run": "N8",  # item 5: a run of 办理结果 categories against the number answered
    "text-claim": "N7",  # item 6: 均获维持 / 未收到 / 未发生 against non-zero cells
}


@dataclass
class Expected:
    """One mismatch found by hand."""

    cls: str
    code: str | None
    at: str  # "requests:total.public" | "requests:row:public" | "overview:12" (1-based paragraph)
    since: str  # "now": today's rules must report it; "issue11": reported once the new rules land
    expected: object = None
    actual: object = None
    note: str = ""
    sheet: str = ""
    cell: str = ""  # empty for a whole-row entry or a sheet-level finding
    row: int | None = None  # a whole-row entry matches any cell of this workbook row


@dataclass
class CorpusReport:
    slug: str
    data: dict
    report: Report
    expected: list[Expected]
    known_false: list[Expected] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.data.get("complete", True))


def _value(raw: object, kind) -> Value:
    if raw == "":
        return Value(State.BLANK)
    if raw == "/":
        return Value(State.SLASH, raw="/")
    parsed = parse_cell(raw if isinstance(raw, str) else raw, kind)
    if parsed.value is None:
        raise ValueError(f"cannot read {raw!r}: {parsed.problem}")
    return parsed.value


def _tables(spec: FormatSpec, data: dict, complete: bool) -> dict[str, dict[str, Value]]:
    """Every field of every table; in an excerpt, a cell the excerpt does not show is blank."""
    flat: dict[str, dict[str, object]] = {"active": dict(data.get("active", {}))}
    req: dict[str, object] = {}
    for row, values in data.get("requests", {}).items():
        assert len(values) == len(APPLICANT_COLUMNS), (row, values)
        req.update({f"{row}.{col}": v for (col, _), v in zip(APPLICANT_COLUMNS, values)})
    flat["requests"] = req
    app: dict[str, object] = {}
    if not complete and not data.get("appeals"):
        # The reader refuses a 四 table whose only data row is entirely blank (R041, reported
        # as a reader bug; see tests/test_corpus.py). An excerpt that does not show 四 marks
        # its cells “/”, which every rule reads as “no number”, like blank.
        app = {f"{g}.{r}": "/" for g, _ in APPEAL_GROUPS for r, _ in APPEAL_RESULTS}
    for group, values in data.get("appeals", {}).items():
        assert len(values) == len(APPEAL_RESULTS), (group, values)
        app.update({f"{group}.{res}": v for (res, _), v in zip(APPEAL_RESULTS, values)})
    flat["appeals"] = app
    out: dict[str, dict[str, Value]] = {}
    for table in spec.tables:
        given = flat.get(table.id, {})
        unknown = set(given) - set(table.fields)
        assert not unknown, f"{table.id}: unknown fields {sorted(unknown)}"
        if complete:
            missing = set(table.fields) - set(given)
            assert not missing, f"{table.id}: fields not typed {sorted(missing)}"
        out[table.id] = {key: _value(given.get(key, ""), info.kind) for key, info in table.fields.items()}
    return out


def build_report(data: dict) -> Report:
    """The Report as published, before it goes through the workbook."""
    year = int(data["year"])
    spec = format_for_year(year)
    unit = data["unit"]
    date = dt.date.fromisoformat(unit["date"]) if unit.get("date") else None
    info = UnitInfo(
        name=unit["name"],
        year=year,
        level=UnitLevel(unit["level"]),
        signature=unit["name"],
        date=date,
        website_name=unit.get("website_name", ""),
        website_url=unit.get("website_url", ""),
    )
    sections = {}
    for key in ("intro", "overview", "problems", "other"):
        texts = data["sections"].get(key, [])
        sections[key] = Section(key, paragraphs=[Paragraph(t, detect_level(t)) for t in texts])
    tables = _tables(spec, data.get("tables") or {}, bool(data.get("complete", True)))
    return Report(spec=spec, unit=info, sections=sections, tables=tables, year=year)


def through_workbook(report: Report, path: Path) -> Report:
    """Write the standard workbook and read it back, as the command does."""
    write_workbook(path, report.spec, report.year, report)
    read, _notes = read_workbook(path, report.spec, report.year)
    return read


def _locate(entry: Expected, report: Report) -> None:
    parts = entry.at.split(":")
    sheets = {n.key: n.sheet for n in NARRATIVE_SHEETS}
    if parts[0] in sheets:
        section = report.sections[parts[0]]
        entry.sheet = sheets[parts[0]]
        if len(parts) > 1:
            para = section.paragraphs[int(parts[1]) - 1]
            entry.cell = f"A{para.row}"
        return
    if parts[0] == "unit":
        entry.sheet = UNIT_SHEET
        return
    table = report.spec.table(parts[0])
    entry.sheet = table.sheet
    values = report.tables[table.id]
    if parts[1] == "row":
        cell = values[f"{parts[2]}.{next(iter(_row_columns(table.id)))}"].cell
        entry.row = int("".join(ch for ch in cell if ch.isdigit()))
    else:
        entry.cell = values[parts[1]].cell


def _row_columns(table_id: str) -> list[str]:
    if table_id == "requests":
        return [c for c, _ in APPLICANT_COLUMNS]
    if table_id == "appeals":
        return [r for r, _ in APPEAL_RESULTS]
    return ["made"]


def _entries(raw: list[dict], report: Report) -> list[Expected]:
    out = []
    for e in raw:
        cls = e["class"]
        assert cls in CLASS_CODES or cls.startswith("format-"), f"unknown class {cls!r} at {e['at']}"
        assert e.get("since", "now") in ("now", "issue11"), e
        code = e.get("code") or CLASS_CODES.get(cls)
        entry = Expected(
            cls=cls,
            code=code,
            at=e["at"],
            since=e.get("since", "now"),
            expected=e.get("expected"),
            actual=e.get("actual"),
            note=e.get("note", ""),
        )
        _locate(entry, report)
        out.append(entry)
    return out


def load_data(data: dict, workdir: Path, stem: str = "report") -> Report:
    """A report's data through the standard workbook."""
    return through_workbook(build_report(data), workdir / f"{stem}.xlsx")


def load(path: Path, workdir: Path) -> CorpusReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    report = load_data(data, workdir, path.stem)
    return CorpusReport(
        path.stem,
        data,
        report,
        _entries(data.get("expected", []), report),
        _entries(data.get("known_false", []), report),
    )


def report_files() -> list[Path]:
    return sorted(REPORTS.glob("*.json"))


def in_scope(d: Diagnostic, corpus: CorpusReport) -> bool:
    """Whether a finding is compared with the hand-found list."""
    if d.code in OUT_OF_SCOPE or d.code.startswith("R"):
        return False
    if not corpus.complete:
        return d.paragraph is not None and d.code not in ("L3",)
    return True


def _cell_row(cell: str) -> int | None:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


def matches(d: Diagnostic, e: Expected) -> bool:
    """Same rule code, same place: the cell, any cell of the row, or the paragraph."""
    if e.code is None or d.code != e.code or d.sheet != e.sheet:
        return False
    if e.row is not None:
        return _cell_row(d.cell) == e.row
    return d.cell == e.cell


@dataclass
class Comparison:
    found: list[tuple[Expected, list[Diagnostic]]]  # expected entries with their findings
    missed: list[Expected]  # expected, reported under a code, not found
    pending: list[Expected]  # expected, not reported under any code yet / not yet caught
    false_alarms: list[Diagnostic]  # found, not expected
    known_false: list[Diagnostic]  # found, listed as a known false alarm
    stale: list[Expected]  # listed as a known false alarm, no longer raised: remove from the list


def _same_value(d: Diagnostic, e: Expected) -> bool:
    """The finding states the figure the entry states (compared as text, % and spaces aside)."""
    if e.actual is None or d.actual is None:
        return False
    norm = lambda v: str(v).replace("%", "").replace(" ", "")  # noqa: E731
    return norm(d.actual) == norm(e.actual)


def compare(corpus: CorpusReport, findings: list[Diagnostic]) -> Comparison:
    """Pair findings with hand-found entries.

    A whole-row entry takes every finding on its row (V2 reports blanks cell by cell). A cell or
    paragraph entry takes one finding, preferring one that states the same figure: two mismatches
    in one paragraph need two findings there.
    """
    findings = [d for d in findings if in_scope(d, corpus)]
    used: set[int] = set()
    hits: dict[int, list[Diagnostic]] = {}
    single = [e for e in corpus.expected if e.row is None]
    for exact in (True, False):  # first the findings that state the entry's figure, then any
        for e in single:
            if id(e) in hits:
                continue
            d = next(
                (d for d in findings if id(d) not in used and matches(d, e) and (not exact or _same_value(d, e))), None
            )
            if d is not None:
                hits[id(e)] = [d]
                used.add(id(d))
    for e in corpus.expected:
        if e.row is not None:
            hits[id(e)] = [d for d in findings if matches(d, e)]
            used.update(id(d) for d in hits[id(e)])
    found, missed, pending = [], [], []
    for e in corpus.expected:
        if hits.get(id(e)):
            found.append((e, hits[id(e)]))
        elif e.since == "now":
            missed.append(e)
        else:
            pending.append(e)
    known = [d for d in findings if id(d) not in used and any(matches(d, k) for k in corpus.known_false)]
    used.update(id(d) for d in known)
    stale = [k for k in corpus.known_false if not any(matches(d, k) for d in known)]
    false_alarms = [d for d in findings if id(d) not in used]
    return Comparison(found, missed, pending, false_alarms, known, stale)
