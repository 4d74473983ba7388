-- The customer an event concerns (customer and instance events), for the webhook body and the feed's
-- customer filter.
ALTER TABLE outbox_events ADD COLUMN customer_id uuid, ADD COLUMN customer_slug text;
CREATE INDEX outbox_events_customer_feed_idx ON outbox_events (organization_id, customer_id, occurred_at, id)
    WHERE customer_id IS NOT NULL;
