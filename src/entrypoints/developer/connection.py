"""How the developers' commands reach a running service: its URL, the store's API key and
webhook secret, from options or the environment (`PAYMENTS_URL`, `PAYMENTS_API_KEY`,
`PAYMENTS_WEBHOOK_SECRET`).

Rules: the URL defaults to http://localhost:8000 (`make run`); a missing key or secret is a
usage error that names both the option and the variable; every request carries the key as
`Authorization: Bearer ...` and a 10 s timeout."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

import httpx

DEFAULT_URL = "http://localhost:8000"
URL_VARIABLE = "PAYMENTS_URL"
KEY_VARIABLE = "PAYMENTS_API_KEY"
SECRET_VARIABLE = "PAYMENTS_WEBHOOK_SECRET"  # noqa: S105 - a variable's name
TIMEOUT = 10.0


class MissingOption(Exception):
    """A value the command needs was given neither as an option nor in the environment."""


def add_service_options(parser: argparse.ArgumentParser, *, secret: bool = False) -> None:
    parser.add_argument(
        "--url",
        default=None,
        help=f"the service's address (default: ${URL_VARIABLE}, else {DEFAULT_URL})",
    )
    parser.add_argument(
        "--api-key", default=None, help=f"the store's API key (default: ${KEY_VARIABLE})"
    )
    if secret:
        parser.add_argument(
            "--webhook-secret",
            default=None,
            help=f"the store's webhook secret, to sign the forwards (default: ${SECRET_VARIABLE})",
        )


def service_url(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> str:
    return str(args.url or env.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")


def required(value: str | None, option: str, variable: str, env: Mapping[str, str]) -> str:
    """The option's value, else the variable's; raises `MissingOption` naming both."""
    found = value or env.get(variable)
    if not found:
        raise MissingOption(f"give the store's {option} or set {variable}")
    return found


def api_key(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> str:
    return required(args.api_key, "--api-key", KEY_VARIABLE, env)


def webhook_secret(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> str:
    return required(args.webhook_secret, "--webhook-secret", SECRET_VARIABLE, env)


def api_client(url: str, key: str) -> httpx.Client:
    """One client for the whole command (connections are reused between polls)."""
    return httpx.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {key}", "User-Agent": "payments-cli/1"},
        timeout=TIMEOUT,
    )


def problem(response: httpx.Response) -> str:
    """A refusal in one line: the status and the problem's code and detail when it has them."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    code, detail = body.get("code"), body.get("detail") or body.get("title")
    return f"HTTP {response.status_code} {code or ''}: {detail or ''}".replace(" :", ":")
