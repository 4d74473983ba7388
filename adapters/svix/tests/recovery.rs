//! Recovery on a local HTTP server standing in for the Svix API: Svix's own recover operation with
//! the window, its background task as the progress, and a server without replay-missing refused
//! with a reason.

mod support;

use chrono::{Duration, Utc};
use kaiten_application::error::RepoError;
use kaiten_application::ports::webhook_management::{RecoveryRecord, WebhookManagement};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryStatus, RecoveryWindow};
use serde_json::json;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn window() -> RecoveryWindow {
    let until = Utc::now();
    RecoveryWindow { since: until - Duration::hours(2), until }
}

async fn serve_endpoint(server: &MockServer, app: &str) {
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .mount(server)
        .await;
}

#[tokio::test]
async fn recovering_asks_svix_to_recover_the_window_and_reads_its_task() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    serve_endpoint(&server, &app).await;
    let window = window();
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint/ep_1/recover")))
        .and(body_partial_json(json!({"since": window.since.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"id": "qtask_1", "status": "running",
            "task": "endpoint.recover", "updatedAt": "2026-09-02T12:00:00Z"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/background-task/qtask_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "qtask_1", "status": "finished",
            "task": "endpoint.recover", "data": {}, "updatedAt": "2026-09-02T12:00:00Z"})))
        .mount(&server)
        .await;

    let management = management(&server);
    let started =
        management.recover(organization_id, &"ep_1".into(), Uuid::now_v7(), RecoveryKind::Recover, window).await;
    let started = started.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((started.backend_task_id.as_deref(), started.queued), (Some("qtask_1"), None));
    let record = RecoveryRecord {
        id: Uuid::now_v7(),
        organization_id,
        endpoint_id: "ep_1".into(),
        kind: RecoveryKind::Recover,
        window,
        start: started,
        created_at: Utc::now(),
    };
    let progress = management.recovery_progress(&record).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(progress.status, RecoveryStatus::Finished);
    let unknown = RecoveryRecord { start: Default::default(), ..record };
    assert_eq!(management.recovery_progress(&unknown).await.map(|p| p.status), Ok(RecoveryStatus::Unknown));
}

#[tokio::test]
async fn a_server_without_replay_missing_refuses_a_replay_with_the_reason() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    serve_endpoint(&server, &app_path(organization_id)).await;
    let management = management(&server);
    let refused =
        management.recover(organization_id, &"ep_1".into(), Uuid::now_v7(), RecoveryKind::Replay, window()).await;
    assert!(matches!(&refused, Err(RepoError::Conflict(c)) if c.code == "not_supported_by_backend"), "{refused:?}");
    let unknown =
        management.recover(organization_id, &"ep_2".into(), Uuid::now_v7(), RecoveryKind::Recover, window()).await;
    assert!(matches!(unknown, Err(RepoError::NotFound)), "an unknown endpoint is not found");
}
