"""Following a log file that other processes append to and rotate (`tail -F`).

Rules: only whole lines are returned (a line being written is kept until its end arrives); a
file that does not exist yet gives nothing; a file replaced (rotated: another inode) or
truncated is read again from its start."""

from __future__ import annotations

from pathlib import Path


class Tail:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._inode: int | None = None
        self._offset = 0
        self._partial = b""

    def existing_lines(self) -> list[str]:
        """Every whole line in the file now (it does not move the position)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        return [line.decode("utf-8", "replace") for line in data.splitlines() if line]

    def skip_to_end(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._inode, self._offset = None, 0
            return
        self._inode, self._offset, self._partial = stat.st_ino, stat.st_size, b""

    def new_lines(self) -> list[str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        if stat.st_ino != self._inode or stat.st_size < self._offset:
            self._inode, self._offset, self._partial = stat.st_ino, 0, b""
        if stat.st_size == self._offset:
            return []
        with self.path.open("rb") as file:
            file.seek(self._offset)
            data = file.read()
        self._offset += len(data)
        *whole, self._partial = (self._partial + data).split(b"\n")
        return [line.decode("utf-8", "replace") for line in whole if line]
