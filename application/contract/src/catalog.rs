//! The catalog's enums on the wire: an event's domain and the spelling of event names.

use crate::mirror::mirror_enum;

mirror_enum! {
    /// The domain an event belongs to.
    pub enum EventDomain mirrors kaiten_domain::EventDomain {
        Customer,
        Entitlement,
        License,
        Instance,
        #[serde(rename = "Deployment Zone")]
        DeploymentZone,
        Release,
        #[serde(rename = "Feature Flag")]
        FeatureFlag,
        /// Events about the organization's webhook endpoints themselves (disabled, enabled, a message
        /// whose retries ran out): sent only to endpoints that name them.
        Operational,
    }
}

mirror_enum! {
    /// Which spelling of event names an organization's webhooks carry.
    #[serde(rename_all = "lowercase")]
    pub enum EventNaming mirrors kaiten_domain::EventNaming {
        /// The first catalog's: `CUSTOMER_CREATION`.
        Classic,
        /// Kaiten's current catalog (its SDK and Go services): `CUSTOMER_CREATED`.
        Current,
    }
}
