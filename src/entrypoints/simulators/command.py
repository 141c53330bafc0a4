"""`payments simulate`: serves the four operators' simulators on one port and prints the
variables that point the service at them.

A development tool: it refuses to start in production (`PAYMENT_ENVIRONMENT=production`),
listens on a loopback address unless `--allow-remote` says otherwise, knows only made-up
credentials (never the environment's), and writes `--write-env` readable by its owner only."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

from entrypoints.simulators.config import SimulatorConfig


def add_command(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate", help="serve local simulators of Orange Money, MTN MoMo, Wave and Moov Money"
    )
    simulate.add_argument("--host", default="127.0.0.1", help="address to listen on")
    simulate.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback --host (anyone who reaches it can approve payments)",
    )
    simulate.add_argument("--port", type=int, default=8100, help="port to listen on")
    simulate.add_argument(
        "--approve-delay", type=float, default=2.0, help="seconds before an automatic outcome"
    )
    simulate.add_argument(
        "--hang-seconds", type=float, default=40.0, help="how long the 06 scenario withholds"
    )
    simulate.add_argument(
        "--token-seconds", type=int, default=3600, help="lifetime of MTN and Orange tokens"
    )
    simulate.add_argument(
        "--write-env", type=Path, default=None, help="also write the service's variables here"
    )
    simulate.add_argument(
        "--countries",
        action="store_true",
        help="also print the country accounts' variables (MTN CM, Wave CI, Orange SN, Moov TG)",
    )
    simulate.set_defaults(run=run)


def config_from(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig.from_env(
        os.environ,
        f"http://{args.host}:{args.port}",
        approve_delay=args.approve_delay,
        hang_seconds=args.hang_seconds,
        token_seconds=args.token_seconds,
    )


def refusal(settings: Any, args: argparse.Namespace) -> str | None:
    """Why the simulators must not start here (None when they may). `settings`: the service's
    (entrypoints.settings.Settings, which the simulators do not import)."""
    if not settings.is_sandbox:
        return "payments simulate is a development tool: it does not run in production"
    if not is_loopback(args.host) and not args.allow_remote:
        return (
            f"--host {args.host} is not a loopback address: anyone reaching it could approve "
            "payments; add --allow-remote to mean it"
        )
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable and writable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file that existed keeps its mode through os.open
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def run(settings: Any, args: argparse.Namespace) -> int:
    import uvicorn

    from entrypoints.simulators.app import create_simulator_app

    refused = refusal(settings, args)
    if refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 2
    config = config_from(args)
    env = config.service_env(countries=args.countries)
    lines = [f"{name}={value}" for name, value in sorted(env.items())]
    if args.write_env is not None:
        write_private(args.write_env, "\n".join(lines) + "\n")
    print("Simulated operators on " + config.public_url + "  (phones: /mtn/phone, /moov/phone)")
    print("Point the service at them with:\n  " + "\n  ".join(lines), flush=True)
    uvicorn.run(
        create_simulator_app(config),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
    )
    return 0
