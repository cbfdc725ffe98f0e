"""Replace a set of files in one folder so that, even after a crash, all or none of them change.

Why a roll-back journal in the folder, not “write a fresh folder and switch once”: the output
folder is shared — a collecting office writes every unit's report into the same ``outputs/2021/``
and clerks keep their own files there — and on Windows a folder cannot be renamed while Word or a
browser holds one of its files open. So each file is switched by its own rename, and a small
journal makes the set of renames one step:

1. every new file is written in full to a temporary ``.~nianbao-<run>-<i>.tmp`` (mode: the umask,
   or that of the file it will replace), and each file to be replaced is kept as
   ``.~nianbao-<run>-<i>.bak`` (a hard link, or a copy where links are impossible);
2. the journal ``.~nianbao-<run>.journal`` names every target, temporary and backup; it is
   written and flushed to disk before the first rename;
3. the temporaries are renamed over the targets;
4. deleting the journal is the commit; the backups go after it.

A run that fails (an exception) undoes its renames at once. A run that is killed leaves its
journal: the next run in that folder (generate, or init for a workbook) puts every backup back
before doing anything else — a roll-back, because an interrupted run never told the clerk it had
finished, and because a rename refused by a locked file can only be undone, never completed. It
then deletes the dead run's hidden files, and the hidden leftovers of older versions of the
program for the files it writes. A journal only partly written means no rename had started.

Runs in the same folder may overlap (batch generation): each holds an operating-system lock on
its ``.~nianbao-<run>.lock`` (flock on POSIX, msvcrt on Windows) for its whole life, and only
files of runs whose lock is free — whose process has ended — are recovered or deleted.

Two runs writing into the same folder at once are serialised: a run holds the folder's own lock
(flock on the folder itself on POSIX; ``.~nianbao-folder.lock`` on Windows) from its checks
(is the file there another unit's report?) to its commit. The second run waits for it, at most
``NIANBAO_LOCK_WAIT`` seconds (default 120), and is then refused with a Chinese message (FolderBusy).

A set may also remove files (content None): the file is kept as a backup like a replaced one and
deleted with the same commit, so a stale output goes with the new ones or not at all.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

PREFIX = ".~nianbao-"
_OWN = re.compile(r"\.~nianbao-([0-9a-f]{12})(?:[-.].*)?\Z")
# Earlier versions of the program wrote mkstemp names: “.~” + the first 20 characters of the stem.
_LEGACY_SUFFIX = re.compile(r"[a-z0-9_]{8}\.(?:tmp|bak)\Z")
# A lock file is created, then locked: a moment in which it is unlocked but its run is alive.
_LOCK_GRACE_SECONDS = 60
# How long a run waits for another run writing into the same folder (NIANBAO_LOCK_WAIT overrides).
FOLDER_WAIT_SECONDS = 120.0
_FOLDER_LOCK = f"{PREFIX}folder.lock"  # Windows only: a folder cannot be locked there


class FolderBusy(OSError):
    """Another run kept the folder for longer than the wait allows."""

    def __init__(self, folder: Path, waited: float) -> None:
        reason = f"另一个 nianbao 进程正在写入同一文件夹，已等待 {waited:.0f} 秒仍未结束，请稍后重试"
        super().__init__(errno.EBUSY, reason)
        self.chinese_reason = reason
        self.filename = str(folder)


def checkpoint(step: str) -> None:
    """Called after each durable step; tests replace it to kill the process there."""


@dataclass
class Entry:
    target: str  # file names inside the folder
    temp: str | None  # None: the target is removed, not replaced
    backup: str | None  # None: there was no file to replace


def folder_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("NIANBAO_LOCK_WAIT", FOLDER_WAIT_SECONDS)))
    except ValueError:
        return FOLDER_WAIT_SECONDS


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the folder against other runs writing into it; FolderBusy after `wait` seconds."""
    wait = folder_wait() if wait is None else wait
    if os.name == "nt":
        fd = os.open(folder / _FOLDER_LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    else:
        fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while not (locked := try_lock_folder(fd)):
            if locked is None:
                break  # the file system cannot lock a folder (some network shares): go on as before
            if time.monotonic() >= deadline:
                raise FolderBusy(folder, wait)
            time.sleep(0.05)
        try:
            yield
        finally:
            if locked:
                _unlock(fd)
    finally:
        os.close(fd)


def try_lock_folder(fd: int) -> bool | None:
    """True: locked; False: another run holds it; None: this file system offers no such lock."""
    if os.name == "nt":
        return _try_lock(fd)
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


def write_set(
    folder: Path, files: dict[str, bytes | None], check: Callable[[], dict[str, bytes | None]] | None = None
) -> None:
    """Write name → bytes into folder (None: remove the file), all or nothing (see the module docstring).

    check runs while the folder is held against other runs, before anything is written: it may
    raise to refuse the set, or return more names to write or remove with it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        if check is not None:
            files = {**files, **check()}
        with _Run(folder) as run:
            run.recover_others(list(files))
            run.commit(files)


def recover(folder: Path) -> None:
    """Roll back any interrupted run in folder and delete its hidden files."""
    if folder.is_dir():
        with folder_lock(folder), _Run(folder) as run:
            run.recover_others([])


class _Run:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.token = secrets.token_hex(6)
        self.lock_fd: int | None = None

    def _path(self, suffix: str) -> Path:
        return self.folder / f"{PREFIX}{self.token}{suffix}"

    def __enter__(self) -> _Run:
        path = self._path(".lock")
        self.lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            _lock(self.lock_fd)
            os.write(self.lock_fd, str(os.getpid()).encode())
        except BaseException:
            self.__exit__()
            raise
        checkpoint("lock")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.lock_fd is not None
        _unlock(self.lock_fd)
        os.close(self.lock_fd)
        _unlink(self._path(".lock"))

    def recover_others(self, names: list[str]) -> None:
        """Roll back and clean up runs that died in this folder; old versions' leftovers of names."""
        listing = os.listdir(self.folder)
        tokens = sorted({m.group(1) for n in listing if (m := _OWN.match(n))} - {self.token})
        for token in tokens:
            try:
                _recover_token(self.folder, token)
            except OSError:
                # Left for a later run — unless that run's backups would later land on our files.
                entries = _read_journal(self.folder / f"{PREFIX}{token}.journal") or []
                if {e.target for e in entries} & set(names):
                    raise
        stems = {Path(n).stem[:20] for n in names}
        for n in listing:
            if n.startswith(".~") and not _OWN.match(n) and _LEGACY_SUFFIX.search(n) and n[2:-12] in stems:
                _unlink(self.folder / n)

    def commit(self, files: dict[str, bytes | None]) -> None:
        entries: list[Entry] = []
        journal = self._path(".journal")
        journal_written = False
        tidy = True
        try:
            for i, (name, data) in enumerate(files.items()):
                if data is None:
                    if (self.folder / name).exists():
                        entries.append(Entry(name, None, None))
                    continue
                entry = Entry(name, f"{PREFIX}{self.token}-{i}.tmp", None)
                entries.append(entry)
                _write_new(self.folder / entry.temp, data, _mode_of(self.folder / name))
                checkpoint(f"temp {i}")
            for i, entry in enumerate(entries):
                target = self.folder / entry.target
                if target.exists():
                    entry.backup = f"{PREFIX}{self.token}-{i}.bak"
                    _keep(target, self.folder / entry.backup)
                    checkpoint(f"backup {i}")
            body = json.dumps([e.__dict__ for e in entries], ensure_ascii=False).encode()
            journal_written = True
            _write_new(journal, body, None)
            _sync_folder(self.folder)
            checkpoint("journal")
            for i, entry in enumerate(entries):
                if entry.temp is None:
                    os.unlink(self.folder / entry.target)
                else:
                    os.replace(self.folder / entry.temp, self.folder / entry.target)
                checkpoint(f"replace {i}")
            _sync_folder(self.folder)
            os.unlink(journal)  # the commit
            _sync_folder(self.folder)
            checkpoint("commit")
        except BaseException:
            if journal_written:
                try:
                    _undo(self.folder, entries)
                    _unlink(journal)
                except OSError:
                    tidy = False  # the journal stays: the next run finishes the roll-back
            raise
        finally:
            if tidy:
                for entry in entries:
                    for name in (entry.temp, entry.backup):
                        if name:
                            _unlink(self.folder / name)
                checkpoint("cleanup")


def _recover_token(folder: Path, token: str) -> None:
    lock = folder / f"{PREFIX}{token}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        fd = None  # the lock goes last: what is left belongs to no live run
    except OSError:
        return  # cannot tell: leave it alone
    try:
        if fd is not None:
            if not _try_lock(fd):
                return  # that run is still working
            young = time.time() - os.fstat(fd).st_mtime < _LOCK_GRACE_SECONDS
            if os.fstat(fd).st_size == 0 and young:
                return  # created an instant ago and not yet locked by its owner
        journal = folder / f"{PREFIX}{token}.journal"
        entries = _read_journal(journal)
        if entries:
            _undo(folder, entries)
        for n in os.listdir(folder):
            m = _OWN.match(n)
            if m and m.group(1) == token and n != lock.name and n != journal.name:
                _unlink(folder / n)
        _unlink(journal)
    finally:
        if fd is not None:
            _unlock(fd)
            os.close(fd)
    _unlink(lock)


def _read_journal(path: Path) -> list[Entry] | None:
    """The journal's entries; None when absent or cut short (then no rename had started)."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
        entries = [Entry(str(e["target"]), e["temp"], e["backup"]) for e in raw]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for e in entries:
        for name in (e.target, e.temp, e.backup):
            if name is not None and (
                not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name
            ):
                return None  # a journal this program did not write: touch nothing
    return entries


def _undo(folder: Path, entries: list[Entry]) -> None:
    """Put the replaced files back; idempotent, so a crash while undoing is undone again."""
    for e in entries:
        target = folder / e.target
        if e.backup is None:
            if e.temp is not None and not (folder / e.temp).exists():  # the new file was renamed into place: remove it
                _unlink(target)
        elif (folder / e.backup).exists():
            os.replace(folder / e.backup, target)
    _sync_folder(folder)


def _mode_of(path: Path) -> int | None:
    """The permission bits of the file about to be replaced, kept for its successor."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _write_new(path: Path, data: bytes, mode: int | None) -> None:
    """Create path (the umask applies), write data, set mode, flush to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if mode is not None and os.name != "nt":
                os.chmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(path)
        raise


def _keep(target: Path, backup: Path) -> None:
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make renames durable (POSIX); Windows offers no folder handle to flush."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    if not _try_lock(fd, wait=True):
        raise OSError("cannot lock")


def _try_lock(fd: int, wait: bool = False) -> bool:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass
