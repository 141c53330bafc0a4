"""The payout and balance gateways this configuration offers (`PayoutGateways`), one per
provider account.

- MTN MoMo: only with its Disbursement credentials (`MTN_MOMO_DISBURSEMENT_*`); it shares
  the Disbursement product (and its token) of the MTN provider that makes refunds.
- Wave: the wallet's API key (it must be allowed the Payout and Balance APIs).
- Moov Money: `transferFlooz`; its balance only with `MOOV_MONEY_MERCHANT_MSISDN`.
- Orange Money: no payout API for merchants (WebPay): never offered.
- The sandbox operator, outside production.

An account is chosen by `(provider, country)`; when no account is configured for that
country, the provider's default account (country None) answers. An account configured in
that country without payouts (Moov Togo's dialect, MTN without Disbursement) answers None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adapters.providers import moov_money, moov_money_wire, mtn_momo, wave
from adapters.providers.http import ProviderHttp
from adapters.providers.moov_money_payouts import MoovPayouts
from adapters.providers.mtn_momo_payouts import MtnPayouts
from adapters.providers.sandbox_payouts import SandboxPayouts
from adapters.providers.wave_payouts import WavePayouts
from application.payouts.gateway import BalanceGateway, PayoutGateway

Account = tuple[str, str | None]


class PayoutGatewaySet:
    """Implements `PayoutGateways` over the gateways built for the configured accounts. An
    account configured without payouts (Moov Togo, MTN without Disbursement) maps to None:
    its country never falls back to the default account."""

    def __init__(
        self,
        payouts: Mapping[Account, PayoutGateway | None],
        balances: Sequence[BalanceGateway],
    ) -> None:
        self._payouts, self._balances = dict(payouts), tuple(balances)

    def payout_gateway(self, provider: str, country: str | None) -> PayoutGateway | None:
        if (provider, country) in self._payouts:
            return self._payouts[(provider, country)]
        return self._payouts.get((provider, None))

    def balance_gateways(self) -> Sequence[BalanceGateway]:
        return self._balances

    def providers(self) -> list[str]:
        """The providers that can pay out, sorted."""
        return sorted({provider for (provider, _), g in self._payouts.items() if g is not None})


@dataclass(frozen=True, slots=True)
class RealProvider:
    """A configured real provider: its module's config, the provider it built, and an HTTP
    client on its base URL."""

    config: object
    provider: object
    http: ProviderHttp
    #: The account's country (None: the provider's default account).
    country: str | None = None


Gateway = MtnPayouts | WavePayouts | MoovPayouts


def payout_gateway_for(real: RealProvider) -> Gateway | None:
    """The gateway of one configured provider account; None without payouts."""
    config, provider, http, country = real.config, real.provider, real.http, real.country
    if isinstance(config, mtn_momo.Config) and isinstance(provider, mtn_momo.MtnMomoProvider):
        product = provider.disbursement
        return MtnPayouts(product, sandbox=config.is_sandbox, country=country) if product else None
    if isinstance(config, wave.Config):
        return WavePayouts(http, config.api_key, country=country)
    if isinstance(config, moov_money.Config):
        token = moov_money_wire.token(config.username, config.password, config.encryption_key)
        return MoovPayouts(http, config.url, token, config.merchant_msisdn, country)
    return None  # Orange Money: no payout API


def gateway_set(
    real: Sequence[RealProvider], sandbox: SandboxPayouts | None = None
) -> PayoutGatewaySet:
    """Every account's payout gateway, and the balance gateways of those that tell it."""
    built = {(r.http.provider, r.country): payout_gateway_for(r) for r in real}
    gateways: list[Gateway | SandboxPayouts] = [g for g in built.values() if g is not None]
    if sandbox is not None:
        gateways.append(sandbox)
    payouts: dict[Account, PayoutGateway | None] = {**built}
    payouts.update({(g.provider, g.country): g for g in gateways})
    balances = [g for g in gateways if not isinstance(g, MoovPayouts) or g.tells_balance]
    return PayoutGatewaySet(payouts, balances)


def payout_capability(config: object, prefix: str) -> tuple[str, str]:
    """What an account can do for payouts, in words, and the variables that would add more
    (`prefix` is the account's, e.g. `MTN_MOMO_CM_`); for `payments check`."""
    if isinstance(config, mtn_momo.Config):
        if config.disbursement is None:
            return "no payouts: Disbursement credentials missing", f"{prefix}DISBURSEMENT_*"
        return "payouts by Disbursement transfer; balance asked", ""
    if isinstance(config, wave.Config):
        return "payouts by the Payout API; balance asked (the key needs both scopes)", ""
    if isinstance(config, moov_money.Config):
        if config.merchant_msisdn is None:
            return "payouts by transferFlooz; balance not asked", f"{prefix}MERCHANT_MSISDN"
        return "payouts by transferFlooz; balance asked", ""
    return "no payout API (destinations refused: payouts_not_supported)", ""
