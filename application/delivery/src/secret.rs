//! Endpoint signing secrets: `whsec_` followed by 24 random bytes in base64, the format Svix and
//! the Standard Webhooks libraries accept.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

pub fn generate_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_base64_and_unique() {
        let (a, b) = (generate_secret(), generate_secret());
        assert_ne!(a, b);
        let key = a.strip_prefix("whsec_").unwrap_or_default();
        assert_eq!(STANDARD.decode(key).map(|bytes| bytes.len()).ok(), Some(24));
    }
}
