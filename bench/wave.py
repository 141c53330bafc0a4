"""The Wave scenario of `make bench`: the real path of a Wave payment, over HTTP end to end.

- A Wave simulator (`bench/wave_simulator.py`, one uvicorn process) answers the Checkout API;
  the service (`payments serve`, its default worker count) has Wave configured to call it.
- Initiation: wrk starts one Wave payment per order through the API (`POST
  /api/v1/orders/{id}/payments`, the store's key), each a session created on the simulator.
- Webhooks: one signed `checkout.session.completed` per payment (the API's payments first, then
  SQL copies of them when more are needed), sent by wrk at 1, 8, 32 and 64 connections, a new
  slice of payments for each. The figure is **settled webhooks per second**: payments of the
  slice that reached `succeeded`, counted in the database once the inbox is drained, over the
  time from the first request to the drain. CPU seconds per settled webhook for the server,
  PostgreSQL and the simulator come from /proc.
- The same webhooks with the simulator answering after 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from adapters.signing import HmacSignatureScheme
from bench import run as bench

WAVE_API_KEY = "wave_sn_prod_bench-key"
WAVE_SECRET = "wave_sn_WHS_bench0123456789abcdefghij"  # noqa: S105 - the bench's own
WEBHOOK = "/payment/webhook/wave/"
TICKS = os.sysconf("SC_CLK_TCK")
PROFILED = 32  # the level whose server worker `--profile` records

WAVE_PAYMENTS = """
SELECT id, order_id, provider_reference FROM payments
WHERE provider = 'wave' AND status = 'pending' AND provider_reference IS NOT NULL
ORDER BY id
"""

#: Copies of an API-started Wave payment (same shape), for slices that need more.
COPY_ORDERS = """
INSERT INTO orders (id, store_id, reference, status, amount, currency, items, metadata,
                    created_at, updated_at, expires_at, version)
SELECT 'ord_WCOPY' || lpad(g::text, 17, '0'), 'sto_bench', 'W-' || g, 'pending_payment', 5000,
       'XOF', '[]', '{}', now(), now(), now() + interval '1 day', 1
FROM generate_series(1, %(n)s) g
"""

COPY_PAYMENTS = """
INSERT INTO payments (id, order_id, store_id, provider, status, amount, currency,
                      provider_reference, provider_data, next_action, created_at, updated_at,
                      expires_at, version)
SELECT 'pay_WCOPY' || lpad(g::text, 17, '0'), 'ord_WCOPY' || lpad(g::text, 17, '0'),
       'sto_bench', 'wave', 'pending', 5000, 'XOF',
       'cos-pay_WCOPY' || lpad(g::text, 17, '0') || '~5000~XOF',
       jsonb_build_object('session_id', 'cos-pay_WCOPY' || lpad(g::text, 17, '0') || '~5000~XOF'),
       '{"type": "redirect", "url": "https://pay.wave.com/c/x", "message": null}',
       now(), now(), now() + interval '1 day', 2
FROM generate_series(1, %(n)s) g
"""

#: A marketplace's past: 50,000 earlier sales booked in the ledger (a transaction and two
#: entries each), then every table analysed. Without a history the benchmark measured an
#: empty ledger, where the plans PostgreSQL keeps for a connection's life (its foreign-key
#: checks among them) are made for an empty table and read the whole of it at each check as it
#: grows during the run: not what a service in use does.
HISTORY = """
INSERT INTO ledger_transactions (id, key, created_at)
SELECT 'ltx_HIST' || g, 'history:' || g, now() - interval '30 days'
FROM generate_series(1, %(n)s) g
ON CONFLICT (key) DO NOTHING;
INSERT INTO ledger_entries (id, transaction_id, account, store_id, provider, country, type,
                            amount, currency, payment_id, created_at)
SELECT 'le_HIST' || g || side, 'ltx_HIST' || g,
       CASE side WHEN 'a' THEN 'store' ELSE 'clearing' END,
       CASE side WHEN 'a' THEN 'sto_bench' END, 'wave', 'SN', 'payment',
       CASE side WHEN 'a' THEN 5000 ELSE -5000 END, 'XOF', 'pay_HIST' || g,
       now() - interval '30 days'
