"""Request hygiene that every route gets: a browser session id, CSRF tokens, security headers, body size.

CSRF: a token derived (HMAC) from the browser's session cookie must come back on every state-changing
request, in the X-CSRF-Token header (htmx, set once on <body>) or the csrf_token form field (plain forms);
requests that browsers mark as cross-site are refused before that.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "cd_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class CsrfRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BodyTooLarge(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(limit_bytes)
        self.limit_bytes = limit_bytes


def csrf_token_for(secret_key: str, session_id: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def session_id_of(request: Request) -> str:
    """The browser session id: from the cookie, or a new one that the middleware will set."""
    existing = request.scope.get("commentdesk.session_id")
    if existing:
        return str(existing)
    session_id = request.cookies.get(SESSION_COOKIE) or ""
    if not (32 <= len(session_id) <= 64 and session_id.isalnum()):
        session_id = new_anonymous_session_id()
        request.scope["commentdesk.new_session_id"] = session_id
    request.scope["commentdesk.session_id"] = session_id
    return session_id


def replace_session_cookie(request: Request, session_id: str, *, max_age: int | None = None) -> None:
    """A new browser session id (at sign-in and sign-out): the response sets it, and this response's pages
    already carry CSRF tokens derived from it."""
    request.scope["commentdesk.session_id"] = session_id
    request.scope["commentdesk.new_session_id"] = session_id
    request.scope["commentdesk.session_max_age"] = max_age


def new_anonymous_session_id() -> str:
    return secrets.token_hex(16)


def csrf_token(request: Request) -> str:
    return csrf_token_for(request.app.state.secret_key, session_id_of(request))


def check_origin(request: Request) -> None:
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRejected("This request came from another site and was refused.")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        expected = f"{request.url.scheme}://{request.url.netloc}"
        if origin != expected:
            raise CsrfRejected("This request came from another site and was refused.")


def check_csrf(request: Request, form: FormData | None) -> None:
    check_origin(request)
    sent = request.headers.get(CSRF_HEADER)
    if not sent and form is not None:
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not request.cookies.get(SESSION_COOKIE):
        raise CsrfRejected("The form has expired or was not sent from this site. Reload the page and try again.")
    if not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfRejected("The form has expired or was not sent from this site. Reload the page and try again.")


class SecurityHeadersMiddleware:
    """Sets the session cookie when new, and the headers every response needs."""

    def __init__(self, app: ASGIApp, *, https_only: bool) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                _add_security_headers(headers, is_static=scope["path"].startswith("/static/"))
                new_session = scope.get("commentdesk.new_session_id")
                if new_session:
                    cookie = f"{SESSION_COOKIE}={new_session}; Path=/; HttpOnly; SameSite=Lax"
                    max_age = scope.get("commentdesk.session_max_age")
                    if max_age:
                        cookie += f"; Max-Age={max_age}"
                    if self.https_only:
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_security_headers(headers: list[tuple[bytes, bytes]], *, is_static: bool) -> None:
    present = {name.lower() for name, _ in headers}
    wanted = {
        b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"same-origin",
        b"x-frame-options": b"DENY",
    }
    if not is_static:
        wanted[b"cache-control"] = b"no-store"  # team pages must not linger in shared caches or history
    headers.extend((name, value) for name, value in wanted.items() if name not in present)


class BodySizeLimitMiddleware:
    """Refuses request bodies over the limit before they are read whole, declared or streamed."""

    def __init__(self, app: ASGIApp, *, limit_bytes: Callable[[], int]) -> None:
        self.app = app
        self.limit_bytes = limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_bytes()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            scope["commentdesk.body_too_large"] = limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if scope.get("commentdesk.body_too_large"):
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: MutableMapping[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

