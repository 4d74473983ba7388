//! Tests of the configuration: defaults, file and environment layering, validation.

use super::*;
use figment::Jail;

#[test]
fn defaults_file_and_environment_layer_in_that_order() {
    Jail::expect_with(|jail| {
        jail.create_file("kaiten.toml", "port = 7000\nexchange = \"from-file\"\n")?;
        jail.set_env("KAITEN_PORT", "7100");
        let config = Config::load(Some(Path::new("kaiten.toml"))).map_err(|e| e.to_string())?;
        assert_eq!(config.port, 7100);
        assert_eq!(config.exchange, "from-file");
        assert_eq!(config.queue, "kaiten-webhooks-kaiten.events");
        Ok(())
    });
}

#[test]
fn invalid_values_are_refused_with_the_variable_named() {
    Jail::expect_with(|jail| {
        jail.set_env("KAITEN_LOG_FORMAT", "xml");
        let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("KAITEN_LOG_FORMAT"), "{error}");
        jail.set_env("KAITEN_LOG_FORMAT", "json");
        jail.set_env("KAITEN_PORT", "not-a-port");
        assert!(Config::load(None).is_err());
        Ok(())
    });
}

#[test]
fn webhook_messages_outlive_the_outbox_only_where_the_built_in_engine_keeps_them() {
    let long_outbox = Config { outbox_retention: days(100), ..Config::default() };
    let error = long_outbox.validate().map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(error.contains("KAITEN_WEBHOOKS_RETENTION") && error.contains("`100d`"), "{error}");
    let with_svix = Config { svix_api_key: Some("sk_test".into()), ..long_outbox };
    assert!(with_svix.validate().is_ok(), "Svix keeps the messages, not kaiten");
}

#[test]
fn the_svix_operational_webhook_secret_needs_the_svix_backend() {
    let secret = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
    let alone = Config { svix_operational_webhook_secret: secret, ..Config::default() };
    let error = alone.validate().map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(error.contains("SVIX_API_KEY"), "{error}");
    let with_svix = Config { svix_api_key: Some("sk_test".into()), ..alone };
    assert!(with_svix.validate().is_ok());
}

#[test]
fn every_duration_and_size_is_bounded_with_the_variable_named() {
    type Breaks = fn(&mut Config);
    let cases: [(&str, Breaks); 12] = [
        ("KAITEN_WEBHOOKS_DISABLE_AFTER", |c| c.webhooks_disable_after = days(300_000 * 365)),
        ("KAITEN_OUTBOX_RETENTION", |c| c.outbox_retention = days(300_000 * 365)),
        ("KAITEN_WEBHOOKS_RETENTION", |c| c.webhooks_retention = days(300_000 * 365)),
        ("KAITEN_WEBHOOKS_RETRY_SCHEDULE", |c| c.webhooks_retry_schedule = vec![Duration::from_secs(1); 51]),
        ("KAITEN_WEBHOOKS_RETRY_SCHEDULE", |c| c.webhooks_retry_schedule = vec![Duration::ZERO]),
        ("KAITEN_HTTP_REQUEST_TIMEOUT", |c| c.http_request_timeout = days(300_000 * 365)),
        ("KAITEN_DATABASE_POOL_TIMEOUT", |c| c.database_pool_timeout = Duration::ZERO),
        ("KAITEN_ROLES", |c| c.roles = BTreeSet::new()),
        ("KAITEN_DATABASE_MAX_CONNECTIONS", |c| c.database_max_connections = 1_000_000),
        ("KAITEN_WEBHOOKS_ENDPOINT_CONCURRENCY", |c| c.webhooks_endpoint_concurrency = usize::MAX),
        ("KAITEN_HTTP_MAX_CONNECTIONS", |c| c.http_max_connections = 0),
        ("KAITEN_HTTP_MAX_REQUESTS_IN_FLIGHT", |c| c.http_max_requests_in_flight = 0),
    ];
    for (variable, break_it) in cases {
        let mut config = Config::default();
        break_it(&mut config);
        let error = config.validate().map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(error.contains(variable), "{variable}: {error}");
    }
}

#[test]
fn a_short_dapr_token_is_refused() {
    let short = Config { dapr_api_token: Some("guessable".into()), ..Config::default() };
    let error = short.validate().map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(error.contains("KAITEN_DAPR_API_TOKEN"), "{error}");
    assert!(Config { dapr_api_token: Some("0123456789abcdef".into()), ..Config::default() }.validate().is_ok());
}

#[test]
fn unknown_keys_and_roles_are_refused() {
    Jail::expect_with(|jail| {
        jail.create_file("typo.toml", "prot = 1\n")?;
        assert!(Config::load(Some(Path::new("typo.toml"))).is_err());
        jail.set_env("KAITEN_ROLES", "api,dancer");
        assert!(Config::load(None).is_err());
        Ok(())
    });
}

