"""The operators' pages and ours never strand a customer: a refusal on Wave's or Orange's page
leads back to our status page, a page revisited after the end offers the way back, and
"Payer autrement" on our status page expires the Wave session (the real adapter against the
simulator over HTTP), after which the order can be paid another way."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from tests.integration.reliability.conftest import Api
from tests.integration.simulators.conftest import Simulators
from tests.integration.simulators.test_simulated_operators import pay, settle

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def decide(simulators: Simulators, page_url: str, choice: str) -> str:
    """Clicks `choice` on the operator's page; returns where the operator sends the customer."""
    page = httpx.get(page_url, timeout=10)
    action = re.search(rf'action="([^"]+/{choice})"', page.text)
    assert action is not None, page.text
    answer = simulators.call("POST", action.group(1))
    assert answer.status_code == 303
    return str(answer.headers["location"])


@pytest.mark.parametrize("provider", ["wave", "orange_money"])
def test_a_refusal_on_the_operators_page_leads_back_to_the_status_page(
    api: Api, simulators: Simulators, provider: str
) -> None:
    payment = pay(api, provider, 5100)
    page_url = payment["next_action"]["url"]
    back = decide(simulators, page_url, "decline")
    assert f"/payment/{payment['id']}/status/?token=" in back
    again = httpx.get(page_url, timeout=10)  # the operator's page, visited again
    link = re.search(r'id="back-to-merchant" href="([^"]+)"', again.text)
    assert link is not None, again.text
    assert html.unescape(link.group(1)) == back


def test_pay_another_way_expires_the_wave_session(api: Api, simulators: Simulators) -> None:
    payment = pay(api, "wave", 5200)
    status_url = decide(simulators, payment["next_action"]["url"], "decline")
    with httpx.Client(timeout=10, follow_redirects=False) as browser:
        status = browser.get(status_url)
        assert 'data-state="waiting"' in status.text  # Wave keeps its session open
        assert "Payer autrement" in status.text
        csrf = CSRF.search(status.text)
        assert csrf is not None
        chosen = browser.post(
            status_url.replace("/status/?", "/status/another-way?").split("?")[0],
            data={"token": status_url.split("token=")[1], "_csrf_token": csrf.group(1)},
        )
        assert chosen.status_code == 303, chosen.text
        assert "/payment/?token=" in chosen.headers["location"]
        checkout = browser.get(chosen.headers["location"])
        assert 'id="pay-form"' in checkout.text
    ended = settle(api, payment["id"], "failed")
    assert ended["failure_code"] == "expired"
    session = simulators.ledger.get("wave", ended["provider_reference"])
    assert session is not None and not session.is_open
    expired_page = httpx.get(payment["next_action"]["url"], timeout=10)
    assert "Confirmer le paiement" not in expired_page.text  # it cannot be paid any more
    assert 'id="back-to-merchant"' in expired_page.text
