"""`payments listen --forward-to URL`: the store's notifications, forwarded to a local URL.

How it receives them (as Stripe's CLI does, nothing to open on the developer's machine): it
polls `GET /api/v1/events` with the store's API key, and POSTs each new event to `--forward-to`
as the service would: the same body (`{"id", "type", "created_at", "data"}`) and a
`Payments-Signature` made with the store's webhook secret, so the shop checks it as usual. The
service's own delivery to the store's `notification_url` is untouched: listen only reads.

Rules: one line per event (time, type, object id, event id, and the forward's status code and
duration, or why it failed); a forward that fails is reported, not retried; the service being
briefly unreachable is reported and polling goes on; a refused key ends the command (exit 1)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from typing import IO, Any

import httpx
import msgspec

from adapters.signing import HmacSignatureScheme
from application.event_handlers import NOTIFIED
from entrypoints.developer.connection import (
    MissingOption,
    add_service_options,
    api_client,
    api_key,
    service_url,
    webhook_secret,
)
from entrypoints.developer.feed import EventFeed, FeedRefused
from entrypoints.developer.paint import paint

SIGNATURE_HEADER = "Payments-Signature"
#: What a store can be told of (an unknown type given to --events is a typing error).
KNOWN_TYPES = NOTIFIED | {"provider.degraded", "provider.recovered"}
FORWARD_TIMEOUT = 10.0


def add_command(commands: Any) -> None:
    listen = commands.add_parser(
        "listen", help="forward the store's notifications to a local URL, one line each"
    )
    listen.add_argument(
        "--forward-to", required=True, metavar="URL", help="where to POST each notification"
    )
    listen.add_argument(
        "--events",
        action="append",
        default=[],
        metavar="TYPES",
        help="only these types, comma-separated (payment.succeeded,refund.failed); default all",
    )
    listen.add_argument(
        "--interval", type=float, default=1.0, help="seconds between two polls (default 1)"
    )
    add_service_options(listen, secret=True)
    listen.set_defaults(run=run)


def run(_: object, args: argparse.Namespace, out: IO[str] = sys.stdout) -> int:
    try:
        url, key, secret = service_url(args), api_key(args), webhook_secret(args)
    except MissingOption as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.forward_to.startswith(("http://", "https://")):
        print(
            f"error: --forward-to must be an http(s):// URL, not {args.forward_to!r}",
            file=sys.stderr,
        )
        return 2
    wanted = frozenset(t.strip() for group in args.events for t in group.split(",") if t.strip())
    if unknown := sorted(wanted - KNOWN_TYPES):
        known = ", ".join(sorted(KNOWN_TYPES))
        print(f"error: no such event type {', '.join(unknown)} (known: {known})", file=sys.stderr)
        return 2
    forward = Forwarder(args.forward_to, secret)
    with api_client(url, key) as client:
        feed = EventFeed(client, wanted)
        try:
            feed.start()
        except FeedRefused as error:
            print(f"error: the service refused the API key ({error})", file=sys.stderr)
            return 1
        except httpx.HTTPError as error:
            print(f"error: cannot read {url}/api/v1/events: {error}", file=sys.stderr)
            return 1
        print(f"Ready. Forwarding the store's events from {url} to {args.forward_to}", file=out)
        print("(only events from now on; Ctrl-C to stop)", file=out, flush=True)
        return _loop(feed, forward, args.interval, out)


def _loop(feed: EventFeed, forward: Forwarder, interval: float, out: IO[str]) -> int:
    while True:
        try:
            for event in feed.new_events():
                print(forward(event).line(out), file=out, flush=True)
        except FeedRefused as error:
            print(f"error: the service refused the API key ({error})", file=sys.stderr)
            return 1
        except httpx.HTTPError as error:
            print(f"the service does not answer ({type(error).__name__}); polling again", file=out)
        time.sleep(interval)


def notification_body(event: dict[str, Any]) -> bytes:
    """The body the service sends for this event (docs/api.md, Notifications to the store)."""
    keys = ("id", "type", "created_at", "data")
    return msgspec.json.encode({k: event[k] for k in keys})


class Forwarded(msgspec.Struct, frozen=True, kw_only=True):
    event_id: str
    type: str
    object_id: str
    status: int | None
    error: str | None
    milliseconds: int

    def line(self, out: IO[str]) -> str:
        now = datetime.now().strftime("%H:%M:%S")
        ok = self.status is not None and 200 <= self.status < 300
        outcome = f"[{self.status}]" if self.status is not None else f"[{self.error}]"
        return (
            f"{now}  {paint(self.type, 'bold', out):<30} {self.object_id:<30} "
            f"--> {paint(outcome, 'green' if ok else 'red', out)} "
            f"in {self.milliseconds} ms  [{self.event_id}]"
        )


class Forwarder:
    """POSTs an event's body with a fresh `Payments-Signature` to one URL."""

    def __init__(self, url: str, secret: str, transport: httpx.BaseTransport | None = None) -> None:
        self._url = url
        self._signer = HmacSignatureScheme(secret.encode(), separator=b".")
        self._client = httpx.Client(
            timeout=FORWARD_TIMEOUT, follow_redirects=False, transport=transport
        )

    def __call__(self, event: dict[str, Any]) -> Forwarded:
        body = notification_body(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "payments-listen/1",
            SIGNATURE_HEADER: self._signer.sign(body),
        }
        started = time.perf_counter()
        status, error = None, None
        try:
            status = self._client.post(self._url, content=body, headers=headers).status_code
        except httpx.HTTPError as failure:
            error = _reason(failure)
        return Forwarded(
            event_id=event["id"],
            type=event["type"],
            object_id=str(event.get("data", {}).get("object", {}).get("id", "-")),
            status=status,
            error=error,
            milliseconds=int((time.perf_counter() - started) * 1000),
        )


def _reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused"
    if isinstance(error, httpx.TimeoutException):
        return f"no answer in {FORWARD_TIMEOUT:.0f} s"
    return type(error).__name__
