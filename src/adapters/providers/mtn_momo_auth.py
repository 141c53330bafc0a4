"""One MTN MoMo product (Collection, Disbursement) seen from its client: each product has its
own subscription key, API user and API key, and its own token endpoint
(`POST /<product>/token/`, reference/providers.md 1.1 to 1.3).

Rules: the token is kept until shortly before `expires_in`; a 401 without `statusCode` (an
expired token) gets one new token and one retry; a 401 with `statusCode` (Azure APIM: bad
subscription key) is never retried; refused credentials raise `CredentialsRejected` naming
the variables to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import structlog

from adapters.providers import mtn_momo_wire as wire
from adapters.providers.http import CredentialsRejected, ProviderHttp, error_body, json_body
from adapters.providers.token_cache import Token, TokenCache, lifetime
from application.errors import ProviderUnavailable
from application.shared.ports import Clock

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ProductKeys:
    """A product's credentials; `variables` is the prefix of their settings (`MTN_MOMO_`,
    `MTN_MOMO_DISBURSEMENT_`), named when MTN refuses them."""

    subscription_key: str = field(repr=False)
    api_user: str = field(repr=False)
    api_key: str = field(repr=False)
    variables: str = "MTN_MOMO_"


class MtnProduct:
    def __init__(
        self, product: str, keys: ProductKeys, target: str, http: ProviderHttp, clock: Clock
    ) -> None:
        self._product, self._keys, self._target, self._http = product, keys, target, http
        self._tokens = TokenCache(self._new_token, clock)

    async def call(
        self, operation: str, method: str, path: str, headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:  # fmt: skip
        """One authorized call: on a 401 of an expired token, one new token and one retry."""
        token = await self._tokens.get()
        response = await self._send(token, operation, method, path, headers, **kwargs)
        if response.status_code == 401 and not wire.subscription_key_refused(response):
            self._tokens.invalidate(token)
            token = await self._tokens.get()
            response = await self._send(token, operation, method, path, headers, **kwargs)
        if response.status_code == 401:
            raise self._rejected(response, "the access token")
        return response

    async def _send(
        self, token: str, operation: str, method: str, path: str,
        headers: dict[str, str] | None, **kwargs: Any,
    ) -> httpx.Response:  # fmt: skip
        all_headers = {
            "Authorization": f"Bearer {token}",
            "Ocp-Apim-Subscription-Key": self._keys.subscription_key,
            "X-Target-Environment": self._target,
            **(headers or {}),
        }
        return await self._http.request(operation, method, path, headers=all_headers, **kwargs)

    async def _new_token(self) -> Token:
        response = await self._http.request(
            f"{self._product}_token" if self._product != "collection" else "token",
            "POST",
            f"/{self._product}/token/",
            auth=(self._keys.api_user, self._keys.api_key),
            headers={"Ocp-Apim-Subscription-Key": self._keys.subscription_key},
        )
        if response.status_code >= 500:
            raise ProviderUnavailable(
                f"mtn_momo {self._product} token: HTTP {response.status_code}"
            )
        if response.status_code != 200:
            prefix = self._keys.variables
            raise self._rejected(response, f"{prefix}API_USER / {prefix}API_KEY")
        answer = json_body(response)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderUnavailable("mtn_momo token: no access_token in the answer")
        return Token(token, lifetime(answer.get("expires_in"), timedelta(hours=1)))

    def _rejected(self, response: httpx.Response, what: str) -> CredentialsRejected:
        if wire.subscription_key_refused(response):
            what = f"{self._keys.variables}SUBSCRIPTION_KEY"
        message = f"MTN MoMo refused {what}"
        log.error(
            "mtn_momo.credentials_rejected",
            product=self._product,
            refused=what,
            http=response.status_code,
        )
        return CredentialsRejected(message, error_body(response))
