-- Several accounts per provider (one per country): each payment records the country of the
-- account it went through (NULL: the provider's default account).
-- depends: 0011_phone_retention

ALTER TABLE payments ADD COLUMN country text NULL;
