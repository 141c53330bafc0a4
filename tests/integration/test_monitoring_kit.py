"""deploy/prometheus/alerts.yml and deploy/grafana/payments-dashboard.json: the rules load
(`promtool check rules` where Prometheus' tools are installed; a structural check always), and
every metric they query is one the service serves on /metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml
from litestar.testing import AsyncTestClient

DEPLOY = Path(__file__).parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "payments-dashboard.json"
METRIC = re.compile(r"\b(payments_[a-z0-9_]+)\b")
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum", "_created")
#: Alerts the issue asks for, by what they watch.
REQUIRED = {
    "ProviderSuccessRateFalling",
    "WebhooksRefused",
    "PendingPaymentsAgeing",
    "NotificationsFailing",
    "JobsNotRunning",
}


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


async def served_names(client: AsyncTestClient[Any]) -> set[str]:
    text = (await client.get("/metrics")).text
    families = set(re.findall(r"^# TYPE (\S+)", text, re.M))
    return {family + suffix for family in families for suffix in SUFFIXES}


def test_the_rules_load() -> None:
    promtool = shutil.which("promtool")
    if promtool:
        checked = subprocess.run(
            [promtool, "check", "rules", str(RULES)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    alerts = rules()
    assert {rule["alert"] for rule in alerts} >= REQUIRED
    for rule in alerts:
        assert rule["expr"].strip() and rule["labels"]["severity"], rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


async def test_every_queried_metric_is_served(app_client: AsyncTestClient[Any]) -> None:
    served = await served_names(app_client)
    queries = [rule["expr"] for rule in rules()] + dashboard_queries()
    unknown = sorted({name for query in queries for name in METRIC.findall(query)} - served)
    assert not unknown, f"queried by deploy/ but not on /metrics: {unknown}"


def test_the_dashboard_is_grafana_json() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["panels"]
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert any("response time" in title for title in titles)
    assert any("Success rate" in title for title in titles)
