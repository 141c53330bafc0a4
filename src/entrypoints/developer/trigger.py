"""`payments trigger EVENT`: makes the sandbox produce one event, through the public API.

Each event has a scenario (`SCENARIOS`) built from the sandbox's documented test values: the
last two digits of the phone choose a payment's outcome (`01` succeeds in about 2 s, `02` fails,
`03` never resolves, so it expires after the sandbox's time-to-live, `00` waits for a person
on the sandbox page), and a refund's amount chooses the refund's (`02` at the end: refused).

Rules: a development tool, it refuses to run in production (`PAYMENT_ENVIRONMENT=production`
here, or a live key `sk_live_...`), and the service refuses the `sandbox` provider in
production anyway; it waits for the outcome it announced (at most 30 s), so that when it
exits 0 the event is in the store's events (`GET /api/v1/events`, which `payments listen`
reads) and on its way to the store's `notification_url` if it has one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import httpx

from adapters.signing import LIVE_KEY_PREFIX
from entrypoints.developer.connection import (
    MissingOption,
    add_service_options,
    api_client,
    api_key,
    service_url,
)
from entrypoints.developer.sandbox_calls import SandboxCalls, StepRefused

PAYMENT_FINAL = frozenset({"succeeded", "failed", "expired", "cancelled"})
REFUND_FINAL = frozenset({"succeeded", "failed", "requires_action"})


def _paid(calls: SandboxCalls, event: str) -> dict[str, Any]:
    order = calls.create_order(event)
    payment = calls.start_payment(order, "01", "it succeeds in about 2 s")
    return calls.wait("payment", payment, PAYMENT_FINAL)


def _payment_failed(calls: SandboxCalls, event: str) -> None:
    payment = calls.start_payment(calls.create_order(event), "02", "the payer's balance is too low")
    calls.wait("payment", payment, PAYMENT_FINAL)


def _payment_pending(calls: SandboxCalls, event: str) -> None:
    payment = calls.start_payment(calls.create_order(event), "00", "it waits for a person")
    url = (payment.get("next_action") or {}).get("url")
    if url:
        calls.say(f"approve or decline it at {url}")


def _payment_expired(calls: SandboxCalls, event: str) -> None:
    payment = calls.start_payment(calls.create_order(event), "03", "it never resolves")
    calls.say(
        f"payment.expired comes when its time-to-live ends, at {payment['expires_at']} "
        "(PAYMENT_TTL_SECONDS_SANDBOX, 5 min by default; a job worker must run)"
    )


def _order_cancelled(calls: SandboxCalls, event: str) -> None:
    calls.cancel_order(calls.create_order(event))


def _refunded(calls: SandboxCalls, event: str) -> None:
    refund = calls.refund(_paid(calls, event), 1000, "it succeeds in about 2 s")
    calls.wait("refund", refund, REFUND_FINAL)


def _refund_failed(calls: SandboxCalls, event: str) -> None:
    refund = calls.refund(_paid(calls, event), 1002, "an amount ending in 02 is refused")
    calls.wait("refund", refund, REFUND_FINAL)


@dataclass(frozen=True)
class Scenario:
    run: Callable[[SandboxCalls, str], object]
    also: str  # the other events the scenario produces on the way
    later: bool = False  # the event comes after the command ends (a time-to-live)


SCENARIOS: dict[str, Scenario] = {
    "payment.succeeded": Scenario(_paid, "payment.pending, order.paid"),
    "order.paid": Scenario(_paid, "payment.pending, payment.succeeded"),
    "payment.failed": Scenario(_payment_failed, "payment.pending"),
    "payment.pending": Scenario(_payment_pending, "nothing else until someone decides"),
    "payment.expired": Scenario(_payment_expired, "payment.pending now", later=True),
    "order.cancelled": Scenario(_order_cancelled, "nothing else"),
    "refund.created": Scenario(_refunded, "a paid order's events, then refund.succeeded"),
    "refund.succeeded": Scenario(_refunded, "a paid order's events, refund.created"),
    "refund.failed": Scenario(_refund_failed, "a paid order's events, refund.created"),
}


def add_command(commands: Any) -> None:
    trigger = commands.add_parser(
        "trigger",
        help="make the sandbox produce one event (payment.succeeded, refund.failed, ...)",
        description="Make the sandbox produce one event by driving it through the public API. "
        "Events: " + ", ".join(SCENARIOS) + ".",
    )
    trigger.add_argument(
        "event", choices=list(SCENARIOS), metavar="EVENT", help="the event to produce"
    )
    add_service_options(trigger)
    trigger.set_defaults(run=run)


def run(settings: Any, args: argparse.Namespace, out: IO[str] = sys.stdout) -> int:
    try:
        url, key = service_url(args), api_key(args)
    except MissingOption as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not settings.is_sandbox or key.startswith(f"{LIVE_KEY_PREFIX}_"):
        print("refused: payments trigger drives the sandbox; not in production", file=sys.stderr)
        return 2
    scenario = SCENARIOS[args.event]
    print(f"Triggering {args.event} on {url} (on the way: {scenario.also})", file=out)
    with api_client(url, key) as client:
        try:
            scenario.run(SandboxCalls(client, out), args.event)
        except StepRefused as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        except httpx.HTTPError as error:
            print(f"error: cannot reach {url}: {error}", file=sys.stderr)
            return 1
    when = "will be" if scenario.later else "is"
    print(
        f"Done: {args.event} {when} in the store's events (payments listen forwards it).", file=out
    )
    return 0
