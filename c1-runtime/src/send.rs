//! Sending a built request, one call read top to bottom:
//!
//! `start` (the call's span; boxes the pipeline) -> `invoke` (the attempt
//! loop: authorize, transmit, decide what follows; then the call's one log
//! event) -> `try_attempt` (one request under its deadline). The decision
//! after a failure is [`retry::next`], a pure function.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::time::{Instant, sleep};
use tracing::Instrument;

use crate::auth::Credential;
use crate::client::{Client, ClientInner};
use crate::decode::status_error;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result, TimeoutKind};
use crate::log::duration_ms;
use crate::retry::{self, Attempts, Failure, Next, Retry, deadline_from};
use crate::sent::{Sending, Sent, secrets};
use crate::transport::{self, Limits, Reply};

/// How much of a non-2xx body is read: enough for any `google.rpc.Status`
/// worth showing; the rest is not downloaded.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The pipeline of a call: sends `body` to `url` as `endpoint` and returns
/// the 2xx answer, retrying transient failures as the client's
/// [`RetryPolicy`](crate::RetryPolicy) says. Boxed here, inside the call's
/// span when a subscriber wants it (otherwise no span is entered on each
/// poll).
pub(crate) fn start<'c>(
    client: &'c Client,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Sending<'c> {
    // The span names the template only: path and query values can be personal data.
    let span = tracing::debug_span!(
        target: "c1",
        "c1.request",
        method = endpoint.method.as_str(),
        path = endpoint.template,
    );
    // Made inside `Box::pin`: a future made first and then boxed is copied
    // whole (864 bytes), twice.
    if span.is_disabled() {
        Box::pin(invoke(&client.inner, endpoint, url, body))
    } else {
        Box::pin(invoke(&client.inner, endpoint, url, body).instrument(span))
    }
}

/// The attempt loop, then the call's one log event. One `async fn` for the
/// whole call: each nested one would be moved, whole, into its caller's
/// state on every call.
async fn invoke<'c>(
    inner: &'c ClientInner,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<Sent<'c>> {
    let started = Instant::now();
    // Every way the call can fail: the error names the request, and is logged.
    let fail = |e: Error| {
        finished(
            Err(e.with_request(endpoint.method, endpoint.template)),
            started,
        )
    };
    // Parsed before the first attempt (and any token request), and again
    // only for a retry.
    let mut parsed = match parse_url(inner, &url) {
        Ok(url) => Some(url),
        Err(e) => return fail(e),
    };
    let deadline = deadline_from(started, inner.timeouts.call);
    let mut attempts = Attempts::default();
    // The credentials earlier attempts carried (a token rejected with 401,
    // or replaced on expiry, differs from the current one): the server has
    // seen them, and may echo them. Filled only on a retry.
    let mut earlier: Vec<Credential<'c>> = Vec::new();
    loop {
        let credential = match inner.auth.credential(&inner.http, deadline).await {
            Ok(credential) => credential,
            Err(e) => return fail(e),
        };
        let url = match parsed.take().map_or_else(|| parse_url(inner, &url), Ok) {
            Ok(url) => url,
            Err(e) => return fail(e),
        };
        attempts.sent_one();
        let attempt = try_attempt(inner, endpoint, url, &body, &credential, deadline);
        let failure = match attempt.await {
            Ok(reply) if !reply.is_success() => status_failure(&reply, &credential, &earlier),
            Ok(reply) => {
                let sent = Sent {
                    status: reply.status,
                    body: reply.body,
                    attempts: attempts.sent,
                    credential,
                    earlier,
                };
                return finished(Ok(sent), started);
            }
            Err(failure) => failure,
        };
        let call = retry::Call {
            idempotent: endpoint.idempotent,
            can_refresh: inner.auth.can_refresh(),
            time_left: deadline.saturating_duration_since(Instant::now()),
            jitter: rand::random(),
        };
        match retry::next(&failure, attempts, &inner.retry, call) {
            Next::RefreshToken => {
                if let Some(credential) = &credential {
                    inner.auth.reject(credential);
                }
                attempts.refreshed = true;
                attempts.counted -= 1;
                tracing::debug!(target: "c1", attempt = attempts.sent, "401, retrying with a fresh token");
            }
            Next::RetryAfter(wait) => {
                log_retry(&failure.error, attempts.sent, wait);
                sleep(wait).await;
            }
            Next::GiveUp => return fail(failure.error.with_attempts(attempts.sent)),
        }
        // A fixed bearer token never changes: only fetched tokens are kept.
        if let Some(credential @ Credential::Token(_)) = credential
            && earlier
                .last()
                .is_none_or(|c| c.header() != credential.header())
        {
            earlier.push(credential);
        }
    }
}

