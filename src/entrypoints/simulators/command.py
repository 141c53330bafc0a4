"""`payments simulate`: serves the four operators' simulators on one port and prints the
variables that point the service at them."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from entrypoints.simulators.config import SimulatorConfig


def add_command(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate", help="serve local simulators of Orange Money, MTN MoMo, Wave and Moov Money"
    )
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8100)
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


def run(_: Any, args: argparse.Namespace) -> int:
    import uvicorn

    from entrypoints.simulators.app import create_simulator_app

    config = config_from(args)
    env = config.service_env(countries=args.countries)
    lines = [f"{name}={value}" for name, value in sorted(env.items())]
    if args.write_env is not None:
        args.write_env.write_text("\n".join(lines) + "\n")
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
