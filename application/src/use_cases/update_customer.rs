//! Replaces a customer's details (a full replacement) and appends CUSTOMER_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::customer::{Customer, CustomerUpdate};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateCustomer {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateCustomer {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        update: CustomerUpdate,
    ) -> Result<Customer, UseCaseError> {
        caller.require(Access::Write, Module::Customers)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .customers
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("customer"))?;
                let updated = current.replace(update, &actor, clock::now())?;
                repos.customers.update(&updated).await.map_err(|e| UseCaseError::from_repo("customer", e))?;
                let event = OutboxEvent::update(
                    EventKind::CustomerUpdate,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::use_cases::testing::{FakeUnitOfWork, caller_with, repositories, stored_customer};
    use futures::executor::block_on;

    #[test]
    fn an_unknown_customer_is_not_found_and_appends_nothing() {
        let mut repos = repositories();
        repos.customers.expect_find_by_slug().returning(|_, _, _| Ok(None));
        repos.outbox.expect_append().never();
        let uow = FakeUnitOfWork::new(repos);
        let slug = Slug::parse("ghost").unwrap_or_else(|e| panic!("{e}"));
        let result = block_on(UpdateCustomer::new(uow.clone()).execute(
            &caller_with(&["write:*"]),
            &slug,
            CustomerUpdate { name: "Ghost".into(), slug: None, external_customer_id: None, domain: None },
        ));
        assert!(matches!(result, Err(UseCaseError::NotFound("customer"))));
        assert!(!uow.committed());
    }

    #[test]
    fn an_update_appends_the_updated_customer() {
        let existing = stored_customer();
        let slug = existing.slug.clone();
        let mut repos = repositories();
        repos.customers.expect_find_by_slug().returning(move |_, _, locked| {
            assert!(locked, "the row is locked for the update");
            Ok(Some(existing.clone()))
        });
        repos.customers.expect_update().times(1).returning(|_| Ok(()));
        repos.outbox.expect_append().times(1).returning(|_| Ok(()));
        let uow = FakeUnitOfWork::new(repos);
        let changes = CustomerUpdate { name: "Renamed".into(), slug: None, external_customer_id: None, domain: None };
        let updated =
            block_on(UpdateCustomer::new(uow.clone()).execute(&caller_with(&["write:customers"]), &slug, changes));
        let updated = updated.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(updated.name, "Renamed");
        let events = uow.appended();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::CustomerUpdate);
        assert_eq!(events[0].data["name"], "Renamed");
    }
}
