-- Claims on queue items and server-side sign-in sessions (docs/security.md).
-- depends: 0008_operator_desk

-- An operator claims a queue item before anything is done about it (a refund asked of the
-- provider): the primary key lets one claim through, the other operator is told at once and
-- sends nothing. The resolution deletes the claim; a claim left by a crash is taken over once
-- it is old (the application decides how old).
CREATE TABLE review_claims (
    subject_id text NOT NULL,
    kind       text NOT NULL,
    actor_id   text NOT NULL,
    claimed_at timestamptz NOT NULL,
    PRIMARY KEY (subject_id, kind)
);

-- One row per signed-in browser (a vendor's or an operator's). The cookie carries a random
-- session id; only its SHA-256 is kept here. A session is good while not revoked, not past
-- `expires_at`, and (operators) seen recently enough; signing out, revoking the operator or
-- rotating the store's key revokes it.
CREATE TABLE sign_in_sessions (
    id_hash      text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('vendor', 'operator')),
    subject_id   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz NULL
);

CREATE INDEX sign_in_sessions_subject_idx ON sign_in_sessions (kind, subject_id)
    WHERE revoked_at IS NULL;
CREATE INDEX sign_in_sessions_expiry_idx ON sign_in_sessions (expires_at);
