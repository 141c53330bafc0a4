"""The request log's file: one JSON line per request, the path without its query, rotation."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.request_log import FILE_NAME, RequestLog


def test_one_json_line_per_request(tmp_path: Path) -> None:
    log = RequestLog(tmp_path)
    log.answered("POST", "/api/v1/orders", 201, 0.0125, "req-1")
    log.answered("GET", "/x" * 300, 503, 0.001, None)
    first, second = (json.loads(line) for line in (tmp_path / FILE_NAME).read_text().splitlines())
    assert {k: first[k] for k in ("event", "method", "path", "status", "duration_ms")} == {
        "event": "http.request",
        "method": "POST",
        "path": "/api/v1/orders",
        "status": 201,
        "duration_ms": 12.5,
    }
    assert first["request_id"] == "req-1" and first["level"] == "info"
    assert len(second["path"]) == 200 and second["level"] == "warning"


def test_the_file_rotates_and_keeps_backup_count_files(tmp_path: Path) -> None:
    log = RequestLog(tmp_path, max_bytes=1000, backup_count=2)
    for number in range(40):
        log.answered("GET", f"/api/v1/orders/{number}", 200, 0.001, f"req-{number}")
    log.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [FILE_NAME, f"{FILE_NAME}.1", f"{FILE_NAME}.2"]
    assert all(p.stat().st_size <= 1000 + 300 for p in tmp_path.iterdir())
    newest = (tmp_path / FILE_NAME).read_text().splitlines()
    assert json.loads(newest[-1])["request_id"] == "req-39"


def test_a_new_instance_appends_to_the_file(tmp_path: Path) -> None:
    RequestLog(tmp_path).answered("GET", "/a", 200, 0.001, "one")
    RequestLog(tmp_path).answered("GET", "/b", 200, 0.001, "two")
    ids = [
        json.loads(line)["request_id"] for line in (tmp_path / FILE_NAME).read_text().splitlines()
    ]
    assert ids == ["one", "two"]
