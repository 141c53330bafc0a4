"""Provider health across real processes: Wave's simulator answers 503 to start calls, the
breaker opens for two `payments serve` processes on one database, new payments are refused at
once with Retry-After, Chromium sees Wave greyed out on the payment page, the store is told
once, and Wave's recovery closes the breaker for both."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from tests.integration.browser.conftest import PHONE, shoot
from tests.integration.reliability.conftest import FAST, Cluster, Vendor, free_port, store_api
from tests.integration.reliability.conftest import vendor as vendor  # the fixture
from tests.integration.simulators.conftest import Simulators

from entrypoints.simulators.config import SimulatorConfig

OPEN_SECONDS = 10  # long enough for the checks below on a loaded machine
#: Amounts whose last two digits choose the simulator's scenario: 07 answers 503 to the
#: start call, 03 opens a session that waits for the customer.
FAILING, HEALTHY = 5007, 5003
LATENCY_REPORT = Path(__file__).parents[3] / "test-output" / "provider-breaker-latency.txt"


@pytest.fixture
def simulators() -> Iterator[Simulators]:
    config = SimulatorConfig.from_env(
        {"PUBLIC_BASE_URL": "http://127.0.0.1:1"}, f"http://127.0.0.1:{free_port()}"
    )
    simulators = Simulators(config)
    simulators.start()
    yield simulators
    simulators.stop()


@pytest.fixture
def cluster(database_url: str, clean_db: None, tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster(database_url, tmp_path, FAST)
    yield cluster
    cluster.stop_all()


@pytest.fixture
def servers(cluster: Cluster, simulators: Simulators) -> tuple[str, str]:
    env = {
        **simulators.config.service_env(),
        "PROVIDER_BREAKER_FAILURES": "3",
        "PROVIDER_BREAKER_OPEN_SECONDS": str(OPEN_SECONDS),
    }
    one, two = cluster.server(**env), cluster.server(**env)
    cluster.worker(**env)  # watches the providers and tells the stores
    assert one.url and two.url
    return one.url, two.url


def start(api: Any, amount: int) -> httpx.Response:
    order = api.http.post(
        "/api/v1/orders", json={"reference": f"CMD-{amount}", "amount": amount, "currency": "XOF"}
    )
    assert order.status_code == 201, order.text
    response: httpx.Response = api.http.post(
        f"/api/v1/orders/{order.json()['id']}/payments", json={"provider": "wave"}
    )
    return response


def until(check: Any, seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


async def wave_tile(page: Page, url: str) -> dict[str, Any]:
    await page.goto(url)
    tile = page.locator('label.choice[data-provider="wave"]')
    return {
        "health": await tile.get_attribute("data-health"),
        "class": await tile.get_attribute("class"),
        "disabled": await tile.locator("input").is_disabled(),
        "sandbox_enabled": await page.locator('input[value="sandbox"]').is_enabled(),
    }


async def test_a_down_provider_is_refused_greyed_out_and_recovers(
    servers: tuple[str, str], vendor: Vendor, browser: Browser
) -> None:
    one, two = servers
    api_one, api_two = store_api(one, vendor.url), store_api(two)
    api_two.http.headers["Authorization"] = api_one.http.headers["Authorization"]

    for _ in range(3):
        failing = start(api_one, FAILING)
        assert failing.status_code == 201 and failing.json()["status"] == "pending"

    refused = until(lambda: (r := start(api_two, HEALTHY)).status_code == 503 and r)
    assert refused, "the second server did not see the breaker open"
    assert refused.json()["code"] == "provider_unavailable"
    assert 1 <= int(refused.headers["Retry-After"]) <= OPEN_SECONDS
    health = {p["provider"]: p for p in api_two.http.get("/api/v1/providers").json()["data"]}
    assert health["wave"]["status"] == "down" and health["sandbox"]["status"] == "operational"

    order = api_one.http.post(
        "/api/v1/orders", json={"reference": "CMD-9", "amount": 7500, "currency": "XOF"}
    ).json()
    checkout = order["checkout_url"].replace(one, two)
    context = await browser.new_context(viewport=PHONE, locale="fr-FR")
    page = await context.new_page()
    down = await wave_tile(page, checkout)
    assert down == {
        "health": "down",
        "class": "choice unavailable",
        "disabled": True,
        "sandbox_enabled": True,
    }
    assert (
        await page.locator("#health-wave").inner_text() == "Wave est indisponible pour le moment."
    )
    await shoot(page, "checkout-provider-down")
    _record_latency(api_one, api_two)

    degraded = vendor.wait_for("provider.degraded", seconds=20)
    assert degraded[0].event["data"]["object"]["provider"] == "wave"
    assert "Payments-Signature" in degraded[0].headers
    await _dashboard_shows_the_incident(page, two, api_one)

    # once OPEN_SECONDS have passed, half-open: a payment goes through as a probe
    probe = until(lambda: (r := start(api_one, HEALTHY)).status_code == 201 and r, 2 * OPEN_SECONDS)
    assert probe and probe.json()["next_action"]["type"] == "redirect"
    for _ in range(30):
        if (await wave_tile(page, checkout))["health"] == "operational":
            break
        time.sleep(0.1)
    assert await wave_tile(page, checkout) == {
        "health": "operational",
        "class": "choice",
        "disabled": False,
        "sandbox_enabled": True,
    }
    assert start(api_two, HEALTHY).status_code == 201
    vendor.wait_for("provider.recovered", seconds=20)
    assert len(vendor.events("provider.degraded")) == 1  # once per incident
    await context.close()


async def _dashboard_shows_the_incident(page: Page, server: str, api: Any) -> None:
    await page.goto(f"{server}/store/login/")
    await page.fill("#api_key", api.http.headers["Authorization"].removeprefix("Bearer "))
    await page.click("button[type=submit]")
    await page.wait_for_url("**/store/dashboard/")
    row = page.locator('#provider-health tr[data-provider="wave"]')
    assert await row.get_attribute("data-health") in ("down", "degraded")  # half-open later
    assert "Indisponible ·" in await row.inner_text()  # the incident, down at its worst
    assert "en cours" in await row.inner_text()
    await shoot(page, "dashboard-provider-down")


def _record_latency(*apis: Any) -> None:
    """The time of refused payments (create the order apart), written for the report; the
    test asserts behaviour, not timing."""
    timings = []
    for api in apis:
        for _ in range(20):
            order = api.http.post(
                "/api/v1/orders", json={"reference": "T", "amount": 5003, "currency": "XOF"}
            ).json()
            started = time.perf_counter()
            response = api.http.post(
                f"/api/v1/orders/{order['id']}/payments", json={"provider": "wave"}
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 503
    timings.sort()
    LATENCY_REPORT.parent.mkdir(parents=True, exist_ok=True)
    LATENCY_REPORT.write_text(
        f"refused payments: {len(timings)}, p50 {timings[len(timings) // 2]:.1f} ms, "
        f"max {timings[-1]:.1f} ms\n"
    )
