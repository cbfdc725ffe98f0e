"""Checks on a workbook file before openpyxl inflates or parses anything.

A clerk's file may be an old .xls, a password-protected workbook, a macro workbook, a damaged
download or something hostile (a zip bomb, an XML entity bomb, a stray cell on row 1 048 576
that would make every row scan walk a million rows). Each is answered here with a message the
clerk can act on, using only the archive's directory and a streaming, bounded look at its XML.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ..diagnostics import Diagnostic, InputError, Severity
from ..oserrors import describe

# Real standardized workbooks are ~30 KB with ~20 parts and ~2 000 cells; the limits leave wide
# room for pasted narrative and formatting while keeping a run under a few seconds and ~200 MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_PART_BYTES = 25 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 80 * 1024 * 1024  # declared uncompressed size of all parts together
MAX_RATIO = 200  # deflate ratio above which a part larger than RATIO_MIN_BYTES is refused
RATIO_MIN_BYTES = 2 * 1024 * 1024
MAX_CELLS = 100_000  # cells in the whole workbook (openpyxl keeps each one as an object)
MAX_ROW = 20_000  # the reader scans sheets row by row down to the last used row

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
STRICT = _STRICT = "http://purl.oclc.org/ooxml/"  # namespaces of Strict Open XML (ISO/IEC 29500 Strict)
# Relationship types whose target openpyxl parses as XML, whatever the part is called.
_XML_RELATIONSHIPS = {
    "officeDocument",
    "worksheet",
    "chartsheet",
    "dialogsheet",
    "sharedStrings",
    "styles",
    "theme",
    "drawing",
    "chart",
    "comments",
    "table",
    "externalLink",
    "pivotTable",
    "pivotCacheDefinition",
    "pivotCacheRecords",
    "queryTable",
    "connections",
    "calcChain",
    "metadata",
    "core-properties",
    "extended-properties",
    "custom-properties",
}
_SHEET_RELATIONSHIPS = {"worksheet", "dialogsheet"}
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


# A worksheet part up to this size (declared, inflated) may be left to the reader, which makes
# the same checks in its own single parse (xlsx.load, inspect(defer_sheets=True)): its tree stays
# small. A larger one is streamed here first, as every part is when nothing is deferred.
DEFER_MAX_BYTES = 1024 * 1024  # a standardized workbook's sheets are 10–200 KB


@dataclass
class GuardResult:
    """What the file is, once it has passed: notes for the clerk and sheets to trim."""

    notes: list[Diagnostic] = field(default_factory=list)
    trim_rows: dict[str, int] = field(default_factory=dict)  # sheet → rows below hold only empty cells
    file: str = ""
    # Worksheet parts left to the reader (part → sheet name): it checks them while reading them,
    # with sheet_limits_passed or refuse_sheet, and finish() scans whichever it did not read.
    deferred: dict[str, str] = field(default_factory=dict)
    budget: list[int] = field(default_factory=lambda: [MAX_CELLS])  # cells still allowed in the workbook


def _fail(file: str, code: str, message: str, sheet: str = "", cell: str = "") -> InputError:
    return InputError([Diagnostic(code, Severity.ERROR, message, file, sheet, cell)])


def _not_a_zip(path: Path, head: bytes, size: int) -> InputError:
    file = str(path)
    if size == 0:
        return _fail(
            file,
            "R002",
            "文件是空的（0 字节），可能是保存或复制时出了问题。请在 Excel/WPS 中重新保存工作簿（.xlsx）后再试。",
        )
    if head.startswith(OLE_MAGIC):
        if ole_is_encrypted(path):
            return _fail(
                file,
                "R005",
                "工作簿设置了打开密码（已加密），程序无法读取。请在 Excel/WPS 中打开，"
                "在“文件 → 信息 → 保护工作簿 → 用密码进行加密”（WPS：“文件 → 文档加密”）中清空密码，保存后再试。",
            )
        return _fail(
            file,
            "R006",
            "这是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel/WPS 中打开，"
            "“另存为”Excel 工作簿（.xlsx）格式，或用 generate init 生成的标准工作簿填写。",
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        what = "这是网页或 XML 文件（可能是“另存为网页”或从网站下载的表格），不是 Excel 工作簿（.xlsx）"
    elif head.startswith(b"%PDF"):
        what = "这是 PDF 文件，不是 Excel 工作簿（.xlsx）"
    elif head.startswith((b"PK", b"Rar!", b"7z\xbc\xaf")):
        what = "这是损坏的或其他类型的压缩文件，不是 Excel 工作簿（.xlsx）"
    else:
        what = "这不是 Excel 工作簿（.xlsx），可能是文本、CSV 或其他格式的文件"
    return _fail(file, "R002", f"{what}，无法读取。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）。")


def ole_is_encrypted(path: Path) -> bool:
    """An encrypted .xlsx or .docx is an OLE compound file holding a stream named EncryptedPackage."""
    with path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if _ENCRYPTED in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED) :]
    return False


def _check_directory(zf: zipfile.ZipFile, file: str) -> tuple[list[zipfile.ZipInfo], dict[str, str]]:
    """Refuse from the archive's central directory alone: nothing is inflated yet."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _fail(
            file,
            "R007",
            f"工作簿压缩包内有 {len(infos)} 个文件，远超正常工作簿（通常不到 50 个），已拒绝读取。请重新用 Excel/WPS 保存为 .xlsx。",
        )
    if any(not i.filename for i in infos):  # no program writes one; zipfile trips over it later
        raise _fail(
            file,
            "R003",
            "工作簿已损坏或不完整（压缩包内有没有名称的文件），无法读取。请重新保存或重新下载后再试。",
        )
    encrypted = [i.filename for i in infos if i.flag_bits & 0x1]  # zipfile would ask for a password
    index_encrypted = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} & set(encrypted)
    sheets = {} if index_encrypted else _sheet_names(zf)
    if encrypted:
        raise _fail(
            file,
            "R005",
            f"工作簿压缩包内的文件 {encrypted[0]} 标记为已加密（用压缩软件设置了密码，或文件已损坏），程序无法读取。"
            "Excel/WPS 保存的工作簿不会这样加密：请在 Excel/WPS 中打开原工作簿，重新保存为 .xlsx 后再试"
            "（如果工作簿设置了打开密码，请先清空密码）。",
            sheets.get(encrypted[0], ""),
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        mb = info.file_size / 1024 / 1024
        sheet = sheets.get(info.filename, "")
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise _fail(
                file,
                "R007",
                f"工作簿内部文件 {info.filename} 压缩比 {ratio:.0f}:1，解压后有 {mb:.0f} MB，"
                "远超正常工作簿，可能是损坏或恶意构造的文件（“压缩炸弹”），已拒绝读取，未解压。"
                "请确认文件来源；需要时用 generate init 生成标准工作簿重新填写。",
                sheet,
            )
        if info.file_size > MAX_PART_BYTES:
            where = f"工作表“{sheet}”" if sheet else f"内部文件 {info.filename}"
            raise _fail(
                file,
                "R007",
                f"工作簿中{where}解压后有 {mb:.0f} MB，远超正常工作簿（通常不到 1 MB），已拒绝读取。"
                "可能有大量多余的行、列或格式：请删除表格以外多余的行和列后重新保存。",
                sheet,
            )
    if total > MAX_TOTAL_BYTES:
        raise _fail(
            file,
            "R007",
            f"工作簿解压后共 {total / 1024 / 1024:.0f} MB，远超正常工作簿，已拒绝读取。请删除无关的工作表、图片后重新保存。",
        )
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise _fail(
            file,
            "R002",
            "这是 OpenDocument 表格（.ods，WPS/LibreOffice 格式），不是 Excel 工作簿。请“另存为”Excel 工作簿（.xlsx）后再试。",
        )
    if "[Content_Types].xml" not in names:
        raise _no_sheets(file)
    return infos, sheets


def _no_sheets(file: str) -> InputError:
    return _fail(
        file,
        "R002",
        "这个压缩文件不是 Excel 工作簿（缺少工作表）。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）。",
    )


@dataclass
class _Package:
    """What the package's own indexes say about its parts, whatever the parts are called."""

    xml_parts: set[str] = field(default_factory=set)  # parts openpyxl may parse as XML
    sheet_parts: set[str] = field(default_factory=set)  # parts holding worksheet cells
    strict: bool = False  # Strict Open XML namespaces


def _is_xml_type(content_type: str) -> bool:
    ct = content_type.strip().lower()
    return ct.endswith("+xml") or ct in ("application/xml", "text/xml")


def _package(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> _Package:
    """Every part [Content_Types].xml or any .rels file refers to, classified by type, not name.

    A worksheet stored as sheet3.bin is still found through workbook.xml.rels (openpyxl reads it),
    so it is checked like any sheet. Parses only index parts, streaming and without entities.
    """
    names = {i.filename for i in infos if not i.is_dir()}
    by_lower = {n.lower(): n for n in names}
    pkg = _Package()
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def types(tag: str, a: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "Default":
            defaults[a.get("Extension", "").lower()] = a.get("ContentType", "")
        elif local == "Override":
            part = by_lower.get(a.get("PartName", "").lstrip("/").lower())
            if part:
                overrides[part] = a.get("ContentType", "")

    _stream(zf, "[Content_Types].xml", types)

    def content_type(part: str) -> str | None:
        return overrides.get(part) or defaults.get(part.rpartition(".")[2].lower() if "." in part else "")

    for name in sorted(names):
        if not name.endswith(".rels"):
            continue
        folder = name.rpartition("/")[0]
        source_dir = posixpath.dirname(folder) if folder.endswith("_rels") else folder  # xl/_rels → xl

        def rel(tag: str, a: dict[str, str], source_dir: str = source_dir) -> None:
            if tag.rpartition(":")[2] != "Relationship" or a.get("TargetMode", "").lower() == "external":
                return
            kind = a.get("Type", "")
            if kind.startswith(_STRICT):
                pkg.strict = True
            target = a.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(source_dir, target)
            part = by_lower.get(posixpath.normpath(path).lower()) if path else None
            if part is None:
                return
            last = kind.rpartition("/")[2]
            declared = content_type(part)
            if last in _XML_RELATIONSHIPS and (declared is None or _is_xml_type(declared)):
                pkg.xml_parts.add(part)
            if last in _SHEET_RELATIONSHIPS:
                pkg.sheet_parts.add(part)

        _stream(zf, name, rel)
    for part in names:
        declared = content_type(part) or ""
        if part.endswith((".xml", ".rels")) or _is_xml_type(declared):
            pkg.xml_parts.add(part)
        if _SHEET_PART.fullmatch(part) or declared.strip().lower() == _WORKSHEET_TYPE:
            pkg.sheet_parts.add(part)
    pkg.xml_parts |= pkg.sheet_parts
    return pkg


def _stream(zf: zipfile.ZipFile, name: str, start: object) -> None:
    """Stream-parse an index part with a start-element handler; entities are refused."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _doctype_refusal(name)
    parser.EntityDeclHandler = _doctype_refusal(name)
    parser.StartElementHandler = start
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _Refused(
            "R003",
            f"工作簿已损坏：内部文件 {name}（工作簿的目录）格式错误（第 {exc.lineno} 行）。请在 Excel/WPS 中打开并重新保存后再试。",
        ) from None


def _doctype_refusal(name: str):  # noqa: ANN202 — an expat handler
    def refuse(*_: object) -> None:
        raise _Refused(
            "R008",
            f"工作簿内部文件 {name} 含有 XML 实体定义（DOCTYPE/ENTITY），正常的 Excel 文件不会有，可能是恶意构造的文件，已拒绝读取。",
        )

    return refuse


def _strict_refusal(file: str) -> InputError:
    return _fail(
        file,
        "R070",
        "这是“Strict Open XML 电子表格”格式的工作簿（Excel“另存为”时可选的一种严格格式），程序只能读取普通的 Excel 工作簿。"
        "请在 Excel 中打开它，选择“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，保存后再试"
        "（WPS：“另存为”Microsoft Excel 文件(*.xlsx)）。",
    )


class _Refused(Exception):
    def __init__(self, code: str, message: str, cell: str = ""):
        super().__init__(message)
        self.code, self.message, self.cell = code, message, cell


@dataclass
class _SheetScan:
    cells: int = 0
    last_valued: tuple[int, str] = (0, "")  # (row, cell reference) of the lowest cell with a value
    last_any: int = 0
    strict: bool = False  # the root element is in a Strict Open XML namespace


def _scan_part(zf: zipfile.ZipFile, name: str, budget: list[int], is_sheet: bool) -> _SheetScan:
    """Stream-parse one XML part: no DTD or entities; for sheets, count cells and find extents.

    budget[0] is the number of cells still allowed in the workbook.
    """
    scan = _SheetScan()
    parser = expat.ParserCreate()
    state = {"row": 0, "cell": (0, "")}
    parser.StartDoctypeDeclHandler = _doctype_refusal(name)
    parser.EntityDeclHandler = _doctype_refusal(name)

    def root(tag: str, attrs: dict[str, str]) -> None:
        scan.strict = any(k.startswith("xmlns") and v.startswith(_STRICT) for k, v in attrs.items())
        parser.StartElementHandler = start if is_sheet else None
        if is_sheet:
            start(tag, attrs)

    parser.StartElementHandler = root
    if is_sheet:

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag.rpartition(":")[2]
            if local == "row":
                r = attrs.get("r", "")
                state["row"] = int(r) if r.isdigit() else state["row"] + 1
                state["cell"] = (state["row"], "")
            elif local == "c":
                scan.cells += 1
                budget[0] -= 1
                ref = attrs.get("r", "")
                m = _CELL_REF.fullmatch(ref)
                row = int(m.group(2)) if m else state["row"]
                state["cell"] = (row, ref)
                scan.last_any = max(scan.last_any, row)
                if budget[0] < 0:
                    raise _Refused(
                        "R009",
                        f"工作簿的单元格数量超过 {MAX_CELLS} 个，远超标准工作簿所需，已拒绝读取。"
                        "可能有大片区域被填充或设置了格式：请删除表格以外多余的行和列后重新保存。",
                        ref,
                    )
            elif local in ("mergeCell", "hyperlink"):
                ref = attrs.get("ref", "")
                area, last_row = _area(ref)
                budget[0] -= area
                scan.last_any = max(scan.last_any, last_row)
                if budget[0] < 0 or last_row > MAX_ROW:
                    what = "合并单元格" if local == "mergeCell" else "超链接"
                    raise _Refused(
                        "R009",
                        f"{what}区域 {ref} 过大（{area} 个单元格，到第 {last_row} 行），远超标准工作簿所需，已拒绝读取。"
                        f"请取消这一{what}或缩小范围后重新保存。",
                        ref,
                    )
            elif local in ("v", "is", "f"):
                row, ref = state["cell"]
                if row > scan.last_valued[0]:
                    scan.last_valued = (row, ref)
                if row > MAX_ROW:
                    raise _Refused(
                        "R009",
                        f"单元格 {ref or f'第 {row} 行'} 有内容（可能是空格或不可见字符），远在报告内容之外"
                        f"（标准工作簿用不到第 {MAX_ROW} 行以下）。请删除该单元格所在的多余行后重新保存。",
                        ref,
                    )

    with zf.open(name) as fh:
        while chunk := fh.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return scan


def _area(ref: str) -> tuple[int, int]:
    """(cells covered, last row) of a range like A1:C5; an unreadable one counts as huge."""
    parts = ref.split(":")
    coords = [_CELL_REF.fullmatch(p.replace("$", "")) for p in parts]
    if not ref or len(parts) > 2 or not all(coords):
        return MAX_CELLS + 1, MAX_ROW + 1
    rows = [int(m.group(2)) for m in coords]  # type: ignore[union-attr]
    cols = [_col_number(m.group(1)) for m in coords]  # type: ignore[union-attr]
    return (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1), max(rows)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name (xl/worksheets/sheet3.xml) → sheet name (引言), from workbook.xml and its rels."""
    out: dict[str, str] = {}
    try:
        for part in ("xl/_rels/workbook.xml.rels", "xl/workbook.xml"):
            if zf.getinfo(part).file_size > 1024 * 1024:
                return out  # not inflated: the size check that follows refuses it
        rels: dict[str, str] = {}
        p = expat.ParserCreate()
        p.StartElementHandler = lambda tag, a: (
            rels.__setitem__(a.get("Id", ""), a.get("Target", "")) if tag.endswith("Relationship") else None
        )
        p.Parse(zf.read("xl/_rels/workbook.xml.rels"), True)
        q = expat.ParserCreate()

        def sheet(tag: str, a: dict[str, str]) -> None:
            if tag.rpartition(":")[2] == "sheet":
                rid = next((v for k, v in a.items() if k.endswith("id") and k != "sheetId"), "")
                target = rels.get(rid, "")
                part = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                )
                out[part] = a.get("name", "")

        q.StartElementHandler = sheet
        q.Parse(zf.read("xl/workbook.xml"), True)
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, ValueError):
        pass  # names are only for messages; openpyxl reports a broken workbook.xml itself
    return out


@contextmanager
def _zip_errors(file: str) -> Iterator[None]:
    try:
        yield
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise _fail(
            file, "R003", f"工作簿已损坏或不完整（{_zip_problem(exc)}），无法读取。请重新保存或重新下载后再试。"
        ) from None


def _scan_one(zf: zipfile.ZipFile, result: GuardResult, part: str, sheet: str, is_sheet: bool) -> None:
    """Stream one XML part (_scan_part); a refusal becomes the clerk's InputError."""
    file = result.file
    try:
        scan = _scan_part(zf, part, result.budget, is_sheet)
    except _Refused as exc:
        raise _fail(file, exc.code, exc.message, sheet, exc.cell) from None
    except expat.ExpatError as exc:
        where = f"工作表“{sheet}”" if sheet else f"内部文件 {part}"
        raise _fail(
            file,
            "R003",
            f"工作簿已损坏：{where}的内容不完整或格式错误（第 {exc.lineno} 行）。请在 Excel/WPS 中打开并重新保存后再试。",
            sheet,
        ) from None
    if scan.strict:
        raise _strict_refusal(file)
    if scan.last_any > MAX_ROW and sheet:
        result.trim_rows[sheet] = max(scan.last_valued[0], 1)


def sheet_limits_passed(result: GuardResult, part: str, cells: int, areas: list[str], rows: tuple[int, int]) -> bool:
    """The reader's single parse of a deferred sheet, against the limits _scan_part applies:
    cells (and merged or linked areas) within the workbook's budget, no value below MAX_ROW.

    rows: (last row with any cell, last row with a value). Records the rows to trim. False when
    a limit is passed: the reader then calls refuse_sheet, which says which one, as before.
    """
    result.budget[0] -= cells
    last_any, last_valued = rows
    for ref in areas:
        area, last_row = _area(ref)
        result.budget[0] -= area
        last_any = max(last_any, last_row)
        if last_row > MAX_ROW:
            return False
    if result.budget[0] < 0 or last_valued > MAX_ROW:
        return False
    sheet = result.deferred.get(part, "")
    if last_any > MAX_ROW and sheet:
        result.trim_rows[sheet] = max(last_valued, 1)
    return True


def refuse_sheet(zf: zipfile.ZipFile, result: GuardResult, part: str, budget: int) -> InputError:
    """A deferred sheet the reader could not take (over a limit, an entity, Strict, broken XML):
    the guard's own streaming scan names the reason; budget is what was left before the sheet."""
    result.budget[0] = budget
    with _zip_errors(result.file):
        _scan_one(zf, result, part, result.deferred.get(part, ""), True)
    return _fail(
        result.file,
        "R003",
        f"工作簿已损坏：工作表“{result.deferred.get(part, '') or part}”的内容无法读取。请在 Excel/WPS 中打开并重新保存后再试。",
        result.deferred.get(part, ""),
    )


def finish(zf: zipfile.ZipFile, result: GuardResult, read: set[str]) -> None:
    """After the reader: scan the deferred sheets it did not read; name the sheets trimmed."""
    with _zip_errors(result.file):
        for part, sheet in result.deferred.items():
            if part not in read:
                _scan_one(zf, result, part, sheet, True)
    result.deferred = {}
    _trim_notes(result)


def _trim_notes(result: GuardResult) -> None:
    for sheet, last in result.trim_rows.items():
        result.notes.append(
            Diagnostic("R061", Severity.INFO, f"第 {last} 行以下只有设置了格式的空白单元格，已忽略。", result.file, sheet)
        )


def inspect(path: Path, defer_sheets: bool = False) -> GuardResult:
    """Refuse a file that is not a readable, reasonably sized .xlsx; say what will be ignored.

    defer_sheets: worksheets up to DEFER_MAX_BYTES are left to the reader's single parse
    (GuardResult.deferred), which must check them and then call finish().
    """
    file = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise _fail(file, "R001", f"无法打开文件：{describe(exc)}。") from None
    if not head.startswith(b"PK\x03\x04") and not (size == 22 and head.startswith(b"PK\x05\x06")):
        raise _not_a_zip(path, head, size)
    if size > MAX_FILE_BYTES:
        raise _fail(
            file,
            "R007",
            f"文件有 {size / 1024 / 1024:.0f} MB，远超正常工作簿（通常不到 1 MB），已拒绝读取。请删除无关的工作表、图片后重新保存。",
        )
    result = GuardResult(file=file)
    with _zip_errors(file), zipfile.ZipFile(path) as zf:
        infos, sheets = _check_directory(zf, file)
        try:
            package = _package(zf, infos)
        except _Refused as exc:
            raise _fail(file, exc.code, exc.message) from None
        if package.strict:
            raise _strict_refusal(file)
        if not package.sheet_parts:
            raise _no_sheets(file)
        for info in infos:
            if info.filename not in package.xml_parts or info.is_dir():
                continue
            is_sheet = info.filename in package.sheet_parts
            sheet = sheets.get(info.filename, "")
            if defer_sheets and is_sheet and info.file_size <= DEFER_MAX_BYTES:
                result.deferred[info.filename] = sheet
                continue
            _scan_one(zf, result, info.filename, sheet, is_sheet)
        names = {i.filename for i in infos}
    if "xl/vbaProject.bin" in names or any(n.startswith("xl/activeX/") for n in names):
        result.notes.append(
            Diagnostic(
                "R060",
                Severity.WARNING,
                "工作簿含有宏（VBA）或控件。程序从不运行宏，只读取单元格中的值；宏已忽略。建议另存为不含宏的 .xlsx。",
                file,
            )
        )
    if not defer_sheets:
        _trim_notes(result)
    return result


def _zip_problem(exc: BaseException) -> str:
    text = str(exc)
    if "CRC" in text or isinstance(exc, zlib.error):
        return "压缩数据校验失败"
    if isinstance(exc, NotImplementedError) or "compression" in text:
        return "使用了不支持的压缩方式"
    if isinstance(exc, EOFError) or "truncated" in text.lower() or "end of" in text.lower():
        return "文件被截断"
    return "压缩包结构错误"
