-- A test send (POST /api/webhooks/{id}/test): the catalog's example delivered to one endpoint. It is
-- never part of a replay to another endpoint.
ALTER TABLE webhook_messages ADD COLUMN test boolean NOT NULL DEFAULT false;
