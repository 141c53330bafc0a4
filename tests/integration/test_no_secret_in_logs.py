"""No secret in any log line: an unexpected exception inside a real request (a store's API key
in `Authorization`, a vendor's session cookie, the store's `whsec_` signing secret and MTN's
credentials all held by its frames), then inside a background job holding the same provider
credentials, is logged through the service's own logging set-up, and neither stderr nor
`payments.log` carries any of those values. (structlog's exception renderer shows every
frame's local variables by default: these lines would hold them all.) The request log
(`requests.log`, read by `payments logs`) holds none either."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from tests.integration.conftest import StoreKeys, create_store
from tests.integration.provider_app import order_and_payment, provider_app
from tests.integration.test_pages import sign_in
from tests.logging_capture import captured_logs

from adapters.payment_log import FILE_NAME
from adapters.request_log import FILE_NAME as REQUEST_LOG
from entrypoints.jobs import job_app
from entrypoints.settings import SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET, Settings

MTN = "https://mtn.test"
ENV = {
    "MTN_MOMO_SUBSCRIPTION_KEY": "subscription-7f3e9a1c5b",
    "MTN_MOMO_API_USER": "0f1e2d3c-4b5a-4978-8877-665544332211",
    "MTN_MOMO_API_KEY": "mtn-api-key-d41d8cd98f00b204",
    "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast",
    "MTN_MOMO_BASE_URL": MTN,
}
MTN_TOKEN = "eyJ0eXAiOiJKV1Qi.mtn-access-token-5e2b"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with captured_logs() as stream:
        yield stream


def _exploding_status(request: httpx.Request) -> httpx.Response:
    """MTN's status route failing in a way nobody planned for; the message quotes what an
    unwary library might quote: the request's credentials."""
    raise RuntimeError(
        f"status lookup broke for {request.url}: Authorization: {request.headers['authorization']}"
    )


@pytest.fixture
def mtn() -> Iterator[respx.Router]:
    with respx.mock(using="stream", base_url=MTN, assert_all_called=False) as router:
        router.post("/collection/token/").respond(
            200, json={"access_token": MTN_TOKEN, "token_type": "access_token", "expires_in": 3600}
        )
        router.post("/collection/v1_0/requesttopay").respond(202)
        router.get(path__regex=r"^/collection/v1_0/requesttopay/").mock(
            side_effect=_exploding_status
        )
        yield router


def _secrets(store: StoreKeys, cookie: str) -> dict[str, str]:
    basic = base64.b64encode(f"{ENV['MTN_MOMO_API_USER']}:{ENV['MTN_MOMO_API_KEY']}".encode())
    return {
        "the store's API key": store.api_key,
        # the random part whole: token_urlsafe may itself hold "_", so never split on it
        "the store's API key without its prefix": store.api_key.removeprefix("sk_test_"),
        "the store's signing secret": store.webhook_secret,
        "the vendor's session cookie": cookie,
        "MTN's subscription key": ENV["MTN_MOMO_SUBSCRIPTION_KEY"],
        "MTN's API key": ENV["MTN_MOMO_API_KEY"],
        "MTN's basic credentials": basic.decode(),
        "MTN's access token": MTN_TOKEN,
        "the service's secret key": SANDBOX_SECRET,
        "the operator's token": SANDBOX_ADMIN_TOKEN,
    }


def _assert_no_secret(logs: str, secrets: dict[str, str]) -> None:
    for name, value in secrets.items():
        assert value not in logs, f"{name} appears in the logs"


async def test_an_unexpected_failure_logs_no_secret_in_a_request_or_a_job(
    settings: Settings, clean_db: None, pool: Any, captured: io.StringIO, mtn: respx.Router
) -> None:
    async with provider_app(settings, ENV) as client:
        store = await create_store(client)
        await sign_in(client, store)
        cookie = client.cookies.get("vendor_session")
        assert cookie, "the vendor is signed in"
        _, started = await order_and_payment(
            client, store, "mtn_momo", "+2250700000001", country="CI"
        )
        assert started.status_code == 201, started.text
        payment_id = started.json()["id"]

        # 1. In a request: the API key in Authorization, the session cookie along.
        verify = await client.post(
            f"/api/v1/payments/{payment_id}/verify",
            headers={**store.headers, "Cookie": f"vendor_session={cookie}"},
        )
        assert verify.status_code == 500
        assert verify.json()["code"] == "internal_error"

        # 2. In a job: reconciliation, through procrastinate's worker, as in production.
        async with pool.connection() as conn:
            await conn.execute(
                "UPDATE payments SET next_check_at = now() - interval '1 second' WHERE id = %s",
                (payment_id,),
            )
        jobs = job_app(client.app.state.container)
        async with jobs.open_async():
            await jobs.configure_task("payments.reconcile_due").defer_async(timestamp=0)
            await jobs.run_worker_async(
                wait=False, install_signal_handlers=False, listen_notify=False, concurrency=1
            )

    logs = captured.getvalue()
    payment_log = (Path(settings.log_dir) / FILE_NAME).read_text(encoding="utf-8")
    assert logs.count("RuntimeError") >= 2, "both failures were logged with their exception"
    assert "request.failed" in logs and "payments.reconcile_due" in logs
    assert payment_id in payment_log
    request_log = (Path(settings.log_dir) / REQUEST_LOG).read_text(encoding="utf-8")
    assert f"/api/v1/payments/{payment_id}/verify" in request_log
    _assert_no_secret(logs + payment_log + request_log, _secrets(store, cookie))
