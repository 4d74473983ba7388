//! The use cases, one per file, and [`UseCases`], which builds them all from the ports.

pub mod assign_entitlement;
pub mod authenticate;
pub mod create_customer;
pub mod create_deployment_zone;
pub mod create_entitlement;
pub mod create_feature_flag;
pub mod create_instance;
pub mod create_license;
pub mod create_organization;
pub mod create_release;
pub mod create_service_account;
pub mod create_token;
pub mod delete_customer;
pub mod delete_deployment_zone;
pub mod delete_entitlement;
pub mod delete_feature_flag;
pub mod delete_instance;
pub mod delete_license;
pub mod delete_release;
pub mod deploy_release;
pub mod dispatch_event;
pub mod endpoint_customers;
pub mod event_feed;
pub mod get_customer;
pub mod get_deployment_zone;
pub mod get_entitlement;
pub mod get_feature_flag;
pub mod get_instance;
pub mod get_license;
pub mod get_organization;
pub mod get_release;
pub mod get_service_account;
pub mod instance_audit;
mod instance_references;
pub mod list_customers;
pub mod list_deployment_zones;
pub mod list_deployments;
pub mod list_entitlements;
pub mod list_feature_flags;
pub mod list_instances;
pub mod list_license_entitlements;
pub mod list_licenses;
pub mod list_releases;
pub mod list_service_accounts;
pub mod list_tokens;
pub mod list_usage;
pub mod manage_webhooks;
pub mod move_license;
pub mod patch_instance;
pub mod prune_old_rows;
pub mod recover_webhooks;
pub mod rename_service_account;
pub mod replay_outbox;
pub mod report_usage;
pub mod revoke_token;
pub mod unassign_entitlement;
pub mod update_customer;
pub mod update_deployment_zone;
pub mod update_entitlement;
pub mod update_feature_flag;
pub mod update_instance;
pub mod update_license;
pub mod update_license_entitlement;

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
    pub get_service_account: get_service_account::GetServiceAccount,
    pub rename_service_account: rename_service_account::RenameServiceAccount,
    pub create_token: create_token::CreateToken,
    pub list_tokens: list_tokens::ListTokens,
    pub revoke_token: revoke_token::RevokeToken,
    pub create_customer: create_customer::CreateCustomer,
    pub update_customer: update_customer::UpdateCustomer,
    pub delete_customer: delete_customer::DeleteCustomer,
    pub get_customer: get_customer::GetCustomer,
    pub list_customers: list_customers::ListCustomers,
    pub create_entitlement: create_entitlement::CreateEntitlement,
    pub update_entitlement: update_entitlement::UpdateEntitlement,
    pub delete_entitlement: delete_entitlement::DeleteEntitlement,
    pub get_entitlement: get_entitlement::GetEntitlement,
    pub list_entitlements: list_entitlements::ListEntitlements,
    pub create_release: create_release::CreateRelease,
    pub delete_release: delete_release::DeleteRelease,
    pub get_release: get_release::GetRelease,
    pub list_releases: list_releases::ListReleases,
    pub create_feature_flag: create_feature_flag::CreateFeatureFlag,
    pub update_feature_flag: update_feature_flag::UpdateFeatureFlag,
    pub delete_feature_flag: delete_feature_flag::DeleteFeatureFlag,
    pub get_feature_flag: get_feature_flag::GetFeatureFlag,
    pub list_feature_flags: list_feature_flags::ListFeatureFlags,
    pub create_deployment_zone: create_deployment_zone::CreateDeploymentZone,
    pub update_deployment_zone: update_deployment_zone::UpdateDeploymentZone,
    pub delete_deployment_zone: delete_deployment_zone::DeleteDeploymentZone,
    pub get_deployment_zone: get_deployment_zone::GetDeploymentZone,
    pub list_deployment_zones: list_deployment_zones::ListDeploymentZones,
    pub deploy_release: deploy_release::DeployRelease,
    pub list_deployments: list_deployments::ListDeployments,
    pub create_license: create_license::CreateLicense,
    pub update_license: update_license::UpdateLicense,
    pub delete_license: delete_license::DeleteLicense,
    pub get_license: get_license::GetLicense,
    pub list_licenses: list_licenses::ListLicenses,
    pub move_license: move_license::MoveLicense,
    pub assign_entitlement: assign_entitlement::AssignEntitlement,
    pub update_license_entitlement: update_license_entitlement::UpdateLicenseEntitlement,
    pub unassign_entitlement: unassign_entitlement::UnassignEntitlement,
    pub list_license_entitlements: list_license_entitlements::ListLicenseEntitlements,
    pub create_instance: create_instance::CreateInstance,
    pub update_instance: update_instance::UpdateInstance,
    pub patch_instance: patch_instance::PatchInstance,
    pub list_audit_trail: instance_audit::ListAuditTrail,
    pub delete_instance: delete_instance::DeleteInstance,
    pub get_instance: get_instance::GetInstance,
    pub list_instances: list_instances::ListInstances,
    pub report_usage: report_usage::ReportUsage,
    pub list_usage: list_usage::ListUsage,
    pub webhooks: manage_webhooks::ManageWebhooks,
    pub recoveries: recover_webhooks::RecoverWebhooks,
    pub events: event_feed::ReadEvents,
}

