//! Pagination of lists: `limit` (1..=200, default 50) and an opaque `cursor` taken from the previous
//! page's `nextCursor` (or, for the console, an `offset`), answered as
//! `{items, hasMore, nextCursor, total}`. Lists are newest first; a cursor names the last row seen
//! (keyset pagination), so a client walking the cursor gets every row once even while rows are added.

use crate::validation::{FieldError, ValidationErrors};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// The position of a row in a newest-first list: its creation time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageKey {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// A validated window over a list: rows after `after` (older than it), skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
    pub after: Option<PageKey>,
}

enum Cursor {
    Key(PageKey),
    Offset(i64),
}

impl Cursor {
    fn encode(&self) -> String {
        let text = match self {
            Self::Key(key) => format!("k{}.{}", key.created_at.timestamp_micros(), key.id),
            Self::Offset(offset) => format!("o{offset}"),
        };
        URL_SAFE_NO_PAD.encode(text)
    }

    fn decode(raw: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
        if let Some(offset) = text.strip_prefix('o') {
            return offset.parse().ok().filter(|o: &i64| *o >= 0).map(Self::Offset);
        }
        let (micros, id) = text.strip_prefix('k')?.split_once('.')?;
        let created_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Self::Key(PageKey { created_at, id: id.parse().ok()? }))
    }
}

impl Page {
    pub fn parse(limit: Option<i64>, offset: Option<i64>, cursor: Option<&str>) -> Result<Self, ValidationErrors> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let mut offset = offset.unwrap_or(0);
        let mut after = None;
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
        match cursor.filter(|c| !c.is_empty()).map(|c| (c, Cursor::decode(c))) {
            None => {}
            Some((_, Some(Cursor::Key(key)))) => after = Some(key),
            Some((_, Some(Cursor::Offset(from)))) => offset = offset.saturating_add(from),
            Some((raw, None)) => errors.push(FieldError::new(
                "query.cursor",
                "is not a cursor this list returned (take `nextCursor` from the previous page)",
                Some(Value::from(raw)),
            )),
        }
        if errors.is_empty() { Ok(Self { limit, offset, after }) } else { Err(ValidationErrors(errors)) }
    }

    /// How many rows to read: one more than the page holds, to know whether more follow.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

impl Default for Page {
    fn default() -> Self {
        Self { limit: DEFAULT_LIMIT, offset: 0, after: None }
    }
}

/// One page of a list: its rows, whether more follow (and the cursor that reads them), and the size
/// of the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    /// Pass as `cursor` to read the next page; absent on the last page.
    pub next_cursor: Option<String>,
    pub total: i64,
}

impl<T> Paged<T> {
    /// A whole list in one answer.
    pub fn all(items: Vec<T>) -> Self {
        let total = items.len() as i64;
        Self { items, has_more: false, next_cursor: None, total }
    }

    /// `rows` read newest first with [`Page::fetch`] rows after the page's key: the extra row, if
    /// any, says more follow, and the last row kept is where the next page starts.
    pub fn from_keyset(mut rows: Vec<T>, total: i64, page: Page, key: impl Fn(&T) -> PageKey) -> Self {
        let has_more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit.max(0) as usize);
        let next_cursor = if has_more { rows.last().map(|row| Cursor::Key(key(row)).encode()) } else { None };
        Self { items: rows, has_more, next_cursor, total }
    }

    /// `items` read at `page.offset` of a list of `total` rows.
    pub fn from_offset(items: Vec<T>, total: i64, page: Page) -> Self {
        let end = page.offset.saturating_add(items.len() as i64);
        let has_more = end < total && !items.is_empty();
        Self { next_cursor: has_more.then(|| Cursor::Offset(end).encode()), items, has_more, total }
    }

    /// The same page with every row converted (or the first conversion error).
    pub fn try_map<U, E>(self, convert: impl FnMut(T) -> Result<U, E>) -> Result<Paged<U>, E> {
        Ok(Paged {
            items: self.items.into_iter().map(convert).collect::<Result<_, _>>()?,
            has_more: self.has_more,
            next_cursor: self.next_cursor,
            total: self.total,
        })
    }

    /// The same page with every row converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(convert).collect(),
            has_more: self.has_more,
            next_cursor: self.next_cursor,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> PageKey {
        PageKey {
            created_at: DateTime::from_timestamp_micros(1_788_264_000_123_456).unwrap_or_default(),
            id: Uuid::from_u128(n),
        }
    }

    #[test]
    fn bounds_are_enforced() {
        assert_eq!(Page::parse(None, None, None), Ok(Page::default()));
        assert!(Page::parse(Some(0), None, None).is_err());
        assert!(Page::parse(Some(201), None, None).is_err());
        assert!(Page::parse(Some(200), Some(-1), None).is_err());
        assert_eq!(Page::parse(Some(200), Some(5), None), Ok(Page { limit: 200, offset: 5, after: None }));
        assert!(Page::parse(None, None, Some("not a cursor")).is_err());
        assert!(Page::parse(None, None, Some(&URL_SAFE_NO_PAD.encode("o-3"))).is_err());
    }

    #[test]
    fn a_keyset_page_says_whether_more_follow_and_where() {
        let page = Page { limit: 2, ..Page::default() };
        let full = Paged::from_keyset(vec![1, 2, 3], 3, page, |n| key(*n));
        assert_eq!((full.items.as_slice(), full.has_more), (&[1, 2][..], true));
        let next = Page::parse(Some(2), None, full.next_cursor.as_deref());
        assert_eq!(next.map(|p| p.after), Ok(Some(key(2))));
        let last = Paged::from_keyset(vec![3], 3, page, |n| key(*n));
        assert_eq!((last.has_more, last.next_cursor), (false, None));
    }

    #[test]
    fn an_offset_page_continues_by_cursor() {
        let page = Page { limit: 2, offset: 4, after: None };
        let paged = Paged::from_offset(vec!["e", "f"], 9, page);
        assert!(paged.has_more);
        assert_eq!(Page::parse(Some(2), None, paged.next_cursor.as_deref()).map(|p| p.offset), Ok(6));
        assert!(!Paged::from_offset(vec!["i"], 9, Page { offset: 8, ..page }).has_more);
    }
}
