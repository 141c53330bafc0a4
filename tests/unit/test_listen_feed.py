"""`payments listen`: which events it forwards, and what the shop receives (a fake service
behind httpx's MockTransport stands for `GET /api/v1/events`; the end-to-end test with the real
service and the client's `verify_notification` is tests/integration/test_developer_cli.py)."""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

import httpx
import pytest

from adapters.signing import HmacSignatureScheme
from entrypoints.developer import listen
from entrypoints.developer.feed import POLL_REQUEST_ID, EventFeed, FeedRefused
from entrypoints.developer.listen import Forwarder, notification_body

SECRET = "whsec_test_secret"


def event(number: int, kind: str = "payment.succeeded") -> dict[str, Any]:
    return {
        "id": f"evt_{number:04d}",
        "type": kind,
        "created_at": "2026-03-14T09:26:53.589Z",
        "data": {"object": {"id": f"pay_{number:04d}", "status": "succeeded"}},
        "delivery": {"state": "pending", "attempts": 0},
    }


class FakeEventsApi:
    """The store's events, newest first, paginated like the service (`limit`, `starting_after`)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.status = 200
        self.request_ids: list[str] = []

    def add(self, *new: dict[str, Any]) -> None:
        self.events.extend(new)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.request_ids.append(request.headers.get("x-request-id", ""))
        if self.status != 200:
            return httpx.Response(self.status, json={"code": "unauthorized", "detail": "no"})
        newest_first = sorted(self.events, key=lambda e: e["id"], reverse=True)
        after = request.url.params.get("starting_after")
        if after:
            newest_first = [e for e in newest_first if e["id"] < after]
        limit = int(request.url.params.get("limit", "20"))
        page, more = newest_first[:limit], len(newest_first) > limit
        cursor = page[-1]["id"] if more else None
        return httpx.Response(200, json={"data": page, "has_more": more, "next_cursor": cursor})


@pytest.fixture
def api() -> FakeEventsApi:
    return FakeEventsApi()


def feed(api: FakeEventsApi, wanted: frozenset[str] = frozenset()) -> EventFeed:
    client = httpx.Client(base_url="http://service", transport=httpx.MockTransport(api))
    return EventFeed(client, wanted)


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in events]


def test_events_older_than_the_start_are_never_forwarded(api: FakeEventsApi) -> None:
    api.add(event(1), event(2))
    listening = feed(api)
    listening.start()
    assert listening.new_events() == []
    api.add(event(3))
    assert ids(listening.new_events()) == ["evt_0003"]


def test_each_new_event_comes_once_oldest_first(api: FakeEventsApi) -> None:
    listening = feed(api)
    listening.start()
    api.add(event(5), event(4), event(6))
    assert ids(listening.new_events()) == ["evt_0004", "evt_0005", "evt_0006"]
    assert listening.new_events() == []


def test_an_event_committed_late_with_an_older_id_is_still_forwarded(api: FakeEventsApi) -> None:
    listening = feed(api)
    listening.start()
    api.add(event(10))
    assert ids(listening.new_events()) == ["evt_0010"]
    api.add(event(9))  # another server process committed it after evt_0010 was read
    assert ids(listening.new_events()) == ["evt_0009"]


def test_more_new_events_than_a_page_are_all_forwarded(api: FakeEventsApi) -> None:
    api.add(event(1))
    listening = feed(api)
    listening.start()
    api.add(*[event(n) for n in range(2, 252)])
    assert ids(listening.new_events()) == [f"evt_{n:04d}" for n in range(2, 252)]


def test_only_the_wanted_types_are_forwarded(api: FakeEventsApi) -> None:
    listening = feed(api, frozenset({"refund.failed"}))
    listening.start()
    api.add(event(1, "payment.succeeded"), event(2, "refund.failed"))
    assert ids(listening.new_events()) == ["evt_0002"]


def test_a_refused_key_is_an_error_not_an_empty_feed(api: FakeEventsApi) -> None:
    api.status = 401
    with pytest.raises(FeedRefused, match="unauthorized"):
        feed(api).start()


def test_the_polls_say_they_are_listen_s(api: FakeEventsApi) -> None:
    feed(api).start()
    assert api.request_ids and all(r.startswith(POLL_REQUEST_ID) for r in api.request_ids)


def test_the_shop_receives_the_service_s_body_signed_with_the_store_s_secret() -> None:
    received: list[httpx.Request] = []

    def shop(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(204)

    forwarded = Forwarder("http://shop/hook", SECRET, httpx.MockTransport(shop))(event(7))
    (request,) = received
    shop_check = HmacSignatureScheme(SECRET.encode(), separator=b".")  # docs/api.md's rule
    shop_check.verify(request.headers["Payments-Signature"], request.content)
    assert set(json.loads(request.content)) == {"id", "type", "created_at", "data"}
    assert request.content == notification_body(event(7))
    assert (forwarded.status, forwarded.object_id, forwarded.error) == (204, "pay_0007", None)


def test_a_shop_that_does_not_answer_is_reported_not_raised() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    forwarded = Forwarder("http://shop/hook", SECRET, httpx.MockTransport(down))(event(8))
    assert (forwarded.status, forwarded.error) == (None, "connection refused")


def test_a_forward_address_without_its_scheme_is_refused_before_anything_is_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = argparse.Namespace(
        forward_to="localhost:8001/hook", url="http://service", api_key="k", webhook_secret="s"
    )
    assert listen.run(None, args, io.StringIO()) == 2
    assert "http(s)://" in capsys.readouterr().err


def test_an_unknown_event_type_is_refused_with_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = argparse.Namespace(
        forward_to="http://localhost:8001/hook",
        url="http://service",
        api_key="k",
        webhook_secret="s",
        events=["payment.succeeded,payment.succeded"],
    )
    assert listen.run(None, args, io.StringIO()) == 2
    said = capsys.readouterr().err
    assert "payment.succeded" in said and "refund.failed" in said
