"""`payments trigger`: refused outside the sandbox, and each scenario asks the sandbox with the
test value that yields its event (a fake service behind httpx's MockTransport answers as the
sandbox would; tests/integration/test_developer_cli.py drives the real one)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.developer import sandbox_calls, trigger
from entrypoints.settings import Settings


class FakeSandbox:
    """Orders, sandbox payments and refunds settled at once by the documented test values."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []
        self.objects: dict[str, dict[str, Any]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.method, request.url.path, body))
        parts = request.url.path.strip("/").split("/")
        if request.method == "GET":
            return httpx.Response(200, json=self.objects[parts[-1]])
        if parts[-1] == "orders":
            return self._new("ord_1", {"status": "pending_payment"}, 201)
        if parts[-1] == "cancel":
            return self._new("ord_1", {"status": "cancelled"}, 200)
        if parts[-1] == "payments":
            outcome = {"01": "succeeded", "02": "failed"}.get(body["phone"][-2:], "pending")
            self.objects["pay_1"] = {"id": "pay_1", "status": outcome}
            return httpx.Response(201, json={"id": "pay_1", "status": "pending", "expires_at": "T"})
        outcome = "failed" if str(body["amount"]).endswith("02") else "succeeded"
        self.objects["rfd_1"] = {"id": "rfd_1", "status": outcome, "currency": "XOF"}
        return httpx.Response(201, json={**self.objects["rfd_1"], "status": "pending"})

    def _new(self, id_: str, fields: dict[str, Any], status: int) -> httpx.Response:
        self.objects[id_] = {"id": id_, **fields}
        return httpx.Response(status, json=self.objects[id_])


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> FakeSandbox:
    fake = FakeSandbox()
    real = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real(**kwargs, transport=httpx.MockTransport(fake))

    monkeypatch.setattr(trigger, "api_client", lambda url, key: client(base_url=url))
    monkeypatch.setattr(sandbox_calls, "POLL_SECONDS", 0)
    return fake


def args(event: str, key: str = "sk_test_abc") -> argparse.Namespace:
    return argparse.Namespace(event=event, url="http://service", api_key=key)


def test_refused_in_production_before_anything_is_sent(sandbox: FakeSandbox) -> None:
    production = Settings(environment="production")
    assert trigger.run(production, args("payment.succeeded"), io.StringIO()) == 2
    assert trigger.run(Settings(), args("payment.succeeded", "sk_live_abc"), io.StringIO()) == 2
    assert sandbox.calls == []


@pytest.mark.parametrize(
    ("event", "phone_ending", "refund_amount"),
    [
        ("payment.succeeded", "01", None),
        ("payment.failed", "02", None),
        ("payment.expired", "03", None),
        ("refund.succeeded", "01", 1000),
        ("refund.failed", "01", 1002),
    ],
)
def test_each_scenario_uses_the_sandbox_value_of_its_outcome(
    sandbox: FakeSandbox, event: str, phone_ending: str, refund_amount: int | None
) -> None:
    out = io.StringIO()
    assert trigger.run(Settings(), args(event), out) == 0
    posts = [(path, body) for method, path, body in sandbox.calls if method == "POST"]
    payment = next(body for path, body in posts if path.endswith("/payments"))
    assert payment["provider"] == "sandbox" and payment["phone"].endswith(phone_ending)
    refunds = [body["amount"] for path, body in posts if path.endswith("/refunds")]
    assert refunds == ([refund_amount] if refund_amount else [])
    assert f"Done: {event}" in out.getvalue()


def test_a_refused_step_fails_the_command_with_the_problem(
    sandbox: FakeSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"code": "provider_not_available", "detail": "sandbox"})

    monkeypatch.setattr(
        trigger,
        "api_client",
        lambda url, key: httpx.Client(base_url=url, transport=httpx.MockTransport(refuse)),
    )
    assert trigger.run(Settings(), args("order.cancelled"), io.StringIO()) == 1
    assert "provider_not_available" in capsys.readouterr().err


def test_docs_cli_lists_every_event_trigger_offers() -> None:
    page = (Path(__file__).parents[2] / "docs" / "cli.md").read_text()
    table = page.split("## `payments trigger EVENT`", 1)[1].split("\n## ", 1)[0]
    assert [e for e in trigger.SCENARIOS if f"`{e}`" not in table] == []
