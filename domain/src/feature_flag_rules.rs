//! What a feature flag serves: its default variant and its targetings, in Kaiten's form
//! (`default_variant`, `targetings`: a single variant, a percentage split or a date rollout) and in
//! the first contract's form (`defaultVariant`, a variant name; `targetingRules`, basic rules only).

use crate::validation::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The most targetings a flag holds.
pub const MAX_TARGETINGS: usize = 100;
/// The longest targeting rule (a CEL expression), in bytes.
pub const MAX_RULE_BYTES: usize = 4096;

/// One end of a date rollout: at `date`, `percentage` % of contexts get `variant`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutStep {
    pub variant: String,
    pub percentage: u8,
    pub date: DateTime<Utc>,
}

/// What a flag serves when no targeting matches, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DefaultVariant {
    /// Always the variant named `value`.
    Basic { value: String },
    /// Variants by weight (positive integers).
    RolloutPercentage { distribution: BTreeMap<String, u32> },
    /// Traffic shifts from `start` to `end` over the dates between them.
    RolloutDate { start: RolloutStep, end: RolloutStep },
}

/// One targeting of a flag, evaluated in order (the first whose `rule` matches wins),
/// discriminated by `type`. `rule` is a CEL expression, evaluated by the vendor's evaluator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Targeting {
    Basic { name: String, rule: String, variant: String },
    RolloutPercentage { name: String, rule: String, distribution: BTreeMap<String, u32> },
    RolloutDate { name: String, rule: String, start: RolloutStep, end: RolloutStep },
}

/// A basic targeting in the first contract's form. A `rule` given as a JSON object is kept as its
/// JSON text; it is always returned as a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetingRule {
    pub name: String,
    /// A CEL expression (a JSON object is accepted and kept as its text).
    pub rule: Value,
    pub variant: String,
}

impl TargetingRule {
    pub fn into_targeting(self) -> Targeting {
        let rule = match self.rule {
            Value::String(text) => text,
            other => other.to_string(),
        };
        Targeting::Basic { name: self.name, rule, variant: self.variant }
    }
}

impl Targeting {
    fn name_and_rule(&self) -> (&str, &str) {
        match self {
            Self::Basic { name, rule, .. }
            | Self::RolloutPercentage { name, rule, .. }
            | Self::RolloutDate { name, rule, .. } => (name, rule),
        }
    }
}

/// The default variant's name in the first contract's form: `None` for a rollout.
pub fn default_variant_name(default: &DefaultVariant) -> Option<String> {
    match default {
        DefaultVariant::Basic { value } => Some(value.clone()),
        _ => None,
    }
}

/// The basic targetings in the first contract's form.
pub fn targeting_rules(targetings: &[Targeting]) -> Vec<TargetingRule> {
    targetings
        .iter()
        .filter_map(|targeting| match targeting {
            Targeting::Basic { name, rule, variant } => {
                Some(TargetingRule { name: name.clone(), rule: Value::from(rule.clone()), variant: variant.clone() })
            }
            _ => None,
        })
        .collect()
}

/// The variant a rollout serves most: the heaviest of a split (the first in variant order on a tie),
/// the starting variant of a date rollout.
pub fn main_variant<'a>(default: &'a DefaultVariant, variant_order: &[&str]) -> &'a str {
    match default {
        DefaultVariant::Basic { value } => value,
        DefaultVariant::RolloutDate { start, .. } => &start.variant,
        DefaultVariant::RolloutPercentage { distribution } => {
            let rank = |name: &str| variant_order.iter().position(|v| *v == name).unwrap_or(usize::MAX);
            distribution
                .iter()
                .max_by(|(a, wa), (b, wb)| wa.cmp(wb).then(rank(b).cmp(&rank(a))))
                .map_or("", |(name, _)| name.as_str())
        }
    }
}

/// Checks what a flag serves against its variant names. `default_at` and `targetings_at` name the
/// fields the caller used (Kaiten's or the first contract's), so errors point at what was sent.
pub struct ServingCheck<'a> {
    pub variants: HashSet<&'a str>,
    pub errors: Vec<FieldError>,
}

