//! Authentication: which `Authorization` header a request carries.
//!
//! A static bearer token, or tokens from an identity cache shared by every
//! clone of a `Client`, in front of one resolver: client credentials and
//! token exchange (both at the token endpoint, `token.rs`), or the user's
//! [`TokenSource`].

mod assertion;
mod cache;
mod credentials;
mod exchange;
mod source;
mod token;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use tokio::time::Instant;

use crate::client::ClientInner;
use crate::error::{Error, ErrorKind, Result};

pub(crate) use cache::{IdentityCache, Resolve};
pub(crate) use credentials::{ClientCredentials, normalize_host, parse_client_id, shown_client_id};
pub(crate) use exchange::{Subject, TokenExchange};
pub(crate) use source::Custom;
pub use source::{AccessToken, BoxError, TokenSource};
pub(crate) use token::{Grant, TokenEndpoint};

/// How a client authenticates.
pub(crate) enum Auth {
    /// No `Authorization` header (only useful against a test server).
    None,
    /// A fixed `Authorization: Bearer <token>` value, shared with the calls
    /// that carry it.
    Static(Arc<HeaderValue>),
    /// Tokens obtained by a resolver and cached.
    Cached(Arc<IdentityCache>),
}

/// The header a request was sent with, kept so a 401 can reject exactly it
/// and so that no error shows it. Owned, as the call that carries it is.
pub(crate) enum Credential {
    /// The client's fixed bearer header: a reference count, which keeps a
    /// call's future as small as a borrow did (a copy would take 40 bytes).
    Static(Arc<HeaderValue>),
    /// A cached token.
    Token(Arc<cache::Token>),
}

impl Credential {
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

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential([redacted])")
    }
}

impl Auth {
    /// A static bearer token; `Bearer ` is prefixed unless present.
    pub(crate) fn bearer(token: &SecretString) -> Result<Auth> {
        bearer_header(token.expose_secret())
            .map(|header| Auth::Static(Arc::new(header)))
            .map_err(|problem| Error::new(ErrorKind::Config, format!("the bearer token {problem}")))
    }

    /// Tokens from `source`, cached.
    pub(crate) fn cached(source: Box<dyn Resolve>) -> Auth {
        Auth::Cached(Arc::new(IdentityCache::new(source)))
    }

    /// The credential to attach to the next request, if any; a token is
    /// obtained by `deadline` or not at all.
    pub(crate) async fn credential(
        &self,
        inner: &ClientInner,
        deadline: Instant,
    ) -> Result<Option<Credential>> {
        match self {
            Auth::None => Ok(None),
            Auth::Static(header) => Ok(Some(Credential::Static(header.clone()))),
            Auth::Cached(cache) => {
                let token = cache.token(inner, deadline).await?;
                Ok(Some(Credential::Token(token)))
            }
        }
    }

    /// Whether a 401 can be answered by obtaining a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Auth::Cached(_))
    }

    /// Forget `credential` after the API rejected it with 401 (only if it is
    /// still the cached token: a newer one is kept).
    pub(crate) fn reject(&self, credential: &Credential) {
        if let (Auth::Cached(cache), Credential::Token(token)) = (self, credential) {
            cache.reject(token);
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Static(_) => f.write_str("Bearer([redacted])"),
            Auth::Cached(cache) => fmt::Debug::fmt(cache, f),
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
