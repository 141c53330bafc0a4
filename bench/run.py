"""`make bench`: the service as deployed (`payments serve --workers N`: uvicorn, its worker
processes, real Postgres) under `wrk`, the database's own ceiling under `pgbench`, and the
dashboard queries on 1,000,000 payments. See docs/benchmarks.md for what is measured and why.

The provider is the built-in sandbox operator: its status answer is a query on its own table
(`sandbox_transactions`) in the same Postgres, so no provider call leaves the machine.
Results go to bench/results/<time>.json and a summary to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from adapters.postgres.embedded import (
    create_database,
    drop_database,
    embedded_database_url,
)
from adapters.postgres.migrate import apply_migrations
from adapters.signing import HmacSignatureScheme, hash_api_key, new_api_key
from bench import queries, wave
from entrypoints.settings import SANDBOX_SECRET

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
#: The ASGI server (`--server`): `payments serve` (uvicorn), or granian for comparison.
SERVER = {"name": "uvicorn"}
PHONE = "+2250700000099"  # the sandbox's manual scenario: no webhook sent back by itself


# -- the machine -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])  # type: ignore[index]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg(),
    }


# -- the database ----------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or embedded_database_url(ROOT / ".data/bench-pg")


def fresh_database(server: str, name: str) -> str:
    drop_database(server, name)
    url = create_database(server, name)
    apply_migrations(url)
    return url


TRUNCATE = """
TRUNCATE webhook_deliveries, payment_events, order_events, notification_attempts, notifications,
         idempotency_keys, sandbox_transactions, payments, orders, stores CASCADE
"""

STORE = """
INSERT INTO stores (id, name, notification_url, api_key_hash, api_key_prefix, webhook_secret,
                    created_at, updated_at)
VALUES ('sto_bench', 'Bench', NULL, %(hash)s, %(prefix)s, 'whsec_bench', now(), now())
"""

ORDERS = """
INSERT INTO orders (id, store_id, reference, status, amount, currency, items, metadata,
                    created_at, updated_at, expires_at, version)
SELECT 'ord_BENCH' || lpad(g::text, 17, '0'), 'sto_bench', 'B-' || g, 'pending_payment', 5000,
       'XOF', '[]', '{}', now(), now(), now() + interval '1 day', 0
FROM generate_series(1, %(n)s) g
"""

PAYMENTS = """
INSERT INTO payments (id, order_id, store_id, provider, status, amount, currency, phone,
                      provider_reference, provider_data, next_action, created_at, updated_at,
                      expires_at, version)
SELECT 'pay_BENCH' || lpad(g::text, 17, '0'), 'ord_BENCH' || lpad(g::text, 17, '0'),
       'sto_bench', 'sandbox', 'pending', 5000, 'XOF', %(phone)s,
       'pay_BENCH' || lpad(g::text, 17, '0'), '{"scenario": "manual"}',
       '{"type": "redirect", "url": "http://127.0.0.1/sandbox/pay/x", "message": null}',
       now(), now(), now() + interval '1 day', 1
FROM generate_series(1, %(n)s) g
"""

SANDBOX = """
INSERT INTO sandbox_transactions (payment_id, phone, amount, currency, scenario, final_status,
                                  failure_code, settles_at, webhooks_to_send, created_at)
SELECT 'pay_BENCH' || lpad(g::text, 17, '0'), %(phone)s, 5000, 'XOF', 'manual', 'succeeded',
       NULL, now() - interval '1 second', 1, now()
FROM generate_series(1, %(n)s) g
"""


def prepare(url: str, n: int, with_payments: bool) -> str:
    """One store, `n` orders and (for the webhooks) their pending sandbox payments that the
    operator has settled as succeeded. Returns the store's API key."""
    key = new_api_key()
    with psycopg.connect(url, autocommit=True) as conn:
        # the event tables refuse TRUNCATE by trigger; the bench's superuser skips it (replica)
        conn.execute("SET session_replication_role = replica")
        conn.execute(TRUNCATE)
        conn.execute("RESET session_replication_role")
        conn.execute(STORE, {"hash": hash_api_key(key), "prefix": key[:14]})
        conn.execute(ORDERS, {"n": n})
        if with_payments:
            conn.execute(PAYMENTS, {"n": n, "phone": PHONE})
            conn.execute(SANDBOX, {"n": n, "phone": PHONE})
        conn.execute("VACUUM ANALYZE")
    return key


