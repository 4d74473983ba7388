-- Custom request headers every delivery to the endpoint carries: [{"name", "value", "secret"}], each
-- with its value (the API never shows secret ones back).
ALTER TABLE webhook_endpoints ADD COLUMN headers jsonb NOT NULL DEFAULT '[]'
  CONSTRAINT webhook_endpoints_headers_shape CHECK (
    jsonb_typeof(headers) = 'array'
    AND jsonb_array_length(headers) <= 20
    AND NOT jsonb_path_exists(headers, '$[*] ? (@.value.type() != "string" || @.name.type() != "string")')
  );
