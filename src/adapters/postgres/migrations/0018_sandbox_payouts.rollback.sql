DROP TABLE sandbox_payouts;
