-- Provider health, shared by every server and worker: the circuit breaker of each provider,
-- what was seen of each provider minute by minute (start outcomes, status queries, latency
-- and settle-time histograms), and the incidents the stores were told about.
-- depends: 0004_dashboard_indexes

CREATE TABLE provider_breakers (
    provider   text PRIMARY KEY,
    state      text NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
    failures   integer NOT NULL DEFAULT 0,
    changed_at timestamptz NULL,
    probes     integer NOT NULL DEFAULT 0,
    probe_at   timestamptz NULL
);

-- One row per provider and minute; every process adds its buffered counts (about once a
-- second). Histograms are arrays of bucket counts (domain/provider_health.py has the bounds).
CREATE TABLE provider_health_minutes (
    provider         text NOT NULL,
    minute           timestamptz NOT NULL,
    starts_ok        integer NOT NULL DEFAULT 0,
    starts_rejected  integer NOT NULL DEFAULT 0,
    starts_timeout   integer NOT NULL DEFAULT 0,
    starts_error     integer NOT NULL DEFAULT 0,
    status_ok        integer NOT NULL DEFAULT 0,
    status_error     integer NOT NULL DEFAULT 0,
    settled_in_ttl   integer NOT NULL DEFAULT 0,
    expired          integer NOT NULL DEFAULT 0,
    start_latency    integer[] NOT NULL,
    settle_seconds   integer[] NOT NULL,
    callback_seconds integer[] NOT NULL,
    PRIMARY KEY (provider, minute)
);

CREATE INDEX provider_health_minutes_minute_idx ON provider_health_minutes (minute);

CREATE TABLE provider_incidents (
    id         text PRIMARY KEY,
    provider   text NOT NULL,
    status     text NOT NULL CHECK (status IN ('degraded', 'down')),
    started_at timestamptz NOT NULL,
    ended_at   timestamptz NULL
);

-- At most one open incident per provider: opening one is claimed by this index.
CREATE UNIQUE INDEX provider_incidents_open_idx ON provider_incidents (provider)
    WHERE ended_at IS NULL;
CREATE INDEX provider_incidents_ended_idx ON provider_incidents (ended_at);
