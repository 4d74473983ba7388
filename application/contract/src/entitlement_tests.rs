//! The entitlement's rules as requests meet them: each body parsed as the API parses it (the
//! contract's request types), then validated by the domain.

use kaiten_domain::entitlement::{AggregationMethod, Entitlement, EntitlementType, MeterType, ResetPeriod};
use kaiten_domain::{Actor, ValidationErrors, clock};
use serde_json::{Value, json};
use uuid::Uuid;

fn create(body: Value) -> Result<Entitlement, ValidationErrors> {
    let input: super::NewEntitlement = serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
    Entitlement::create(Uuid::nil(), input.into(), &Actor::unknown(), clock::now())
}

fn locations(result: Result<impl std::fmt::Debug, ValidationErrors>) -> Vec<String> {
    result.err().map(|e| e.0.into_iter().map(|f| f.location).collect()).unwrap_or_default()
}

#[test]
fn metered_types_default_to_calculated_usage_and_sum() {
    for kind in ["NUMBER", "NUMBER_AI_CREDIT"] {
        let created = create(json!({"name": "Seats", "type": kind})).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (created.meter_type, created.aggregation_method),
            (Some(MeterType::CalculatedUsage), Some(AggregationMethod::Sum))
        );
    }
    let raw = create(json!({"name": "Calls", "type": "NUMBER", "meterType": "RAW_EVENT", "aggregationMethod": "MAX"}));
    assert_eq!(
        raw.ok().map(|e| (e.meter_type, e.aggregation_method)),
        Some((Some(MeterType::RawEvent), Some(AggregationMethod::Max)))
    );
}

#[test]
fn boolean_is_the_default_and_takes_no_metering() {
    let created = create(json!({"name": "SSO"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (created.entitlement_type, created.meter_type, created.fields.user_facing),
        (EntitlementType::Boolean, None, false)
    );
    for kind in ["BOOLEAN", "CONFIG"] {
        assert_eq!(locations(create(json!({"name": "X", "type": kind, "meterType": "RAW_EVENT"}))), ["meterType"]);
        assert_eq!(
            locations(create(json!({"name": "X", "type": kind, "aggregationMethod": "MAX"}))),
            ["aggregationMethod"]
        );
        assert_eq!(locations(create(json!({"name": "X", "type": kind, "resetPeriod": "MONTH"}))), ["resetPeriod"]);
    }
}

#[test]
fn the_extra_fields_are_checked() {
    let full = json!({"name": "Seats", "type": "NUMBER", "resetPeriod": "MONTH", "resetAnchor": "CALENDAR",
        "warningThresholdPercent": 80, "userFacing": true, "displayOrder": 2, "icon": "users",
        "unitSingular": "seat", "unitPlural": "seats", "saleUnitSingular": "pack", "saleUnitPlural": "packs",
        "saleUnitFactor": 10.0});
    let created = create(full).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((created.fields.reset_period, created.fields.sale_unit_factor), (Some(ResetPeriod::Month), Some(10.0)));
    assert_eq!(
        locations(create(json!({"name": "X", "type": "NUMBER", "warningThresholdPercent": 101}))),
        ["warningThresholdPercent"]
    );
    assert_eq!(locations(create(json!({"name": "X", "type": "NUMBER", "resetAnchor": "CALENDAR"}))), ["resetAnchor"]);
    let partial_sale =
        json!({"name": "X", "type": "NUMBER", "unitSingular": "seat", "unitPlural": "seats", "saleUnitFactor": 5.0});
    assert_eq!(locations(create(partial_sale)), ["saleUnitFactor"]);
    assert_eq!(
        locations(create(
            json!({"name": "X", "type": "NUMBER", "saleUnitSingular": "p", "saleUnitPlural": "ps", "saleUnitFactor": -1.0})
        )),
        ["unitSingular", "saleUnitFactor"]
    );
}

#[test]
fn a_replacement_clears_what_is_left_out_and_keeps_what_cannot_change() {
    let seats = create(json!({"name": "Seats", "type": "NUMBER", "aggregationMethod": "MAX", "resetPeriod": "MONTH",
        "description": "per month", "unitSingular": "seat", "unitPlural": "seats", "userFacing": true}))
    .unwrap_or_else(|e| panic!("{e}"));
    let update = |body: Value| -> Result<Entitlement, ValidationErrors> {
        let update: super::EntitlementUpdate = serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
        seats.replace(update.into(), &Actor::new(Uuid::from_u128(3), "Editor"), clock::now())
    };
    let replaced = update(json!({"name": "Licensed seats"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((replaced.description, replaced.fields.unit_plural, replaced.fields.user_facing), (None, None, false));
    assert_eq!(
        (replaced.aggregation_method, replaced.fields.reset_period),
        (Some(AggregationMethod::Max), Some(ResetPeriod::Month))
    );
    assert_eq!((replaced.slug, replaced.updated_by.name.as_deref()), (seats.slug.clone(), Some("Editor")));
    let same = update(json!({"name": "Seats", "type": "NUMBER", "aggregationMethod": "MAX", "resetPeriod": "MONTH"}));
    assert!(same.is_ok());
    let changed = update(json!({"name": "Seats", "type": "CONFIG", "aggregationMethod": "SUM", "resetPeriod": "DAY"}));
    assert_eq!(locations(changed), ["type", "aggregationMethod", "resetPeriod"]);
}
