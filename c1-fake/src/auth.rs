//! Client credentials, the `/auth/v1/token` endpoint (the client-credentials grant's
//! assertion checks; the token exchange's in [`crate::federation`]), and bearer tokens.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::federation::{self, Issuer, TOKEN_EXCHANGE_GRANT_TYPE, Trusts};

/// The grant type the token endpoint accepts.
pub const GRANT_TYPE: &str = "client_credentials";
/// The client assertion type the token endpoint accepts.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The prefix of every client secret.
pub const SECRET_PREFIX: &str = "secret-token:conductorone.com:v1:";
/// Clock skew tolerated on `nbf`, `exp` and `iat`, in seconds.
pub const CLOCK_SKEW_SECS: i64 = 10;
/// The farthest in the future an assertion's `exp` may be, in seconds.
pub const MAX_ASSERTION_LIFETIME_SECS: i64 = 300;
/// How long an expired issued token is still told apart from an unknown one before it is
/// forgotten (so a long-running fake stays bounded).
pub const EXPIRED_TOKEN_MEMORY: Duration = Duration::from_secs(600);
/// The most issued tokens held at once; past it the ones expiring soonest are forgotten.
pub const MAX_ISSUED_TOKENS: usize = 100_000;
/// How many accepted assertions [`crate::FakeC1::assertions`] keeps (the last ones).
pub const ASSERTIONS_KEPT: usize = 64;
/// The audiences the fake accepts (its host without port).
pub const ACCEPTED_AUDIENCES: [&str; 2] = ["127.0.0.1", "localhost"];

/// Client credentials generated for one fake: a client ID and an Ed25519 client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TestCredentials {
    /// The client ID, `fake-client-<random>@127.0.0.1/pcc`.
    pub client_id: String,
    /// The client secret, `secret-token:conductorone.com:v1:<base64url JWK>`.
    pub client_secret: String,
}

impl fmt::Debug for TestCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// Random lowercase hex of `n` random bytes.
pub(crate) fn random_hex(n: usize) -> String {
    let mut out = String::with_capacity(n * 2);
    for _ in 0..n {
        let b: u8 = rand::random();
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A generated client: its public credentials and the key to check assertions with.
pub(crate) struct Client {
    pub(crate) credentials: TestCredentials,
    pub(crate) verifying_key: VerifyingKey,
    /// The JWK `d` member (base64url private key), used to spot leaked secrets.
    pub(crate) private_b64: String,
}

impl Client {
    /// Generate a fresh client with a random Ed25519 key.
    pub(crate) fn generate() -> Client {
        let seed: [u8; 32] = rand::random();
        let signing = SigningKey::from_bytes(&seed);
        let verifying_key = signing.verifying_key();
        let x = URL_SAFE_NO_PAD.encode(verifying_key.to_bytes());
        let d = URL_SAFE_NO_PAD.encode(signing.to_bytes());
        let jwk = json!({ "kty": "OKP", "crv": "Ed25519", "x": x, "d": d }).to_string();
        let client_secret = format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(jwk));
        let client_id = format!("fake-client-{}@127.0.0.1/pcc", random_hex(6));
        Client {
            credentials: TestCredentials {
                client_id,
                client_secret,
            },
            verifying_key,
            private_b64: d,
        }
    }
}

/// The decoded header and claims of an assertion the token endpoint accepted (its signature
/// left out), so a test can check a client's exact assertion shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The JOSE header, e.g. `{"alg": "EdDSA", "nonce": ".."}`.
    pub header: Value,
    /// The claims, e.g. `{"iss", "sub", "aud", "iat", "nbf", "exp"}`.
    pub claims: Value,
}

/// An OAuth error answered by the token endpoint: `{"error": .., "error_description": ..}`.
#[derive(Debug, Clone)]
pub struct OAuthError {
    /// The HTTP status (400 or 401).
    pub status: StatusCode,
    /// The OAuth error code, e.g. `invalid_client`.
    pub error: &'static str,
    /// A description of what was wrong.
    pub description: String,
}

