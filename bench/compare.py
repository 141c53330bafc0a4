"""`make bench`: the service beside the two references, one right after the other on this
machine, with the same load and levels (docs/benchmarks.md).

- the service: the Wave scenario of `bench/run.py` (the Wave simulator over HTTP, real
  PostgreSQL, `payments serve`), webhooks at 1 and 32 connections and at 32 with the
  simulator answering after 100 ms, plus initiation;
- the floor (`bench/references/floor`): the same webhook written as small as it can be on this
  stack (plain ASGI and one Litestar route);
- the Django baseline (`bench/references/django_baseline`): the shop this service replaces.

They run in `--runs` rounds, each round the three one after the other (service, floor,
Django, then again), and the medians of the rounds are reported: on a shared machine whose
speed drifts from one minute to the next (seen here: the same run 30 % apart), the drift
weighs on the three alike instead of on whichever ran last. The references install their own
venvs on first use (pip, their pinned requirements) and start their own embedded PostgreSQL.
The table goes to standard output and to bench/results/compare-<time>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFS = ROOT / "bench" / "references"
RESULTS = ROOT / "bench" / "results"
LEVELS = (1, 32)
SLOW = 32  # connections of the run with the provider answering after 100 ms


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    print(f"$ {' '.join(command)}  (in {cwd.relative_to(ROOT)})", flush=True)
    subprocess.run(command, cwd=cwd, env=env or dict(os.environ), check=True)  # noqa: S603


def _venv(folder: Path, python: str) -> Path:
    """The reference's own venv, made from its pinned requirements when missing."""
    bin_ = folder / ".venv" / "bin"
    if not (bin_ / "python").exists():
        _run([python, "-m", "venv", ".venv"], folder)
        _run([str(bin_ / "pip"), "install", "-q", "-r", "requirements.txt"], folder)
    return bin_


