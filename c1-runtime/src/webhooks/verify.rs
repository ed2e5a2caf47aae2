//! Verifying a delivery: the bearer JWT against the tenant's JWKS, its
//! claims against the receiver, the body against its digests, and its id
//! against the replay cache.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clock::unix_now;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde_json::{Map, Value};

use super::crypto;
use super::jws::{Algorithm, Malformed, Token};
use super::keys::{KeyCache, Missing};
use super::replay::{DEFAULT_REPLAY_CAPACITY, ReplayCache, Seen};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};

/// How far the receiver's clock may be from the tenant's: `nbf` and `iat`
/// may be this far in the future, `exp` this far in the past (30 s).
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// The longest a token may still be valid when it arrives: ConductorOne's
/// expire two minutes after they are issued, so an `exp` more than five
/// minutes (plus the leeway) ahead is refused. It also bounds how long the
/// replay cache holds an id.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// The least time between two fetches of the JWKS caused by a token naming
/// a key the cache lacks (or by a failed fetch): one minute.
pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long fetched keys are used before they are fetched again (so a key
/// the tenant withdrew stops verifying): one hour.
pub const DEFAULT_JWKS_MAX_AGE: Duration = Duration::from_secs(3600);

/// The `c1typ` claim of a webhook delivery's token.
const WEBHOOK_TYPE: &str = "wh";

/// The most keys one token is tried against when it names no `kid`.
const MAX_KEYS_TRIED: usize = 8;

/// Verifies the bearer token of ConductorOne's webhook deliveries to one
/// receiver URL. Cheap to clone (clones share the key and replay caches);
/// `Send + Sync`.
///
/// It checks, in this order, and the first that fails is the
/// [`VerifyError`]'s [`Check`]:
///
/// 1. the request is a `POST`;
/// 2. it carries `Authorization: Bearer <token>`, a compact JWS whose
///    header and claims are JSON objects;
/// 3. its `alg` is `RS256`, `ES256` or `EdDSA` (never `none`, never an
///    HMAC), with no `crit` header;
/// 4. a key of the tenant's JWKS (`GET <base URL>/auth/v1/jwks`, fetched
///    through the client with its timeouts and retries and no credential)
///    has the token's `kid` and that algorithm; a key the cached JWKS lacks
///    makes it fetch the JWKS again, at most once per
///    [`refetch_interval`](TokenVerifierBuilder::refetch_interval) (a
///    `jku`, `jwk` or `x5u` header is never followed);
/// 5. the signature verifies with that key;
/// 6. `iss` is the tenant (the client's base URL's host, or the base URL);
/// 7. `aud` names the receiver URL's host (or is the receiver URL);
/// 8. `htu` is the receiver URL without its query;
/// 9. `htm` is `POST`;
/// 10. `c1typ` is `wh`;
/// 11. `nbf` and `iat` are not in the future and `exp` not in the past
///     (each with the [`leeway`](TokenVerifierBuilder::leeway)), and `exp`
///     is at most [`MAX_TOKEN_LIFETIME`] ahead;
/// 12. `htb_s256` is the SHA-256 of the body's exact bytes (base64, padded
///     or not, either alphabet);
/// 13. so is the `sha-256` of the `Content-Digest` header;
/// 14. `jti` was not accepted before: ids are held until their token
///     expires, at most [`replay_capacity`](TokenVerifierBuilder::replay_capacity)
///     of them (when full of live ids, deliveries are refused, answer 503,
///     rather than an id forgotten).
///
/// The request's URI and `Host` are not read: behind a proxy they are not
/// what ConductorOne called; the token names the URL it was sent to.
#[derive(Clone)]
pub struct TokenVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    keys: KeyCache,
    /// Accepted `iss` values.
    issuers: Vec<String>,
    /// The receiver URL without query and fragment.
    receiver: reqwest::Url,
    leeway: i64,
    replay: Mutex<ReplayCache>,
}

