//! Validation failures, reported field by field so a client can fix all of them at once.

use serde::Serialize;
use serde_json::Value;

/// One invalid value: where it was, what is wrong with it and what was given.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{location}: {message}")]
pub struct FieldError {
    pub location: String,
    pub message: String,
    pub value: Option<Value>,
}

impl FieldError {
    pub fn new(location: impl Into<String>, message: impl Into<String>, value: Option<Value>) -> Self {
        Self { location: location.into(), message: message.into(), value }
    }
}

/// Every field error found while validating one input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn single(location: impl Into<String>, message: impl Into<String>, value: Option<Value>) -> Self {
        Self(vec![FieldError::new(location, message, value)])
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

/// Collects field errors while several fields are validated, then yields all of them together.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when it is valid and records the error otherwise.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Returns the value built from the checked fields, or every error recorded.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            build().ok_or_else(|| ValidationErrors::single("body", "invalid input", None))
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}
