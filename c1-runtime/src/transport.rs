//! One HTTP exchange: send a request, read its answer within limits, and say
//! what a failure to do so means for a retry. Used by API calls and by the
//! token request alike.

use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::error::{Error, ErrorKind, TimeoutKind};
use crate::retry::{Failure, Retry, retry_after};

/// The most memory reserved up front from a `Content-Length`.
const MAX_PREALLOCATION: u64 = 1024 * 1024;

/// How much of a non-2xx body is read: enough for any `google.rpc.Status`
/// worth showing; the rest is not downloaded.
pub(crate) const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// How much of an answer is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The largest 2xx body accepted; a larger one is an error.
    pub(crate) body: u64,
    /// How much of a non-2xx body is read; the rest is not downloaded.
    pub(crate) error_body: u64,
    /// The client's connect timeout, for the message when it expires.
    pub(crate) connect_timeout: Duration,
}

/// An answer, read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The wait the server asked for (`Retry-After`, `retry-after-ms`).
    pub(crate) retry_after: Option<Duration>,
    /// The whole body of a 2xx answer, or the start of any other.
    pub(crate) body: Bytes,
    /// Whether `body` stopped at the read limit (a non-2xx answer): it may
    /// end in the middle of a credential the server echoed.
    pub(crate) cut: bool,
}

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `request` and reads the answer: a 2xx body whole (refused as soon
/// as it passes `limits.body`), any other body up to `limits.error_body`.
///
/// Not an `async fn`: the request is handed to reqwest (which starts no I/O
/// until polled) before the future is made, so the future does not carry
/// the 272-byte builder through every await.
pub(crate) fn exchange(
    request: reqwest::RequestBuilder,
    limits: Limits,
) -> impl Future<Output = Result<Reply, Failure>> {
    read_reply(request.send(), limits)
}

async fn read_reply(
    pending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    limits: Limits,
) -> Result<Reply, Failure> {
    let mut response = pending
        .await
        .map_err(|e| transport_failure(e, limits.connect_timeout))?;
    let status = response.status().as_u16();
    let (retry_after, body, cut) = if response.status().is_success() {
        let body = read_body(&mut response, limits.body)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge(error) => Failure::never(error),
                BodyError::Transport(e) => transport_failure(e, limits.connect_timeout),
            })?;
        (None, body, false)
    } else {
        // A broken error body still leaves the status.
        let retry_after = retry_after(response.headers());
        let body = read_prefix(&mut response, limits.error_body).await;
        let cut = body.len() as u64 >= limits.error_body;
        (retry_after, body, cut)
    };
    Ok(Reply {
        status,
        retry_after,
        body,
        cut,
    })
}

/// Why a body could not be read.
enum BodyError {
    TooLarge(Error),
    Transport(reqwest::Error),
}

/// Reads the whole body, refusing one larger than `limit` bytes as soon as
/// that is known (from `Content-Length`, else while streaming).
async fn read_body(response: &mut reqwest::Response, limit: u64) -> Result<Bytes, BodyError> {
    let too_large = |what: String| {
        BodyError::TooLarge(Error::new(
            ErrorKind::TooLarge,
            format!("the response body {what} the limit of {limit} bytes"),
        ))
    };
    let declared = response.content_length();
    if let Some(len) = declared.filter(|len| *len > limit) {
        return Err(too_large(format!("is {len} bytes (Content-Length), over")));
    }
    // Most bodies arrive in one chunk: keep it as is, copy only when a
    // second one comes.
    let Some(first) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(Bytes::new());
    };
    if first.len() as u64 > limit {
        return Err(too_large("exceeds".to_owned()));
    }
    let Some(second) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(first);
    };
    let capacity = declared
        .unwrap_or(0)
        .min(MAX_PREALLOCATION)
        .max((first.len() + second.len()) as u64);
    let mut buf = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut next = Some(second);
    buf.extend_from_slice(&first);
    drop(first);
    while let Some(chunk) = next {
        if buf.len() as u64 + chunk.len() as u64 > limit {
            return Err(too_large("exceeds".to_owned()));
        }
        buf.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(buf.freeze())
}

