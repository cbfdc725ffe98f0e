"""What the collecting office keeps (issue 16): accounts, sessions, rosters, units' links, decisions.

Tables (migration 0002): office_users, office_sessions, unit_links, decisions; the roster lives in
issue 15's `units` table. Secrets are never stored: a session's or a link's token is kept as its
SHA-256 (the tokens carry 256 bits of randomness, so a plain hash is enough), a password as its
argon2 hash (auth.py). A decision is its own row keyed to the upload it judges: a re-check adds a
Check row and never touches it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from ..rollup.roster import RosterUnit, key
from .storage import Base, Check, Received, Store, Submission, Unit, UtcDateTime, now, storable_id

RETURNED, ACCEPTED = "退回", "已审核"
DECISIONS = (RETURNED, ACCEPTED)
SESSION_HOURS = 12


class OfficeUser(Base):
    __tablename__ = "office_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    failed: Mapped[int] = mapped_column(Integer, default=0)  # wrong passwords in a row
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OfficeSession(Base):
    __tablename__ = "office_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class UnitLink(Base):
    __tablename__ = "unit_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # 退回 or 已审核
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SubmissionFigures(Base):
    """The headline figures of an upload (review.HEADLINES), kept when it is checked."""

    __tablename__ = "submission_figures"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    figures_json: Mapped[str] = mapped_column(Text, default="{}")


class OwnWorkbook(Base):
    """The government's own workbook of a year (unit information and text), uploaded by the office."""

    __tablename__ = "own_workbooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(100))


def token_hash(token: str) -> str:
    """The stored form of a high-entropy token (a session cookie or a unit's link)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    """256 bits from the system's CSPRNG, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


@dataclass
class UnitRow:
    """One roster unit as the office's pages show it: its current upload, check and decision."""

    unit: Unit
    current: Submission | None
    check: Check | None
    decision: Decision | None
    uploads: int
    figures: dict[str, str]


class RosterError(ValueError):
    """A roster change refused; the message is for the office (Chinese)."""


