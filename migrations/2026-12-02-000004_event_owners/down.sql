DROP TABLE webhook_event_owners;
