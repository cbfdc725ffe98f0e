"""Everything the server keeps, all inside one data folder.

    DATA/nianbao.sqlite3          the database (unless --database names another one)
    DATA/uploads/ab/abcdef….xlsx  every uploaded workbook, named by its SHA-256, exactly as received
    DATA/tmp/                     uploads being received; emptied at every start
    DATA/secret.key               the key that signs form tokens (CSRF)

An upload is written to DATA/tmp, flushed to disk, moved to its content name and only then is
its database row committed: a process killed at any moment leaves either a complete submission
or none (an orphan file with no row is never shown). No uploaded name is ever part of a path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from ..diagnostics import Diagnostic, Severity

DATABASE_FILE = "nianbao.sqlite3"
CHUNK = 1 << 16


class UtcDateTime(TypeDecorator):
    """A moment in UTC: SQLite keeps no time zone, so it is stored as UTC and read back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201 — SQLAlchemy's signature
        if value is not None:
            value = value.astimezone(dt.timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A reporting unit of a year's roster (issue 16 fills it). Uploads at the open desk have none."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("year", "name", name="uq_units_year_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20), default="")
    in_rollup: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")  # the roster's 备注 (migration 0002)


class Submission(Base):
    """One upload, kept exactly as received: the bytes live in DATA/uploads under their hash."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")  # shown as text, never a path
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    checks: Mapped[list[Check]] = relationship(back_populates="submission", order_by="Check.id")


class Check(Base):
    """The findings on a submission by one tool version; a re-check adds a row, never replaces one."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    tool_version: Mapped[str] = mapped_column(String(40))
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(400), default="")
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    findings_json: Mapped[str] = mapped_column(Text, default="[]")  # [Diagnostic.to_dict(), …]
    submission: Mapped[Submission] = relationship(back_populates="checks")

    def findings(self) -> list[Diagnostic]:
        return [Diagnostic.from_dict(d) for d in json.loads(self.findings_json)]


@dataclass
class Received:
    """An upload written to DATA/tmp: its temporary path, SHA-256 and size."""

    path: Path
    sha256: str
    size: int


class TooLarge(Exception):
    """The upload is larger than the limit; nothing of it is kept."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows has no directory handles to flush; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 — SQLAlchemy's event signature
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cur.execute("PRAGMA synchronous=FULL")  # a committed row survives a power cut
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Store:
    """The data folder and its database."""

    def __init__(self, data_dir: Path, database_url: str | None = None):
        self.data = Path(data_dir)
        self.uploads = self.data / "uploads"
        self.tmp = self.data / "tmp"
        for folder in (self.data, self.uploads, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self.url = database_url or f"sqlite:///{(self.data / DATABASE_FILE).resolve().as_posix()}"
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    # --- start-up -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest version (alembic upgrade head); data is kept."""
        from .migrations import upgrade

        upgrade(self.engine)

    def clear_tmp(self) -> None:
        """Uploads cut off by a stop or a crash were never answered: drop them."""
        for p in self.tmp.iterdir():
            if p.is_file():
                p.unlink(missing_ok=True)

    def secret(self) -> bytes:
        """The key that signs form tokens, made once and kept in the data folder."""
        path = self.data / "secret.key"
        if not path.is_file():
            tmp = self.tmp / f"secret-{secrets.token_hex(8)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # never replaces a key another process made first
            except FileExistsError:
                pass
            tmp.unlink()
        return path.read_bytes()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    # --- uploads --------------------------------------------------------------------------
    def receive(self, source: BinaryIO, limit: int) -> Received:
        """Copy an upload into DATA/tmp under a random name, hashing it; refuse past `limit` bytes."""
        path = self.tmp / f"upload-{secrets.token_hex(16)}.part"
        digest, size = hashlib.sha256(), 0
        try:
            with open(path, "xb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge()
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Received(path, digest.hexdigest(), size)

    def blob(self, sha256: str) -> Path:
        """Where the upload with this hash is kept (a hash is hex digits: never a path of its own)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.uploads / sha256[:2] / f"{sha256}.xlsx"

    def keep(self, received: Received) -> Path:
        """Move a received upload to its content name, durably; the same bytes are kept once."""
        target = self.blob(received.sha256)
        target.parent.mkdir(exist_ok=True)
        if target.is_file() and target.stat().st_size == received.size:
            received.path.unlink(missing_ok=True)
            return target
        os.replace(received.path, target)
        _fsync_dir(target.parent)
        return target

    def add_submission(
        self, year: int, received: Received, original_name: str, check: Check, unit_id: int | None = None
    ) -> int:
        """Keep the file, then commit its row with its first check: the row appears only complete."""
        self.keep(received)
        with self.session() as s, s.begin():
            sub = Submission(
                year=year,
                unit_id=unit_id,
                sha256=received.sha256,
                size=received.size,
                original_name=original_name[:255],
                received_at=now(),
            )
            sub.checks.append(check)
            s.add(sub)
            s.flush()
            return sub.id

    def add_check(self, submission_id: int, check: Check) -> Check:
        """Record a re-check of a kept submission (earlier checks stay)."""
        with self.session() as s, s.begin():
            check.submission_id = submission_id
            s.add(check)
        return check

    def submissions(self, year: int, unit_id: int | None = None, limit: int | None = None) -> list[Submission]:
        """A desk's submissions of a year, newest first (the first is current), with their checks."""
        from sqlalchemy.orm import selectinload

        q = select(Submission).where(Submission.year == year).options(selectinload(Submission.checks))
        q = q.where(Submission.unit_id.is_(None) if unit_id is None else Submission.unit_id == unit_id)
        with self.session() as s:
            return list(s.scalars(q.order_by(Submission.id.desc()).limit(limit)))

    def count_of(self, year: int, unit_id: int | None = None) -> int:
        """How many submissions a desk has for a year."""
        from sqlalchemy import func

        q = select(func.count(Submission.id)).where(Submission.year == year)
        q = q.where(Submission.unit_id.is_(None) if unit_id is None else Submission.unit_id == unit_id)
        with self.session() as s:
            return s.scalar(q) or 0

    def submission(self, sub_id: int) -> Submission | None:
        from sqlalchemy.orm import selectinload

        if not storable_id(sub_id):
            return None
        with self.session() as s:
            return s.scalars(
                select(Submission).where(Submission.id == sub_id).options(selectinload(Submission.checks))
            ).first()

    def count_submissions(self) -> int:
        from sqlalchemy import func

        with self.session() as s:
            return s.scalar(select(func.count(Submission.id))) or 0


def check_record(findings: list[Diagnostic], tool_version: str, unit_name: str, title: str) -> Check:
    """A Check row for the findings of one reading of a workbook."""
    count = {s: sum(1 for d in findings if d.severity is s) for s in Severity}
    return Check(
        tool_version=tool_version,
        checked_at=now(),
        unit_name=unit_name[:200],
        title=title[:400],
        errors=count[Severity.ERROR],
        warnings=count[Severity.WARNING],
        infos=count[Severity.INFO],
        findings_json=json.dumps([d.to_dict() for d in findings], ensure_ascii=False),
    )


def storable_id(value: int) -> bool:
    """A row id the database can hold (a URL or form may carry any whole number)."""
    return 0 < value < 2**63
