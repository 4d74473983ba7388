ALTER TABLE instances DROP CONSTRAINT instances_deployment_zone_id_fkey;
ALTER TABLE instances ADD CONSTRAINT instances_deployment_zone_id_fkey
    FOREIGN KEY (deployment_zone_id) REFERENCES deployment_zones (id) ON DELETE RESTRICT;
