"""Reading settings from the environment while collecting every problem, so that a refused
configuration names all of its faulty variables at once instead of one per restart."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta

#: Longer than any time-to-live or lease means anything (ten years); `inf` and `nan` are refused.
MAX_SECONDS = 10 * 365 * 86400


class EnvReader:
    """Typed reads of `values`; a bad value is recorded in `problems` (naming the variable)
    and read as None, so that reading goes on and every problem is reported together."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[str] = []

    def get(self, name: str) -> str | None:
        """The value, stripped; None when unset or empty."""
        return (self.values.get(name) or "").strip() or None

    def integer(self, name: str, default: int, minimum: int = 0) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name} must be a whole number (got {raw!r})")
            return default
        if value < minimum:
            self.problems.append(f"{name} must be at least {minimum} (got {value})")
            return default
        return value

    def seconds(self, name: str) -> timedelta | None:
        """A positive number of seconds, or None when unset (or faulty)."""
        raw = self.get(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name} must be a number of seconds (got {raw!r})")
            return None
        if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
            self.problems.append(f"{name} must be positive (got {raw})")
            return None
        return timedelta(seconds=value)

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = (self.get(name) or default).lower()
        if value not in allowed:
            self.problems.append(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
            return default
        return value

    def flag(self, name: str) -> bool:
        """`true`/`1`/`yes` or `false`/`0`/`no` (default false); anything else is a problem."""
        value = self.choice(name, "false", ("true", "1", "yes", "false", "0", "no"))
        return value in ("true", "1", "yes")
