-- Which spelling of event names an organization's webhooks carry: the first catalog's
-- (`CUSTOMER_CREATION`, the default) or Kaiten's current one (`CUSTOMER_CREATED`).
ALTER TABLE organizations ADD COLUMN webhook_event_names text NOT NULL DEFAULT 'classic'
    CONSTRAINT organizations_webhook_event_names_check CHECK (webhook_event_names IN ('classic', 'current'));
