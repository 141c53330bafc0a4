"""Where the time goes: py-spy's raw (collapsed) stacks summed by the functions they pass
through. `python -m bench.profile_summary bench/results/webhook-profile.txt`"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

#: Groups of frames worth naming, first match wins (checked on the whole stack, innermost first).
GROUPS = [
    ("payment log (structlog JSON + file write)", r"payment_log\.py"),
    ("application logging (structlog)", r"structlog/"),
    ("prometheus metrics", r"prometheus_client/"),
    ("psycopg (query, adapt, rows)", r"psycopg/|psycopg_pool/"),
    ("JSON encode/decode (stdlib json)", r"json/"),
    ("msgspec", r"msgspec"),
    ("HMAC verification", r"signing\.py"),
    ("dependency-injector resolution", r"dependency_injector|container\.py"),
    ("litestar (routing, DI, request/response)", r"litestar/"),
    ("uvicorn / httptools", r"uvicorn/|httptools"),
    ("domain + application code", r"/src/(domain|application)/"),
    ("adapters (other)", r"/src/adapters/"),
    ("asyncio / uvloop event loop", r"asyncio/|uvloop"),
]


def main(path: str) -> None:
    totals: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    samples = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        samples += n
        frames = stack.split(";")
        idle = "select" in frames[-1] or ("_run_once" in frames[-1] and len(frames) < 6)
        if idle or re.search(r"\(selectors\.py|epoll|poll \(", frames[-1]):
            totals["idle (waiting for I/O)"] += n
            continue
        for name, pattern in GROUPS:
            if any(re.search(pattern, frame) for frame in reversed(frames[-3:])):
                totals[name] += n
                break
        else:
            totals["other: " + frames[-1][:70]] += n
        for name, pattern in GROUPS:
            if any(re.search(pattern, frame) for frame in frames):
                inclusive[name] += n
    print(f"{samples} samples; self time by group (innermost frames):")
    for name, n in totals.most_common(25):
        print(f"  {100 * n / samples:5.1f} %  {name}")
    print("inclusive (a stack passing through the group at any depth):")
    for name, n in inclusive.most_common():
        print(f"  {100 * n / samples:5.1f} %  {name}")


if __name__ == "__main__":
    main(sys.argv[1])