def _med(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else float("nan")


def _row(settled: list[float], p99: list[float], cpu: list[float]) -> dict[str, float]:
    return {"settled_per_s": _med(settled), "p99_ms": _med(p99), "cpu_ms": _med(cpu)}


# -- the service -----------------------------------------------------------------------------


def service(args: argparse.Namespace) -> dict[str, Any]:
    before = set(RESULTS.glob("*.json")) if RESULTS.exists() else set()
    _run(
        [
            sys.executable, "-m", "bench.run", "--only", "wave", "--runs", str(args.runs),
            "--wave-connections", ",".join(map(str, LEVELS)),
            "--wave-slow-connections", str(SLOW), "--wave-duration", str(args.duration),
            "--wave-per-level", str(args.per_level), "--orders", str(args.orders),
        ]
        + (["--profile"] if args.profile else []),
        ROOT,
    )  # fmt: skip
    [out] = [p for p in RESULTS.glob("*.json") if p not in before]
    runs = json.loads(out.read_text())["wave"]
    rows: dict[str, Any] = {}
    for key, prefix in (("levels", "c"), ("slow_levels", "slow_c")):
        for i, level in enumerate(runs[0][key]):
            same = [run[key][i] for run in runs]
            rows[f"{prefix}{level['connections']}"] = _row(
                [s["settled_per_s"] for s in same],
                [s["p99_ms"] for s in same],
                [sum(s["cpu_ms_per_webhook"].values()) for s in same],
            ) | {"cpu_parts": {k: _med([s["cpu_ms_per_webhook"][k] for s in same])
                               for k in same[0]["cpu_ms_per_webhook"]}}  # fmt: skip
    rows["initiation_rps"] = _med([run["initiation"]["rps"] for run in runs])
    starts = [run["initiation"]["cpu_ms_per_start"] for run in runs]
    rows["initiation_cpu_ms"] = _med([sum(s.values()) for s in starts])
    rows["initiation_cpu_parts"] = {k: _med([s[k] for s in starts]) for k in starts[0]}
    rows["file"] = str(out.relative_to(ROOT))
    return rows


# -- the floor -------------------------------------------------------------------------------


def floor(args: argparse.Namespace) -> dict[str, Any]:
    folder = REFS / "floor"
    bin_ = _venv(folder, "python3.11")
    for name in ("results", "run"):
        (folder / name).mkdir(exist_ok=True)
    runs_file = folder / "results" / "runs.jsonl"
    runs_file.unlink(missing_ok=True)
    dsn = subprocess.run(  # noqa: S603
        [str(bin_ / "python"), "pgctl.py", "start"], cwd=folder, capture_output=True, text=True,
        check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    try:
        psql = next((bin_.parent / "lib").glob("python3*/site-packages/pgserver/pginstall/bin"))
        seeded = subprocess.run(  # noqa: S603
            [str(psql / "psql"), dsn, "-tAc", "select to_regclass('payments') is not null"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        if seeded != "t":
            _run(
                [str(psql / "psql"), dsn, "-q", "-v", "ON_ERROR_STOP=1", "-f", "schema.sql"], folder
            )
        _run(
            [str(bin_ / "python"), "bench.py", "--dsn", dsn, "--variants", "plain", "litestar",
             "--levels", *map(str, LEVELS), "--delay-conns", str(SLOW), "--delay-ms", "100",
             "--repeats", str(args.runs), "--duration", str(args.duration), "--skip-checks"],
            folder,
        )  # fmt: skip
    finally:
        subprocess.run([str(bin_ / "python"), "pgctl.py", "stop"], cwd=folder, check=False)  # noqa: S603
    runs = [json.loads(line) for line in runs_file.read_text().splitlines() if line.strip()]
    rows: dict[str, Any] = {}
    for variant in ("plain", "litestar"):
        for conns, delay in [(c, 0) for c in LEVELS] + [(SLOW, 100)]:
            same = [
                r for r in runs
                if r.get("kind") == "webhook" and r["variant"] == variant
                and r["conns"] == conns and r["stub_delay_ms"] == delay and not r.get("extra")
            ]  # fmt: skip
            name = f"{variant}_{'slow_' if delay else ''}c{conns}"
            rows[name] = _row(
                [r["settled_per_s"] for r in same],
                [r["wrk"]["p99_us"] / 1000 for r in same],
                [sum(r["cpu_ms_per_settled"].values()) for r in same],
            )
    return rows


# -- the Django baseline ---------------------------------------------------------------------


def django(args: argparse.Namespace) -> dict[str, Any]:
    folder = REFS / "django_baseline"
    bin_ = _venv(folder, "python3.11")
    rows: dict[str, Any] = {}
    for delay, levels in ((0, LEVELS), (100, (SLOW,))):
        _run(
            [str(bin_ / "python"), "-m", "harness.run_bench", "--levels", *map(str, levels),
             "--repeat", str(args.runs), "--duration", str(args.duration),
             "--stub-delay-ms", str(delay)],
            folder,
        )  # fmt: skip
        results = json.loads((folder / "out" / "latest" / "results.json").read_text())
        for conns in levels:
            same = [lv for lv in results["levels"] if lv["connections"] == conns]
            cpu = [sum(v for k, v in lv["cpu_ms_per_request"].items() if k != "wrk") for lv in same]
            rows[f"{'slow_' if delay else ''}c{conns}"] = _row(
                [lv["settled_per_s"] for lv in same], [lv["p99_ms"] for lv in same], cpu
            )
    return rows


RUNNERS = {"service": service, "floor": floor, "django": django}


def medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds' figures merged: the median of each number, field by field; other values
    (a results file) as a list."""
    merged: dict[str, Any] = {}
    for key, first in rounds[0].items():
        values = [each[key] for each in rounds if key in each]
        if isinstance(first, dict):
            merged[key] = medians(values)
        elif isinstance(first, int | float):
            merged[key] = _med(values)
        else:
            merged[key] = values
    return merged


# -- the table -------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    lines = [
        "| run | service settled/s | p99 ms | CPU ms/webhook | floor (plain) settled/s | "
        "CPU ms | floor (Litestar) settled/s | CPU ms | Django settled/s | p99 ms | CPU ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ours, ref, dj = report.get("service", {}), report.get("floor", {}), report.get("django", {})
    for name in [f"c{c}" for c in LEVELS] + [f"slow_c{SLOW}"]:
        s, p, lt, d = (
            ours.get(name, {}), ref.get(f"plain_{name}", {}), ref.get(f"litestar_{name}", {}),
            dj.get(name, {}),
        )  # fmt: skip
        label = name.replace("slow_", "provider +100 ms, ")
        lines.append(
            f"| {label} | {s.get('settled_per_s', '-')} | {s.get('p99_ms', '-')} | "
            f"{s.get('cpu_ms', '-')} | {p.get('settled_per_s', '-')} | {p.get('cpu_ms', '-')} | "
            f"{lt.get('settled_per_s', '-')} | {lt.get('cpu_ms', '-')} | "
            f"{d.get('settled_per_s', '-')} | {d.get('p99_ms', '-')} | {d.get('cpu_ms', '-')} |"
        )
    if "initiation_rps" in ours:
        lines.append(f"\nService initiation: {ours['initiation_rps']} req/s (median).")
        parts = ", ".join(f"{k} {v}" for k, v in ours["initiation_cpu_parts"].items())
        lines.append(f"CPU per started payment: {ours['initiation_cpu_ms']} ms ({parts}).")
    lines.append(f"Load average when the comparison started: {report['load_at_start']}.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="rounds of the three (medians)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per level")
    parser.add_argument("--per-level", type=int, default=20_000, help="service payments/level")
    parser.add_argument("--orders", type=int, default=20_000, help="service orders (initiation)")
    parser.add_argument("--only", default="service,floor,django")
    parser.add_argument("--profile", action="store_true", help="py-spy on a service worker")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_at_start": [round(x, 2) for x in os.getloadavg()]}
    one = argparse.Namespace(**{**vars(args), "runs": 1})
    names = args.only.split(",")
    rounds = [{name: RUNNERS[name](one) for name in names} for _ in range(args.runs)]
    for name in names:
        report[name] = medians([each[name] for each in rounds])
    report["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = table(report)
    (RESULTS / f"compare-{stamp}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"compare-{stamp}.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
