DROP TABLE audit_log;
DROP INDEX refunds_awaiting_idx;
DROP INDEX notifications_failed_idx;
DROP INDEX payments_flagged_idx;
DROP TABLE review_resolutions;
ALTER TABLE stores DROP COLUMN suspended_at;
DROP TABLE operators;
