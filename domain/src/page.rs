//! Pagination of lists: `limit` (1..=200, default 50) and `offset`, answered as `{items, total}`.

use crate::validation::{FieldError, ValidationErrors};
use serde::Serialize;
use serde_json::Value;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// A validated window over a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub fn parse(limit: Option<i64>, offset: Option<i64>) -> Result<Self, ValidationErrors> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let offset = offset.unwrap_or(0);
        let mut errors = Vec::new();
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError::new(
                "query.limit",
                format!("must be between 1 and {MAX_LIMIT}"),
                Some(Value::from(limit)),
            ));
        }
        if offset < 0 {
            errors.push(FieldError::new("query.offset", "must not be negative", Some(Value::from(offset))));
        }
        if errors.is_empty() { Ok(Self { limit, offset }) } else { Err(ValidationErrors(errors)) }
    }
}

impl Default for Page {
    fn default() -> Self {
        Self { limit: DEFAULT_LIMIT, offset: 0 }
    }
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_enforced() {
        assert_eq!(Page::parse(None, None), Ok(Page::default()));
        assert!(Page::parse(Some(0), None).is_err());
        assert!(Page::parse(Some(201), None).is_err());
        assert!(Page::parse(Some(200), Some(-1)).is_err());
        assert_eq!(Page::parse(Some(200), Some(5)), Ok(Page { limit: 200, offset: 5 }));
    }
}
