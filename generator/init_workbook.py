"""`generate init`: this year's standardized workbook, blank or carrying what last year determines.

    init_workbook(2021, Path("inputs/2021.xlsx"))                       # blank, or carried from
                                                                        # inputs/2020.xlsx if present
    init_workbook(2021, target, source=Path("old/2020.xlsx"))          # carried from a given file

Last year's workbook is only read, never written.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .carry_forward import carry_forward
from .diagnostics import InputError, UserError
from .formats import FORMATS, UnsupportedYear, format_for_year
from .formats.spec import FormatSpec
from .model import Paragraph, Report, Section, UnitInfo
from .oserrors import describe
from .templating import Wording
from .workbook.layout import REFERENCE_SHEET
from .workbook.reader import read_workbook
from .workbook.writer import write_workbook


def _read_previous(path: Path, year: int) -> Report:
    """Last year's workbook, read with its year's format, else with any format that fits it.

    A published report (web page or Word file) is imported in memory instead.
    """
    from .importer import SUFFIXES, import_report

    if path.suffix.lower() in SUFFIXES:
        report, _ = import_report(path, None)
        if report.year != year - 1:
            raise UserError(f"{path} 是 {report.year} 年度的报告，不是 {year - 1} 年度：结转只能使用上一年度的报告。")
        return report
    try:
        first = format_for_year(year - 1)
    except UnsupportedYear as exc:
        raise UserError(f"无法结转：{exc}") from None
    candidates: list[FormatSpec] = [first, *(f for f in FORMATS if f is not first)]
    problems: InputError | None = None
    for spec in candidates:
        try:
            report, _notes = read_workbook(path, spec, year - 1)
        except InputError as exc:
            problems = problems or exc
            continue
        if report.unit.year is not None and report.unit.year != year - 1:
            raise UserError(
                f"{path} 的报告年度是 {report.unit.year}，不是 {year - 1}：结转只能使用上一年度的工作簿。"
                f"请用 --from 指定 {year - 1} 年度的工作簿，或不加 --from 生成空白工作簿。"
            )
        return report
    assert problems is not None
    details = "；".join(d.format() for d in problems.diagnostics[:3])
    raise UserError(f"上一年度工作簿无法读取，未生成任何文件：{details}")


# What a blank workbook's intro says where the unit's details belong: L1 refuses it until replaced.
PLACEHOLDER = "××"
_CONTACT_FIELDS = ("website_name", "website_url", "office", "address", "postcode", "phone", "fax")


def standard_intro(unit: UnitInfo, year: int) -> str:
    """The standard intro paragraph (templates/wording.j2), with ×× where the unit's details are missing."""
    blank = not unit.name  # a new workbook: every detail is still to come, 传真 too (optional otherwise)
    missing = [f for f in _CONTACT_FIELDS if not getattr(unit, f) and (f != "fax" or blank)]
    return Wording().standard_intro(dataclasses.replace(unit, **dict.fromkeys(missing, PLACEHOLDER)), year)


def with_standard_intro(report: Report | None, spec: FormatSpec, year: int) -> Report:
    """The report to write, its 引言 opening with the standard paragraph the clerk can edit."""
    if report is None:
        report = Report(spec=spec, unit=UnitInfo(year=year), sections={}, tables={}, year=year)
    intro = report.sections.get("intro") or Section("intro")
    paragraphs = [*intro.paragraphs, Paragraph(standard_intro(report.unit, year))]
    sections = {**report.sections, "intro": dataclasses.replace(intro, paragraphs=paragraphs)}
    return dataclasses.replace(report, sections=sections)


def _next_command(year: int, target: Path) -> str:
    """The command that reads what was just written: --input unless it is where generate looks."""
    command = f"generate --year {year}"
    return command if target == Path(f"inputs/{year}.xlsx") else f"{command} --input {target}"


def _write(target: Path, spec: FormatSpec, year: int, report: Report | None = None, **kw: Report) -> None:
    """write_workbook, with an unwritable target told in words the clerk can act on."""
    try:
        write_workbook(target, spec, year, report, **kw)
    except OSError as exc:
        raise UserError(
            f"无法写入工作簿 {target}：{describe(exc)}。没有写出任何文件，原有文件保持不变。"
            "请检查该文件夹是否存在、是否有写入权限、磁盘是否已满，或同名文件是否正被 Excel/WPS 打开；"
            "也可用 --output 换一个位置。"
        ) from None


def init_workbook(year: int, target: Path, source: Path | None = None, force: bool = False) -> list[str]:
    """Write the workbook for `year` at `target`; returns messages for the clerk."""
    try:
        spec = format_for_year(year)
    except UnsupportedYear as exc:
        raise UserError(str(exc)) from None
    if target.exists() and not force:
        raise UserError(f"{target} 已经存在，为防止覆盖已填写的内容，没有写入。确需重新生成请加 --force。")
    messages: list[str] = []
    previous: Report | None = None
    if source is not None:
        if not source.is_file():
            raise UserError(f"找不到上一年度工作簿：{source}")
        if target.exists() and source.resolve() == target.resolve():
            raise UserError(f"--from 指定的 {source} 就是要生成的文件，不能用它覆盖自己。")
        previous = _read_previous(source, year)
    else:
        automatic = target.with_name(f"{year - 1}.xlsx")
        if automatic.is_file():
            source = automatic
            try:
                previous = _read_previous(automatic, year)
            except UserError as exc:  # a bad old workbook must not block a blank new one
                messages.append(f"发现 {automatic}，但没有结转：{exc}")
    if previous is None:
        _write(target, spec, year, with_standard_intro(None, spec, year))
        messages.insert(
            0,
            f"已生成空白工作簿：{target}（{spec.document} 格式）。“引言”中已写好标准段落，"
            f"其中“{PLACEHOLDER}”处请按本单位情况填写。请填写后运行 {_next_command(year, target)}。",
        )
        return messages
    carried = carry_forward(previous, spec, year)
    _write(target, spec, year, with_standard_intro(carried.report, spec, year), reference=previous)
    messages.append(f"已生成工作簿：{target}（{spec.document} 格式），以下内容从 {source} 结转：")
    messages.extend(f"  · {m}" for m in carried.messages)
    messages.append(
        f"  · “引言”中按单位信息写好了 {year} 年度的标准段落（报告构成、统计时间、网址和联系方式），可以修改；报告开头印的就是引言中的文字。"
    )
    messages.append(
        f"  · 上一年度的正文放在“{REFERENCE_SHEET}”工作表，仅供参考，不会写入报告；请按 {year} 年度实际情况重新撰写。"
    )
    if previous.spec.id != spec.id:
        messages.append(
            f"  · 格式已从 {previous.spec.document} 改为 {spec.document}：只结转两种格式共有的项目，其余请按新格式填写。"
        )
    messages.append(f"填写后运行 {_next_command(year, target)}。")
    return messages
