"""The CPU budget of a settled webhook, per layer, from a py-spy raw profile of one server
worker: each sample is given to the first layer (in the order below) one of its frames belongs
to, idle samples are left out, and the shares are applied to the server's measured CPU per
settled webhook. `python -m bench.budget bench/results/wave-profile.txt 5.2`"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

#: (layer, pattern on any frame of the stack), first match wins: the work a sample does.
LAYERS = [
    ("dispatch: log", r"payment_log\.py|LogChange|structlog/"),
    ("dispatch: metrics", r"prometheus_client/|CountOutcome|adapters/metrics\.py"),
    ("dispatch: health", r"RecordSettlement|health_recorder\.py|settlements\.py \("),
    ("dispatch: notifications, ledger", r"notify_store|book_sale|book_refund|notifications\.py"),
    ("status query (provider HTTP client)", r"httpx/|httpcore/|anyio/|providers/transport\.py|"
     r"providers/wave\.py|providers/http\.py|providers/guarded\.py"),
    ("settlement write (lock, decide, write, commit)", r"shared/settlement\.py|"
     r"payments/settlement\.py|postgres/uow\.py|postgres/payments\.py|postgres/orders\.py|"
     r"postgres/events\.py|dispatch\.py"),
    ("inbox write", r"postgres/webhooks\.py|handle_webhook\.py.*receive|after_answer\.py"),
    ("authentication (signature, parsing)", r"signing\.py|WebhookAuthenticator|authenticate"),
    ("guards and limits (input guard, rate limits, latency)", r"accepted_input|rate_limit|"
     r"limits\.py|request_latency|latency\.py|security_headers|ops_guard|middleware"),
    ("database driver (other)", r"psycopg|psycopg_pool"),
    ("framework (Litestar routing, DI, request/response)", r"litestar/|msgspec"),
    ("HTTP server (uvicorn, httptools)", r"uvicorn/|httptools|h11"),
    ("event loop and the rest", r".*"),
]  # fmt: skip

_IDLE = re.compile(r"select|epoll|poll \(|_run_once \(")
#: uvicorn's supervisor thread in each worker, blocked reading the next ping: asleep, but
#: py-spy samples it (a blocking read is not one of the waits it knows as idle).
_PONG = re.compile(r"always_pong")


def budget(path: Path) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    busy = 0
    for line in path.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        frames = stack.split(";")
        if (_IDLE.search(frames[-1]) and len(frames) < 8) or _PONG.search(stack):
            continue
        n = int(number)
        busy += n
        for layer, pattern in LAYERS:
            if any(re.search(pattern, frame) for frame in frames):
                counts[layer] += n
                break
    return counts, busy


def main(path: str, server_cpu_ms: float) -> None:
    counts, busy = budget(Path(path))
    print("| layer | share of the worker's busy samples | ms per settled webhook |")
    print("|---|---:|---:|")
    for layer, _ in LAYERS:
        share = counts[layer] / max(busy, 1)
        print(f"| {layer} | {100 * share:.1f} % | {share * server_cpu_ms:.2f} |")
    print(f"| **server, all** | 100 % ({busy} samples) | **{server_cpu_ms:.2f}** |")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
