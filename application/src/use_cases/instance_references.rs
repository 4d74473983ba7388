//! Resolving an instance's references (given by slug or by id) within the caller's organization.

use crate::error::UseCaseError;
use crate::ports::instances::{ReferenceKey, ReferenceTarget};
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::instance::Reference;
use kaiten_domain::{Slug, ValidationErrors};
use uuid::Uuid;

/// What a reference is called in messages and bodies.
fn names(target: ReferenceTarget) -> (&'static str, &'static str) {
    match target {
        ReferenceTarget::Customer => ("customer", "customerSlug"),
        ReferenceTarget::License => ("license", "licenseSlug"),
        ReferenceTarget::DeploymentZone => ("deployment zone", "deploymentZoneSlug"),
    }
}

/// The reference given by `slug` or `id` (`None` when neither is); another organization's, or an
/// unknown one, is not found.
pub(crate) async fn resolve(
    repos: &Repositories,
    organization_id: Uuid,
    target: ReferenceTarget,
    slug: Option<&str>,
    id: Option<Uuid>,
) -> Result<Option<Reference>, UseCaseError> {
    let (what, _) = names(target);
    let key = match (slug, id) {
        (Some(slug), _) => ReferenceKey::Slug(Slug::parse(slug).map_err(|_| UseCaseError::NotFound(what))?),
        (None, Some(id)) => ReferenceKey::Id(id),
        (None, None) => return Ok(None),
    };
    let found = repos.instances.reference(organization_id, target, &key).await?;
    found.map(Some).ok_or(UseCaseError::NotFound(what))
}

/// Like [`resolve`], for a reference an instance must have.
pub(crate) async fn require(
    repos: &Repositories,
    organization_id: Uuid,
    target: ReferenceTarget,
    slug: Option<&str>,
    id: Option<Uuid>,
) -> Result<Reference, UseCaseError> {
    let (what, field) = names(target);
    resolve(repos, organization_id, target, slug, id).await?.ok_or_else(|| {
        UseCaseError::Invalid(ValidationErrors::single(
            field,
            format!("an instance needs a {what} (by slug or id)"),
            None,
        ))
    })
}
