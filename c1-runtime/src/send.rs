//! Sending a built request: auth, attempts, deadlines, retries, reading the body.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::time::{Instant, sleep, timeout_at};
use tracing::Instrument;
use tracing::field::Empty;

use crate::auth::Credential;
use crate::client::{Client, ClientInner};
use crate::error::{Error, ErrorKind, Result, TimeoutKind};
use crate::request::{Endpoint, status_error};
use crate::retry::{Retry, server_wait};

/// How much of a non-2xx body is read: enough for any `google.rpc.Status`
/// worth showing; the rest is not downloaded.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The most memory reserved up front from a `Content-Length`.
const MAX_PREALLOCATION: u64 = 1024 * 1024;

/// Sends `body` to `url` and returns the body of a 2xx answer and the number
/// of requests sent, retrying transient failures as the client's
/// [`RetryPolicy`](crate::RetryPolicy) says.
pub(crate) async fn execute(
    client: &Client,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<(Bytes, u32)> {
    // The span names the template only: path and query values can be personal data.
    let span = tracing::info_span!(
        "c1.request",
        method = endpoint.method.as_str(),
        path = endpoint.template,
        attempt = Empty,
        status = Empty,
        elapsed_ms = Empty,
    );
    let started = Instant::now();
    let result = run(&client.inner, endpoint, url, body)
        .instrument(span.clone())
        .await;
    span.record("elapsed_ms", duration_ms(started.elapsed()));
    if let Err(err) = &result {
        tracing::debug!(
            parent: &span,
            kind = ?err.kind(),
            status = err.status(),
            timeout = err.timeout().map(tracing::field::display),
            attempts = err.attempts(),
            "c1 call failed"
        );
    }
    result
}

/// A failed attempt: the error, and whether and when to try again.
struct Failure {
    error: Error,
    retry: Retry,
    /// The wait the server asked for.
    server_wait: Option<Duration>,
    /// A 401 answer to this credential.
    rejected: Option<Credential>,
}

impl Failure {
    fn never(error: Error) -> Self {
        Failure {
            error,
            retry: Retry::Never,
            server_wait: None,
            rejected: None,
        }
    }
}

/// The attempt loop.
async fn run(
    inner: &ClientInner,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<(Bytes, u32)> {
    let method = endpoint.method;
    let parse = || {
        reqwest::Url::parse(&url).map_err(|e| {
            // `e` describes the problem without repeating the URL.
            Error::new(
                ErrorKind::InvalidArgument,
                format!("the request URL is not valid: {e}; no request was sent"),
            )
            .with_request(method, endpoint.template)
        })
    };
    // Parsed before the first attempt, and again only for a retry.
    let mut parsed = Some(parse()?);
    let span = tracing::Span::current();
    let call_deadline = deadline_after(inner.timeouts.call);
    let policy = &inner.retry;
    // Requests sent, and those that count against the retry policy.
    let mut sent = 0u32;
    let mut counted = 0u32;
    let mut refreshed = false;
    loop {
        sent += 1;
        counted += 1;
        span.record("attempt", sent);
        let attempt_deadline = deadline_after(inner.timeouts.attempt);
        let (deadline, which) = if attempt_deadline < call_deadline {
            (attempt_deadline, TimeoutKind::Attempt)
        } else {
            (call_deadline, TimeoutKind::Call)
        };
        let url = match parsed.take() {
            Some(url) => url,
            None => parse()?,
        };
        let outcome = match timeout_at(deadline, attempt(inner, endpoint, url, &body)).await {
            Ok(outcome) => outcome,
            Err(_elapsed) => Err(timeout_failure(inner, which)),
        };
        let failure = match outcome {
            Ok(bytes) => return Ok((bytes, sent)),
            Err(failure) => failure,
        };
        let error = failure.error.with_request(method, endpoint.template);
        if let Some(credential) = &failure.rejected
            && !refreshed
            && inner.auth.can_refresh()
        {
            // The token was refused: forget it and try once more with a
            // fresh one, outside the retry budget.
            inner.auth.reject(credential);
            refreshed = true;
            counted -= 1;
            tracing::debug!(attempt = sent, "c1: 401, retrying with a fresh token");
            continue;
        }
        if !failure.retry.allows(endpoint.idempotent) || counted >= policy.attempts() {
            return Err(error.with_attempts(sent));
        }
        let wait = policy.wait(counted, failure.server_wait);
        if Instant::now()
            .checked_add(wait)
            .is_none_or(|end| end >= call_deadline)
        {
            tracing::debug!(
                attempt = sent,
                wait_ms = duration_ms(wait),
                "c1: not retrying, the wait would pass the call deadline"
            );
            return Err(error.with_attempts(sent));
        }
        // Log what failed by kind and status only: messages can carry values.
        tracing::debug!(
            attempt = sent,
            kind = ?error.kind(),
            status = error.status(),
            timeout = error.timeout().map(tracing::field::display),
            wait_ms = duration_ms(wait),
            "c1: retrying"
        );
        sleep(wait).await;
    }
}

/// `d` from now; a duration too long to represent (`Duration::MAX` for "no
/// limit") means about thirty years.
fn deadline_after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 3600))
}

