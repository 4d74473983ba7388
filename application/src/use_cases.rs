//! The use cases, one per file, and [`UseCases`], which builds them all from the ports.

pub mod assign_entitlement;
pub mod authenticate;
pub mod create_deployment_zone;
pub mod create_instance;
pub mod create_license;
pub mod create_organization;
pub mod create_service_account;
pub mod create_token;
pub mod delete_instance;
pub mod deploy_release;
pub mod dispatch_event;
pub mod endpoint_customers;
pub mod event_feed;
pub mod feature_flag_manifest;
pub mod get_instance;
pub mod get_organization;
pub mod get_service_account;
pub mod instance_audit;
mod instance_references;
pub mod list_deployments;
pub mod list_instances;
pub mod list_license_entitlements;
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
pub mod resource_crud;
pub mod revoke_token;
pub mod unassign_entitlement;
pub mod update_deployment_zone;
pub mod update_instance;
pub mod update_license_entitlement;

use crate::ports::unit_of_work::{Repositories, UnitOfWork};
use crate::ports::webhooks::WebhookSender;
use kaiten_domain::customer::Customer;
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::license::License;
use kaiten_domain::release::Release;
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
    pub create_customer: resource_crud::CreateResource<Customer>,
    pub update_customer: resource_crud::UpdateResource<Customer>,
    pub delete_customer: resource_crud::DeleteResource<Customer>,
    pub get_customer: resource_crud::GetResource<Customer>,
    pub list_customers: resource_crud::ListResources<Customer>,
    pub create_entitlement: resource_crud::CreateResource<Entitlement>,
    pub update_entitlement: resource_crud::UpdateResource<Entitlement>,
    pub delete_entitlement: resource_crud::DeleteResource<Entitlement>,
    pub get_entitlement: resource_crud::GetResource<Entitlement>,
    pub list_entitlements: resource_crud::ListResources<Entitlement>,
    pub create_release: resource_crud::CreateResource<Release>,
    pub delete_release: resource_crud::DeleteResource<Release>,
    pub get_release: resource_crud::GetResource<Release>,
    pub list_releases: resource_crud::ListResources<Release>,
    pub create_feature_flag: resource_crud::CreateResource<FeatureFlag>,
    pub update_feature_flag: resource_crud::UpdateResource<FeatureFlag>,
    pub delete_feature_flag: resource_crud::DeleteResource<FeatureFlag>,
    pub get_feature_flag: resource_crud::GetResource<FeatureFlag>,
    pub list_feature_flags: resource_crud::ListResources<FeatureFlag>,
    pub feature_flag_manifest: feature_flag_manifest::FeatureFlagManifest,
    pub create_deployment_zone: create_deployment_zone::CreateDeploymentZone,
    pub update_deployment_zone: update_deployment_zone::UpdateDeploymentZone,
    pub delete_deployment_zone: resource_crud::DeleteResource<DeploymentZone>,
    pub get_deployment_zone: resource_crud::GetResource<DeploymentZone>,
    pub list_deployment_zones: resource_crud::ListResources<DeploymentZone>,
    pub deploy_release: deploy_release::DeployRelease,
    pub list_deployments: list_deployments::ListDeployments,
    pub create_license: create_license::CreateLicense,
    pub update_license: resource_crud::UpdateResource<License>,
    pub delete_license: resource_crud::DeleteResource<License>,
    pub get_license: resource_crud::GetResource<License>,
    pub list_licenses: resource_crud::ListResources<License>,
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
    /// `uow` runs the writes that take a transaction; `pooled` are repositories on the pool, for the
    /// queries and for the creations written in one statement; `sender`, when configured, is told
    /// about new organizations.
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        pooled: Repositories,
        sender: Option<Arc<dyn WebhookSender>>,
        webhooks: manage_webhooks::WebhookApi,
        events: Arc<dyn crate::ports::event_feed::EventFeed>,
    ) -> Self {
        Self {
            authenticate: authenticate::Authenticate::new(pooled.clone()),
            create_organization: create_organization::CreateOrganization::new(uow.clone(), sender),
            get_organization: get_organization::GetOrganization::new(pooled.clone()),
            create_service_account: create_service_account::CreateServiceAccount::new(uow.clone()),
            list_service_accounts: list_service_accounts::ListServiceAccounts::new(pooled.clone()),
            get_service_account: get_service_account::GetServiceAccount::new(pooled.clone()),
            rename_service_account: rename_service_account::RenameServiceAccount::new(uow.clone()),
            create_token: create_token::CreateToken::new(uow.clone()),
            list_tokens: list_tokens::ListTokens::new(pooled.clone()),
            revoke_token: revoke_token::RevokeToken::new(uow.clone()),
            create_customer: resource_crud::CreateResource::new(pooled.clone()),
            update_customer: resource_crud::UpdateResource::new(uow.clone()),
            delete_customer: resource_crud::DeleteResource::new(uow.clone()),
            get_customer: resource_crud::GetResource::new(pooled.clone()),
            list_customers: resource_crud::ListResources::new(pooled.clone()),
            create_entitlement: resource_crud::CreateResource::new(pooled.clone()),
            update_entitlement: resource_crud::UpdateResource::new(uow.clone()),
            delete_entitlement: resource_crud::DeleteResource::new(uow.clone()),
            get_entitlement: resource_crud::GetResource::new(pooled.clone()),
            list_entitlements: resource_crud::ListResources::new(pooled.clone()),
            create_release: resource_crud::CreateResource::new(pooled.clone()),
            delete_release: resource_crud::DeleteResource::new(uow.clone()),
            get_release: resource_crud::GetResource::new(pooled.clone()),
            list_releases: resource_crud::ListResources::new(pooled.clone()),
            create_feature_flag: resource_crud::CreateResource::new(pooled.clone()),
            update_feature_flag: resource_crud::UpdateResource::new(uow.clone()),
            delete_feature_flag: resource_crud::DeleteResource::new(uow.clone()),
            get_feature_flag: resource_crud::GetResource::new(pooled.clone()),
            list_feature_flags: resource_crud::ListResources::new(pooled.clone()),
            feature_flag_manifest: feature_flag_manifest::FeatureFlagManifest::new(pooled.clone()),
            create_deployment_zone: create_deployment_zone::CreateDeploymentZone::new(uow.clone()),
            update_deployment_zone: update_deployment_zone::UpdateDeploymentZone::new(uow.clone()),
            delete_deployment_zone: resource_crud::DeleteResource::new(uow.clone()),
            get_deployment_zone: resource_crud::GetResource::new(pooled.clone()),
            list_deployment_zones: resource_crud::ListResources::new(pooled.clone()),
            deploy_release: deploy_release::DeployRelease::new(uow.clone()),
            list_deployments: list_deployments::ListDeployments::new(pooled.clone()),
            create_license: create_license::CreateLicense::new(uow.clone()),
            update_license: resource_crud::UpdateResource::new(uow.clone()),
            delete_license: resource_crud::DeleteResource::new(uow.clone()),
            get_license: resource_crud::GetResource::new(pooled.clone()),
            list_licenses: resource_crud::ListResources::new(pooled.clone()),
            move_license: move_license::MoveLicense::new(uow.clone()),
            assign_entitlement: assign_entitlement::AssignEntitlement::new(uow.clone()),
            update_license_entitlement: update_license_entitlement::UpdateLicenseEntitlement::new(uow.clone()),
            unassign_entitlement: unassign_entitlement::UnassignEntitlement::new(uow.clone()),
            list_license_entitlements: list_license_entitlements::ListLicenseEntitlements::new(pooled.clone()),
            create_instance: create_instance::CreateInstance::new(uow.clone()),
            update_instance: update_instance::UpdateInstance::new(uow.clone()),
            patch_instance: patch_instance::PatchInstance::new(uow.clone()),
            list_audit_trail: instance_audit::ListAuditTrail::new(pooled.clone()),
            delete_instance: delete_instance::DeleteInstance::new(uow.clone()),
            get_instance: get_instance::GetInstance::new(pooled.clone()),
            list_instances: list_instances::ListInstances::new(pooled.clone()),
            report_usage: report_usage::ReportUsage::new(uow),
            list_usage: list_usage::ListUsage::new(pooled.clone()),
            recoveries: recover_webhooks::RecoverWebhooks::new(
                webhooks.management.clone(),
                webhooks.recoveries.clone(),
            ),
            webhooks: manage_webhooks::ManageWebhooks::new(webhooks),
            events: event_feed::ReadEvents::new(pooled, events),
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;
