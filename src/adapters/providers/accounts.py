"""The provider accounts a configuration holds: one per provider and country, plus each
provider's default account.

- A country's account is configured as `<PROVIDER>_<CC>_<FIELD>` (`MTN_MOMO_CM_API_KEY`,
  `WAVE_CI_WEBHOOK_SECRET`...), `FIELD` being the name the default account uses
  (`MTN_MOMO_API_KEY`). Its variables are read as its provider module reads the unsuffixed ones:
  nothing is inherited from the default account.
- The unsuffixed variables configure the default account, unchanged.
- `<PROVIDER>_<CC>_CURRENCY` overrides the country's currency; `<PROVIDER>_CURRENCY` gives the
  default account one (without it, the default account takes any currency).
- A country's account whose credentials are not all set, whose country is unknown without a
  currency, is a problem named by its variables (`problems`), never silently left out.
- Country defaults: Orange's WebPay path is the country's (`ORANGE_MONEY_SN_COUNTRY=sn`), MTN's
  target environment is the country's (`mtncameroon`) unless set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.providers import moov_togo
from adapters.providers.contract import ProviderConfig, ProviderModule
from domain.accounts import CURRENCY_OF, Account, AccountId

#: provider name -> the variables' prefix.
PREFIXES = {
    "orange_money": "ORANGE_MONEY_",
    "mtn_momo": "MTN_MOMO_",
    "wave": "WAVE_",
    "moov_money": "MOOV_MONEY_",
}

#: The fields an account cannot work without (the module's `configure` returns None).
REQUIRED = {
    "orange_money": ("CLIENT_ID", "CLIENT_SECRET", "MERCHANT_KEY"),
    "mtn_momo": ("SUBSCRIPTION_KEY", "API_USER", "API_KEY"),
    "wave": ("API_KEY",),
    "moov_money": ("USERNAME", "PASSWORD", "URL"),
}

#: MTN's `X-Target-Environment` of each country (payouts-and-countries.md §1.1).
MTN_ENVIRONMENTS = {
    "CI": "mtnivorycoast",
    "BJ": "mtnbenin",
    "CM": "mtncameroon",
    "CG": "mtncongo",
    "GH": "mtnghana",
    "UG": "mtnuganda",
    "ZM": "mtnzambia",
    "GN": "mtnguineaconakry",
    "RW": "mtnrwanda",
    "NG": "mtnnigeria",
}

#: Countries where a provider speaks another dialect: their accounts use that module.
DIALECTS: dict[tuple[str, str], ProviderModule] = {("moov_money", "TG"): moov_togo}

_COUNTRY_VAR = re.compile(r"^([A-Z]{2})_([A-Z][A-Z0-9_]*)$")


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """A configured account: its provider module, its country (None: default), its module's
    config and the currency it takes (None: any)."""

    module: ProviderModule
    country: str | None
    config: ProviderConfig
    currency: str | None

    @property
    def id(self) -> AccountId:
        return AccountId(self.module.NAME, self.country)

    @property
    def account(self) -> Account:
        return Account(self.id, self.currency)

    @property
    def prefix(self) -> str:
        """`MTN_MOMO_CM_` (or `MTN_MOMO_` for the default account)."""
        base = PREFIXES[self.module.NAME]
        return base if self.country is None else f"{base}{self.country}_"

    def sandbox_problems(self) -> list[str]:
        """The module's problems, naming this account's variables."""
        base = PREFIXES[self.module.NAME]
        return [p.replace(base, self.prefix) for p in self.config.sandbox_problems()]


def countries_in(env: Mapping[str, str], provider: str) -> list[str]:
    """The countries `<PROVIDER>_<CC>_...` variables are set for (sorted)."""
    prefix = PREFIXES[provider]
    found = set()
    for name, value in env.items():
        match = _COUNTRY_VAR.match(name[len(prefix) :]) if name.startswith(prefix) else None
        if match and (value or "").strip():
            found.add(match.group(1))
    return sorted(found)


def account_env(env: Mapping[str, str], provider: str, country: str) -> dict[str, str]:
    """The account's variables under their unsuffixed names, with the country's defaults: what
    the provider module's `configure` reads."""
    prefix = PREFIXES[provider]
    own = f"{prefix}{country}_"
    values = {prefix + k[len(own) :]: v for k, v in env.items() if k.startswith(own) and v}
    if provider == "orange_money":
        values.setdefault(f"{prefix}COUNTRY", country.lower())
    if provider == "mtn_momo" and country in MTN_ENVIRONMENTS:
        values.setdefault(f"{prefix}TARGET_ENVIRONMENT", MTN_ENVIRONMENTS[country])
    return values


def read_accounts(
    env: Mapping[str, str], modules: tuple[ProviderModule, ...]
) -> tuple[list[AccountConfig], list[str]]:
    """Every complete account (default ones first), and the problems of the others."""
    accounts: list[AccountConfig] = []
    problems: list[str] = []
    for module in modules:
        prefix = PREFIXES[module.NAME]
        default = module.configure(env)
        if default is not None:
            currency = (env.get(f"{prefix}CURRENCY") or "").strip().upper() or None
            accounts.append(AccountConfig(module, None, default, currency))
        for country in countries_in(env, module.NAME):
            account, problem = _country_account(env, module, country)
            if account is not None:
                accounts.append(account)
            if problem:
                problems.append(problem)
    return accounts, problems


def _country_account(
    env: Mapping[str, str], module: ProviderModule, country: str
) -> tuple[AccountConfig | None, str | None]:
    values = account_env(env, module.NAME, country)
    module = DIALECTS.get((module.NAME, country), module)
    own = f"{PREFIXES[module.NAME]}{country}_"
    currency = (values.get(f"{PREFIXES[module.NAME]}CURRENCY") or "").strip().upper()
    currency = currency or CURRENCY_OF.get(country, "")
    config = module.configure(values)
    if config is None:
        required = getattr(module, "REQUIRED", REQUIRED[module.NAME])
        missing = [own + f for f in required if not values.get(PREFIXES[module.NAME] + f)]
        missing = missing or [f"{own}CALLBACK_IPS as addresses or CIDR networks"]
        return None, f"{own[:-1]}: the account is half-configured: set {', '.join(missing)}"
    if not currency:
        return None, f"{own}CURRENCY must be set: the currency of country {country} is not known"
    named = getattr(config, "named", None)  # a module that names its variables in its errors
    config = named(own) if named is not None else config
    return AccountConfig(module, country, config, currency), None
