"""The deployment kit (deploy/): backups never put the password on pg_dump's command line and
are readable by their owner only; the systemd units are hardened (`systemd-analyze security`
below 4, checked where the tool is); nginx offers forward-secret ciphers only and hides its
version; Caddy keeps the service's Referrer-Policy."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[2] / "deploy"
UNITS = ["payments-serve.service", "payments-worker.service", "payments-backup.service"]
# Records what it was given instead of dumping: its arguments, and the password file it found.
FAKE_PG_DUMP = """#!/bin/sh
printf '%s\\n' "$@" > "$RECORD/args"
cat "$PGPASSFILE" > "$RECORD/passfile"
stat -c %a "$PGPASSFILE" > "$RECORD/passfile-mode"
echo "$PGPASSFILE" > "$RECORD/passfile-path"
for arg in "$@"; do case "$arg" in --file=*) echo PGDMP > "${arg#--file=}";; esac; done
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_keeps_the_password_off_the_command_line(tmp_path: Path) -> None:
    bin_dir, record, backups = tmp_path / "bin", tmp_path / "record", tmp_path / "b" / "backups"
    bin_dir.mkdir()
    record.mkdir()
    (bin_dir / "pg_dump").write_text(FAKE_PG_DUMP)
    (bin_dir / "pg_dump").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "RECORD": str(record),
        "BACKUP_DIR": str(backups),
        "DATABASE_URL": "postgresql://payments:s3cr%3At%40pw@db.example:5432/payments",
    }
    subprocess.run(["sh", str(DEPLOY / "backup.sh")], env=env, check=True, capture_output=True)

    args = (record / "args").read_text()
    assert "s3cr" not in args and "%3A" not in args
    assert "--dbname=postgresql://payments@db.example:5432/payments" in args.splitlines()
    assert (record / "passfile").read_text() == "*:*:*:*:s3cr\\:t@pw\n"
    assert (record / "passfile-mode").read_text().strip() == "600"
    assert not Path((record / "passfile-path").read_text().strip()).exists()  # removed after
    assert _mode(backups) == 0o700
    (dump,) = backups.glob("payments-*.dump")
    assert _mode(dump) == 0o600


def _exposure(unit: str) -> float:
    answer = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(DEPLOY / "systemd" / unit)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: ([0-9.]+)", answer.stdout + answer.stderr)
    if found is None:
        pytest.skip(f"systemd-analyze cannot score unit files here: {answer.stderr.strip()}")
    return float(found.group(1))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_scores_below_4(unit: str) -> None:
    assert _exposure(unit) < 4


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_keeps_what_it_writes_from_others(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    umask = re.search(r"^UMask=(\d+)$", text, re.M)
    assert umask is not None and int(umask.group(1), 8) & 0o007 == 0o007
    for setting in ("NoNewPrivileges=true", "ProtectSystem=strict", "CapabilityBoundingSet="):
        assert re.search(rf"^{re.escape(setting)}$", text, re.M), setting


def test_nginx_offers_forward_secret_ciphers_only_and_hides_its_version() -> None:
    config = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"^\s*server_tokens off;", config, re.M)
    ciphers = re.search(r"^\s*ssl_ciphers ([^;]+);", config, re.M)
    assert ciphers is not None
    for cipher in ciphers.group(1).split(":"):
        assert cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA20" in cipher), cipher
    assert re.search(r"^\s*ssl_protocols TLSv1\.2 TLSv1\.3;", config, re.M)


def test_caddy_keeps_the_service_referrer_policy() -> None:
    lines = (DEPLOY / "Caddyfile").read_text().splitlines()
    settings = [line for line in lines if not line.strip().startswith("#")]
    assert not any("Referrer-Policy" in line for line in settings)
