DROP INDEX ledger_entries_store_fee_idx;
DROP TRIGGER ledger_entries_balanced ON ledger_entries;
DROP FUNCTION check_ledger_balanced();

CREATE FUNCTION check_ledger_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_entries
        WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING sum(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'ledger transaction % does not sum to zero', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_ledger_balanced();
