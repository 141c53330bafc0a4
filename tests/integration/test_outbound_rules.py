"""A store's notification URL in production: https to a public address only, refused with
422 `invalid_notification_url` through the API and the CLI alike; allowed locally in sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from tests.integration.conftest import ADMIN, BASE_URL, ROOT
from tests.integration.helpers import count, problem
from tests.unit.test_settings import PRODUCTION

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@pytest.fixture(scope="module")
async def production(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    live = replace(settings, environment="production", public_base_url="https://pay.example.com")
    async with AsyncTestClient(create_app(Container(settings=live)), base_url=BASE_URL) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "https://127.0.0.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/",
        "https://10.0.0.12/hooks",
        "https://100.64.0.1/hooks",
        "https://localhost/hooks",
        "http://shop.example.com/hooks",
        "https://[2002:a9fe:a9fe::1]/hooks",
        "https://[fec0::1]/hooks",
        "https://8.8.8.8:8443/hooks",
        "https://8.8.8.8:99999/",
        "http://[::1/x",
    ],
)
async def test_production_refuses_a_notification_url_it_must_not_call(
    production: Any, pool: Any, clean_db: None, url: str
) -> None:
    body = {"name": "Boutique Awa", "notification_url": url}
    refused = await production.post("/api/v1/admin/stores", json=body, headers=ADMIN)
    problem_body = problem(refused, 422, "invalid_notification_url")
    assert problem_body["errors"][0]["field"] == "notification_url"
    assert await count(pool, "stores") == 0


async def test_production_keys_are_live_keys(production: Any, clean_db: None) -> None:
    created = await production.post("/api/v1/admin/stores", json={"name": "A"}, headers=ADMIN)
    assert created.json()["api_key"].startswith("sk_live_")


async def test_the_sandbox_allows_a_local_notification_url(client: Any) -> None:
    body = {"name": "Boutique Awa", "notification_url": "http://127.0.0.1:9000/hooks"}
    created = await client.post("/api/v1/admin/stores", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert created.json()["api_key"].startswith("sk_test_")


@pytest.mark.parametrize(
    "url", ["http://[::1/x", "https://8.8.8.8:99999/", "http://h:-1/", "http://[::1]x/"]
)
@pytest.mark.parametrize("path", ["/api/v1/admin/stores", "{store}"])
async def test_a_malformed_notification_url_is_a_422_in_the_sandbox_too(
    client: Any, pool: Any, url: str, path: str
) -> None:
    """Creating a store and changing its URL: a parser's error is an answer, never a 500."""
    if path == "{store}":
        made = await client.post("/api/v1/admin/stores", json={"name": "A"}, headers=ADMIN)
        refused = await client.patch(
            f"/api/v1/admin/stores/{made.json()['id']}",
            json={"notification_url": url},
            headers=ADMIN,
        )
    else:
        body = {"name": "Boutique Awa", "notification_url": url}
        refused = await client.post(path, json=body, headers=ADMIN)
    problem(refused, 422, "invalid_notification_url")
    assert await count(pool, "stores") == (1 if path == "{store}" else 0)


def test_the_command_line_applies_the_same_rules(database_url: str, tmp_path: Any) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **PRODUCTION,
        "DATABASE_URL": database_url,
        "LOG_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "entrypoints.cli", "stores", "create", "--name", "X"]
    result = subprocess.run(
        [*command, "--notification-url", "https://169.254.169.254/latest/meta-data/"],
        env=env,
        cwd=ROOT / "src",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "public address" in result.stderr and "Traceback" not in result.stderr
    assert "api_key" not in result.stdout
