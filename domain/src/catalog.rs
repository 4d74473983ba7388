//! The event catalog: the 27 domain events Kaiten emits, and the 3 operational events about its own
//! webhook endpoints, as one table of data. The API, the Svix event-type registration, the console
//! and the docs are all generated from this table.

use std::fmt;
use std::sync::LazyLock;

/// The domain an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventDomain {
    Customer,
    Entitlement,
    License,
    Instance,
    DeploymentZone,
    Release,
    FeatureFlag,
    /// Events about the organization's webhook endpoints themselves (disabled, enabled, a message
    /// whose retries ran out): sent only to endpoints that name them.
    Operational,
}

impl EventDomain {
    pub fn as_str(self) -> &'static str {
        match self {
            EventDomain::Customer => "Customer",
            EventDomain::Entitlement => "Entitlement",
            EventDomain::License => "License",
            EventDomain::Instance => "Instance",
            EventDomain::DeploymentZone => "Deployment Zone",
            EventDomain::Release => "Release",
            EventDomain::FeatureFlag => "Feature Flag",
            EventDomain::Operational => "Operational",
        }
    }
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDefinition {
    pub kind: EventKind,
    pub name: &'static str,
    pub event_type: &'static str,
    pub domain: EventDomain,
    pub description: &'static str,
}

macro_rules! event_catalog {
    ($( $variant:ident => $domain:ident, $name:literal, $event_type:literal, $description:literal; )*) => {
        /// One of the catalog's events; [`EventKind::definition`] gives its row of the catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventKind { $( $variant, )* }

        /// The catalog, in its documented order.
        pub const CATALOG: &[EventDefinition] = &[
            $( EventDefinition {
                kind: EventKind::$variant,
                name: $name,
                event_type: $event_type,
                domain: EventDomain::$domain,
                description: $description,
            }, )*
        ];
    };
}

event_catalog! {
    CustomerCreation => Customer, "CUSTOMER_CREATION", "com.kaiten.customer.v1.created", "A customer was created.";
    CustomerUpdate => Customer, "CUSTOMER_UPDATE", "com.kaiten.customer.v1.updated", "A customer was updated.";
    CustomerDeletion => Customer, "CUSTOMER_DELETION", "com.kaiten.customer.v1.deleted", "A customer was deleted.";
    EntitlementCreation => Entitlement, "ENTITLEMENT_CREATION", "com.kaiten.entitlement.v1.created", "An entitlement was created.";
    EntitlementUpdate => Entitlement, "ENTITLEMENT_UPDATE", "com.kaiten.entitlement.v1.updated", "An entitlement was updated.";
    EntitlementDeletion => Entitlement, "ENTITLEMENT_DELETION", "com.kaiten.entitlement.v1.deleted", "An entitlement was deleted.";
    LicenseCreation => License, "LICENSE_CREATION", "com.kaiten.license.v1.created", "A license was created.";
    LicenseUpdate => License, "LICENSE_UPDATE", "com.kaiten.license.v1.updated", "A license was updated.";
    LicenseDeletion => License, "LICENSE_DELETION", "com.kaiten.license.v1.deleted", "A license was deleted.";
    LicenseEntitlementAssignment => License, "LICENSE_ENTITLEMENT_ASSIGNMENT", "com.kaiten.license.entitlement.v1.assigned", "An entitlement was assigned to a license with a value.";
    LicenseEntitlementUnassignment => License, "LICENSE_ENTITLEMENT_UNASSIGNMENT", "com.kaiten.license.entitlement.v1.unassigned", "An entitlement was removed from a license.";
    LicenseEntitlementUpdate => License, "LICENSE_ENTITLEMENT_UPDATE", "com.kaiten.license.entitlement.v1.updated", "The value of an entitlement on a license was changed.";
    InstanceCreation => Instance, "INSTANCE_CREATION", "com.kaiten.instance.v1.created", "An instance was created.";
    InstanceUpdate => Instance, "INSTANCE_UPDATE", "com.kaiten.instance.v1.updated", "An instance was updated.";
    InstanceDeletion => Instance, "INSTANCE_DELETION", "com.kaiten.instance.v1.deleted", "An instance was deleted (soft delete).";
    InstanceDeployment => Instance, "INSTANCE_DEPLOYMENT", "com.kaiten.instance.v1.deployed", "An instance was placed in a deployment zone for the first time (created with a zone, or moved from no zone to a zone).";
    InstanceMigration => Instance, "INSTANCE_MIGRATION", "com.kaiten.instance.v1.migrated", "An instance was moved from one deployment zone to another.";
    InstanceEntitlementUsageReached => Instance, "INSTANCE_ENTITLEMENT_USAGE_REACHED", "com.kaiten.instance.entitlement.v1.usage_reached", "The aggregated usage of a NUMBER entitlement reached the threshold set on the instance's license.";
    DeploymentZoneCreation => DeploymentZone, "DEPLOYMENT_ZONE_CREATION", "com.kaiten.deployment_zone.v1.created", "A deployment zone was created.";
    DeploymentZoneUpdate => DeploymentZone, "DEPLOYMENT_ZONE_UPDATE", "com.kaiten.deployment_zone.v1.updated", "A deployment zone was updated.";
    DeploymentZoneDeletion => DeploymentZone, "DEPLOYMENT_ZONE_DELETION", "com.kaiten.deployment_zone.v1.deleted", "A deployment zone was deleted.";
    ReleaseDeployment => DeploymentZone, "RELEASE_DEPLOYMENT", "com.kaiten.deployment_zone.v1.release_deployed", "A release was deployed to a deployment zone.";
    ReleaseCreation => Release, "RELEASE_CREATION", "com.kaiten.release.v1.created", "A release was created.";
    ReleaseDeletion => Release, "RELEASE_DELETION", "com.kaiten.release.v1.deleted", "A release was deleted.";
    FeatureFlagCreation => FeatureFlag, "FEATURE_FLAG_CREATION", "com.kaiten.feature_flag.v1.created", "A feature flag was created.";
    FeatureFlagUpdate => FeatureFlag, "FEATURE_FLAG_UPDATE", "com.kaiten.feature_flag.v1.updated", "A feature flag was updated.";
    FeatureFlagDeletion => FeatureFlag, "FEATURE_FLAG_DELETION", "com.kaiten.feature_flag.v1.deleted", "A feature flag was deleted.";
    WebhookEndpointDisabled => Operational, "WEBHOOK_ENDPOINT_DISABLED", "com.kaiten.webhook.v1.endpoint_disabled", "A webhook endpoint was disabled: it answered 410 Gone, failed for too long, or was disabled through the API.";
    WebhookEndpointEnabled => Operational, "WEBHOOK_ENDPOINT_ENABLED", "com.kaiten.webhook.v1.endpoint_enabled", "A disabled webhook endpoint was enabled again through the API.";
    WebhookMessageAttemptExhausted => Operational, "WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED", "com.kaiten.webhook.v1.message_attempt_exhausted", "A message failed on every attempt of the retry schedule to one endpoint.";
}

