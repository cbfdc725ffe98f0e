"""Writing output files: atomically, under the output folder, with names a clerk recognises."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import journal

# Characters Windows forbids in names, as their full-width look-alikes: “××局/办公室” stays readable.
_FULL_WIDTH = str.maketrans(
    {"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜", ">": "＞", "|": "｜"}
)
# Control, format (zero-width, bidi overrides) and unassigned/surrogate characters: never in a name.
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 80
# Linux allows 255 bytes per name; keep room for “.docx” and the temporary file's affixes.
MAX_NAME_BYTES = 200


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def safe_filename(title: str, fallback: str = "政府信息公开工作年度报告", year: int | None = None) -> str:
    """A file name stem that is valid on Windows and cannot leave its folder.

    A title too long for a file name keeps its ending from the year on (“2021年…年度报告”): the
    unit part is shortened, marked with “…” and a short hash of the whole title, so two long
    names that begin alike still get different files.
    """
    name = unicodedata.normalize("NFC", title).translate(_FULL_WIDTH)
    name = "".join(" " if c.isspace() else c for c in name if unicodedata.category(c) not in _INVISIBLE or c.isspace())
    name = re.sub(r" +", " ", name).strip(" .")
    if not name.strip(" ._-"):
        name = fallback
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    if _fits(name):
        return name
    marker = f"…（{hashlib.sha256(title.encode('utf-8')).hexdigest()[:6]}）"
    split = name.rfind(str(year)) if year else -1
    if split <= 0 or not _fits(marker + name[split:] + "x" * 4):
        split = len(name) - 16  # no year to keep, or a year far from the end: keep the last words
    head, tail = name[:split].rstrip(" "), name[split:]
    while head and not _fits(head + marker + tail):
        head = head[:-1]
    return (head.rstrip(" .") + marker + tail) or fallback


def contained(folder: Path, name: str) -> Path:
    """folder / name, refusing any name that would land outside folder."""
    target = folder / name
    if target.parent != folder or name in ("", ".", "..") or os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"file name escapes its folder: {name!r}")
    return target


def _bytes(content: bytes | Callable[[Any], None]) -> bytes:
    """Content as bytes; a writer writes into memory first, so a full disk cannot interrupt it
    half-way (an open zip writer left behind would complain in English when collected)."""
    if isinstance(content, bytes):
        return content
    buf = io.BytesIO()
    content(buf)
    return buf.getvalue()


def atomic_write(path: Path, content: bytes | Callable[[Any], None]) -> None:
    """Write one file atomically: complete or not at all, with the umask's or the old file's mode."""
    atomic_write_many({path: content})


Content = bytes | Callable[[Any], None] | None


def atomic_write_many(files: dict[Path, Content], check: Callable[[], dict[Path, None]] | None = None) -> None:
    """Write several files of one folder so that either all new versions land or none do,
    even if the process is killed half-way (see generator/journal.py). Content None removes
    the file with the same commit (a stale output).

    check runs while no other run writes into the folder: it may refuse (raise) or name more
    files to remove with the set.
    """
    folders = {p.parent for p in files}
    if len(folders) != 1:
        raise ValueError("atomic_write_many writes into one folder")
    folder = folders.pop()
    data = {p.name: None if c is None else _bytes(c) for p, c in files.items()}

    def checked() -> dict[str, bytes | None]:
        extra = check() if check is not None else {}
        if any(p.parent != folder for p in extra):
            raise ValueError("atomic_write_many writes into one folder")
        return {p.name: None for p in extra}

    journal.write_set(folder, data, checked)


def refuse_other_units(targets: list[Path], title: str) -> None:
    """Refuse to replace a report of another unit that happens to get the same file name
    (“局/办公室” and “局／办公室”, or names that differ only in letter case on Windows)."""
    from .diagnostics import UserError
    from .provenance import read_recorded, title_sha256

    for path in targets:
        if not path.is_file():
            continue
        try:
            recorded, meta = read_recorded(path)
        except (OSError, ValueError, zipfile.BadZipFile, KeyError):
            continue  # not a report this program can read: replaced as before
        recorded_hash = meta.get("nianbao-title-sha256") or (title_sha256(recorded) if recorded else "")
        if recorded_hash and recorded_hash != title_sha256(title):
            raise UserError(
                f"{path} 已经存在，它是“{recorded}”；本次生成的是“{title}”，两者的文件名相同。"
                "为防止一个单位的报告覆盖另一个单位的，没有写入任何文件。"
                "请用 --output-dir 把两个单位的报告分开存放；如果是同一单位改了名称，请先删除或改名旧文件。"
            )


def stale_reports(folder: Path, keep: list[Path]) -> list[Path]:
    """The DOCX and HTML files in folder, other than keep, that this program wrote (they record
    their provenance): in a folder of one unit's reports, what an earlier title left behind."""
    from .provenance import read_recorded

    kept = {p.name for p in keep}
    out: list[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    for name in names:
        path = folder / name
        if name in kept or name.startswith(".") or path.suffix.lower() not in (".docx", ".html"):
            continue
        if not path.is_file() or path.is_symlink():
            continue
        try:
            _, meta = read_recorded(path)
        except (OSError, ValueError, zipfile.BadZipFile, KeyError, UnicodeDecodeError):
            continue  # not a report this program wrote: a clerk's own file stays
        if meta.get("nianbao-version") and meta.get("nianbao-workbook-sha256"):
            out.append(path)
    return out
