//! Inbound webhooks: triggering a ConductorOne automation's webhook
//! listener, signed with an HMAC secret or a JWT of your key.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::crypto::{self, PrivateKey};
use super::exchange::Exchange;
use super::jws::{self, Algorithm};
use crate::client::Client;
use crate::endpoint::Method;
use crate::error::{Error, ErrorKind, Result};

/// The largest body a listener accepts: 64 KiB (65,536 bytes). A larger
/// one is refused before anything is sent.
pub const MAX_INBOUND_BODY: usize = 64 * 1024;

/// A JWT of JWT mode expires this long after it is signed (a listener
/// accepts at most 10 minutes): 5 minutes, each attempt signing afresh.
const JWT_LIFETIME_SECS: i64 = 300;

/// The path of a listener under the tenant's base URL.
const TEMPLATE: &str = "/api/v1/webhooks/incoming/{listener_id}";

const TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
const EVENT_ID: HeaderName = HeaderName::from_static("webhook-event-id");
const SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");

/// The id of an inbound event: a UUID v4 (lowercase, hyphenated). The
/// listener runs an event id once (a repeat is answered `409`; ids are
/// kept 7 days), so keep the id of an event you may send again.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EventId(String);

impl EventId {
    /// A fresh random UUID v4.
    pub fn new() -> EventId {
        let mut bytes: [u8; 16] = rand::random();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        EventId(format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        ))
    }

    /// `text` as an event id, if it is a UUID v4 (either case; kept in
    /// lowercase).
    pub fn parse(text: &str) -> Option<EventId> {
        let bytes = text.as_bytes();
        let shape = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        let v4 =
            shape && bytes[14] == b'4' && matches!(bytes[19] | 0x20, b'8' | b'9' | b'a' | b'b');
        v4.then(|| EventId(text.to_ascii_lowercase()))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for EventId {
    fn default() -> Self {
        EventId::new()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({})", self.0)
    }
}

/// The private key of JWT mode, with the algorithm it signs with and the
/// `kid` of its public key in the JWKS you host. `Debug` shows no key.
pub struct JwtKey {
    algorithm: Algorithm,
    key: PrivateKey,
    kid: Option<String>,
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl JwtKey {
    /// A key from its DER: PKCS#8 for any algorithm (what `openssl genpkey`
    /// writes), PKCS#1 for RSA too; RSA keys of at least 2048 bits, EC keys
    /// on P-256. A key that does not fit `algorithm` is a
    /// [`Config`](ErrorKind::Config) error that never describes the key.
    pub fn from_der(algorithm: Algorithm, der: &[u8]) -> Result<JwtKey> {
        let key = match algorithm {
            Algorithm::Rs256 => PrivateKey::rsa(der),
            Algorithm::Es256 => PrivateKey::p256(der),
            Algorithm::EdDsa => PrivateKey::ed25519(der),
        };
        let key = key.map_err(|_| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "the JWT key is not a {} private key ({}) in PKCS#8 DER",
                    algorithm,
                    match algorithm {
                        Algorithm::Rs256 => "RSA, at least 2048 bits",
                        Algorithm::Es256 => "EC on P-256",
                        Algorithm::EdDsa => "Ed25519",
                    }
                ),
            )
        })?;
        Ok(JwtKey {
            algorithm,
            key,
            kid: None,
        })
    }

    /// A key from PEM: `-----BEGIN PRIVATE KEY-----` (PKCS#8), or for RSA
    /// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1). Encrypted keys are not
    /// read.
    pub fn from_pem(algorithm: Algorithm, pem: &str) -> Result<JwtKey> {
        let der = pem_body(pem, "PRIVATE KEY")
            .or_else(|| pem_body(pem, "RSA PRIVATE KEY"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "the JWT key is not an unencrypted PEM private key \
                     (`-----BEGIN PRIVATE KEY-----`)",
                )
            })?;
        let der = secrecy::zeroize::Zeroizing::new(der);
        JwtKey::from_der(algorithm, &der)
    }

    /// The `kid` the JWT header names (the key's id in your JWKS).
    pub fn with_kid(mut self, kid: impl Into<String>) -> JwtKey {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// The base64 between `-----BEGIN <label>-----` and its end line, decoded.
fn pem_body(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let text: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(text).ok()
}

/// How a trigger authenticates.
enum Signing {
    /// The listener's secret, used as the HMAC key exactly as shown.
    Hmac(SecretString),
    Jwt(JwtKey),
}

/// Triggers one webhook listener of a ConductorOne automation:
/// `POST <base URL>/api/v1/webhooks/incoming/<listener_id>` with a JSON
/// body (the automation's `ctx.trigger`), through the client's transport,
/// timeouts and retry policy, without the client's credential.
///
/// Every send has an [`EventId`] (a UUID v4) that all its attempts share,
/// and each attempt is signed afresh with the time it is sent
/// (`Webhook-Timestamp`, which the listener wants within 5 minutes of its
/// clock):
///
/// - **HMAC mode** ([`hmac`](InboundWebhook::hmac)): `Webhook-Signature` is
///   the HMAC-SHA256 of `<timestamp>.<event id>.<body>`, keyed with the
///   secret exactly as ConductorOne shows it, in base64url without padding;
/// - **JWT mode** ([`jwt`](InboundWebhook::jwt)): `Authorization: Bearer
///   <JWT>` signed with your key (RS256, ES256 or EdDSA), claims `sub` =
///   the tenant's base URL, `aud` = the listener's URL, `jti` = the event
///   id, `htm` = `POST`, `htb_s256` = the body's SHA-256 (base64url), `iat`
///   now and `exp` 5 minutes later.
///
/// Since the listener runs an event id once, an attempt is retried after
/// any transient failure (as a `GET` would be), and a `409` (the id was
/// delivered already, by this send's earlier attempt or by another) is
/// success with [`Triggered::already_delivered`]. A body over
/// [`MAX_INBOUND_BODY`] is an [`ErrorKind::InvalidArgument`] error before
/// anything is sent. Neither the secret, the signature nor the JWT is in
/// any `Debug`, error or log.
#[derive(Clone)]
pub struct InboundWebhook {
    client: Client,
    url: reqwest::Url,
    signing: Arc<Signing>,
}

impl fmt::Debug for InboundWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match &*self.signing {
            Signing::Hmac(_) => "hmac",
            Signing::Jwt(_) => "jwt",
        };
        f.debug_struct("InboundWebhook")
            .field("url", &self.url.as_str())
            .field("mode", &mode)
            .finish_non_exhaustive()
    }
}

