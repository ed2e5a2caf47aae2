//! The client-credentials token source: fetching access tokens from
//! `<base>/auth/v1/token` and caching them for every clone of a `Client`.
//!
//! Cache design:
//! - The current token sits in a `std::sync::RwLock<Option<Arc<Token>>>`. The
//!   warm path takes the read lock, checks `now < refresh_at` and clones the
//!   `Arc`: no mutex, nothing held across an `.await`.
//! - Refreshing is single-flight: callers that find no fresh token queue on a
//!   `tokio::sync::Mutex` (the flight). The first one fetches; the others,
//!   when they get the lock, see that a flight completed since they looked
//!   (a generation counter) and take its result, token or error. So N
//!   concurrent callers cause exactly one token request, and a failure is
//!   handed to the callers that waited for it but not cached: the next caller
//!   fetches again. If the fetching caller is cancelled, the next waiter fetches.
//! - Expiry uses `tokio::time::Instant`, measured from when the request was
//!   sent. A token is refreshed [`refresh_margin`] before it expires: half its
//!   lifetime, but at least 10 s and at most 60 s early (never later than
//!   10 s before expiry). A token that lives 10 s or less is used by the
//!   callers of the flight that fetched it, then replaced.
//!   A missing `expires_in` means 5 minutes; lifetimes are capped at 24 hours.
//! - `reject` drops the cached token only if it is the very token that was
//!   sent (`Arc::ptr_eq`), never a newer one.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderValue};
use secrecy::ExposeSecret as _;
use secrecy::zeroize::Zeroizing;
use tokio::time::{Instant, sleep, timeout_at};

use super::assertion;
use super::credentials::ClientCredentials;
use crate::error::{ApiStatus, Error, ErrorKind, Result, TimeoutKind};
use crate::log::duration_ms;
use crate::redact::redact;
use crate::retry::{self, Attempts, Failure, Next, Retry, RetryPolicy};
use crate::shown::quoted;
use crate::transport::{self, Limits, Reply};

/// The lifetime assumed when the answer has no `expires_in`.
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The longest lifetime believed (guards against overflow and forever-tokens).
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The largest token response read.
const MAX_TOKEN_RESPONSE: u64 = 64 * 1024;
/// How much of an error description an error keeps.
const SNIPPET_CHARS: usize = 256;
/// The longest token type or OAuth error code an error quotes.
const MAX_WORD: usize = 32;

/// How long before expiry a token with `lifetime` is refreshed.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 2)
        .clamp(Duration::from_secs(10), Duration::from_secs(60))
        .min(lifetime)
}

/// An access token and when to replace it.
pub(crate) struct Token {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    /// From this instant on, callers fetch a new token.
    pub(crate) refresh_at: Instant,
    /// When the server said the token expires.
    pub(crate) expires_at: Instant,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("header", &"[redacted]")
            .field("refresh_at", &self.refresh_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The client settings a token request follows.
#[derive(Debug, Clone)]
pub(crate) struct TokenSettings {
    /// The deadline of one token request.
    pub(crate) attempt_timeout: Duration,
    /// The client's connect timeout (for messages; reqwest enforces it).
    pub(crate) connect_timeout: Duration,
    /// Transient failures of the token endpoint are retried as API calls are.
    pub(crate) retry: RetryPolicy,
}

/// Client credentials plus the token cache; one per `Client` (shared by clones).
pub(crate) struct TokenSource {
    credentials: ClientCredentials,
    token_url: String,
    /// The `aud` claim: the token URL's host without port.
    audience: String,
    settings: TokenSettings,
    current: RwLock<Option<Arc<Token>>>,
    /// Completed flights, readable without the flight lock.
    completed: AtomicU64,
    flight: tokio::sync::Mutex<Flight>,
}

/// What the last completed flight produced.
struct Flight {
    generation: u64,
    last: Option<Result<Arc<Token>>>,
}

impl TokenSource {
    /// A token source that signs in at `<base_url>/auth/v1/token`.
    pub(crate) fn new(
        credentials: ClientCredentials,
        base_url: &str,
        settings: TokenSettings,
    ) -> Result<TokenSource> {
        let token_url = format!("{}/auth/v1/token", base_url.trim_end_matches('/'));
        let audience = reqwest::Url::parse(&token_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!("the token URL `{token_url}` has no host"),
                )
            })?;
        Ok(TokenSource {
            credentials,
            token_url,
            audience,
            settings,
            current: RwLock::new(None),
            completed: AtomicU64::new(0),
            flight: tokio::sync::Mutex::new(Flight {
                generation: 0,
                last: None,
            }),
        })
    }

