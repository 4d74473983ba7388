ALTER TABLE webhook_messages DROP COLUMN customer_id;
ALTER TABLE webhook_endpoints DROP COLUMN include_organization_events, DROP COLUMN customer_ids;