/// Configures a [`TokenVerifier`].
pub struct TokenVerifierBuilder {
    client: Client,
    receiver_url: String,
    issuer: Option<String>,
    leeway: Duration,
    refetch_interval: Duration,
    jwks_max_age: Duration,
    replay_capacity: usize,
}

impl fmt::Debug for TokenVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifierBuilder")
            .field("issuer", &self.issuer)
            .field("leeway", &self.leeway)
            .field("refetch_interval", &self.refetch_interval)
            .field("jwks_max_age", &self.jwks_max_age)
            .field("replay_capacity", &self.replay_capacity)
            .finish_non_exhaustive()
    }
}

impl TokenVerifierBuilder {
    /// The accepted `iss`, instead of the client's base URL's host.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The clock difference tolerated (default [`DEFAULT_LEEWAY`]).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The least time between two JWKS fetches caused by an unknown key
    /// (default [`DEFAULT_REFETCH_INTERVAL`]).
    pub fn refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// How long fetched keys are used before the JWKS is fetched again
    /// (default [`DEFAULT_JWKS_MAX_AGE`]); if that fetch fails, they stay
    /// in use.
    pub fn jwks_max_age(mut self, age: Duration) -> Self {
        self.jwks_max_age = age;
        self
    }

    /// The most token ids held against replays (default 100,000).
    pub fn replay_capacity(mut self, ids: usize) -> Self {
        self.replay_capacity = ids;
        self
    }

