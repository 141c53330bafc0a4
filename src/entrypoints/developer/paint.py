"""Colours for the developers' commands: ANSI codes on a terminal, plain text elsewhere (a
pipe, a file, a test), and never when `NO_COLOR` is set (https://no-color.org)."""

from __future__ import annotations

import os
from typing import IO

CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def colours_on(out: IO[str]) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def paint(text: str, colour: str, out: IO[str]) -> str:
    if not colours_on(out):
        return text
    return f"\033[{CODES[colour]}m{text}\033[0m"