/// One request, under the attempt's deadline (or the call's, if sooner):
/// its answer, 2xx or not (see [`status_failure`]), or why there is none.
///
/// The request is built before the future is made, so the future holds
/// only what it awaits (see [`transport::exchange`]).
fn try_attempt<'a>(
    inner: &'a ClientInner,
    endpoint: &Endpoint,
    url: reqwest::Url,
    body: &Option<Bytes>,
    credential: &Option<Credential<'_>>,
    call_deadline: Instant,
) -> impl Future<Output = Result<Reply, Failure>> + 'a {
    let now = Instant::now();
    let attempt_deadline = deadline_from(now, inner.timeouts.attempt);
    let (deadline, which) = if attempt_deadline < call_deadline {
        (attempt_deadline, TimeoutKind::Attempt)
    } else {
        (call_deadline, TimeoutKind::Call)
    };
    let mut request = inner
        .http
        .request(endpoint.method.to_reqwest(), url)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(credential) = credential {
        request = request.header(AUTHORIZATION, credential.header().clone());
    }
    if let Some(body) = body {
        request = request
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.clone());
    }
    let limits = Limits {
        body: inner.max_response_bytes,
        error_body: inner.max_response_bytes.min(ERROR_BODY_LIMIT),
        connect_timeout: inner.timeouts.connect,
    };
    let exchange = transport::exchange(request, limits);
    // `map`, not an `async` block: a block would hold the awaited future twice.
    inner
        .deadlines
        .run(now, deadline, exchange)
        .map(move |reply| match reply {
            Ok(reply) => reply,
            Err(_elapsed) => Err(timeout_failure(inner, which)),
        })
}

/// The failure for a non-2xx answer, with the credentials the call carried
/// (`credential` now, `earlier` before) removed from what it shows.
fn status_failure(
    reply: &Reply,
    credential: &Option<Credential<'_>>,
    earlier: &[Credential<'_>],
) -> Failure {
    let secrets = secrets(credential.as_ref(), earlier);
    Failure {
        error: status_error(reply.status, &reply.body, &secrets, reply.cut)
            .with_retry_after(reply.retry_after),
        retry: Retry::for_status(reply.status),
        retry_after: reply.retry_after,
        unauthorized: reply.status == 401 && credential.is_some(),
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

/// The failure of an attempt that ran out of time.
fn timeout_failure(inner: &ClientInner, which: TimeoutKind) -> Failure {
    let (limit, retry) = match which {
        TimeoutKind::Call => (inner.timeouts.call, Retry::Never),
        _ => (inner.timeouts.attempt, Retry::Idempotent),
    };
    let error = Error::new(
        ErrorKind::Timeout,
        format!("the {which} of {limit:?} expired"),
    )
    .with_timeout(which);
    Failure {
        retry,
        ..Failure::never(error)
    }
}

/// A retry, by kind and status only: messages can carry values.
fn log_retry(error: &Error, attempt: u32, wait: Duration) {
    tracing::debug!(
        target: "c1",
        attempt,
        kind = ?error.kind(),
        status = error.status(),
        timeout = error.timeout().map(tracing::field::display),
        wait_ms = duration_ms(wait),
        "retrying"
    );
}

/// Logs the one event of a call (inside its span) and returns its result.
/// The elapsed time is read inside the macros: only when the event is
/// enabled, not on every call.
fn finished(result: Result<Sent<'_>>, started: Instant) -> Result<Sent<'_>> {
    match &result {
        Ok(sent) => tracing::debug!(
            target: "c1",
            status = sent.status,
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
