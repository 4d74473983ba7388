//! Slugs: the URL-safe, per-organization unique handle of every named resource.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

pub const MAX_SLUG_LENGTH: usize = 100;

/// Lowercase ASCII letters and digits in groups separated by single hyphens, 1 to
/// [`MAX_SLUG_LENGTH`] characters: `acme-corp`, `v1-0-0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a text is not a slug, or no slug can be derived from a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_SLUG_LENGTH} characters")]
    TooLong,
    #[error("may contain only lowercase letters, digits and hyphens")]
    InvalidCharacter,
    #[error("must not start or end with a hyphen nor contain two in a row")]
    MisplacedHyphen,
    #[error("cannot be derived from a name without letters or digits: give one")]
    NothingToDerive,
}

impl Slug {
    /// Accepts a slug exactly as given, or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if raw.is_empty() {
            return Err(SlugError::Empty);
        }
        if raw.len() > MAX_SLUG_LENGTH {
            return Err(SlugError::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(SlugError::InvalidCharacter);
        }
        if raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(SlugError::MisplacedHyphen);
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a display name: "Acme Corp" → `acme-corp`, "v1.0.0" → `v1-0-0`.
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(MAX_SLUG_LENGTH);
        let trimmed = slug.trim_end_matches('-');
        if trimmed.is_empty() {
            return Err(SlugError::NothingToDerive);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The given slug when present, otherwise one derived from the name; errors point at `location`.
    pub fn given_or_derived(location: &str, given: Option<&str>, name: &str) -> Result<Self, FieldError> {
        match given {
            Some(raw) => Self::parse(raw).map_err(|m| FieldError::new(location, m.to_string(), Some(Value::from(raw)))),
            None => {
                Self::from_name(name).map_err(|m| FieldError::new(location, m.to_string(), Some(Value::from(name))))
            }
        }
    }

    /// A valid slug for documentation and examples (`example`).
    pub fn example() -> Self {
        Self("example".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_says_what_is_wrong() {
        assert_eq!(Slug::parse("").map_err(|e| e.to_string()), Err("must not be empty".to_owned()));
        assert_eq!(Slug::parse("Acme"), Err(SlugError::InvalidCharacter));
        assert_eq!(Slug::parse("acme-"), Err(SlugError::MisplacedHyphen));
        assert_eq!(Slug::parse(&"a".repeat(MAX_SLUG_LENGTH + 1)), Err(SlugError::TooLong));
        assert_eq!(
            Slug::from_name("!!!").map_err(|e| e.to_string()),
            Err("cannot be derived from a name without letters or digits: give one".to_owned())
        );
    }

    #[test]
    fn derives_from_names_as_documented() {
        assert_eq!(Slug::from_name("Acme Corp").map(String::from), Ok("acme-corp".to_owned()));
        assert_eq!(Slug::from_name("v1.0.0").map(String::from), Ok("v1-0-0".to_owned()));
        assert_eq!(Slug::from_name("  --Hello,  World!! ").map(String::from), Ok("hello-world".to_owned()));
        assert_eq!(Slug::from_name("Ça va").map(String::from), Ok("a-va".to_owned()));
        assert!(Slug::from_name("!!!").is_err());
        assert!(Slug::from_name("").is_err());
    }

    #[test]
    fn derived_slugs_are_bounded_and_valid() {
        let long = "word ".repeat(60);
        let slug = Slug::from_name(&long).map(String::from).unwrap_or_default();
        assert!(slug.len() <= MAX_SLUG_LENGTH);
        assert!(Slug::parse(&slug).is_ok(), "{slug}");
    }

    #[test]
    fn parse_refuses_what_is_not_url_safe() {
        for bad in ["", "Acme", "acme corp", "-acme", "acme-", "ac--me", "acmé", "a/b", &"a".repeat(101)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["a", "acme-corp", "v1-0-0", "0", &"a".repeat(100)] {
            assert!(Slug::parse(good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn every_derivation_parses() {
        // A small exhaustive-ish sweep over awkward characters.
        let alphabet = ['a', 'Z', '0', ' ', '-', '.', '_', 'é', '/', '!'];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let name: String = [a, b, c].iter().collect();
                    if let Ok(slug) = Slug::from_name(&name) {
                        assert!(Slug::parse(slug.as_str()).is_ok(), "{name:?} gave {slug}");
                    }
                }
            }
        }
    }

    #[test]
    fn serde_validates() {
        assert!(serde_json::from_str::<Slug>("\"Bad Slug\"").is_err());
        assert_eq!(serde_json::to_string(&Slug::parse("ok").ok()).ok(), Some("\"ok\"".to_owned()));
    }
}
