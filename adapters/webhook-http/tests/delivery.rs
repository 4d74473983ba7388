//! Deliveries to a real receiver on 127.0.0.1 (allowed by the development policy).

mod common;

use common::{BODY, request, secret, short_total, transport, transport_with};
use kaiten_delivery::ports::delivery::WebhookTransport;
use kaiten_webhook_http::MAX_RESPONSE_BODY;
use std::time::Duration;
use svix::webhooks::Webhook;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn receiver(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/hook")).respond_with(response).mount(&server).await;
    server
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_else(|| panic!("request recording is off"))
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> &'a str {
    request.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_else(|| panic!("header {name} missing"))
}

#[tokio::test]
async fn a_delivery_arrives_as_given_with_headers_that_verify() {
    let server = receiver(ResponseTemplate::new(204)).await;
    let key = secret("one");
    let response = transport(true).post(request(format!("{}/hook", server.uri()), vec![key.clone()])).await;

    assert_eq!(
        (response.status_code, response.refused),
        (Some(204), false),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let delivered = &requests[0];
    assert_eq!(delivered.body, BODY.as_bytes());
    assert_eq!(header(delivered, "content-type"), "application/json");
    assert!(header(delivered, "user-agent").starts_with("Kaiten-Webhooks/"));
    assert_eq!(header(delivered, "webhook-id"), "msg_2vqYgUQk8bXJ3M5zK1");
    for name in ["id", "timestamp", "signature"] {
        assert_eq!(header(delivered, &format!("webhook-{name}")), header(delivered, &format!("svix-{name}")));
    }
    let verifier = Webhook::new(&key).unwrap_or_else(|error| panic!("bad secret: {error}"));
    verifier.verify(&delivered.body, &delivered.headers).unwrap_or_else(|error| panic!("does not verify: {error}"));
}

#[tokio::test]
async fn two_secrets_sign_twice_and_each_verifies_alone() {
    let server = receiver(ResponseTemplate::new(200)).await;
    let (current, previous) = (secret("current"), secret("previous"));
    let response =
        transport(true).post(request(format!("{}/hook", server.uri()), vec![current.clone(), previous.clone()])).await;

    assert_eq!(response.status_code, Some(200), "{}", String::from_utf8_lossy(&response.body));
    let delivered = &received(&server).await[0];
    let signatures: Vec<&str> = header(delivered, "webhook-signature").split(' ').collect();
    assert_eq!(signatures.len(), 2);
    assert!(signatures.iter().all(|signature| signature.starts_with("v1,")));
    let mut unbranded = delivered.headers.clone();
    for name in ["svix-id", "svix-timestamp", "svix-signature"] {
        unbranded.remove(name);
    }
    for key in [current, previous] {
        let verifier = Webhook::new(&key).unwrap_or_else(|error| panic!("bad secret: {error}"));
        verifier.verify(&delivered.body, &delivered.headers).unwrap_or_else(|error| panic!("svix-*: {error}"));
        verifier.verify(&delivered.body, &unbranded).unwrap_or_else(|error| panic!("webhook-*: {error}"));
    }
    let stranger = Webhook::new(&secret("stranger")).unwrap_or_else(|error| panic!("bad secret: {error}"));
    assert!(stranger.verify(&delivered.body, &delivered.headers).is_err());
}

#[tokio::test]
async fn a_redirect_is_an_answer_and_is_not_followed() {
    let server = MockServer::start().await;
    let redirect = ResponseTemplate::new(302).insert_header("location", format!("{}/target", server.uri()));
    Mock::given(path("/hook")).respond_with(redirect).mount(&server).await;
    Mock::given(path("/target")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let response = transport(true).post(request(format!("{}/hook", server.uri()), vec![secret("one")])).await;

    assert_eq!((response.status_code, response.refused), (Some(302), false));
    let paths: Vec<String> = received(&server).await.iter().map(|request| request.url.path().to_owned()).collect();
    assert_eq!(paths, ["/hook"]);
}

#[tokio::test]
async fn a_large_response_body_is_cut_at_20_kb() {
    let server = receiver(ResponseTemplate::new(500).set_body_bytes(vec![b'x'; 100 * 1024])).await;
    let response = transport(true).post(request(format!("{}/hook", server.uri()), vec![secret("one")])).await;

    assert_eq!(response.status_code, Some(500));
    assert_eq!(MAX_RESPONSE_BODY, 20 * 1024);
    assert_eq!(response.body.len(), MAX_RESPONSE_BODY);
    assert!(response.body.iter().all(|byte| *byte == b'x'));
}

#[tokio::test]
async fn the_body_is_kept_as_it_came_up_to_the_limit_even_mid_character() {
    let sent = "€".repeat(10_000);
    let server = receiver(ResponseTemplate::new(200).set_body_string(sent.clone())).await;
    let response = transport(true).post(request(format!("{}/hook", server.uri()), vec![secret("one")])).await;

    assert_eq!(response.body, sent.as_bytes()[..MAX_RESPONSE_BODY]);
}

#[tokio::test]
async fn a_binary_body_is_kept_byte_for_byte() {
    let sent = vec![0x00, 0xff, 0x1f, 0x8b, 0x00];
    let server = receiver(ResponseTemplate::new(200).set_body_bytes(sent.clone())).await;
    let response = transport(true).post(request(format!("{}/hook", server.uri()), vec![secret("one")])).await;

    assert_eq!((response.status_code, response.body), (Some(200), sent));
}

#[tokio::test]
async fn a_receiver_slower_than_the_total_timeout_gives_no_status_and_says_so() {
    let server = receiver(ResponseTemplate::new(200).set_delay(Duration::from_secs(60))).await;
    let timeouts = short_total(Duration::from_millis(300));
    let response =
        transport_with(true, timeouts).post(request(format!("{}/hook", server.uri()), vec![secret("one")])).await;

    assert_eq!((response.status_code, response.refused), (None, false));
    assert_eq!(response.body, b"timed out after 300ms");
    assert!(response.duration >= Duration::from_millis(300), "{:?}", response.duration);
    assert!(response.duration < Duration::from_secs(5), "{:?}", response.duration);
}

#[tokio::test]
async fn a_closed_port_is_a_connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|error| panic!("bind: {error}"));
    let address = listener.local_addr().unwrap_or_else(|error| panic!("address: {error}"));
    drop(listener);

    let response = transport(true).post(request(format!("http://{address}/hook"), vec![secret("one")])).await;

    assert_eq!((response.status_code, response.refused), (None, false));
    assert_eq!(response.body, b"connection refused");
}

#[tokio::test]
async fn an_unusable_secret_sends_nothing() {
    let server = receiver(ResponseTemplate::new(200)).await;
    let secrets = vec![secret("one"), "whsec_%%% not base64".to_owned()];
    let response = transport(true).post(request(format!("{}/hook", server.uri()), secrets)).await;

    assert_eq!(response.status_code, None);
    assert!(
        String::from_utf8_lossy(&response.body).contains("signing secret 2 of 2 is unusable"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn https_to_a_plain_http_receiver_fails_the_tls_handshake() {
    let server = receiver(ResponseTemplate::new(200)).await;
    let url = format!("https://{}/hook", server.address());
    let response = transport(true).post(request(url, vec![secret("one")])).await;

    assert_eq!((response.status_code, response.refused), (None, false));
    assert!(
        String::from_utf8_lossy(&response.body).starts_with("TLS handshake failed"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
}
