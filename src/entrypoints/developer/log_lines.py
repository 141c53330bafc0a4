"""One readable line for each JSON line of the service's logs (`payments logs`).

Rules: a request reads `time  METHOD path  status  duration  request id`; a payment's or a
refund's change reads `time  payment.changed  id  old -> new  (source)  amount currency`; an
anomaly is a warning; any other JSON line shows its event and its plain fields; a line that is
not JSON is shown as it is. Times are the reader's local time. Colours only on a terminal."""

from __future__ import annotations

import json
from datetime import datetime
from typing import IO, Any

from entrypoints.developer.feed import POLL_REQUEST_ID
from entrypoints.developer.paint import paint

GOOD = {"succeeded", "paid"}
BAD = {"failed", "expired", "cancelled"}


def parse(raw: str) -> dict[str, Any] | None:
    try:
        line = json.loads(raw)
    except ValueError:
        return None
    return line if isinstance(line, dict) else None


def is_listen_poll(line: dict[str, Any]) -> bool:
    """A request of `payments listen` reading the events (one a second while it runs)."""
    return str(line.get("request_id") or "").startswith(POLL_REQUEST_ID)


def moment(line: dict[str, Any]) -> datetime | None:
    """The line's time (aware), or None when it has none that can be read."""
    try:
        at = datetime.fromisoformat(str(line.get("timestamp")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else None


def render(raw: str, out: IO[str]) -> str:
    line = parse(raw)
    if line is None:
        return raw.rstrip("\n")
    at = moment(line)
    clock = at.astimezone().strftime("%H:%M:%S") if at else "--:--:--"
    event = str(line.get("event", ""))
    if event == "http.request":
        return f"{clock}  {_request(line, out)}"
    if event.endswith(".changed"):
        return f"{clock}  {_change(line, event, out)}"
    return f"{clock}  {_other(line, event, out)}"


def _request(line: dict[str, Any], out: IO[str]) -> str:
    status = int(line.get("status") or 0)
    colour = "green" if status < 400 else "yellow" if status < 500 else "red"
    return (
        f"{line.get('method', '?'):<6} {line.get('path', '?')}  "
        f"{paint(str(status), colour, out)}  {line.get('duration_ms', '?')} ms  "
        f"{paint('[' + str(line.get('request_id')) + ']', 'dim', out)}"
    )


def _change(line: dict[str, Any], event: str, out: IO[str]) -> str:
    subject = line.get("refund_id") or line.get("payment_id") or "?"
    old, new = line.get("old_status") or "new", str(line.get("new_status"))
    colour = "green" if new in GOOD else "red" if new in BAD else "cyan"
    return (
        f"{paint(event, 'bold', out)} {subject}  {old} -> "
        f"{paint(new, colour, out)}  ({line.get('source')})  "
        f"{line.get('amount')} {line.get('currency')}"
    )


def _other(line: dict[str, Any], event: str, out: IO[str]) -> str:
    hidden = {"event", "timestamp", "level", "logger"}
    fields = " ".join(
        f"{k}={v}" for k, v in line.items() if k not in hidden and not isinstance(v, dict | list)
    )
    colour = "yellow" if str(line.get("level")) in ("warning", "error", "critical") else "bold"
    return f"{paint(event or '?', colour, out)} {fields}".rstrip()
