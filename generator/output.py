"""Writing output files: atomically, under the output folder, with names a clerk recognises."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def safe_filename(title: str, fallback: str = "政府信息公开工作年度报告") -> str:
    """A file name stem that is valid on Windows and cannot leave its folder."""
    name = unicodedata.normalize("NFC", title).translate(_FULL_WIDTH)
    name = "".join(" " if c.isspace() else c for c in name if unicodedata.category(c) not in _INVISIBLE or c.isspace())
    name = re.sub(r" +", " ", name).strip(" .")
    if not name.strip(" ._-"):
        name = fallback
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    name = name[:MAX_NAME_CHARS]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") or fallback


def contained(folder: Path, name: str) -> Path:
    """folder / name, refusing any name that would land outside folder."""
    target = folder / name
    if target.parent != folder or name in ("", ".", "..") or os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"file name escapes its folder: {name!r}")
    return target


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Call write(file object) on a temporary file in the same folder, then rename it into place.

    On any failure the temporary file is removed and an existing file at path is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + path.stem[:20], suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_many(files: dict[Path, Callable[[Any], None]]) -> None:
    """Write several files so that either all new versions land or none do.

    Every file is first written in full to a temporary; only when all succeeded are they
    renamed into place. Should a rename fail half-way, the files already replaced get their
    previous versions back (kept as hard links, or copies where links are not possible).
    """
    temps: dict[Path, str] = {}
    backups: dict[Path, str | None] = {}  # None: there was no previous file
    try:
        for path, write in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".~" + path.stem[:20], suffix=".tmp", dir=path.parent)
            temps[path] = tmp
            with os.fdopen(fd, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
        for path in temps:
            backups[path] = _backup(path)
        replaced: list[Path] = []
        try:
            for path, tmp in temps.items():
                os.replace(tmp, path)
                replaced.append(path)
        except BaseException:
            for path in replaced:
                _restore(path, backups[path])
            raise
        temps.clear()
    finally:
        for tmp in [*temps.values(), *(b for b in backups.values() if b)]:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def _backup(path: Path) -> str | None:
    if not path.exists():
        return None
    fd, keep = tempfile.mkstemp(prefix=".~" + path.stem[:20], suffix=".bak", dir=path.parent)
    os.close(fd)
    os.unlink(keep)
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)
    return keep


def _restore(path: Path, backup: str | None) -> None:
    try:
        if backup is None:
            os.unlink(path)
        else:
            os.replace(backup, path)
    except OSError:
        pass  # best effort: the original error is what the clerk needs to see
