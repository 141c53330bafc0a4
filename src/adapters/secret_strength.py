"""Is a secret strong enough? Length alone is not: `"a" * 32` is 32 characters and no secret,
and neither is `changeme-changeme-changeme-changeme`.

Rules: a secret is weak when it is
- shorter than asked;
- made of too few distinct characters: fewer than 6, or a Shannon entropy below 2.3 bits per
  character (random hex of 24 characters or more measures 2.5 bits or more, 3.6 on average at
  32, random base64 more; a repeated character measures 0 and `"abcd" * 8` 2);
- a repeated pattern: a third or more of it repeats a piece of 4 characters or more found
  earlier in it (`passwordpassword...`, `0123456789abcdef` twice). In 32 random characters a
  4-character piece repeats by chance about once in 150 tries for hex and far less for base64,
  and never covers a third;
- mostly words: common words and keyboard or alphabet runs (`password`, `changeme`, `qwerty`,
  `123456`, `abcdef`) cover a quarter of it or more;
- derived from a known value (the sandbox's built-in secrets): it shares 8 characters in a row
  with one, whatever the case (the sandbox key with one character added).

`HOW_TO_MAKE_ONE` says how to make a good one."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

MIN_DISTINCT = 6
MIN_BITS_PER_CHARACTER = 2.3
MIN_PIECE = 4
MAX_REPEATED_SHARE = 1 / 3
MAX_WORDS_SHARE = 1 / 4
MIN_RUN = 5
DERIVED_PIECE = 8
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'

#: Words people put in secrets that they mean to change later (and never do), and the words
#: of this service's own sandbox defaults.
_WORDS = """
    password passwd passw0rd pass secret secrets changeme change default example sample
    sandbox insecure token admin administrator root user login letmein welcome hello test
    testing demo dummy temp temporary private public master qwerty azerty qwertz asdf zxcv
    monkey dragon shadow sunshine princess football baseball iloveyou trustno superman
    batman starwars whatever freedom access secure security payment payments money merchant
    mobile orange wave moov metrics webhook django production staging local server database
    postgres mysql apikey api_key key123 abc123 foobar lorem ipsum
"""
COMMON_WORDS = frozenset(_WORDS.split())


def bits_per_character(value: str) -> float:
    """The Shannon entropy of the characters of `value`, in bits per character."""
    if not value:
        return 0.0
    counts, total = Counter(value), len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def weakness(value: str | None, min_length: int, known: Iterable[str] = ()) -> str | None:
    """Why `value` is not a strong secret (None when it is). `known`: values it must not be
    derived from (built-in defaults)."""
    if not value:
        return "is not set"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters"
    if len(set(value)) < MIN_DISTINCT or bits_per_character(value) < MIN_BITS_PER_CHARACTER:
        return "is not random enough (too few distinct characters)"
    if any(_shares_a_piece(value, default) for default in known):
        return "is derived from the sandbox's built-in value"
    if repeated_share(value) >= MAX_REPEATED_SHARE:
        return "is not random enough (a repeated pattern)"
    if words_share(value) >= MAX_WORDS_SHARE:
        return "is not random enough (dictionary words or keyboard runs)"
    return None


def repeated_share(value: str) -> float:
    """The share of `value`'s characters that repeat a piece of `MIN_PIECE` characters or more
    seen earlier in it (greedy, left to right)."""
    covered, i = 0, MIN_PIECE
    while i <= len(value) - MIN_PIECE:
        length = _longest_earlier_match(value, i)
        if length >= MIN_PIECE:
            covered, i = covered + length, i + length
        else:
            i += 1
    return covered / len(value)


def _longest_earlier_match(value: str, at: int) -> int:
    length = MIN_PIECE
    if value[at : at + length] not in value[: at + length - 1]:
        return 0
    while at + length < len(value) and value[at : at + length + 1] in value[: at + length]:
        length += 1
    return length


def words_share(value: str) -> float:
    """The share of `value`'s characters inside a common word or a run (`12345`, `abcde`,
    `qwerty`), whatever the case."""
    lowered = value.lower()
    covered = bytearray(len(value))
    for word in COMMON_WORDS:
        start = lowered.find(word)
        while start != -1:
            covered[start : start + len(word)] = b"\x01" * len(word)
            start = lowered.find(word, start + 1)
    for start, end in _runs(lowered):
        covered[start:end] = b"\x01" * (end - start)
    return sum(covered) / len(value)


def _runs(value: str) -> Iterable[tuple[int, int]]:
    """Stretches of `MIN_RUN` characters or more whose code points go up, or down, by one."""
    start = 0
    while start < len(value) - 1:
        step, end = ord(value[start + 1]) - ord(value[start]), start + 1
        if abs(step) == 1:
            while end + 1 < len(value) and ord(value[end + 1]) - ord(value[end]) == step:
                end += 1
            if end + 1 - start >= MIN_RUN:
                yield start, end + 1
        start = end


def _shares_a_piece(value: str, known: str) -> bool:
    value, known = value.lower(), known.lower()
    return any(known[i : i + DERIVED_PIECE] in value for i in range(len(known) - DERIVED_PIECE + 1))
