"""A file of whole lines, appended by one `write` each and rotated by size: the payment log
and the request log write through it.

Rules:
- Opened in append mode and line-buffered: each line leaves in one `write`, so the lines of
  several processes appending to the same file never interleave.
- The file rotates once `max_bytes` have been written to it (counted from its size when it
  was opened): `name` -> `name.1` -> `name.2` ..., at most `backup_count` backups kept.
  Each process counts what it wrote itself, so with several writers a file may grow past
  `max_bytes` by what the others wrote since. A `max_bytes` or `backup_count` of 0 never
  rotates (as the standard library's `RotatingFileHandler`).
- Writes are serialised by a thread lock (the file object is shared by the threads of one
  process).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO


class LineFile:
    def __init__(self, path: Path, *, max_bytes: int, backup_count: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path.resolve()
        self._max_bytes, self._backups = max_bytes, backup_count
        self._rotates = max_bytes > 0 and backup_count > 0
        self._lock = threading.Lock()
        self._file = self._open()

    def _open(self) -> TextIO:
        file = self.path.open("a", encoding="utf-8", buffering=1)
        self._size = file.tell()
        return file

    def write(self, line: str) -> None:
        """Append `line`, which ends with a newline."""
        size = len(line.encode())
        with self._lock:
            self._file.write(line)
            self._size += size
            if self._rotates and self._size >= self._max_bytes:
                self._rotate()

    def _rotate(self) -> None:
        """name -> .1 -> .2 ... (the oldest beyond `backup_count` is dropped)."""
        self._file.close()
        name = self.path.name
        for number in range(self._backups - 1, 0, -1):
            older = self.path.with_name(f"{name}.{number}")
            if older.exists():
                older.replace(self.path.with_name(f"{name}.{number + 1}"))
        if self.path.exists():
            self.path.replace(self.path.with_name(f"{name}.1"))
        self._file = self._open()

    def close(self) -> None:
        with self._lock:
            self._file.close()