/// What a trigger achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Triggered {
    /// The event's id.
    pub event_id: EventId,
    /// The listener answered `409`: it had this event id already.
    pub already_delivered: bool,
    /// Requests sent, retries included.
    pub attempts: u32,
}

impl InboundWebhook {
    /// HMAC mode, with the listener's `secret` as ConductorOne shows it.
    pub fn hmac(
        client: &Client,
        listener_id: &str,
        secret: impl Into<String>,
    ) -> Result<InboundWebhook> {
        let secret = SecretString::from(secret.into());
        if secret.expose_secret().is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                "the listener's HMAC secret is empty",
            ));
        }
        InboundWebhook::new(client, listener_id, Signing::Hmac(secret))
    }

    /// JWT mode, signing with `key` (whose public key the listener knows
    /// from your JWKS).
    pub fn jwt(client: &Client, listener_id: &str, key: JwtKey) -> Result<InboundWebhook> {
        InboundWebhook::new(client, listener_id, Signing::Jwt(key))
    }

    fn new(client: &Client, listener_id: &str, signing: Signing) -> Result<InboundWebhook> {
        let mut url = format!("{}/api/v1/webhooks/incoming/", client.base_url());
        crate::path::push_segment(&mut url, listener_id).map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("the listener id {}", e.describe()),
            )
        })?;
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("the listener URL is not valid: {e}"),
            )
        })?;
        Ok(InboundWebhook {
            client: client.clone(),
            url,
            signing: Arc::new(signing),
        })
    }

    /// The listener's URL.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Sends `body` (serialized to JSON) as a new event, with a fresh
    /// [`EventId`].
    pub async fn send<T: serde::Serialize + ?Sized>(&self, body: &T) -> Result<Triggered> {
        self.send_event(&EventId::new(), body).await
    }

    /// Sends `body` as the event `event_id`: to send an event again (after
    /// a restart, say) with the certainty that it runs once.
    pub async fn send_event<T: serde::Serialize + ?Sized>(
        &self,
        event_id: &EventId,
        body: &T,
    ) -> Result<Triggered> {
        let json = serde_json::to_vec(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("the event body does not serialize to JSON: {e}; nothing was sent"),
            )
        })?;
        self.send_json(event_id, Bytes::from(json)).await
    }

    /// Sends `body`, JSON already, as the event `event_id`.
    pub async fn send_json(&self, event_id: &EventId, body: Bytes) -> Result<Triggered> {
        if body.len() > MAX_INBOUND_BODY {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the event body is {} bytes, over the listener's limit of {MAX_INBOUND_BODY}; \
                     nothing was sent",
                    body.len()
                ),
            ));
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "the event body is not JSON; nothing was sent",
            ));
        }
        let signing = self.signing.clone();
        let audience = self.url.as_str().to_owned();
        let subject = self.client.base_url().to_owned();
        let hashed = URL_SAFE_NO_PAD.encode(crypto::sha256(&body));
        let id = event_id.clone();
        let signed_body = body.clone();
        let exchange = Exchange {
            method: Method::Post,
            url: self.url.clone(),
            template: TEMPLATE,
            body: Some(body),
            idempotent: true,
            max_body: 64 * 1024,
            headers: move || {
                let now = crate::clock::unix_now();
                let mut headers = HeaderMap::new();
                headers.insert(TIMESTAMP, HeaderValue::from(now));
                headers.insert(EVENT_ID, header(id.as_str())?);
                match &*signing {
                    Signing::Hmac(secret) => {
                        let mut message = format!("{now}.{}.", id.as_str()).into_bytes();
                        message.extend_from_slice(&signed_body);
                        let mac = crypto::hmac_sha256(secret.expose_secret().as_bytes(), &message);
                        headers.insert(SIGNATURE, sensitive(&URL_SAFE_NO_PAD.encode(mac))?);
                    }
                    Signing::Jwt(key) => {
                        let mut header_json =
                            json!({ "alg": key.algorithm.as_str(), "typ": "JWT" });
                        if let Some(kid) = &key.kid {
                            header_json["kid"] = json!(kid);
                        }
                        let claims = json!({
                            "sub": subject,
                            "aud": audience,
                            "iat": now,
                            "exp": now.saturating_add(JWT_LIFETIME_SECS),
                            "jti": id.as_str(),
                            "htm": "POST",
                            "htb_s256": hashed,
                        });
                        let token =
                            jws::sign(&header_json, &claims, &key.key).ok_or_else(|| {
                                Error::new(ErrorKind::Config, "the JWT key failed to sign")
                            })?;
                        headers.insert(AUTHORIZATION, sensitive(&format!("Bearer {token}"))?);
                    }
                }
                Ok(headers)
            },
            sent_secrets: Vec::new(),
            secret_url: false,
        };
        match exchange.send(&self.client).await {
            Ok((_, attempts)) => Ok(Triggered {
                event_id: event_id.clone(),
                already_delivered: false,
                attempts,
            }),
            Err(e) if e.status() == Some(409) => Ok(Triggered {
                event_id: event_id.clone(),
                already_delivered: true,
                attempts: e.attempts(),
            }),
            Err(e) => Err(e),
        }
    }
}

