"""What `payments serve` tells the person at the terminal while it starts: one line per
silent phase (the embedded PostgreSQL, the migrations, the server processes), a busy port
said plainly with how to choose another, and "Payments is ready" only once `/ready` answers."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable

import httpx

from entrypoints.banner import banner
from entrypoints.local_service import port_is_free
from entrypoints.settings import Settings

#: How long the announcer waits for `/ready` before saying the service is not ready.
READY_WAIT_SECONDS = 600


def say(line: str) -> None:
    print(line, flush=True)


def busy_port(settings: Settings) -> str | None:
    """What to say when another program already listens on the port (None: it is free)."""
    if port_is_free(settings.port, _probe_host(settings.host)):
        return None
    other = settings.port + 1
    return (
        f"port {settings.port} is already in use (another `payments serve`, or `make demo`?): "
        f"stop it, or choose another port: PORT={other} make run "
        f"(or PORT={other} .venv/bin/payments serve)"
    )


def first_start(settings: Settings) -> bool:
    """Whether the embedded PostgreSQL has no data yet (it is then created: the slowest start)."""
    return not settings.database_url and not (settings.data_dir / "pg" / "PG_VERSION").exists()


def announce_when_ready(settings: Settings, providers: Iterable[str]) -> threading.Thread:
    """A daemon thread that prints the banner once `/ready` answers 200."""
    offered = list(providers)
    url = f"http://{_probe_host(settings.host)}:{settings.port}/ready"

    def wait() -> None:
        deadline = time.monotonic() + READY_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    say(banner(settings, offered))
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        print(f"the service did not answer {url} in {READY_WAIT_SECONDS} s", file=sys.stderr)

    thread = threading.Thread(target=wait, name="announce-ready", daemon=True)
    thread.start()
    return thread


def _probe_host(host: str) -> str:
    """Where to reach a server listening on `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