    /// The cached token if it is not due for refresh.
    fn fresh(&self) -> Option<Arc<Token>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .cloned()
    }

    /// A valid token: the cached one, or one fetched (once for all concurrent
    /// callers) by `deadline`.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        deadline: Instant,
    ) -> Result<Arc<Token>> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        // Boxed: inline, the token request (once an hour) would make every
        // call's future as large as itself, and each call moves its future.
        Box::pin(self.refresh(http, deadline)).await
    }

    /// A token fetched (once for all concurrent callers) by `deadline`, or
    /// the one a concurrent caller just fetched.
    async fn refresh(&self, http: &reqwest::Client, deadline: Instant) -> Result<Arc<Token>> {
        let seen = self.completed.load(Ordering::Acquire);
        let Ok(mut flight) = timeout_at(deadline, self.flight.lock()).await else {
            return Err(self.call_timeout());
        };
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if flight.generation != seen
            && let Some(last) = &flight.last
        {
            // A flight completed while we waited: its result is ours, even a
            // token already due for refresh (one that lives 10 s or less), so
            // waiters never fetch one after the other.
            return last.clone();
        }
        let result = self.fetch(http, deadline).await.map(Arc::new);
        if let Ok(token) = &result {
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        }
        flight.generation += 1;
        flight.last = Some(result.clone());
        self.completed.store(flight.generation, Ordering::Release);
        result
    }

    /// Forgets `token` if it is still the cached one.
    pub(crate) fn reject(&self, token: &Arc<Token>) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, token)) {
            *current = None;
        }
    }

    /// Token requests until one succeeds, the retry policy gives up, or the
    /// deadline passes. Getting a token twice does no harm, so every
    /// transient failure is retried, whatever the API call's method.
    async fn fetch(&self, http: &reqwest::Client, deadline: Instant) -> Result<Token> {
        let started = Instant::now();
        let mut attempts = Attempts::default();
        loop {
            attempts.sent_one();
            let Ok(outcome) = timeout_at(deadline, self.try_fetch(http)).await else {
                return Err(self.call_timeout().with_attempts(attempts.sent));
            };
            let failure = match outcome {
                Ok(token) => {
                    log_fetched(&token, attempts.sent, started.elapsed());
                    return Ok(token);
                }
                Err(failure) => failure,
            };
            let call = retry::Call {
                idempotent: true,
                can_refresh: false,
                time_left: deadline.saturating_duration_since(Instant::now()),
                jitter: rand::random(),
            };
            match retry::next(&failure, attempts, &self.settings.retry, call) {
                Next::RetryAfter(wait) => {
                    tracing::debug!(
                        target: "c1",
                        attempt = attempts.sent,
                        status = failure.error.status(),
                        wait_ms = duration_ms(wait),
                        "retrying the token request"
                    );
                    sleep(wait).await;
                }
                Next::RefreshToken | Next::GiveUp => {
                    let error = failure.error.with_attempts(attempts.sent);
                    tracing::debug!(
                        target: "c1",
                        kind = ?error.kind(),
                        status = error.status(),
                        attempts = attempts.sent,
                        "fetching an access token failed"
                    );
                    return Err(error);
                }
            }
        }
    }

    /// One token request, with a freshly signed assertion.
    async fn try_fetch(&self, http: &reqwest::Client) -> Result<Token, Failure> {
        let assertion = assertion::sign_now(&self.credentials, &self.audience);
        let form = [
            ("client_id", self.credentials.client_id()),
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.expose_secret()),
        ];
        let sent_at = Instant::now();
        // A fresh request: it never carries an `Authorization` header.
        let request = http
            .post(&self.token_url)
            .header(ACCEPT, "application/json")
            .form(&form)
            .timeout(self.settings.attempt_timeout);
        let limits = Limits {
            body: MAX_TOKEN_RESPONSE,
            error_body: MAX_TOKEN_RESPONSE,
            connect_timeout: self.settings.connect_timeout,
        };
        let reply = transport::exchange(request, limits)
            .await
            .map_err(|failure| Failure {
                error: self.in_context(failure.error),
                ..failure
            })?;
        if !reply.is_success() {
            let secrets = [assertion.expose_secret().as_bytes()];
            return Err(self.refused(&reply, &secrets));
        }
        parse_token_response(&reply.body, sent_at)
            .map_err(|msg| Failure::never(self.auth_error(msg).with_status(reply.status)))
    }

    fn auth_error(&self, message: String) -> Error {
        Error::new(
            ErrorKind::Auth,
            format!("signing in at {} failed: {message}", self.token_url),
        )
    }

    /// A transport or size error of the token request, saying it was one.
    fn in_context(&self, error: Error) -> Error {
        let kind = match error.kind() {
            ErrorKind::TooLarge => ErrorKind::Auth,
            kind => kind,
        };
        error.reworded(kind, |message| {
            format!("signing in at {} failed: {message}", self.token_url)
        })
    }

    /// The call's deadline passed while waiting for a token.
    fn call_timeout(&self) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!(
                "the call timeout expired while signing in at {}",
                self.token_url
            ),
        )
        .with_timeout(TimeoutKind::Call)
    }

    /// The failure for a non-2xx token answer. A 400, 401 or 403 says the
    /// credentials were refused; any other status is the endpoint's trouble,
    /// retried when transient. The details shown are the OAuth error, the
    /// `google.rpc.Status`, or the start of the body, with the assertion
    /// removed (a server may echo the request).
    fn refused(&self, reply: &Reply, secrets: &[&[u8]]) -> Failure {
        #[derive(serde::Deserialize)]
        struct OAuthError {
            error: String,
            #[serde(default)]
            error_description: Option<String>,
        }
        let status = reply.status;
        let blames_credentials = matches!(status, 400 | 401 | 403);
        let what = if blames_credentials {
            "the token endpoint refused the client credentials".to_owned()
        } else {
            format!("the token endpoint answered {status}")
        };
        let body = redact(&reply.body, secrets, reply.cut);
        let mut error = if let Ok(e) = serde_json::from_slice::<OAuthError>(&body) {
            // An OAuth error code is a short word (`invalid_client`); any
            // other value is not quoted (see `crate::shown`).
            let mut message = match quoted(&e.error).filter(|_| e.error.len() <= MAX_WORD) {
                Some(code) => format!("{what}: {code}"),
                None => format!("{what} (its error code is not shown)"),
            };
            if let Some(d) = e.error_description.filter(|d| !d.is_empty()) {
                message.push_str(&format!(": {}", truncate(&d)));
            }
            self.auth_error(message)
        } else if let Ok(api) = serde_json::from_slice::<ApiStatus>(&body)
            && !api.message.is_empty()
        {
            self.auth_error(what).with_api_status(api)
        } else {
            let snippet = crate::error::redacted_snippet(&body, &[], reply.cut);
            let error = self.auth_error(what);
            if snippet.is_empty() {
                error
            } else {
                error.with_body_snippet(snippet)
            }
        };
        error = error
            .with_status(status)
            .with_retry_after(reply.retry_after);
        Failure {
            error,
            retry: if blames_credentials {
                Retry::Never
            } else {
                Retry::for_status(status)
            },
            retry_after: reply.retry_after,
            unauthorized: false,
        }
    }
}

