"""An operator clears the flagged queue in Chromium against a real server: signs in with a
token made by `payments operators create`, refunds a double payment through the sandbox,
records manual refunds with their transfer references, dismisses the rest with a reason, and
finds every action in the audit log."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

from playwright.async_api import Page, expect
from psycopg_pool import AsyncConnectionPool
from tests.integration.browser.conftest import Shop, shoot
from tests.integration.conftest import ROOT
from tests.integration.desk_helpers import flag, give_up_a_notification, refund_awaiting_a_person

from entrypoints.settings import SANDBOX_ADMIN_TOKEN


def operator_token(database_url: str, name: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "operators", "create", name],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token: str = json.loads(result.stdout)["token"]
    return token


def pending_payment(shop: Shop, reference: str) -> str:
    """A sandbox payment that stays pending (phone ending in 03), to be flagged."""
    payment_id: str = shop.pay(shop.order(reference=reference)["id"], "+2250700000003")["id"]
    return payment_id


async def resolve(page: Page, subject_id: str, action: str, **fields: str) -> None:
    item = page.locator(f"[data-item='{subject_id}']")
    await item.get_by_label(action, exact=True).check()
    for label, value in fields.items():
        await item.get_by_label(label).fill(value)
    await item.get_by_role("button", name="Valider").click()
    await expect(page.locator("#resolved")).to_be_visible()
    await expect(page.locator(f"[data-item='{subject_id}']")).to_have_count(0)


async def test_an_operator_clears_the_flagged_queue(
    page: Page,
    live_server: str,
    pool: AsyncConnectionPool[Any],
    database_url: str,
    clean_db: None,
) -> None:
    shop = Shop(live_server, "Boutique Awa")  # on the cleaned database: the queue is its own
    double = pending_payment(shop, "CMD-5001")
    paid_by_hand = pending_payment(shop, "CMD-5002")
    late = pending_payment(shop, "CMD-5003")
    mismatch = pending_payment(shop, "CMD-5004")
    orange = pending_payment(shop, "CMD-5005")
    for payment_id, how in [
        (double, "needs_refund"),
        (paid_by_hand, "needs_refund"),
        (late, "late"),
        (mismatch, "amount_mismatch"),
        (orange, "needs_refund"),
    ]:
        await flag(pool, payment_id, how)
    awaiting = await refund_awaiting_a_person(pool, orange)  # covers the payment: one item
    notification = await give_up_a_notification(pool, shop.id)
    token = operator_token(database_url, "Aminata Traoré")

    await page.goto("/admin/queue/")
    await expect(page).to_have_url(re.compile(r"/admin/login/$"))
    await expect(page.locator("h1")).to_have_text("Se connecter")
    await shoot(page, "desk-login")
    await page.get_by_label("Jeton d'opérateur").fill(token)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/admin/queue/$"))
    await expect(page.locator("#operator-name")).to_have_text("Aminata Traoré")
    await expect(page.locator("[data-item]")).to_have_count(6)
    await expect(page.locator(f"[data-item='{awaiting}']")).to_contain_text(
        "Remboursement à faire à la main"
    )
    await expect(page.locator(f"[data-item='{double}']")).to_contain_text("7 500 FCFA")
    await shoot(page, "desk-queue")

    await resolve(page, double, "Rembourser", Motif="Payé deux fois")
    await resolve(
        page,
        paid_by_hand,
        "Remboursement manuel effectué",
        **{"Référence du transfert": "OM-778812"},
    )
    await resolve(
        page, awaiting, "Remboursement manuel effectué", **{"Référence du transfert": "OM-778813"}
    )
    await resolve(page, late, "Classer sans suite", Motif="Commande livrée au client")
    # a dismissal without a reason is refused, and the item stays
    item = page.locator(f"[data-item='{mismatch}']")
    await item.get_by_label("Classer sans suite", exact=True).check()
    await item.get_by_role("button", name="Valider").click()
    await expect(page.locator(f"[data-item='{mismatch}'] .error")).to_have_text(
        "Indiquez un motif."
    )
    await resolve(page, mismatch, "Classer sans suite", Motif="Écart vu avec l'opérateur")
    await resolve(page, notification, "Renvoyer la notification")
    await expect(page.locator("#queue-empty")).to_have_text("Rien à traiter. Tout est en ordre.")
    await shoot(page, "desk-queue-cleared")

    refunds = shop.api.get("/api/v1/refunds").json()["data"]
    by_payment = {r["payment_id"]: r for r in refunds}
    assert by_payment[double]["amount"] == 7500
    assert by_payment[paid_by_hand]["status"] == "succeeded"
    assert by_payment[paid_by_hand]["provider_reference"] == "OM-778812"
    assert by_payment[orange]["status"] == "succeeded"

    await page.get_by_role("link", name="Journal").click()
    entries = page.locator("[data-entry]")
    await expect(entries).to_have_count(8)  # six resolutions, the operator and the store made
    await expect(entries.first).to_contain_text("Notification renvoyée")
    await expect(entries.first).to_contain_text("Aminata Traoré")
    await expect(page.locator("#audit")).to_contain_text("OM-778813")
    await shoot(page, "desk-audit")


async def test_an_operator_suspends_a_store_and_its_shop_closes(page: Page, shop: Shop) -> None:
    order = shop.order(reference="CMD-6001")
    await page.goto("/admin/login/")
    await page.get_by_label("Jeton d'opérateur").fill(SANDBOX_ADMIN_TOKEN)
    await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_role("link", name="Boutiques").click()
    await page.get_by_label("Rechercher").fill(shop.id)
    await page.get_by_role("button", name="Filtrer").click()
    await page.locator(f"[data-store='{shop.id}']").click()
    await page.locator("#suspend-reason").fill("Litige en cours")
    await page.get_by_role("button", name="Suspendre").click()
    await expect(page.locator("#store-status")).to_have_attribute("data-status", "suspended")
    await expect(page.locator("[data-action='store.suspended']")).to_contain_text("Litige en cours")
    await shoot(page, "desk-store-suspended")

    assert shop.api.get("/api/v1/orders").json()["code"] == "store_suspended"
    await page.goto(order["checkout_url"])
    await expect(page.locator("#shop-unavailable")).to_be_visible()
    await expect(page.locator("#pay-form")).to_have_count(0)
    await shoot(page, "checkout-store-suspended")
