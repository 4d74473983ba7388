//! Entitlements: what a license grants (a feature switch, a metered quantity, a configuration).

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

mod fields;

pub use fields::{EntitlementFields, RequestedFields, ResetAnchor, ResetPeriod};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntitlementType {
    Boolean,
    Number,
    /// A metered quantity of AI credits: used as NUMBER is.
    NumberAiCredit,
    Config,
}

impl EntitlementType {
    /// Whether usage of it is metered against a number (NUMBER and NUMBER_AI_CREDIT).
    pub fn is_metered(self) -> bool {
        matches!(self, Self::Number | Self::NumberAiCredit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeterType {
    CalculatedUsage,
    RawEvent,
}

/// How usage reports of a NUMBER entitlement are folded into one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

text_codes!(EntitlementType {
    Boolean = "BOOLEAN", Number = "NUMBER", NumberAiCredit = "NUMBER_AI_CREDIT", Config = "CONFIG"
});
text_codes!(MeterType { CalculatedUsage = "CALCULATED_USAGE", RawEvent = "RAW_EVENT" });
text_codes!(AggregationMethod {
    Sum = "SUM", Count = "COUNT", Average = "AVERAGE", Max = "MAX", Min = "MIN", Latest = "LATEST"
});

#[derive(Debug, Clone, PartialEq)]
pub struct Entitlement {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub entitlement_type: EntitlementType,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
    pub fields: EntitlementFields,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEntitlement {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// BOOLEAN when absent.
    pub entitlement_type: Option<EntitlementType>,
    /// Metered types: CALCULATED_USAGE when absent.
    pub meter_type: Option<MeterType>,
    /// Metered types: SUM when absent.
    pub aggregation_method: Option<AggregationMethod>,
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    /// Whether the vendor's customers see it (default false).
    pub user_facing: Option<bool>,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

/// The input of `PUT /api/entitlements/{slug}`: a full replacement — omitted optional fields are
/// cleared. `type`, `meterType`, `aggregationMethod`, `resetPeriod` and `resetAnchor` cannot change
/// once set: omitted, they are kept; given, they must equal the stored ones. The slug stays unless given.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitlementUpdate {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub entitlement_type: Option<EntitlementType>,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    /// Whether the vendor's customers see it (default false).
    pub user_facing: Option<bool>,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

/// The extra fields of a request body.
macro_rules! requested_fields {
    ($body:expr) => {
        RequestedFields {
            reset_period: $body.reset_period,
            reset_anchor: $body.reset_anchor,
            warning_threshold_percent: $body.warning_threshold_percent,
            display_order: $body.display_order,
            icon: $body.icon,
            user_facing: $body.user_facing,
            unit_singular: $body.unit_singular,
            unit_plural: $body.unit_plural,
            sale_unit_singular: $body.sale_unit_singular,
            sale_unit_plural: $body.sale_unit_plural,
            sale_unit_factor: $body.sale_unit_factor,
        }
    };
}

/// `location` cannot change once set: a given value must equal the stored one.
fn immutable<T: PartialEq + Copy>(
    location: &str,
    stored: Option<T>,
    given: Option<T>,
    code: impl Fn(T) -> &'static str,
) -> Result<(), FieldError> {
    match (stored, given) {
        (Some(stored), Some(given)) if stored != given => {
            Err(FieldError::new(location, "cannot be changed once set", Some(Value::from(code(given)))))
        }
        _ => Ok(()),
    }
}

/// Metered types have a meter type (CALCULATED_USAGE unless told otherwise) and aggregate with SUM
/// unless told otherwise; BOOLEAN and CONFIG take neither.
fn check_metering(
    kind: EntitlementType,
    meter: Option<MeterType>,
    aggregation: Option<AggregationMethod>,
) -> Result<(Option<MeterType>, Option<AggregationMethod>), FieldError> {
    match kind {
        _ if kind.is_metered() => {
            Ok((Some(meter.unwrap_or(MeterType::CalculatedUsage)), Some(aggregation.unwrap_or(AggregationMethod::Sum))))
        }
        _ if meter.is_some() => Err(FieldError::new(
            "meterType",
            format!("is only allowed on metered entitlements, not {}", kind.as_str()),
            meter.map(|m| Value::from(m.as_str())),
        )),
        _ if aggregation.is_some() => Err(FieldError::new(
            "aggregationMethod",
            format!("is only allowed on metered entitlements, not {}", kind.as_str()),
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
        let kind = input.entitlement_type.unwrap_or(EntitlementType::Boolean);
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        let metering = v.check(check_metering(kind, input.meter_type, input.aggregation_method));
        let fields = requested_fields!(input).validate(kind, &mut v);
        v.finish(|| {
            let (meter_type, aggregation_method) = metering?;
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                entitlement_type: kind,
                meter_type,
                aggregation_method,
                fields: fields?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }

    /// This entitlement replaced by `update`, made by `actor`.
    pub fn replace(
        &self,
        update: EntitlementUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let kind = self.entitlement_type;
        v.check(immutable("type", Some(kind), update.entitlement_type, EntitlementType::as_str));
        v.check(immutable("meterType", self.meter_type, update.meter_type, MeterType::as_str));
        v.check(immutable(
            "aggregationMethod",
            self.aggregation_method,
            update.aggregation_method,
            AggregationMethod::as_str,
        ));
        v.check(immutable("resetPeriod", self.fields.reset_period, update.reset_period, ResetPeriod::as_str));
        v.check(immutable("resetAnchor", self.fields.reset_anchor, update.reset_anchor, ResetAnchor::as_str));
        let name = v.check(parse_name("name", &update.name));
        let slug = update
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = v.check(parse_optional_text("description", update.description.as_deref()));
        let metering = v.check(check_metering(
            kind,
            update.meter_type.or(self.meter_type),
            update.aggregation_method.or(self.aggregation_method),
        ));
        let mut requested = requested_fields!(update);
        requested.reset_period = requested.reset_period.or(self.fields.reset_period);
        requested.reset_anchor = requested.reset_anchor.or(self.fields.reset_anchor);
        let fields = requested.validate(kind, &mut v);
        v.finish(|| {
            let (meter_type, aggregation_method) = metering?;
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                meter_type,
                aggregation_method,
                fields: fields?,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}