    /// Checks the receiver URL (an absolute `http` or `https` URL with a
    /// host and no user info) and builds the verifier. Nothing is fetched
    /// yet: the JWKS is fetched by the first delivery.
    pub fn build(self) -> Result<TokenVerifier> {
        let config = |m: &str| Error::new(ErrorKind::Config, format!("the receiver URL {m}"));
        let mut receiver = reqwest::Url::parse(&self.receiver_url)
            .map_err(|e| config(&format!("is not a valid URL ({e})")))?;
        if !matches!(receiver.scheme(), "https" | "http") {
            return Err(config("must be an http or https URL"));
        }
        if receiver.host_str().is_none_or(str::is_empty) {
            return Err(config("has no host"));
        }
        if crate::shown::has_user_info(&receiver) {
            return Err(config("must not have user info"));
        }
        receiver.set_query(None);
        receiver.set_fragment(None);
        let issuers = match self.issuer {
            Some(issuer) => vec![issuer],
            None => {
                let base = self.client.inner.origin.base();
                let host = base.host_str().unwrap_or_default().to_owned();
                let origin = base.origin().ascii_serialization();
                vec![host, origin]
            }
        };
        Ok(TokenVerifier {
            inner: Arc::new(Inner {
                keys: KeyCache::new(self.client, self.refetch_interval, self.jwks_max_age)?,
                issuers,
                receiver,
                leeway: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
                replay: Mutex::new(ReplayCache::new(self.replay_capacity)),
            }),
        })
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuers", &self.inner.issuers)
            .field("audience", &self.inner.receiver.host_str())
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// A builder for deliveries sent to `receiver_url`, the URL
    /// ConductorOne calls (as configured on the webhook), by the tenant
    /// `client` talks to.
    pub fn builder(client: &Client, receiver_url: impl Into<String>) -> TokenVerifierBuilder {
        TokenVerifierBuilder {
            client: client.clone(),
            receiver_url: receiver_url.into(),
            issuer: None,
            leeway: DEFAULT_LEEWAY,
            refetch_interval: DEFAULT_REFETCH_INTERVAL,
            jwks_max_age: DEFAULT_JWKS_MAX_AGE,
            replay_capacity: DEFAULT_REPLAY_CAPACITY,
        }
    }

    /// A verifier with the defaults; see [`builder`](TokenVerifier::builder).
    pub fn new(client: &Client, receiver_url: impl Into<String>) -> Result<TokenVerifier> {
        Self::builder(client, receiver_url).build()
    }

    /// Verifies a delivery: see [`TokenVerifier`] for the checks.
    pub async fn verify<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<VerifiedToken, VerifyError> {
        self.verify_parts(request.method(), request.headers(), request.body().as_ref())
            .await
    }

    /// [`verify`](TokenVerifier::verify), from a request's method, headers
    /// and body.
    pub async fn verify_parts(
        &self,
        method: &http::Method,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedToken, VerifyError> {
        let fail = VerifyError::new;
        if method != http::Method::POST {
            return Err(fail(Check::Method, "the request is not a POST"));
        }
        let token = bearer(headers).ok_or_else(|| {
            fail(
                Check::Token,
                "the request has no `Authorization: Bearer` token",
            )
        })?;
        let token = Token::parse(token).map_err(|m| {
            fail(
                Check::Token,
                match m {
                    Malformed::Shape => "the token is not a compact JWS",
                    Malformed::Header => "the token's header is not a base64url JSON object",
                    Malformed::Payload => "the token's claims are not a base64url JSON object",
                    Malformed::Signature => "the token's signature is not base64url",
                },
            )
        })?;
        let alg = token
            .header
            .get("alg")
            .and_then(Value::as_str)
            .and_then(Algorithm::from_alg)
            .ok_or_else(|| {
                fail(
                    Check::Algorithm,
                    "the token's `alg` is not RS256, ES256 or EdDSA",
                )
            })?;
        if token.header.contains_key("crit") {
            return Err(fail(
                Check::Algorithm,
                "the token has critical header parameters",
            ));
        }
        let kid = match token.header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.as_str()),
            Some(_) => return Err(fail(Check::Token, "the token's `kid` is not a string")),
        };
        let pick = |k: &super::jwk::Jwk| {
            k.algorithm() == alg && kid.is_none_or(|kid| k.kid.as_deref() == Some(kid))
        };
        let (keys, chosen) = self.inner.keys.keys(pick).await.map_err(|m| match m {
            Missing::NoKey => fail(
                Check::Key,
                "the tenant's JWKS has no key with the token's `kid` for its `alg`",
            ),
            Missing::Unavailable(error) => VerifyError {
                check: Check::KeysUnavailable,
                reason: "the tenant's JWKS could not be fetched".into(),
                source: Some(error),
            },
        })?;
        let verified = chosen
            .iter()
            .take(MAX_KEYS_TRIED)
            .any(|&i| keys[i].verifies(token.signing_input, &token.signature));
        if !verified {
            return Err(fail(
                Check::Signature,
                "the token's signature does not verify with the tenant's key",
            ));
        }
        let claims = &token.claims;
        self.check_claims(claims)?;
        let now = unix_now();
        let times = self.check_times(claims, now)?;
        let digest = crypto::sha256(body);
        match claims.get("htb_s256").and_then(Value::as_str) {
            Some(hash) if decode_any_base64(hash).as_deref() == Some(&digest[..]) => {}
            _ => {
                return Err(fail(
                    Check::BodyHash,
                    "the token's `htb_s256` is not the SHA-256 of the body",
                ));
            }
        }
        content_digest_matches(headers, &digest)?;
        let jti = match claims.get("jti").and_then(Value::as_str) {
            Some(jti) if !jti.is_empty() && jti.len() <= 256 => jti,
            _ => return Err(fail(Check::Token, "the token has no `jti`")),
        };
        let forget_at = times.expires_at.saturating_add(self.inner.leeway);
        let seen = self
            .inner
            .replay
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(jti, forget_at, now);
        match seen {
            Seen::New => {}
            Seen::Again => {
                return Err(fail(
                    Check::Replayed,
                    "the token's `jti` was accepted before: a replay",
                ));
            }
            Seen::Full => {
                return Err(fail(
                    Check::ReplayCacheFull,
                    "the replay cache is full of live token ids",
                ));
            }
        }
        Ok(VerifiedToken {
            algorithm: alg,
            kid: kid.map(str::to_owned),
            jti: jti.to_owned(),
            issued_at: times.issued_at.map(unix_time),
            expires_at: unix_time(times.expires_at),
        })
    }

