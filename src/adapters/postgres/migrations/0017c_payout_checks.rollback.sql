DROP INDEX payouts_next_check_idx;
ALTER TABLE payouts DROP COLUMN next_check_at, DROP COLUMN check_attempts;
