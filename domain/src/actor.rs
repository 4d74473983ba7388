//! Who made a change: the service account behind the token of the request, as every entity's
//! `createdBy` / `updatedBy` (`{"id", "name"}`) and its events carry it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: Uuid,
    pub name: Option<String>,
}

impl Actor {
    pub fn new(id: Uuid, name: impl Into<String>) -> Self {
        Self { id, name: Some(name.into()) }
    }

    /// Rows written before actors were recorded: the nil id, no name.
    pub fn unknown() -> Self {
        Self { id: Uuid::nil(), name: None }
    }
}
