//! Entitlements: what a license grants (a feature switch, a metered quantity, a configuration).

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_text};
use crate::serde_helpers::double_option;
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntitlementType {
    Boolean,
    Number,
    Config,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeterType {
    CalculatedUsage,
    RawEvent,
}

/// How usage reports of a NUMBER entitlement are folded into one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AggregationMethod {
    Sum,
    Count,
    Average,
    Max,
    Min,
    Latest,
}

macro_rules! text_codes {
    ($ty:ty { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $ty {
            /// The stored and serialized spelling.
            pub fn as_str(self) -> &'static str {
                match self { $( Self::$variant => $text, )* }
            }
            /// The inverse of [`Self::as_str`].
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $text => Some(Self::$variant), )* _ => None }
            }
        }
    };
}
pub(crate) use text_codes;

text_codes!(EntitlementType { Boolean = "BOOLEAN", Number = "NUMBER", Config = "CONFIG" });
text_codes!(MeterType { CalculatedUsage = "CALCULATED_USAGE", RawEvent = "RAW_EVENT" });
text_codes!(AggregationMethod {
    Sum = "SUM", Count = "COUNT", Average = "AVERAGE", Max = "MAX", Min = "MIN", Latest = "LATEST"
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entitlement {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub entitlement_type: EntitlementType,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEntitlement {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub entitlement_type: EntitlementType,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
}

/// Partial update; `type` cannot change once values may have been assigned with it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntitlementChanges {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: Option<String>,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(rename = "type")]
    pub entitlement_type: Option<EntitlementType>,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
}

/// NUMBER needs a meter type (and aggregates with SUM unless told otherwise); BOOLEAN and CONFIG take neither.
fn check_metering(
    kind: EntitlementType,
    meter: Option<MeterType>,
    aggregation: Option<AggregationMethod>,
) -> Result<(Option<MeterType>, Option<AggregationMethod>), FieldError> {
    match kind {
        EntitlementType::Number => match meter {
            Some(meter) => Ok((Some(meter), Some(aggregation.unwrap_or(AggregationMethod::Sum)))),
            None => Err(FieldError::new("meterType", "is required for a NUMBER entitlement", None)),
        },
        _ if meter.is_some() => Err(FieldError::new(
            "meterType",
            format!("is only allowed on NUMBER entitlements, not {}", kind.as_str()),
            meter.map(|m| Value::from(m.as_str())),
        )),
        _ if aggregation.is_some() => Err(FieldError::new(
            "aggregationMethod",
            format!("is only allowed on NUMBER entitlements, not {}", kind.as_str()),
            aggregation.map(|a| Value::from(a.as_str())),
        )),
        _ => Ok((None, None)),
    }
}

impl Entitlement {
    pub fn create(
        organization_id: Uuid,
        input: NewEntitlement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        let metering = v.check(check_metering(input.entitlement_type, input.meter_type, input.aggregation_method));
        v.finish(|| {
            let (meter_type, aggregation_method) = metering?;
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                entitlement_type: input.entitlement_type,
                meter_type,
                aggregation_method,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }

    pub fn apply(
        &self,
        changes: EntitlementChanges,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        if let Some(kind) = changes.entitlement_type
            && kind != self.entitlement_type
        {
            v.push(FieldError::new(
                "type",
                "cannot be changed; create a new entitlement",
                Some(Value::from(kind.as_str())),
            ));
        }
        let name = changes.name.as_deref().map_or(Some(self.name.clone()), |raw| v.check(parse_name("name", raw)));
        let slug = changes
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = match changes.description {
            Some(raw) => v.check(parse_optional_text("description", raw.as_deref())),
            None => Some(self.description.clone()),
        };
        let metering = v.check(check_metering(
            self.entitlement_type,
            changes.meter_type.or(self.meter_type),
            changes.aggregation_method.or(self.aggregation_method),
        ));
        v.finish(|| {
            let (meter_type, aggregation_method) = metering?;
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                meter_type,
                aggregation_method,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock;

    fn new(kind: EntitlementType, meter: Option<MeterType>, aggregation: Option<AggregationMethod>) -> NewEntitlement {
        NewEntitlement {
            name: "Seats".into(),
            slug: None,
            description: None,
            entitlement_type: kind,
            meter_type: meter,
            aggregation_method: aggregation,
        }
    }

    #[test]
    fn number_needs_a_meter_and_defaults_to_sum() {
        let now = clock::now();
        assert!(
            Entitlement::create(Uuid::nil(), new(EntitlementType::Number, None, None), &Actor::unknown(), now).is_err()
        );
        let ok = Entitlement::create(
            Uuid::nil(),
            new(EntitlementType::Number, Some(MeterType::RawEvent), None),
            &Actor::unknown(),
            now,
        );
        assert_eq!(ok.ok().and_then(|e| e.aggregation_method), Some(AggregationMethod::Sum));
    }

    #[test]
    fn boolean_and_config_take_no_metering() {
        let now = clock::now();
        for kind in [EntitlementType::Boolean, EntitlementType::Config] {
            assert!(
                Entitlement::create(Uuid::nil(), new(kind, Some(MeterType::RawEvent), None), &Actor::unknown(), now)
                    .is_err()
            );
            assert!(
                Entitlement::create(Uuid::nil(), new(kind, None, Some(AggregationMethod::Max)), &Actor::unknown(), now)
                    .is_err()
            );
            assert!(Entitlement::create(Uuid::nil(), new(kind, None, None), &Actor::unknown(), now).is_ok());
        }
    }

    #[test]
    fn codes_round_trip() {
        for method in ["SUM", "COUNT", "AVERAGE", "MAX", "MIN", "LATEST"] {
            assert_eq!(AggregationMethod::from_code(method).map(AggregationMethod::as_str), Some(method));
        }
        assert_eq!(AggregationMethod::from_code("sum"), None);
    }
}
