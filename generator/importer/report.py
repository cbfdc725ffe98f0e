"""A published report (HTML, DOCX or PDF) → the same Report the workbook reader produces, plus findings."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from ..formats import UnsupportedYear, format_for_year
from ..formats.spec import FormatSpec, TableSpec
from ..model import Report, State, UnitInfo, Value
from ..narrative import clean_text
from ..provenance import read_recorded
from .parts import Parts, recognise_unit, section, split_parts
from .source import Doc, RawTable, refuse
from .tables import Placed, identify, place

W, I = Severity.WARNING, Severity.INFO
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
SUFFIXES = HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES


def read_source(path: Path) -> Doc:
    """Choose the reader by the file's first bytes (a .docx is a zip), not its name alone."""
    from .docx import read_docx
    from .html import read_html
    from .pdf import read_pdf

    if not path.is_file():
        raise refuse(path, "I001", "找不到要导入的文件，或它不是文件。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return read_docx(path)
    if b"%PDF-" in head or (path.suffix.lower() in PDF_SUFFIXES and _pdf_header(path)):
        return read_pdf(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        raise refuse(path, "I052", "扩展名是 .pdf，但文件不是 PDF 文件（已损坏或不完整）。")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        from ..workbook.guard import ole_is_encrypted

        if ole_is_encrypted(path):
            raise refuse(
                path,
                "I002",
                "这是设置了打开密码（已加密）的 Word 文件，无法读取。请在 Word/WPS 中打开，"
                "在“文件 → 信息 → 保护文档 → 用密码进行加密”（WPS：“文件 → 文档加密”）中清空密码，保存后再导入。",
            )
        raise refuse(path, "I002", "这是旧版 Word（.doc）文件，无法直接读取。请在 Word/WPS 中另存为 .docx 后再导入。")
    if path.suffix.lower() in DOCX_SUFFIXES:
        raise refuse(path, "I002", "扩展名是 .docx，但文件不是 Word 文件（已损坏或不完整）。")
    return read_html(path)


def _pdf_header(path: Path) -> bool:
    """PDF readers accept the %PDF- header anywhere in the first kilobyte."""
    with path.open("rb") as fh:
        return b"%PDF-" in fh.read(1024)


def _group_tables(
    tables: list[RawTable], blocks: list, spec: FormatSpec
) -> tuple[dict[str, list[RawTable]], list[RawTable]]:
    """Source tables per mandated table; an unrecognised table right after a recognised one continues it."""
    groups: dict[str, list[RawTable]] = {}
    unknown: list[RawTable] = []
    position = {id(b): i for i, b in enumerate(blocks)}
    last: tuple[TableSpec, int] | None = None
    for t in tables:
        found, _ = identify(t, spec)
        pos = position.get(id(t), -1)
        if found is None and last is not None and last[1] == pos - 1:
            found = last[0]
        if found is None:
            unknown.append(t)
            last = None
            continue
        groups.setdefault(found.id, []).append(t)
        last = (found, pos)
    return groups, unknown


def _late_tables(tables: list[RawTable], blocks: list, spec: FormatSpec) -> list[RawTable]:
    """Mandated tables after the signature, with the unlabelled fragments right after them."""
    position = {id(b): i for i, b in enumerate(blocks)}
    out: list[RawTable] = []
    for t in tables:
        follows = bool(out) and position.get(id(out[-1]), -2) == position.get(id(t), -1) - 1
        if identify(t, spec)[0] is not None or follows:
            out.append(t)
    return out


def _other_format(tables: list[RawTable], spec: FormatSpec) -> FormatSpec | None:
    """The other format version, when part 二's table holds clearly more of its labels."""
    from ..formats import FORMATS

    def score(f: FormatSpec) -> int:
        active = f.table("active")
        return max((n for t in tables for found, n in [identify(t, f)] if found is active), default=0)

    own = score(spec)
    for f in FORMATS:
        if f is not spec and score(f) >= own + 3:
            return f
    return None


def _unit(parts: Parts, year: int, findings: list[Diagnostic], path: str) -> UnitInfo:
    unit = UnitInfo(name=parts.name, year=year, signature=parts.signature, date=parts.date)
    default = f"{parts.name}{year}年政府信息公开工作年度报告"
    if parts.title and parts.title != default:
        unit.title = parts.title
    texts = list(parts.intro)
    missing = recognise_unit(texts, unit)
    if missing:
        # Labelled contact details elsewhere in the report (some put them at the end).
        rest = [t for n in (1, 5, 6) for t in parts.sections.get(n, [])]
        missing = recognise_unit(rest, unit)
    for attr, value in vars(unit).items():
        if isinstance(value, str):  # what Word or a web page can hold, a workbook cannot always
            setattr(unit, attr, clean_text(value)[0])
    blank = [
        *missing,
        *(
            label
            for attr, label in (("name", "单位名称"), ("signature", "落款单位"), ("date", "成文日期"))
            if not getattr(unit, attr)
        ),
    ]
    # Worded for audit (no workbook is written) and for import (the workbook leaves these blank).
    findings.append(
        Diagnostic(
            "I030",
            I if not blank else W,
            ("未能从报告中识别：" + "、".join(blank) + "（转为工作簿时这些项留空，需补填）。" if blank else "")
            + "“单位层级”报告中没有（转为工作簿时需选择）。",
            path,
            "单位信息",
        )
    )
    return unit


def _draft_note(path: Path) -> list[Diagnostic]:
    """A document this program made while its workbook had 错误 is a draft, whatever page it is on."""
    if path.suffix.lower() in PDF_SUFFIXES:
        return []  # a PDF saved from a draft says so in its running header (pdf.py)
    try:
        _, recorded = read_recorded(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return []
    errors = recorded.get("nianbao-errors", "")
    if not (errors.isdigit() and int(errors) > 0):
        return []
    return [draft_note(errors, str(path))]


def draft_note(errors: str, file: str) -> Diagnostic:
    """I035 (错误): the document was generated while its workbook had `errors` 错误 (the DOCX/HTML
    recorded count, or a PDF's running header, pdf.py)."""
    message = (
        f"这是本程序生成的草稿：生成时校验发现 {errors} 条错误，Word 每页页眉和网页顶部都标有“草稿”，"
        "不应作为正式报告签发或发布。请让单位改正后重新生成。"
    )
    return Diagnostic("I035", Severity.ERROR, message, file)


def import_report(path: Path, year: int | None = None) -> tuple[Report, list[Diagnostic]]:
    """Read a published report; raise InputError (exit 2) when it cannot be taken for a report."""
    try:
        doc = read_source(path)
    except OSError as exc:  # no permission, a disk error: the file's fault, not the program's
        from ..oserrors import describe

        raise refuse(path, "I001", f"无法读取要导入的文件：{describe(exc)}。") from None
    file = str(path)
    findings: list[Diagnostic] = [*doc.notes, *_draft_note(path)]
    parts = split_parts(doc.blocks, doc.head_title)
    if parts.year is not None and year is not None and parts.year != year:
        findings.append(Diagnostic("I005", W, f"标题中的年度是 {parts.year}，按 --year 指定的 {year} 年度导入。", file))
    year = year or parts.year
    if year is None:
        if not parts.headings and not any(isinstance(b, RawTable) for b in doc.blocks):
            raise refuse(
                path,
                "I002",
                "文件中找不到年度报告的标题、“一、总体情况”等部分或规定表格：不是政府信息公开工作年度报告。",
            )
        raise refuse(path, "I004", "无法从标题识别报告年度。请用 --year 指定，如 --year 2023。")
    try:
        spec = format_for_year(year)
    except UnsupportedYear:
        raise refuse(
            path,
            "I003",
            f"这是 {year} 年度的报告。2019 年度以前的报告使用旧格式（国办公开办函〔2019〕60号之前），"
            "表格项目与现行格式不同，无法导入为标准工作簿。",
        ) from None
    # Tables placed after the signature (as 附表) are the report's when they are mandated ones;
    # other tables down there are page furniture.
    late = _late_tables(parts.late_tables, doc.blocks, spec)
    late_ids = {id(t) for t in parts.late_tables}
    groups, unknown = _group_tables([*parts.body_tables, *late], doc.blocks, spec)
    unknown = [t for t in unknown if id(t) not in late_ids]
    other = _other_format([*parts.body_tables, *late], spec)
    if other is not None:
        findings.append(
            Diagnostic(
                "I017",
                W,
                f"第二部分的表格是按{other.document}格式填写的，而 {year} 年度应使用{spec.document}格式："
                "两种格式的项目不同，按本年度格式对不上的项目已在下面列出。",
                file,
                spec.table("active").sheet,
            )
        )
    if not groups and not parts.headings:
        raise refuse(path, "I002", "文件中找不到“一、总体情况”等部分，也找不到规定表格：不是政府信息公开工作年度报告。")
    if parts.second_title:
        findings.append(
            Diagnostic(
                "I032",
                W,
                f"文件中在这份报告之后还有另一份报告「{parts.second_title[:80]}」，它没有导入：一次只导入一份报告。"
                "如需导入，请把它单独保存为一个文件后再导入。",
                file,
            )
        )
    if doc.truncated:
        findings.append(
            Diagnostic("I006", W, "网页没有正常结尾（可能只下载或保存了一部分），请核对导入的内容是否完整。", file)
        )
    tables: dict[str, dict[str, Value]] = {}
    for t in spec.tables:
        placed = place(t, spec, groups[t.id], file) if t.id in groups else Placed()
        if t.id not in groups:
            findings.append(
                Diagnostic(
                    "I014",
                    W,
                    f"找不到规定表格“{t.sheet}”（第{'二三四'[t.part - 2]}部分），其中各项按空白处理。",
                    file,
                    t.sheet,
                )
            )
        findings.extend(placed.findings)
        tables[t.id] = {key: placed.values.get(key, Value(State.BLANK)) for key in t.fields}
    for t in unknown:
        numbers = sum(1 for row in t.rows for c in row if any(ch.isdigit() for ch in c.text))
        if numbers:
            findings.append(
                Diagnostic(
                    "I015", W, f"第 {t.number} 个表格不是规定表格，其中的 {numbers} 个含数字的单元格没有导入。", file
                )
            )
    for n in range(1, 7):
        if n not in parts.headings:
            findings.append(
                Diagnostic("I031", W, f"找不到第{'一二三四五六'[n - 1]}部分的标题，该部分的文字没有导入。", file)
            )
    if parts.between:
        findings.append(
            Diagnostic(
                "I034",
                I,
                f"第二至四部分表格之外的 {len(parts.between)} 段文字（如表格说明）没有导入：「{parts.between[0][:40]}」等。",
                file,
            )
        )
    if parts.date is None:
        findings.append(Diagnostic("I033", W, "报告末尾找不到成文日期，工作簿中留空。", file))
    unit = _unit(parts, year, findings, file)
    sections = {
        key: section(key, part, parts)
        for key, part in (("intro", None), ("overview", 1), ("problems", 5), ("other", 6))
    }
    report = Report(spec=spec, unit=unit, sections=sections, tables=tables, year=year, source=file)
    return report, findings
