DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP FUNCTION check_ledger_balanced();
DROP FUNCTION refuse_ledger_change();
ALTER TABLE stores DROP COLUMN fee_bps;