    /// `iss`, `aud`, `htu`, `htm` and `c1typ`.
    fn check_claims(&self, claims: &Map<String, Value>) -> Result<(), VerifyError> {
        let fail = VerifyError::new;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let receiver = &self.inner.receiver;
        if !text("iss").is_some_and(|iss| {
            self.inner
                .issuers
                .iter()
                .any(|ok| ok.eq_ignore_ascii_case(iss))
        }) {
            return Err(fail(Check::Issuer, "the token's `iss` is not the tenant"));
        }
        let host = receiver.host_str().unwrap_or_default();
        let names_receiver = |aud: &Value| {
            aud.as_str()
                .is_some_and(|aud| aud.eq_ignore_ascii_case(host) || same_url(aud, receiver))
        };
        let audience_ok = match claims.get("aud") {
            Some(Value::Array(list)) => list.iter().any(names_receiver),
            Some(aud) => names_receiver(aud),
            None => false,
        };
        if !audience_ok {
            return Err(fail(
                Check::Audience,
                "the token's `aud` does not name this receiver's host",
            ));
        }
        if !text("htu").is_some_and(|htu| same_url(htu, receiver)) {
            return Err(fail(
                Check::Url,
                "the token's `htu` is not this receiver's URL",
            ));
        }
        if text("htm") != Some("POST") {
            return Err(fail(Check::HttpMethod, "the token's `htm` is not POST"));
        }
        if text("c1typ") != Some(WEBHOOK_TYPE) {
            return Err(fail(
                Check::Type,
                "the token's `c1typ` is not `wh`: it is not a webhook delivery's token",
            ));
        }
        Ok(())
    }

    /// `exp`, `nbf` and `iat` at wall-clock second `now`.
    fn check_times(&self, claims: &Map<String, Value>, now: i64) -> Result<Times, VerifyError> {
        let fail = VerifyError::new;
        let leeway = self.inner.leeway;
        let time = |name: &str| -> Result<Option<i64>, VerifyError> {
            match claims.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_i64()
                    .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                    .map(Some)
                    .ok_or_else(|| {
                        VerifyError::new(Check::Token, "a time claim of the token is not a number")
                    }),
            }
        };
        let expires_at =
            time("exp")?.ok_or_else(|| fail(Check::Expired, "the token has no `exp`"))?;
        if now > expires_at.saturating_add(leeway) {
            return Err(fail(Check::Expired, "the token has expired"));
        }
        let max = i64::try_from(MAX_TOKEN_LIFETIME.as_secs()).unwrap_or(i64::MAX);
        if expires_at > now.saturating_add(max).saturating_add(leeway) {
            return Err(fail(
                Check::Lifetime,
                "the token's `exp` is further ahead than a delivery's token lives",
            ));
        }
        for name in ["nbf", "iat"] {
            if time(name)?.is_some_and(|t| t > now.saturating_add(leeway)) {
                return Err(fail(Check::NotYetValid, "the token is not valid yet"));
            }
        }
        Ok(Times {
            issued_at: time("iat")?,
            expires_at,
        })
    }
}

struct Times {
    issued_at: Option<i64>,
    expires_at: i64,
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Whether `text` parses as `url` once both lose query and fragment.
fn same_url(text: &str, url: &reqwest::Url) -> bool {
    match reqwest::Url::parse(text) {
        Ok(mut parsed) => {
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed == *url
        }
        Err(_) => false,
    }
}

/// Base64 in either alphabet, padded or not.
fn decode_any_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let unpadded = text
        .strip_suffix("==")
        .or_else(|| text.strip_suffix('='))
        .unwrap_or(text);
    if unpadded.contains(['-', '_']) {
        URL_SAFE_NO_PAD.decode(unpadded).ok()
    } else {
        STANDARD_NO_PAD.decode(unpadded).ok()
    }
}

