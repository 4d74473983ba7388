//! The shape the organization-scoped resources share: each is found by its slug and listed newest
//! first in its organization, and most are created, replaced and deleted with their event in the same
//! transaction. [`ScopedResource`] and its extensions describe a resource once (`resources.rs`, with
//! `scoped_resource!`); the use cases over them (`use_cases::resource_crud`)
//! are written once for all.

use crate::error::RepoError;
use crate::ports::unit_of_work::Repositories;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_contract::ToWire;
use kaiten_domain::{Actor, EventKind, Module, Page, Paged, Slug, ValidationErrors};
use uuid::Uuid;

/// A resource of one organization, named by a slug unique in it.
#[async_trait]
pub trait ScopedResource: ToWire + Clone + Send + Sync + 'static {
    /// How answers name it: `customer`, `deployment zone`.
    const NAME: &'static str;
    /// The module whose scopes guard it.
    const MODULE: Module;

    fn id(&self) -> Uuid;

    /// The organization's resource with `slug`; with `for_update` its row stays locked until the
    /// transaction ends.
    async fn find(
        repos: &Repositories,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Self>, RepoError>;

    /// The organization's resources, newest first.
    async fn list(repos: &Repositories, organization_id: Uuid, page: Page) -> Result<Paged<Self>, RepoError>;
}

/// A resource deleted outright, emitting `DELETION` with the resource as it was.
#[async_trait]
pub trait DeletableResource: ScopedResource {
    const DELETION: EventKind;

    async fn delete(repos: &Repositories, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
}

/// A resource made from a request's input alone, emitting `CREATION`.
#[async_trait]
pub trait CreatableResource: ScopedResource {
    type Input: Send + 'static;
    const CREATION: EventKind;

    /// The validated new resource (the domain's constructor).
    fn create(
        organization_id: Uuid,
        input: Self::Input,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors>;

    async fn insert(repos: &Repositories, resource: &Self) -> Result<(), RepoError>;
}

/// A resource replaced as a whole by a request's input, emitting `UPDATE` with the fields it changed.
#[async_trait]
pub trait ReplaceableResource: ScopedResource {
    type Replacement: Send + 'static;
    const UPDATE: EventKind;

    /// This resource replaced (the domain's rule).
    fn replace(
        &self,
        replacement: Self::Replacement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors>;

    async fn update(repos: &Repositories, resource: &Self) -> Result<(), RepoError>;
}

/// Describes a resource: its type, the name answers use, its module, its repository among
/// [`Repositories`], and which of deletion, creation and replacement it has the common form of, with
/// their events (and for creation and replacement the domain's input type).
macro_rules! scoped_resource {
    (
        $entity:ty {
            name: $name:literal,
            module: $module:ident,
            repository: $repository:ident
            $(, deletion: $deletion:ident)?
            $(, creation: $creation:ident from $input:ty)?
            $(, update: $update:ident from $replacement:ty)?
            $(,)?
        }
    ) => {
        #[async_trait::async_trait]
        impl $crate::resource::ScopedResource for $entity {
            const NAME: &'static str = $name;
            const MODULE: kaiten_domain::Module = kaiten_domain::Module::$module;

            fn id(&self) -> uuid::Uuid {
                self.id
            }

            async fn find(
                repos: &$crate::ports::unit_of_work::Repositories,
                organization_id: uuid::Uuid,
                slug: &kaiten_domain::Slug,
                for_update: bool,
            ) -> Result<Option<Self>, $crate::error::RepoError> {
                repos.$repository.find_by_slug(organization_id, slug, for_update).await
            }

            async fn list(
                repos: &$crate::ports::unit_of_work::Repositories,
                organization_id: uuid::Uuid,
                page: kaiten_domain::Page,
            ) -> Result<kaiten_domain::Paged<Self>, $crate::error::RepoError> {
                repos.$repository.list(organization_id, page).await
            }
        }

        $(
            #[async_trait::async_trait]
            impl $crate::resource::DeletableResource for $entity {
                const DELETION: kaiten_domain::EventKind = kaiten_domain::EventKind::$deletion;

                async fn delete(
                    repos: &$crate::ports::unit_of_work::Repositories,
                    organization_id: uuid::Uuid,
                    id: uuid::Uuid,
                ) -> Result<(), $crate::error::RepoError> {
                    repos.$repository.delete(organization_id, id).await
                }
            }
        )?

        $(
            #[async_trait::async_trait]
            impl $crate::resource::CreatableResource for $entity {
                type Input = $input;
                const CREATION: kaiten_domain::EventKind = kaiten_domain::EventKind::$creation;

                fn create(
                    organization_id: uuid::Uuid,
                    input: $input,
                    actor: &kaiten_domain::Actor,
                    now: chrono::DateTime<chrono::Utc>,
                ) -> Result<Self, kaiten_domain::ValidationErrors> {
                    <$entity>::create(organization_id, input, actor, now)
                }

                async fn insert(
                    repos: &$crate::ports::unit_of_work::Repositories,
                    resource: &Self,
                ) -> Result<(), $crate::error::RepoError> {
                    repos.$repository.insert(resource).await
                }
            }
        )?

        $(
            #[async_trait::async_trait]
            impl $crate::resource::ReplaceableResource for $entity {
                type Replacement = $replacement;
                const UPDATE: kaiten_domain::EventKind = kaiten_domain::EventKind::$update;

                fn replace(
                    &self,
                    replacement: $replacement,
                    actor: &kaiten_domain::Actor,
                    now: chrono::DateTime<chrono::Utc>,
                ) -> Result<Self, kaiten_domain::ValidationErrors> {
                    <$entity>::replace(self, replacement, actor, now)
                }

                async fn update(
                    repos: &$crate::ports::unit_of_work::Repositories,
                    resource: &Self,
                ) -> Result<(), $crate::error::RepoError> {
                    repos.$repository.update(resource).await
                }
            }
        )?
    };
}

pub(crate) use scoped_resource;
