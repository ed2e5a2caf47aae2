//! Sending a built request, one call read top to bottom:
//!
//! `invoke` (the call's span and its one log event) -> `try_op` (the attempt
//! loop: authorize, transmit, decide what follows) -> `try_attempt` (one
//! request under its deadline). The decision after a failure is
//! [`retry::next`], a pure function.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use tokio::time::{Instant, sleep};
use tracing::Instrument;

use crate::auth::Credential;
use crate::client::{Client, ClientInner};
use crate::decode::status_error;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result, TimeoutKind};
use crate::log::duration_ms;
use crate::retry::{self, Attempts, Failure, Next, Retry, deadline_after, deadline_from};
use crate::transport::{self, Limits, Reply};

/// How much of a non-2xx body is read: enough for any `google.rpc.Status`
/// worth showing; the rest is not downloaded.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// A 2xx answer to a call.
pub(crate) struct Sent<'c> {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
    /// Requests sent, retries included.
    pub(crate) attempts: u32,
    /// The credential the answered request carried, to keep it out of errors.
    pub(crate) credential: Option<Credential<'c>>,
}

/// Sends `body` to `url` as `endpoint` and returns the 2xx answer, retrying
/// transient failures as the client's [`RetryPolicy`](crate::RetryPolicy) says.
pub(crate) async fn invoke<'c>(
    client: &'c Client,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<Sent<'c>> {
    // The span names the template only: path and query values can be personal data.
    let span = tracing::info_span!(
        target: "c1",
        "c1.request",
        method = endpoint.method.as_str(),
        path = endpoint.template,
    );
    let started = Instant::now();
    let call = try_op(&client.inner, endpoint, url, body);
    // No subscriber wants the span: skip entering and leaving it on every poll.
    let result = if span.is_disabled() {
        call.await
    } else {
        call.instrument(span.clone()).await
    };
    let _entered = span.enter();
    log_finished(&result, started.elapsed());
    result
}

/// The attempt loop.
async fn try_op<'c>(
    inner: &'c ClientInner,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<Sent<'c>> {
    let at_fault = |e: Error| e.with_request(endpoint.method, endpoint.template);
    // Parsed before the first attempt, and again only for a retry.
    let mut parsed = Some(parse_url(inner, &url).map_err(at_fault)?);
    let deadline = deadline_after(inner.timeouts.call);
    let mut attempts = Attempts::default();
    loop {
        let credential = inner
            .auth
            .credential(&inner.http, deadline)
            .await
            .map_err(at_fault)?;
        let url = match parsed.take() {
            Some(url) => url,
            None => parse_url(inner, &url).map_err(at_fault)?,
        };
        attempts.sent_one();
        let attempt = try_attempt(inner, endpoint, url, &body, &credential, deadline);
        let failure = match attempt.await {
            Ok(reply) => {
                return Ok(Sent {
                    status: reply.status,
                    body: reply.body,
                    attempts: attempts.sent,
                    credential,
                });
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
            Next::GiveUp => return Err(at_fault(failure.error).with_attempts(attempts.sent)),
        }
    }
}

/// One request, under the attempt's deadline (or the call's, if sooner).
async fn try_attempt(
    inner: &ClientInner,
    endpoint: &Endpoint,
    url: reqwest::Url,
    body: &Option<Bytes>,
    credential: &Option<Credential<'_>>,
    call_deadline: Instant,
) -> Result<Reply, Failure> {
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
    let reply = match inner.deadlines.run(now, deadline, exchange).await {
        Ok(reply) => reply?,
        Err(_elapsed) => return Err(timeout_failure(inner, which)),
    };
    if reply.is_success() {
        return Ok(reply);
    }
    let secret = credential.as_ref().map(Credential::secret);
    Err(Failure {
        error: status_error(reply.status, &reply.body, secret.as_slice())
            .with_retry_after(reply.retry_after),
        retry: Retry::for_status(reply.status),
        retry_after: reply.retry_after,
        unauthorized: reply.status == 401 && credential.is_some(),
    })
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

/// The one event of a finished call, inside its span.
fn log_finished(result: &Result<Sent<'_>>, elapsed: Duration) {
    let elapsed_ms = duration_ms(elapsed);
    match result {
        Ok(sent) => tracing::debug!(
            target: "c1",
            status = sent.status,
            attempts = sent.attempts,
            elapsed_ms,
            "call finished"
        ),
        Err(err) => tracing::debug!(
            target: "c1",
            kind = ?err.kind(),
            status = err.status(),
            timeout = err.timeout().map(tracing::field::display),
            attempts = err.attempts(),
            elapsed_ms,
            "call failed"
        ),
    }
}
