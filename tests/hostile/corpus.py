"""The corpus of bad workbooks, built from inputs/2020.xlsx on demand (no committed blobs).

Each Case says how the tool must answer:
  refused  exit 2, a Chinese message naming the file (and sheet and cell where there is one),
           nothing written;
  cleaned  the report is generated (exit 0) and a warning says what was cleaned or ignored;
  flagged  the report is generated (exit 0) and a 错误 finding names the cell; with --strict
           nothing is written (exit 1).

    python tests/hostile/corpus.py OUTDIR    writes every case's input file into OUTDIR
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "inputs" / "2020.xlsx"
INTRO_PART = "xl/worksheets/sheet3.xml"  # 引言 in the seed workbook
APPLY = "申请情况"  # D7: 本年新收 / 自然人, a count; 主动公开 C10: 本年增/减, may be negative


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]  # work folder → the input file it wrote there
    outcome: str  # "refused" | "cleaned" | "flagged"
    says: tuple[str, ...]  # fragments the tool's output must contain
    year: int = 2020
    extra: dict[str, str] = field(default_factory=dict)  # notes for the reader of a failure


# ── building blocks ───────────────────────────────────────────────────────────────────────


def _edit(name: str, change: Callable[[openpyxl.Workbook], None], suffix: str = ".xlsx") -> Callable[[Path], Path]:
    def build(work: Path) -> Path:
        wb = openpyxl.load_workbook(SEED)
        change(wb)
        out = work / f"{name}{suffix}"
        wb.save(out)
        return out

    return build


def _raw(name: str, data: Callable[[], bytes], suffix: str = ".xlsx") -> Callable[[Path], Path]:
    def build(work: Path) -> Path:
        out = work / f"{name}{suffix}"
        out.write_bytes(data())
        return out

    return build


def rezip(src: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The archive with some parts replaced (None drops a part) or added."""
    replace, add = replace or {}, add or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    zout.writestr(info.filename, replace[info.filename])
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, data in add.items():
            zout.writestr(name, data)
    return buf.getvalue()


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def _part(name: str) -> bytes:
    with zipfile.ZipFile(SEED) as zf:
        return zf.read(name)


def _with_rows(extra: str) -> bytes:
    xml = _part(INTRO_PART).decode()
    return rezip(seed_bytes(), {INTRO_PART: xml.replace("</sheetData>", extra + "</sheetData>").encode()})


def ole_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file (what .xls and encrypted .xlsx are) whose directory names streams."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 0x20, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 0x1000)  # 1 FAT sector; directory at sector 1
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header[0x4C:0x200] = b"\xff" * (0x200 - 0x4C)
    struct.pack_into("<I", header, 0x4C, 0)  # DIFAT[0] = sector 0 holds the FAT
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray()
    for i, name in enumerate(["Root Entry", *streams]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 0x40, len(encoded), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 0x44, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 and streams else 0xFFFFFFFF)
        directory += entry
    directory += b"\0" * (-len(directory) % 512)
    return bytes(header + fat + directory[:512]) + b"\0" * 1024


