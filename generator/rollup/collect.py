"""From the files found and the roster to review entries: who is summed, who is missing, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..formats.spec import FormatSpec
from ..review import Entry, Provenance, ProvenanceColumn, Status, also_see
from .roster import RosterUnit, category_of, key
from .sums import Summer, cell_of
from .units import Contribution, UnitRead, fields, unpack


class PackedRows(Sequence):
    """Provenance rows kept pickled, unpacked one at a time as the review workbook is written."""

    def __init__(self) -> None:
        self._rows: list[tuple[str, bytes]] = []

    def append(self, name: str, packed: bytes) -> None:
        self._rows.append((name, packed))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # noqa: ANN001 — Sequence's signature (int or slice)
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        name, packed = self._rows[i]
        values: tuple[Contribution, ...] = unpack(packed)
        return name, values


NOTES = {
    Status.ROLLUP_OUTPUT: "这是本程序生成的汇总工作簿，不是单位的工作簿，未汇总（请不要把汇总结果放在单位文件夹中）。",
    Status.UNREADABLE: "工作簿无法读取，未汇总。",
    Status.WRONG_YEAR: "不是本年度（或本年度格式）的工作簿，未汇总。",
    Status.OFF_ROSTER: "名单中没有这个单位，未汇总。如应纳入，请把它加入名单；单位名称须与工作簿“单位信息”中的一致。",
    Status.DUPLICATE: "同一单位有两个以上的工作簿，程序不猜测哪一个是对的，均未汇总。请只保留一个。",
    Status.ERRORS: "有“错误”级问题，已照填写的数字汇总并标出；请单位改正后重新汇总。",
    Status.EXCLUDED: "名单规定不纳入汇总（如垂直管理单位），已校验、未汇总。",
    Status.MISSING: "名单中有这个单位，但没有找到它的工作簿。",
}


@dataclass
class Collected:
    entries: list[Entry]
    summer: Summer
    provenance: Provenance

    @property
    def complete(self) -> bool:
        """Every rostered unit present, nothing unreadable or doubtful, and no unit with 错误."""
        return not any(e.status.is_problem for e in self.entries)


def own_note(own_source: str) -> str:
    where = own_source or "本级政府的工作簿"
    return (
        f"单位名称与本级政府的工作簿 {where} 相同：这是本级政府自己的报告，不是下属单位的工作簿，未汇总。"
        f"如果它确是本级政府的工作簿，请从单位文件夹中移出；如果 {where} 其实是这个单位的工作簿，请换成本级政府自己的。"
    )


def _status(
    read: UnitRead, year: int, roster_unit: RosterUnit | None, has_roster: bool, duplicate: bool, own: bool = False
) -> Status:
    if read.rollup_output or own:
        return Status.ROLLUP_OUTPUT
    if not read.readable:
        return Status.WRONG_YEAR if read.wrong_format else Status.UNREADABLE
    if read.year is not None and read.year != year:
        return Status.WRONG_YEAR
    if has_roster and roster_unit is None:
        return Status.OFF_ROSTER
    if duplicate:
        return Status.DUPLICATE
    if read.has_errors:
        return Status.ERRORS
    if roster_unit is not None and not roster_unit.included:
        return Status.EXCLUDED
    return Status.PASSED


def is_own(r: UnitRead, own_name: str) -> bool:
    """Whether a unit's file names the government itself (the unit of its own workbook)."""
    return bool(own_name) and r.readable and bool(r.name) and key(r.name) == key(own_name)


def collect(
    spec: FormatSpec,
    year: int,
    reads: list[UnitRead],
    roster: list[RosterUnit] | None,
    own_name: str = "",
    own_source: str = "",
) -> Collected:
    """own_name: the government's own unit (its workbook's 单位名称); a unit's file naming it is the
    government's own report dropped among the units, never summed (status 汇总结果, with a note)."""
    by_key = {key(u.name): u for u in roster or []}

    def roster_unit(r: UnitRead) -> RosterUnit | None:
        if r.rollup_output:
            return None
        return by_key.get(key(r.name)) if r.readable and r.name else by_key.get(key(r.stem))

    matched = [(r, roster_unit(r)) for r in reads]
    # Candidates for the same unit: readable workbooks of this year, by roster name or own name.
    groups: dict[str, list[UnitRead]] = {}
    for r, u in matched:
        if r.readable and (r.year in (None, year)) and (u is not None or roster is None) and not is_own(r, own_name):
            groups.setdefault(key(u.name if u else r.name or r.stem), []).append(r)
    duplicates = {id(r) for g in groups.values() if len(g) > 1 for r in g}

    summer = Summer(spec)
    rows = PackedRows()
    made: dict[int, Entry] = {}
    for r, u in matched:
        own = is_own(r, own_name)
        status = _status(r, year, u, roster is not None, id(r) in duplicates, own)
        summed = status in (Status.PASSED, Status.ERRORS) and (u is None or u.included)
        name = u.name if u else (r.name or r.stem)
        note = own_note(own_source) if own and not r.rollup_output else NOTES.get(status, "")
        if status is Status.ERRORS and not summed:
            note = "有“错误”级问题；名单规定不纳入汇总，未汇总。"
        if status is Status.DUPLICATE:
            group = groups[key(u.name if u else r.name or r.stem)]
            note += also_see((group[1] if group[0] is r else group[0]).path, len(group))
        made[id(r)] = Entry(
            name=name,
            status=status,
            category=u.category if u else category_of(r.level),
            source=r.path,
            findings=r.findings,
            figures=r.figures,
            summed=summed,
            note=note,
        )
        if summed:
            summer.add(name, r.values)
            rows.append(name, r.packed)
    entries: list[Entry] = []
    seen: set[int] = set()
    for ru in roster or []:
        files = [r for r, u in matched if u is ru]
        if not files:
            entries.append(Entry(ru.name, Status.MISSING, ru.category, note=NOTES[Status.MISSING]))
        for r in files:
            entries.append(made[id(r)])
            seen.add(id(r))
    entries += [made[id(r)] for r in reads if id(r) not in seen]
    columns = [
        ProvenanceColumn(
            spec.table(tid).sheet,
            cell_of(spec, tid, k),
            " ".join(x for x in (spec.table(tid).fields[k].row_label, spec.table(tid).fields[k].col_label) if x),
            summer.shown(i),
        )
        for i, (tid, k) in enumerate(fields(spec))
    ]
    return Collected(entries, summer, Provenance(columns, rows))
