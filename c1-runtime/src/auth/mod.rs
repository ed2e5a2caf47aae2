//! Authentication: which `Authorization` header a request carries.
//!
//! A static bearer token, or ConductorOne's client-credentials flow with a
//! token cache shared by every clone of a `Client`.

mod assertion;
mod credentials;
mod token;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Result};

/// How a client authenticates.
#[derive(Clone)]
pub(crate) enum Auth {
    /// No `Authorization` header (only useful against a test server).
    None,
    /// A fixed `Authorization: Bearer <token>` value.
    Bearer(HeaderValue),
    /// Client credentials: tokens fetched from `/auth/v1/token` and cached.
    ClientCredentials(Arc<TokenSource>),
}

pub(crate) use credentials::{ClientCredentials, normalize_host, parse_client_id, shown_client_id};
pub(crate) use token::{TokenSettings, TokenSource};

/// The header a request was sent with, kept so a 401 can reject exactly it.
pub(crate) enum Credential<'a> {
    /// The client's fixed bearer header, borrowed: no reference count is
    /// touched per call.
    Static(&'a HeaderValue),
    /// A cached token (client credentials).
    Token(Arc<token::Token>),
}

impl Credential<'_> {
    /// The `Authorization` header value.
    pub(crate) fn header(&self) -> &HeaderValue {
        match self {
            Credential::Static(header) => header,
            Credential::Token(token) => &token.header,
        }
    }

    /// The token itself (the header without its scheme), to keep out of errors.
    pub(crate) fn secret(&self) -> &[u8] {
        let header = self.header().as_bytes();
        match header.iter().position(|b| *b == b' ') {
            Some(space) => &header[space + 1..],
            None => header,
        }
    }
}

impl fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential([redacted])")
    }
}

impl Auth {
    /// A static bearer token; `Bearer ` is prefixed unless present.
    pub(crate) fn bearer(token: &SecretString) -> Result<Auth> {
        bearer_header(token.expose_secret())
            .map(Auth::Bearer)
            .map_err(|problem| Error::new(ErrorKind::Config, format!("the bearer token {problem}")))
    }

    /// Client credentials signing in at `<base_url>/auth/v1/token`, with
    /// the client's retry policy and timeouts.
    pub(crate) fn client_credentials(
        credentials: ClientCredentials,
        base_url: &str,
        settings: TokenSettings,
    ) -> Result<Auth> {
        Ok(Auth::ClientCredentials(Arc::new(TokenSource::new(
            credentials,
            base_url,
            settings,
        )?)))
    }

    /// The credential to attach to the next request, if any; a token is
    /// fetched by `deadline` or not at all.
    pub(crate) async fn credential(
        &self,
        http: &reqwest::Client,
        deadline: Instant,
    ) -> Result<Option<Credential<'_>>> {
        match self {
            Auth::None => Ok(None),
            Auth::Bearer(header) => Ok(Some(Credential::Static(header))),
            Auth::ClientCredentials(source) => {
                let token = source.token(http, deadline).await?;
                Ok(Some(Credential::Token(token)))
            }
        }
    }

    /// Whether a 401 can be answered by fetching a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Auth::ClientCredentials(_))
    }

    /// Forget `credential` after the API rejected it with 401 (only if it is
    /// still the cached token: a newer one is kept).
    pub(crate) fn reject(&self, credential: &Credential) {
        if let (Auth::ClientCredentials(source), Credential::Token(token)) = (self, credential) {
            source.reject(token);
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
            Auth::ClientCredentials(source) => fmt::Debug::fmt(source, f),
        }
    }
}

/// What makes a token unusable as a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadToken {
    /// Nothing is left once whitespace and a `bearer ` prefix are removed.
    Empty,
    /// A character not allowed in an HTTP header value.
    NotHeaderSafe,
}

impl fmt::Display for BadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BadToken::Empty => "is empty",
            BadToken::NotHeaderSafe => "contains characters not allowed in an HTTP header",
        })
    }
}

/// The `Authorization` value for `token`, which may already start with
/// `bearer ` (any case); the error says what is wrong, without the token.
pub(crate) fn bearer_header(token: &str) -> std::result::Result<HeaderValue, BadToken> {
    let token = token.trim();
    let token = match (token.get(..6), token.get(6..)) {
        (Some(prefix), Some(rest))
            if prefix.eq_ignore_ascii_case("bearer")
                && (rest.is_empty() || rest.starts_with(char::is_whitespace)) =>
        {
            rest.trim_start()
        }
        _ => token,
    };
    if token.is_empty() {
        return Err(BadToken::Empty);
    }
    let value = secrecy::zeroize::Zeroizing::new(format!("Bearer {token}"));
    let mut header = HeaderValue::from_str(&value).map_err(|_| BadToken::NotHeaderSafe)?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::{BadToken, bearer_header};

    #[test]
    fn bearer_prefix_is_added_once_and_empty_tokens_refused() {
        for (given, sent) in [
            ("tok", "Bearer tok"),
            ("Bearer tok", "Bearer tok"),
            ("bearer   tok ", "Bearer tok"),
            ("BEARER tok", "Bearer tok"),
            ("Bearertok", "Bearer Bearertok"),
        ] {
            assert_eq!(bearer_header(given).unwrap(), sent, "{given:?}");
        }
        for empty in ["", "  ", "Bearer", "Bearer ", "bearer   "] {
            assert_eq!(bearer_header(empty), Err(BadToken::Empty), "{empty:?}");
        }
        assert_eq!(bearer_header("a\u{1}b"), Err(BadToken::NotHeaderSafe));
    }
}
