"""Several accounts per provider against the simulators over HTTP: a real `payments serve`
process configured as `payments simulate --countries` prints (MTN in Cameroon, Wave in Côte
d'Ivoire, Orange in Senegal, Moov in Togo, beside the default accounts), each payment going to
its country's account and settled through that account's callback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.reliability.conftest import Api, Cluster, free_port, store_api
from tests.integration.simulators.conftest import Simulators, _wait_ready

from entrypoints.simulators.config import SimulatorConfig


@pytest.fixture(scope="module")
def service_with_countries(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Simulators, str]]:
    service_url = f"http://127.0.0.1:{free_port()}"
    config = SimulatorConfig.from_env(
        {"PUBLIC_BASE_URL": service_url}, f"http://127.0.0.1:{free_port()}", approve_delay=0.3
    )
    simulators = Simulators(config)
    simulators.start()
    workdir: Path = tmp_path_factory.mktemp("simulated-countries")
    cluster = Cluster(database_url, workdir, {})
    port = service_url.rsplit(":", 1)[1]
    try:
        env = {**config.service_env(countries=True), "PORT": port, "PUBLIC_BASE_URL": service_url}
        process = cluster._spawn("server", ["serve", "--with-worker"], env)
        _wait_ready(service_url, process)
        yield simulators, service_url
    finally:
        cluster.stop_all()
        simulators.stop()


@pytest.fixture
def api(service_with_countries: tuple[Simulators, str]) -> Iterator[Api]:
    api = store_api(service_with_countries[1])
    yield api
    api.http.close()


@pytest.fixture
def simulators(service_with_countries: tuple[Simulators, str]) -> Simulators:
    return service_with_countries[0]


def pay(
    api: Api, provider: str, amount: int, currency: str, country: str | None, phone: str | None
) -> dict[str, Any]:
    order = {"reference": f"SIM-{provider}-{amount}", "amount": amount, "currency": currency}
    created = api.http.post("/api/v1/orders", json={**order, "country": country})
    assert created.status_code == 201, created.text
    body = {"provider": provider, **({"phone": phone} if phone else {})}
    answer = api.http.post(f"/api/v1/orders/{created.json()['id']}/payments", json=body)
    assert answer.status_code == 201, answer.text
    payment: dict[str, Any] = answer.json()
    return payment


@pytest.mark.parametrize(
    ("provider", "currency", "country", "phone", "route"),
    [
        ("mtn_momo", "XAF", None, "+237671234567", "/payment/webhook/mtn/cm/"),
        ("wave", "XOF", None, "+2250701020304", "/payment/webhook/wave/ci/"),
        ("orange_money", "XOF", "SN", None, "/payment/webhook/orange/sn/"),
        ("moov_money", "XOF", None, "+22899123456", "/payment/webhook/moov/tg/"),
    ],
)
def test_each_country_account_settles_through_its_own_callback(
    api: Api,
    simulators: Simulators,
    provider: str,
    currency: str,
    country: str | None,
    phone: str | None,
    route: str,
) -> None:
    payment = pay(api, provider, 1201, currency, country, phone)  # 01: succeeds by itself
    assert payment["country"] == route.split("/")[-2].upper()
    assert api.wait_for(payment["id"], "succeeded")["status"] == "succeeded"
    delivered = simulators.wait_for_deliveries(route, 1)
    assert all(d["status"] == 200 for d in delivered), delivered


def test_a_newer_togo_request_to_the_same_number_expires_the_older(
    api: Api, simulators: Simulators
) -> None:
    first = pay(api, "moov_money", 1500, "XOF", None, "+22890111111")  # the customer decides
    second = pay(api, "moov_money", 2500, "XOF", None, "+22890111111")
    failed = api.wait_for(first["id"], "failed")
    assert failed["failure_code"] == "expired"
    assert api.payment(second["id"])["status"] == "pending"


def test_the_default_accounts_still_serve_the_other_countries(
    api: Api, simulators: Simulators
) -> None:
    payment = pay(api, "mtn_momo", 1301, "XOF", "CI", "+2250701020304")
    assert payment["country"] is None  # no Ivorian MTN account: the default one (mtnivorycoast)
    assert api.wait_for(payment["id"], "succeeded")["status"] == "succeeded"