/// Checks that `Content-Digest` has a `sha-256` entry and that every one
/// is `digest`. Both forms are read: RFC 9530's `sha-256=:<base64>:` and
/// the bare `sha-256=<base64>`.
fn content_digest_matches(headers: &HeaderMap, digest: &[u8; 32]) -> Result<(), VerifyError> {
    let mut found = false;
    for value in headers.get_all("content-digest") {
        let Ok(value) = value.to_str() else {
            return Err(VerifyError::new(
                Check::ContentDigest,
                "the `Content-Digest` header is not text",
            ));
        };
        for entry in value.split(',') {
            let Some((name, encoded)) = entry.trim().split_once('=') else {
                continue;
            };
            if !name.trim().eq_ignore_ascii_case("sha-256") {
                continue;
            }
            let encoded = encoded.trim();
            let encoded = encoded
                .strip_prefix(':')
                .and_then(|e| e.strip_suffix(':'))
                .unwrap_or(encoded);
            if decode_any_base64(encoded).as_deref() != Some(&digest[..]) {
                return Err(VerifyError::new(
                    Check::ContentDigest,
                    "the `Content-Digest` is not the SHA-256 of the body",
                ));
            }
            found = true;
        }
    }
    if !found {
        return Err(VerifyError::new(
            Check::ContentDigest,
            "the request has no `Content-Digest: sha-256=..` header",
        ));
    }
    Ok(())
}

fn unix_time(seconds: i64) -> SystemTime {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

/// What a verified delivery's token says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The algorithm it was signed with.
    pub algorithm: Algorithm,
    /// The `kid` of the tenant's key that signed it, if it named one.
    pub kid: Option<String>,
    /// Its `jti`: unique per delivery attempt (a retried delivery comes
    /// with a new token).
    pub jti: String,
    /// Its `iat`, if present.
    pub issued_at: Option<SystemTime>,
    /// Its `exp`.
    pub expires_at: SystemTime,
}

/// Which check of a delivery failed (see [`TokenVerifier`] for the order).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The request is not a `POST`.
    Method,
    /// No bearer token, or not a compact JWS of JSON objects, or a claim
    /// (`kid`, `jti`, a time) of the wrong type or missing.
    Token,
    /// `alg` is not `RS256`, `ES256` or `EdDSA`, or a `crit` header is present.
    Algorithm,
    /// The tenant's JWKS has no key with the token's `kid` for its `alg`.
    Key,
    /// The signature does not verify.
    Signature,
    /// `iss` is not the tenant.
    Issuer,
    /// `aud` does not name the receiver.
    Audience,
    /// `htu` is not the receiver URL.
    Url,
    /// `htm` is not `POST`.
    HttpMethod,
    /// `c1typ` is not `wh`.
    Type,
    /// `nbf` or `iat` is in the future.
    NotYetValid,
    /// `exp` is missing or past.
    Expired,
    /// `exp` is further ahead than [`MAX_TOKEN_LIFETIME`].
    Lifetime,
    /// `htb_s256` is not the SHA-256 of the body.
    BodyHash,
    /// `Content-Digest` is missing or not the SHA-256 of the body.
    ContentDigest,
    /// The `jti` was accepted before.
    Replayed,
    /// The replay cache is full of ids whose tokens are still valid.
    ReplayCacheFull,
    /// The tenant's JWKS could not be fetched, and the cached keys (if any)
    /// lack the token's key: it may be new, so the tenant should retry.
    KeysUnavailable,
    /// The token is good but the body is not a webhook delivery.
    Body,
}

/// Why a delivery was refused: which [`Check`] failed and why, in words
/// that never quote the token or its claims.
#[derive(Clone)]
pub struct VerifyError {
    check: Check,
    reason: std::borrow::Cow<'static, str>,
    source: Option<Error>,
}

impl VerifyError {
    fn new(check: Check, reason: &'static str) -> VerifyError {
        VerifyError {
            check,
            reason: reason.into(),
            source: None,
        }
    }

    /// A [`Check::Body`] error: the token verified but the body is not a
    /// delivery (`reason` must not quote the body).
    pub fn body(reason: impl Into<String>) -> VerifyError {
        VerifyError {
            check: Check::Body,
            reason: reason.into().into(),
            source: None,
        }
    }