impl OAuthError {
    /// 401 `invalid_client`.
    pub(crate) fn invalid_client(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
        }
    }

    /// 400 `invalid_request`.
    pub(crate) fn invalid_request(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: description.into(),
        }
    }

    /// 400 `invalid_grant`.
    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description: description.into(),
        }
    }

    fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        (
            self.status,
            [("cache-control", "no-store")],
            axum::Json(body),
        )
            .into_response()
    }
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenRejection {
    /// No `Authorization: Bearer` header.
    Missing,
    /// A token the fake never issued or registered.
    Unknown,
    /// An issued token past its lifetime (or expired on demand).
    Expired,
}

impl TokenRejection {
    pub(crate) fn message(self) -> &'static str {
        match self {
            TokenRejection::Missing => "missing bearer token",
            TokenRejection::Unknown => "invalid bearer token",
            TokenRejection::Expired => "bearer token expired",
        }
    }
}

/// The fake's authentication state: clients, issued and static tokens, seen nonces, the
/// OIDC issuer and federation trusts.
pub(crate) struct AuthState {
    pub(crate) client: Client,
    pub(crate) issuer: Issuer,
    pub(crate) trusts: Trusts,
    /// Token exchanges answered 200.
    pub(crate) exchanges: usize,
    pub(crate) token_lifetime: Duration,
    /// Issued tokens and when they expire (tokio clock, so paused-clock tests can advance it).
    issued: HashMap<String, Instant>,
    statics: HashSet<String>,
    /// Used nonces and their assertion's `exp`: a nonce is forgotten once its assertion
    /// could no longer be accepted anyway.
    nonces: HashMap<String, i64>,
    /// The last accepted assertions, newest last.
    pub(crate) accepted: std::collections::VecDeque<Assertion>,
}

impl AuthState {
    /// `issuer_url`: the fake's OIDC issuer, `<base URL>/oidc`.
    pub(crate) fn new(token_lifetime: Duration, issuer_url: String) -> Self {
        AuthState {
            client: Client::generate(),
            issuer: Issuer::generate(issuer_url),
            trusts: Trusts::default(),
            exchanges: 0,
            token_lifetime,
            issued: HashMap::new(),
            statics: HashSet::new(),
            nonces: HashMap::new(),
            accepted: std::collections::VecDeque::new(),
        }
    }

