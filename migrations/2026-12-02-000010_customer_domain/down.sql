ALTER TABLE customers DROP COLUMN domain;
