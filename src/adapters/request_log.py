"""The request log: one JSON line per HTTP request answered, in `<log_dir>/requests.log`, for
`payments logs` (which follows it beside the payment log) and for anyone who greps.

Rules:
- One line per request: `{"event": "http.request", "level", "timestamp" (UTC), "request_id",
  "method", "path", "status", "duration_ms"}`.
- The path only, never the query string (checkout and status links carry their token there),
  and at most 200 characters; headers and bodies are never written.
- On every request's path, so it is written straight to the file (one `write` per line, in
  append mode: lines of several processes never interleave) rather than through the logging
  framework, whose records, locks and size checks cost several times more. Nothing goes to
  stderr (the service's console stays as quiet as before).
- The file rotates at `max_bytes` (10 MB), `backup_count` (5) files kept as `requests.log.1` ...;
  each process counts what it wrote itself (`adapters.line_file`, as the payment log).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from adapters.line_file import LineFile

FILE_NAME = "requests.log"
MAX_PATH = 200
#: Built once: `json.dumps` with options builds an encoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class RequestLog:
    def __init__(
        self, log_dir: Path, *, max_bytes: int = 10 * 1024 * 1024, backup_count: int = 5
    ) -> None:
        self._file = LineFile(log_dir / FILE_NAME, max_bytes=max_bytes, backup_count=backup_count)
        self.path = self._file.path

    def answered(
        self, method: str, path: str, status: int, seconds: float, request_id: str | None
    ) -> None:
        line = {
            "event": "http.request",
            "level": "warning" if status >= 500 else "info",
            "timestamp": datetime.now(UTC).isoformat(),
            "request_id": request_id,
            "method": method,
            "path": path[:MAX_PATH],
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        }
        self._file.write(_ENCODE(line) + "\n")

    def close(self) -> None:
        self._file.close()
