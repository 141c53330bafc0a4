"""`payments logs`: the service's requests and payment events, one readable line each,
as they happen (`tail -f` of the request log and the payment log, merged).

Rules: reads `<LOG_DIR>/requests.log` and `<LOG_DIR>/payments.log` (written by every server
and worker process on this machine; `LOG_DIR` defaults to `logs`); without `--since` it shows
only what comes from now on, with `--since 10m` (s, m, h, d) the lines of the last ten minutes
first, in time order; `--json` passes the lines through as they are; `--no-follow` stops after
what is there. The polls of `payments listen` (one a second) are left out unless `--all`. A
file that does not exist yet is waited for; a rotated one is reopened."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from adapters.payment_log import FILE_NAME as PAYMENT_LOG
from adapters.request_log import FILE_NAME as REQUEST_LOG
from entrypoints.developer.log_lines import is_listen_poll, moment, parse, render
from entrypoints.developer.tail import Tail

POLL_SECONDS = 0.25
_SINCE = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def since(text: str) -> timedelta:
    """`30s`, `10m`, `2h`, `1d` as a duration; argparse shows the error otherwise."""
    match = _SINCE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30s, 10m, 2h, 1d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def add_command(commands: Any) -> None:
    logs = commands.add_parser(
        "logs", help="follow the service's requests and payment events, one line each"
    )
    logs.add_argument("--since", type=since, default=None, help="also the last 30s, 10m, 2h, 1d")
    logs.add_argument("--json", action="store_true", help="print the raw JSON lines")
    logs.add_argument("--no-follow", action="store_true", help="stop after the lines already there")
    logs.add_argument("--all", action="store_true", help="also the polls of `payments listen`")
    logs.add_argument(
        "--log-dir", type=Path, default=None, help="where the service writes (default: $LOG_DIR)"
    )
    logs.set_defaults(run=run)


def run(settings: Any, args: argparse.Namespace, out: IO[str] = sys.stdout) -> int:
    directory: Path = args.log_dir or settings.log_dir
    tails = [Tail(directory / REQUEST_LOG), Tail(directory / PAYMENT_LOG)]
    show = _printer(args, out)
    if args.since is not None:
        for raw in _recent(tails, datetime.now(UTC) - args.since):
            show(raw)
    for tail in tails:
        tail.skip_to_end()
    if not args.no_follow:
        print(f"Following {directory}/{{{REQUEST_LOG},{PAYMENT_LOG}}} (Ctrl-C to stop)", file=out)
    out.flush()
    while not args.no_follow:
        for tail in tails:
            for raw in tail.new_lines():
                show(raw)
        time.sleep(POLL_SECONDS)
    return 0


def _printer(args: argparse.Namespace, out: IO[str]) -> Callable[[str], None]:
    def show(raw: str) -> None:
        line = parse(raw)
        if line is not None and not args.all and is_listen_poll(line):
            return
        print(raw.rstrip("\n") if args.json else render(raw, out), file=out, flush=True)

    return show


def _recent(tails: list[Tail], start: datetime) -> list[str]:
    """The lines written since `start`, of all the files, in time order."""
    dated = []
    for tail in tails:
        for raw in tail.existing_lines():
            line = parse(raw)
            at = moment(line) if line else None
            if at is not None and at >= start:
                dated.append((at, raw))
    return [raw for _, raw in sorted(dated, key=lambda pair: pair[0])]
