"""The job queue's own schema (procrastinate), as the procrastinate version pinned in uv.lock
ships it. Later procrastinate upgrades add their own SQL migrations after this one."""

from procrastinate.schema import SchemaManager
from yoyo import step

__depends__ = {"0001_initial"}

steps = [step(SchemaManager.get_schema())]
