//! The crypto of webhooks, from the TLS backend already in the build:
//! aws-lc-rs (`rustls-aws-lc`, preferred when both are on) or ring
//! (`rustls-ring`). Both offer the same `signature`, `digest` and `hmac`
//! API; the one difference (ring's ECDSA key pair takes a random source) is
//! bridged here.

#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
compile_error!(
    "c1's `webhooks` feature verifies and signs with the TLS backend's crypto: enable \
     `rustls-aws-lc` (the default) or `rustls-ring`"
);

#[cfg(feature = "rustls-aws-lc")]
use aws_lc_rs as provider;
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
use ring as provider;

use provider::signature::{self, UnparsedPublicKey};
use provider::{digest, hmac, rand::SystemRandom};

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    out
}

/// HMAC-SHA256 of `message` keyed with `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut out = [0; 32];
    out.copy_from_slice(hmac::sign(&key, message).as_ref());
    out
}

/// Whether `signature` is `message` signed RS256 (PKCS#1 v1.5, SHA-256) by
/// the RSA key `n`, `e` (big-endian); keys under 2048 bits never verify.
pub(crate) fn verify_rs256(n: &[u8], e: &[u8], message: &[u8], signature: &[u8]) -> bool {
    signature::RsaPublicKeyComponents { n, e }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
        .is_ok()
}

/// Whether `signature` (`r || s`, 64 bytes) is `message` signed ES256 by
/// the P-256 key `point` (uncompressed, 65 bytes).
pub(crate) fn verify_es256(point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
        .verify(message, signature)
        .is_ok()
}

/// Whether `signature` is `message` signed EdDSA by the Ed25519 key `x`.
pub(crate) fn verify_ed25519(x: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&signature::ED25519, x)
        .verify(message, signature)
        .is_ok()
}

/// A private key that signs JWS: one of the three algorithms.
pub(crate) enum PrivateKey {
    Rsa(signature::RsaKeyPair),
    P256(signature::EcdsaKeyPair),
    Ed25519(signature::Ed25519KeyPair),
}

/// Why a private key was refused (the key is never described).
pub(crate) struct KeyRejected;

impl PrivateKey {
    /// An RSA key from PKCS#8 (or PKCS#1) DER, at least 2048 bits.
    pub(crate) fn rsa(der: &[u8]) -> Result<PrivateKey, KeyRejected> {
        let key = signature::RsaKeyPair::from_pkcs8(der)
            .or_else(|_| signature::RsaKeyPair::from_der(der))
            .map_err(|_| KeyRejected)?;
        if key.public_modulus_len() < 256 {
            return Err(KeyRejected);
        }
        Ok(PrivateKey::Rsa(key))
    }

    /// A P-256 key from PKCS#8 DER.
    pub(crate) fn p256(der: &[u8]) -> Result<PrivateKey, KeyRejected> {
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        #[cfg(feature = "rustls-aws-lc")]
        let key = signature::EcdsaKeyPair::from_pkcs8(alg, der);
        #[cfg(not(feature = "rustls-aws-lc"))]
        let key = signature::EcdsaKeyPair::from_pkcs8(alg, der, &SystemRandom::new());
        key.map(PrivateKey::P256).map_err(|_| KeyRejected)
    }

    /// An Ed25519 key from PKCS#8 DER (v1, as `openssl genpkey` writes
    /// it, or v2 with the public key).
    pub(crate) fn ed25519(der: &[u8]) -> Result<PrivateKey, KeyRejected> {
        signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map(PrivateKey::Ed25519)
            .map_err(|_| KeyRejected)
    }

    /// The JWS signature of `message`: RSASSA-PKCS1-v1_5 SHA-256, ECDSA
    /// P-256 SHA-256 as `r || s`, or Ed25519.
    pub(crate) fn sign(&self, message: &[u8]) -> Option<Vec<u8>> {
        let rng = SystemRandom::new();
        match self {
            PrivateKey::Rsa(key) => {
                let mut out = vec![0; key.public_modulus_len()];
                key.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .ok()?;
                Some(out)
            }
            PrivateKey::P256(key) => key.sign(&rng, message).ok().map(|s| s.as_ref().to_vec()),
            PrivateKey::Ed25519(key) => Some(key.sign(message).as_ref().to_vec()),
        }
    }

    /// The public key's bytes: for Ed25519 and P-256 the raw key, for RSA
    /// its DER; used by tests to tie a key to its JWK.
    #[cfg(test)]
    pub(crate) fn public(&self) -> Vec<u8> {
        use provider::signature::KeyPair as _;
        match self {
            PrivateKey::Rsa(key) => key.public_key().as_ref().to_vec(),
            PrivateKey::P256(key) => key.public_key().as_ref().to_vec(),
            PrivateKey::Ed25519(key) => key.public_key().as_ref().to_vec(),
        }
    }
}
