"""The URLs the service hands out to customers and providers, signed so they cannot be
guessed or forged. One place builds them; the routes verify them with the same purposes.

The customer's links (an order's payment page, a payment's status page) expire: their token
carries its end, signed with it, `TOKEN_MARGIN` after the order's or the payment's own expiry
(a day after they are made when that is not known), so a link found later in a browser's
history, a shared screenshot or a log is refused (404) rather than showing an order and a
masked phone forever."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from adapters.clock import SystemClock
from adapters.signing import UrlSigner
from application.shared.ports import Clock

CHECKOUT = "checkout"
STATUS = "status"
SANDBOX_PAGE = "sandbox"
#: The purposes whose tokens expire.
EXPIRING = frozenset({CHECKOUT, STATUS})
TOKEN_MARGIN = timedelta(hours=24)


class ServiceUrls:
    """`country`: the provider account these URLs are handed out for (None: the default
    accounts); a country's account has its own callback paths and signatures."""

    def __init__(
        self,
        base_url: str,
        signer: UrlSigner,
        country: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.signer = signer
        self.country = country
        self.clock = clock or SystemClock()

    def for_account(self, country: str | None) -> ServiceUrls:
        """The URLs of the account of `country` (None: a default account)."""
        return ServiceUrls(self.base, self.signer, country, self.clock)

    def callback_route(self, provider: str) -> str:
        """`mtn` for a default account, `mtn/cm` for a country's: its callback path below
        `/payment/webhook/`, and the purpose its callback URLs are signed for."""
        return provider if self.country is None else f"{provider}/{self.country.lower()}"

    def checkout(self, order_id: str, expires_at: datetime | None = None) -> str:
        """The hosted payment page of an order (`expires_at`: the order's)."""
        token = self._expiring(CHECKOUT, order_id, expires_at)
        return f"{self.base}/order/{order_id}/payment/?token={token}"

    def status(self, payment_id: str, expires_at: datetime | None = None) -> str:
        """The customer's status page of a payment (return and cancel URLs of providers;
        `expires_at`: the payment's)."""
        token = self._expiring(STATUS, payment_id, expires_at)
        return f"{self.base}/payment/{payment_id}/status/?token={token}"

    def _expiring(self, purpose: str, value: str, expires_at: datetime | None) -> str:
        until = (expires_at or self.clock.now()) + TOKEN_MARGIN
        return self.signer.sign_until(purpose, value, int(until.timestamp()))

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
        (`CHECKOUT`, `STATUS`, `SANDBOX_PAGE`, or a provider name for callbacks), and, for
        the customer's links (`EXPIRING`), has not expired."""
        if not value:
            return False
        if purpose in EXPIRING:
            now = self.clock.now().timestamp()
            return self.signer.verify_until(purpose, str(value), token, now)
        return self.signer.verify(purpose, str(value), token)
