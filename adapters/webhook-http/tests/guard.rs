//! The SSRF guard at delivery time: refused destinations are never contacted.

mod common;

use common::{request, secret, transport};
use kaiten_delivery::ports::delivery::{WebhookResponse, WebhookTransport};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

async fn assert_untouched(server: &MockServer) {
    let requests = server.received_requests().await.unwrap_or_else(|| panic!("request recording is off"));
    assert!(requests.is_empty(), "the receiver got {} request(s)", requests.len());
}

fn assert_refused(response: &WebhookResponse, reason: &str) {
    assert_eq!((response.status_code, response.refused), (None, true), "{}", String::from_utf8_lossy(&response.body));
    assert!(
        String::from_utf8_lossy(&response.body).contains(reason),
        "expected `{reason}` in: {}",
        String::from_utf8_lossy(&response.body)
    );
}

#[tokio::test]
async fn a_host_name_resolving_to_loopback_is_refused_when_resolved() {
    let server = receiver().await;
    let port = server.address().port();

    let response = transport(false).post(request(format!("https://localhost:{port}/hook"), vec![secret("one")])).await;

    assert_refused(&response, "is a loopback address");
    assert!(
        String::from_utf8_lossy(&response.body).contains("localhost"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_untouched(&server).await;
}

#[tokio::test]
async fn a_literal_loopback_address_is_refused_before_sending() {
    let server = receiver().await;
    let port = server.address().port();

    let response = transport(false).post(request(format!("https://127.0.0.1:{port}/hook"), vec![secret("one")])).await;

    assert_refused(&response, "127.0.0.1 is a loopback address");
    assert_untouched(&server).await;
}

#[tokio::test]
async fn private_and_metadata_addresses_and_plain_http_are_refused() {
    let strict = transport(false);
    let cases = [
        ("https://10.0.0.1/", "10.0.0.1 is a private address"),
        ("https://[fd00::1]/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("http://example.com", "must use https"),
        ("ftp://example.com/", "https only"),
    ];
    for (url, reason) in cases {
        assert_refused(&strict.post(request(url.to_owned(), vec![secret("one")])).await, reason);
    }
}

#[tokio::test]
async fn the_development_policy_still_refuses_cloud_metadata() {
    let response = transport(true).post(request("http://169.254.169.254/".to_owned(), vec![secret("one")])).await;
    assert_refused(&response, "cloud metadata");
}

#[tokio::test]
async fn the_development_policy_delivers_to_plain_http_on_loopback() {
    let server = receiver().await;
    let port = server.address().port();

    let response = transport(true).post(request(format!("http://127.0.0.1:{port}/hook"), vec![secret("one")])).await;

    assert_eq!(
        (response.status_code, response.refused),
        (Some(200), false),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
}