/// `d` in whole milliseconds, for logs.
fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The failure of an attempt that ran out of time.
fn timeout_failure(inner: &ClientInner, which: TimeoutKind) -> Failure {
    let (limit, retry) = match which {
        TimeoutKind::Call => (inner.timeouts.call, Retry::Never),
        _ => (inner.timeouts.attempt, Retry::Idempotent),
    };
    Failure {
        error: Error::new(
            ErrorKind::Timeout,
            format!("the {which} of {limit:?} expired"),
        )
        .with_timeout(which),
        retry,
        server_wait: None,
        rejected: None,
    }
}

/// One attempt: get a credential, send, read the answer.
async fn attempt(
    inner: &ClientInner,
    endpoint: &'static Endpoint,
    url: reqwest::Url,
    body: &Option<Bytes>,
) -> Result<Bytes, Failure> {
    let credential = inner
        .auth
        .credential(&inner.http)
        .await
        .map_err(Failure::never)?;
    let mut request = inner
        .http
        .request(endpoint.method.to_reqwest(), url)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(credential) = &credential {
        request = request.header(AUTHORIZATION, credential.header.clone());
    }
    if let Some(body) = body {
        request = request
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.clone());
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| transport_failure(inner, e))?;
    let status = response.status().as_u16();
    tracing::Span::current().record("status", status);
    if response.status().is_success() {
        return read_body(&mut response, inner.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge(error) => Failure::never(error),
                BodyError::Transport(e) => transport_failure(inner, e),
            });
    }
    let wait = server_wait(response.headers());
    // Read what fits of the error body; a broken body still leaves the status.
    let limit = inner.max_response_bytes.min(ERROR_BODY_LIMIT);
    let mut body = read_prefix(&mut response, limit).await;
    if let Some(credential) = &credential {
        // A proxy that echoes the request must not put the token in an error.
        body = redact(body, credential.header.as_bytes());
    }
    Err(Failure {
        error: status_error(status, &body).with_retry_after(wait),
        retry: Retry::for_status(status),
        server_wait: wait,
        rejected: if status == 401 { credential } else { None },
    })
}

/// `body` with every occurrence of the token in `authorization` (the value
/// after the scheme) replaced by `[redacted]`.
fn redact(body: Bytes, authorization: &[u8]) -> Bytes {
    let token = match authorization.iter().position(|b| *b == b' ') {
        Some(space) => &authorization[space + 1..],
        None => authorization,
    };
    let token = token.trim_ascii();
    // Shorter values would redact ordinary words.
    if token.len() < 8 || !body.windows(token.len()).any(|w| w == token) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = &body[..];
    while let Some(at) = rest.windows(token.len()).position(|w| w == token) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"[redacted]");
        rest = &rest[at + token.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
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

/// The failure for an error of reqwest: what went wrong, without the URL.
fn transport_failure(inner: &ClientInner, e: reqwest::Error) -> Failure {
    let e = e.without_url();
    let cause = root_cause(&e);
    let (error, retry) = if e.is_timeout() && e.is_connect() {
        (
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "could not connect within the connect timeout of {:?}",
                    inner.timeouts.connect
                ),
            )
            .with_timeout(TimeoutKind::Connect),
            // Nothing was sent: safe for any method.
            Retry::Any,
        )
    } else if e.is_connect() {
        (
            Error::new(ErrorKind::Transport, format!("could not connect: {cause}")),
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
        error: error.with_source(e),
        retry,
        server_wait: None,
        rejected: None,
    }
}

/// The innermost cause's message (e.g. `Connection refused (os error 111)`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