fn header(value: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::new(ErrorKind::InvalidArgument, "a header value is not valid"))
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut value = header(value)?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_uuid_v4() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100 {
            let id = EventId::new();
            assert_eq!(EventId::parse(id.as_str()), Some(id.clone()), "{id}");
            assert!(seen.insert(id));
        }
        assert_eq!(
            EventId::parse("3F2504E0-4F89-41D3-9A0C-0305E82C3301").map(|id| id.to_string()),
            Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301".to_owned())
        );
        for bad in [
            "",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "3f2504e0-4f89-41d3-7a0c-0305e82c3301",
            "3f2504e04f8941d39a0c0305e82c3301",
            "3f2504e0-4f89-41d3-9a0c-0305e82c330g",
            "3f2504e0-4f89-41d3-9a0c-0305e82c33011",
        ] {
            assert_eq!(EventId::parse(bad), None, "{bad}");
        }
    }

    /// The test keys (`testdata/`), signing and verifying through their JWKs.
    #[test]
    fn each_algorithm_signs_what_its_jwk_verifies() {
        use super::super::jwk::Jwk;
        use super::super::jws::Token;
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        for (alg, pem) in [
            (Algorithm::Rs256, include_str!("testdata/rsa.pem")),
            (Algorithm::Es256, include_str!("testdata/ec.pem")),
            (Algorithm::EdDsa, include_str!("testdata/ed.pem")),
        ] {
            let key = JwtKey::from_pem(alg, pem).unwrap().with_kid("k1");
            let public = key.key.public();
            let jwk = match alg {
                Algorithm::Rs256 => {
                    let (n, e) = rsa_public_key(&public);
                    json!({"kty": "RSA", "kid": "k1", "n": b64(n), "e": b64(e)})
                }
                Algorithm::Es256 => json!({
                    "kty": "EC", "crv": "P-256", "kid": "k1",
                    "x": b64(&public[1..33]), "y": b64(&public[33..]),
                }),
                Algorithm::EdDsa => {
                    json!({"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": b64(&public)})
                }
            };
            let jwk = Jwk::from_json(jwk.as_object().unwrap()).unwrap();
            let token =
                jws::sign(&json!({"alg": alg.as_str()}), &json!({"a": 1}), &key.key).unwrap();
            let parsed = Token::parse(&token).unwrap();
            assert!(
                jwk.verifies(parsed.signing_input, &parsed.signature),
                "{alg}"
            );
            assert!(
                !jwk.verifies(b"another message", &parsed.signature),
                "{alg}"
            );
            // A key of another algorithm is refused.
            let other = if alg == Algorithm::EdDsa {
                Algorithm::Es256
            } else {
                Algorithm::EdDsa
            };
            assert!(JwtKey::from_pem(other, pem).is_err(), "{alg} as {other}");
        }
    }

    /// `n` and `e` of a DER `RSAPublicKey` (SEQUENCE of two INTEGERs).
    fn rsa_public_key(der: &[u8]) -> (&[u8], &[u8]) {
        fn read(der: &[u8]) -> (u8, &[u8], &[u8]) {
            let tag = der[0];
            let (len, start) = match der[1] {
                n if n < 0x80 => (usize::from(n), 2),
                0x81 => (usize::from(der[2]), 3),
                _ => (usize::from(der[2]) << 8 | usize::from(der[3]), 4),
            };
            (tag, &der[start..start + len], &der[start + len..])
        }
        let (_, seq, _) = read(der);
        let (_, n, rest) = read(seq);
        let (_, e, _) = read(rest);
        (n, e)
    }

    #[test]
    fn pem_bodies_and_bad_keys() {
        let pem = "-----BEGIN PRIVATE KEY-----\nAAEC\nAw==\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_body(pem, "PRIVATE KEY"), Some(vec![0, 1, 2, 3]));
        assert_eq!(pem_body(pem, "RSA PRIVATE KEY"), None);
        for alg in [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa] {
            let e = JwtKey::from_pem(alg, pem).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config);
            assert!(e.to_string().contains(alg.as_str()), "{e}");
            let e = JwtKey::from_pem(alg, "-----BEGIN ENCRYPTED PRIVATE KEY-----").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config);
        }
    }
}
