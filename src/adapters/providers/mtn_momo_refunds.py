"""MTN MoMo refunds: the Disbursement product (reference/providers.md 1.13).

- `POST /disbursement/v1_0/refund` with a new UUID4 `X-Reference-Id` of the refund's own
  (chosen and stored before the call) and the collection's reference as
  `referenceIdToRefund`; 202 is accepted (pending), 409 means that reference exists.
- A timeout or a 5xx leaves the outcome unknown: the refund's reference is looked up
  (`GET /disbursement/v1_0/refund/{id}`) and sent again (same reference, once) only when
  MTN answers 404, the same rule as request-to-pay (1.10).
- Status: `GET /disbursement/v1_0/refund/{id}`: SUCCESSFUL, FAILED with its reason, PENDING.
"""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from adapters.providers import mtn_momo_wire as wire
from adapters.providers.http import CredentialsRejected, error_body, json_body, refused_credentials
from adapters.providers.mtn_momo_auth import MtnProduct
from application.errors import ProviderRejected, ProviderUnavailable
from application.refunds.ports import RefundStarted
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund

log = structlog.get_logger(__name__)

REFUND = "/disbursement/v1_0/refund"


class MtnRefunds:
    def __init__(self, disbursement: MtnProduct, sandbox: bool) -> None:
        self._api, self._sandbox = disbursement, sandbox

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        """`ProviderRejected` with MTN's code when it refuses (or refuses our Disbursement
        keys: nothing was created); `ProviderUnavailable` when the outcome stays unknown."""
        reference = _reference(refund)
        body = wire.refund_body(refund, payment, sandbox=self._sandbox)
        try:
            response = await self._post(reference, body)
        except CredentialsRejected as error:
            raise refused_credentials(error) from error
        except ProviderUnavailable as error:
            lost: dict[str, Any] = {"error": str(error)}
        else:
            if not wire.outcome_unknown(response):
                return _accepted(reference, response)
            lost = error_body(response)
        try:
            return await self._recover(reference, body, lost)
        except CredentialsRejected as error:  # the first request may have gone through
            raise ProviderUnavailable(f"mtn_momo refund: {error.message}") from error

    async def fetch(self, refund: Refund, payment: Payment) -> ProviderReport:
        try:
            response = await self._get(_reference(refund))
        except CredentialsRejected as error:
            raise ProviderUnavailable(f"mtn_momo refund status: {error.message}") from error
        if response.status_code >= 500:
            raise ProviderUnavailable(f"mtn_momo refund status: HTTP {response.status_code}")
        if response.status_code != 200:
            return ProviderReport(ReportedStatus.UNKNOWN, raw=error_body(response))
        return wire.refund_report(json_body(response))

    async def _recover(
        self, reference: str, body: dict[str, Any], lost: dict[str, Any]
    ) -> RefundStarted:
        """The answer was lost: look the reference up, and send again only if MTN has none."""
        existing = await self._get(reference)
        if existing.status_code == 200:
            return RefundStarted(reference, wire.refund_report(json_body(existing)))
        if existing.status_code != 404:
            raise ProviderUnavailable(f"mtn_momo refund: outcome unknown ({lost})")
        log.info("mtn_momo.refund_resend", reference=reference)
        response = await self._post(reference, body)
        if wire.outcome_unknown(response):
            raise ProviderUnavailable(f"mtn_momo refund: HTTP {response.status_code} twice")
        return _accepted(reference, response)

    async def _post(self, reference: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"X-Reference-Id": reference}
        return await self._api.call("refund", "POST", REFUND, headers=headers, json=body)

    async def _get(self, reference: str) -> httpx.Response:
        return await self._api.call("refund_status", "GET", f"{REFUND}/{reference}")


def _reference(refund: Refund) -> str:
    if not refund.provider_reference:
        raise ValueError(f"refund {refund.id} has no X-Reference-Id stored")
    return refund.provider_reference


def _accepted(reference: str, response: httpx.Response) -> RefundStarted:
    """202 (or 409: that reference already exists) is an accepted refund; anything else
    that reached here is MTN's refusal."""
    if response.is_success or response.status_code == 409:
        report = ProviderReport(ReportedStatus.PENDING, raw={"http": response.status_code})
        return RefundStarted(reference, report)
    code, message = wire.error_code(response)
    raise ProviderRejected(code, message, error_body(response))
