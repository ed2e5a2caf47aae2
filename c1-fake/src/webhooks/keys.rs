//! Signing keys: the tenant's rotating webhook keys, and test keys for inbound JWT mode
//! and for forging deliveries. RS256, ES256 and EdDSA, with aws-lc-rs.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use crate::auth::random_hex;

/// A JWS algorithm ConductorOne signs webhooks with (and accepts on inbound webhooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `RS256`: RSASSA-PKCS1-v1_5 with SHA-256 (the fake's keys are 2048 bits).
    Rs256,
    /// `ES256`: ECDSA on P-256 with SHA-256.
    Es256,
    /// `EdDSA`: Ed25519.
    EdDsa,
}

impl Algorithm {
    /// The `alg` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
        }
    }

    pub(crate) fn from_alg(alg: &str) -> Option<Algorithm> {
        [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa]
            .into_iter()
            .find(|a| a.as_str() == alg)
    }
}

enum Pair {
    Rsa(signature::RsaKeyPair),
    Ec(signature::EcdsaKeyPair),
    Ed(signature::Ed25519KeyPair),
}

/// A key pair for tests: the tenant's webhook signing keys are these, and a test uses one
/// to sign inbound webhooks in JWT mode (its [`TestKey::private_key_pem`] for the sender,
/// its [`TestKey::jwks`] for the listener) or to forge a delivery with a key the tenant
/// does not publish. Cheap to clone; `Debug` shows no key.
#[derive(Clone)]
pub struct TestKey {
    alg: Algorithm,
    kid: String,
    pair: Arc<Pair>,
}

impl fmt::Debug for TestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl TestKey {
    /// A fresh random key (RSA keys are 2048 bits) with a random `kid`.
    ///
    /// # Panics
    /// If the crypto library fails to make a key (it does not).
    pub fn generate(alg: Algorithm) -> TestKey {
        let pair = match alg {
            Algorithm::Rs256 => Pair::Rsa(
                signature::RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA key generation"),
            ),
            Algorithm::Es256 => Pair::Ec(
                signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
                    .expect("P-256 key generation"),
            ),
            Algorithm::EdDsa => {
                Pair::Ed(signature::Ed25519KeyPair::generate().expect("Ed25519 key generation"))
            }
        };
        TestKey {
            alg,
            kid: format!("fake-{}", random_hex(8)),
            pair: Arc::new(pair),
        }
    }

    /// The same key under another `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> TestKey {
        self.kid = kid.into();
        self
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// Its `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key, PKCS#8 DER (what `openssl genpkey` writes, in DER).
    pub fn private_key_der(&self) -> Vec<u8> {
        let der = match &*self.pair {
            Pair::Rsa(k) => AsDer::<Pkcs8V1Der>::as_der(k).map(|d| d.as_ref().to_vec()),
            Pair::Ec(k) => k.to_pkcs8v1().map(|d| d.as_ref().to_vec()),
            Pair::Ed(k) => k.to_pkcs8v1().map(|d| d.as_ref().to_vec()),
        };
        der.unwrap_or_default()
    }

    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn private_key_pem(&self) -> String {
        let b64 = STANDARD.encode(self.private_key_der());
        let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PRIVATE KEY-----\n");
        pem
    }

