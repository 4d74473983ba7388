-- A customer's web domain (acme.example), as Kaiten's customers carry it.
ALTER TABLE customers ADD COLUMN domain text;
