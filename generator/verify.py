"""`generate verify`: is this signed document exactly what that workbook produces?

The document is regenerated from the workbook and compared with the file byte for byte. A DOCX
whose bytes differ is compared whole, entry by entry: the same parts, in the same order, with
the same entry details and not one stray byte is the same document compressed by another zlib;
the same parts otherwise are 重新打包; bytes before, between or after the entries are named. When they
differ, the provenance recorded in the file says whether the workbook, the program or the
content itself is what changed.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .provenance import Provenance, sha256_of

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


@dataclass(frozen=True)
class _Package:
    """A DOCX as a reviewer's comparison needs it: parts in order, entry details, stray bytes."""

    parts: tuple[tuple[str, bytes], ...]  # (name, content) in the package's order
    entries: tuple[tuple, ...]  # what each entry says besides its content (time, method, attributes)
    before: int  # bytes in front of the first entry (data prepended to the file)
    stray: int  # bytes no part of the package accounts for (appended, or between entries)

    @property
    def contents(self) -> dict[str, bytes]:
        return dict(self.parts)


_LOCAL = struct.Struct("<4s22xHH")  # local file header: signature …, name length, extra length
_END = b"PK\x05\x06"


def _package(data: bytes) -> _Package | None:
    """The package read whole: every byte is either a part, its headers or the central directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > _EXPANDED_LIMIT:
                return None  # far larger than any report: not read into memory
            parts = tuple((i.filename, z.read(i.filename)) for i in infos)
            comment = z.comment
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return None
    entries = tuple((i.filename, i.date_time, i.compress_type, i.external_attr, i.extra, i.comment) for i in infos)
    return _Package(parts, (*entries, ("", comment)), min((i.header_offset for i in infos), default=0), _stray(data, infos))


def _stray(data: bytes, infos: list[zipfile.ZipInfo]) -> int:
    """How many bytes of the file belong to no entry, header, central directory or end record."""
    end = data.rfind(_END)
    if end < 0 or len(data) < end + 22:
        return len(data)
    directory, comment = struct.unpack("<I4xH", data[end + 12 : end + 22])
    used = 22 + comment + directory
    for info in infos:
        head = data[info.header_offset : info.header_offset + _LOCAL.size]
        if len(head) < _LOCAL.size:
            return len(data)
        _, name, extra = _LOCAL.unpack(head)
        size = _LOCAL.size + name + extra + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data (never in a generated file)
            after = info.header_offset + size
            size += 16 if data[after : after + 4] == b"PK\x07\x08" else 12
        used += size
    return len(data) - used


def _docx_difference(actual: bytes, expected: bytes) -> tuple[str, str]:
    """(kind, where): kind is "same" (only the compressed streams differ: another zlib),
    "damaged", "stray" (bytes added to the file), "repacked" (every part identical) or "changed"."""
    got, want = _package(actual), _package(expected)
    if got is None or want is None:
        return "damaged", "文件不是完整的 Word 文件"
    if got.stray or got.before:
        added = [f"前面多出 {got.before} 字节"] if got.before else []
        if got.stray - got.before > 0:
            added.append(f"多出 {got.stray - got.before} 字节（附加在文件末尾或夹在各部分之间）")
        return "stray", "文件中有不属于 Word 文件的数据：" + "，".join(added)
    if got.parts == want.parts and got.entries == want.entries:
        return "same", ""
    got_d, want_d = got.contents, want.contents
    names = [n for n in dict.fromkeys([*want_d, *got_d]) if got_d.get(n) != want_d.get(n)]
    # Room for hidden data no Word reader shows: the archive's comment, each entry's extra field and comment.
    labels = [e[4:] for e in got.entries], [e[4:] for e in want.entries]
    if not names and (got.entries[-1] != want.entries[-1] or labels[0] != labels[1]):
        return "stray", "文件的各部分都相同，但压缩包的注释或附加字段中多了数据（Word 不显示，但已不是生成的原文件）"
    if not names and len(got.parts) == len(want.parts):
        how = "各部分的顺序不同" if [n for n, _ in got.parts] != [n for n, _ in want.parts] else "压缩方式或时间等打包信息不同"
        return "repacked", f"各部分的内容逐一相同，{how}"
    return "changed", "不同之处在：" + "、".join(dict.fromkeys(_PARTS.get(n, n) for n in names))


def _where(actual: bytes, expected: bytes, docx: bool) -> str:
    """Which parts (DOCX) or from which line (HTML) the file differs."""
    if docx:
        return _docx_difference(actual, expected)[1]
    a, e = actual.splitlines(), expected.splitlines()
    line = next((i for i, (x, y) in enumerate(zip(a, e)) if x != y), min(len(a), len(e)))
    return f"从第 {line + 1} 行起不同"


@dataclass(frozen=True)
class Conditions:
    """What the regeneration uses besides the workbook: what the document records it used."""

    previous: Path | None  # last year's workbook
    without_previous: bool
    parent_check: bool  # U1 against the units folder beside the workbook


def conditions(workbook: Path, year: int, recorded: dict[str, str], given: Path | None) -> Conditions:
    """Last year's workbook with the recorded hash, looked for where the document says it was,
    beside the workbook (generate) and in last year's units folder (batch); --previous wins.

    Made without one (or without the U1 check), the document is regenerated without it too, even
    if such a workbook or folder has appeared since.
    """
    parent = bool(recorded.get("nianbao-units-sha256"))
    if given is not None:
        return Conditions(given, False, parent)
    want = recorded.get("nianbao-previous-sha256", "")
    if not want:
        return Conditions(None, True, parent)
    found = [p for p in _previous_candidates(workbook, year, recorded.get("nianbao-previous-path", "")) if p.is_file()]
    match = next((p for p in found if sha256_of(p) == want), None)
    if match is None and not found:
        return Conditions(None, True, parent)
    return Conditions(match or found[0], False, parent)


def _previous_candidates(workbook: Path, year: int, recorded_path: str) -> list[Path]:
    from .pipeline import default_previous
    from .rollup.units import previous_workbook

    out = []
    # Text read from the document: only an .xlsx relative to this workbook is looked at, and it is
    # read like any last year's workbook (through the guard).
    if recorded_path and not Path(recorded_path).is_absolute() and recorded_path.lower().endswith(".xlsx"):
        out.append(workbook.parent / recorded_path)
    out.append(default_previous(workbook, year))
    for folder in workbook.parents:
        if folder.name == str(year) and (prev := previous_workbook(workbook, folder, year)) is not None:
            out.append(prev)
    return list(dict.fromkeys(out))


def _previous_cause(recorded: dict[str, str], now: Provenance) -> str:
    rec_hash, rec_path = recorded.get("nianbao-previous-sha256", ""), recorded.get("nianbao-previous-path", "")
    then = f"{rec_path}（SHA-256 {rec_hash}）" if rec_path else f"SHA-256 为 {rec_hash} 的工作簿"
    if not rec_hash:
        return (
            f"  · 上一年度工作簿不同：生成时没有用上一年度工作簿做跨年核对，现在用了 {now.previous_path or '一个'}"
            "（--previous）。请不带 --previous 核验。"
        )
    if not now.previous_sha256:
        return (
            f"  · 上一年度工作簿不同：生成时跨年核对用的是 {then}，现在找不到它（或无法读取）。"
            "请用 --previous 指定那个工作簿后再核验。"
        )
    return (
        f"  · 上一年度工作簿不同：生成时跨年核对用的是 {then}，现在的 {now.previous_path}"
        f"（SHA-256 {now.previous_sha256}）内容不同：上一年度工作簿在生成之后被修改过，或不是同一个。"
        "请用 --previous 指定生成时使用的上一年度工作簿后再核验。"
    )


def _units_cause(recorded: dict[str, str], now: Provenance, workbook: Path) -> str:
    then, count = recorded.get("nianbao-units-sha256", ""), recorded.get("nianbao-units-count", "")
    folder = workbook.parent / str(now.year)
    then_text = f"{count} 个文件" if count else "生成时的文件"
    now_text = f"现在有 {now.units_count} 个文件" if now.units_sha256 else "现在找不到这个文件夹或其中没有可汇总的工作簿"
    if then and not now.units_sha256 or (now.units_count and now.units_count != count):
        change = f"生成时有 {then_text}，{now_text}"
    else:
        change = f"文件数相同（{now.units_count} 个），但有工作簿被修改、替换或改名"
    return (
        f"  · 各单位工作簿已变化：生成时本表的各项数字与 {folder} 中各单位工作簿（及名单）的合计逐项核对过（U1），"
        f"{change}。核对结果因此可能不同；请用生成时的各单位工作簿核验，或重新生成并签发。"
    )


def compare(
    document: Path, workbook: Path, actual: bytes, expected: bytes, recorded: dict[str, str], now: Provenance
) -> tuple[bool, list[str]]:
    """(same, lines for the reviewer)."""
    docx = document.suffix.lower() == ".docx"
    kind = _docx_difference(actual, expected)[0] if docx and actual != expected else ""
    same = actual == expected or kind == "same"
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
    if recorded.get("nianbao-previous-sha256", "") != now.previous_sha256:
        causes.append(_previous_cause(recorded, now))
    if recorded.get("nianbao-units-sha256", "") != now.units_sha256:
        causes.append(_units_cause(recorded, now, workbook))
    explained = bool(causes)
    rec_templates = recorded.get("nianbao-templates-sha256", "")
    if rec_templates and rec_templates != now.templates_sha256:
        causes.append(
            "  · 模板不同：生成时用的模板（templates/ 或 NIANBAO_TEMPLATES 指定的单位模板）与本机现在用的不一样。"
            "请用生成时的模板核验。"
        )
    rec_counts = (recorded.get("nianbao-errors", ""), recorded.get("nianbao-warnings", ""))
    if all(rec_counts) and rec_counts != (str(now.errors), str(now.warnings)):
        why = "（原因见上）" if explained else ""
        causes.append(
            f"  · 校验结果不同：生成时错误 {rec_counts[0]} 条、警告 {rec_counts[1]} 条，现在错误 {now.errors} 条、"
            f"警告 {now.warnings} 条{why}。"
        )
    rec_program = recorded.get("nianbao-version", "")
    if rec_program and rec_program != now.program:
        causes.append(f"  · 生成程序版本不同：文件由 {rec_program} 生成，本机是 {now.program}。请用同一版本核验。")
    if causes:
        lines.append(
            f"  · 文件记录的工作簿正是 {workbook}，但生成时的条件与现在不同，无法判断文件是否被修改过（{_where(actual, expected, docx)}）："
        )
        lines.extend(causes)
    elif kind == "repacked":
        lines.append(
            f"  · 重新打包：文件记录的工作簿正是 {workbook}，生成条件也相同，文件中每个部分的内容都与它生成的结果相同，"
            f"但文件被重新打包过（{_where(actual, expected, docx)}，如用压缩软件解开后又重新压缩）。"
            "内容没有改动，但这已不是生成的原文件：请使用生成的原文件。"
        )
    elif kind == "stray":
        lines.append(
            f"  · 文件被附加了数据：文件记录的工作簿正是 {workbook}，生成条件也相同，但{_where(actual, expected, docx)}"
            "（打开 Word 时看不到）。文件在生成之后被修改过：请使用生成的原文件。"
        )
    else:
        lines.append(
            f"  · 内容不同：文件记录的工作簿正是 {workbook}，生成条件也相同，但文件内容与它生成的结果不一致"
            f"（{_where(actual, expected, docx)}）：文件在生成之后被修改过。"
        )
    return False, lines
