"""The README's curl session works pasted as is, against a real server: the sandbox payment,
the refunds and the operator's desk (which makes the queue item it then resolves), each
answer on its own line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from tests.integration.conftest import ROOT

SECTIONS = ("## Try it: a sandbox payment with curl", "## Refunds", "## The operator's desk")


def session() -> str:
    """The shell blocks of the README's curl sections, in order."""
    readme = (ROOT / "README.md").read_text()
    script = []
    for title in SECTIONS:
        section = readme.split(title, 1)[1].split("\n## ", 1)[0]
        script.extend(re.findall(r"```sh\n(.*?)```", section, re.S))
    return "\n".join(script)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_session_works_as_pasted(live_server: str, database_url: str) -> None:
    script = session().replace("http://localhost:8000", live_server)
    script = script.replace(".venv/bin/payments", f"{sys.executable} -m entrypoints.cli")
    env = {**os.environ, "DATABASE_URL": database_url, "PAYMENT_ENVIRONMENT": "sandbox"}
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert not [line for line in lines if "}{" in line], "two answers on one line"
    assert any('"status":"succeeded"' in line and '"pay_' in line for line in lines)
    assert any('"code":"refund_exceeds_payment"' in line for line in lines)
    queue = next(line for line in lines if '"kind":"needs_refund"' in line)
    assert '"data":[' in queue
    resolved = [line for line in lines if '"object":"resolution"' in line]
    assert resolved and '"action":"manual_refund"' in resolved[0], done.stdout
