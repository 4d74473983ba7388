//! An example `data` for each event, built from the domain types and serialized exactly as the API
//! serializes them.

use crate::actor::Actor;
use crate::catalog::EventKind;
use crate::customer::Customer;
use crate::deployment_zone::{Deployment, DeploymentZone};
use crate::entitlement::{AggregationMethod, Entitlement, EntitlementType, MeterType};
use crate::entitlement::{EntitlementFields, ResetAnchor, ResetPeriod};
use crate::feature_flag::{FeatureFlag, FlagType, StoredFlag, Variant};
use crate::feature_flag_rules::{DefaultVariant, Targeting};
use crate::instance::{Instance, InstanceStatus, UsageLimit, UsageReached, UsageValue};
use crate::license::{EntitlementValue, License, LicenseEntitlement, LicenseType, LifecycleState};
use crate::release::Release;
use crate::slug::Slug;
use crate::webhook_operational::MessageAttemptExhausted;
use crate::webhook_operational::{DisableReason, EndpointDisabled, EndpointEnabled, LastAttempt};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).single().unwrap_or_default()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0191_a5b2_0000_7000_8000_0000_0000_0000 + n)
}

fn slug(text: &str) -> Slug {
    Slug::from_name(text).unwrap_or_else(|_| Slug::example())
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

const ORGANIZATION: u128 = 1;

/// The service account behind the example's changes.
fn author() -> Actor {
    Actor::new(id(10), "Deploy bot")
}

fn customer() -> Customer {
    Customer {
        id: id(2),
        name: "Acme Corp".into(),
        slug: slug("acme-corp"),
        external_customer_id: Some("crm-42".into()),
        domain: Some("acme.example".into()),
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
    }
}

fn entitlement() -> Entitlement {
    Entitlement {
        id: id(3),
        name: "API Calls".into(),
        slug: slug("api-calls"),
        description: Some("Calls per month".into()),
        entitlement_type: EntitlementType::Number,
        meter_type: Some(MeterType::RawEvent),
        aggregation_method: Some(AggregationMethod::Sum),
        fields: EntitlementFields {
            reset_period: Some(ResetPeriod::Month),
            reset_anchor: Some(ResetAnchor::Calendar),
            warning_threshold_percent: Some(80),
            user_facing: true,
            unit_singular: Some("call".into()),
            unit_plural: Some("calls".into()),
            ..EntitlementFields::default()
        },
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
    }
}

fn license() -> License {
    License {
        id: id(4),
        name: "Enterprise".into(),
        slug: slug("enterprise"),
        description: "For large teams".into(),
        license_type: LicenseType::Paid,
        version_name: Some("2026".into()),
        version: 1,
        family_id: id(11),
        family_slug: slug("enterprise"),
        lifecycle_state: LifecycleState::Published,
        is_active: true,
        is_default: true,
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
    }
}

fn zone(release: Option<&Release>) -> DeploymentZone {
    DeploymentZone {
        id: id(5),
        name: "EU West".into(),
        slug: slug("eu-west"),
        zone_type: "production".into(),
        description: "Frankfurt, three availability zones".into(),
        metadata: Some(json!({"region": "eu-west-1"})),
        release_id: release.map(|r| r.id),
        release_slug: release.map(|r| r.slug.clone()),
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
    }
}

fn release() -> Release {
    Release {
        id: id(6),
        version: "v2.4.0".into(),
        slug: slug("v2.4.0"),
        description: Some("Spring release".into()),
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
    }
}

fn instance() -> Instance {
    Instance {
        id: id(7),
        name: "Acme Production".into(),
        slug: slug("acme-production"),
        description: "Acme's production cluster".into(),
        customer_id: Some(id(2)),
        customer_slug: Some(slug("acme-corp")),
        license_id: Some(id(4)),
        license_slug: Some(slug("enterprise")),
        deployment_zone_id: Some(id(5)),
        deployment_zone_slug: Some(slug("eu-west")),
        start_license_date: at(),
        end_license_date: crate::instance::open_ended(),
        platform: Some(json!({"kubernetes": "1.31"})),
        metadata: None,
        status: Some(InstanceStatus::Healthy),
        lifecycle_stage: Some("ACTIVE".into()),
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
        deleted_at: None,
    }
}

fn feature_flag() -> FeatureFlag {
    FeatureFlag::from_stored(StoredFlag {
        id: id(8),
        name: "Dark Mode".into(),
        slug: slug("dark-mode"),
        description: None,
        flag_type: FlagType::Boolean,
        enabled: true,
        variants: vec![
            Variant { name: "on".into(), value: json!(true), description: String::new() },
            Variant { name: "off".into(), value: json!(false), description: String::new() },
        ],
        default_serving: DefaultVariant::Basic { value: "off".into() },
        targetings: vec![Targeting::Basic {
            name: "beta".into(),
            rule: "customer.plan == 'beta'".into(),
            variant: "on".into(),
        }],
        event_name: String::new(),
        metadata: json!({}),
        organization_id: id(ORGANIZATION),
        created_at: at(),
        created_by: author(),
        updated_at: at(),
        updated_by: author(),
    })
}

impl EventKind {
    /// An example of this event's `data`.
    pub fn example(self) -> Value {
        use EventKind::*;
        match self {
            CustomerCreation | CustomerUpdate | CustomerDeletion => to_json(&customer()),
            EntitlementCreation | EntitlementUpdate | EntitlementDeletion => to_json(&entitlement()),
            LicenseCreation | LicenseUpdate | LicenseDeletion => to_json(&license()),
            LicenseEntitlementAssignment | LicenseEntitlementUnassignment | LicenseEntitlementUpdate => {
                to_json(&LicenseEntitlement {
                    license_id: id(4),
                    license_slug: slug("enterprise"),
                    entitlement_id: id(3),
                    entitlement_slug: slug("api-calls"),
                    entitlement_name: "API calls".into(),
                    entitlement_type: EntitlementType::Number,
                    value: EntitlementValue::Number(1000.into()),
                    limit_cap_exceeded_overage_percent: Some(10),
                    created_at: at(),
                    created_by: author(),
                    updated_at: at(),
                    updated_by: author(),
                })
            }
            InstanceCreation | InstanceUpdate | InstanceDeletion | InstanceDeployment | InstanceMigration => {
                to_json(&instance())
            }
            InstanceEntitlementUsageReached => to_json(&UsageReached {
                instance_id: id(7),
                instance_slug: slug("acme-production"),
                entitlement_id: id(3),
                entitlement_slug: slug("api-calls"),
                license_id: id(4),
                license_slug: slug("enterprise"),
                customer_id: Some(id(2)),
                customer_slug: Some(slug("acme-corp")),
                value: UsageValue { value_type: "number".into(), value: 1000.into(), event_count: 7 },
                limit: UsageLimit { value_type: "number".into(), value: 1000.into() },
            }),
            DeploymentZoneCreation | DeploymentZoneUpdate | DeploymentZoneDeletion => to_json(&zone(Some(&release()))),
            ReleaseDeployment => to_json(&Deployment {
                id: id(9),
                deployment_zone_id: id(5),
                deployment_zone_slug: slug("eu-west"),
                release_id: Some(id(6)),
                release_slug: slug("v2.4.0"),
                version: "v2.4.0".into(),
                created_at: at(),
                created_by: author(),
            }),
            ReleaseCreation | ReleaseDeletion => to_json(&release()),
            FeatureFlagCreation | FeatureFlagUpdate | FeatureFlagDeletion => to_json(&feature_flag()),
            WebhookEndpointDisabled => to_json(&EndpointDisabled {
                endpoint_id: id(12).to_string(),
                url: "https://hooks.acme.example/kaiten".into(),
                reason: DisableReason::Failing,
                failing_since: Some(at() - chrono::TimeDelta::days(5)),
                disabled_at: at(),
            }),
            WebhookEndpointEnabled => to_json(&EndpointEnabled {
                endpoint_id: id(12).to_string(),
                url: "https://hooks.acme.example/kaiten".into(),
                enabled_at: at(),
            }),
            WebhookMessageAttemptExhausted => to_json(&MessageAttemptExhausted {
                endpoint_id: id(12).to_string(),
                url: "https://hooks.acme.example/kaiten".into(),
                event_id: id(2),
                message_id: crate::webhook::webhook_message_id(id(2)),
                event_name: CustomerCreation.name().into(),
                event_type: CustomerCreation.event_type().into(),
                attempts: 8,
                last_attempt: LastAttempt { id: id(13).to_string(), timestamp: at(), response_status_code: Some(503) },
            }),
        }
    }
}