    /// The public key as a JWK: `kty`, its members, `kid`, `alg` and `"use": "sig"`.
    pub fn public_jwk(&self) -> Value {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let mut jwk = match &*self.pair {
            Pair::Rsa(k) => {
                let (n, e) = rsa_public(k.public_key().as_ref()).unwrap_or_default();
                json!({ "kty": "RSA", "n": b64(n), "e": b64(e) })
            }
            Pair::Ec(k) => {
                let point = k.public_key().as_ref();
                json!({ "kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..65]) })
            }
            Pair::Ed(k) => {
                json!({ "kty": "OKP", "crv": "Ed25519", "x": b64(k.public_key().as_ref()) })
            }
        };
        jwk["kid"] = json!(self.kid);
        jwk["alg"] = json!(self.alg.as_str());
        jwk["use"] = json!("sig");
        jwk
    }

    /// A JWKS of this key alone: `{"keys": [<public JWK>]}`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.public_jwk()] })
    }

    /// A compact JWS of `claims` with `header` as given (its `alg` is not checked: a test
    /// can lie about it), signed with this key's algorithm.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let rng = SystemRandom::new();
        let signature = match &*self.pair {
            Pair::Rsa(k) => {
                let mut out = vec![0; k.public_modulus_len()];
                match k.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &rng,
                    input.as_bytes(),
                    &mut out,
                ) {
                    Ok(()) => out,
                    Err(_) => Vec::new(),
                }
            }
            Pair::Ec(k) => k
                .sign(&rng, input.as_bytes())
                .map(|s| s.as_ref().to_vec())
                .unwrap_or_default(),
            Pair::Ed(k) => k.sign(input.as_bytes()).as_ref().to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The JOSE header the fake signs deliveries with: `alg`, `kid`, `typ`.
    pub(crate) fn header(&self) -> Value {
        json!({ "alg": self.alg.as_str(), "kid": self.kid, "typ": "JWT" })
    }
}

/// `n` and `e` of a DER `RSAPublicKey` (a SEQUENCE of two INTEGERs), without leading zeros.
fn rsa_public(der: &[u8]) -> Option<(&[u8], &[u8])> {
    fn read(der: &[u8]) -> Option<(&[u8], &[u8])> {
        let first = *der.get(1)?;
        let (len, start) = match first {
            n if n < 0x80 => (usize::from(n), 2),
            0x81 => (usize::from(*der.get(2)?), 3),
            0x82 => (
                (usize::from(*der.get(2)?) << 8) | usize::from(*der.get(3)?),
                4,
            ),
            _ => return None,
        };
        Some((der.get(start..start + len)?, der.get(start + len..)?))
    }
    let strip = |b: &'_ [u8]| -> usize { b.iter().take_while(|x| **x == 0).count() };
    let (seq, _) = read(der)?;
    let (n, rest) = read(seq)?;
    let (e, _) = read(rest)?;
    Some((&n[strip(n)..], &e[strip(e)..]))
}

/// The claims of `token`, a compact JWS that one key of `jwks` (a JWKS document) signed
/// with `RS256`, `ES256` or `EdDSA` as its header says; `Err` says what is wrong without
/// quoting the token.
pub(crate) fn verify_jws(token: &str, jwks: &Value) -> Result<Map<String, Value>, &'static str> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the token is not a compact JWS");
    };
    let object = |part: &str| -> Option<Map<String, Value>> {
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let header = object(h).ok_or("the token's header is not a base64url JSON object")?;
    let claims = object(p).ok_or("the token's claims are not a base64url JSON object")?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "the token's signature is not base64url")?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(Algorithm::from_alg)
        .ok_or("the token's alg is not RS256, ES256 or EdDSA")?;
    let kid = header.get("kid").and_then(Value::as_str);
    let message = &token.as_bytes()[..h.len() + 1 + p.len()];
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no JWKS")?;
    let verified = keys
        .iter()
        .filter(|k| kid.is_none_or(|kid| k.get("kid").and_then(Value::as_str) == Some(kid)))
        .any(|k| verifies(k, alg, message, &signature));
    if verified {
        Ok(claims)
    } else {
        Err("the token's signature does not verify with a key of the JWKS")
    }
}

/// Whether the JWK `jwk` is a key of `alg` that verifies `signature` over `message`.
pub(crate) fn verifies(jwk: &Value, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
    };
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    if text("alg").is_some_and(|a| a != alg.as_str()) {
        return false;
    }
    match (alg, text("kty"), text("crv")) {
        (Algorithm::Rs256, Some("RSA"), _) => {
            let (Some(n), Some(e)) = (member("n"), member("e")) else {
                return false;
            };
            signature::RsaPublicKeyComponents {
                n: &n[..],
                e: &e[..],
            }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
            .is_ok()
        }
        (Algorithm::Es256, Some("EC"), Some("P-256")) => {
            let (Some(x), Some(y)) = (member("x"), member("y")) else {
                return false;
            };
            let mut point = vec![4];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature)
                .is_ok()
        }
        (Algorithm::EdDsa, Some("OKP"), Some("Ed25519")) => member("x").is_some_and(|x| {
            UnparsedPublicKey::new(&signature::ED25519, x)
                .verify(message, signature)
                .is_ok()
        }),
        _ => false,
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data).as_ref());
    out
}

/// HMAC-SHA256 of `message` keyed with `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    let mut out = [0; 32];
    out.copy_from_slice(aws_lc_rs::hmac::sign(&key, message).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_signs_what_its_jwks_verifies() {
        for alg in [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa] {
            let key = TestKey::generate(alg);
            let token = key.sign(&key.header(), &json!({"a": 1}));
            let claims = verify_jws(&token, &key.jwks()).unwrap();
            assert_eq!(claims["a"], 1);
            let other = TestKey::generate(alg).with_kid(key.kid());
            assert!(verify_jws(&token, &other.jwks()).is_err(), "{alg:?}");
            assert!(
                key.private_key_pem()
                    .starts_with("-----BEGIN PRIVATE KEY-----\n")
            );
        }
    }
}
