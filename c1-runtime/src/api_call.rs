//! An endpoint call as an [`Operation`] of the attempt loop: its span, its
//! request, how its answers are read and its one log event.
//!
//! `start` (the call's span; boxes the pipeline) -> [`send::invoke`]
//! (the attempt loop) -> `transport` -> `decode` (in the [`Call`](crate::Call)
//! future).

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::Auth;
use crate::client::{Client, ClientInner};
use crate::decode::status_failure;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::log::duration_ms;
use crate::retry::{Failure, deadline_from};
use crate::send::{self, Operation};
use crate::sent::{Sending, Sent};
use crate::transport::{ERROR_BODY_LIMIT, Limits, Reply};

/// The pipeline of a call: sends `body` to `url` as `endpoint` and returns
/// the 2xx answer, retrying transient failures as the client's
/// [`RetryPolicy`](crate::RetryPolicy) says. Boxed here, inside the call's
/// span when a subscriber wants it (otherwise no span is entered on each
/// poll).
pub(crate) fn start(
    client: &Client,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Sending {
    // The span names the template only: path and query values can be personal data.
    let span = tracing::debug_span!(
        target: "c1",
        "c1.request",
        method = endpoint.method.as_str(),
        path = endpoint.template,
    );
    let call = ApiCall {
        endpoint,
        url,
        parsed: None,
        body,
    };
    // The call keeps the client alive (a reference count): it borrows
    // nothing. Made inside `Box::pin`: a future made first and then boxed
    // is copied whole, twice.
    let inner = Arc::clone(&client.inner);
    if span.is_disabled() {
        Box::pin(send::invoke(inner, call))
    } else {
        Box::pin(send::invoke(inner, call).instrument(span))
    }
}

/// One call of an endpoint.
struct ApiCall {
    endpoint: &'static Endpoint,
    url: String,
    /// The URL parsed before the first attempt, taken by it.
    parsed: Option<reqwest::Url>,
    body: Option<Bytes>,
}

impl Operation for ApiCall {
    type Output = Reply;

    fn auth<'i>(&self, inner: &'i ClientInner) -> &'i Auth {
        &inner.auth
    }

    fn idempotent(&self) -> bool {
        self.endpoint.idempotent
    }

    fn deadline(&self, inner: &ClientInner, started: Instant) -> Instant {
        deadline_from(started, inner.timeouts.call)
    }

    /// Parses the URL before the first attempt (and any token request); it
    /// is parsed again only for a retry.
    fn check(&mut self, inner: &ClientInner) -> Result<()> {
        self.parsed = Some(parse_url(inner, &self.url)?);
        Ok(())
    }

    fn request(&mut self, inner: &ClientInner) -> Result<reqwest::RequestBuilder> {
        let url = match self.parsed.take() {
            Some(url) => url,
            None => parse_url(inner, &self.url)?,
        };
        let mut request = inner
            .http
            .request(self.endpoint.method.to_reqwest(), url)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = &self.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        Ok(request)
    }

    fn limits(&self, inner: &ClientInner) -> Limits {
        Limits {
            body: inner.max_response_bytes,
            error_body: inner.max_response_bytes.min(ERROR_BODY_LIMIT),
            connect_timeout: inner.timeouts.connect,
        }
    }

    fn answered(&mut self, reply: Reply) -> Result<Reply, Failure> {
        Ok(reply)
    }

    fn refused(&self, reply: &Reply, secrets: &[&[u8]]) -> Failure {
        status_failure(reply, secrets)
    }

    /// Logs the one event of a call (inside its span); an error names the
    /// request. The elapsed time is read inside the macros: only when the
    /// event is enabled, not on every call.
    fn finished(&self, result: Result<Sent<Reply>>, started: Instant) -> Result<Sent<Reply>> {
        let result =
            result.map_err(|e| e.with_request(self.endpoint.method, self.endpoint.template));
        match &result {
            Ok(sent) => tracing::debug!(
                target: "c1",
                status = sent.output.status,
                attempts = sent.attempts,
                elapsed_ms = duration_ms(started.elapsed()),
                "call finished"
            ),
            Err(err) => tracing::debug!(
                target: "c1",
                kind = ?err.kind(),
                status = err.status(),
                timeout = err.timeout().map(tracing::field::display),
                attempts = err.attempts(),
                elapsed_ms = duration_ms(started.elapsed()),
                "call failed"
            ),
        }
        result
    }
}

/// Parses the request URL; an error says what is wrong without repeating it.
fn parse_url(inner: &ClientInner, url: &str) -> Result<reqwest::Url> {
    inner.origin.parse(url).map_err(|e| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("the request URL is not valid: {e}; no request was sent"),
        )
    })
}