    pub(crate) fn add_static(&mut self, token: &str) {
        self.statics.insert(token.to_owned());
    }

    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for exp in self.issued.values_mut() {
            *exp = now;
        }
    }

    /// Check an `Authorization` header value.
    pub(crate) fn check_bearer(&self, header: Option<&str>) -> Result<(), TokenRejection> {
        let Some(value) = header else {
            return Err(TokenRejection::Missing);
        };
        let value = value.trim();
        let Some((scheme, token)) = value.split_once(' ') else {
            return Err(TokenRejection::Missing);
        };
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TokenRejection::Missing);
        }
        let token = token.trim();
        if self.statics.contains(token) {
            return Ok(());
        }
        match self.issued.get(token) {
            Some(exp) if Instant::now() < *exp => Ok(()),
            Some(_) => Err(TokenRejection::Expired),
            None => Err(TokenRejection::Unknown),
        }
    }

    /// Handle a token request body (`application/x-www-form-urlencoded`), issuing a token.
    pub(crate) fn token_request(
        &mut self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Value, OAuthError> {
        let fields = token_form(content_type, body)?;
        let get = |name: &str| {
            fields
                .get(name)
                .map(String::as_str)
                .filter(|s| !s.is_empty())
        };
        let grant_type =
            get("grant_type").ok_or_else(|| OAuthError::invalid_request("missing grant_type"))?;
        match grant_type {
            GRANT_TYPE => self.client_credentials(&fields),
            TOKEN_EXCHANGE_GRANT_TYPE => self.token_exchange(&fields),
            _ => Err(OAuthError::unsupported_grant_type(
                "grant_type must be client_credentials or urn:ietf:params:oauth:grant-type:token-exchange",
            )),
        }
    }

    /// The client-credentials grant: a JWT-bearer client assertion signed with the client secret.
    fn client_credentials(
        &mut self,
        fields: &HashMap<String, String>,
    ) -> Result<Value, OAuthError> {
        let get = |name: &str| {
            fields
                .get(name)
                .map(String::as_str)
                .filter(|s| !s.is_empty())
        };
        let client_id =
            get("client_id").ok_or_else(|| OAuthError::invalid_request("missing client_id"))?;
        let assertion_type = get("client_assertion_type")
            .ok_or_else(|| OAuthError::invalid_request("missing client_assertion_type"))?;
        if assertion_type != ASSERTION_TYPE {
            return Err(OAuthError::invalid_client(
                "unsupported client_assertion_type",
            ));
        }
        let assertion = get("client_assertion")
            .ok_or_else(|| OAuthError::invalid_request("missing client_assertion"))?;
        if client_id != self.client.credentials.client_id {
            return Err(OAuthError::invalid_client("unknown client_id"));
        }
        let now = unix_now();
        let (nonce, exp, seen) =
            verify_assertion(assertion, client_id, &self.client.verifying_key, now)?;
        self.use_nonce(nonce, exp, now)?;
        if self.accepted.len() == ASSERTIONS_KEPT {
            self.accepted.pop_front();
        }
        self.accepted.push_back(seen);
        Ok(self.issue())
    }

    /// The token-exchange grant (RFC 8693): a federation trust's client ID and a subject
    /// token from the fake's OIDC issuer that meets the trust's condition.
    fn token_exchange(&mut self, fields: &HashMap<String, String>) -> Result<Value, OAuthError> {
        let (client_id, subject_token) = federation::exchange_fields(fields)?;
        let Some(required) = self.trusts.get(client_id) else {
            return Err(OAuthError::invalid_client(
                "unknown client_id: no federation trust has it",
            ));
        };
        let claims = self.issuer.verify(subject_token, unix_now())?;
        federation::check_condition(required, &claims)?;
        self.exchanges += 1;
        Ok(self.issue())
    }

    /// Issue a bearer token for [`AuthState::token_lifetime`]; the token endpoint's answer.
    fn issue(&mut self) -> Value {
        let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        self.prune_issued();
        let expiry = Instant::now()
            .checked_add(self.token_lifetime)
            .unwrap_or_else(far_future);
        self.issued.insert(token.clone(), expiry);
        json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime.as_secs(),
        })
    }
}

impl AuthState {
    /// Accept a nonce once, forgetting nonces whose assertion has expired (past the skew).
    fn use_nonce(&mut self, nonce: String, exp: i64, now: i64) -> Result<(), OAuthError> {
        self.nonces
            .retain(|_, exp| exp.saturating_add(CLOCK_SKEW_SECS) >= now);
        if self.nonces.contains_key(&nonce) {
            return Err(OAuthError::invalid_client("assertion nonce already used"));
        }
        self.nonces.insert(nonce, exp);
        Ok(())
    }

    /// Forget tokens expired for longer than [`EXPIRED_TOKEN_MEMORY`], and keep at most
    /// [`MAX_ISSUED_TOKENS`] - 1 (room for the one about to be issued).
    fn prune_issued(&mut self) {
        let now = Instant::now();
        self.issued.retain(|_, exp| {
            exp.checked_add(EXPIRED_TOKEN_MEMORY)
                .is_none_or(|forget| forget > now)
        });
        let excess = (self.issued.len() + 1).saturating_sub(MAX_ISSUED_TOKENS);
        if excess > 0 {
            let mut by_expiry: Vec<(Instant, String)> =
                self.issued.iter().map(|(t, e)| (*e, t.clone())).collect();
            by_expiry.sort();
            for (_, token) in by_expiry.into_iter().take(excess) {
                self.issued.remove(&token);
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn held(&self) -> (usize, usize) {
        (self.issued.len(), self.nonces.len())
    }
}

/// An instant no token lifetime reaches (about 30 years on), for lifetimes too long to add.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(30 * 365 * 24 * 3600)
}

/// The token request's form fields; it must be `application/x-www-form-urlencoded`, with
/// no field repeated.
fn token_form(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, OAuthError> {
    let is_form = content_type
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    if !is_form {
        return Err(OAuthError::invalid_request(
            "content type must be application/x-www-form-urlencoded",
        ));
    }
    let mut fields: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        if fields
            .insert(k.clone().into_owned(), v.into_owned())
            .is_some()
        {
            return Err(OAuthError::invalid_request(format!(
                "parameter {k} repeated"
            )));
        }
    }
    Ok(fields)
}

/// Wall-clock seconds since the Unix epoch (assertions are signed with wall-clock time).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn b64_json(part: &str, what: &str) -> Result<Value, OAuthError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| OAuthError::invalid_client(format!("assertion {what} is not base64url")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| OAuthError::invalid_client(format!("assertion {what} is not JSON")))?;
    if !value.is_object() {
        return Err(OAuthError::invalid_client(format!(
            "assertion {what} is not a JSON object"
        )));
    }
    Ok(value)
}

fn numeric_claim(claims: &Value, name: &str) -> Result<Option<i64>, OAuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| OAuthError::invalid_client(format!("claim {name} is not a number"))),
    }
}

