//! The organization-scoped resources of the common shape, each described once. What does not fit
//! the shape keeps its own use case: a deployment zone's creation and update (they deploy a
//! release), a license's creation (families and versions), instances (references, zone
//! transitions, soft deletion), a flag's OpenFeature manifest, and the link and usage routes.

use crate::resource::scoped_resource;
use kaiten_domain::customer::{Customer, CustomerUpdate, NewCustomer};
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::entitlement::{Entitlement, EntitlementUpdate, NewEntitlement};
use kaiten_domain::feature_flag::{FeatureFlag, FeatureFlagDefinition};
use kaiten_domain::license::{License, LicenseUpdate};
use kaiten_domain::release::{NewRelease, Release};

scoped_resource!(Customer {
    name: "customer",
    module: Customers,
    repository: customers,
    deletion: CustomerDeletion,
    creation: CustomerCreation from NewCustomer,
    update: CustomerUpdate from CustomerUpdate,
});

scoped_resource!(Entitlement {
    name: "entitlement",
    module: Entitlements,
    repository: entitlements,
    deletion: EntitlementDeletion,
    creation: EntitlementCreation from NewEntitlement,
    update: EntitlementUpdate from EntitlementUpdate,
});

scoped_resource!(FeatureFlag {
    name: "feature flag",
    module: FeatureFlags,
    repository: feature_flags,
    deletion: FeatureFlagDeletion,
    creation: FeatureFlagCreation from FeatureFlagDefinition,
    update: FeatureFlagUpdate from FeatureFlagDefinition,
});

scoped_resource!(Release {
    name: "release",
    module: Releases,
    repository: releases,
    deletion: ReleaseDeletion,
    creation: ReleaseCreation from NewRelease,
});

scoped_resource!(DeploymentZone {
    name: "deployment zone",
    module: DeploymentZones,
    repository: deployment_zones,
    deletion: DeploymentZoneDeletion,
});

scoped_resource!(License {
    name: "license",
    module: Licenses,
    repository: licenses,
    deletion: LicenseDeletion,
    update: LicenseUpdate from LicenseUpdate,
});
