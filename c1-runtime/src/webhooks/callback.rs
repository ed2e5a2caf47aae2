//! Answering a delivery later: its response document `POST`ed to the
//! single-use callback URL it came with.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::exchange::Exchange;
use crate::client::Client;
use crate::endpoint::Method;
use crate::error::{Error, ErrorKind};

/// What errors and logs name instead of a callback URL.
const TEMPLATE: &str = "{callback_url}";

/// The largest answer to a callback read: ConductorOne answers `{}`.
const MAX_REPLY_BYTES: u64 = 64 * 1024;

/// A delivery's callback URL: a single-use URL on the tenant that carries
/// its own token, so `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackUrl(String);

impl CallbackUrl {
    /// Wraps `url` (checked when it is used).
    pub fn new(url: impl Into<String>) -> CallbackUrl {
        CallbackUrl(url.into())
    }

    /// The URL. It is a credential for one answer: keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CallbackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackUrl([redacted])")
    }
}

/// Why an answer could not be delivered through a callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CallbackError {
    /// ConductorOne answered `400`: the callback was used already, or its
    /// deadline (the webhook's callback timeout, 1 to 30 days) passed.
    /// Nothing more can be sent for this delivery.
    UsedOrExpired(Error),
    /// Nothing was sent: the URL is not on the tenant, the document is
    /// empty, or the answer does not fit the delivery; the text says which
    /// (never quoting the URL).
    NotSent(String),
    /// The request failed otherwise (transport, timeouts, another status).
    Failed(Error),
}

impl CallbackError {
    /// Whether the callback was used already or has expired.
    pub fn is_used_or_expired(&self) -> bool {
        matches!(self, CallbackError::UsedOrExpired(_))
    }

    /// The error of the request, when one was sent.
    pub fn error(&self) -> Option<&Error> {
        match self {
            CallbackError::UsedOrExpired(e) | CallbackError::Failed(e) => Some(e),
            CallbackError::NotSent(_) => None,
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::UsedOrExpired(e) => {
                write!(f, "the callback was used already or has expired: {e}")
            }
            CallbackError::NotSent(why) => {
                write!(f, "the callback was not sent: ")?;
                crate::error::write_one_line(f, why)
            }
            CallbackError::Failed(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for CallbackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// As c1's one error type: [`NotSent`](CallbackError::NotSent) is an
/// [`ErrorKind::InvalidArgument`] error.
impl From<CallbackError> for Error {
    fn from(e: CallbackError) -> Error {
        match e {
            CallbackError::UsedOrExpired(e) | CallbackError::Failed(e) => e,
            CallbackError::NotSent(why) => Error::new(
                ErrorKind::InvalidArgument,
                format!("the callback was not sent: {why}"),
            )
            .with_request(Method::Post, TEMPLATE),
        }
    }
}

/// Posts `document` (a JSON response document) to `url` through `client`:
/// its transport, timeouts and retry policy, retried like any `POST` (only
/// when the tenant cannot have received it: no connection, `429`, `503`),
/// and never with the client's credential, since the URL carries its own.
///
/// Before sending, `url` must be on the tenant: the scheme, host and port
/// of the client's base URL (so `https` unless the client was built for a
/// plain-http test server), without user info; `document` must not be
/// empty. Either failing is [`CallbackError::NotSent`]. No error or log
/// shows the URL.
pub async fn send_callback(
    client: &Client,
    url: &CallbackUrl,
    document: Bytes,
) -> Result<(), CallbackError> {
    let url = on_tenant(client, url.expose()).map_err(CallbackError::NotSent)?;
    if document.iter().all(u8::is_ascii_whitespace) {
        return Err(CallbackError::NotSent(
            "the response document is empty".to_owned(),
        ));
    }
    let exchange = Exchange {
        method: Method::Post,
        url,
        template: TEMPLATE,
        body: Some(document),
        idempotent: false,
        max_body: MAX_REPLY_BYTES,
        headers: || Ok(HeaderMap::new()),
        sent_secrets: Vec::new(),
        secret_url: true,
    };
    match exchange.send(client).await {
        Ok(_) => Ok(()),
        Err(e) if e.status() == Some(400) => Err(CallbackError::UsedOrExpired(e)),
        Err(e) => Err(CallbackError::Failed(e)),
    }
}

/// `url`, parsed, when it has the client's base URL's scheme, host and port
/// and no user info; else why not.
fn on_tenant(client: &Client, url: &str) -> std::result::Result<reqwest::Url, String> {
    let what = "the callback URL";
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("{what} is not a valid URL ({e})"))?;
    let base = client.inner.origin.base();
    if crate::shown::has_user_info(&parsed) {
        return Err(format!("{what} has user info"));
    }
    if parsed.origin() != base.origin() {
        return Err(format!(
            "{what} is not on the tenant (the scheme, host and port of the client's base URL)"
        ));
    }
    Ok(parsed)
}
