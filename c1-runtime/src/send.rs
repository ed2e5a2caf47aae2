//! The attempt loop, for every request c1 sends: an API call
//! ([`crate::api_call`]) and a token request ([`crate::auth`]) alike. One
//! operation read top to bottom:
//!
//! `invoke` (the attempt loop: authorize, transmit, decide what follows;
//! then the operation's one log event) -> `try_attempt` (one request under
//! its deadline, enforced by the client's
//! [`Deadlines`](crate::deadline::Deadlines)). The decision after a failure
//! is [`retry::next`], a pure function. What differs between an API call
//! and a token request (the request, how an answer is read, the words of an
//! error, the log event) is its [`Operation`].

use std::future::Future;
use std::ops::Deref;
use std::time::Duration;

use futures_util::FutureExt;
use reqwest::header::AUTHORIZATION;
use tokio::time::{Instant, sleep};

use crate::auth::{Auth, Credential};
use crate::client::ClientInner;
use crate::error::{Error, ErrorKind, Result, TimeoutKind};
use crate::log::duration_ms;
use crate::retry::{self, Attempts, Failure, Next, Retry, deadline_from};
use crate::sent::{Sent, secrets};
use crate::transport::{self, Limits, Reply};

/// What one run of the attempt loop sends, and how it reads the answers.
pub(crate) trait Operation {
    /// What a 2xx answer gives.
    type Output;

    /// How its requests are authorized: an API call carries the client's
    /// credential, a token request none (its grant is in its form).
    fn auth<'i>(&self, inner: &'i ClientInner) -> &'i Auth;

    /// Whether the server acting on the request twice does no harm: a
    /// failure after the request may have reached the server is retried
    /// only then (see [`Retry`]).
    fn idempotent(&self) -> bool;

    /// The deadline of the whole operation, which starts at `started`.
    fn deadline(&self, inner: &ClientInner, started: Instant) -> Instant;

    /// Checks what can be checked before the first attempt, and before
    /// any token is fetched for it.
    fn check(&mut self, _inner: &ClientInner) -> Result<()> {
        Ok(())
    }

    /// The request of the next attempt, without `Authorization` (the loop
    /// adds the credential); an error ends the loop before it is sent.
    fn request(&mut self, inner: &ClientInner) -> Result<reqwest::RequestBuilder>;

    /// How much of an answer is read.
    fn limits(&self, inner: &ClientInner) -> Limits;

    /// Reads a 2xx answer, or says why it cannot be used.
    fn answered(&mut self, reply: Reply) -> Result<Self::Output, Failure>;

    /// The failure of a non-2xx answer, with `secrets` (the credentials the
    /// call carried) and any of the operation's own removed from what it shows.
    fn refused(&self, reply: &Reply, secrets: &[&[u8]]) -> Failure;

    /// A failure without a usable answer (the transport, a timeout), in the
    /// operation's words.
    fn failed(&self, failure: Failure) -> Failure {
        failure
    }

    /// Logs the operation's one event and returns its result.
    fn finished(
        &self,
        result: Result<Sent<Self::Output>>,
        started: Instant,
    ) -> Result<Sent<Self::Output>>;
}

/// The attempt loop, then the operation's one log event: sends `op` with
/// `client`, authorized as the operation says, until an answer is read, the
/// retry policy gives up or the deadline passes.
///
/// `client` is the client's state, owned by an API call (an `Arc`: the call
/// then borrows nothing, and can be spawned or outlive the handle it came
/// from) or borrowed by a token request, which runs inside the call that
/// needs the token. The operation's [`Auth`] is asked for where it is used
/// rather than kept: one reference less in every call's future.
///
/// One future for the whole operation: each nested `async fn` would be
/// moved, whole, into its caller's state on every call. An `async move`
/// block rather than an `async fn`: an `async fn` keeps its arguments twice
/// (as it was called, and as its body's locals), and `op` is large: an API
/// call's future measured 976 bytes that way, 808 this way (808 still with
/// the client owned rather than borrowed).
#[allow(
    clippy::manual_async_fn,
    reason = "an `async fn` would keep `op` twice"
)]
pub(crate) fn invoke<C, Op>(client: C, mut op: Op) -> impl Future<Output = Result<Sent<Op::Output>>>
where
    C: Deref<Target = ClientInner>,
    Op: Operation,
{
    async move {
        let inner: &ClientInner = &client;
        let started = Instant::now();
        if let Err(e) = op.check(inner) {
            return op.finished(Err(e), started);
        }
        let deadline = op.deadline(inner, started);
        let mut attempts = Attempts::default();
        // The credentials earlier attempts carried (a token rejected with 401,
        // or replaced on expiry, differs from the current one): the server has
        // seen them, and may echo them. Filled only on a retry.
        let mut earlier: Vec<Credential> = Vec::new();
        loop {
            let credential = match op.auth(inner).credential(inner, deadline).await {
                Ok(credential) => credential,
                Err(e) => return op.finished(Err(e), started),
            };
            let mut request = match op.request(inner) {
                Ok(request) => request,
                Err(e) => return op.finished(Err(e), started),
            };
            if let Some(credential) = &credential {
                request = request.header(AUTHORIZATION, credential.header().clone());
            }
            attempts.sent_one();
            let attempt = try_attempt(inner, request, op.limits(inner), deadline);
            let failure = match attempt.await {
                Ok(reply) if reply.is_success() => match op.answered(reply) {
                    Ok(output) => {
                        let sent = Sent {
                            output,
                            attempts: attempts.sent,
                            credential,
                            earlier,
                        };
                        return op.finished(Ok(sent), started);
                    }
                    Err(failure) => failure,
                },
                Ok(reply) => Failure {
                    unauthorized: reply.status == 401 && credential.is_some(),
                    ..op.refused(&reply, &secrets(credential.as_ref(), &earlier))
                },
                Err(failure) => op.failed(failure),
            };
            let call = retry::Call {
                idempotent: op.idempotent(),
                can_refresh: op.auth(inner).can_refresh(),
                time_left: deadline.saturating_duration_since(Instant::now()),
                jitter: rand::random(),
            };
            match retry::next(&failure, attempts, &inner.retry, call) {
                Next::RefreshToken => {
                    if let Some(credential) = &credential {
                        op.auth(inner).reject(credential);
                    }
                    attempts.refreshed = true;
                    attempts.counted -= 1;
                    tracing::debug!(target: "c1", attempt = attempts.sent, "401, retrying with a fresh token");
                }
                Next::RetryAfter(wait) => {
                    log_retry(&failure.error, attempts.sent, wait);
                    sleep(wait).await;
                }
                Next::GiveUp => {
                    let error = failure.error.with_attempts(attempts.sent);
                    return op.finished(Err(error), started);
                }
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
}

/// One request, under the attempt's deadline (or the call's, if sooner):
/// its answer, 2xx or not, or why there is none.
///
/// The request is built before the future is made, so the future holds
/// only what it awaits (see [`transport::exchange`]).
fn try_attempt(
    inner: &ClientInner,
    request: reqwest::RequestBuilder,
    limits: Limits,
    call_deadline: Instant,
) -> impl Future<Output = Result<Reply, Failure>> + '_ {
    let now = Instant::now();
    let attempt_deadline = deadline_from(now, inner.timeouts.attempt);
    let (deadline, which) = if attempt_deadline < call_deadline {
        (attempt_deadline, TimeoutKind::Attempt)
    } else {
        (call_deadline, TimeoutKind::Call)
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
