//! The token endpoint, `<base>/auth/v1/token`: the grants c1 signs in with
//! (client credentials, token exchange), each token request sent through
//! the attempt loop ([`send::invoke`]) as an [`Operation`], and the answer.
//!
//! Getting a token twice does no harm, so every transient failure of the
//! token endpoint is retried, whatever the API call's method; a `400`,
//! `401` or `403` means the grant was refused and is not retried. The token
//! request runs within the deadline of the call that needed it.

use std::fmt;
use std::time::Duration;

use reqwest::header::ACCEPT;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret as _, SecretString};
use tokio::time::Instant;

use super::Auth;
use super::assertion;
use super::cache::{BoxFuture, DEFAULT_LIFETIME, MAX_LIFETIME, Resolve, Token};
use super::credentials::ClientCredentials;
use super::exchange::TokenExchange;
use crate::client::ClientInner;
use crate::error::{ApiStatus, Error, ErrorKind, Result};
use crate::log::duration_ms;
use crate::redact::redact;
use crate::retry::{Failure, Retry};
use crate::send::{self, Operation};
use crate::sent::Sent;
use crate::shown::quoted;
use crate::transport::{Limits, Reply};

/// The largest token response read.
const MAX_TOKEN_RESPONSE: u64 = 64 * 1024;
/// How much of an error description an error keeps.
const SNIPPET_CHARS: usize = 256;
/// The longest token type or OAuth error code an error quotes.
const MAX_WORD: usize = 32;

/// No `Authorization` header: a token request carries its grant in its form.
static NO_AUTH: Auth = Auth::None;

/// What a token request trades for an access token.
pub(crate) enum Grant {
    /// `client_credentials` with an assertion signed by the client secret.
    ClientCredentials(ClientCredentials),
    /// RFC 8693 token exchange of a workload's OIDC token.
    TokenExchange(TokenExchange),
}

impl Grant {
    /// The client ID the grant is for.
    fn client_id(&self) -> &str {
        match self {
            Grant::ClientCredentials(credentials) => credentials.client_id(),
            Grant::TokenExchange(exchange) => exchange.client_id(),
        }
    }

    /// What the token endpoint refuses when it answers 400, 401 or 403.
    fn what(&self) -> &'static str {
        match self {
            Grant::ClientCredentials(_) => "the client credentials",
            Grant::TokenExchange(_) => "the OIDC token",
        }
    }

    /// The credential of one token request: a freshly signed assertion, or
    /// the OIDC token (read afresh from its file, if it has one).
    fn credential(&self, audience: &str) -> Result<SecretString> {
        match self {
            Grant::ClientCredentials(credentials) => Ok(assertion::sign_now(credentials, audience)),
            Grant::TokenExchange(exchange) => exchange.subject_token(),
        }
    }

    /// The form of a token request carrying `credential`.
    fn form<'a>(&'a self, credential: &'a str) -> [(&'a str, &'a str); 4] {
        match self {
            Grant::ClientCredentials(credentials) => [
                ("client_id", credentials.client_id()),
                ("grant_type", "client_credentials"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", credential),
            ],
            Grant::TokenExchange(exchange) => [
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                ),
                ("subject_token", credential),
                ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
                ("client_id", exchange.client_id()),
            ],
        }
    }
}

/// A grant and where to trade it: the resolver of client credentials and
/// of token exchange.
pub(crate) struct TokenEndpoint {
    grant: Grant,
    url: reqwest::Url,
    /// The URL as messages show it.
    token_url: String,
    /// The assertion's `aud` claim: the token URL's host without port.
    audience: String,
}

impl TokenEndpoint {
    /// `grant`, traded at `<base_url>/auth/v1/token`.
    pub(crate) fn new(grant: Grant, base_url: &str) -> Result<TokenEndpoint> {
        let token_url = format!("{}/auth/v1/token", base_url.trim_end_matches('/'));
        let no_host = || {
            Error::new(
                ErrorKind::Config,
                format!("the token URL `{token_url}` has no host"),
            )
        };
        let url = reqwest::Url::parse(&token_url).map_err(|_| no_host())?;
        let audience = url.host_str().ok_or_else(no_host)?.to_owned();
        Ok(TokenEndpoint {
            grant,
            url,
            token_url,
            audience,
        })
    }

    fn auth_error(&self, message: String) -> Error {
        Error::new(
            ErrorKind::Auth,
            format!("signing in at {} failed: {message}", self.token_url),
        )
    }

    /// An error of the token request (transport, size, timeout, the grant's
    /// own), saying it was one: an `Auth` error (getting a token failed),
    /// the cause kept in the message, [`Error::is_connect`] and the source;
    /// a timeout stays a `Timeout`, whichever request it cut.
    fn in_context(&self, error: Error) -> Error {
        let kind = match error.kind() {
            ErrorKind::Timeout => ErrorKind::Timeout,
            _ => ErrorKind::Auth,
        };
        error.reworded(kind, |message| {
            format!("signing in at {} failed: {message}", self.token_url)
        })
    }

