//! The shape the organization-scoped resources share: each is found by its slug and listed newest
//! first in its organization, stored through the one [`ScopedRepository`] port, and most are created,
//! replaced and deleted with their event in the same transaction. [`ScopedResource`] and its
//! extensions describe a resource once (`resources.rs`, with `scoped_resource!`); the use cases over
//! them (`use_cases::resource_crud`) are written once for all.

use crate::ports::scoped::ScopedRepository;
use crate::ports::unit_of_work::Repositories;
use chrono::{DateTime, Utc};
use kaiten_contract::ToWire;
use kaiten_domain::{Actor, EventKind, Module, ValidationErrors};
use uuid::Uuid;

/// A resource of one organization, named by a slug unique in it.
pub trait ScopedResource: ToWire + Clone + Send + Sync + 'static {
    /// How answers name it: `customer`, `deployment zone`.
    const NAME: &'static str;
    /// The module whose scopes guard it.
    const MODULE: Module;

    fn id(&self) -> Uuid;

    /// Where it is stored among the repositories.
    fn repository(repos: &Repositories) -> &dyn ScopedRepository<Self>;
}

/// A resource deleted outright, emitting `DELETION` with the resource as it was.
pub trait DeletableResource: ScopedResource {
    const DELETION: EventKind;
}

/// A resource made from a request's input alone, emitting `CREATION`.
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
}

/// A resource replaced as a whole by a request's input, emitting `UPDATE` with the fields it changed.
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
        impl $crate::resource::ScopedResource for $entity {
            const NAME: &'static str = $name;
            const MODULE: kaiten_domain::Module = kaiten_domain::Module::$module;

            fn id(&self) -> uuid::Uuid {
                self.id
            }

            fn repository(
                repos: &$crate::ports::unit_of_work::Repositories,
            ) -> &dyn $crate::ports::scoped::ScopedRepository<Self> {
                &*repos.$repository
            }
        }

        $(
            impl $crate::resource::DeletableResource for $entity {
                const DELETION: kaiten_domain::EventKind = kaiten_domain::EventKind::$deletion;
            }
        )?

        $(
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
            }
        )?

        $(
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
            }
        )?
    };
}

pub(crate) use scoped_resource;