/// The one event of a token fetch or refresh.
fn log_fetched(token: &Token, attempts: u32, elapsed: Duration) {
    let lifetime = token.expires_at.saturating_duration_since(Instant::now());
    tracing::debug!(
        target: "c1",
        attempts,
        elapsed_ms = duration_ms(elapsed),
        expires_in_s = lifetime.as_secs(),
        "fetched an access token"
    );
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.current.read().map(|c| c.is_some()).unwrap_or(false);
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.credentials.client_id())
            .field("secret", &"[redacted]")
            .field("token_url", &self.token_url)
            .field("token", &if cached { "[redacted]" } else { "none" })
            .finish()
    }
}

/// At most [`SNIPPET_CHARS`] characters of `s`.
fn truncate(s: &str) -> String {
    match s.char_indices().nth(SNIPPET_CHARS) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

/// Reads a 2xx token answer. Error messages never quote the body (it holds
/// the token): no serde message, only what is wrong.
pub(crate) fn parse_token_response(body: &[u8], sent_at: Instant) -> Result<Token, String> {
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(default)]
        access_token: Option<String>,
        #[serde(default)]
        token_type: Option<String>,
        #[serde(default)]
        expires_in: Option<serde_json::Value>,
    }
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the token response is not the expected JSON object (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    if let Some(kind) = &answer.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        // A token type is a short word (`mac`, `DPoP`); a server may put
        // anything there, even the assertion it was sent: only a short
        // value that may be shown is quoted (see `crate::shown`).
        return Err(match quoted(kind).filter(|_| kind.len() <= MAX_WORD) {
            Some(kind) => format!("the token type is {kind}, not `Bearer`"),
            None => "the token type is not `Bearer` (the value is not shown)".to_owned(),
        });
    }
    let access_token = Zeroizing::new(answer.access_token.unwrap_or_default());
    // Some servers send the token already prefixed with `bearer `.
    let header = super::bearer_header(&access_token).map_err(|problem| match problem {
        super::BadToken::Empty => {
            "the token response has an empty or missing `access_token`".to_owned()
        }
        super::BadToken::NotHeaderSafe => format!("the access token {problem}"),
    })?;
    let lifetime = match &answer.expires_in {
        None | Some(serde_json::Value::Null) => DEFAULT_LIFETIME,
        Some(v) => parse_lifetime(v).ok_or_else(|| {
            "the token response's `expires_in` is not a number of seconds".to_owned()
        })?,
    }
    .min(MAX_LIFETIME);
    Ok(Token {
        header,
        refresh_at: sent_at + (lifetime - refresh_margin(lifetime)),
        expires_at: sent_at + lifetime,
    })
}

