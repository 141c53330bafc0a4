"""Is a secret strong enough? Length alone is not: `"a" * 32` is 32 characters and no secret.

Rules: a secret is weak when it is shorter than asked, has fewer than 6 distinct characters,
or its characters' Shannon entropy is below 2.3 bits each. Random hex of 24 characters or
more measures 2.5 bits or more (3.6 on average at 32), random base64 more; a repeated
character measures 0 and a repeated short word (`"abcd" * 8`) 2."""

from __future__ import annotations

import math
from collections import Counter

MIN_DISTINCT = 6
MIN_BITS_PER_CHARACTER = 2.3


def bits_per_character(value: str) -> float:
    """The Shannon entropy of the characters of `value`, in bits per character."""
    if not value:
        return 0.0
    counts, total = Counter(value), len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def weakness(value: str | None, min_length: int) -> str | None:
    """Why `value` is not a strong secret (None when it is)."""
    if not value:
        return "is not set"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters"
    if len(set(value)) < MIN_DISTINCT or bits_per_character(value) < MIN_BITS_PER_CHARACTER:
        return "is not random enough (too few distinct characters)"
    return None
