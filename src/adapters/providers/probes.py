"""One harmless authenticated call per provider, for `payments check`: it proves that the
credentials are accepted and the API answers, and never moves money.

- Orange Money: an OAuth token (`POST /oauth/v3/token`, client credentials);
- MTN MoMo: a Collection token (`POST /collection/token/`, API user and key, subscription key);
- Wave: a checkout-session search for a reference no payment has
  (`GET /v1/checkout/sessions/search`);
- Moov Money: the status of a transaction id that does not exist (`getTransactionStatus`).

Each answer says which variables to fix when the provider refuses them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from adapters.providers import (
    moov_money,
    moov_money_wire,
    moov_togo,
    mtn_momo,
    mtn_momo_wire,
    orange_money,
    wave,
)
from adapters.providers.accounts import PREFIXES, AccountConfig
from adapters.providers.contract import ProviderModule
from adapters.providers.http import ProviderHttp, json_body
from application.errors import ProviderUnavailable

#: A reference no payment ever has (ours start with `pay_`).
UNKNOWN_REFERENCE = "payments-check-0000"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One line of `payments check`: what was checked, whether it works, and what to fix."""

    name: str
    ok: bool
    detail: str
    #: The variables to look at when it failed.
    fix: str = ""


async def probe(module: ProviderModule, config: Any, client: httpx.AsyncClient) -> ProbeResult:
    """Call the provider once; a timeout or network error is a failure with its base URL."""
    http = ProviderHttp(module.NAME, client)
    try:
        return await _PROBES[module.NAME](config, http)
    except ProviderUnavailable as error:
        return ProbeResult(module.NAME, False, f"no answer: {error}", _URL_VARIABLE[module.NAME])


async def _orange(config: orange_money.Config, http: ProviderHttp) -> ProbeResult:
    response = await http.request(
        "token", "POST", "/oauth/v3/token",
        auth=(config.client_id, config.client_secret),
        headers={"Accept": "application/json"},
        data={"grant_type": "client_credentials"},
    )  # fmt: skip
    fix = "ORANGE_MONEY_CLIENT_ID, ORANGE_MONEY_CLIENT_SECRET"
    return _token_answer(orange_money.NAME, response, fix)


async def _mtn(config: mtn_momo.Config, http: ProviderHttp) -> ProbeResult:
    response = await http.request(
        "token", "POST", "/collection/token/",
        auth=(config.api_user, config.api_key),
        headers={"Ocp-Apim-Subscription-Key": config.subscription_key},
    )  # fmt: skip
    if mtn_momo_wire.subscription_key_refused(response):
        return ProbeResult(mtn_momo.NAME, False, "subscription key refused (HTTP 401)",
                           "MTN_MOMO_SUBSCRIPTION_KEY")  # fmt: skip
    return _token_answer(mtn_momo.NAME, response, "MTN_MOMO_API_USER, MTN_MOMO_API_KEY")


async def _wave(config: wave.Config, http: ProviderHttp) -> ProbeResult:
    response = await http.request(
        "search_sessions", "GET", f"{wave.SESSIONS}/search",
        params={"client_reference": UNKNOWN_REFERENCE},
        headers={"Authorization": f"Bearer {config.api_key}"},
    )  # fmt: skip
    if response.status_code == 200:
        return ProbeResult(wave.NAME, True, "API key accepted (session search)")
    if response.status_code in (401, 403):
        return ProbeResult(wave.NAME, False, f"API key refused (HTTP {response.status_code})",
                           "WAVE_API_KEY")  # fmt: skip
    return _unexpected(wave.NAME, response, "WAVE_BASE_URL")


async def _moov(config: moov_money.Config, http: ProviderHttp) -> ProbeResult:
    token = moov_money_wire.token(config.username, config.password, config.encryption_key)
    envelope = moov_money_wire.transaction_status(token, UNKNOWN_REFERENCE)
    response = await http.request(
        "get_transaction_status",
        "POST",
        config.url,
        content=envelope,
        headers=moov_money_wire.HEADERS,
    )
    fix = "MOOV_MONEY_USERNAME, MOOV_MONEY_PASSWORD, MOOV_MONEY_ENCRYPTION_KEY"
    try:
        answer = moov_money_wire.read(response.text)
    except moov_money_wire.UnreadableAnswer:
        if response.status_code in (401, 403):
            return ProbeResult(
                moov_money.NAME, False, f"refused (HTTP {response.status_code})", fix
            )
        return _unexpected(moov_money.NAME, response, "MOOV_MONEY_URL")
    if isinstance(answer, moov_money_wire.SoapFault):
        return ProbeResult(moov_money.NAME, False, f"refused: {answer.message}", fix)
    status = answer.get("status", "?")
    if status in moov_money.UNAVAILABLE:
        detail = f"{moov_money.UNAVAILABLE[status]} (status {status})"
        return ProbeResult(moov_money.NAME, False, detail, fix if status == "98" else "")
    return ProbeResult(moov_money.NAME, True, f"credentials accepted (status {status})")


def _token_answer(name: str, response: httpx.Response, fix: str) -> ProbeResult:
    if response.status_code == 200 and "access_token" in json_body(response):
        return ProbeResult(name, True, "credentials accepted (token issued)")
    if response.status_code in (400, 401, 403):
        return ProbeResult(name, False, f"credentials refused (HTTP {response.status_code})", fix)
    return _unexpected(name, response, _URL_VARIABLE[name])


def _unexpected(name: str, response: httpx.Response, fix: str) -> ProbeResult:
    return ProbeResult(name, False, f"unexpected answer (HTTP {response.status_code})", fix)


_PROBES: dict[str, Callable[[Any, ProviderHttp], Awaitable[ProbeResult]]] = {
    orange_money.NAME: _orange,
    mtn_momo.NAME: _mtn,
    wave.NAME: _wave,
    moov_money.NAME: _moov,
}

_URL_VARIABLE = {
    orange_money.NAME: "ORANGE_MONEY_BASE_URL",
    mtn_momo.NAME: "MTN_MOMO_BASE_URL",
    wave.NAME: "WAVE_BASE_URL",
    moov_money.NAME: "MOOV_MONEY_URL",
}


async def probe_account(account: AccountConfig, client: httpx.AsyncClient) -> ProbeResult:
    """`probe` of one account: its line is named by the account (`mtn_momo:CM`) and its fix
    names the account's own variables (`MTN_MOMO_CM_API_KEY`). Moov Togo's API has no harmless
    call (its only operation asks a customer to pay): its line says so, without a call."""
    if account.module is moov_togo:
        detail = "configured; Moov Togo's API has no harmless call to test it with"
        return ProbeResult(account.id.key, True, detail)
    result = await probe(account.module, account.config, client)
    if account.country is None:
        return result
    base = PREFIXES[account.module.NAME]
    return replace(result, name=account.id.key, fix=result.fix.replace(base, account.prefix))
