"""`generate verify`: is this signed document exactly what that workbook produces?

The document is regenerated from the workbook and compared with the file byte for byte (a DOCX
part by part, so that a different zlib cannot make equal documents look different). When they
differ, the provenance recorded in the file says whether the workbook, the program or the
content itself is what changed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .provenance import Provenance

_EXPANDED_LIMIT = 256 << 20
# What a reviewer calls the parts of a DOCX.
_PARTS = {
    "word/document.xml": "正文",
    "docProps/core.xml": "文档属性",
    "docProps/app.xml": "文档属性",
    "docProps/custom.xml": "生成记录（自定义属性）",
    "word/styles.xml": "样式",
    "word/settings.xml": "页面与文档设置",
}


def _parts(data: bytes) -> list[tuple[str, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > _EXPANDED_LIMIT:
                return None  # far larger than any report: not read into memory
            return [(i.filename, z.read(i.filename)) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None


def _foreign(data: bytes) -> bool:
    """Bytes before the package's first entry or after its end record: a file appended to (or
    put in front of) a DOCX, which Word and zip readers skip but which is not the document."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        return True
    if end + 22 + int.from_bytes(data[end + 20 : end + 22], "little") != len(data):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return min((i.header_offset for i in z.infolist()), default=0) != 0
    except (zipfile.BadZipFile, OSError, ValueError):
        return True


def _labels(data: bytes) -> tuple | None:
    """What a zip carries besides its parts: the archive's comment, each entry's comment and extra
    field (room for hidden data that no Word reader shows)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.comment, [(i.filename, i.comment, i.extra) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _same_package(actual: bytes, expected: bytes) -> bool:
    """The same parts, in the same order, and nothing else in the file: only the compression may
    differ (another zlib), which changes no byte of the document."""
    got = _parts(actual)
    return (
        got is not None
        and got == _parts(expected)
        and not _foreign(actual)
        and _labels(actual) == _labels(expected)
    )


def _where(actual: bytes, expected: bytes, docx: bool) -> str:
    """Which parts (DOCX) or from which line (HTML) the file differs."""
    if docx:
        got, want = _parts(actual), _parts(expected)
        if got is None or want is None:
            return "文件不是完整的 Word 文件"
        got_d, want_d = dict(got), dict(want)
        names = [n for n in dict.fromkeys([*want_d, *got_d]) if got_d.get(n) != want_d.get(n)]
        if not names and _foreign(actual):
            return "文件的各部分都相同，但文件前后附加了不属于 Word 文档的数据"
        if not names and [n for n, _ in got] == [n for n, _ in want]:
            return "文件的各部分都相同，但压缩包的注释或附加字段中多了数据"
        if not names:
            return "文件的各部分都相同，只是重新打包过（各部分的顺序不同）"
        return "不同之处在：" + "、".join(dict.fromkeys(_PARTS.get(n, n) for n in names))
    a, e = actual.splitlines(), expected.splitlines()
    line = next((i for i, (x, y) in enumerate(zip(a, e)) if x != y), min(len(a), len(e)))
    return f"从第 {line + 1} 行起不同"


def compare(
    document: Path, workbook: Path, actual: bytes, expected: bytes, recorded: dict[str, str], now: Provenance
) -> tuple[bool, list[str]]:
    """(same, lines for the reviewer)."""
    docx = document.suffix.lower() == ".docx"
    same = actual == expected or (docx and _same_package(actual, expected))
    summary = f"工作簿 SHA-256 {now.workbook_sha256}，{now.program}，错误 {now.errors} 条、警告 {now.warnings} 条"
    if same:
        return True, [f"一致：{document} 正是工作簿 {workbook} 生成的文件（{summary}）。"]
    lines = [f"不一致：{document} 不是工作簿 {workbook} 生成的结果。"]
    rec_hash = recorded.get("nianbao-workbook-sha256", "")
    if not rec_hash:
        lines.append("  · 文件中没有生成记录：它不是本程序生成的，或是由没有生成记录的旧版本生成的，或生成后被改写过。")
        return False, lines
    if rec_hash != now.workbook_sha256:
        lines.append(
            f"  · 工作簿不同：文件记录的工作簿 SHA-256 为 {rec_hash}，而 {workbook} 的是 {now.workbook_sha256}。"
            "这份文件来自另一个工作簿，或工作簿在生成之后又被修改、保存过。"
        )
        return False, lines
    # The same workbook: first what else went into the document and differs now, then (only if
    # nothing explains the difference) say the file was changed after it was made.
    causes = []
    rec_prev = recorded.get("nianbao-previous-sha256", "")
    if rec_prev != now.previous_sha256:
        causes.append(
            "  · 上一年度工作簿不同（跨年核对用的工作簿）：请用 --previous 指定生成时使用的上一年度工作簿后再核验。"
        )
    rec_templates = recorded.get("nianbao-templates-sha256", "")
    if rec_templates and rec_templates != now.templates_sha256:
        causes.append(
            "  · 模板不同：生成时用的模板（templates/ 或 NIANBAO_TEMPLATES 指定的单位模板）与本机现在用的不一样。"
            "请用生成时的模板核验。"
        )
    rec_counts = (recorded.get("nianbao-errors", ""), recorded.get("nianbao-warnings", ""))
    if all(rec_counts) and rec_counts != (str(now.errors), str(now.warnings)):
        causes.append(
            f"  · 校验结果不同：生成时错误 {rec_counts[0]} 条、警告 {rec_counts[1]} 条，现在错误 {now.errors} 条、"
            f"警告 {now.warnings} 条（如上一年度工作簿有变化，或无法读取）。"
        )
    rec_program = recorded.get("nianbao-version", "")
    if rec_program and rec_program != now.program:
        causes.append(f"  · 生成程序版本不同：文件由 {rec_program} 生成，本机是 {now.program}。请用同一版本核验。")
    if causes:
        lines.append(
            f"  · 文件记录的工作簿正是 {workbook}，但生成时的条件与现在不同，无法判断文件是否被修改过（{_where(actual, expected, docx)}）："
        )
        lines.extend(causes)
    elif docx and _parts(actual) is not None and dict(_parts(actual)) == dict(_parts(expected)):
        lines.append(f"  · {_where(actual, expected, docx)}：这不是生成时的原文件，请用原文件核验。")
    else:
        lines.append(
            f"  · 内容不同：文件记录的工作簿正是 {workbook}，生成条件也相同，但文件内容与它生成的结果不一致"
            f"（{_where(actual, expected, docx)}）：文件在生成之后被修改过。"
        )
    return False, lines
