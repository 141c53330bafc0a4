"""What a simulated payment does, chosen by the last two digits of its amount in whole units
(the same endings as the sandbox provider's phone numbers, plus two for the start call).

| ends in | outcome |
|---|---|
| 01 | succeeds after `approve_delay` seconds; the callback is sent |
| 02 | fails after `approve_delay` seconds (insufficient funds); the callback is sent |
| 03 | never resolves (the customer never answers) |
| 04 | succeeds, but the callback is lost (status queries find it) |
| 05 | succeeds, and the callback is delivered twice |
| 06 | the start call hangs for `hang_seconds`, then is answered (the record exists) |
| 07 | the start call answers 503 (nothing is created) |
| other | the customer decides on the operator's page (payment page or phone prompt) |
"""

from __future__ import annotations

import enum


class Outcome(enum.Enum):
    CUSTOMER_DECIDES = "customer_decides"
    SUCCEEDS = "succeeds"
    FAILS = "fails"
    NEVER_RESOLVES = "never_resolves"
    CALLBACK_LOST = "callback_lost"
    CALLBACK_TWICE = "callback_twice"
    START_HANGS = "start_hangs"
    START_UNAVAILABLE = "start_unavailable"

    @property
    def resolves_alone(self) -> bool:
        """Settled by the simulator itself, without the customer."""
        return self in AUTOMATIC

    @property
    def succeeds(self) -> bool:
        return self in (Outcome.SUCCEEDS, Outcome.CALLBACK_LOST, Outcome.CALLBACK_TWICE)

    @property
    def callbacks(self) -> int:
        """How many times the final callback is delivered."""
        return {Outcome.CALLBACK_LOST: 0, Outcome.CALLBACK_TWICE: 2}.get(self, 1)


AUTOMATIC = frozenset(
    {Outcome.SUCCEEDS, Outcome.FAILS, Outcome.CALLBACK_LOST, Outcome.CALLBACK_TWICE}
)
ENDINGS = {
    1: Outcome.SUCCEEDS,
    2: Outcome.FAILS,
    3: Outcome.NEVER_RESOLVES,
    4: Outcome.CALLBACK_LOST,
    5: Outcome.CALLBACK_TWICE,
    6: Outcome.START_HANGS,
    7: Outcome.START_UNAVAILABLE,
}


def outcome_for(amount: int) -> Outcome:
    """The scenario of an amount in whole currency units."""
    return ENDINGS.get(amount % 100, Outcome.CUSTOMER_DECIDES)