/// Verify a compact JWS client assertion; returns its nonce, `exp`, header and claims.
///
/// Every official SDK's shape is accepted: the nonce in the header (Go, c1) or as a claim
/// (Python), `aud` a string or an array, `typ` absent or `JWT`.
fn verify_assertion(
    jws: &str,
    client_id: &str,
    key: &VerifyingKey,
    now: i64,
) -> Result<(String, i64, Assertion), OAuthError> {
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(OAuthError::invalid_client("assertion is not a compact JWS"));
    };
    let header = b64_json(h, "header")?;
    check_header(&header)?;
    verify_signature(key, &jws[..h.len() + 1 + p.len()], s)?;
    let claims = b64_json(p, "payload")?;
    let nonce = assertion_nonce(&header, &claims)?;
    check_parties(&claims, client_id)?;
    let exp = check_times(&claims, now)?;
    Ok((nonce, exp, Assertion { header, claims }))
}

/// `alg` must be `EdDSA`; `typ`, when present, `JWT`.
fn check_header(header: &Value) -> Result<(), OAuthError> {
    if header.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(OAuthError::invalid_client("assertion alg must be EdDSA"));
    }
    match header.get("typ") {
        None => Ok(()),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => Ok(()),
        Some(_) => Err(OAuthError::invalid_client("assertion typ must be JWT")),
    }
}

fn verify_signature(key: &VerifyingKey, signing_input: &str, sig: &str) -> Result<(), OAuthError> {
    let sig_bytes = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| OAuthError::invalid_client("assertion signature is not base64url"))?;
    let signature = Signature::from_slice(&sig_bytes)
        .map_err(|_| OAuthError::invalid_client("assertion signature malformed"))?;
    key.verify_strict(signing_input.as_bytes(), &signature)
        .map_err(|_| OAuthError::invalid_client("assertion signature does not verify"))
}

/// The nonce, from the header (Go SDK) or the claims (Python SDK); both must agree when both
/// carry one. 32 hex characters or 22 base64url characters (16 random bytes either way).
fn assertion_nonce(header: &Value, claims: &Value) -> Result<String, OAuthError> {
    let bad = || {
        OAuthError::invalid_client(
            "assertion nonce must be 32 hex or 22 base64url characters, in the header or the claims",
        )
    };
    let field = |v: &Value| match v.get("nonce") {
        None => Ok(None),
        Some(Value::String(n)) if valid_nonce(n) => Ok(Some(n.clone())),
        Some(_) => Err(bad()),
    };
    match (field(header)?, field(claims)?) {
        (Some(h), Some(c)) if h != c => Err(OAuthError::invalid_client(
            "assertion nonce differs between header and claims",
        )),
        (Some(n), _) | (None, Some(n)) => Ok(n),
        (None, None) => Err(bad()),
    }
}

fn valid_nonce(n: &str) -> bool {
    let hex = n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit());
    let b64 = n.len() == 22
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    hex || b64
}

