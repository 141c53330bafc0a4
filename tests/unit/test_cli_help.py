"""`payments --help` lists every command with one line each, and every option of every
command has its help; `payments reset` empties the local data only when asked, and says what
it removed."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from entrypoints import reset
from entrypoints.cli import _parser
from entrypoints.cli_help import wide_help
from entrypoints.settings import Settings


def parsers(
    parser: argparse.ArgumentParser, name: str = "payments"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from parsers(child, f"{name} {sub}")


def test_every_command_and_option_has_its_help() -> None:
    for name, parser in parsers(_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help, f"{name} {choice.dest} has no help"
            elif not isinstance(action, argparse._HelpAction):
                assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_each_command_is_one_line_of_the_help() -> None:
    text = wide_help(_parser()).format_help()
    commands = text.split("COMMAND\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(commands) >= 9
    for line in commands:
        assert len(line.split(None, 1)) == 2 and not line.startswith(" " * 8), line
    assert any(line.split()[0] == "reset" for line in commands)


def settings(tmp_path: Path, **changes: object) -> Settings:
    data, logs = tmp_path / "data", tmp_path / "logs"
    (data / "pg").mkdir(parents=True)
    (data / "pg" / "base.dat").write_bytes(b"x" * 2000)
    logs.mkdir()
    (logs / "payments.log").write_text("a line\n")
    (logs / "requests.log").write_text("a request\n")
    (logs / "keep.txt").write_text("not ours\n")
    return Settings(data_dir=data, log_dir=logs, **changes)  # type: ignore[arg-type]


def run(config: Settings, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = reset.run(config, argparse.Namespace(yes="--yes" in args), out)
    return code, out.getvalue()


def test_reset_without_yes_removes_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    config = settings(tmp_path)
    code, said = run(config)
    assert code == 0 and "would remove" in said and "payments reset --yes" in said
    assert (config.data_dir / "pg" / "base.dat").exists()


def test_reset_removes_the_data_and_the_logs_and_says_so(tmp_path: Path) -> None:
    config = settings(tmp_path)
    code, said = run(config, "--yes")
    assert code == 0
    assert (
        f"removed {config.data_dir}/" in said and f"removed {config.log_dir}/payments.log" in said
    )
    assert not config.data_dir.exists() and not (config.log_dir / "payments.log").exists()
    assert not (config.log_dir / "requests.log").exists()
    assert (config.log_dir / "keep.txt").exists()
    assert run(config, "--yes") == (0, "nothing to remove: no local data here\n")


def test_reset_refuses_while_the_embedded_database_runs(tmp_path: Path) -> None:
    import os

    config = settings(tmp_path)
    (config.data_dir / "pg" / "postmaster.pid").write_text(f"{os.getpid()}\n/data\n")
    code, said = run(config, "--yes")
    assert code == 1 and "stop the service first" in said
    assert config.data_dir.exists()


@pytest.mark.parametrize("environment", ["production"])
def test_reset_refuses_production(tmp_path: Path, environment: str) -> None:
    config = settings(tmp_path, environment=environment)
    code, said = run(config, "--yes")
    assert code == 2 and "not production" in said and config.data_dir.exists()
