//! Getting, listing, creating, replacing and deleting an organization-scoped resource, written once
//! over its description ([`crate::resource`]): each checks the caller's scope on the resource's module
//! first, and each change writes its row and its event in one transaction (an event carries the
//! resource's wire form; a replacement's carries the fields it changed as `previousAttributes`).

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{Repositories, UnitOfWork, UnitOfWorkExt};
use crate::resource::{CreatableResource, DeletableResource, ReplaceableResource, ScopedResource};
use kaiten_domain::{Access, OutboxEvent, Page, Paged, Slug, clock};
use std::marker::PhantomData;
use std::sync::Arc;

/// One resource of the caller's organization, by slug.
pub struct GetResource<R> {
    repos: Repositories,
    resource: PhantomData<fn() -> R>,
}

impl<R: ScopedResource> GetResource<R> {
    pub fn new(repos: Repositories) -> Self {
        Self { repos, resource: PhantomData }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<R, UseCaseError> {
        caller.require(Access::Read, R::MODULE)?;
        R::repository(&self.repos)
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound(R::NAME))
    }
}

/// The caller's organization's resources, newest first.
pub struct ListResources<R> {
    repos: Repositories,
    resource: PhantomData<fn() -> R>,
}

impl<R: ScopedResource> ListResources<R> {
    pub fn new(repos: Repositories) -> Self {
        Self { repos, resource: PhantomData }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<R>, UseCaseError> {
        caller.require(Access::Read, R::MODULE)?;
        Ok(R::repository(&self.repos).list(caller.organization_id, page).await?)
    }
}

/// Creates a resource and its creation event in one write: both are stored or neither
/// ([`insert_reported`](crate::ports::scoped::ScopedRepository::insert_reported)), without a unit of work around a single insert.
pub struct CreateResource<R> {
    repos: Repositories,
    resource: PhantomData<fn() -> R>,
}

impl<R: CreatableResource> CreateResource<R> {
    pub fn new(repos: Repositories) -> Self {
        Self { repos, resource: PhantomData }
    }

    pub async fn execute(&self, caller: &Caller, input: R::Input) -> Result<R, UseCaseError> {
        caller.require(Access::Write, R::MODULE)?;
        let created = R::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let wire = created.to_wire();
        let event = OutboxEvent::of(R::CREATION, caller.organization_id, &wire, caller.traceparent.clone())?;
        R::repository(&self.repos)
            .insert_reported(&created, &event)
            .await
            .map_err(|e| UseCaseError::from_repo(R::NAME, e))?;
        Ok(created)
    }
}

/// Replaces a resource (a full replacement) and appends its update event in the same transaction.
pub struct UpdateResource<R> {
    uow: Arc<dyn UnitOfWork>,
    resource: PhantomData<fn() -> R>,
}

impl<R: ReplaceableResource> UpdateResource<R> {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow, resource: PhantomData }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug, replacement: R::Replacement) -> Result<R, UseCaseError> {
        caller.require(Access::Write, R::MODULE)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = R::repository(&repos)
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound(R::NAME))?;
                let updated = current.replace(replacement, &actor, clock::now())?;
                R::repository(&repos).update(&updated).await.map_err(|e| UseCaseError::from_repo(R::NAME, e))?;
                let event = OutboxEvent::update(
                    R::UPDATE,
                    organization_id,
                    &current.to_wire(),
                    &updated.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(updated)
            })
            .await
    }
}

/// Deletes a resource and appends its deletion event (the resource as it was) in the same
/// transaction; returns the resource as it was.
pub struct DeleteResource<R> {
    uow: Arc<dyn UnitOfWork>,
    resource: PhantomData<fn() -> R>,
}

impl<R: DeletableResource> DeleteResource<R> {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow, resource: PhantomData }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<R, UseCaseError> {
        caller.require(Access::Write, R::MODULE)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = R::repository(&repos)
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound(R::NAME))?;
                R::repository(&repos)
                    .delete(organization_id, current.id())
                    .await
                    .map_err(|e| UseCaseError::from_repo(R::NAME, e))?;
                let event = OutboxEvent::of(R::DELETION, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}

#[cfg(test)]
#[path = "resource_crud_tests.rs"]
mod tests;