class OfficeStore:
    """The office's queries on issue 15's store (same engine, same data folder)."""

    def __init__(self, store: Store):
        self.store = store

    def session(self):  # noqa: ANN201
        return self.store.session()

    # --- accounts ---------------------------------------------------------------------------
    def users(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count(OfficeUser.id))) or 0

    def user(self, name: str) -> OfficeUser | None:
        with self.session() as s:
            return s.scalars(select(OfficeUser).where(OfficeUser.name == name)).first()

    def set_password(self, name: str, password_hash: str) -> None:
        with self.session() as s, s.begin():
            user = s.scalars(select(OfficeUser).where(OfficeUser.name == name)).first()
            if user is None:
                s.add(OfficeUser(name=name, password_hash=password_hash, failed=0, created_at=now()))
            else:
                user.password_hash, user.failed, user.blocked_until = password_hash, 0, None
                s.execute(delete(OfficeSession).where(OfficeSession.user_id == user.id))  # signs out everywhere

    def record_failure(self, user_id: int, blocked_until: dt.datetime | None) -> None:
        with self.session() as s, s.begin():
            s.execute(
                update(OfficeUser)
                .where(OfficeUser.id == user_id)
                .values(failed=OfficeUser.failed + 1, blocked_until=blocked_until)
            )

    def record_success(self, user_id: int, password_hash: str | None = None) -> str:
        """Clear the failure count and open a session; returns the cookie's token."""
        token = new_token()
        with self.session() as s, s.begin():
            values: dict = {"failed": 0, "blocked_until": None}
            if password_hash:
                values["password_hash"] = password_hash
            s.execute(update(OfficeUser).where(OfficeUser.id == user_id).values(**values))
            s.execute(delete(OfficeSession).where(OfficeSession.expires_at < now()))
            s.add(
                OfficeSession(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    created_at=now(),
                    expires_at=now() + dt.timedelta(hours=SESSION_HOURS),
                )
            )
        return token

    def signed_in(self, token: str) -> str | None:
        """The user name of a live session, or None."""
        if not token or len(token) > 100:
            return None
        with self.session() as s:
            row = s.execute(
                select(OfficeUser.name)
                .join(OfficeSession, OfficeSession.user_id == OfficeUser.id)
                .where(OfficeSession.token_hash == token_hash(token), OfficeSession.expires_at > now())
            ).first()
        return row[0] if row else None

    def sign_out(self, token: str) -> None:
        with self.session() as s, s.begin():
            s.execute(delete(OfficeSession).where(OfficeSession.token_hash == token_hash(token)))

    # --- roster -----------------------------------------------------------------------------
    def units(self, year: int) -> list[Unit]:
        with self.session() as s:
            return list(s.scalars(select(Unit).where(Unit.year == year).order_by(Unit.id)))

    def unit(self, unit_id: int) -> Unit | None:
        if not storable_id(unit_id):
            return None
        with self.session() as s:
            return s.get(Unit, unit_id)

    def roster(self, year: int) -> list[RosterUnit]:
        """The year's roster as `generate rollup` reads it (generator/rollup/roster.py)."""
        return [RosterUnit(u.name, u.category, u.in_rollup, u.note or "") for u in self.units(year)]

    def _clash(self, s, year: int, name: str, unit_id: int | None = None) -> None:  # noqa: ANN001
        for u in s.scalars(select(Unit).where(Unit.year == year)):
            if key(u.name) == key(name) and u.id != unit_id:
                raise RosterError(f"名单中已有“{u.name}”。")

    def add_unit(self, year: int, unit: RosterUnit) -> int:
        with self.session() as s, s.begin():
            self._clash(s, year, unit.name)
            row = _new_unit(year, unit)
            s.add(row)
            s.flush()
            return row.id

    def edit_unit(self, unit_id: int, name: str, category: str, included: bool) -> None:
        with self.session() as s, s.begin():
            row = s.get(Unit, unit_id)
            if row is None:
                raise RosterError("名单中没有这个单位。")
            self._clash(s, row.year, name, unit_id)
            row.name, row.category, row.in_rollup = name, category, included

    def remove_unit(self, unit_id: int) -> None:
        """Remove a unit that has never uploaded (an upload is never deleted: set 纳入汇总 to 否)."""
        with self.session() as s, s.begin():
            row = s.get(Unit, unit_id)
            if row is None:
                return
            if s.scalar(select(func.count(Submission.id)).where(Submission.unit_id == unit_id)):
                raise RosterError(
                    f"“{row.name}”已经上传过工作簿，不能从名单删除（上传永远保留）；可以把“纳入汇总”改为“否”。"
                )
            s.execute(delete(UnitLink).where(UnitLink.unit_id == unit_id))
            s.delete(row)

    def import_roster(self, year: int, units: list[RosterUnit]) -> tuple[int, int]:
        """Merge a roster read by read_roster: new names added, known names updated. (added, updated)"""
        added = updated = 0
        with self.session() as s, s.begin():
            known = {key(u.name): u for u in s.scalars(select(Unit).where(Unit.year == year))}
            for ru in units:
                row = known.get(key(ru.name))
                if row is None:
                    s.add(_new_unit(year, ru))
                    added += 1
                else:
                    row.category, row.in_rollup, row.note = ru.category, ru.included, ru.note
                    updated += 1
        return added, updated

    # --- links ------------------------------------------------------------------------------
    def issue_link(self, unit_id: int) -> str:
        """Revoke the unit's live link (if any) and issue a new one; the token is shown once."""
        token = new_token()
        with self.session() as s, s.begin():
            s.execute(
                update(UnitLink)
                .where(UnitLink.unit_id == unit_id, UnitLink.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            s.add(UnitLink(unit_id=unit_id, token_hash=token_hash(token), created_at=now()))
        return token

    def revoke_link(self, unit_id: int) -> None:
        with self.session() as s, s.begin():
            s.execute(
                update(UnitLink)
                .where(UnitLink.unit_id == unit_id, UnitLink.revoked_at.is_(None))
                .values(revoked_at=now())
            )

    def link_unit(self, token: str) -> Unit | None:
        """The unit a live link opens. The lookup is by the token's hash: an equality on a digest
        an attacker cannot steer, so no timing of the comparison leaks the stored token."""
        if not token or len(token) > 100:
            return None
        with self.session() as s:
            return s.scalars(
                select(Unit)
                .join(UnitLink, UnitLink.unit_id == Unit.id)
                .where(UnitLink.token_hash == token_hash(token), UnitLink.revoked_at.is_(None))
            ).first()

    def links_issued(self, year: int) -> dict[int, dt.datetime]:
        """unit id → when its live link was issued."""
        with self.session() as s:
            rows = s.execute(
                select(UnitLink.unit_id, UnitLink.created_at)
                .join(Unit, Unit.id == UnitLink.unit_id)
                .where(Unit.year == year, UnitLink.revoked_at.is_(None))
            )
            return {u: at for u, at in rows}

    # --- decisions --------------------------------------------------------------------------
    def decide(self, submission_id: int, kind: str, note: str, by: str) -> None:
        if kind not in DECISIONS:
            raise ValueError(kind)
        with self.session() as s, s.begin():
            s.add(Decision(submission_id=submission_id, kind=kind, note=note, decided_by=by, decided_at=now()))

    def decisions(self, submission_ids: list[int]) -> dict[int, list[Decision]]:
        """Every decision on these submissions, oldest first."""
        if not submission_ids:
            return {}
        out: dict[int, list[Decision]] = {}
        with self.session() as s:
            for d in s.scalars(
                select(Decision).where(Decision.submission_id.in_(submission_ids)).order_by(Decision.id)
            ):
                out.setdefault(d.submission_id, []).append(d)
        return out

    def latest_note(self, unit_id: int) -> tuple[Submission, Decision] | None:
        """The latest decision on any of a unit's uploads, with the upload it judged."""
        with self.session() as s:
            row = s.execute(
                select(Submission, Decision)
                .join(Decision, Decision.submission_id == Submission.id)
                .where(Submission.unit_id == unit_id)
                .order_by(Decision.id.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else None

    # --- the desk ---------------------------------------------------------------------------
    def rows(self, year: int) -> list[UnitRow]:
        """Every roster unit of the year with its current (latest) upload, check and decision.

        Four queries whatever the roster's size: units, latest submission per unit, their latest
        checks, their latest decisions.
        """
        units = self.units(year)
        with self.session() as s:
            latest = (
                select(Submission.unit_id, func.max(Submission.id).label("sid"), func.count(Submission.id).label("n"))
                .where(Submission.year == year, Submission.unit_id.is_not(None))
                .group_by(Submission.unit_id)
                .subquery()
            )
            current = {
                sub.unit_id: (sub, n)
                for sub, n in s.execute(
                    select(Submission, latest.c.n)
                    .join(latest, latest.c.sid == Submission.id)
                    .options(selectinload(Submission.checks))
                )
            }
        decisions = self.decisions([sub.id for sub, _ in current.values()])
        figures = self.figures([sub.id for sub, _ in current.values()])
        out = []
        for u in units:
            sub, n = current.get(u.id, (None, 0))
            check = sub.checks[-1] if sub is not None and sub.checks else None
            decision = decisions.get(sub.id, [None])[-1] if sub is not None else None
            out.append(UnitRow(u, sub, check, decision, n, figures.get(sub.id, {}) if sub is not None else {}))
        return out

    def keep_figures(self, submission_id: int, figures: dict[str, str]) -> None:
        with self.session() as s, s.begin():
            s.merge(
                SubmissionFigures(submission_id=submission_id, figures_json=json.dumps(figures, ensure_ascii=False))
            )

    def figures(self, submission_ids: list[int]) -> dict[int, dict[str, str]]:
        if not submission_ids:
            return {}
        with self.session() as s:
            rows = s.scalars(select(SubmissionFigures).where(SubmissionFigures.submission_id.in_(submission_ids)))
            return {r.submission_id: json.loads(r.figures_json) for r in rows}

    def add_own(self, year: int, received: Received, original_name: str, by: str) -> None:
        """Keep the government's own workbook (file first, then its row); earlier ones stay."""
        self.store.keep(received)
        with self.session() as s, s.begin():
            s.add(
                OwnWorkbook(
                    year=year,
                    sha256=received.sha256,
                    size=received.size,
                    original_name=original_name[:255],
                    received_at=now(),
                    uploaded_by=by,
                )
            )

    def own(self, year: int) -> OwnWorkbook | None:
        with self.session() as s:
            return s.scalars(
                select(OwnWorkbook).where(OwnWorkbook.year == year).order_by(OwnWorkbook.id.desc())
            ).first()

    def accepted_workbook(self, year: int, name: str) -> tuple[Submission, bool] | None:
        """The unit's last accepted (已审核) upload of `year` with True; else its latest upload with
        False (the office did not record decisions that year); None if it has none."""
        with self.session() as s:
            units = [u for u in s.scalars(select(Unit).where(Unit.year == year)) if key(u.name) == key(name)]
            if not units:
                return None
            subs = list(
                s.scalars(select(Submission).where(Submission.unit_id == units[0].id).order_by(Submission.id.desc()))
            )
        if not subs:
            return None
        decided = self.decisions([x.id for x in subs])
        for sub in subs:
            if decided.get(sub.id) and decided[sub.id][-1].kind == ACCEPTED:
                return sub, True
        return subs[0], False


def _new_unit(year: int, unit: RosterUnit) -> Unit:
    """A roster unit as a new row of the year."""
    return Unit(
        year=year,
        name=unit.name,
        category=unit.category,
        in_rollup=unit.included,
        note=unit.note,
        created_at=now(),
    )
