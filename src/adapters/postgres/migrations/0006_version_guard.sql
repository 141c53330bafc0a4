-- The optimistic version check of an UPDATE, made by the server: a unit of work sends its
-- writes and COMMIT together (pipeline mode), so a stale copy must fail the transaction itself
-- rather than be noticed by the client after COMMIT (adapters/postgres/versioned.py).
-- depends: 0004_dashboard_indexes

CREATE FUNCTION expect_one_row_changed(changed bigint, what text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF changed <> 1 THEN
        RAISE EXCEPTION '% changed since it was read', what
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN changed;
END
$$;
