"""The README's money walk-through (balance, fee, payout number, payout), pasted as is into
bash against a real server: every answer it promises in its comments comes back."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[3]
SECTION = "## The marketplace's money"


def readme_script() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(SECTION) :]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "the README's money section has no sh block"
    return match.group(1)


def test_the_readme_money_walk_through_runs_as_pasted(clean_db: None, live_server: str) -> None:
    script = readme_script().replace("http://localhost:8000", live_server)
    done = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert '"fee":250' in out and '"net":9750' in out
    assert '"available":9750' in out
    assert '"code":"destination_not_active"' in out
    assert '"status":"active"' in out
    assert '"object":"payout"' in out and '"status":"succeeded"' in out
    assert '"available":4750' in out
    assert '"code":"insufficient_balance"' in out
    answers = out.splitlines()  # each answer on its own line, not run into the next or the prompt
    assert len(answers) == 9 and all(a.startswith("{") and a.endswith("}") for a in answers), out
