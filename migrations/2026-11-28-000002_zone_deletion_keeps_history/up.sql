-- A deleted (soft) instance must not keep its zone from being deleted: the reference becomes NULL.
-- Live instances still block the deletion (checked by the application under a lock on the zone row).
ALTER TABLE instances DROP CONSTRAINT instances_deployment_zone_id_fkey;
ALTER TABLE instances ADD CONSTRAINT instances_deployment_zone_id_fkey
    FOREIGN KEY (deployment_zone_id) REFERENCES deployment_zones (id) ON DELETE SET NULL;