impl UseCases {
    /// `uow` runs the writes; `reads` are repositories on the pool for the queries; `sender`, when
    /// configured, is told about new organizations.
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        reads: Repositories,
        sender: Option<Arc<dyn WebhookSender>>,
        webhooks: manage_webhooks::WebhookApi,
        events: Arc<dyn crate::ports::event_feed::EventFeed>,
    ) -> Self {
        Self {
            authenticate: authenticate::Authenticate::new(reads.clone()),
            create_organization: create_organization::CreateOrganization::new(uow.clone(), sender),
            get_organization: get_organization::GetOrganization::new(reads.clone()),
            create_service_account: create_service_account::CreateServiceAccount::new(uow.clone()),
            list_service_accounts: list_service_accounts::ListServiceAccounts::new(reads.clone()),
            get_service_account: get_service_account::GetServiceAccount::new(reads.clone()),
            rename_service_account: rename_service_account::RenameServiceAccount::new(uow.clone()),
            create_token: create_token::CreateToken::new(uow.clone()),
            list_tokens: list_tokens::ListTokens::new(reads.clone()),
            revoke_token: revoke_token::RevokeToken::new(uow.clone()),
            create_customer: create_customer::CreateCustomer::new(uow.clone()),
            update_customer: update_customer::UpdateCustomer::new(uow.clone()),
            delete_customer: delete_customer::DeleteCustomer::new(uow.clone()),
            get_customer: get_customer::GetCustomer::new(reads.clone()),
            list_customers: list_customers::ListCustomers::new(reads.clone()),
            create_entitlement: create_entitlement::CreateEntitlement::new(uow.clone()),
            update_entitlement: update_entitlement::UpdateEntitlement::new(uow.clone()),
            delete_entitlement: delete_entitlement::DeleteEntitlement::new(uow.clone()),
            get_entitlement: get_entitlement::GetEntitlement::new(reads.clone()),
            list_entitlements: list_entitlements::ListEntitlements::new(reads.clone()),
            create_release: create_release::CreateRelease::new(uow.clone()),
            delete_release: delete_release::DeleteRelease::new(uow.clone()),
            get_release: get_release::GetRelease::new(reads.clone()),
            list_releases: list_releases::ListReleases::new(reads.clone()),
            create_feature_flag: create_feature_flag::CreateFeatureFlag::new(uow.clone()),
            update_feature_flag: update_feature_flag::UpdateFeatureFlag::new(uow.clone()),
            delete_feature_flag: delete_feature_flag::DeleteFeatureFlag::new(uow.clone()),
            get_feature_flag: get_feature_flag::GetFeatureFlag::new(reads.clone()),
            list_feature_flags: list_feature_flags::ListFeatureFlags::new(reads.clone()),
            create_deployment_zone: create_deployment_zone::CreateDeploymentZone::new(uow.clone()),
            update_deployment_zone: update_deployment_zone::UpdateDeploymentZone::new(uow.clone()),
            delete_deployment_zone: delete_deployment_zone::DeleteDeploymentZone::new(uow.clone()),
            get_deployment_zone: get_deployment_zone::GetDeploymentZone::new(reads.clone()),
            list_deployment_zones: list_deployment_zones::ListDeploymentZones::new(reads.clone()),
            deploy_release: deploy_release::DeployRelease::new(uow.clone()),
            list_deployments: list_deployments::ListDeployments::new(reads.clone()),
            create_license: create_license::CreateLicense::new(uow.clone()),
            update_license: update_license::UpdateLicense::new(uow.clone()),
            delete_license: delete_license::DeleteLicense::new(uow.clone()),
            get_license: get_license::GetLicense::new(reads.clone()),
            list_licenses: list_licenses::ListLicenses::new(reads.clone()),
            move_license: move_license::MoveLicense::new(uow.clone()),
            assign_entitlement: assign_entitlement::AssignEntitlement::new(uow.clone()),
            update_license_entitlement: update_license_entitlement::UpdateLicenseEntitlement::new(uow.clone()),
            unassign_entitlement: unassign_entitlement::UnassignEntitlement::new(uow.clone()),
            list_license_entitlements: list_license_entitlements::ListLicenseEntitlements::new(reads.clone()),
            create_instance: create_instance::CreateInstance::new(uow.clone()),
            update_instance: update_instance::UpdateInstance::new(uow.clone()),
            patch_instance: patch_instance::PatchInstance::new(uow.clone()),
            list_audit_trail: instance_audit::ListAuditTrail::new(reads.clone()),
            delete_instance: delete_instance::DeleteInstance::new(uow.clone()),
            get_instance: get_instance::GetInstance::new(reads.clone()),
            list_instances: list_instances::ListInstances::new(reads.clone()),
            report_usage: report_usage::ReportUsage::new(uow),
            list_usage: list_usage::ListUsage::new(reads.clone()),
            recoveries: recover_webhooks::RecoverWebhooks::new(
                webhooks.management.clone(),
                webhooks.recoveries.clone(),
            ),
            webhooks: manage_webhooks::ManageWebhooks::new(webhooks),
            events: event_feed::ReadEvents::new(reads, events),
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;
