//! The use cases, one per file, and [`UseCases`], which builds them all from the ports.

pub mod authenticate;
pub mod create_customer;
pub mod create_organization;
pub mod create_service_account;
pub mod create_token;
pub mod delete_customer;
pub mod dispatch_event;
pub mod get_customer;
pub mod get_organization;
pub mod list_customers;
pub mod list_service_accounts;
pub mod list_tokens;
pub mod revoke_token;
pub mod update_customer;

use crate::ports::unit_of_work::{Repositories, UnitOfWork};
use crate::ports::webhooks::WebhookSender;
use std::sync::Arc;

/// Every use case, wired to the same ports; what the driving adapters (HTTP, CLI) hold.
pub struct UseCases {
    pub authenticate: authenticate::Authenticate,
    pub create_organization: create_organization::CreateOrganization,
    pub get_organization: get_organization::GetOrganization,
    pub create_service_account: create_service_account::CreateServiceAccount,
    pub list_service_accounts: list_service_accounts::ListServiceAccounts,
    pub create_token: create_token::CreateToken,
    pub list_tokens: list_tokens::ListTokens,
    pub revoke_token: revoke_token::RevokeToken,
    pub create_customer: create_customer::CreateCustomer,
    pub update_customer: update_customer::UpdateCustomer,
    pub delete_customer: delete_customer::DeleteCustomer,
    pub get_customer: get_customer::GetCustomer,
    pub list_customers: list_customers::ListCustomers,
}

impl UseCases {
    /// `uow` runs the writes; `reads` are repositories on the pool for the queries; `sender`, when
    /// configured, is told about new organizations.
    pub fn new(uow: Arc<dyn UnitOfWork>, reads: Repositories, sender: Option<Arc<dyn WebhookSender>>) -> Self {
        Self {
            authenticate: authenticate::Authenticate::new(reads.clone()),
            create_organization: create_organization::CreateOrganization::new(uow.clone(), sender),
            get_organization: get_organization::GetOrganization::new(reads.clone()),
            create_service_account: create_service_account::CreateServiceAccount::new(uow.clone()),
            list_service_accounts: list_service_accounts::ListServiceAccounts::new(reads.clone()),
            create_token: create_token::CreateToken::new(uow.clone()),
            list_tokens: list_tokens::ListTokens::new(reads.clone()),
            revoke_token: revoke_token::RevokeToken::new(uow.clone()),
            create_customer: create_customer::CreateCustomer::new(uow.clone()),
            update_customer: update_customer::UpdateCustomer::new(uow.clone()),
            delete_customer: delete_customer::DeleteCustomer::new(uow),
            get_customer: get_customer::GetCustomer::new(reads.clone()),
            list_customers: list_customers::ListCustomers::new(reads),
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;
