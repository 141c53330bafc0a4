-- Append-only against the service's own role (docs/production.md, two roles): TRUNCATE is
-- refused on the event histories and the audit log, whoever asks, and the one change of an
-- event that is allowed, the masking of personal data, can no longer rewrite anything else.
-- A session setting (`payments.masking_personal_data`) is something any role can set: it
-- still says "this transaction masks", but the trigger now checks that the new `data` is the
-- old one with digits masked in its strings: same keys, same numbers, same text but for digits,
-- spaces, `+` and `•`, fewer digits than before and at least one `•`. Numbers, statuses,
-- amounts and ids cannot change; a digit can only be hidden, never written.
-- The grants (the service may read and insert here, and update payment_events.data only) are
-- given after every migration by `payments migrate` (adapters/postgres/roles.py).
-- depends: 0008_operator_desk 0011_phone_retention

CREATE FUNCTION is_masking_of(old jsonb, new jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    key text;
    i integer;
BEGIN
    IF old = new THEN
        RETURN true;
    END IF;
    IF jsonb_typeof(old) <> jsonb_typeof(new) THEN
        RETURN false;
    END IF;
    IF jsonb_typeof(old) = 'object' THEN
        IF (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(old) k)
           IS DISTINCT FROM (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(new) k) THEN
            RETURN false;
        END IF;
        FOR key IN SELECT jsonb_object_keys(old) LOOP
            IF NOT is_masking_of(old -> key, new -> key) THEN
                RETURN false;
            END IF;
        END LOOP;
        RETURN true;
    END IF;
    IF jsonb_typeof(old) = 'array' THEN
        IF jsonb_array_length(old) <> jsonb_array_length(new) THEN
            RETURN false;
        END IF;
        FOR i IN 0 .. jsonb_array_length(old) - 1 LOOP
            IF NOT is_masking_of(old -> i, new -> i) THEN
                RETURN false;
            END IF;
        END LOOP;
        RETURN true;
    END IF;
    IF jsonb_typeof(old) = 'string' THEN
        RETURN position('•' IN new #>> '{}') > 0
           AND regexp_replace(old #>> '{}', '[0-9 +•]', '', 'g')
               = regexp_replace(new #>> '{}', '[0-9 +•]', '', 'g')
           AND length(regexp_replace(new #>> '{}', '[^0-9]', '', 'g'))
               < length(regexp_replace(old #>> '{}', '[^0-9]', '', 'g'));
    END IF;
    RETURN false;  -- numbers, booleans and nulls never change
END;
$$;

CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('payments.masking_personal_data', true) = 'on'
       AND (to_jsonb(NEW) - 'data') = (to_jsonb(OLD) - 'data')
       AND is_masking_of(to_jsonb(OLD) -> 'data', to_jsonb(NEW) -> 'data') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER order_events_no_truncate
    BEFORE TRUNCATE ON order_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER payment_events_no_truncate
    BEFORE TRUNCATE ON payment_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER refund_events_no_truncate
    BEFORE TRUNCATE ON refund_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
