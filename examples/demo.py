"""`make demo`: the payment service and the example Django shop, side by side, ready to buy
something in the browser.

- the service: `payments serve --with-worker`, sandbox mode, its embedded PostgreSQL under
  `.data/demo/` (kept between runs), on DEMO_SERVICE_PORT (default 8000);
- the operators' simulators (`payments simulate --countries`: Orange Money, MTN MoMo, Wave,
  Moov Money, each with a country account beside its default one) on DEMO_SIMULATOR_PORT
  (default 8100), the service's providers pointed at them;
- the shop: `examples/django_shop`, SQLite under `.data/demo/`, on DEMO_SHOP_PORT (default
  8001), with vendors' stores in two countries and their products loaded (`manage.py
  seed_demo`): Côte d'Ivoire in XOF, Cameroon in XAF (its orders go to MTN's Cameroon account).
A port already taken is replaced by a free one. Ctrl-C stops everything."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

from entrypoints.local_service import LocalService, free_port, port_is_free
from entrypoints.settings import SANDBOX_ADMIN_TOKEN
from entrypoints.simulators.local import LocalSimulators

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "examples" / "django_shop"
DATA = ROOT / ".data" / "demo"
LOGS = ROOT / "logs"


def _port(variable: str, default: int) -> int:
    wanted = int(os.environ.get(variable) or default)
    if port_is_free(wanted):
        return wanted
    chosen = free_port()
    print(f"port {wanted} is taken: using {chosen} instead (set {variable} to choose)")
    return chosen


def _shop_secret_key() -> str:
    """The demo shop's own `SHOP_SECRET_KEY`: made once on this machine, kept `0600` under
    `.data/demo/` (sessions survive a restart); a key set in the environment wins."""
    if os.environ.get("SHOP_SECRET_KEY"):
        return os.environ["SHOP_SECRET_KEY"]
    path = DATA / "shop-secret-key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _shop_env(service_url: str, shop_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PAYMENTS_URL": service_url,
        "SHOP_URL": shop_url,
        "SHOP_DATABASE": str(DATA / "shop.sqlite3"),
        "SHOP_SECRET_KEY": _shop_secret_key(),
    }


def _spawn(
    env: dict[str, str], *args: str, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "manage.py", *args]
    output = log or subprocess.DEVNULL
    return subprocess.Popen(command, cwd=SHOP, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603


def _manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=SHOP, env=env, check=True)  # noqa: S603


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited during start-up: see {LOGS}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _wait_until_stopped(shop: subprocess.Popen[bytes]) -> None:
    while shop.poll() is None:
        time.sleep(1)
    print("the shop stopped: see logs/demo-shop.log")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _store_keys() -> list[tuple[str, str]]:
    """The demo stores' names and API keys, as seed_demo kept them in the shop's database."""
    with contextlib.closing(sqlite3.connect(DATA / "shop.sqlite3")) as db:
        rows = db.execute("SELECT name, api_key FROM shop_store ORDER BY id").fetchall()
    return [(str(name), str(key)) for name, key in rows]


def _ready_banner(seconds: float, shop_url: str, service_url: str, simulators_url: str) -> str:
    """What to open, and the keys to get in: the shop, the service's docs and pages, each
    demo store's vendor pages (its API key), the operators' desk (its token)."""
    token = os.environ.get("PAYMENTS_ADMIN_TOKEN") or SANDBOX_ADMIN_TOKEN
    stores = "".join(f"      {name:<20} {key}\n" for name, key in _store_keys())
    return (
        f"\nReady in {seconds:.1f} s.\n"
        f"  The shop:            {shop_url}/   (customer: fatou / demo-client;"
        f" vendors: awa, koffi, mbarga / demo-vendeur)\n"
        f'                       its "Rayon des tests" sells one product per scenario\n'
        f"  The payment service: {service_url}/   (API docs: {service_url}/docs)\n"
        f"  Vendor pages:        {service_url}/store/login/   with a store's API key:\n"
        f"{stores}"
        f"  Operators' desk:     {service_url}/admin/login/   token: {token}\n"
        f"  Simulated operators: {simulators_url}/   (phones: {simulators_url}/mtn/phone,"
        f" {simulators_url}/moov/phone, {simulators_url}/moov-tg/phone)\n"
        f"  Logs: {LOGS}/demo-*.log. Ctrl-C stops everything.\n"
    )


def main() -> int:
    started = time.monotonic()
    DATA.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    service_port, shop_port = _port("DEMO_SERVICE_PORT", 8000), _port("DEMO_SHOP_PORT", 8001)
    simulators = LocalSimulators(
        f"http://127.0.0.1:{service_port}",
        port=_port("DEMO_SIMULATOR_PORT", 8100),
        log_file=LOGS / "demo-simulators.log",
        countries=True,  # MTN Cameroon, Wave Côte d'Ivoire, Orange Senegal, Moov Togo
    )
    print("starting the simulated operators (Orange Money, MTN MoMo, Wave, Moov Money)…")
    simulators.start()
    service = LocalService(
        port=service_port,
        log_file=LOGS / "demo-service.log",
        env={"DATA_DIR": str(DATA), "LOG_DIR": str(LOGS), **simulators.service_env},
    )
    shop_url = f"http://127.0.0.1:{shop_port}"
    env = _shop_env(service.url, shop_url)
    # The shop's tables are made while the service starts; the shop's server starts while
    # the demo's data is loaded (that needs the service).
    migrate = _spawn(env, "migrate", "--noinput", "-v", "0")
    print("starting the payment service (embedded PostgreSQL, sandbox) and the shop…")
    service.start(timeout=120)
    shop: subprocess.Popen[bytes] | None = None
    grace = 0.0
    try:
        if migrate.wait() != 0:
            raise RuntimeError("the shop's migrations failed")
        with (LOGS / "demo-shop.log").open("ab") as log:
            shop = _spawn(env, "runserver", f"127.0.0.1:{shop_port}", "--noreload", log=log)
        _manage(env, "seed_demo")
        _wait_for(shop_url, shop)
        print(_ready_banner(time.monotonic() - started, shop_url, service.url, simulators.url))
        _wait_until_stopped(shop)
    except KeyboardInterrupt:
        grace = 15  # the terminal's Ctrl-C reached every process: let them finish
    finally:
        if shop is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                shop.wait(timeout=grace or 0.01)
            shop.terminate()
            shop.wait(timeout=15)
        service.stop(grace=grace)
        simulators.stop()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(main())
