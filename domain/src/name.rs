//! Human-readable names and free-text fields, trimmed and bounded.

use crate::validation::FieldError;
use serde_json::Value;

pub const MAX_NAME_LENGTH: usize = 200;
pub const MAX_TEXT_LENGTH: usize = 4000;

/// A trimmed, non-empty name of at most [`MAX_NAME_LENGTH`] characters.
pub fn parse_name(location: &str, raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(location, "must not be empty", Some(Value::from(raw))));
    }
    if trimmed.chars().count() > MAX_NAME_LENGTH {
        return Err(FieldError::new(
            location,
            format!("must be at most {MAX_NAME_LENGTH} characters"),
            Some(Value::from(raw)),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(location, "must not contain control characters", Some(Value::from(raw))));
    }
    Ok(trimmed.to_owned())
}

/// An optional free text of at most [`MAX_TEXT_LENGTH`] characters; blank becomes `None`.
pub fn parse_optional_text(location: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw else { return Ok(None) };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > MAX_TEXT_LENGTH {
        return Err(FieldError::new(
            location,
            format!("must be at most {MAX_TEXT_LENGTH} characters"),
            Some(Value::from(raw)),
        ));
    }
    Ok(Some(trimmed.to_owned()))
}

/// A free text that is never null (Kaiten's descriptions): as [`parse_optional_text`], absent or
/// blank is `""`.
pub fn parse_text(location: &str, raw: Option<&str>) -> Result<String, FieldError> {
    parse_optional_text(location, raw).map(Option::unwrap_or_default)
}

/// An optional JSON object (platform, metadata): anything but an object is refused.
pub fn parse_optional_object(location: &str, raw: Option<Value>) -> Result<Option<Value>, FieldError> {
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) if !storable_numbers(&value) => {
            Err(FieldError::new(location, UNSTORABLE_NUMBER, None))
        }
        Some(value @ Value::Object(_)) => Ok(Some(value)),
        Some(other) => Err(FieldError::new(location, "must be a JSON object", Some(other))),
    }
}

/// Why a number is refused by [`storable_numbers`].
pub const UNSTORABLE_NUMBER: &str =
    "numbers must be 0 or between 1e-300 and 1e300 in magnitude (others do not survive storage as jsonb)";

/// Whether every number in `value` is 0 or between 1e-300 and 1e300 in magnitude. PostgreSQL's jsonb
/// keeps numbers as exact decimals; near the ends of the double range (subnormals, `f64::MAX`) that
/// decimal can no longer be read back as a double.
pub fn storable_numbers(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|x| x == 0.0 || (1e-300..=1e300).contains(&x.abs())),
        Value::Array(items) => items.iter().all(storable_numbers),
        Value::Object(fields) => fields.values().all(storable_numbers),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_with_numbers_jsonb_cannot_give_back_is_refused() {
        let tiny = serde_json::json!({"a": [1, {"b": 2.2250738585e-313}]});
        assert!(parse_optional_object("metadata", Some(tiny)).is_err());
        let huge = serde_json::json!({"a": 1.7976931348623157e308});
        assert!(parse_optional_object("metadata", Some(huge)).is_err());
        let fine = serde_json::json!({"a": [0, 1e-300, -6.1e142, -3541937401625768886272.0]});
        assert!(parse_optional_object("metadata", Some(fine)).is_ok());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("name", "  Acme  ").ok(), Some("Acme".to_owned()));
        assert!(parse_name("name", "   ").is_err());
        assert!(parse_name("name", &"x".repeat(MAX_NAME_LENGTH + 1)).is_err());
        assert!(parse_name("name", "a\u{0}b").is_err());
    }

    #[test]
    fn blank_text_is_absent() {
        assert_eq!(parse_optional_text("d", Some("  ")).ok(), Some(None));
        assert_eq!(parse_optional_text("d", None).ok(), Some(None));
    }

    #[test]
    fn only_objects_are_objects() {
        assert!(parse_optional_object("m", Some(Value::from(3))).is_err());
        assert!(parse_optional_object("m", Some(serde_json::json!({"a": 1}))).is_ok());
    }
}
