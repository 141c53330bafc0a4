DROP FUNCTION expect_one_row_changed(bigint, text);
