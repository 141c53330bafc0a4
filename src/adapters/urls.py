"""The URLs the service hands out to customers and providers, signed so they cannot be
guessed or forged. One place builds them; the routes verify them with the same purposes."""

from __future__ import annotations

from urllib.parse import urlencode

from adapters.signing import UrlSigner

CHECKOUT = "checkout"
STATUS = "status"
SANDBOX_PAGE = "sandbox"


class ServiceUrls:
    def __init__(self, base_url: str, signer: UrlSigner) -> None:
        self.base = base_url.rstrip("/")
        self.signer = signer

    def checkout(self, order_id: str) -> str:
        """The hosted payment page of an order."""
        return f"{self.base}/order/{order_id}/payment/?token={self.signer.sign(CHECKOUT, order_id)}"

    def status(self, payment_id: str) -> str:
        """The customer's status page of a payment (return and cancel URLs of providers)."""
        token = self.signer.sign(STATUS, payment_id)
        return f"{self.base}/payment/{payment_id}/status/?token={token}"

    def sandbox_page(self, payment_id: str) -> str:
        token = self.signer.sign(SANDBOX_PAGE, payment_id)
        return f"{self.base}/sandbox/pay/{payment_id}?token={token}"

    def callback(self, provider: str, payment_id: str) -> str:
        """`/payment/webhook/<provider>/?payment=<id>&sig=<hex HMAC(secret, "<provider>:<id>")>`
        for providers that do not sign their callbacks (docs/api.md: mtn, orange, moov)."""
        query = urlencode({"payment": payment_id, "sig": self.signer.sign(provider, payment_id)})
        return f"{self.base}/payment/webhook/{provider}/?{query}"

    def verify(self, purpose: str, value: str | None, token: str | None) -> bool:
        """True when `token` is the signature this service gave `value` for `purpose`
        (`CHECKOUT`, `STATUS`, `SANDBOX_PAGE`, or a provider name for callbacks)."""
        return bool(value) and self.signer.verify(purpose, str(value), token)
