//! Deletes a customer and appends CUSTOMER_DELETION (the customer as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::customer::Customer;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteCustomer {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteCustomer {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the customer as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Customer, UseCaseError> {
        caller.require(Access::Write, Module::Customers)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .customers
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("customer"))?;
                repos
                    .customers
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("customer", e))?;
                let event =
                    OutboxEvent::of(EventKind::CustomerDeletion, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
