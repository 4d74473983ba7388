-- Usage is exact: decimal arithmetic end to end (0.1 + 0.2 reaches a limit of 0.3).
ALTER TABLE instance_entitlement_usage
    ALTER COLUMN value TYPE numeric USING value::numeric,
    ALTER COLUMN sum TYPE numeric USING sum::numeric;
