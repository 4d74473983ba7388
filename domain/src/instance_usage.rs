//! Usage of an instance's metered entitlements: reports, the folded aggregate, the limit it may
//! reach, and the answers and events about it.

use crate::entitlement::AggregationMethod;
use crate::quantity::Quantity;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// How a usage report combines with the stored aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsageBehavior {
    #[default]
    Append,
    Set,
}

/// The folded usage of one NUMBER entitlement on one instance, in exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UsageAggregate {
    pub value: Quantity,
    pub sum: Quantity,
    pub event_count: i64,
}

impl UsageAggregate {
    /// The aggregate after one more report of `reported`, folded with `method`; `None` when it
    /// would overflow a decimal (more than about 7.9e28).
    pub fn fold(self, method: AggregationMethod, behavior: UsageBehavior, reported: Quantity) -> Option<Self> {
        if behavior == UsageBehavior::Set {
            return Some(Self { value: reported, sum: reported, event_count: 1 });
        }
        let event_count = self.event_count.checked_add(1)?;
        let sum = self.sum.checked_add(reported)?;
        let first = self.event_count == 0;
        let value = match method {
            AggregationMethod::Sum => sum,
            AggregationMethod::Count => Quantity::from(event_count),
            AggregationMethod::Average => sum.checked_div(event_count)?,
            AggregationMethod::Max if first => reported,
            AggregationMethod::Max => self.value.max(reported),
            AggregationMethod::Min if first => reported,
            AggregationMethod::Min => self.value.min(reported),
            AggregationMethod::Latest => reported,
        };
        Some(Self { value, sum, event_count })
    }

    /// Whether going from `self` to `next` reaches `limit` (below before, equal now).
    pub fn reaches(self, next: Self, limit: Quantity) -> bool {
        self.value < limit && next.value == limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantity(text: &str) -> Quantity {
        serde_json::from_str(text).unwrap_or_default()
    }

    fn fold_all(method: AggregationMethod, reports: &[&str]) -> UsageAggregate {
        reports.iter().fold(UsageAggregate::default(), |agg, r| {
            agg.fold(method, UsageBehavior::Append, quantity(r)).unwrap_or_default()
        })
    }

    #[test]
    fn each_method_folds_as_named() {
        let reports = ["4", "10", "1"];
        assert_eq!(fold_all(AggregationMethod::Sum, &reports).value, quantity("15"));
        assert_eq!(fold_all(AggregationMethod::Count, &reports).value, quantity("3"));
        assert_eq!(fold_all(AggregationMethod::Average, &reports).value, quantity("5"));
        assert_eq!(fold_all(AggregationMethod::Max, &reports).value, quantity("10"));
        assert_eq!(fold_all(AggregationMethod::Min, &reports).value, quantity("1"));
        assert_eq!(fold_all(AggregationMethod::Latest, &reports).value, quantity("1"));
        assert_eq!(fold_all(AggregationMethod::Sum, &reports).event_count, 3);
    }

    #[test]
    fn decimals_add_up_exactly_and_reach_their_limit() {
        let before = fold_all(AggregationMethod::Sum, &["0.1"]);
        let after = before.fold(AggregationMethod::Sum, UsageBehavior::Append, quantity("0.2"));
        assert_eq!(after.map(|a| a.value), Some(quantity("0.3")));
        assert!(after.is_some_and(|after| before.reaches(after, quantity("0.3"))));
    }

    #[test]
    fn set_replaces_the_aggregate() {
        let agg = fold_all(AggregationMethod::Sum, &["5", "5"]).fold(
            AggregationMethod::Sum,
            UsageBehavior::Set,
            quantity("2"),
        );
        assert_eq!(agg.map(|agg| (agg.value, agg.event_count)), Some((quantity("2"), 1)));
    }

    #[test]
    fn reaching_is_a_transition() {
        let below = UsageAggregate { value: quantity("9"), sum: quantity("9"), event_count: 1 };
        let at = UsageAggregate { value: quantity("10"), sum: quantity("10"), event_count: 2 };
        assert!(below.reaches(at, quantity("10")));
        assert!(!at.reaches(at, quantity("10")));
    }
}

/// A number with its unit of aggregation, as usage values are reported: `{"type":"number","value":1000}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageLimit {
    #[serde(rename = "type")]
    pub value_type: String,
    pub value: Quantity,
}

/// The aggregated usage: `{"type":"number","value":1000,"event_count":7}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageValue {
    #[serde(rename = "type")]
    pub value_type: String,
    pub value: Quantity,
    pub event_count: i64,
}

/// The input of a usage report: `{"value": 42}` or `{"value": {"type":"number","value":42}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageReport {
    pub value: Value,
    pub behavior: Option<UsageBehavior>,
    /// Free context of the report (an object), as Kaiten's clients send it; usage is kept as its
    /// aggregate, so it is checked, not stored.
    pub metadata: Option<Value>,
}

impl UsageReport {
    /// The reported number, from either accepted shape, as an exact decimal.
    pub fn number(&self) -> Result<Quantity, crate::validation::FieldError> {
        let number = match &self.value {
            Value::Number(n) => Some(n),
            Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("number") => match o.get("value") {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            },
            _ => None,
        };
        number.and_then(Quantity::from_json).filter(|n| !n.is_negative()).ok_or_else(|| {
            crate::validation::FieldError::new(
                "value",
                "must be a non-negative decimal number or {\"type\":\"number\",\"value\":…}",
                Some(self.value.clone()),
            )
        })
    }
}

/// The usage of one entitlement on one instance, as the usage routes return it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceUsage {
    pub instance_id: Uuid,
    pub instance_slug: Slug,
    pub entitlement_id: Uuid,
    pub entitlement_slug: Slug,
    pub license_id: Option<Uuid>,
    pub license_slug: Option<Slug>,
    pub value: UsageValue,
    pub limit: Option<UsageLimit>,
}
