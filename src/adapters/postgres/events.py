"""The append-only event histories of orders and payments."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from adapters.phones import mask_phones_in
from adapters.postgres.rows import write_all
from application.shared.ports import Change, IdGenerator, RecordedEvent, Subject
from domain.events import DomainEvent, Source

INSERT_ORDER_EVENT = """
INSERT INTO order_events (id, order_id, type, from_status, to_status, source, data, created_at)
VALUES (%(id)s, %(subject_id)s, %(type)s, %(from_status)s, %(to_status)s, %(source)s,
        %(data)s, %(created_at)s)
"""

INSERT_PAYMENT_EVENT = """
INSERT INTO payment_events (id, payment_id, type, from_status, to_status, source, data,
                            created_at)
VALUES (%(id)s, %(subject_id)s, %(type)s, %(from_status)s, %(to_status)s, %(source)s,
        %(data)s, %(created_at)s)
"""

INSERT_REFUND_EVENT = """
INSERT INTO refund_events (id, refund_id, type, from_status, to_status, source, data,
                           created_at)
VALUES (%(id)s, %(subject_id)s, %(type)s, %(from_status)s, %(to_status)s, %(source)s,
        %(data)s, %(created_at)s)
"""


async def append_events(
    conn: AsyncConnection[Any],
    query: str,
    ids: IdGenerator,
    subject: Subject,
    changes: list[Change],
) -> None:
    """Insert the subject's new events in their order (the table's `seq` keeps it), empty its
    list, and add them with their new ids to `changes` (what the unit of work collects for
    the dispatch). Phone numbers in their data (providers' payloads) are masked as the API
    masks them, so `/events` and the history page never show one whole."""
    if not subject.events:
        return
    recorded = [Change(ids.new("evt"), event, subject) for event in subject.events]
    await write_all(conn, query, [_params(change.id, change.event) for change in recorded])
    subject.events.clear()
    changes.extend(recorded)


def _params(event_id: str, event: DomainEvent) -> dict[str, Any]:
    return {
        "id": event_id,
        "subject_id": event.subject_id,
        "type": event.type,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "source": event.source.value,
        "data": Jsonb(mask_phones_in(event.data)),
        "created_at": event.at,
    }


def to_recorded_event(row: dict[str, Any], subject_column: str) -> RecordedEvent:
    event = DomainEvent(
        type=row["type"],
        subject_id=row[subject_column],
        at=row["created_at"],
        source=Source(row["source"]),
        from_status=row["from_status"],
        to_status=row["to_status"],
        data=row["data"],
    )
    return RecordedEvent(id=row["id"], event=event)
