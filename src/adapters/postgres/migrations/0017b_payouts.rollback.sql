DROP TABLE payout_schedules;
DROP TABLE payout_events;
DROP TABLE payouts;
DROP TABLE payout_destinations;
