ALTER TABLE payments DROP COLUMN country;
