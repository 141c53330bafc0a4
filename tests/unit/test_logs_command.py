"""`payments logs`: what a person reads for each line of the request log and the payment log,
which lines `--since` brings back, and how a followed file is read (appended, cut mid-line,
rotated)."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from entrypoints.developer import logs
from entrypoints.developer.log_lines import render
from entrypoints.developer.tail import Tail


def request_line(path: str, status: int = 201, ago: timedelta = timedelta(0), **extra: Any) -> str:
    return json.dumps(
        {
            "event": "http.request",
            "level": "info",
            "timestamp": (datetime.now(UTC) - ago).isoformat(),
            "request_id": extra.get("request_id", "req-1"),
            "method": "POST",
            "path": path,
            "status": status,
            "duration_ms": 12.5,
        }
    )


def change_line(old: str | None, new: str, ago: timedelta = timedelta(0)) -> str:
    return json.dumps(
        {
            "event": "payment.changed",
            "payment_id": "pay_01",
            "old_status": old,
            "new_status": new,
            "source": "webhook",
            "amount": 5000,
            "currency": "XOF",
            "timestamp": (datetime.now(UTC) - ago).isoformat(),
            "level": "info",
        }
    )


def test_a_request_reads_method_path_status_duration_and_request_id() -> None:
    text = render(request_line("/api/v1/orders"), io.StringIO())
    assert text.split()[1:] == ["POST", "/api/v1/orders", "201", "12.5", "ms", "[req-1]"]


def test_a_change_reads_subject_transition_source_and_amount() -> None:
    text = render(change_line("pending", "succeeded"), io.StringIO())
    assert "payment.changed pay_01  pending -> succeeded  (webhook)  5000 XOF" in text
    assert "new -> created" in render(change_line(None, "created"), io.StringIO())


def test_other_lines_show_their_event_and_a_line_that_is_not_json_as_it_is() -> None:
    other = json.dumps({"event": "payment.anomaly", "level": "warning", "what": "amount_mismatch"})
    assert render(other, io.StringIO()).endswith("payment.anomaly what=amount_mismatch")
    assert render("Traceback (most recent call last):\n", io.StringIO()) == (
        "Traceback (most recent call last):"
    )


def test_no_colour_outside_a_terminal() -> None:
    assert "\033[" not in render(request_line("/x", 500), io.StringIO())


@pytest.mark.parametrize(("text", "expected"), [("30s", 30), ("10m", 600), ("2h", 7200)])
def test_since_reads_durations(text: str, expected: int) -> None:
    assert logs.since(text) == timedelta(seconds=expected)


def test_since_refuses_what_is_not_a_duration() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        logs.since("yesterday")


def run_logs(directory: Path, *options: str) -> list[str]:
    parser = argparse.ArgumentParser()
    logs.add_command(parser.add_subparsers())
    args = parser.parse_args(["logs", "--no-follow", "--log-dir", str(directory), *options])
    out = io.StringIO()
    assert logs.run(None, args, out) == 0
    return out.getvalue().splitlines()


def write_logs(directory: Path) -> None:
    (directory / "requests.log").write_text(
        "\n".join(
            [
                request_line("/api/v1/old", ago=timedelta(hours=2)),
                request_line("/api/v1/orders", ago=timedelta(seconds=30)),
                request_line(
                    "/api/v1/events", ago=timedelta(seconds=20), request_id="payments-listen-1"
                ),
            ]
        )
        + "\n"
    )
    (directory / "payments.log").write_text(
        change_line("pending", "succeeded", timedelta(seconds=25)) + "\n"
    )


def test_since_shows_the_recent_lines_of_both_files_in_time_order(tmp_path: Path) -> None:
    write_logs(tmp_path)
    lines = run_logs(tmp_path, "--since", "10m")
    assert len(lines) == 2
    assert "/api/v1/orders" in lines[0] and "pending -> succeeded" in lines[1]


def test_without_since_only_what_comes_later_is_shown(tmp_path: Path) -> None:
    write_logs(tmp_path)
    assert run_logs(tmp_path) == []


def test_all_shows_the_polls_of_listen_and_json_passes_lines_through(tmp_path: Path) -> None:
    write_logs(tmp_path)
    lines = run_logs(tmp_path, "--since", "10m", "--all", "--json")
    assert [json.loads(line)["timestamp"] for line in lines] == sorted(
        json.loads(line)["timestamp"] for line in lines
    )
    assert sum("payments-listen-1" in line for line in lines) == 1
    assert all(line.startswith("{") for line in lines)


def test_a_tail_returns_whole_lines_appended_after_it_started(tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    path.write_text("before\n")
    tail = Tail(path)
    tail.skip_to_end()
    with path.open("a") as file:
        file.write("one\ntw")
    assert tail.new_lines() == ["one"]
    with path.open("a") as file:
        file.write("o\n")
    assert tail.new_lines() == ["two"]
    assert tail.new_lines() == []


def test_a_tail_reads_a_rotated_file_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    path.write_text("old line\n")
    tail = Tail(path)
    tail.skip_to_end()
    path.rename(tmp_path / "requests.log.1")
    path.write_text("first of the new file\n")
    assert tail.new_lines() == ["first of the new file"]


def test_a_tail_of_a_file_not_there_yet_waits_for_it(tmp_path: Path) -> None:
    tail = Tail(tmp_path / "payments.log")
    tail.skip_to_end()
    assert tail.new_lines() == []
    (tmp_path / "payments.log").write_text("arrived\n")
    assert tail.new_lines() == ["arrived"]
