//! Authentication: which `Authorization` header a request carries.
//!
//! A static bearer token, or ConductorOne's client-credentials flow with a
//! token cache shared by every clone of a `Client`.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, ErrorKind, Result};

/// How a client authenticates.
#[derive(Clone)]
pub(crate) enum Auth {
    /// No `Authorization` header (only useful against a test server).
    None,
    /// A fixed `Authorization: Bearer <token>` value.
    Bearer(HeaderValue),
}

/// The header a request was sent with, kept so a 401 can reject exactly it.
pub(crate) struct Credential {
    pub(crate) header: HeaderValue,
}

impl Auth {
    /// A static bearer token; `Bearer ` is prefixed unless present.
    pub(crate) fn bearer(token: &SecretString) -> Result<Auth> {
        let token = token.expose_secret().trim();
        let has_prefix = token
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "));
        let value = if has_prefix {
            token.to_owned()
        } else {
            format!("Bearer {token}")
        };
        if value.len() <= 7 {
            return Err(Error::new(ErrorKind::Config, "the bearer token is empty"));
        }
        let mut header = HeaderValue::from_str(&value).map_err(|_| {
            Error::new(
                ErrorKind::Config,
                "the bearer token contains characters not allowed in an HTTP header",
            )
        })?;
        header.set_sensitive(true);
        Ok(Auth::Bearer(header))
    }

    /// The credential to attach to the next request, if any.
    pub(crate) async fn credential(&self, _http: &reqwest::Client) -> Result<Option<Credential>> {
        match self {
            Auth::None => Ok(None),
            Auth::Bearer(header) => Ok(Some(Credential {
                header: header.clone(),
            })),
        }
    }

    /// Whether a 401 can be answered by fetching a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        false
    }

    /// Forget `credential` after the API rejected it with 401.
    pub(crate) fn reject(&self, _credential: &Credential) {}
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}
