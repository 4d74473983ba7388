//! Token secrets: `ksh_` followed by 256 random bits in hex; only their SHA-256 is ever stored.

use kaiten_domain::token::TOKEN_PREFIX;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh secret, to be shown once to whoever asked for the token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The stored form of a secret (hex SHA-256).
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_unique_and_hashed_stably() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with("ksh_") && a.len() == 4 + 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
