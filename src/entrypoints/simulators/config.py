"""The simulators' settings: made-up operators' credentials, never the environment's (a `.env`
beside them may hold real ones, which a development tool must not print or write), and where
the service is (`PUBLIC_BASE_URL`, `WAVE_WEBHOOK_URL`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: The only credentials the simulators know and accept.
DEFAULTS = {
    "WAVE_API_KEY": "wave_sn_prod_simulated-api-key",
    "WAVE_WEBHOOK_SECRET": "wave_sn_WHS_simulated-webhook-secret-0001",
    "MTN_MOMO_SUBSCRIPTION_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "MTN_MOMO_API_USER": "5d0f6a7e-3c1b-4e8a-9f2d-6b7c8d9e0a1b",
    "MTN_MOMO_API_KEY": "1e89774dabd944b4b112c30aaef5b9c8",
    "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast",
    "MTN_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "MTN_MOMO_DISBURSEMENT_API_USER": "8c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "MTN_MOMO_DISBURSEMENT_API_KEY": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "ORANGE_MONEY_CLIENT_ID": "simulated-orange-client-id",
    "ORANGE_MONEY_CLIENT_SECRET": "simulated-orange-client-secret",
    "ORANGE_MONEY_MERCHANT_KEY": "c5cbb630",
    "ORANGE_MONEY_COUNTRY": "ci",
    "MOOV_MONEY_USERNAME": "simulated-merchant",
    "MOOV_MONEY_PASSWORD": "simulated-password",
    "MOOV_MONEY_ENCRYPTION_KEY": "sim0moov0key0sim0moov0key0sim0mo",
    "MOOV_MONEY_MERCHANT_MSISDN": "22990000000",
}
#: Country accounts served beside the default ones (docs/simulators.md, Several countries):
#: MTN's Cameroon environment with its own keys, Wave's Ivorian wallet with its own key and
#: secret, Orange's Senegal path with its own merchant key, and Moov's Togo dialect.
ACCOUNT_DEFAULTS = {
    "MTN_MOMO_CM_SUBSCRIPTION_KEY": "7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
    "MTN_MOMO_CM_API_USER": "3b9e1c2d-7f4a-4b6c-8d9e-1f2a3b4c5d6e",
    "MTN_MOMO_CM_API_KEY": "c0ffee00c0ffee00c0ffee00c0ffee00",
    "MTN_MOMO_CM_TARGET_ENVIRONMENT": "mtncameroon",
    "WAVE_CI_API_KEY": "wave_ci_prod_simulated-api-key",
    "WAVE_CI_WEBHOOK_SECRET": "wave_ci_WHS_simulated-webhook-secret-0002",
    "ORANGE_MONEY_SN_CLIENT_ID": "simulated-orange-client-id",
    "ORANGE_MONEY_SN_CLIENT_SECRET": "simulated-orange-client-secret",
    "ORANGE_MONEY_SN_MERCHANT_KEY": "d7e1a4f2",
    "MOOV_MONEY_TG_MERCHANT_NAME": "SIMULATED-MERCHANT",
}
#: Moov's SDK default, used when MOOV_MONEY_ENCRYPTION_KEY is empty (as the service does).
MOOV_DEFAULT_KEY = "tlc12345tlc12345tlc12345tlc12345"
MOOV_PATH = "/com.tlc.merchant.api/UssdPush"
MOOV_TOGO_PATH = "/OnlinePayment"


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """`public_url`: where the simulators are reached (payment page links); `service_url`:
    the service's PUBLIC_BASE_URL (Wave's registered webhook, MTN's callback host)."""

    public_url: str
    service_url: str
    credentials: Mapping[str, str]
    approve_delay: float = 2.0
    hang_seconds: float = 40.0
    token_seconds: int = 3600

    def get(self, name: str) -> str:
        return self.credentials[name]

    @property
    def wave_webhook_url(self) -> str:
        return self.credentials.get("WAVE_WEBHOOK_URL") or (
            f"{self.service_url}/payment/webhook/wave/"
        )

    @property
    def moov_key(self) -> bytes:
        raw = self.credentials.get("MOOV_MONEY_ENCRYPTION_KEY") or MOOV_DEFAULT_KEY
        return bytes.fromhex(raw) if len(raw) == 64 else raw.encode()

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], public_url: str, **options: float | int
    ) -> SimulatorConfig:
        credentials = {**DEFAULTS, **ACCOUNT_DEFAULTS}
        if env.get("WAVE_WEBHOOK_URL"):
            credentials["WAVE_WEBHOOK_URL"] = env["WAVE_WEBHOOK_URL"]
        service_url = (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        return cls(public_url.rstrip("/"), service_url, credentials, **options)  # type: ignore[arg-type]

    def service_env(self, countries: bool = False) -> dict[str, str]:
        """The variables that point the service at these simulators; with `countries`, the
        country accounts' too (`ACCOUNT_DEFAULTS`)."""
        env = {name: value for name, value in self.credentials.items() if name in DEFAULTS}
        if countries:
            env.update(self.country_env())
        env.update(
            {
                "WAVE_BASE_URL": f"{self.public_url}/wave",
                "MTN_MOMO_BASE_URL": f"{self.public_url}/mtn",
                "ORANGE_MONEY_BASE_URL": f"{self.public_url}/orange",
                "MOOV_MONEY_URL": f"{self.public_url}/moov{MOOV_PATH}",
            }
        )
        return env

    def country_env(self) -> dict[str, str]:
        """The country accounts' variables: MTN in Cameroon, Wave in Côte d'Ivoire, Orange in
        Senegal, Moov in Togo (its callbacks come from this machine)."""
        env = {k: v for k, v in self.credentials.items() if k in ACCOUNT_DEFAULTS}
        env.update(
            {
                "MTN_MOMO_CM_BASE_URL": f"{self.public_url}/mtn",
                "WAVE_CI_BASE_URL": f"{self.public_url}/wave",
                "ORANGE_MONEY_SN_BASE_URL": f"{self.public_url}/orange",
                "MOOV_MONEY_TG_URL": f"{self.public_url}/moov-tg{MOOV_TOGO_PATH}",
                "MOOV_MONEY_TG_CALLBACK_IPS": "127.0.0.1",
                # the default accounts are Côte d'Ivoire's (Moov's Benin's): XOF only, so an
                # order in XAF is offered only the Cameroon account
                **{f"{p}CURRENCY": "XOF" for p in ("MTN_MOMO_", "WAVE_", "ORANGE_MONEY_")},
                "MOOV_MONEY_CURRENCY": "XOF",
            }
        )
        return env

    def country_accounts(self, prefix: str) -> list[str]:
        """The countries of the accounts of `prefix` (`MTN_MOMO_`) the simulators serve."""
        pattern = re.compile(rf"^{prefix}([A-Z]{{2}})_")
        return sorted({m.group(1) for k in self.credentials if (m := pattern.match(k))})
