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
  each process counts what it wrote itself, as the payment log's handler does.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

FILE_NAME = "requests.log"
MAX_PATH = 200


class RequestLog:
    def __init__(
        self, log_dir: Path, *, max_bytes: int = 10 * 1024 * 1024, backup_count: int = 5
    ) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.path = (log_dir / FILE_NAME).resolve()
        self._max_bytes, self._backups = max_bytes, backup_count
        self._lock = threading.Lock()
        self._file = self._open()

    def _open(self) -> TextIO:
        file = self.path.open("a", encoding="utf-8", buffering=1)
        self._size = file.tell()
        return file

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
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._lock:
            self._file.write(text)
            self._size += len(text.encode())
            if self._size >= self._max_bytes:
                self._rotate()

    def _rotate(self) -> None:
        """requests.log -> .1 -> .2 ... (the oldest beyond `backup_count` is dropped)."""
        self._file.close()
        for number in range(self._backups - 1, 0, -1):
            older = self.path.with_name(f"{FILE_NAME}.{number}")
            if older.exists():
                older.replace(self.path.with_name(f"{FILE_NAME}.{number + 1}"))
        if self._backups > 0 and self.path.exists():
            self.path.replace(self.path.with_name(f"{FILE_NAME}.1"))
        self._file = self._open()

    def close(self) -> None:
        with self._lock:
            self._file.close()
