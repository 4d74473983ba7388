//! The Standard Webhooks / Svix signature headers of one request, signed by the svix library.

use svix::webhooks::Webhook;

/// The `webhook-*` header names, each sent again under its `svix-*` alias with the same value.
pub(crate) const ID_HEADERS: [&str; 2] = ["webhook-id", "svix-id"];
pub(crate) const TIMESTAMP_HEADERS: [&str; 2] = ["webhook-timestamp", "svix-timestamp"];
pub(crate) const SIGNATURE_HEADERS: [&str; 2] = ["webhook-signature", "svix-signature"];

/// Why a request could not be signed (it is then not sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("no signing secret")]
    NoSecret,
    /// `position` counts from 1; the secret itself is never shown.
    #[error("signing secret {position} of {count} is unusable: {reason}")]
    UnusableSecret { position: usize, count: usize, reason: String },
}

/// The `webhook-signature` value: one `v1,<base64>` signature per secret, separated by spaces, so a
/// receiver holding any one of the secrets (e.g. during a rotation) can verify the request.
pub fn signature_header(
    message_id: &str,
    timestamp_seconds: i64,
    body: &str,
    secrets: &[impl AsRef<str>],
) -> Result<String, SigningError> {
    if secrets.is_empty() {
        return Err(SigningError::NoSecret);
    }
    let count = secrets.len();
    let signatures = secrets
        .iter()
        .enumerate()
        .map(|(index, secret)| {
            let unusable = |reason: String| SigningError::UnusableSecret { position: index + 1, count, reason };
            Webhook::new(secret.as_ref())
                .map_err(|error| unusable(error.to_string()))?
                .sign(message_id, timestamp_seconds, body.as_bytes())
                .map_err(|error| unusable(error.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(signatures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn one_secret_gives_one_versioned_signature() {
        let header = signature_header("msg_1", 1_700_000_000, "{}", &[SECRET.to_owned()])
            .unwrap_or_else(|error| panic!("signing failed: {error}"));
        assert!(header.starts_with("v1,"), "{header}");
        assert!(!header.contains(' '), "{header}");
    }

    #[test]
    fn every_secret_adds_a_space_separated_signature() {
        let secrets = [SECRET.to_owned(), "whsec_c2Vjb25kLXNlY3JldC1rZXk=".to_owned()];
        let header = signature_header("msg_1", 1_700_000_000, "{}", &secrets)
            .unwrap_or_else(|error| panic!("signing failed: {error}"));
        let signatures: Vec<&str> = header.split(' ').collect();
        assert_eq!(signatures.len(), 2);
        assert_ne!(signatures[0], signatures[1]);
    }

    #[test]
    fn an_unusable_secret_is_an_error_naming_its_position_not_its_value() {
        let secrets = [SECRET.to_owned(), "whsec_not base64!".to_owned()];
        let error = signature_header("msg_1", 1_700_000_000, "{}", &secrets).err();
        match error {
            Some(SigningError::UnusableSecret { position: 2, count: 2, ref reason }) => {
                assert!(!reason.contains("not base64"), "{reason}");
            }
            other => panic!("unexpected: {other:?}"),
        }
        assert_eq!(signature_header("msg_1", 0, "{}", &[] as &[&str]), Err(SigningError::NoSecret));
    }
}
