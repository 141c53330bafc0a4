"""URLs the service hands out, signed so they cannot be guessed."""

from __future__ import annotations

from adapters.signing import UrlSigner

CHECKOUT = "checkout"


class Links:
    def __init__(self, base_url: str, signer: UrlSigner) -> None:
        self._base, self._signer = base_url.rstrip("/"), signer

    def checkout_url(self, order_id: str) -> str:
        """The hosted payment page of an order, with its unguessable token."""
        return (
            f"{self._base}/order/{order_id}/payment/?token={self._signer.sign(CHECKOUT, order_id)}"
        )
