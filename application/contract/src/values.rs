//! The small values every body carries: who made a change ([`Actor`]), a resource's handle
//! ([`Slug`]), an exact decimal ([`Quantity`]); and the request schemas of names and slugs.

use kaiten_domain::name::MAX_NAME_LENGTH;
use kaiten_domain::slug::MAX_SLUG_LENGTH;
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    pub id: Uuid,
    pub name: Option<String>,
}

impl From<kaiten_domain::Actor> for Actor {
    fn from(value: kaiten_domain::Actor) -> Self {
        Self { id: value.id, name: value.name }
    }
}

/// Lowercase ASCII letters and digits in groups separated by single hyphens, 1 to
/// [`MAX_SLUG_LENGTH`] characters: `acme-corp`, `v1-0-0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "acme-corp", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
pub struct Slug(String);

impl From<kaiten_domain::Slug> for Slug {
    fn from(value: kaiten_domain::Slug) -> Self {
        Self(value.into())
    }
}

/// An exact decimal, written as the domain's `Quantity` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(pub kaiten_domain::quantity::Quantity);

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some("An exact decimal; an integral one is written as a JSON integer (20, not 20.0)."))
            .into()
    }
}

impl ToSchema for Quantity {}

impl From<kaiten_domain::quantity::Quantity> for Quantity {
    fn from(value: kaiten_domain::quantity::Quantity) -> Self {
        Self(value)
    }
}

impl From<Quantity> for kaiten_domain::quantity::Quantity {
    fn from(value: Quantity) -> Self {
        value.0
    }
}

/// The OpenAPI schema of a name in a request: what the domain's `parse_name` accepts (it also trims).
pub fn name_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_NAME_LENGTH))
        // Something besides white space, and no control character.
        .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"))
        .build()
}

/// The OpenAPI schema of a slug in a request: what the domain's `Slug::parse` accepts; derived from
/// the name when omitted.
pub fn slug_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_SLUG_LENGTH))
        .pattern(Some("^[a-z0-9]+(-[a-z0-9]+)*$"))
        .description(Some("URL-safe handle, unique in the organization; derived from the name when omitted"))
        .build()
}