def webhook_requests(path: Path, n: int) -> None:
    signer = HmacSignatureScheme(SANDBOX_SECRET.encode())
    with path.open("w") as out:
        for i in range(1, n + 1):
            payment_id = f"pay_BENCH{i:017d}"
            body = json.dumps(
                {
                    "id": f"evt_sbx_{payment_id}_succeeded",
                    "type": "payment.succeeded",
                    "created_at": "2025-01-01T00:00:00+00:00",
                    "data": {
                        "payment_id": payment_id,
                        "status": "succeeded",
                        "amount": 5000,
                        "currency": "XOF",
                        "failure_code": None,
                    },
                },
                separators=(",", ":"),
            )
            signature = signer.sign(body.encode())
            out.write(f"/payment/webhook/sandbox/\tSandbox-Signature\t{signature}\t{body}\n")


def initiation_requests(path: Path, n: int, key: str) -> None:
    body = json.dumps({"provider": "sandbox", "phone": PHONE}, separators=(",", ":"))
    with path.open("w") as out:
        for i in range(1, n + 1):
            order = f"ord_BENCH{i:017d}"
            out.write(f"/api/v1/orders/{order}/payments\tAuthorization\tBearer {key}\t{body}\n")


CHECK_WEBHOOKS = """
SELECT
  count(*) FILTER (WHERE p.status = 'succeeded') AS succeeded,
  count(*) FILTER (WHERE p.status = 'succeeded' AND e.n = 1 AND e.succeeded = 1
                   AND o.status = 'paid' AND oe.n = 1) AS exactly_once,
  count(*) FILTER (WHERE p.status = 'pending' AND coalesce(e.n, 0) = 0) AS untouched,
  (SELECT count(*) FROM webhook_deliveries) AS deliveries,
  (SELECT count(*) FROM webhook_deliveries WHERE outcome = 'applied:succeeded') AS applied
FROM payments p
JOIN orders o ON o.id = p.order_id
LEFT JOIN (SELECT payment_id, count(*) AS n,
                  count(*) FILTER (WHERE type = 'payment.succeeded') AS succeeded
           FROM payment_events GROUP BY payment_id) e ON e.payment_id = p.id
LEFT JOIN (SELECT order_id, count(*) AS n FROM order_events GROUP BY order_id) oe
       ON oe.order_id = o.id
"""

CHECK_INITIATIONS = """
SELECT
  count(DISTINCT p.order_id) AS orders_with_payment,
  count(*) AS payments,
  count(*) FILTER (WHERE p.status = 'pending') AS pending,
  (SELECT count(*) FROM payment_events) AS events,
  (SELECT count(*) FROM sandbox_transactions) AS operator_records
FROM payments p
"""


