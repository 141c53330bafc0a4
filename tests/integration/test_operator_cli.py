"""`payments operators create | list | revoke`: named operator tokens from the command line,
shown once, kept hashed, revoked at once."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any

import psycopg
from tests.integration.conftest import ROOT


def payments(database_url: str, tmp_path: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_an_operator_token_is_made_listed_and_revoked_from_the_command_line(
    client: Any, database_url: str, tmp_path: Any
) -> None:
    made = payments(database_url, tmp_path, "operators", "create", "Aïcha Koné")
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    token = created["token"]
    assert token.startswith("op_") and created["name"] == "Aïcha Koné"
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT token_hash FROM operators").fetchall()
        logged = conn.execute("SELECT actor_id, action FROM audit_log").fetchall()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(),)]  # never in clear
    assert logged == [("cli", "operator.created")]

    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/admin/queue", headers=headers)).status_code == 200

    taken = payments(database_url, tmp_path, "operator", "create", "Aïcha Koné")
    assert taken.returncode == 1 and "already named" in taken.stderr

    listed = json.loads(payments(database_url, tmp_path, "operators", "list").stdout)
    assert [(o["name"], o["revoked_at"]) for o in listed] == [("Aïcha Koné", None)]
    assert "token" not in listed[0]

    revoked = payments(database_url, tmp_path, "operators", "revoke", "Aïcha Koné")
    assert revoked.returncode == 0, revoked.stderr
    assert json.loads(revoked.stdout)["revoked_at"] is not None
    assert (await client.get("/api/v1/admin/queue", headers=headers)).status_code == 401
    unknown = payments(database_url, tmp_path, "operators", "revoke", "personne")
    assert unknown.returncode == 1
