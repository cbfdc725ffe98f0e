"""What keeps the desk safe on an office network: form tokens, security headers, a size limit.

- CSRF: every form that changes state carries a token, the HMAC of a random per-browser cookie
  under the data folder's key ("signed double submit"); a post without the matching pair is
  refused before the upload is looked at.
- Headers on every answer: a Content-Security-Policy that allows nothing from outside (no
  scripts at all), no MIME sniffing, no framing (the report preview may be framed by the desk
  itself only), no referrer.
- The upload limit is enforced on the raw request body, before anything is parsed or stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf_token"
# Room for the multipart envelope and the form's other fields around the file itself.
ENVELOPE_BYTES = 64 * 1024

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The report's own page (shown in the desk's frame): its inline <style>, nothing else.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


class Csrf:
    """Signed double-submit tokens bound to a per-browser random cookie."""

    def __init__(self, key: bytes):
        self.key = key

    def token_for(self, cookie: str) -> str:
        return hmac.new(self.key, cookie.encode("ascii", "replace"), hashlib.sha256).hexdigest()

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(32)

    def valid(self, request: Request, token: str | None) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.token_for(cookie), token)


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: streaming bodies pass untouched)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                framed = headers.get("content-security-policy") == PREVIEW_CSP
                headers.setdefault("Content-Security-Policy", PAGE_CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "SAMEORIGIN" if framed else "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuse a request body larger than `limit` bytes (413) before the application reads it.

    A declared Content-Length over the limit is refused at once; a body sent without one is
    counted as it arrives and cut off when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int, refuse: ASGIApp):
        self.app, self.limit, self.refuse = app, limit + ENVELOPE_BYTES, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self.refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self.refuse(scope, receive, send)


class _TooLarge(Exception):
    pass