/// Reads at most `limit` bytes of the body; stops quietly on an error.
async fn read_prefix(response: &mut reqwest::Response, limit: u64) -> Bytes {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut buf = BytesMut::new();
    while buf.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(limit - buf.len());
                buf.extend_from_slice(&chunk[..take]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    buf.freeze()
}

/// The failure for an error of reqwest: what went wrong, without the URL
/// (a failure to connect names the host and port it tried).
fn transport_failure(e: reqwest::Error, connect_timeout: Duration) -> Failure {
    let host = e.url().map(host_and_port).unwrap_or_default();
    let e = e.without_url();
    let h2 = h2_error(&e);
    let refused = h2.is_some_and(refused_stream);
    // A GOAWAY's debug data is the server's to choose, and may echo the
    // request's credentials: it is left out of the message and the sources.
    let going_away = h2.is_some_and(h2::Error::is_go_away);
    let cause = match h2 {
        Some(h2) if going_away => describe_going_away(h2),
        _ => root_cause(&e),
    };
    let (error, retry) = if e.is_builder() {
        // The request could not even be built (e.g. a URL that is not a
        // valid URI): nothing was sent, and nothing will change on a retry.
        (
            Error::new(
                ErrorKind::InvalidArgument,
                format!("the request cannot be sent: {cause}; no request was sent"),
            ),
            Retry::Never,
        )
    } else if e.is_timeout() && e.is_connect() {
        (
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "could not connect{host} within the connect timeout of {connect_timeout:?}"
                ),
            )
            .with_timeout(TimeoutKind::Connect)
            .with_connect_failure(),
            // Nothing was sent: safe for any method.
            Retry::Any,
        )
    } else if e.is_connect() {
        (
            Error::new(
                ErrorKind::Transport,
                format!("could not connect{host}: {cause}"),
            )
            .with_connect_failure(),
            Retry::Any,
        )
    } else if refused {
        (
            Error::new(
                ErrorKind::Transport,
                format!("the server refused the request without acting on it: {cause}"),
            ),
            // HTTP/2 says the request was not processed: safe for any method.
            Retry::Any,
        )
    } else if e.is_timeout() {
        (
            Error::new(ErrorKind::Timeout, format!("timed out: {cause}"))
                .with_timeout(TimeoutKind::Attempt),
            Retry::Idempotent,
        )
    } else {
        (
            Error::new(
                ErrorKind::Transport,
                format!("the connection failed: {cause}"),
            ),
            Retry::Idempotent,
        )
    };
    Failure {
        error: if going_away {
            error
        } else {
            error.with_source(e)
        },
        retry,
        retry_after: None,
        unauthorized: false,
    }
}

/// ` to <host>:<port>` of a request's URL: the host as parsed (a name, an
/// IPv4 address or a bracketed IPv6 one) and the port, explicit or the
/// scheme's. Never the user info, path or query: the client refuses a base
/// URL with user info, and the rest may carry values.
fn host_and_port(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!(" to {host}:{port}"),
        (Some(host), None) => format!(" to {host}"),
        _ => String::new(),
    }
}

/// Whether an HTTP/2 server refused the request's stream before processing
/// it: a `REFUSED_STREAM` reset, or a graceful `GOAWAY` (`NO_ERROR`) that
/// the stream came after (RFC 9113, section 8.7). reqwest's own retry of
/// these is turned off ([`crate::http_client`]): c1's retry loop owns every
/// retry, so each one is counted, logged and bounded by the call's deadline.
fn refused_stream(e: &h2::Error) -> bool {
    let refused = e.is_reset() && e.reason() == Some(h2::Reason::REFUSED_STREAM);
    let going_away = e.is_go_away() && e.reason() == Some(h2::Reason::NO_ERROR);
    e.is_remote() && (refused || going_away)
}

/// A `GOAWAY` by its error code alone (`Display` adds the debug data).
fn describe_going_away(e: &h2::Error) -> String {
    match e.reason() {
        Some(reason) => format!("HTTP/2 GOAWAY ({reason})"),
        None => "HTTP/2 GOAWAY".to_owned(),
    }
}

/// The HTTP/2 error among the causes of `e`, if any.
fn h2_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a h2::Error> {
    causes(e).find_map(|cause| cause.downcast_ref::<h2::Error>())
}

/// The innermost cause's message (e.g. `Connection refused (os error 111)`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    causes(e)
        .last()
        .map_or_else(String::new, ToString::to_string)
}

/// `e`, then its sources, outermost first.
fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |cause| cause.source())
}