/// Which spelling of event names an organization's webhooks carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EventNaming {
    /// The first catalog's: `CUSTOMER_CREATION`.
    #[default]
    Classic,
    /// Kaiten's current catalog (its SDK and Go services): `CUSTOMER_CREATED`.
    Current,
}

impl EventNaming {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Current => "current",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "classic" => Some(Self::Classic),
            "current" => Some(Self::Current),
            _ => None,
        }
    }
}

/// The catalog's names in Kaiten's current spelling, in catalog order.
static CURRENT_NAMES: LazyLock<Vec<String>> =
    LazyLock::new(|| CATALOG.iter().map(|row| current_spelling(row.name)).collect());

/// `CUSTOMER_CREATION` → `CUSTOMER_CREATED`: the action noun becomes a participle.
fn current_spelling(name: &str) -> String {
    const ACTIONS: [(&str, &str); 7] = [
        ("_UNASSIGNMENT", "_UNASSIGNED"),
        ("_ASSIGNMENT", "_ASSIGNED"),
        ("_CREATION", "_CREATED"),
        ("_UPDATE", "_UPDATED"),
        ("_DELETION", "_DELETED"),
        ("_DEPLOYMENT", "_DEPLOYED"),
        ("_MIGRATION", "_MIGRATED"),
    ];
    ACTIONS
        .iter()
        .find_map(|(noun, participle)| name.strip_suffix(noun).map(|stem| format!("{stem}{participle}")))
        .unwrap_or_else(|| name.to_owned())
}

impl EventKind {
    /// This event's row of the catalog.
    pub fn definition(self) -> &'static EventDefinition {
        // The table is generated in declaration order, so the discriminant is the row index.
        &CATALOG[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.definition().name
    }

