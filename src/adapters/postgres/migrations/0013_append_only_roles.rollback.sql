DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER refund_events_no_truncate ON refund_events;
DROP TRIGGER payment_events_no_truncate ON payment_events;
DROP TRIGGER order_events_no_truncate ON order_events;

CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('payments.masking_personal_data', true) = 'on'
       AND (to_jsonb(NEW) - 'data') = (to_jsonb(OLD) - 'data') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

DROP FUNCTION is_masking_of(jsonb, jsonb);