/// `expires_in` as a non-negative number of seconds (a number or a numeric string).
fn parse_lifetime(v: &serde_json::Value) -> Option<Duration> {
    let secs = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(
        secs.min(MAX_LIFETIME.as_secs_f64()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> TokenSource {
        use base64::Engine as _;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
        let key = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519",
            "x": B64.encode(key.verifying_key().to_bytes()), "d": B64.encode([2u8; 32])});
        let secret = format!(
            "secret-token:conductorone.com:v1:{}",
            B64.encode(jwk.to_string())
        );
        let creds = ClientCredentials::parse("n@acme/pcc", &secret.into()).unwrap();
        let settings = TokenSettings {
            attempt_timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        };
        TokenSource::new(creds, "https://acme.conductor.one", settings).unwrap()
    }

    fn token(value: &str, lifetime: u64) -> Arc<Token> {
        let now = Instant::now();
        Arc::new(Token {
            header: HeaderValue::from_str(value).unwrap(),
            refresh_at: now + Duration::from_secs(lifetime),
            expires_at: now + Duration::from_secs(lifetime),
        })
    }

    #[test]
    fn reject_drops_only_the_token_that_was_sent() {
        let source = source();
        assert_eq!(source.audience, "acme.conductor.one");
        assert_eq!(source.token_url, "https://acme.conductor.one/auth/v1/token");
        let old = token("Bearer old", 60);
        let new = token("Bearer new", 60);
        *source.current.write().unwrap() = Some(new.clone());
        source.reject(&old);
        assert!(Arc::ptr_eq(&source.fresh().unwrap(), &new));
        // Same value, another token: still kept (identity, not equality).
        source.reject(&token("Bearer new", 60));
        assert!(source.fresh().is_some());
        source.reject(&new);
        assert!(source.fresh().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn fresh_until_refresh_at() {
        let source = source();
        *source.current.write().unwrap() = Some(token("Bearer t", 30));
        assert!(source.fresh().is_some());
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(source.fresh().is_some());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(source.fresh().is_none());
        let debug = format!("{source:?}");
        assert!(
            debug.contains("[redacted]") && !debug.contains("Bearer t"),
            "{debug}"
        );
    }

    /// An OAuth error code is quoted only when it is a short word: a server
    /// may put a credential there that the request did not carry.
    #[test]
    fn an_oauth_error_code_is_quoted_only_when_it_is_a_short_word() {
        let source = source();
        let refused = |code: &str| {
            let reply = Reply {
                status: 400,
                retry_after: None,
                body: serde_json::json!({"error": code}).to_string().into(),
                cut: false,
            };
            source.refused(&reply, &[]).error.to_string()
        };
        let said = refused("invalid_client");
        assert!(
            said.ends_with("refused the client credentials: `invalid_client`"),
            "{said}"
        );
        for code in [
            "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln",
            "secret-token:conductorone.com:v1:abc",
            "a-code-that-goes-on-far-too-long-to-be-one",
            "two\nlines",
        ] {
            let said = refused(code);
            assert!(said.ends_with("(its error code is not shown)"), "{said}");
        }
    }

    #[test]
    fn margins() {
        let s = Duration::from_secs;
        assert_eq!(refresh_margin(s(600)), s(60));
        assert_eq!(refresh_margin(s(300)), s(60));
        assert_eq!(refresh_margin(s(60)), s(30));
        assert_eq!(refresh_margin(s(15)), s(10));
        assert_eq!(refresh_margin(s(8)), s(8));
        assert_eq!(refresh_margin(s(0)), s(0));
    }

    #[test]
    fn token_answers() {
        let now = Instant::now();
        let t = parse_token_response(
            br#"{"access_token":"abc","token_type":"bearer","expires_in":600}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.header, "Bearer abc");
        assert!(t.header.is_sensitive());
        assert_eq!(t.expires_at - now, Duration::from_secs(600));
        assert_eq!(t.refresh_at - now, Duration::from_secs(540));

        let t = parse_token_response(
            br#"{"access_token":"BEARER xyz","token_type":"Bearer"}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.header, "Bearer xyz");
        assert_eq!(t.expires_at - now, DEFAULT_LIFETIME);

        let t = parse_token_response(br#"{"access_token":"a","expires_in":"1e12"}"#, now).unwrap();
        assert_eq!(t.expires_at - now, MAX_LIFETIME);

        for (body, want) in [
            (&br#"{"access_token":""}"#[..], "empty"),
            (br#"{"access_token":"bearer  "}"#, "empty"),
            (br#"{}"#, "missing"),
            (br#"{"access_token":"a","token_type":"mac"}"#, "`mac`"),
            (br#"{"access_token":"a","expires_in":-1}"#, "expires_in"),
            (br#"{"access_token":"a","expires_in":true}"#, "expires_in"),
            (br#"{"access_token":"a\nb"}"#, "not allowed"),
            (br#"{"access_token":"sekrit","#, "not the expected JSON"),
            (br#"{"access_token":5}"#, "not the expected JSON"),
            (b"<html>", "not the expected JSON"),
        ] {
            let err = parse_token_response(body, now).unwrap_err();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains("sekrit"));
        }
    }
}
