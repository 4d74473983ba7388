//! The endpoint model's own rules: its secrets never show in debug output, and a rotated-out
//! secret signs only until its overlap ends.

use crate::endpoint::SigningSecret;
use crate::fixtures::endpoint;
use chrono::Utc;

#[test]
fn an_endpoint_never_shows_its_secrets_in_debug_output() {
    let mut endpoint = endpoint("https://hooks.example.com");
    endpoint.previous_secret = Some((SigningSecret::new("whsec_cHJldmlvdXM".to_owned()), Utc::now()));
    let shown = format!("{endpoint:?}");
    assert!(!shown.contains("c2VjcmV0") && !shown.contains("cHJldmlvdXM"), "{shown}");
    assert!(shown.contains("https://hooks.example.com"));
}

#[test]
fn the_previous_secret_signs_only_until_its_overlap_ends() {
    let now = Utc::now();
    let mut endpoint = endpoint("https://hooks.example.com");
    endpoint.previous_secret = Some((SigningSecret::new("whsec_b2xk".to_owned()), now + chrono::TimeDelta::hours(1)));
    let signing: Vec<String> = endpoint.signing_secrets(now).iter().map(|s| s.expose().to_owned()).collect();
    assert_eq!(signing, ["whsec_c2VjcmV0", "whsec_b2xk"]);
    assert_eq!(endpoint.signing_secrets(now + chrono::TimeDelta::hours(2)).len(), 1);
}
