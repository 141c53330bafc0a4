"""`payments reset --yes` (`make reset`): empty this machine's local data, and say what went.

Rules:
- what goes: the data directory (DATA_DIR: the embedded PostgreSQL, the demo's shop database,
  the metrics files of several processes) and the service's log files (LOG_DIR);
- without `--yes` nothing is removed: the command lists what it would remove;
- never in production, and never while an embedded PostgreSQL of that directory runs (the
  service must be stopped first);
- a database named by DATABASE_URL is never touched: it is someone else's server."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

from entrypoints.settings import Settings

LOG_PATTERNS = ("payments.log*", "requests.log*", "demo-*.log")


def add_command(commands: Any) -> None:
    reset = commands.add_parser(
        "reset", help="empty the local data (embedded database, logs); --yes to do it"
    )
    reset.add_argument("--yes", action="store_true", help="really remove them")
    reset.set_defaults(run=lambda settings, args: run(settings, args, sys.stdout))


def run(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    if not settings.is_sandbox:
        out.write("refused: reset is for a development machine, not production\n")
        return 2
    running = _running_postgres(settings.data_dir / "pg")
    if running is not None:
        out.write(
            f"refused: the embedded PostgreSQL of {settings.data_dir} runs (pid {running}):"
            " stop the service first (Ctrl-C in its terminal)\n"
        )
        return 1
    targets = _targets(settings)
    if not targets:
        out.write("nothing to remove: no local data here\n")
        return 0
    verb = "removed" if args.yes else "would remove"
    for path in targets:
        out.write(f"{verb} {path}{'/' if path.is_dir() else ''} ({_size(path)})\n")
        if args.yes:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    if settings.database_url:
        out.write("DATABASE_URL names a database of its own: it was not touched\n")
    if not args.yes:
        out.write("nothing removed: run `payments reset --yes` (or `make reset`) to do it\n")
    return 0


def _targets(settings: Settings) -> list[Path]:
    data = [settings.data_dir] if settings.data_dir.exists() else []
    logs = sorted(
        path
        for pattern in LOG_PATTERNS
        for path in settings.log_dir.glob(pattern)
        if path.is_file()
    )
    return data + logs


def _running_postgres(pg_dir: Path) -> int | None:
    """The pid of the PostgreSQL serving `pg_dir`, when it runs."""
    try:
        pid = int((pg_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _size(path: Path) -> str:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files if not p.is_symlink())
    return f"{total / 1_000_000:.1f} MB" if total >= 100_000 else f"{total / 1000:.0f} kB"