    pub fn event_type(self) -> &'static str {
        self.definition().event_type
    }

    pub fn domain(self) -> EventDomain {
        self.definition().domain
    }

    /// Every event of the catalog, operational ones included.
    pub fn all() -> impl Iterator<Item = EventKind> {
        CATALOG.iter().map(|row| row.kind)
    }

    /// The 27 domain events: the changes made through the API.
    pub fn domain_events() -> impl Iterator<Item = EventKind> {
        Self::all().filter(|kind| !kind.is_operational())
    }

    /// An event about the organization's webhook endpoints: it goes only to endpoints that name it,
    /// never to the endpoint it is about, and is not part of "every event".
    pub fn is_operational(self) -> bool {
        self.domain() == EventDomain::Operational
    }

    /// The same event in Kaiten's current catalog (the official SDK and Kaiten's Go services):
    /// `CUSTOMER_CREATED` for `CUSTOMER_CREATION`, …; the `type` is the same in both.
    pub fn current_name(self) -> &'static str {
        CURRENT_NAMES[self as usize].as_str()
    }

    /// This event's name in `naming`'s spelling.
    pub fn name_in(self, naming: EventNaming) -> &'static str {
        match naming {
            EventNaming::Classic => self.name(),
            EventNaming::Current => self.current_name(),
        }
    }

    /// The event named `name` in either spelling (`CUSTOMER_CREATION` or `CUSTOMER_CREATED`).
    pub fn from_name(name: &str) -> Option<EventKind> {
        CATALOG.iter().find(|row| row.name == name || row.kind.current_name() == name).map(|row| row.kind)
    }

    pub fn from_type(event_type: &str) -> Option<EventKind> {
        CATALOG.iter().find(|row| row.event_type == event_type).map(|row| row.kind)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn has_exactly_27_domain_events_and_3_operational_ones_with_unique_names_and_types() {
        assert_eq!(CATALOG.len(), 30);
        assert_eq!(EventKind::domain_events().count(), 27);
        let names: HashSet<_> = CATALOG.iter().map(|e| e.name).collect();
        let types: HashSet<_> = CATALOG.iter().map(|e| e.event_type).collect();
        assert_eq!(names.len(), 30);
        assert_eq!(types.len(), 30);
        let operational: Vec<&str> = EventKind::all().filter(|k| k.is_operational()).map(EventKind::name).collect();
        assert_eq!(
            operational,
            ["WEBHOOK_ENDPOINT_DISABLED", "WEBHOOK_ENDPOINT_ENABLED", "WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED"]
        );
    }

    #[test]
    fn rows_are_indexed_by_their_kind() {
        for (index, row) in CATALOG.iter().enumerate() {
            assert_eq!(row.kind as usize, index);
            assert_eq!(row.kind.definition(), row);
        }
    }

    #[test]
    fn names_and_types_have_the_documented_form() {
        for row in CATALOG {
            assert!(row.name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{}", row.name);
            let parts: Vec<&str> = row.event_type.split('.').collect();
            assert_eq!(&parts[..2], ["com", "kaiten"], "{}", row.event_type);
            assert!(parts.contains(&"v1"), "{}", row.event_type);
            assert!(parts.iter().all(|p| {
                !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            }));
            assert!(!row.description.is_empty());
            assert_eq!(EventKind::from_name(row.name), Some(row.kind));
            assert_eq!(EventKind::from_type(row.event_type), Some(row.kind));
        }
    }

    #[test]
    fn domains_have_the_documented_counts() {
        let mut counts = BTreeMap::new();
        for row in CATALOG {
            *counts.entry(row.domain.as_str()).or_insert(0) += 1;
        }
        let expected = [
            ("Customer", 3),
            ("Deployment Zone", 4),
            ("Entitlement", 3),
            ("Feature Flag", 3),
            ("Instance", 6),
            ("License", 6),
            ("Operational", 3),
            ("Release", 2),
        ];
        assert_eq!(counts.into_iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn current_names_are_those_of_kaitens_sdk_and_both_spellings_are_read() {
        // Every event name of `kaitencloud.types._webhooks` (1.0.0) that this catalog has.
        let sdk = [
            "CUSTOMER_CREATED",
            "CUSTOMER_UPDATED",
            "CUSTOMER_DELETED",
            "ENTITLEMENT_CREATED",
            "ENTITLEMENT_UPDATED",
            "ENTITLEMENT_DELETED",
            "LICENSE_CREATED",
            "LICENSE_UPDATED",
            "LICENSE_DELETED",
            "LICENSE_ENTITLEMENT_ASSIGNED",
            "LICENSE_ENTITLEMENT_UNASSIGNED",
            "LICENSE_ENTITLEMENT_UPDATED",
            "INSTANCE_CREATED",
            "INSTANCE_UPDATED",
            "INSTANCE_DELETED",
            "INSTANCE_DEPLOYED",
            "INSTANCE_MIGRATED",
            "INSTANCE_ENTITLEMENT_USAGE_REACHED",
            "DEPLOYMENT_ZONE_CREATED",
            "DEPLOYMENT_ZONE_UPDATED",
            "DEPLOYMENT_ZONE_DELETED",
            "RELEASE_CREATED",
            "RELEASE_DELETED",
            "RELEASE_DEPLOYED",
            "FEATURE_FLAG_CREATED",
            "FEATURE_FLAG_UPDATED",
            "FEATURE_FLAG_DELETED",
        ];
        let current: HashSet<&str> = EventKind::domain_events().map(EventKind::current_name).collect();
        assert_eq!(current, sdk.into_iter().collect::<HashSet<_>>());
        for kind in EventKind::all() {
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
            assert_eq!(EventKind::from_name(kind.current_name()), Some(kind));
        }
        assert_eq!(EventKind::CustomerCreation.current_name(), "CUSTOMER_CREATED");
        assert_eq!(EventKind::LicenseEntitlementUnassignment.current_name(), "LICENSE_ENTITLEMENT_UNASSIGNED");
    }
}
