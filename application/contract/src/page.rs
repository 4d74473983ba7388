//! One page of a list as the API answers it: `{items, hasMore, nextCursor, total}`.

use crate::ToWire;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One page of a list: its rows, whether more follow (and the cursor that reads them), and the size
/// of the whole list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    /// Pass as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    pub total: i64,
}

impl<T: ToWire> ToWire for kaiten_domain::Paged<T> {
    type Wire = Paged<T::Wire>;

    fn to_wire(&self) -> Paged<T::Wire> {
        Paged {
            items: self.items.iter().map(ToWire::to_wire).collect(),
            has_more: self.has_more,
            next_cursor: self.next_cursor.clone(),
            total: self.total,
        }
    }
}

/// A page of rows that convert into `T` on their own (`From`).
impl<D, T: From<D>> From<kaiten_domain::Paged<D>> for Paged<T> {
    fn from(page: kaiten_domain::Paged<D>) -> Self {
        Self {
            items: page.items.into_iter().map(T::from).collect(),
            has_more: page.has_more,
            next_cursor: page.next_cursor,
            total: page.total,
        }
    }
}