#[test]
fn the_retry_schedule_is_read_from_the_environment() {
    Jail::expect_with(|jail| {
        let defaults = Config::load(None).map_err(|e| e.to_string())?.delivery_settings().map_err(|e| e.to_string())?;
        assert_eq!(defaults.retry_schedule, kaiten_delivery::SVIX_RETRY_SCHEDULE.to_vec());
        jail.set_env("KAITEN_WEBHOOKS_RETRY_SCHEDULE", "20ms, 1s");
        let settings = Config::load(None).map_err(|e| e.to_string())?.delivery_settings().map_err(|e| e.to_string())?;
        let expected = vec![std::time::Duration::from_millis(20), std::time::Duration::from_secs(1)];
        assert_eq!(settings.retry_schedule, expected);
        jail.set_env("KAITEN_WEBHOOKS_RETRY_SCHEDULE", "5 parsecs");
        let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("KAITEN_WEBHOOKS_RETRY_SCHEDULE"), "{error}");
        Ok(())
    });
}

#[test]
fn durations_lists_and_roles_are_read_as_typed_values_from_the_file_and_the_environment() {
    Jail::expect_with(|jail| {
        jail.create_file("kaiten.toml", "worker_retry_delays = [\"1s\", \"2m\"]\nroles = \"worker, api\"\n")?;
        jail.set_env("KAITEN_OUTBOX_RETENTION", "36h");
        jail.set_env("KAITEN_HTTP_REQUEST_TIMEOUT", "1m 30s");
        let config = Config::load(Some(Path::new("kaiten.toml"))).map_err(|e| e.to_string())?;
        assert_eq!(config.outbox_retention, Duration::from_secs(36 * 3600));
        assert_eq!(config.http_request_timeout, Duration::from_secs(90));
        assert_eq!(config.worker_retry_delays, vec![Duration::from_secs(1), Duration::from_secs(120)]);
        assert_eq!(config.roles, BTreeSet::from([Role::Api, Role::Worker]));
        jail.set_env("KAITEN_AUDIT_TRAIL_RETENTION", "a while");
        let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("KAITEN_AUDIT_TRAIL_RETENTION"), "{error}");
        Ok(())
    });
}

#[test]
fn the_defaults_survive_their_own_spelling() {
    Jail::expect_with(|_| {
        let loaded = Config::load(None).map_err(|e| e.to_string())?;
        let defaults = Config::default();
        assert_eq!(loaded.roles, defaults.roles);
        assert_eq!(loaded.worker_retry_delays, defaults.worker_retry_delays);
        assert_eq!(loaded.webhooks_retry_schedule, defaults.webhooks_retry_schedule);
        assert_eq!(loaded.webhooks_retention, defaults.webhooks_retention);
        Ok(())
    });
}

#[test]
fn the_broker_is_a_list_of_nodes_and_the_queue_type_a_word() {
    Jail::expect_with(|jail| {
        jail.set_env("KAITEN_AMQP_URL", "amqp://guest:guest@10.0.0.1:5672/%2f, amqp://guest:guest@10.0.0.2:5673/%2f");
        jail.set_env("KAITEN_QUEUE_TYPE", "quorum");
        let config = Config::load(None).map_err(|e| e.to_string())?;
        let broker = config.broker().map_err(|e| e.to_string())?;
        assert_eq!(broker.addresses(), ["10.0.0.1:5672", "10.0.0.2:5673"]);
        assert_eq!(config.topology().map_err(|e| e.to_string())?.queue_type, QueueType::Quorum);
        jail.set_env("KAITEN_AMQP_URL", "amqp://10.0.0.1,http://10.0.0.2");
        let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("KAITEN_AMQP_URL"), "{error}");
        jail.set_env("KAITEN_AMQP_URL", "amqp://10.0.0.1");
        jail.set_env("KAITEN_QUEUE_TYPE", "mirrored");
        let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("KAITEN_QUEUE_TYPE"), "{error}");
        Ok(())
    });
}

#[test]
fn the_relay_bounds_the_work_queue_unless_told_not_to() {
    let default = Config::default().relay();
    assert_eq!(default.max_backlog, Some(kaiten_cdc::DEFAULT_MAX_BACKLOG));
    assert_eq!(
        (default.database_url.as_str(), default.slot.as_str()),
        ("postgres://postgres@127.0.0.1:5432/kaiten", "kaiten_outbox")
    );
    assert_eq!(Config { relay_max_backlog: 100, ..Config::default() }.relay().max_backlog, Some(100));
    assert_eq!(Config { relay_max_backlog: 0, ..Config::default() }.relay().max_backlog, None, "0: no bound (Dapr)");
}
