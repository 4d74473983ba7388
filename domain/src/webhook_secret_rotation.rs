//! A signing-secret rotation: how long the previous secret keeps signing next to the new one, so
//! that receivers can switch secrets without refusing a single delivery.

use crate::validation::{FieldError, ValidationErrors};
use serde_json::Value;

/// The input of `POST /api/webhooks/{id}/rotate-secret` (optional).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretRotationRequest {
    /// How long the previous secret keeps signing, in seconds: 0 (it stops at once) to 604800 (7 days);
    /// default 86400 (24 hours).
    pub overlap_seconds: Option<i64>,
}

/// A validated rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRotation {
    /// How long the previous secret keeps signing.
    pub overlap: chrono::Duration,
}

impl SecretRotation {
    pub const DEFAULT_OVERLAP: chrono::Duration = chrono::Duration::hours(24);
    pub const MAX_OVERLAP: chrono::Duration = chrono::Duration::days(7);

    pub fn parse(request: Option<SecretRotationRequest>) -> Result<Self, ValidationErrors> {
        let Some(seconds) = request.and_then(|request| request.overlap_seconds) else {
            return Ok(Self::default());
        };
        if (0..=Self::MAX_OVERLAP.num_seconds()).contains(&seconds) {
            Ok(Self { overlap: chrono::Duration::seconds(seconds) })
        } else {
            Err(ValidationErrors(vec![FieldError::new(
                "body.overlapSeconds",
                "must be between 0 and 604800 (7 days)",
                Some(Value::from(seconds)),
            )]))
        }
    }
}

impl Default for SecretRotation {
    fn default() -> Self {
        Self { overlap: Self::DEFAULT_OVERLAP }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(overlap_seconds: Option<i64>) -> Result<SecretRotation, ValidationErrors> {
        SecretRotation::parse(Some(SecretRotationRequest { overlap_seconds }))
    }

    #[test]
    fn no_body_or_no_overlap_means_a_day() {
        assert_eq!(SecretRotation::parse(None), Ok(SecretRotation { overlap: chrono::Duration::hours(24) }));
        assert_eq!(parse(None), Ok(SecretRotation { overlap: chrono::Duration::hours(24) }));
    }

    #[test]
    fn an_overlap_is_zero_to_seven_days() {
        assert_eq!(parse(Some(0)).map(|r| r.overlap), Ok(chrono::Duration::zero()));
        assert_eq!(parse(Some(604_800)).map(|r| r.overlap), Ok(chrono::Duration::days(7)));
        for refused in [-1, 604_801, i64::MAX] {
            let errors = parse(Some(refused)).err().map(|e| e.0).unwrap_or_default();
            assert_eq!(errors.first().map(|e| e.location.as_str()), Some("body.overlapSeconds"), "{refused}");
        }
    }
}