def _bomb(megabytes: int = 300) -> bytes:
    """A sheet that inflates to hundreds of MB from a few hundred KB, declared in the directory."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(seed_bytes())) as zin,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename != INTRO_PART:
                zout.writestr(info, zin.read(info.filename))
        with zout.open(INTRO_PART, "w") as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _lying_bomb() -> bytes:
    """The directory claims the sheet inflates to 4 KB; its data inflates to 100 MB."""
    data = bytearray(_bomb(100))
    name = INTRO_PART.encode()
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        if data[pos + 46 : pos + 46 + len(name)] == name:
            struct.pack_into("<I", data, pos + 24, 4096)  # central directory: uncompressed size
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, local + 22, 4096)  # local header: uncompressed size
        pos += 4
    return bytes(data)


def encrypted_entry(part: str = INTRO_PART) -> bytes:
    """A valid archive whose part carries the zip "encrypted" flag (found by the fuzz test)."""
    data = bytearray(seed_bytes())
    name = part.encode()
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        if data[pos + 46 : pos + 46 + len(name)] == name:
            struct.pack_into("<H", data, pos + 8, struct.unpack_from("<H", data, pos + 8)[0] | 1)
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<H", data, local + 6, struct.unpack_from("<H", data, local + 6)[0] | 1)
        pos += 4
    return bytes(data)


def _renamed_part(extra: str, new_name: str = "xl/worksheets/sheet3.bin") -> bytes:
    """The intro sheet, grown by extra rows, stored under a name not ending in .xml: the package
    finds it through workbook.xml.rels and [Content_Types].xml, so openpyxl still reads it."""
    xml = _part(INTRO_PART).decode().replace("</sheetData>", extra + "</sheetData>").encode()
    old, new = f"/{INTRO_PART}".encode(), f"/{new_name}".encode()
    return rezip(
        seed_bytes(),
        {
            INTRO_PART: None,
            "[Content_Types].xml": _part("[Content_Types].xml").replace(old, new),
            "xl/_rels/workbook.xml.rels": _part("xl/_rels/workbook.xml.rels").replace(old, new),
        },
        {new_name: xml},
    )


STRICT_NAMESPACES = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
    b"http://schemas.openxmlformats.org/drawingml/2006/main": b"http://purl.oclc.org/ooxml/drawingml/main",
}


def strict_workbook(src: bytes | None = None) -> bytes:
    """The workbook as Excel's "Strict Open XML 电子表格" saves it: the same parts, in the
    ISO/IEC 29500 Strict namespaces (relationship types included), conformance="strict"."""
    parts: dict[str, bytes | None] = {}
    with zipfile.ZipFile(io.BytesIO(src or seed_bytes())) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            for old, new in STRICT_NAMESPACES.items():
                data = data.replace(old, new)
            if name == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            parts[name] = data
    return rezip(src or seed_bytes(), parts)


def _payload_workbook(work: Path, name: str, text: str) -> Path:
    return _edit(name, lambda wb: _put_everywhere(wb, text))(work)


def _put_everywhere(wb: openpyxl.Workbook, text: str) -> None:
    """text in every field a clerk types: unit info, a section title override, a narrative line."""
    unit = wb["单位信息"]
    for r in range(2, unit.max_row + 1):
        if unit.cell(r, 1).value in (
            "单位名称",
            "报告标题",
            "网站名称",
            "网站网址",
            "联系单位",
            "通讯地址",
            "联系电话",
            "传真",
            "落款单位",
        ):
            unit.cell(r, 2).value = f"{text}{unit.cell(r, 1).value}"
    for sheet in ("总体情况", "问题及改进", "其他事项"):
        wb[sheet]["B2"] = f"标题{text}"
    wb["引言"]["A5"] = f"正文{text}结束"


def _set(sheet: str, cell: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][cell] = value

    return change


def _other_format(work: Path) -> Path:
    from generator.formats import format_for_year
    from generator.workbook.writer import write_workbook

    out = work / "other_format.xlsx"
    write_workbook(out, format_for_year(2021), 2021)
    return out


def _truncated() -> bytes:
    data = seed_bytes()
    return data[: len(data) // 2]


def _many_entries() -> bytes:
    return rezip(seed_bytes(), add={f"xl/media/junk{i}.xml": b"<a/>" for i in range(3000)})


def _entity_bomb() -> bytes:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    )
    return rezip(seed_bytes(), add={"xl/sharedStrings.xml": lol.encode()})


def _sparse_huge(work: Path) -> Path:
    out = work / "huge_file.xlsx"
    with out.open("wb") as fh:
        fh.write(seed_bytes())
        fh.truncate(60 * 1024 * 1024)  # sparse: no disk used
    return out


def _macro() -> bytes:
    types = _part("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    types = types.replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    rels = _part("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
    )
    vba = ole_file(["VBA", "dir", "ThisWorkbook", "PROJECT"])
    return rezip(
        seed_bytes(), {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels}, {"xl/vbaProject.bin": vba}
    )


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def _broken_sheet_xml() -> bytes:
    xml = _part(INTRO_PART)
    return rezip(seed_bytes(), {INTRO_PART: xml[: len(xml) // 2]})


def _rename(old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[old].title = new

    return change


def _drop(sheet: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        del wb[sheet]

    return change


LONG_CHUNK = "政府信息公开工作持续推进，𠀀𪚥群众满意度不断提升😀。" * 4  # 104 characters
LONG_TEXT = (LONG_CHUNK * (200_000 // len(LONG_CHUNK) + 1))[:200_000]


def _long_rows(wb: openpyxl.Workbook) -> None:
    """Over 200 000 characters in 97 rows of 2 080 (Excel's own limit is 32 767 per cell)."""
    ws = wb["问题及改进"]
    for i in range(97):
        ws.cell(13 + i, 1).value = LONG_CHUNK * 20


def _long_cell() -> bytes:
    """200 000 characters in one cell: beyond what Excel or openpyxl writes, so written as XML."""
    return _with_rows(f'<row r="70"><c r="A70" t="inlineStr"><is><t>{LONG_TEXT}</t></is></c></row>')


UNIT_NAME_CELL = "B2"
# As Excel stores them: C0 controls escaped as _xHHHH_ (XML cannot hold them), C1 raw, and a
# right-to-left override that would flip the text on the web page.
CONTROL_TEXT = "各部门_x0007_认真落实_x001B_公开要求\x9b。\u202e反转"


CASES: tuple[Case, ...] = (
    # the file is not a workbook at all
    Case("empty", _raw("empty", lambda: b""), "refused", ("empty.xlsx", "文件是空的")),
    Case(
        "not_zip",
        _raw("not_zip", lambda: "单位名称,漳平市人民政府\n".encode("gbk")),
        "refused",
        ("not_zip.xlsx", "不是 Excel 工作簿", "另存为"),
    ),
    Case(
        "html_saved",
        _raw("html_saved", lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>", ".xls"),
        "refused",
        ("html_saved.xls", "网页"),
    ),
    Case("truncated", _raw("truncated", _truncated), "refused", ("truncated.xlsx", "损坏")),
    Case(
        "legacy_xls",
        _raw("legacy", lambda: ole_file(["Workbook", "\x05SummaryInformation"]), ".xls"),
        "refused",
        ("legacy.xls", ".xls", "另存为", ".xlsx"),
    ),
    Case(
        "encrypted",
        _raw("encrypted", lambda: ole_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])),
        "refused",
        ("encrypted.xlsx", "密码", "清空密码"),
    ),
    Case("ods", _raw("ods", _ods, ".ods"), "refused", ("ods.ods", "OpenDocument", ".xlsx")),
    Case("huge_file", _sparse_huge, "refused", ("huge_file.xlsx", "60 MB")),
    # the archive is hostile
    Case("zip_bomb", _raw("zip_bomb", _bomb), "refused", ("zip_bomb.xlsx", INTRO_PART, "300 MB", "压缩炸弹")),
    Case("lying_zip_bomb", _raw("lying_zip_bomb", _lying_bomb), "refused", ("lying_zip_bomb.xlsx", "损坏")),
    Case("many_entries", _raw("many_entries", _many_entries), "refused", ("many_entries.xlsx", "3017 个文件")),
    Case(
        "entity_bomb",
        _raw("entity_bomb", _entity_bomb),
        "refused",
        ("entity_bomb.xlsx", "xl/sharedStrings.xml", "实体"),
    ),
    Case(
        "broken_sheet_xml",
        _raw("broken_sheet_xml", _broken_sheet_xml),
        "refused",
        ("broken_sheet_xml.xlsx", "引言", "损坏"),
    ),
    Case(
        "encrypted_zip_entry",
        _raw("encrypted_entry", encrypted_entry),
        "refused",
        ("encrypted_entry.xlsx", "引言", INTRO_PART, "已加密", "重新保存"),
    ),
    Case(
        "renamed_sheet_part_30k_rows",
        _raw(
            "renamed_rows",
            lambda: _renamed_part("".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(100, 30_100))),
        ),
        "refused",
        ("renamed_rows.xlsx", "引言", "A20001", "删除"),
    ),
    Case(
        "renamed_sheet_part_stray_value",
        _raw(
            "renamed_stray",
            lambda: _renamed_part('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t> </t></is></c></row>'),
        ),
        "refused",
        ("renamed_stray.xlsx", "引言", "A1048576"),
    ),
    Case("macro_xlsm", _raw("macro", _macro, ".xlsm"), "cleaned", ("macro.xlsm", "R060", "从不运行宏", "已忽略")),
    # sheets that would make the reader walk a million rows
    Case(
        "million_row_stray_value",
        _raw("stray", lambda: _with_rows('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t> </t></is></c></row>')),
        "refused",
        ("stray.xlsx", "引言", "A1048576", "删除"),
    ),
    Case(
        "million_row_formatted",
        _raw("formatted", lambda: _with_rows('<row r="1048576"><c r="C1048576" s="1"/></row>')),
        "cleaned",
        ("formatted.xlsx", "引言", "R061", "已忽略"),
    ),
    Case(
        "million_used_rows",
        _raw(
            "million",
            lambda: _with_rows("".join(f'<row r="{r}"><c r="B{r}"><v>1</v></c></row>' for r in range(100, 1_000_100))),
        ),
        "refused",
        ("million.xlsx", "引言", "多余的行"),
    ),
    Case(
        "thirty_thousand_rows",
        _raw(
            "rows30k",
            lambda: _with_rows("".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(100, 30_100))),
        ),
        "refused",
        ("rows30k.xlsx", "引言", "A20001", "删除"),
    ),
    Case(
        "too_many_cells",
        _raw(
            "cells",
            lambda: _with_rows(
                "".join(
                    f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "CDEFGHIJKL") + "</row>"
                    for r in range(100, 15_100)
                )
            ),
        ),
        "refused",
        ("cells.xlsx", "引言", "单元格数量超过"),
    ),
    Case(
        "whole_column_merge",
        _raw(
            "merge",
            lambda: rezip(
                seed_bytes(),
                {
                    INTRO_PART: _part(INTRO_PART).replace(
                        b"</sheetData>",
                        b'</sheetData><mergeCells count="1"><mergeCell ref="D1:D1048576"/></mergeCells>',
                    )
                },
            ),
        ),
        "refused",
        ("merge.xlsx", "引言", "D1:D1048576", "合并单元格"),
    ),
    # structure
    Case(
        "renamed_sheet",
        _edit("renamed", _rename("主动公开", "主动公开情况")),
        "refused",
        ("renamed.xlsx", "缺少工作表", "主动公开", "主动公开情况"),
    ),
    Case(
        "strict_open_xml",
        _raw("strict", strict_workbook),
        "refused",
        ("strict.xlsx", "R070", "Strict Open XML 电子表格", "另存为", "Excel 工作簿(*.xlsx)"),
    ),
    Case("missing_sheet", _edit("missing", _drop("复议诉讼")), "refused", ("missing.xlsx", "缺少工作表", "复议诉讼")),
    Case("other_format_version", _other_format, "refused", ("other_format.xlsx", "申请情况")),
    Case(
        "wrong_year_for_format",
        lambda work: shutil.copy(SEED, work / "as2021.xlsx") and work / "as2021.xlsx",
        "refused",
        ("as2021.xlsx",),
        year=2021,
    ),
    # cell values
    Case("formula_error", _edit("formula_error", _set(APPLY, "D7", "#DIV/0!")), "flagged", ("申请情况!D7", "#DIV/0!")),
    Case(
        "number_as_text",
        _edit("number_as_text", _set(APPLY, "D7", "20")),
        "cleaned",
        ("申请情况!D7", "以文本形式填写的数字"),
    ),
    Case("full_width_digits", _edit("full_width", _set(APPLY, "D7", "２０")), "cleaned", ("申请情况!D7", "全角")),
    Case("count_with_unit", _edit("with_unit", _set(APPLY, "D7", "20件")), "cleaned", ("申请情况!D7", "“件”")),
    Case(
        "fractional_count", _edit("fraction", _set(APPLY, "D7", 12.5)), "flagged", ("申请情况!D7", "12.5", "非负整数")
    ),
    Case("negative_count", _edit("negative", _set(APPLY, "D7", -3)), "flagged", ("申请情况!D7", "-3", "非负整数")),
    Case("unicode_minus_delta", _edit("minus", _set("主动公开", "C10", "−156")), "cleaned", ("主动公开!C10", "负号")),
    Case(
        "absurd_number", _edit("absurd", _set(APPLY, "D7", 1e20)), "flagged", ("absurd.xlsx", "申请情况", "D7", "过大")
    ),
    Case(
        "absurd_text_number",
        _edit("absurd_text", _set(APPLY, "E7", "123456789012345678901234567890")),
        "flagged",
        ("absurd_text.xlsx", "申请情况", "E7", "过大"),
    ),
    Case(
        "date_in_count",
        _edit("date_count", _set(APPLY, "D7", __import__("datetime").datetime(2020, 1, 1))),
        "flagged",
        ("date_count.xlsx", "申请情况", "D7", "应填写数字"),
    ),
    # narrative text
    Case(
        "control_chars",
        _edit("control", _set("引言", "A5", CONTROL_TEXT)),
        "cleaned",
        ("引言!A5", "第 2 段", "控制字符", "U+0007"),
    ),
    Case("narrative_200k_rows", _edit("long_rows", _long_rows), "cleaned", ("long_rows.xlsx",)),
    Case("narrative_200k_cell", _raw("long_cell", _long_cell), "cleaned", ("long_cell.xlsx",)),
)


def build_all(work: Path) -> dict[str, Path]:
    work.mkdir(parents=True, exist_ok=True)
    return {case.name: case.build(work) for case in CASES}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for name, path in build_all(out).items():
        print(f"{name}\t{path}")
