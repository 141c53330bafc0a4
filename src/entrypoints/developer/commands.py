"""Registers the developers' commands on the `payments` command line."""

from __future__ import annotations

from typing import Any

from entrypoints.developer import listen, logs, trigger


def add_commands(commands: Any) -> None:
    listen.add_command(commands)
    trigger.add_command(commands)
    logs.add_command(commands)
