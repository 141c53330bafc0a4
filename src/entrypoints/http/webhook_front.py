"""Provider callbacks served as plain ASGI, in front of Litestar's routing.

A callback is the service's most frequent request, and Litestar's routing, dependency
injection and middleware stack cost more CPU than the callback's own work. `WebhookFront`
answers the callback routes itself and hands every other request (other paths and methods,
lifespan, websockets) to Litestar unchanged, so a 404 or 405 is answered as before.

Rules (an answer of the front is the answer the Litestar route would give):
- routes: `POST /payment/webhook/{provider}/`, `POST|PUT /payment/webhook/mtn/`,
  `POST /payment/webhook/{provider}/{country}/` (PUT too when the provider is `mtn`); the
  trailing slash is optional, as in Litestar. Anything odd (a root path, a bad Host header,
  empty or extra segments) goes to Litestar;
- the same input rules (`check_request`), the same storing (`receive_callback`), the same
  answers: 200 `{"received":true}` (Moov Togo: its XML), or the problem `handle_exception`
  renders, a 500 `internal_error` included (never a stack trace);
- what the app's middleware gives every answer: the security headers, `X-Request-ID` (bound
  to the log lines of the handling, background settlement included), one request-log line
  with the path as Litestar's router leaves it (no trailing slash), the latency histogram
  under the route template Litestar uses (`/payment/webhook/{provider}`).
A middleware added to the app later must be added here too if callbacks need it."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, cast
from urllib.parse import parse_qsl

import msgspec
import structlog
from litestar import Request
from litestar._asgi.utils import is_valid_host
from litestar.datastructures import MultiDict
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, InternalServerException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ASGIApp, HTTPResponseStartEvent, HTTPScope, Message, Receive, Scope, Send

from adapters.http_metrics import observe_request
from adapters.request_log import RequestLog
from entrypoints.container import Container, resolve
from entrypoints.http import wire
from entrypoints.http.accepted_input import check_request
from entrypoints.http.callback_intake import (
    MAX_WEBHOOK_BODY,
    PUT_PROVIDER,
    XML_ANSWERS,
    Callback,
    Intake,
    receive_callback,
)
from entrypoints.http.client_address import address_of_peer
from entrypoints.http.problems import handle_exception
from entrypoints.http.request_id import HEADER as REQUEST_ID
from entrypoints.http.request_id import request_id_of
from entrypoints.http.security_headers import page_headers

Headers = list[tuple[bytes, bytes]]

_PATH = re.compile(r"/payment/webhook/([^/]+)(?:/([^/]+))?/?")
#: The route templates Litestar puts in `scope["path_template"]` (the latency label).
ONE = "/payment/webhook/{provider}"
MTN = "/payment/webhook/mtn"
ACCOUNT = "/payment/webhook/{provider}/{country}"

_RECEIVED = msgspec.json.encode(wire.Received())
_JSON = [(b"content-type", b"application/json"), (b"content-length", str(len(_RECEIVED)).encode())]


@dataclass(frozen=True, slots=True)
class Route:
    """A matched callback: `name` as the intake knows it (`wave`, `moov/tg`), `path` as
    Litestar's router leaves it, `template` as its latency label names it."""

    name: str
    path: str
    template: str
    params: dict[str, str]


def match(method: str, path: str) -> Route | None:
    """The callback route of this request, or None when Litestar must answer it."""
    found = _PATH.fullmatch(path)
    if found is None or method not in ("POST", "PUT"):
        return None
    provider, country = found.groups()
    if method == "PUT" and provider != PUT_PROVIDER:
        return None  # Litestar's 405, as before
    normal = path.rstrip("/")
    if country is not None:
        params = {"provider": provider, "country": country}
        return Route(f"{provider}/{country}", normal, ACCOUNT, params)
    if provider == PUT_PROVIDER:
        return Route(provider, normal, MTN, {})
    return Route(provider, normal, ONE, {"provider": provider})


