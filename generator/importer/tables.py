"""Place every figure of a source table by its mandated row and column labels.

Tables are recognised by the mandated labels they hold, fragments of one table (split across
pages, repeated header rows) are joined, and each field is found where its row label and its
column labels meet. Only when labels are missing is a row or a cell read by position, and
then a finding says so. Every figure that finds no field is a finding too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from ..diagnostics import Diagnostic, Severity
from ..formats.spec import FieldInfo, FormatSpec, Kind, Label, TableSpec
from ..model import State, Value
from ..workbook.cells import TEXT_NUMBER_NOTE, parse_cell
from .grid import GCell, Grid, figure_text, is_figure, label_key, loose_key, split_mark
from .header import check_header
from .source import Ignored, RawTable

W, I = Severity.WARNING, Severity.INFO
# Below this many mandated labels a table is not taken for a mandated one.
MIN_LABELS = 2
CONTAINS_MIN = 4  # a label shorter than this is never matched by containment


def _spec_labels(table: TableSpec) -> set[str]:
    return {label_key(p.item.text) for p in table.placed if isinstance(p.item, Label)}


@cache
def known_labels() -> frozenset[str]:
    """Every mandated label of every format version: a header made of these is not “missing”."""
    from ..formats import FORMATS

    keys = {k for f in FORMATS for t in f.tables for k in _spec_labels(t)}
    return frozenset(keys | {loose_key(k) for k in keys if len(loose_key(k)) >= CONTAINS_MIN})


def _known(text: str) -> bool:
    return label_key(text) in known_labels() or loose_key(text) in known_labels()


def identify(table: RawTable, spec: FormatSpec) -> tuple[TableSpec | None, int]:
    """The mandated table this source table belongs to, by how many of its labels it holds."""
    keys = {label_key(c.text) for row in table.rows for c in row if c.text.strip()}
    keys |= {loose_key(c.text) for row in table.rows for c in row if c.text.strip()}
    best, score = None, 0
    for t in spec.tables:
        n = sum(1 for k in _spec_labels(t) if k in keys or loose_key(k) in keys)
        if n > score:
            best, score = t, n
    return (best, score) if score >= MIN_LABELS else (None, score)


@dataclass
class _SpecRow:
    index: int
    key: str  # label_key of the most specific row label ("" for a table with no row labels)
    fields: list[FieldInfo]
    label: str


def _spec_rows(table: TableSpec) -> list[_SpecRow]:
    rows: dict[int, _SpecRow] = {}
    for info in table.fields.values():
        last = info.row_path[-1] if info.row_path else ""
        rows.setdefault(info.row, _SpecRow(info.row, label_key(last), [], last)).fields.append(info)
    return [rows[r] for r in sorted(rows)]


@dataclass
class Placed:
    """What was read for one mandated table."""

    values: dict[str, Value] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)  # source table numbers


class _Matcher:
    def __init__(self, table: TableSpec, spec: FormatSpec, fragments: list[RawTable], path: str):
        self.table, self.spec, self.path = table, spec, path
        self.out = Placed(sources=[f.number for f in fragments])
        self.rows = _spec_rows(table)
        self.by_key = {r.key: r for r in self.rows if r.key}
        self.by_loose: dict[str, _SpecRow | None] = {}
        for r in self.rows:
            if r.key:
                k = loose_key(r.label)
                self.by_loose[k] = None if k in self.by_loose else r
        self.grid = Grid()
        self._join(fragments)
        self.used: set[int] = set()  # ids of GCells read into a field
        self.named: set[int] = set()  # ids of figure cells a finding already names as not read
        self.blocked_rows: set[int] = set()  # mandated rows found, but whose figures cannot be placed
        self._paths: dict[tuple[int, ...], list[list[str]]] = {}
        self._doubtful: dict[tuple[int, ...], set[int]] = {}  # band → columns whose place is in doubt
        self._header_agrees: dict[tuple[int, ...], bool] = {}  # band → its spans agree with the layout
        self._bands: dict[int, list[int]] = {}  # data row → the header rows above its block

    def find(self, code: str, severity: Severity, message: str, at: GCell | None = None, **kw: object) -> None:
        """A finding about the table; `at`: the cell it is about (a PDF's page goes with it)."""
        page = (at.page or None) if at is not None else None
        self.out.findings.append(Diagnostic(code, severity, message, self.path, self.table.sheet, page=page, **kw))

    def where(self, g: GCell) -> str:
        return f"第 {g.table} 个表格第 {g.source_row} 行第 {g.source_col} 格"

    # -- joining fragments -------------------------------------------------------------------
    def _row_match(self, texts: list[str]) -> _SpecRow | None:
        for t in reversed(texts):
            loose = loose_key(t)
            row = self.by_key.get(label_key(t)) or (self.by_loose.get(loose) if len(loose) >= CONTAINS_MIN else None)
            if row is not None:
                return row
        return None

    def _join(self, fragments: list[RawTable]) -> None:
        header_rows: set[tuple[str, ...]] = set()
        for n, frag in enumerate(fragments):
            rows = list(frag.rows)
            lead = 0
            while lead < len(rows) and not self._looks_data([c.text for c in rows[lead]]):
                lead += 1
            keys = [tuple(label_key(c.text) for c in row) for row in rows[:lead]]
            drop = 0
            if n == 0:
                header_rows.update(keys)
            else:
                while drop < lead and keys[drop] in header_rows:
                    drop += 1
            self.grid.add(frag, skip=drop)

    def _looks_data(self, texts: list[str]) -> bool:
        return any(is_figure(t) for t in texts) or self._row_match([t for t in texts if t.strip()]) is not None

    # -- rows ----------------------------------------------------------------------------------
    def _misfits(self) -> dict[int, str]:
        """Rows with figures that do not fit the table's columns → what they were compared with."""
        g = self.grid
        widths = Counter(g.width(r) for r in range(len(g.rows)) if g.has_figures(r))
        if not widths:
            return {}
        width = max(widths, key=lambda w: (widths[w], w))
        self._bands = self._headers_above()
        out = {}
        for r in range(len(g.rows)):
            if g.has_figures(r) and (basis := self._misfit_width(r, width)):
                out[r] = basis
        return out

    def _headers_above(self) -> dict[int, list[int]]:
        """Each data row → the rows of labels above its block of data rows, top first."""
        g = self.grid
        out: dict[int, list[int]] = {}
        band: list[int] = []
        in_band = False
        for r in range(len(g.rows)):
            own = g.own(r)
            if own and all(c.label for c in own):
                band = band if in_band else []
                band.append(r)
                in_band = True
            else:
                band = band if own else []  # a row of nothing but cells spanning from above ends it
                in_band = False
                out[r] = band
        return out

    def _misfit_width(self, r: int, width: int) -> str:
        """Why row r does not fit: wider than most data rows, or narrower where a column header of
        its own gets no cell ("" when it fits).

        A last cell that merely spans fewer columns than its header (a colspan lost on the way)
        still sits under that header, as a browser shows it: that row fits.
        """
        g = self.grid
        w = g.width(r)
        rows = f"表格的其他数据行占 {width} 栏"
        if w > width:
            return rows
        band = self._bands.get(r, [])
        if not band:
            return rows if w != width else ""  # no header above to tell
        full = max(width, *(g.width(b) for b in band))
        last = [g.rows[b][w - 1] for b in band]
        if not any(
            g.rows[b][c] is not None and g.rows[b][c] is not last[i] for i, b in enumerate(band) for c in range(w, full)
        ):
            return ""
        key = tuple(band)
        if key not in self._header_agrees:
            self._header_agrees[key] = not check_header(g, band, self._col_paths(band), self.table)
        if w == width and not self._header_agrees[key]:
            return ""  # every data row agrees and the header disagrees with the layout: I019 names it
        return rows if w != width else f"表头占 {full} 栏"

    def _misfit(self, r: int, basis: str) -> None:
        """A row that does not fit the table's columns: which figure belongs where cannot be known."""
        g = self.grid
        labels = [c.text for c in g.row_labels(r)]
        row = (self._row_match(labels) or self._contains(labels)) if labels else None
        if row is not None:
            self.blocked_rows.add(row.index)
        figures = [c for c in g.own(r) if c.figure]
        self.named.update(id(c) for c in figures)
        first = g.own(r)[0]
        said = "、".join(labels) or "没有行标签"
        self.find(
            "I018",
            W,
            f"第 {first.table} 个表格第 {first.source_row} 行（{said}）占 {g.width(r)} 栏，而{basis}："
            f"这一行缺了或多出单元格，无法确定其中的数各属于哪一栏，该行的 {len(figures)} 个数没有读入"
            f"{f'（“{row.label}”一行按空白处理）' if row is not None else ''}。请对照原报告核对。",
            row_label=row.label if row is not None else "",
        )

    def _match_rows(self) -> tuple[dict[int, _SpecRow], set[int]]:
        g = self.grid
        matched: dict[int, _SpecRow] = {}
        taken: set[int] = set()
        data_rows: set[int] = set()
        misfits = self._misfits()
        for r in range(len(g.rows)):
            labels = [c.text for c in g.row_labels(r)]
            if all(c.label for c in g.own(r)):
                continue  # a header row: every cell a label
            if r in misfits:
                data_rows.add(r)
                self._misfit(r, misfits[r])
                continue
            row = self._row_match(labels) if labels else None
            if row is None and labels:
                row = self._contains(labels)
                if row is not None and row.index not in taken:
                    cell = g.row_labels(r)[-1]
                    self.find(
                        "I016",
                        I,
                        f"{self.where(cell)}的标签「{cell.text}」与规定文字“{row.label}”不完全一致，已按“{row.label}”读取。",
                        at=cell,
                    )
            if row is None and not labels and row_key_less(self.rows) and g.has_figures(r):
                row = self.rows[0]
            if row is not None or g.has_figures(r):
                data_rows.add(r)
            if row is None:
                continue
            if row.index in taken:
                continue  # a second row with the same label: its figures are reported unplaced
            matched[r] = row
            taken.add(row.index)
        # Rows without usable labels: only when as many unlabelled rows as missing rows remain, in order.
        missing = [s for s in self.rows if s.index not in taken]
        spare = [
            r
            for r in sorted(data_rows)
            if r not in matched
            and r not in misfits
            and g.has_figures(r)
            and not any(_known(c.text) for c in g.row_labels(r))
        ]
        if missing and len(missing) == len(spare):
            for r, s in zip(spare, missing):
                matched[r] = s
                seen = "、".join(c.text for c in g.row_labels(r)) or "没有标签"
                self.find(
                    "I013",
                    W,
                    f"第 {r + 1} 行（{seen}）的行标签无法识别，按位置当作“{s.label or '数据行'}”读取，请核对。",
                )
        return matched, data_rows

    def _contains(self, labels: list[str]) -> _SpecRow | None:
        for t in reversed(labels):
            k = label_key(t)
            hits = [
                r for r in self.rows if r.key and min(len(k), len(r.key)) >= CONTAINS_MIN and (r.key in k or k in r.key)
            ]
            if len(hits) == 1:
                return hits[0]
        return None

    # -- columns -------------------------------------------------------------------------------
    def _band(self, r: int, data_rows: set[int]) -> list[int]:
        rr = r - 1
        while rr >= 0 and rr in data_rows:
            rr -= 1
        band = []
        while rr >= 0 and rr not in data_rows:
            band.append(rr)
            rr -= 1
        return list(reversed(band))

    def _col_paths(self, band: list[int]) -> list[list[str]]:
        paths: list[list[str]] = []
        for c in range(self.grid.ncols):
            path: list[str] = []
            for r in band:
                g = self.grid.rows[r][c]
                if g is not None and g.label:
                    k = label_key(g.text)
                    if not path or path[-1] != k:
                        path.append(k)
            paths.append(path)
        return paths

    def _value_cells(self, r: int) -> list[GCell]:
        return [g for g in self.grid.own(r) if not g.label]

    def _place_row(self, r: int, row: _SpecRow, data_rows: set[int]) -> None:
        band = tuple(self._band(r, data_rows))
        if band not in self._paths:
            self._paths[band] = self._col_paths(list(band))
            self._doubtful[band] = self._check_header(list(band), self._paths[band])
        paths, doubtful = self._paths[band], self._doubtful[band]
        if doubtful:  # the figures in these columns are named by I019
            self.named.update(
                id(g) for g in self.grid.own(r) if g.figure and set(range(g.col, g.col + g.colspan)) & doubtful
            )
        cells = self.grid.rows[r]
        chosen: dict[str, GCell] = {}
        ambiguous: dict[str, list[GCell]] = {}
        for info in row.fields:
            want = [label_key(t) for t in info.col_path]
            loose = [loose_key(t) for t in info.col_path]
            best, hits = 0, []
            for c, path in enumerate(paths):
                g = cells[c]
                if g is None or g.label or g.row != r or not want:
                    continue
                lp = [loose_key(x) for x in path]  # cached
                if want[-1] not in path and loose[-1] not in lp:
                    continue
                score = sum(1 for k in want if k in path) + sum(1 for k in loose if k in lp)
                if score > best:
                    best, hits = score, [g]
                elif score == best and g not in hits:
                    hits.append(g)
            if len(hits) == 1:
                chosen[info.key] = hits[0]
            elif hits:
                ambiguous[info.key] = hits
        # A cell spanning two header columns (a common hand-made layout) is claimed by both of
        # their labels; the label that has no other cell gets it, the other keeps its own cell.
        changed = True
        while ambiguous and changed:
            changed = False
            taken = {id(g) for g in chosen.values()}
            for key, hits in list(ambiguous.items()):
                left = [g for g in hits if id(g) not in taken]
                if len(left) == 1:
                    chosen[key] = left[0]
                    del ambiguous[key]
                    changed = True
                    break
        # A column whose place the header leaves in doubt is never read, by label or by position.
        blocked = {k for k, g in chosen.items() if set(range(g.col, g.col + g.colspan)) & doubtful}
        blocked |= {k for k, hits in ambiguous.items() if any(g.col in doubtful for g in hits)}
        chosen = {k: g for k, g in chosen.items() if k not in blocked}
        distinct = len({id(g) for g in chosen.values()}) == len(chosen)
        if (len(chosen) < len(row.fields) or not distinct) and not blocked:
            values = self._value_cells(r)
            # Only when the column headers are missing or unreadable: headers of another layout
            # (the other format version's columns) are never overridden by position.
            headed = any(_known(k) for g in values for c in [g.col] for k in paths[c])
            if len(values) == len(row.fields) and not headed:
                if not (len(chosen) == len(row.fields) and distinct):
                    self.find(
                        "I013",
                        W,
                        f"“{row.label or self.table.sheet}”一行的列标题无法与规定的列一一对应，按位置读取了 {len(values)} 个数。请核对。",
                    )
                chosen = {info.key: g for info, g in zip(row.fields, values)}
            elif not distinct:
                chosen = {}
        for info in row.fields:
            g = chosen.get(info.key)
            if g is not None:
                self.used.add(id(g))
                self.out.values[info.key] = self._value(g, info)
        missing = [info for info in row.fields if info.key not in chosen and info.key not in blocked]
        if missing:
            names = "、".join(f"“{i.col_label or i.key}”" for i in missing)
            self.find("I011", W, f"“{row.label or '数据行'}”一行找不到规定的 {names} 栏，按空白处理。")

    def _check_header(self, band: list[int], paths: list[list[str]]) -> set[int]:
        doubtful: set[int] = set()
        for m in check_header(self.grid, band, paths, self.table):
            doubtful.update(m.columns)
            cols = "、".join(f"第 {c + 1} 栏" + (f"（“{m.leaves[c]}”）" if m.leaves[c] else "") for c in m.columns)
            self.find(
                "I019",
                W,
                f"第 {m.cell.table} 个表格的表头「{m.cell.text}」跨 {m.cell.colspan} 栏，而规定格式中它下面是 "
                f"{len(m.mandated)} 栏（{'、'.join(m.mandated)}）：表头与规定格式对不上，"
                f"{cols}的数无法确定属于哪一项，各行这些栏的数都没有读入（按空白处理）。请对照原报告核对。",
            )
        return doubtful

    def _value(self, g: GCell, info: FieldInfo) -> Value:
        """The cell's figure; a PDF cell's page goes with it (every finding about it names the page)."""
        value = self._parsed(g, info)
        value.page = g.page or None
        return value

    def _parsed(self, g: GCell, info: FieldInfo) -> Value:
        text, mark = split_mark(figure_text(g.text))
        ignored = [*g.ignored, *([Ignored("注释标记", mark, mark=True)] if mark else [])]
        if ignored:
            self._ignored(g, text, ignored, info)
        unit = self.spec.amount_unit
        note = ""
        if info.kind is Kind.AMOUNT and unit and text.endswith(unit) and text != unit:
            text, note = text[: -len(unit)], f"已去掉单位“{unit}”"
        parsed = parse_cell(text, info.kind, "s")
        where = dict(row_label=info.row_label, col_label=info.col_label)
        if parsed.value is None:
            self.find(
                "I020",
                W,
                f"{self.where(g)}「{g.text}」不是数字，原样写入工作簿，请改为数字、0 或“/”。{parsed.problem}",
                at=g,
                **where,
            )
            return Value(State.BLANK, raw=g.text)
        notes = [n for n in (note, *parsed.note.split("，")) if n and n != TEXT_NUMBER_NOTE]
        if notes:
            self.find("I021", I, f"{self.where(g)}「{g.text}」：{'，'.join(notes)}。", at=g, **where)
        parsed.value.raw = g.text
        return parsed.value

    def _ignored(self, g: GCell, text: str, ignored: list[Ignored], info: FieldInfo) -> None:
        """A figure read without what was printed beside it or hidden in its cell: say what was left out."""
        marks = all(i.mark for i in ignored)
        read = f"读作「{text}」" if text.strip() else "读作空白"
        why = (
            "这些标记是注释，不属于数字"
            if marks
            else "这些内容在页面上不作为该格的文字显示（或不属于该格），可能与单位要填的数不同，请对照原报告核对"
        )
        self.find(
            "I022",
            I if marks else W,
            f"{self.where(g)}{read}，忽略了{'、'.join(i.describe() for i in ignored)}：{why}。",
            at=g,
            row_label=info.row_label,
            col_label=info.col_label,
        )

    # -- everything -------------------------------------------------------------------------
    def run(self) -> Placed:
        matched, data_rows = self._match_rows()
        for r, row in sorted(matched.items()):
            self._place_row(r, row, data_rows)
        for row in self.rows:
            if row.index not in {s.index for s in matched.values()} and row.index not in self.blocked_rows:
                self.find(
                    "I011", W, f"找不到规定的“{row.label or '数据'}”一行，该行 {len(row.fields)} 个数按空白处理。"
                )
        for r in range(len(self.grid.rows)):
            for g in self.grid.own(r):
                if g.figure and id(g) not in self.used and id(g) not in self.named:
                    self.find(
                        "I010",
                        W,
                        f"{self.where(g)}的「{g.text}」无法对应到规定表格的任何一栏"
                        f"（所在行：{'、'.join(c.text for c in self.grid.row_labels(r)) or '无标签'}），没有读入。",
                        at=g,
                    )
        n, want = len(self.grid.rows), len(self.table.rows)
        if n != want:
            self.find("I012", W if n < want else I, f"表格共 {n} 行，规定格式为 {want} 行。")
        return self.out


def row_key_less(rows: list[_SpecRow]) -> bool:
    """A table whose data row has no row label (part 四)."""
    return len(rows) == 1 and not rows[0].key


def place(table: TableSpec, spec: FormatSpec, fragments: list[RawTable], path: str) -> Placed:
    return _Matcher(table, spec, fragments, path).run()
