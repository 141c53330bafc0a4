"""CSRF protection of the pages' forms, bound to the session.

Litestar's double-submit check (the token of the form equals the `csrftoken` cookie, and
carries the service's HMAC) is kept, and the HMAC also covers what the session is: the
server-side session's id once signed in (`sid`, inside the encrypted session cookie),
"anonymous" before. So a token minted for one session works with no other: a token an
attacker mints anonymously (or in their own session) and plants beside a victim's session
cookie is refused (403). A page asked for after signing in or out gets a fresh token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

NONCE_BYTES = 32
ANONYMOUS = "anonymous"


def session_binding(scope: Scope) -> str:
    """What a token is bound to: the signed-in session's id, else "anonymous"."""
    session = scope.get("session")
    sid = session.get("sid") if isinstance(session, dict) else None
    return f"session:{sid}" if sid else ANONYMOUS


class SessionBoundCSRF(CSRFMiddleware):
    """`CSRFMiddleware` whose tokens are bound to the session (module docstring)."""

    def mint(self, binding: str) -> str:
        nonce = secrets.token_hex(NONCE_BYTES)
        return nonce + self._signature(nonce, binding)

    def valid(self, token: str, binding: str) -> bool:
        nonce, signature = token[: 2 * NONCE_BYTES], token[2 * NONCE_BYTES :]
        if len(nonce) != 2 * NONCE_BYTES or not signature:
            return False
        return hmac.compare_digest(signature, self._signature(nonce, binding))

    def _signature(self, nonce: str, binding: str) -> str:
        message = f"{nonce}|{binding}".encode()
        return hmac.new(self.config.secret.encode(), message, hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        binding, cookie = session_binding(scope), request.cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            fresh = cookie is None or not self.valid(cookie, binding)
            token = self.mint(binding) if fresh else cookie
            state.csrf_token = token
            await self.app(scope, receive, self._with_cookie(send, token) if fresh else send)
            return
        given = await self._given(request)
        if given and cookie and hmac.compare_digest(given, cookie) and self.valid(given, binding):
            state.csrf_token = given
            await self.app(scope, receive, send)
            return
        raise PermissionDeniedException("CSRF token verification failed")

    async def _given(self, request: Any) -> str | None:
        given: str | None = request.headers.get(self.config.header_name)
        content_type, _ = request.content_type
        if not given and content_type in {
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        }:
            value = (await request.form()).get("_csrf_token", None)
            given = value if isinstance(value, str) else None
        return given

    def _with_cookie(self, send: Send, token: str) -> Send:
        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                self._set_cookie_if_needed(message=message, token=token)
            await send(message)

        return send_with_cookie
