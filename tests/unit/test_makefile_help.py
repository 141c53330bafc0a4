"""`make help` lists every target of the Makefile, each once."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):(?!=)", makefile, re.M))
    listed = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    names = [line.split()[1] for line in listed.splitlines() if line.startswith("make ")]
    assert targets - set(names) == set(), "add them to the help target"
    assert sorted(names) == sorted(set(names)), "a target is listed twice"
    for line in listed.splitlines():
        assert len(line.split(None, 2)) == 3, f"no description: {line}"
