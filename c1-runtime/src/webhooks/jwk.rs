//! JSON Web Keys (RFC 7517) for verifying: RSA (`n`, `e`), EC P-256 (`x`,
//! `y`) and OKP Ed25519 (`x`), each usable with one [`Algorithm`].

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::crypto;
use super::jws::Algorithm;

/// The most keys of a JWKS kept; a longer set keeps its first ones.
pub(crate) const MAX_KEYS: usize = 64;

/// A public key of a JWKS.
pub(crate) struct Jwk {
    pub(crate) kid: Option<String>,
    key: PublicKey,
}

enum PublicKey {
    /// Modulus and exponent, big-endian, without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// `0x04 || x || y`.
    P256(Vec<u8>),
    Ed25519(Vec<u8>),
}

impl Jwk {
    /// The one algorithm this key verifies.
    pub(crate) fn algorithm(&self) -> Algorithm {
        match self.key {
            PublicKey::Rsa { .. } => Algorithm::Rs256,
            PublicKey::P256(_) => Algorithm::Es256,
            PublicKey::Ed25519(_) => Algorithm::EdDsa,
        }
    }

    /// Whether `signature` is `message` signed by this key.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            PublicKey::Rsa { n, e } => crypto::verify_rs256(n, e, message, signature),
            PublicKey::P256(point) => crypto::verify_es256(point, message, signature),
            PublicKey::Ed25519(x) => crypto::verify_ed25519(x, message, signature),
        }
    }

    /// A key of a JWKS for verifying signatures, if it is one: `use`
    /// absent or `sig`, `key_ops` absent or naming `verify`, a key type
    /// and curve c1 verifies with, and an `alg` (when given) that is the
    /// key's algorithm. Private members are ignored.
    pub(crate) fn from_json(jwk: &Map<String, Value>) -> Option<Jwk> {
        let text = |name: &str| jwk.get(name).and_then(Value::as_str);
        let bytes = |name: &str| text(name).and_then(|v| URL_SAFE_NO_PAD.decode(v).ok());
        if text("use").is_some_and(|u| u != "sig") {
            return None;
        }
        if let Some(ops) = jwk.get("key_ops")
            && !ops
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| op == "verify"))
        {
            return None;
        }
        let key = match (text("kty")?, text("crv")) {
            ("RSA", _) => {
                let n = strip_zeros(bytes("n")?);
                let e = strip_zeros(bytes("e")?);
                // RS256 verification refuses keys under 2048 bits anyway.
                if n.len() < 256 || e.is_empty() {
                    return None;
                }
                PublicKey::Rsa { n, e }
            }
            ("EC", Some("P-256")) => {
                let (x, y) = (bytes("x")?, bytes("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return None;
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                PublicKey::P256(point)
            }
            ("OKP", Some("Ed25519")) => {
                let x = bytes("x")?;
                if x.len() != 32 {
                    return None;
                }
                PublicKey::Ed25519(x)
            }
            _ => return None,
        };
        let jwk_key = Jwk {
            kid: text("kid").map(str::to_owned),
            key,
        };
        match text("alg") {
            Some(alg) if Algorithm::from_alg(alg) != Some(jwk_key.algorithm()) => None,
            _ => Some(jwk_key),
        }
    }
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("alg", &self.algorithm())
            .finish()
    }
}

/// The verifying keys of a JWKS document (`{"keys": [..]}`), in order, at
/// most [`MAX_KEYS`]; keys c1 cannot use are skipped. `None` when the
/// document is not a JWKS.
pub(crate) fn parse_set(document: &[u8]) -> Option<Vec<Jwk>> {
    let Value::Object(mut set) = serde_json::from_slice(document).ok()? else {
        return None;
    };
    let Value::Array(keys) = set.remove("keys")? else {
        return None;
    };
    Some(
        keys.iter()
            .filter_map(Value::as_object)
            .filter_map(Jwk::from_json)
            .take(MAX_KEYS)
            .collect(),
    )
}

fn strip_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.drain(..zeros);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(jwk: Value) -> Option<Jwk> {
        Jwk::from_json(jwk.as_object().unwrap())
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn reads_the_three_key_types() {
        let rsa =
            key(json!({"kty": "RSA", "kid": "r", "n": b64(&[0xc5; 256]), "e": "AQAB"})).unwrap();
        assert_eq!(
            (rsa.algorithm(), rsa.kid.as_deref()),
            (Algorithm::Rs256, Some("r"))
        );
        let ec = key(json!({"kty": "EC", "crv": "P-256", "x": b64(&[1; 32]), "y": b64(&[2; 32])}))
            .unwrap();
        assert_eq!(ec.algorithm(), Algorithm::Es256);
        let ed = key(json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&[3; 32]), "alg": "EdDSA"}))
            .unwrap();
        assert_eq!(ed.algorithm(), Algorithm::EdDsa);
    }

    #[test]
    fn skips_keys_it_cannot_verify_with() {
        let x = b64(&[3; 32]);
        for jwk in [
            json!({"kty": "OKP", "crv": "Ed25519", "x": x, "use": "enc"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": x, "key_ops": ["encrypt"]}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": x, "alg": "ES256"}),
            json!({"kty": "OKP", "crv": "X25519", "x": x}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&[3; 31])}),
            json!({"kty": "EC", "crv": "P-384", "x": x, "y": x}),
            json!({"kty": "EC", "crv": "P-256", "x": x}),
            json!({"kty": "RSA", "n": b64(&[0xc5; 128]), "e": "AQAB"}),
            json!({"kty": "RSA", "n": b64(&[0xc5; 256]), "e": "AQAB", "alg": "RS512"}),
            json!({"kty": "oct", "k": x}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": "not base64!"}),
        ] {
            assert!(key(jwk.clone()).is_none(), "{jwk}");
        }
    }

    #[test]
    fn a_set_keeps_the_usable_keys() {
        let x = b64(&[3; 32]);
        let doc = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "a"},
            {"kty": "oct", "k": x},
            "junk",
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "b"},
        ]});
        let keys = parse_set(doc.to_string().as_bytes()).unwrap();
        let kids: Vec<_> = keys.iter().map(|k| k.kid.as_deref()).collect();
        assert_eq!(kids, [Some("a"), Some("b")]);
        assert!(parse_set(b"[]").is_none());
        assert!(parse_set(b"{\"keys\": {}}").is_none());
        assert!(parse_set(b"not json").is_none());
    }
}
