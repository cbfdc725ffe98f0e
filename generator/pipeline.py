"""The application layer: read → validate → render → write the pair.

`generate`, `check`, `verify`, `batch` and the web desk (`serve`) all call these functions and
nothing beneath them, so a workbook gives the same findings and the same bytes whichever way
it arrives. Interfaces (the CLI, the web views) only parse their input and present the result.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, InputError, Severity, UserError, sort_key
from .formats import UnsupportedYear, format_for_year
from .model import Report
from .oserrors import describe
from .provenance import Provenance


def spec_for_year(year: int):
    """The format of a report year; a year no format covers is a UserError (exit 2)."""
    try:
        return format_for_year(year)
    except UnsupportedYear as exc:
        raise UserError(str(exc)) from None


def read_report(path: Path, year: int) -> tuple[Report, list[Diagnostic]]:
    """Read one workbook of `year`; a missing or unreadable file is a UserError or InputError."""
    from .workbook import read_workbook

    if path.exists() and not path.is_file():
        raise UserError(f"输入路径 {path} 不是文件（是文件夹或设备）。请用 --input 指定工作簿文件（.xlsx）。")
    if not path.is_file():
        raise UserError(
            f"找不到输入工作簿：{path}\n"
            f"请先运行 generate init --year {year} 生成空白的标准工作簿，填写后保存为 {path}；"
            "或用 --input 指定工作簿所在位置。"
        )
    return read_workbook(path, spec_for_year(year), year)


def default_previous(path: Path, year: int) -> Path:
    """Where last year's workbook is looked for when none is named: beside this year's."""
    return path.with_name(f"{year - 1}.xlsx")


def read_previous(
    path: Path, year: int, given: Path | None = None, skip: bool = False
) -> tuple[Report | None, list[Diagnostic], Path | None]:
    """Last year's workbook (given, or beside this year's): (report, notes, path used).

    A named workbook that is missing is a UserError; one found beside this year's that cannot be
    read is a warning (R090) and the cross-year rules are skipped.
    """
    if skip:
        return None, [], None
    prev = given or default_previous(path, year)
    if not prev.is_file():
        if given:
            raise UserError(f"找不到上一年度工作簿：{prev}")
        return None, [], None
    try:
        report, _ = read_report(prev, year - 1)
        return report, [], prev
    except (InputError, UserError) as exc:
        msg = exc.diagnostics[0].message if isinstance(exc, InputError) else str(exc)
        note = Diagnostic("R090", Severity.WARNING, f"上一年度工作簿无法读取，跨年核对已跳过：{msg}", str(prev))
        return None, [note], None


def findings_of(report: Report, notes: list[Diagnostic], previous: Report | None) -> list[Diagnostic]:
    """Every finding on a report, in reading order: the reader's notes plus every rule."""
    from .validate import validate

    return sorted([*notes, *validate(report, previous)], key=sort_key)


def summary_line(findings: list[Diagnostic]) -> str:
    """The closing line of a check, as `generate check` prints it and the web desk shows it."""
    if not findings:
        return "校验完成：没有发现问题。"
    counts = {s: sum(1 for d in findings if d.severity is s) for s in Severity}
    return "校验完成：" + "，".join(f"{s.value} {n} 条" for s, n in counts.items()) + "。"


def has_errors(findings: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in findings)


@dataclass
class Checked:
    """A workbook read and validated: what `check` prints and what `generate` renders."""

    report: Report
    findings: list[Diagnostic]
    provenance: Provenance


def check_workbook(
    path: Path, year: int, previous: Path | None = None, without_previous: bool = False, parent_check: bool = True
) -> Checked:
    """Read this year's workbook (and last year's, if any) and validate it, as `generate check` does."""
    report, notes = read_report(path, year)
    last, prev_notes, used = read_previous(path, year, previous, without_previous)
    parent: list[Diagnostic] = []
    units = None
    if parent_check:
        from .provenance import units_digest
        from .rollup.parent import check_parent, units_read  # U1: against the units' workbooks beside it

        parent = check_parent(report, path)
        read = units_read(path, year) if parent else None
        units = units_digest(*read) if read else None  # recorded: verify names a changed folder
    findings = findings_of(report, [*notes, *prev_notes, *parent], last)
    return Checked(report, findings, Provenance.of(path, report.spec, year, findings, used, units))


@dataclass
class Rendered:
    """The two documents of one report, as bytes."""

    title: str
    docx: bytes
    html: bytes


def render(report: Report, provenance: Provenance) -> Rendered:
    """The DOCX and HTML of a report: the same workbook always gives the same bytes.

    A report with 错误 is still rendered, marked as a draft in both outputs.
    """
    from .render.docx import render_docx
    from .render.html import render_html
    from .render.outline import build_outline

    outline = build_outline(report, errors=provenance.errors)
    provenance = dataclasses.replace(provenance, title=outline.title)
    docx_buf, html_buf = io.BytesIO(), io.BytesIO()
    render_docx(outline, docx_buf, provenance=provenance)
    render_html(outline, html_buf, provenance=provenance)
    return Rendered(outline.title, docx_buf.getvalue(), html_buf.getvalue())


def pair_targets(folder: Path, year: int, rendered: Rendered) -> dict[Path, bytes]:
    """Where the pair goes in `folder`: names from the title."""
    from .output import contained, safe_filename

    stem = safe_filename(rendered.title, year=year)
    return {contained(folder, f"{stem}.docx"): rendered.docx, contained(folder, f"{stem}.html"): rendered.html}


def write_pair(
    folder: Path, year: int, rendered: Rendered, own_folder: bool = False, removed: list[Path] | None = None
) -> list[Path]:
    """Write the DOCX and HTML into `folder` together, all or nothing (output.atomic_write_many).

    While the folder is held against other runs, another unit's report of the same file name is
    refused (output.refuse_other_units). own_folder: the folder holds this unit's reports only
    (batch's outputs/<Y>/<单位名称>/), so any other report this program wrote there — an old pair
    left by an earlier title — is stale and removed with the same commit (listed in `removed`).
    """
    from .output import atomic_write_many, refuse_other_units, stale_reports

    targets = pair_targets(folder, year, rendered)

    def check() -> dict[Path, None]:
        refuse_other_units(list(targets), rendered.title)
        stale = stale_reports(folder, list(targets)) if own_folder else []
        if removed is not None:
            removed[:] = stale
        return dict.fromkeys(stale)

    atomic_write_many(targets, check)  # type: ignore[arg-type]
    return list(targets)


def write_pair_or_refuse(folder: Path, year: int, rendered: Rendered) -> list[Path]:
    """write_pair, with an unwritable folder as a UserError naming the folder (exit 2)."""
    try:
        return write_pair(folder, year, rendered)
    except OSError as exc:
        raise UserError(
            f"无法写入输出文件夹 {folder}：{describe(exc)}。没有写出任何新文件，原有文件保持不变。"
            "请检查该文件夹是否存在、是否有写入权限、磁盘是否已满，或文件是否正被 Word/WPS/浏览器打开；"
            "也可用 --output-dir 换一个文件夹。"
        ) from None
