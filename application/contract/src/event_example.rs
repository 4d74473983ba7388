//! An example `data` for each event, built from the domain types and serialized through their wire
//! types, exactly as the API serializes them; and a test send's body, made of it.

use crate::ToWire;
use crate::instance_usage::UsageReached;
use crate::operational::{DisableReason, EndpointDisabled, EndpointEnabled, LastAttempt, MessageAttemptExhausted};
use chrono::SecondsFormat;
use chrono::{DateTime, TimeZone, Utc};
use kaiten_domain::EventKind;
use kaiten_domain::actor::Actor;
use kaiten_domain::customer::Customer;
use kaiten_domain::deployment_zone::{Deployment, DeploymentZone};
use kaiten_domain::entitlement::{AggregationMethod, Entitlement, EntitlementType, MeterType};
use kaiten_domain::entitlement::{EntitlementFields, ResetAnchor, ResetPeriod};
use kaiten_domain::feature_flag::{FeatureFlag, FlagType, StoredFlag, Variant};
use kaiten_domain::feature_flag_rules::{DefaultVariant, Targeting};
use kaiten_domain::instance::{Instance, InstanceStatus, UsageLimit, UsageValue};
use kaiten_domain::license::{EntitlementValue, License, LicenseEntitlement, LicenseType, LifecycleState};
use kaiten_domain::quantity::Quantity;
use kaiten_domain::release::Release;
use kaiten_domain::slug::Slug;
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
        end_license_date: kaiten_domain::instance::open_ended(),
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

/// An example of `kind`'s `data`.
pub(crate) fn example(kind: EventKind) -> Value {
    use EventKind::*;
    match kind {
        CustomerCreation | CustomerUpdate | CustomerDeletion => to_json(&customer().to_wire()),
        EntitlementCreation | EntitlementUpdate | EntitlementDeletion => to_json(&entitlement().to_wire()),
        LicenseCreation | LicenseUpdate | LicenseDeletion => to_json(&license().to_wire()),
        LicenseEntitlementAssignment | LicenseEntitlementUnassignment | LicenseEntitlementUpdate => to_json(
            &LicenseEntitlement {
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
            }
            .to_wire(),
        ),
        InstanceCreation | InstanceUpdate | InstanceDeletion | InstanceDeployment | InstanceMigration => {
            to_json(&instance().to_wire())
        }
        InstanceEntitlementUsageReached => to_json(&UsageReached {
            instance_id: id(7),
            instance_slug: slug("acme-production").into(),
            entitlement_id: id(3),
            entitlement_slug: slug("api-calls").into(),
            license_id: id(4),
            license_slug: slug("enterprise").into(),
            customer_id: Some(id(2)),
            customer_slug: Some(slug("acme-corp").into()),
            value: UsageValue { value_type: "number".into(), value: Quantity::from(1000), event_count: 7 }.into(),
            limit: UsageLimit { value_type: "number".into(), value: Quantity::from(1000) }.into(),
        }),
        DeploymentZoneCreation | DeploymentZoneUpdate | DeploymentZoneDeletion => {
            to_json(&zone(Some(&release())).to_wire())
        }
        ReleaseDeployment => to_json(
            &Deployment {
                id: id(9),
                deployment_zone_id: id(5),
                deployment_zone_slug: slug("eu-west"),
                release_id: Some(id(6)),
                release_slug: slug("v2.4.0"),
                version: "v2.4.0".into(),
                created_at: at(),
                created_by: author(),
            }
            .to_wire(),
        ),
        ReleaseCreation | ReleaseDeletion => to_json(&release().to_wire()),
        FeatureFlagCreation | FeatureFlagUpdate | FeatureFlagDeletion => to_json(&feature_flag().to_wire()),
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
            message_id: kaiten_domain::webhook::webhook_message_id(id(2)),
            event_name: CustomerCreation.name().into(),
            event_type: CustomerCreation.event_type().into(),
            attempts: 8,
            last_attempt: LastAttempt { id: id(13).to_string(), timestamp: at(), response_status_code: Some(503) },
        }),
    }
}

/// The body of a test send of `kind`: its catalog example as `data`, `"test": true`, an empty
/// `previousAttributes` on events that carry one, and no customer.
pub(crate) fn test_body(kind: EventKind, id: Uuid, timestamp: DateTime<Utc>) -> Value {
    let mut body = json!({
        "id": id.simple().to_string(),
        "name": kind.name(),
        "type": kind.event_type(),
        "timestamp": timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
        "test": true,
    });
    if let Some(fields) = body.as_object_mut() {
        if kind.carries_previous_attributes() {
            fields.insert("previousAttributes".into(), json!({}));
        }
        fields.insert("data".into(), example(kind));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventContract;

    #[test]
    fn a_test_body_is_the_example_marked_as_a_test() {
        let id = Uuid::now_v7();
        let body = EventKind::LicenseUpdate.test_body(id, Utc::now());
        assert_eq!(body["test"], true);
        assert_eq!(body["id"], id.simple().to_string());
        assert_eq!(body["name"], "LICENSE_UPDATE");
        assert_eq!(body["previousAttributes"], json!({}));
        assert_eq!(body["data"], EventKind::LicenseUpdate.example());
        assert!(EventKind::CustomerCreation.test_body(id, Utc::now()).get("previousAttributes").is_none());
    }
}
