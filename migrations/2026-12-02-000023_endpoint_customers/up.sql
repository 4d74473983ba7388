-- Endpoints scoped to customers: they receive the events of the customers they name (ids; none =
-- every event) and, with include_organization_events, the organization-wide ones. A message records
-- the customer its event concerns (NULL: organization-wide) so that every later attempt is routed
-- the same way as the first.
ALTER TABLE webhook_endpoints
    ADD COLUMN customer_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(customer_ids) <= 100),
    ADD COLUMN include_organization_events boolean NOT NULL DEFAULT false;
ALTER TABLE webhook_messages ADD COLUMN customer_id uuid;
