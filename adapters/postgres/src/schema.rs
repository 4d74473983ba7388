//! diesel table definitions of the tables this adapter queries.

diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        slug -> Text,
        created_at -> Timestamptz,
        webhook_event_names -> Text,
    }
}

diesel::table! {
    service_accounts (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        created_at -> Timestamptz,
        created_by -> Jsonb,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        organization_id -> Uuid,
        service_account_id -> Uuid,
        name -> Text,
        slug -> Text,
        secret_sha256 -> Text,
        scopes -> Array<Text>,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        created_by -> Jsonb,
        revoked_by -> Nullable<Jsonb>,
    }
}

diesel::table! {
    customers (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        external_customer_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        domain -> Nullable<Text>,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> Uuid,
        event_name -> Text,
        event_type -> Text,
        data -> Jsonb,
        organization_id -> Uuid,
        headers -> Nullable<Jsonb>,
        occurred_at -> Timestamptz,
        previous_attributes -> Nullable<Jsonb>,
        customer_id -> Nullable<Uuid>,
        customer_slug -> Nullable<Text>,
    }
}

diesel::table! {
    entitlements (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        #[sql_name = "type"]
        entitlement_type -> Text,
        meter_type -> Nullable<Text>,
        aggregation_method -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        reset_period -> Nullable<Text>,
        reset_anchor -> Nullable<Text>,
        warning_threshold_percent -> Nullable<Int4>,
        display_order -> Nullable<Int4>,
        icon -> Nullable<Text>,
        user_facing -> Bool,
        unit_singular -> Nullable<Text>,
        unit_plural -> Nullable<Text>,
        sale_unit_singular -> Nullable<Text>,
        sale_unit_plural -> Nullable<Text>,
        sale_unit_factor -> Nullable<Float8>,
    }
}

diesel::table! {
    releases (id) {
        id -> Uuid,
        organization_id -> Uuid,
        version -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        created_by -> Jsonb,
    }
}

diesel::table! {
    feature_flags (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        #[sql_name = "type"]
        flag_type -> Text,
        enabled -> Bool,
        variants -> Jsonb,
        default_variant -> Jsonb,
        targetings -> Jsonb,
        metadata -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        event_name -> Text,
    }
}

diesel::table! {
    deployment_zones (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        #[sql_name = "type"]
        zone_type -> Text,
        description -> Text,
        metadata -> Nullable<Jsonb>,
        current_release_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
    }
}

diesel::table! {
    deployments (id) {
        id -> Uuid,
        organization_id -> Uuid,
        deployment_zone_id -> Uuid,
        release_id -> Nullable<Uuid>,
        release_slug -> Text,
        version -> Text,
        created_at -> Timestamptz,
        created_by -> Jsonb,
    }
}

diesel::table! {
    license_families (id) {
        id -> Uuid,
        organization_id -> Uuid,
        slug -> Text,
        last_version -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    instance_audit_trails (id) {
        id -> Uuid,
        organization_id -> Uuid,
        instance_id -> Uuid,
        instance_slug -> Text,
        event_name -> Text,
        event_type -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    instance_audit_trails,
    license_families,
    organizations,
    service_accounts,
    api_tokens,
    customers,
    outbox_events,
    entitlements,
    releases,
    feature_flags,
    deployment_zones,
    deployments,
    licenses,
    license_entitlements,
    instances,
    instance_entitlement_usage,
);

diesel::table! {
    licenses (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        description -> Text,
        #[sql_name = "type"]
        license_type -> Text,
        version_name -> Nullable<Text>,
        version -> Int4,
        is_default -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        family_id -> Uuid,
        lifecycle_state -> Text,
    }
}

diesel::table! {
    license_entitlements (license_id, entitlement_id) {
        license_id -> Uuid,
        entitlement_id -> Uuid,
        organization_id -> Uuid,
        value_type -> Text,
        value -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        overage_percent -> Nullable<Int4>,
    }
}

diesel::table! {
    instances (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        slug -> Text,
        description -> Text,
        customer_id -> Nullable<Uuid>,
        license_id -> Nullable<Uuid>,
        deployment_zone_id -> Nullable<Uuid>,
        start_license_date -> Timestamptz,
        end_license_date -> Timestamptz,
        platform -> Nullable<Jsonb>,
        metadata -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        created_by -> Jsonb,
        updated_by -> Jsonb,
        status -> Nullable<Text>,
        lifecycle_stage -> Nullable<Text>,
    }
}

diesel::table! {
    instance_entitlement_usage (instance_id, entitlement_id) {
        instance_id -> Uuid,
        entitlement_id -> Uuid,
        organization_id -> Uuid,
        value -> Numeric,
        sum -> Numeric,
        event_count -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        organization_id -> Uuid,
        url -> Text,
        description -> Text,
        event_names -> Array<Text>,
        disabled -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        customer_ids -> Array<Uuid>,
        include_organization_events -> Bool,
        paused_until -> Nullable<Timestamptz>,
        headers -> Jsonb,
        rate_limit -> Nullable<Int4>,
        rate_next_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_messages (id) {
        id -> Uuid,
        organization_id -> Uuid,
        event_name -> Text,
        event_type -> Text,
        body -> Text,
        created_at -> Timestamptz,
        lease_id -> Nullable<Uuid>,
        lease_until -> Nullable<Timestamptz>,
        dispatched_at -> Nullable<Timestamptz>,
        customer_id -> Nullable<Uuid>,
        test -> Bool,
        about_endpoint_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Uuid,
        organization_id -> Uuid,
        message_id -> Uuid,
        endpoint_id -> Uuid,
        url -> Text,
        attempt -> Integer,
        status -> Text,
        response_status_code -> Nullable<Integer>,
        response_body -> Text,
        duration_ms -> BigInt,
        created_at -> Timestamptz,
        response_body_encoding -> Text,
    }
}

diesel::joinable!(api_tokens -> service_accounts (service_account_id));
diesel::joinable!(licenses -> license_families (family_id));
diesel::joinable!(webhook_attempts -> webhook_messages (message_id));
diesel::joinable!(webhook_attempts -> webhook_endpoints (endpoint_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_endpoints, webhook_messages, webhook_attempts);
