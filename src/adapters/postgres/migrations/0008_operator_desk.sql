-- The operator's desk: named operator tokens, suspended stores, the resolutions of the items
-- that needed a person, and the append-only audit log of every operator action.
-- depends: 0007_refunds

CREATE TABLE operators (
    id           text PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    token_hash   text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz NULL
);

ALTER TABLE stores ADD COLUMN suspended_at timestamptz NULL;

-- One row per resolved queue item: an item whose (subject, kind) has a row here has left the
-- queue. The unique key makes two operators resolving the same item at once end with one.
CREATE TABLE review_resolutions (
    id          text PRIMARY KEY,
    subject_id  text NOT NULL,
    kind        text NOT NULL,
    store_id    text NULL,
    action      text NOT NULL,
    reason      text NULL,
    reference   text NULL,
    refund_id   text NULL,
    actor_id    text NOT NULL,
    actor_name  text NOT NULL,
    resolved_at timestamptz NOT NULL,
    UNIQUE (subject_id, kind)
);

-- Flagged payments are few: these partial indexes let the queue read them without a scan.
CREATE INDEX payments_flagged_idx ON payments (id)
    WHERE needs_refund OR late_success OR flagged_reason = 'amount_mismatch';
CREATE INDEX notifications_failed_idx ON notifications (id) WHERE state = 'failed';
CREATE INDEX refunds_awaiting_idx ON refunds (id) WHERE status = 'requires_action';

CREATE TABLE audit_log (
    id           text PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    actor_id     text NOT NULL,
    actor_name   text NOT NULL,
    action       text NOT NULL,
    subject_type text NOT NULL,
    subject_id   text NOT NULL,
    before       jsonb NULL,
    after        jsonb NULL,
    reason       text NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, id DESC);

-- Append-only, enforced by the database: UPDATE and DELETE are refused, whoever asks.
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