FROM generate_series(1, %(n)s) g, (VALUES ('a'), ('b')) AS s(side)
"""

CHECK_INITIATIONS = """
SELECT count(*) AS payments,
       count(*) FILTER (WHERE status = 'pending' AND provider_reference LIKE 'cos-%%') AS started,
       (SELECT count(*) FROM payment_events) AS events
FROM payments WHERE provider = 'wave'
"""

#: Deliveries acknowledged and not yet settled (the inbox's partial index answers it).
UNPROCESSED = "SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL"

CHECK_SLICE = """
SELECT
  count(*) FILTER (WHERE p.status = 'succeeded') AS settled,
  count(*) FILTER (WHERE p.status = 'succeeded' AND e.n = 1 AND o.status = 'paid'
                   AND oe.n = 1) AS exactly_once,
  (SELECT count(*) FROM webhook_deliveries d
   WHERE d.payment_id = ANY(%(ids)s) AND d.processed_at IS NULL) AS unprocessed,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.payment_id = ANY(%(ids)s)) AS deliveries
FROM payments p
JOIN orders o ON o.id = p.order_id
LEFT JOIN (SELECT payment_id, count(*) AS n FROM payment_events
           WHERE type = 'payment.succeeded' GROUP BY payment_id) e ON e.payment_id = p.id
LEFT JOIN (SELECT order_id, count(*) AS n FROM order_events
           WHERE type = 'order.paid' GROUP BY order_id) oe ON oe.order_id = o.id
WHERE p.id = ANY(%(ids)s)
"""


# -- processes and their CPU -----------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    found, todo = [pid], [pid]
    while todo:
        kids = bench.children(todo.pop())
        found += kids
        todo += kids
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def cpu_of(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each group of processes (`watched`)."""
    return {name: cpu_seconds(group) for name, group in pids.items()}