def check(url: str, query: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        cursor = conn.execute(query)
        names = [column.name for column in cursor.description or []]
        row = cursor.fetchone()
    return dict(zip(names, row or (), strict=True))


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


LIMITS = (
    "API_PER_SECOND",
    "LOGIN_PER_MINUTE",
    "BAD_WEBHOOKS_PER_MINUTE",
    "PROMPTS_PER_PHONE_PER_HOUR",
    "PROMPTS_PER_ORDER_PER_HOUR",
    "VERIFY_PER_MINUTE",
)


@contextmanager
def serving(
    url: str, workers: int, pool_max: int, logs: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": base,
        "LOG_DIR": str(logs),
        "DATA_DIR": str(logs / "data"),
        "DATABASE_POOL_MIN": str(pool_max),
        "DATABASE_POOL_MAX": str(pool_max),
        # the benchmark measures throughput, not the rate limits (one key, one phone number)
        **{f"RATE_LIMIT_{name}": "1000000" for name in LIMITS},
        **(extra_env or {}),
    }
    command = [str(VENV_BIN / "payments"), "serve", "--workers", str(workers)]
    if SERVER["name"] == "granian":  # the same app under granian (bench/run.py --server)
        command = [
            str(VENV_BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
            "--no-ws", "--log-level", "warning", "entrypoints.asgi:app",
        ]  # fmt: skip
    out = (logs / "server.out").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited; see {logs / 'server.out'}")
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not become ready in 60 s")
        time.sleep(1.0)  # every worker process up
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        out.close()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def workers_of(server_pid: int) -> list[int]:
    """uvicorn's worker processes (spawned), granian's (its children), or the server itself
    with one worker."""
    spawned = [p for p in children(server_pid) if "spawn_main" in _cmd(p)]
    if SERVER["name"] == "granian":
        spawned = [p for p in children(server_pid) if "granian" in _cmd(p)]
    return spawned or [server_pid]


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match[1]) / 1024 if match else 0.0


class RssSampler(threading.Thread):
    """The largest resident set of any server worker process while the load runs."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.workers = workers_of(server_pid)
        self.peak = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.5):
            self.peak = max([self.peak, *(rss_mb(pid) for pid in self.workers)])

    def stop(self) -> float:
        self._done.set()
        self.join()
        return round(self.peak, 1)


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# -- the load --------------------------------------------------------------------------------


def wrk(base: str, requests: Path, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    env = {**os.environ, "BENCH_REQUESTS": str(requests), "BENCH_THREADS": str(threads)}
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "requests.lua"),
        base,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "requests": raw["requests"],
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
        "timeouts": raw["timeouts"],
        "wrapped": raw["wrapped"],
    }


def pgbench_binary() -> str:
    bundled = Path(__import__("pgserver").__file__).parent / "pginstall/bin/pgbench"
    return str(bundled) if bundled.exists() else (shutil.which("pgbench") or "pgbench")


def pgbench(url: str, n: int, seconds: int, clients: int) -> dict[str, Any]:
    command = [
        pgbench_binary(),
        "-n",
        "-M",
        "prepared",
        f"-c{clients}",
        "-j2",
        f"-T{seconds}",
        "-D",
        f"npay={n}",
        "-f",
        str(BENCH / "webhook_writes.sql"),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
    tps = re.search(r"tps = ([\d.]+) \(without initial", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    return {
        "tps": float(tps[1]) if tps else 0.0,
        "latency_avg_ms": float(latency[1]) if latency else 0.0,
        "failed": int(failed[1]) if failed else 0,
    }


# -- the scenarios ---------------------------------------------------------------------------


def webhooks(args: argparse.Namespace, url: str, work: Path) -> list[dict[str, Any]]:
    runs = []
    requests = work / "webhooks.txt"
    for run in range(args.runs):
        prepare(url, args.payments, with_payments=True)
        webhook_requests(requests, args.payments)  # signed now: within the 5 min tolerance
        with serving(url, args.workers, args.pool, work) as (base, pid):
            profile = _profiler(pid, args.duration, work) if args.profile and run == 0 else None
            sampler = RssSampler(pid)
            sampler.start()
            result = wrk(base, requests, args.duration, args.connections, args.threads)
            result["rss_peak_mb"] = sampler.stop()
            if profile is not None:
                profile.wait()
        result["check"] = outcome = check(url, CHECK_WEBHOOKS)
        result["correct"] = (
            outcome["succeeded"] == outcome["exactly_once"] == outcome["applied"]
            # requests still in flight when wrk stops are answered, but not counted by wrk
            and 0
            <= outcome["deliveries"] - (result["requests"] - result["non_2xx"])
            <= args.connections
            and outcome["succeeded"] + outcome["untouched"] == args.payments
            and result["wrapped"] == 0
        )
        print(f"webhooks run {run + 1}: {_line(result)}", flush=True)
        runs.append(result)
    return runs


def initiation(args: argparse.Namespace, url: str, work: Path) -> list[dict[str, Any]]:
    runs = []
    requests = work / "initiation.txt"
    for run in range(args.runs):
        key = prepare(url, args.orders, with_payments=False)
        initiation_requests(requests, args.orders, key)
        with serving(url, args.workers, args.pool, work) as (base, pid):
            profile = (
                _profiler(pid, args.duration, work, "initiation-profile.txt")
                if args.profile and run == 0
                else None
            )
            sampler = RssSampler(pid)
            sampler.start()
            result = wrk(base, requests, args.duration, args.connections, args.threads)
            result["rss_peak_mb"] = sampler.stop()
            if profile is not None:
                profile.wait()
        result["check"] = outcome = check(url, CHECK_INITIATIONS)
        created = outcome["payments"]
        result["correct"] = (
            outcome["orders_with_payment"] == outcome["pending"] == created
            and outcome["operator_records"] == created
            and 0 <= created - (result["requests"] - result["non_2xx"]) <= args.connections
            and outcome["events"] == 2 * created
            and result["wrapped"] == 0
        )
        print(f"initiation run {run + 1}: {_line(result)}", flush=True)
        runs.append(result)
    return runs


def ceiling(args: argparse.Namespace, url: str) -> list[dict[str, Any]]:
    prepare(url, args.payments, with_payments=True)
    runs = []
    for run in range(args.runs):
        result = pgbench(url, args.payments, args.duration, args.workers * args.pool)
        print(f"pgbench run {run + 1}: {result}", flush=True)
        runs.append(result)
    return runs


def _profiler(
    pid: int, seconds: int, work: Path, name: str = "webhook-profile.txt"
) -> subprocess.Popen[bytes]:
    worker = workers_of(pid)[0]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / name
    command = [
        str(VENV_BIN / "py-spy"),
        "record",
        "--pid",
        str(worker),
        "--duration",
        str(max(seconds - 5, 5)),
        "--rate",
        "200",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _line(result: dict[str, Any]) -> str:
    return (
        f"{result['rps']} req/s, p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']}, "
        f"RSS peak {result['rss_peak_mb']} MB, correct {result['correct']}"
    )


def median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=30, help="seconds per load run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server worker processes"
    )
    parser.add_argument("--pool", type=int, default=8, help="database connections per worker")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--payments", type=int, default=120_000, help="prepared for webhooks")
    parser.add_argument("--orders", type=int, default=80_000, help="prepared for initiation")
    parser.add_argument("--profile", action="store_true", help="py-spy on one worker")
    parser.add_argument(
        "--server", choices=["uvicorn", "granian"], default="uvicorn", help="the ASGI server"
    )
    parser.add_argument("--wave-duration", type=int, default=10, help="seconds per Wave level")
    parser.add_argument("--wave-connections", default="1,8,32,64", help="Wave webhook levels")
    parser.add_argument(
        "--wave-slow-connections", default="32,64", help="levels with a 100 ms simulator"
    )
    parser.add_argument(
        "--wave-per-level", type=int, default=25_000, help="Wave payments per webhook level"
    )
    parser.add_argument(
        "--only",
        default="wave,webhooks,initiation,pgbench,queries",
        help="comma-separated scenarios",
    )
    args = parser.parse_args()
    SERVER["name"] = args.server
    only = set(args.only.split(","))
    if shutil.which("wrk") is None and only & {"wave", "webhooks", "initiation"}:
        print("wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2

    report: dict[str, Any] = {"machine": machine(), "settings": vars(args)}
    print(json.dumps(report["machine"]), flush=True)
    server = server_url()
    url = fresh_database(server, "bench_service")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            work = Path(tmp)
            if "wave" in only:
                report["wave"] = wave.wave(args, server, url, work)
            if "webhooks" in only:
                report["webhooks"] = webhooks(args, url, work)
            if "pgbench" in only:
                report["pgbench"] = ceiling(args, url)
            if "initiation" in only:
                report["initiation"] = initiation(args, url, work)
        if "queries" in only:
            report["queries"] = queries.run(server)
    finally:  # what was measured is kept, even when a later scenario fails
        out.write_text(json.dumps(report, indent=2, default=str))
    drop_database(server, "bench_service")

    summary: dict[str, Any] = {}
    if "wave" in report:
        summary["wave"] = wave.summary(report["wave"])
    for name in ("webhooks", "initiation"):
        if name in report:
            runs = report[name]
            summary[name] = {
                key: median(runs, key) for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
            } | {
                "rss_peak_mb": max(run["rss_peak_mb"] for run in runs),
                "all_correct": all(run["correct"] for run in runs),
            }
    if "pgbench" in report:
        summary["pgbench_tps"] = median(report["pgbench"], "tps")
        if "webhooks" in summary:
            share = summary["webhooks"]["rps"] / summary["pgbench_tps"]
            summary["webhooks_share_of_ceiling"] = round(share, 2)
    if "queries" in report:
        summary["queries_ms"] = {q["name"]: q["after_ms"] for q in report["queries"]}
    report["summary"] = summary
    out.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(summary, indent=2))
    print(f"full results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
