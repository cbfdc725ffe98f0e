"""The office's sign-in: argon2 password hashes, sessions in a cookie, a slow-down after 5 misses.

argon2-cffi is the maintained binding of Argon2id (the winner of the Password Hashing
Competition, OWASP's first choice); its defaults are kept and `check_needs_rehash` upgrades old
hashes at the next sign-in.

A wrong password five times in a row blocks the account's next try for 30 seconds, doubling with
every further miss up to 15 minutes; a right password clears the count. An unknown name costs the
same hashing time as a known one, so the answer does not tell which names exist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .office_store import OfficeStore
from .storage import now

SESSION_COOKIE = "nianbao_office"
FREE_TRIES = 5
FIRST_WAIT_S = 30
LONGEST_WAIT_S = 15 * 60
MIN_PASSWORD = 10

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (Chinese), or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符。"
    if len(password) > 200:
        return "密码不能超过 200 个字符。"
    return None


def wait_after(failed: int) -> int:
    """Seconds the next try must wait after `failed` misses in a row (0 for the first five)."""
    if failed < FREE_TRIES:
        return 0
    return min(FIRST_WAIT_S * 2 ** (failed - FREE_TRIES), LONGEST_WAIT_S)


@dataclass
class SignIn:
    """The outcome of a sign-in: a session token, or a message for the page."""

    token: str | None = None
    message: str = ""


# One sign-in at a time per account: its count of misses is read, checked and written as one
# step, so tries sent at once cannot all pass the slow-down (they would all read the same count).
# Only existing accounts get a lock (as many as there are accounts); unknown names need none.
_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _account_lock(office: OfficeStore, name: str) -> contextlib.AbstractContextManager:
    user = office.user(name.strip()) if name.strip() else None
    if user is None:
        return contextlib.nullcontext()
    with _locks_guard:
        return _locks.setdefault(user.id, threading.Lock())


def sign_in(office: OfficeStore, name: str, password: str, at: dt.datetime | None = None) -> SignIn:
    """Check a name and password (slow on purpose: call it in a worker thread)."""
    with _account_lock(office, name):
        return _sign_in(office, name, password, at or now())


def _sign_in(office: OfficeStore, name: str, password: str, at: dt.datetime) -> SignIn:
    wrong = SignIn(message="用户名或密码不正确。")
    user = office.user(name.strip()) if name.strip() else None
    if user is None:
        try:
            _hasher.verify(_DUMMY, password)
        except VerificationError:
            pass
        return wrong
    if user.blocked_until is not None and user.blocked_until > at:
        seconds = int((user.blocked_until - at).total_seconds()) + 1
        return SignIn(message=f"连续输错密码次数过多，请在 {seconds} 秒后再试。本次没有核对密码。")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        wait = wait_after(user.failed + 1)
        office.record_failure(user.id, at + dt.timedelta(seconds=wait) if wait else None)
        if wait:
            return SignIn(message=f"用户名或密码不正确。已连续输错 {user.failed + 1} 次，请在 {wait} 秒后再试。")
        return wrong
    rehash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    return SignIn(token=office.record_success(user.id, rehash))


class FirstCode:
    """A one-time code printed at a start with no office account yet: whoever can read the
    server's console may create the first account at /office/setup. Five wrong codes end it
    (the next start prints a new one); it ends too once an account exists."""

    def __init__(self) -> None:
        import secrets

        self.code: str | None = secrets.token_hex(6)  # 48 bits, five tries
        self.misses = 0

    def take(self, offered: str) -> bool:
        """True once, for the right code; a wrong one counts towards the five."""
        import hmac

        if self.code is None:
            return False
        if hmac.compare_digest(self.code.encode(), offered.strip().lower().encode("utf-8", "replace")):
            self.code = None
            return True
        self.misses += 1
        if self.misses >= FREE_TRIES:
            self.code = None
        return False