def cpu_ms_each(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
    """Each group's CPU between the two readings, in ms per one of `count` items."""
    return {name: round(1000 * (after[name] - before[name]) / max(count, 1), 3) for name in after}


def postgres_pids(url: str) -> list[int]:
    """The postmaster (read from its data directory's `postmaster.pid`) and its children."""
    host = psycopg.conninfo.conninfo_to_dict(url).get("host") or ""
    pidfile = Path(str(host)) / "postmaster.pid"
    if not pidfile.exists():
        return []
    return descendants(int(pidfile.read_text().split()[0]))


def watched(server_pid: int, url: str, simulator_pid: int) -> dict[str, list[int]]:
    """The processes whose CPU is counted: the server and its workers, PostgreSQL, the
    simulator."""
    return {
        "server": descendants(server_pid),
        "postgres": postgres_pids(url),
        "simulator": [simulator_pid],
    }


@contextmanager
def simulator(port: int, delay_ms: int, logs: Path) -> Iterator[int]:
    env = {**os.environ, "WAVE_SIM_DELAY_MS": str(delay_ms)}
    command = [
        str(bench.VENV_BIN / "uvicorn"), "bench.wave_simulator:app", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    out = (logs / f"simulator-{delay_ms}.out").open("w")
    process = subprocess.Popen(command, cwd=bench.ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        url = f"http://127.0.0.1:{port}/v1/checkout/sessions/cos-x~1~XOF"
        for _ in range(100):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield process.pid
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        out.close()


# -- requests ----------------------------------------------------------------------------------


def initiation_requests(path: Path, n: int, key: str) -> None:
    body = json.dumps({"provider": "wave"}, separators=(",", ":"))
    with path.open("w") as out:
        for i in range(1, n + 1):
            order = f"ord_BENCH{i:017d}"
            out.write(f"/api/v1/orders/{order}/payments\tAuthorization\tBearer {key}\t{body}\n")


def webhook_requests(path: Path, payments: list[tuple[str, str]]) -> None:
    """One signed `checkout.session.completed` per (payment id, session id), signed now."""
    signer = HmacSignatureScheme(WAVE_SECRET.encode())
    with path.open("w") as out:
        for payment_id, session_id in payments:
            body = json.dumps(
                {
                    "id": f"AE_{payment_id}",
                    "type": "checkout.session.completed",
                    "data": {
                        "id": session_id,
                        "amount": "5000",
                        "currency": "XOF",
                        "checkout_status": "complete",
                        "payment_status": "succeeded",
                        "client_reference": payment_id,
                        "when_completed": "2026-01-01T00:00:05Z",
                    },
                },
                separators=(",", ":"),
            )
            signature = signer.sign(body.encode())
            out.write(f"{WEBHOOK}\tWave-Signature\t{signature}\t{body}\n")


def history(url: str, sales: int = 50_000) -> None:
    """Book `sales` past sales in the ledger (`HISTORY`) and analyse every table."""
    with psycopg.connect(url, autocommit=True) as conn:
        # the benchmark's TRUNCATE of the stores takes the ledger's entries with it (cascade)
        if conn.execute("SELECT count(*) FROM ledger_entries").fetchone() == (0,):
            for statement in HISTORY.split(";"):
                conn.execute(statement, {"n": sales})
        conn.execute("ANALYZE")


def wave_payments(url: str, needed: int) -> list[tuple[str, str]]:
    """(payment id, session id) of pending Wave payments: the API's, then SQL copies."""
    with psycopg.connect(url, autocommit=True) as conn:
        found = [(r[0], r[2]) for r in conn.execute(WAVE_PAYMENTS).fetchall()]
        missing = needed - len(found)
        if missing > 0:
            conn.execute(COPY_ORDERS, {"n": missing})
            conn.execute(COPY_PAYMENTS, {"n": missing})
            conn.execute("VACUUM ANALYZE payments")
            found = [(r[0], r[2]) for r in conn.execute(WAVE_PAYMENTS).fetchall()]
    return found


def drain(url: str, until: float) -> None:
    """Return once the inbox holds no unprocessed delivery (every callback acknowledged has
    been settled), or at `until` (monotonic). A cheap count, polled every 50 ms: the clock
    stops here, and the slice's full check (`CHECK_SLICE`, seconds on a level's tables) runs
    after it. Its time (0.2-11 s after a 10 s level, in the sittings where this was found) was
    once counted as the service's, making a level's rate look up to 2x lower than it was."""
    with psycopg.connect(url, autocommit=True) as conn:
        while conn.execute(UNPROCESSED).fetchone() != (0,) and time.monotonic() < until:
            time.sleep(0.05)


def check_slice(url: str, ids: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        cursor = conn.execute(CHECK_SLICE, {"ids": ids})
        names = [column.name for column in cursor.description or []]
        row = cursor.fetchone()
    return dict(zip(names, row or (), strict=True))


# -- one level of load -----------------------------------------------------------------------


def webhook_level(
    args: argparse.Namespace,
    url: str,
    work: Path,
    base: str,
    pids: dict[str, list[int]],
    payments: list[tuple[str, str]],
    connections: int,
    profile: str | None = None,
) -> dict[str, Any]:
    requests = work / f"wave-webhooks-{connections}.txt"
    webhook_requests(requests, payments)
    ids = [payment_id for payment_id, _ in payments]
    before = cpu_of(pids)
    started = time.monotonic()
    profiler = None
    if profile is not None:  # py-spy on one server worker while this level runs
        profiler = bench._profiler(pids["server"][0], args.wave_duration, work, profile)
    result = bench.wrk(base, requests, args.wave_duration, connections, min(connections, 2))
    if profiler is not None:
        profiler.wait()
    drain(url, started + args.wave_duration + 60)
    elapsed = time.monotonic() - started
    after = cpu_of(pids)
    checked = time.monotonic()
    outcome = check_slice(url, ids)
    settled = outcome["settled"]
    result.update(
        connections=connections,
        settled=settled,
        settled_per_s=round(settled / elapsed, 1),
        drained_after_s=round(elapsed - args.wave_duration, 2),
        check_s=round(time.monotonic() - checked, 2),
        cpu_ms_per_webhook=cpu_ms_each(before, after, settled),
        check=outcome,
        correct=(
            settled == outcome["exactly_once"] == outcome["deliveries"]
            and outcome["unprocessed"] == 0
            and result["wrapped"] == 0
            and result["non_2xx"] == 0
        ),
    )
    print(
        f"  wave webhooks c={connections}: {result['settled_per_s']} settled/s "
        f"(wrk {result['rps']} req/s), p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, CPU ms/webhook {result['cpu_ms_per_webhook']}, "
        f"correct {result['correct']} (drained {result['drained_after_s']} s after wrk, "
        f"check {result['check_s']} s)",
        flush=True,
    )
    return result


# -- the scenario ----------------------------------------------------------------------------


def wave(args: argparse.Namespace, server: str, url: str, work: Path) -> list[dict[str, Any]]:
    runs = []
    levels = [int(c) for c in args.wave_connections.split(",")]
    slow_levels = [int(c) for c in args.wave_slow_connections.split(",") if c]
    per_level = args.wave_per_level
    for run in range(args.runs):
        key = bench.prepare(url, args.orders, with_payments=False)
        history(url)
        sim_port = bench.free_port()
        env = {
            "WAVE_API_KEY": WAVE_API_KEY,
            "WAVE_WEBHOOK_SECRET": WAVE_SECRET,
            "WAVE_BASE_URL": f"http://127.0.0.1:{sim_port}",
        }
        report: dict[str, Any] = {"levels": [], "slow_levels": []}
        with (
            simulator(sim_port, 0, work) as sim_pid,
            bench.serving(url, args.workers, args.pool, work, env) as (base, pid),
        ):
            pids = watched(pid, url, sim_pid)
            requests = work / "wave-initiation.txt"
            initiation_requests(requests, args.orders, key)
            sampler = bench.RssSampler(pid)
            sampler.start()
            before = cpu_of(pids)
            init = bench.wrk(base, requests, args.wave_duration, 32, 2)
            init["rss_peak_mb"] = sampler.stop()
            time.sleep(1.0)  # the requests still in flight when wrk stopped are answered
            after = cpu_of(pids)
            init["check"] = made = bench.check(url, CHECK_INITIATIONS)
            init["cpu_ms_per_start"] = cpu_ms_each(before, after, made["payments"])
            answered = init["requests"] - init["non_2xx"]
            init["correct"] = (
                made["payments"] == made["started"] == made["events"] // 2
                and 0 <= made["payments"] - answered <= 32
                and init["wrapped"] == 0
            )
            report["initiation"] = init
            print(
                f"wave run {run + 1}: initiation {bench._line(init)}, "
                f"CPU ms/start {init['cpu_ms_per_start']}",
                flush=True,
            )
            total = per_level * (len(levels) + len(slow_levels))
            payments = wave_payments(url, total)
            sampler = bench.RssSampler(pid)
            sampler.start()
            for i, connections in enumerate(levels):
                part = payments[i * per_level : (i + 1) * per_level]
                profile = "wave-profile.txt" if args.profile and run == 0 else None
                profile = profile if connections == PROFILED else None
                level = webhook_level(args, url, work, base, pids, part, connections, profile)
                report["levels"].append(level)
            report["rss_peak_mb"] = sampler.stop()
        with (
            simulator(sim_port, 100, work) as sim_pid,
            bench.serving(url, args.workers, args.pool, work, env) as (base, pid),
        ):
            pids = watched(pid, url, sim_pid)
            print("  simulator answering after 100 ms:", flush=True)
            for i, connections in enumerate(slow_levels, start=len(levels)):
                part = payments[i * per_level : (i + 1) * per_level]
                level = webhook_level(args, url, work, base, pids, part, connections)
                report["slow_levels"].append(level)
        runs.append(report)
    return runs


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the runs, per level."""
    out: dict[str, Any] = {
        "initiation_rps": bench.median([r["initiation"] for r in runs], "rps"),
        "initiation_p99_ms": bench.median([r["initiation"] for r in runs], "p99_ms"),
        "initiation_cpu_ms_per_start": _median_parts(
            [r["initiation"] for r in runs], "cpu_ms_per_start"
        ),
        "rss_peak_mb": max(r["rss_peak_mb"] for r in runs),
    }
    for key in ("levels", "slow_levels"):
        for i, level in enumerate(runs[0][key]):
            same = [r[key][i] for r in runs]
            name = f"{'slow_' if key == 'slow_levels' else ''}c{level['connections']}"
            out[name] = {
                "settled_per_s": bench.median(same, "settled_per_s"),
                "p50_ms": bench.median(same, "p50_ms"),
                "p99_ms": bench.median(same, "p99_ms"),
                "cpu_ms_per_webhook": _median_parts(same, "cpu_ms_per_webhook"),
                "all_correct": all(s["correct"] for s in same),
            }
    return out


def _median_parts(runs: list[dict[str, Any]], key: str) -> dict[str, float]:
    """The median of each part (server, postgres, simulator) of `key` over the runs."""
    measured = [run[key] for run in runs]
    return {
        part: round(sorted(m[part] for m in measured)[len(measured) // 2], 3)
        for part in measured[0]
    }
