"""The request log: one JSON line per HTTP request answered, in `<log_dir>/requests.log`, for
`payments logs` (which follows it beside the payment log) and for anyone who greps.

Rules:
- One line per request: `{"event": "http.request", "level", "timestamp" (UTC), "request_id",
  "method", "path", "status", "duration_ms"}`.
- The path only, never the query string (checkout and status links carry their token there),
  and at most 200 characters; headers and bodies are never written.
- The file rotates (10 MB x 5 by default); the logger is dedicated and does not propagate, so
  these lines never reach stderr (the service's console stays as quiet as before).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

FILE_NAME = "requests.log"
MAX_PATH = 200


class RequestLog:
    def __init__(
        self, log_dir: Path, *, max_bytes: int = 10 * 1024 * 1024, backup_count: int = 5
    ) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.path = (log_dir / FILE_NAME).resolve()
        digest = hashlib.sha256(str(self.path).encode()).hexdigest()[:12]
        self._logger = logging.getLogger(f"payments.request_log.{digest}")
        self._logger.setLevel(logging.INFO)
        self._logger.propagate = False
        for old in list(self._logger.handlers):  # a second instance on the same file replaces it
            self._logger.removeHandler(old)
            old.close()
        self._handler = RotatingFileHandler(
            self.path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
        self._logger.addHandler(self._handler)

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
        self._logger.info(json.dumps(line, ensure_ascii=False))

    def close(self) -> None:
        self._logger.removeHandler(self._handler)
        self._handler.close()
