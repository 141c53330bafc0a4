"""`.env.example` is the list of settings: every variable the code reads is in it once, with a
comment just above, and every variable it lists is read by the code."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from adapters.providers import catalog
from entrypoints import legacy_env
from entrypoints.env_reader import EnvReader
from entrypoints.settings import Settings

EXAMPLE = Path(__file__).parents[2] / ".env.example"
LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=")

#: Read from the process environment only (never from `.env`), documented in docs/api.md.
ENVIRONMENT_ONLY = {"PROMETHEUS_MULTIPROC_DIR"}


def listed() -> list[tuple[str, str]]:
    """(name, the line above it) for every `NAME=` line of .env.example."""
    lines = EXAMPLE.read_text().splitlines()
    return [
        (m.group(1), lines[i - 1] if i else "")
        for i, line in enumerate(lines)
        if (m := LINE.match(line))
    ]


class Recording(Mapping[str, str]):
    """Sets every name (to "1"; an optional key is left to its default, which must be valid)
    and remembers the names asked for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return "" if name.endswith("ENCRYPTION_KEY") else "1"

    def get(self, name: str, default: object = None) -> str:  # type: ignore[override]
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@pytest.fixture
def read_by_the_code(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every variable name the settings reader and the providers' configuration ask for."""
    asked: set[str] = set()
    original = EnvReader.get

    def spy(self: EnvReader, name: str) -> str | None:
        asked.add(name)
        return original(self, name)

    monkeypatch.setattr(EnvReader, "get", spy)
    Settings.from_env(env={}, env_file="/nonexistent/.env")
    providers = Recording()
    catalog.accounts(providers)
    return asked | providers.asked


def test_every_variable_the_code_reads_is_listed(read_by_the_code: set[str]) -> None:
    names = {name for name, _ in listed()}
    missing = sorted(read_by_the_code - names)
    assert not missing, (
        f"read by the code but not in .env.example (add them, with a comment): {missing}"
    )


def test_every_listed_variable_is_read(read_by_the_code: set[str]) -> None:
    unread = sorted({name for name, _ in listed()} - read_by_the_code)
    assert not unread, f"in .env.example but read by no code (remove them or read them): {unread}"


def test_each_variable_is_listed_once_with_a_comment() -> None:
    names = [name for name, _ in listed()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, f"listed more than once in .env.example: {repeated}"
    bare = [name for name, above in listed() if not above.startswith("#")]
    assert not bare, f"no comment line just above them in .env.example: {bare}"


def test_legacy_names_are_not_listed() -> None:
    names = {name for name, _ in listed()}
    assert not names & set(legacy_env.ALIASES), "list the preferred names only"
    assert not names & ENVIRONMENT_ONLY


def test_legacy_names_point_at_listed_variables() -> None:
    names = {name for name, _ in listed()}
    assert set(legacy_env.ALIASES.values()) <= names
