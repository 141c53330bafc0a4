DROP TABLE provider_incidents;
DROP TABLE provider_health_minutes;
DROP TABLE provider_breakers;
