DROP TABLE notification_attempts;
DROP TABLE notifications;
ALTER TABLE webhook_deliveries DROP COLUMN next_attempt_at;
ALTER TABLE orders DROP COLUMN expires_at;
ALTER TABLE payments DROP COLUMN expires_at, DROP COLUMN next_check_at, DROP COLUMN check_attempts;