    /// The check that failed.
    pub fn check(&self) -> Check {
        self.check
    }

    /// The status to answer the delivery with: `503` when the receiver
    /// could not decide (the JWKS unreachable, the replay cache full; the
    /// tenant retries), `405` for another method, `400` for a body that is
    /// not a delivery, else `401`.
    pub fn status(&self) -> u16 {
        match self.check {
            Check::KeysUnavailable | Check::ReplayCacheFull => 503,
            Check::Method => 405,
            Check::Body => 400,
            _ => 401,
        }
    }

    /// Why the check failed, in fixed words: what a refusal may tell the
    /// caller (no JWKS error, which names hosts and quotes answers).
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// For [`Check::KeysUnavailable`], why the JWKS could not be fetched.
    pub fn jwks_error(&self) -> Option<&Error> {
        self.source.as_ref()
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webhook delivery refused: {}", self.reason)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("VerifyError");
        d.field("check", &self.check).field("reason", &self.reason);
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn base64_in_any_form() {
        let digest = crypto::sha256(b"{}");
        let std = base64::engine::general_purpose::STANDARD.encode(digest);
        let url = URL_SAFE_NO_PAD.encode(digest);
        assert!(std.ends_with('='));
        for form in [
            std.clone(),
            std.trim_end_matches('=').to_owned(),
            url.clone(),
            format!("{url}="),
        ] {
            assert_eq!(
                decode_any_base64(&form).as_deref(),
                Some(&digest[..]),
                "{form}"
            );
        }
        assert_eq!(decode_any_base64("a=b"), None);
    }

    #[test]
    fn content_digest_in_both_forms() {
        let digest = crypto::sha256(b"{}");
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        let with = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert("content-digest", HeaderValue::from_str(value).unwrap());
            content_digest_matches(&h, &digest).map_err(|e| e.check())
        };
        assert_eq!(with(&format!("sha-256={b64}")), Ok(()));
        assert_eq!(with(&format!("sha-256=:{b64}:")), Ok(()));
        assert_eq!(with(&format!("sha-512=:AAAA:, SHA-256=:{b64}:")), Ok(()));
        let other = base64::engine::general_purpose::STANDARD.encode(crypto::sha256(b"[]"));
        assert_eq!(with(&format!("sha-256={other}")), Err(Check::ContentDigest));
        assert_eq!(with("sha-512=:AAAA:"), Err(Check::ContentDigest));
        assert_eq!(
            content_digest_matches(&HeaderMap::new(), &digest).map_err(|e| e.check()),
            Err(Check::ContentDigest)
        );
    }

    #[test]
    fn bearer_scheme_in_any_case() {
        let with = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            bearer(&h).map(str::to_owned)
        };
        assert_eq!(with("bearer a.b.c").as_deref(), Some("a.b.c"));
        assert_eq!(with("Bearer  a.b.c ").as_deref(), Some("a.b.c"));
        assert_eq!(with("Basic abc"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with("a.b.c"), None);
    }

    #[test]
    fn urls_compare_parsed_without_query() {
        let url = reqwest::Url::parse("https://hooks.example.com/c1").unwrap();
        assert!(same_url("https://hooks.example.com/c1", &url));
        assert!(same_url("https://HOOKS.example.com:443/c1?x=1", &url));
        assert!(!same_url("https://hooks.example.com/c1/", &url));
        assert!(!same_url("http://hooks.example.com/c1", &url));
        assert!(!same_url("hooks.example.com", &url));
    }

    #[test]
    fn errors_are_send_sync_and_say_the_check() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<VerifyError>();
        shareable::<TokenVerifier>();
        let e = VerifyError::new(Check::Expired, "the token has expired");
        assert_eq!(
            e.to_string(),
            "webhook delivery refused: the token has expired"
        );
        assert_eq!((e.check(), e.status()), (Check::Expired, 401));
    }
}
