"""The URLs the service hands out to customers and providers, signed so they cannot be
guessed or forged. One place builds them; the routes verify them with the same purposes."""

from __future__ import annotations

from urllib.parse import urlencode

from adapters.signing import UrlSigner

CHECKOUT = "checkout"
STATUS = "status"
SANDBOX_PAGE = "sandbox"


class ServiceUrls:
    """`country`: the provider account these URLs are handed out for (None: the default
    accounts); a country's account has its own callback paths and signatures."""

    def __init__(self, base_url: str, signer: UrlSigner, country: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.signer = signer
        self.country = country

    def for_account(self, country: str | None) -> ServiceUrls:
        """The URLs of the account of `country` (None: a default account)."""
        return ServiceUrls(self.base, self.signer, country)

    def callback_route(self, provider: str) -> str:
        """`mtn` for a default account, `mtn/cm` for a country's: its callback path below
        `/payment/webhook/`, and the purpose its callback URLs are signed for."""
        return provider if self.country is None else f"{provider}/{self.country.lower()}"

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
        """`/payment/webhook/<route>/?payment=<id>&sig=<hex HMAC(secret, "<route>:<id>")>`
        for providers that do not sign their callbacks (docs/api.md: mtn, orange, moov);
        `<route>` is `callback_route(provider)` (`mtn`, or `mtn/cm` for an account's)."""
        route = self.callback_route(provider)
        query = urlencode({"payment": payment_id, "sig": self.signer.sign(route, payment_id)})
        return f"{self.base}/payment/webhook/{route}/?{query}"

    def verify_callback(self, provider: str, value: str | None, token: str | None) -> bool:
        """True when `token` signs `value` for this account's callbacks of `provider` (a
        callback URL of another country's account is refused)."""
        return self.verify(self.callback_route(provider), value, token)

    def verify(self, purpose: str, value: str | None, token: str | None) -> bool:
        """True when `token` is the signature this service gave `value` for `purpose`
        (`CHECKOUT`, `STATUS`, `SANDBOX_PAGE`, or a provider name for callbacks)."""
        return bool(value) and self.signer.verify(purpose, str(value), token)