    /// The failure for a non-2xx token answer. A 400, 401 or 403 says the
    /// credentials were refused; any other status is the endpoint's trouble,
    /// retried when transient. The details shown are the OAuth error, the
    /// `google.rpc.Status`, or the start of the body, with `secrets` (the
    /// assertion or the OIDC token) removed: a server may echo the request.
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
            format!("the token endpoint refused {}", self.grant.what())
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

impl Resolve for TokenEndpoint {
    fn resolve<'a>(
        &'a self,
        inner: &'a ClientInner,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Token>> {
        let request = TokenRequest {
            endpoint: self,
            deadline,
            credential: None,
            asked_at: Instant::now(),
        };
        Box::pin(async move {
            let sent = send::invoke(inner, request).await?;
            Ok(sent.output)
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>, token: &str) -> fmt::Result {
        let mut d = match &self.grant {
            Grant::ClientCredentials(credentials) => {
                let mut d = f.debug_struct("ClientCredentials");
                d.field("client_id", &credentials.client_id())
                    .field("secret", &"[redacted]");
                d
            }
            Grant::TokenExchange(exchange) => {
                let mut d = f.debug_struct("TokenExchange");
                d.field("client_id", &self.grant.client_id());
                exchange.describe_subject(&mut d);
                d
            }
        };
        d.field("token_url", &self.token_url)
            .field("token", &token)
            .finish()
    }
}

/// One token request in the attempt loop.
struct TokenRequest<'a> {
    endpoint: &'a TokenEndpoint,
    /// The deadline of the call that needs the token.
    deadline: Instant,
    /// The current attempt's credential (assertion or OIDC token), kept out
    /// of errors.
    credential: Option<SecretString>,
    /// When the current attempt was made: the token's lifetime runs from here.
    asked_at: Instant,
}

impl Operation for TokenRequest<'_> {
    type Output = Token;

    fn auth<'i>(&self, _: &'i ClientInner) -> &'i Auth {
        &NO_AUTH
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn deadline(&self, _: &ClientInner, _: Instant) -> Instant {
        self.deadline
    }

    fn request(&mut self, inner: &ClientInner) -> Result<reqwest::RequestBuilder> {
        let endpoint = self.endpoint;
        let credential = endpoint
            .grant
            .credential(&endpoint.audience)
            .map_err(|e| endpoint.in_context(e))?;
        self.asked_at = Instant::now();
        // A fresh request: it never carries an `Authorization` header.
        let request = inner
            .http
            .post(endpoint.url.clone())
            .header(ACCEPT, "application/json")
            .form(&endpoint.grant.form(credential.expose_secret()));
        self.credential = Some(credential);
        Ok(request)
    }

    fn limits(&self, inner: &ClientInner) -> Limits {
        Limits {
            body: MAX_TOKEN_RESPONSE,
            error_body: MAX_TOKEN_RESPONSE,
            connect_timeout: inner.timeouts.connect,
        }
    }

    fn answered(&mut self, reply: Reply) -> Result<Token, Failure> {
        parse_token_response(&reply.body, self.asked_at).map_err(|message| {
            Failure::never(self.endpoint.auth_error(message).with_status(reply.status))
        })
    }

    fn refused(&self, reply: &Reply, secrets: &[&[u8]]) -> Failure {
        let mut secrets = secrets.to_vec();
        if let Some(credential) = &self.credential {
            secrets.push(credential.expose_secret().as_bytes());
        }
        self.endpoint.refused(reply, &secrets)
    }

    fn failed(&self, failure: Failure) -> Failure {
        Failure {
            error: self.endpoint.in_context(failure.error),
            ..failure
        }
    }

    /// The one event of a token request, retries included.
    fn finished(&self, result: Result<Sent<Token>>, started: Instant) -> Result<Sent<Token>> {
        match &result {
            Ok(sent) => tracing::debug!(
                target: "c1",
                attempts = sent.attempts,
                elapsed_ms = duration_ms(started.elapsed()),
                expires_in_s = sent
                    .output
                    .expires_at
                    .saturating_duration_since(Instant::now())
                    .as_secs(),
                "fetched an access token"
            ),
            Err(error) => tracing::debug!(
                target: "c1",
                kind = ?error.kind(),
                status = error.status(),
                attempts = error.attempts(),
                "fetching an access token failed"
            ),
        }
        result
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
    Ok(Token::new(header, sent_at, Some(lifetime)))
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

    fn endpoint() -> TokenEndpoint {
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
        TokenEndpoint::new(
            Grant::ClientCredentials(creds),
            "https://acme.conductor.one",
        )
        .unwrap()
    }

    #[test]
    fn the_endpoint_and_the_audience_come_from_the_base_url() {
        let endpoint = endpoint();
        assert_eq!(endpoint.audience, "acme.conductor.one");
        assert_eq!(
            endpoint.token_url,
            "https://acme.conductor.one/auth/v1/token"
        );
    }

    /// An OAuth error code is quoted only when it is a short word: a server
    /// may put a credential there that the request did not carry.
    #[test]
    fn an_oauth_error_code_is_quoted_only_when_it_is_a_short_word() {
        let source = endpoint();
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
