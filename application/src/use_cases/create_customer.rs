//! Creates a customer and appends CUSTOMER_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::customer::{Customer, NewCustomer};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateCustomer {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateCustomer {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewCustomer) -> Result<Customer, UseCaseError> {
        caller.require(Access::Write, Module::Customers)?;
        let customer = Customer::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let event = OutboxEvent::of(
            EventKind::CustomerCreation,
            caller.organization_id,
            &customer.to_wire(),
            caller.traceparent.clone(),
        )?;
        let stored = customer.clone();
        self.uow
            .run(|repos| async move {
                repos.customers.insert(&stored).await.map_err(|e| UseCaseError::from_repo("customer", e))?;
                repos.outbox.append(&event).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        Ok(customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Conflict, RepoError};
    use crate::use_cases::testing::{FakeUnitOfWork, caller_with, repositories};
    use futures::executor::block_on;

    fn acme() -> NewCustomer {
        NewCustomer { name: "Acme Corp".into(), slug: None, external_customer_id: None, domain: None }
    }

    #[test]
    fn appends_exactly_one_creation_event_carrying_the_customer() {
        let mut repos = repositories();
        repos.customers.expect_insert().times(1).returning(|_| Ok(()));
        repos.outbox.expect_append().times(1).returning(|_| Ok(()));
        let uow = FakeUnitOfWork::new(repos);
        let use_case = CreateCustomer::new(uow.clone());
        let customer = block_on(use_case.execute(&caller_with(&["write:customers"]), acme()));
        let customer = customer.unwrap_or_else(|e| panic!("{e}"));
        let events = uow.appended();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::CustomerCreation);
        assert_eq!(events[0].organization_id, customer.organization_id);
        assert_eq!(events[0].data, serde_json::to_value(customer.to_wire()).unwrap_or_default());
        assert!(uow.committed());
    }

    #[test]
    fn a_taken_slug_is_a_conflict_and_appends_nothing() {
        let mut repos = repositories();
        repos
            .customers
            .expect_insert()
            .returning(|_| Err(RepoError::Conflict(Conflict::new("slug_taken", "slug taken"))));
        repos.outbox.expect_append().never();
        let uow = FakeUnitOfWork::new(repos);
        let result = block_on(CreateCustomer::new(uow.clone()).execute(&caller_with(&["write:*"]), acme()));
        assert!(matches!(result, Err(UseCaseError::Conflict(c)) if c.code == "slug_taken"));
        assert!(uow.appended().is_empty());
        assert!(!uow.committed());
    }

    #[test]
    fn needs_the_write_scope_and_valid_input_before_touching_the_store() {
        let uow = FakeUnitOfWork::new(repositories());
        let use_case = CreateCustomer::new(uow.clone());
        let forbidden = block_on(use_case.execute(&caller_with(&["read:customers"]), acme()));
        assert!(matches!(forbidden, Err(UseCaseError::Forbidden(_))));
        let invalid = NewCustomer { name: " ".into(), slug: None, external_customer_id: None, domain: None };
        let invalid = block_on(use_case.execute(&caller_with(&["write:customers"]), invalid));
        assert!(matches!(invalid, Err(UseCaseError::Invalid(_))));
        assert!(!uow.ran());
    }
}