/// `iss` = `sub` = the client ID; `aud` one of [`ACCEPTED_AUDIENCES`], a string or an array.
fn check_parties(claims: &Value, client_id: &str) -> Result<(), OAuthError> {
    let claim_str = |name: &str| claims.get(name).and_then(Value::as_str);
    if claim_str("iss") != Some(client_id) {
        return Err(OAuthError::invalid_client(
            "assertion iss must be the client_id",
        ));
    }
    if claim_str("sub") != Some(client_id) {
        return Err(OAuthError::invalid_client(
            "assertion sub must be the client_id",
        ));
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => ACCEPTED_AUDIENCES.contains(&a.as_str()),
        Some(Value::Array(list)) => {
            !list.is_empty()
                && list
                    .iter()
                    .all(|a| a.as_str().is_some_and(|a| ACCEPTED_AUDIENCES.contains(&a)))
        }
        _ => false,
    };
    if !aud_ok {
        return Err(OAuthError::invalid_client(
            "assertion aud must be [\"127.0.0.1\"]",
        ));
    }
    Ok(())
}

/// `exp` present, not past (with skew) nor more than 5 minutes away; `nbf` and `iat` not in
/// the future. Saturating: a validly signed assertion may carry any number.
fn check_times(claims: &Value, now: i64) -> Result<i64, OAuthError> {
    let exp = numeric_claim(claims, "exp")?
        .ok_or_else(|| OAuthError::invalid_client("assertion has no exp"))?;
    if now > exp.saturating_add(CLOCK_SKEW_SECS) {
        return Err(OAuthError::invalid_client("assertion expired"));
    }
    if exp.saturating_sub(now) > MAX_ASSERTION_LIFETIME_SECS {
        return Err(OAuthError::invalid_client(
            "assertion exp is more than 5 minutes away",
        ));
    }
    let future = now.saturating_add(CLOCK_SKEW_SECS);
    if numeric_claim(claims, "nbf")?.is_some_and(|nbf| nbf > future) {
        return Err(OAuthError::invalid_client("assertion not yet valid (nbf)"));
    }
    if numeric_claim(claims, "iat")?.is_some_and(|iat| iat > future) {
        return Err(OAuthError::invalid_client(
            "assertion issued in the future (iat)",
        ));
    }
    Ok(exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_nonces_are_forgotten_once_their_assertion_expired() {
        let mut auth = AuthState::new(Duration::from_secs(600), "http://127.0.0.1:9/oidc".into());
        let now = 1_000_000;
        auth.use_nonce("a".repeat(32), now + 100, now).unwrap();
        assert!(auth.use_nonce("a".repeat(32), now + 100, now + 50).is_err());
        for i in 0..1000 {
            auth.use_nonce(format!("old-{i}"), now + 1, now).unwrap();
        }
        assert_eq!(auth.held().1, 1001);
        // Past exp + skew none of them could be accepted again: all but the live one go.
        let later = now + 1 + CLOCK_SKEW_SECS + 1;
        auth.use_nonce("b".repeat(32), later + 60, later).unwrap();
        assert_eq!(auth.held().1, 2);
        assert!(auth.use_nonce("a".repeat(32), now + 100, later).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn expired_tokens_are_forgotten_and_the_count_is_capped() {
        let mut auth = AuthState::new(Duration::from_secs(60), "http://127.0.0.1:9/oidc".into());
        let now = Instant::now();
        for i in 0..10 {
            auth.issued
                .insert(format!("t{i}"), now + Duration::from_secs(60));
        }
        auth.prune_issued();
        assert_eq!(auth.held().0, 10);
        tokio::time::advance(Duration::from_secs(60) + EXPIRED_TOKEN_MEMORY / 2).await;
        // Expired, but still told apart from an unknown token.
        assert_eq!(
            auth.check_bearer(Some("Bearer t1")),
            Err(TokenRejection::Expired)
        );
        auth.prune_issued();
        assert_eq!(auth.held().0, 10);
        tokio::time::advance(EXPIRED_TOKEN_MEMORY).await;
        auth.prune_issued();
        assert_eq!(auth.held().0, 0);

        let now = Instant::now();
        for i in 0..MAX_ISSUED_TOKENS as u64 {
            auth.issued
                .insert(format!("t{i}"), now + Duration::from_secs(i));
        }
        auth.prune_issued();
        assert_eq!(auth.held().0, MAX_ISSUED_TOKENS - 1);
        assert!(
            !auth.issued.contains_key("t0"),
            "the one expiring soonest goes"
        );
        assert!(auth.issued.contains_key("t1"));
    }
}
