"""The simulators' settings: made-up operators' credentials, never the environment's (a `.env`
beside them may hold real ones, which a development tool must not print or write), and where
the service is (`PUBLIC_BASE_URL`, `WAVE_WEBHOOK_URL`)."""

from __future__ import annotations

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
#: Moov's SDK default, used when MOOV_MONEY_ENCRYPTION_KEY is empty (as the service does).
MOOV_DEFAULT_KEY = "tlc12345tlc12345tlc12345tlc12345"
MOOV_PATH = "/com.tlc.merchant.api/UssdPush"


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
        credentials = dict(DEFAULTS)
        if env.get("WAVE_WEBHOOK_URL"):
            credentials["WAVE_WEBHOOK_URL"] = env["WAVE_WEBHOOK_URL"]
        service_url = (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        return cls(public_url.rstrip("/"), service_url, credentials, **options)  # type: ignore[arg-type]

    def service_env(self) -> dict[str, str]:
        """The variables that point the service at these simulators."""
        env = {name: value for name, value in self.credentials.items() if name in DEFAULTS}
        env.update(
            {
                "WAVE_BASE_URL": f"{self.public_url}/wave",
                "MTN_MOMO_BASE_URL": f"{self.public_url}/mtn",
                "ORANGE_MONEY_BASE_URL": f"{self.public_url}/orange",
                "MOOV_MONEY_URL": f"{self.public_url}/moov{MOOV_PATH}",
            }
        )
        return env
