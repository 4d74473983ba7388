//! The TLS settings of the webhook client: rustls on the aws-lc-rs provider already used by the
//! rest of the workspace, trusting the system's CA certificates, HTTP/1.1 only.

use std::sync::Arc;

/// A client configuration that trusts the system's CA certificates. A system without any still
/// gets a client (plain http deliveries keep working) and a warning: https deliveries would fail.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let loaded = rustls_native_certs::load_native_certs();
    for error in &loaded.errors {
        tracing::warn!(%error, "could not load a system CA certificate");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    if ignored > 0 {
        tracing::warn!(ignored, "some system CA certificates could not be parsed");
    }
    if added == 0 {
        tracing::warn!("no system CA certificates found: https webhook deliveries will fail");
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
