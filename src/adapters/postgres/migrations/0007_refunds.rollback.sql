DROP TABLE sandbox_refunds;
DROP TABLE refund_events;
DROP TABLE refunds;
