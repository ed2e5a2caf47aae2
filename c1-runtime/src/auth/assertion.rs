//! The client assertion: a compact JWS (RFC 7515) signed with the secret's
//! Ed25519 key, as ConductorOne's token endpoint expects it.
//!
//! Header `{"alg":"EdDSA","nonce":"<32 hex chars>"}`; claims `iss` = `sub` =
//! client ID, `aud` = `[<token host without port>]`, `iat` = now,
//! `nbf` = now - 120 s, `exp` = now + 120 s.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use secrecy::SecretString;

use super::credentials::ClientCredentials;

/// How far `nbf` lies before and `exp` after `iat`, in seconds.
const SKEW_SECS: i64 = 120;

/// A fresh assertion for `audience`, at the current wall-clock time with a
/// random nonce.
pub(crate) fn sign_now(credentials: &ClientCredentials, audience: &str) -> SecretString {
    let now = crate::clock::unix_now();
    let nonce: [u8; 16] = rand::random();
    sign(credentials, audience, now, nonce)
}

/// The assertion for `audience` issued at `now` (Unix seconds) with `nonce`.
pub(crate) fn sign(
    credentials: &ClientCredentials,
    audience: &str,
    now: i64,
    nonce: [u8; 16],
) -> SecretString {
    let header = serde_json::json!({ "alg": "EdDSA", "nonce": hex(&nonce) });
    let claims = serde_json::json!({
        "iss": credentials.client_id(),
        "sub": credentials.client_id(),
        "aud": [audience],
        "iat": now,
        "nbf": now.saturating_sub(SKEW_SECS),
        "exp": now.saturating_add(SKEW_SECS),
    });
    let mut jws = URL_SAFE_NO_PAD.encode(header.to_string());
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = credentials.signing_key().sign(jws.as_bytes());
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(signature.to_bytes()));
    SecretString::from(jws)
}

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::{Signature, SigningKey, Verifier as _};
    use secrecy::ExposeSecret as _;

    use super::*;

    fn credentials(seed: [u8; 32]) -> ClientCredentials {
        let key = SigningKey::from_bytes(&seed);
        let jwk = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
            "d": URL_SAFE_NO_PAD.encode(seed),
        });
        let secret = format!(
            "secret-token:conductorone.com:v1:{}",
            URL_SAFE_NO_PAD.encode(jwk.to_string())
        );
        ClientCredentials::parse("hydra@acme/pcc", &SecretString::from(secret)).unwrap()
    }

    #[test]
    fn assertion_shape_and_signature() {
        let seed = [7u8; 32];
        let creds = credentials(seed);
        let jws = sign(&creds, "acme.conductor.one", 1_000_000, [0xab; 16]);
        let jws = jws.expose_secret();
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg": "EdDSA", "nonce": "abababababababababababababababab"})
        );
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({
                "iss": "hydra@acme/pcc", "sub": "hydra@acme/pcc",
                "aud": ["acme.conductor.one"],
                "iat": 1_000_000, "nbf": 999_880, "exp": 1_000_120,
            })
        );
        let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        let public = SigningKey::from_bytes(&seed).verifying_key();
        let signed = format!("{}.{}", parts[0], parts[1]);
        public.verify(signed.as_bytes(), &sig).unwrap();
        assert!(public.verify(b"other", &sig).is_err());
    }

    #[test]
    fn nonces_differ() {
        let creds = credentials([1u8; 32]);
        let a = sign_now(&creds, "h");
        let b = sign_now(&creds, "h");
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_eq!(hex(&[0x00, 0x0f, 0xf0, 0xff]), "000ff0ff");
    }
}