class ScopeHeaders(Mapping[str, str]):
    """An ASGI scope's headers, by name without regard to case; the first of repeated ones
    (as Litestar's `request.headers`)."""

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self._raw = raw = list(raw)
        found: dict[str, str] = {}
        for name, value in raw:
            found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        self._found = found

    def __getitem__(self, name: str) -> str:
        return self._found[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def every(self, name: bytes) -> list[str]:
        return [value.decode("latin-1") for key, value in self._raw if key.lower() == name]


async def read_body(receive: Receive, content_length: str | None) -> bytes:
    """The body, as Litestar's `request.body()` reads it under the callbacks' limit: 413
    before reading when `Content-Length` announces more, or as soon as more has come."""
    if content_length is not None:
        try:
            announced = int(content_length)
        except ValueError:
            raise ClientException(f"Invalid content-length: {content_length!r}") from None
        if announced > MAX_WEBHOOK_BODY:
            raise RequestEntityTooLarge
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise InternalServerException("client disconnected prematurely")
        if message["type"] != "http.request":
            continue
        if chunk := message.get("body", b""):
            total += len(chunk)
            if total > MAX_WEBHOOK_BODY:
                raise RequestEntityTooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def intake_of(container: Container) -> Callable[[], Awaitable[Intake]]:
    """What the routes' dependencies give them, asked of `container` for each callback."""

    async def intake() -> Intake:
        handle = await resolve(container.handle_webhook)
        after, metrics = await resolve(container.after_answer), await resolve(container.metrics)
        return Intake(handle, after, metrics, (await resolve(container.rate_limits)).bad_webhooks)

    return intake


class WebhookFront:
    """The ASGI app in front of `inner` (Litestar's own handler); see the module's rules.
    `intake`: what storing a callback needs, for each callback; `trusted_proxies`: as in
    `client_address`."""

    def __init__(
        self,
        inner: ASGIApp,
        intake: Callable[[], Awaitable[Intake]],
        request_log: RequestLog,
        *,
        production: bool,
        trusted_proxies: tuple[str, ...],
    ) -> None:
        self.inner = inner
        self._intake, self._log, self._trusted = intake, request_log, trusted_proxies
        self._added = page_headers(production)
        self._json = [*_JSON, *self._added]
        self._xml = {
            name: (body, [*_content(b"text/xml; charset=utf-8", body), *self._added])
            for name, body in XML_ANSWERS.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = _route_of(scope)
        if route is None:
            await self.inner(scope, receive, send)
            return
        await self._serve(route, cast(HTTPScope, scope), receive, send)

    async def _serve(self, route: Route, scope: HTTPScope, receive: Receive, send: Send) -> None:
        started, status = time.perf_counter(), 500
        request_id = request_id_of(scope)
        scope["path"], scope["path_params"] = route.path, route.params
        # one bind and its reset (`bound_contextvars` copies the whole context twice)
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            status = await self._answer(route, scope, receive, send, request_id)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
            elapsed, method = time.perf_counter() - started, scope["method"]
            self._log.answered(method, route.path, status, elapsed, request_id)
            observe_request(route.template, method, status, elapsed)

    async def _answer(
        self, route: Route, scope: HTTPScope, receive: Receive, send: Send, request_id: str
    ) -> int:
        try:
            check_request(scope)
            await receive_callback(await self._intake(), self._callback(route, scope, receive))
        except Exception as error:
            return await self._problem(error, scope, receive, send, request_id)
        body, headers = self._xml.get(route.name) or (_RECEIVED, self._json)
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 200,
            "headers": [*headers, (REQUEST_ID, request_id.encode())],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
        return 200

    def _callback(self, route: Route, scope: HTTPScope, receive: Receive) -> Callback:
        headers = ScopeHeaders(scope["headers"])
        client = scope.get("client")
        peer = client[0] if client else "unknown"
        forwarded = partial(headers.every, b"x-forwarded-for")
        address = address_of_peer(peer, forwarded, self._trusted)
        query = scope.get("query_string", b"")
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, separator="&")
        body = partial(read_body, receive, headers.get("content-length"))
        return Callback(route.name, address, headers, MultiDict(pairs), body)

    async def _problem(
        self, error: Exception, scope: HTTPScope, receive: Receive, send: Send, request_id: str
    ) -> int:
        """The answer Litestar's exception handling gives, with the middleware's headers."""
        scope.setdefault("state", {})
        request: Request[Any, Any, Any] = Request(scope, receive)
        response = handle_exception(request, error)
        added = [*self._added, (REQUEST_ID, request_id.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *added]
            await send(message)

        answer = response.to_asgi_response(app=None, request=request)
        await answer(scope, receive, send_with_headers)
        return int(response.status_code or 500)


def _route_of(scope: Scope) -> Route | None:
    if scope["type"] != ScopeType.HTTP or scope.get("root_path"):
        return None
    route = match(scope["method"], scope["path"])
    return route if route is not None and _host_ok(scope["headers"]) else None


def _host_ok(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Litestar's router refuses a malformed Host header (400): leave those to it."""
    host = next((value for name, value in headers if name == b"host"), None)
    return host is None or is_valid_host(host)


def _content(media_type: bytes, body: bytes) -> Headers:
    return [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
