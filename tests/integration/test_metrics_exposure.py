"""Metrics are served on one exact path: the spellings a proxy rule for `/metrics` would miss
(`/metrics/`, `/metrics%2F`...) are 404, and the shipped nginx and Caddy rules hold every
spelling; production wants METRICS_TOKEN unless METRICS_PUBLIC says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DEPLOY = Path(__file__).parents[2] / "deploy"
OTHER_SPELLINGS = [
    "/metrics/",
    "/metrics%2F",
    "/metrics%2f",
    "/%6detrics",
    "/metrics%2F?x=1",
]


async def test_metrics_answer_on_their_exact_path(app_client: Any) -> None:
    for path in ("/metrics", "/metrics?x=1"):
        answer = await app_client.get(path)
        assert answer.status_code == 200 and "# TYPE" in answer.text, path


@pytest.mark.parametrize("path", OTHER_SPELLINGS)
async def test_other_spellings_of_metrics_are_not_found(app_client: Any, path: str) -> None:
    answer = await app_client.get(path)
    assert answer.status_code == 404, path
    assert "# TYPE" not in answer.text and "payments_" not in answer.text


def test_the_nginx_rule_holds_every_spelling_of_metrics() -> None:
    config = (DEPLOY / "nginx.conf").read_text()
    # A prefix location taken before any regex: nginx decodes and merges the path first.
    assert "location ^~ /metrics {" in config
    assert "location = /metrics" not in config
    rule = config.split("location ^~ /metrics {", 1)[1].split("}", 1)[0]
    assert "deny all;" in rule


def test_the_caddy_rule_holds_every_spelling_of_metrics() -> None:
    config = (DEPLOY / "Caddyfile").read_text()
    assert "handle /metrics* {" in config
    assert "handle /metrics {" not in config