impl ServingCheck<'_> {
    fn variant(&mut self, location: String, name: &str) {
        if !self.variants.contains(name) {
            self.errors.push(FieldError::new(location, "must name one of the variants", Some(Value::from(name))));
        }
    }

    fn distribution(&mut self, at: &str, distribution: &BTreeMap<String, u32>) {
        if distribution.is_empty() {
            self.errors.push(FieldError::new(format!("{at}.distribution"), "must weigh at least one variant", None));
        }
        for (name, weight) in distribution {
            self.variant(format!("{at}.distribution.{name}"), name);
            if *weight == 0 {
                self.errors.push(FieldError::new(
                    format!("{at}.distribution.{name}"),
                    "weights are positive integers",
                    Some(Value::from(*weight)),
                ));
            }
        }
    }

    fn schedule(&mut self, at: &str, start: &RolloutStep, end: &RolloutStep) {
        for (end_name, step) in [("start", start), ("end", end)] {
            self.variant(format!("{at}.{end_name}.variant"), &step.variant);
            if step.percentage > 100 {
                self.errors.push(FieldError::new(
                    format!("{at}.{end_name}.percentage"),
                    "must be between 0 and 100",
                    Some(Value::from(step.percentage)),
                ));
            }
        }
        if start.date >= end.date {
            self.errors.push(FieldError::new(format!("{at}.end.date"), "must be after the start's date", None));
        }
    }

    pub fn default_variant(&mut self, at: &str, default: &DefaultVariant, basic_at: &str) {
        match default {
            DefaultVariant::Basic { value } => self.variant(basic_at.to_owned(), value),
            DefaultVariant::RolloutPercentage { distribution } => self.distribution(at, distribution),
            DefaultVariant::RolloutDate { start, end } => self.schedule(at, start, end),
        }
    }

    pub fn targetings(&mut self, at: &str, targetings: &[Targeting]) {
        if targetings.len() > MAX_TARGETINGS {
            self.errors.push(FieldError::new(at, format!("at most {MAX_TARGETINGS} targetings"), None));
        }
        let mut names = HashSet::new();
        for (i, targeting) in targetings.iter().enumerate() {
            let (name, rule) = targeting.name_and_rule();
            if name.trim().is_empty() || !names.insert(name) {
                let why = if name.trim().is_empty() { "must not be blank" } else { "duplicates another targeting" };
                self.errors.push(FieldError::new(format!("{at}[{i}].name"), why, Some(Value::from(name))));
            }
            if rule.trim().is_empty() || rule.len() > MAX_RULE_BYTES {
                let why = format!("must be a CEL expression of 1 to {MAX_RULE_BYTES} bytes");
                self.errors.push(FieldError::new(format!("{at}[{i}].rule"), why, None));
            }
            match targeting {
                Targeting::Basic { variant, .. } => self.variant(format!("{at}[{i}].variant"), variant),
                Targeting::RolloutPercentage { distribution, .. } => {
                    self.distribution(&format!("{at}[{i}]"), distribution)
                }
                Targeting::RolloutDate { start, end, .. } => self.schedule(&format!("{at}[{i}]"), start, end),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kaiten_forms_parse_and_write_back_unchanged() -> Result<(), Box<dyn std::error::Error>> {
        let default = json!({"type": "rollout_date",
            "start": {"variant": "off", "percentage": 100, "date": "2026-01-01T00:00:00Z"},
            "end": {"variant": "on", "percentage": 100, "date": "2026-02-01T00:00:00Z"}});
        let parsed: DefaultVariant = serde_json::from_value(default.clone())?;
        assert_eq!(serde_json::to_value(&parsed)?, default);
        let split = json!({"type": "rollout_percentage", "name": "all", "rule": "true", "distribution": {"on": 20}});
        let parsed: Targeting = serde_json::from_value(split.clone())?;
        assert_eq!(serde_json::to_value(&parsed)?, split);
        assert!(serde_json::from_value::<DefaultVariant>(json!({"type": "basic", "value": "on", "x": 1})).is_err());
        assert!(serde_json::from_value::<DefaultVariant>(json!({"type": "sometimes"})).is_err());
        Ok(())
    }

    #[test]
    fn first_contract_rules_become_basic_targetings() -> Result<(), Box<dyn std::error::Error>> {
        let rule = TargetingRule { name: "beta".into(), rule: json!({"plan": "beta"}), variant: "on".into() };
        let targeting = rule.into_targeting();
        assert_eq!(
            targeting,
            Targeting::Basic { name: "beta".into(), rule: r#"{"plan":"beta"}"#.into(), variant: "on".into() }
        );
        assert_eq!(targeting_rules(&[targeting])[0].rule, json!(r#"{"plan":"beta"}"#));
        Ok(())
    }

    #[test]
    fn every_variant_named_must_exist_and_weights_and_dates_make_sense() -> Result<(), Box<dyn std::error::Error>> {
        let mut check = ServingCheck { variants: ["on", "off"].into(), errors: Vec::new() };
        let split = DefaultVariant::RolloutPercentage { distribution: [("on".into(), 0), ("maybe".into(), 5)].into() };
        check.default_variant("default_variant", &split, "default_variant.value");
        let at = |date: &str| date.parse::<DateTime<Utc>>().unwrap_or_else(|e| panic!("{e}"));
        let step = |variant: &str, date| RolloutStep { variant: variant.into(), percentage: 101, date };
        let schedule = Targeting::RolloutDate {
            name: "later".into(),
            rule: " ".into(),
            start: step("on", at("2026-02-01T00:00:00Z")),
            end: step("off", at("2026-01-01T00:00:00Z")),
        };
        check.targetings("targetings", &[schedule]);
        let locations: Vec<_> = check.errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "default_variant.distribution.maybe",
                "default_variant.distribution.on",
                "targetings[0].rule",
                "targetings[0].start.percentage",
                "targetings[0].end.percentage",
                "targetings[0].end.date"
            ]
        );
        Ok(())
    }

    #[test]
    fn the_main_variant_of_a_split_is_the_heaviest_then_the_first() -> Result<(), Box<dyn std::error::Error>> {
        let split = DefaultVariant::RolloutPercentage { distribution: [("new".into(), 50), ("old".into(), 50)].into() };
        assert_eq!(main_variant(&split, &["old", "new"]), "old");
        let split = DefaultVariant::RolloutPercentage { distribution: [("new".into(), 60), ("old".into(), 40)].into() };
        assert_eq!(main_variant(&split, &["old", "new"]), "new");
        Ok(())
    }
}
