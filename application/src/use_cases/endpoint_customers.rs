//! The customers of endpoints scoped to customers: requested by id or slug, stored by id (ids never
//! change nor come back), and reported as deleted once the customer is gone.

use crate::error::UseCaseError;
use crate::ports::webhook_management::CustomerDirectory;
use kaiten_domain::webhook::WebhookEndpoint;
use kaiten_domain::webhook_scope::CustomerRef;
use kaiten_domain::{FieldError, ValidationErrors};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

pub struct EndpointCustomers {
    directory: Arc<dyn CustomerDirectory>,
}

impl EndpointCustomers {
    pub fn new(directory: Arc<dyn CustomerDirectory>) -> Self {
        Self { directory }
    }

    /// The ids of the customers `refs` names, in order and without repeats; `Invalid` naming each
    /// that is not a customer of the organization.
    pub async fn resolve(&self, organization_id: Uuid, refs: Vec<CustomerRef>) -> Result<Vec<Uuid>, UseCaseError> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let (mut ids, mut slugs) = (Vec::new(), Vec::new());
        for customer in &refs {
            match customer {
                CustomerRef::Id(id) => ids.push(*id),
                CustomerRef::Slug(slug) => slugs.push(slug.to_string()),
            }
        }
        let found = self
            .directory
            .existing(organization_id, &ids, &slugs)
            .await
            .map_err(|e| UseCaseError::from_repo("customer", e))?;
        let mut resolved = Vec::with_capacity(refs.len());
        let mut errors = Vec::new();
        for customer in &refs {
            let hit = found.iter().find(|(id, slug)| match customer {
                CustomerRef::Id(wanted) => id == wanted,
                CustomerRef::Slug(wanted) => slug.as_str() == wanted.as_str(),
            });
            match hit {
                Some((id, _)) if !resolved.contains(id) => resolved.push(*id),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "body.customerIds",
                    "no customer of the organization has this id or slug",
                    Some(Value::from(match customer {
                        CustomerRef::Id(id) => id.to_string(),
                        CustomerRef::Slug(slug) => slug.to_string(),
                    })),
                )),
            }
        }
        if errors.is_empty() { Ok(resolved) } else { Err(UseCaseError::Invalid(ValidationErrors(errors))) }
    }

    /// Fills `deletedCustomerIds` of each endpoint: the customers it names that no longer exist.
    pub async fn mark_deleted(
        &self,
        organization_id: Uuid,
        endpoints: &mut [WebhookEndpoint],
    ) -> Result<(), UseCaseError> {
        let named: Vec<Uuid> = endpoints
            .iter()
            .flat_map(|endpoint| endpoint.customer_ids.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if named.is_empty() {
            return Ok(());
        }
        let found = self
            .directory
            .existing(organization_id, &named, &[])
            .await
            .map_err(|e| UseCaseError::from_repo("customer", e))?;
        let living: HashSet<Uuid> = found.into_iter().map(|(id, _)| id).collect();
        for endpoint in endpoints {
            endpoint.deleted_customer_ids =
                endpoint.customer_ids.iter().copied().filter(|id| !living.contains(id)).collect();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::webhook_management::MockCustomerDirectory;
    use futures::executor::block_on;
    use kaiten_domain::Slug;

    fn slug(raw: &str) -> Slug {
        Slug::parse(raw).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ids_and_slugs_resolve_to_ids_and_unknown_ones_are_invalid() {
        let (acme, globex) = (Uuid::now_v7(), Uuid::now_v7());
        let mut directory = MockCustomerDirectory::new();
        directory
            .expect_existing()
            .returning(move |_, _, _| Ok(vec![(acme, "acme".into()), (globex, "globex".into())]));
        let customers = EndpointCustomers::new(Arc::new(directory));
        let refs = vec![CustomerRef::Slug(slug("globex")), CustomerRef::Id(acme), CustomerRef::Slug(slug("acme"))];
        let resolved = block_on(customers.resolve(Uuid::now_v7(), refs));
        assert_eq!(resolved, Ok(vec![globex, acme]));
        let unknown = block_on(customers.resolve(Uuid::now_v7(), vec![CustomerRef::Slug(slug("initech"))]));
        assert!(
            matches!(unknown, Err(UseCaseError::Invalid(errors)) if errors.0[0].value == Some(Value::from("initech")))
        );
    }
}
