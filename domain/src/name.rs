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

/// An optional JSON object (platform, metadata): anything but an object is refused.
pub fn parse_optional_object(location: &str, raw: Option<Value>) -> Result<Option<Value>, FieldError> {
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) if has_tiny_number(&value) => Err(FieldError::new(
            location,
            "numbers must be 0 or at least 1e-300 in magnitude (smaller ones do not survive storage)",
            None,
        )),
        Some(value @ Value::Object(_)) => Ok(Some(value)),
        Some(other) => Err(FieldError::new(location, "must be a JSON object", Some(other))),
    }
}

/// A nonzero number below 1e-300 in magnitude (a subnormal double): PostgreSQL stores it exactly as a
/// decimal that cannot be read back as a double.
fn has_tiny_number(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|x| x != 0.0 && x.abs() < 1e-300),
        Value::Array(items) => items.iter().any(has_tiny_number),
        Value::Object(fields) => fields.values().any(has_tiny_number),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_with_a_subnormal_number_is_refused() {
        let tiny = serde_json::json!({"a": [1, {"b": 2.2250738585e-313}]});
        assert!(parse_optional_object("metadata", Some(tiny)).is_err());
        let fine = serde_json::json!({"a": [0, 1e-300, -6.1e142]});
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
