//! Fault injection: latency, scripted failures, rate limiting and dropped connections.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;

use crate::reply::Reply;
use crate::server::DropConnection;
use crate::status::ApiError;

/// One scripted fault, consumed by one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this HTTP status with a `google.rpc.Status` JSON body.
    Status(u16),
    /// Answer 429 with this `Retry-After` header value (seconds or an HTTP date), if any.
    RateLimit {
        /// The `Retry-After` header value, e.g. `"2"`.
        retry_after: Option<String>,
    },
    /// Answer this status, content type and body verbatim (e.g. a proxy's HTML error page).
    Raw {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body.
        body: String,
    },
    /// Answer this scripted reply (status, headers and body), e.g. a redirect.
    Reply(Reply),
    /// Close the connection without answering.
    DropConnection,
}

impl Fault {
    /// The answer this fault gives, or the order to drop the connection.
    pub(crate) fn into_response(self) -> Result<Response<Body>, DropConnection> {
        Ok(match self {
            Fault::DropConnection => return Err(DropConnection),
            Fault::Status(s) => {
                ApiError::for_status(s, format!("injected fault: HTTP {s}")).into_response()
            }
            Fault::RateLimit { retry_after } => {
                let mut resp =
                    ApiError::for_status(429, "injected fault: rate limited").into_response();
                if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                resp
            }
            Fault::Raw {
                status,
                content_type,
                body,
            } => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut resp = (status, body).into_response();
                if let Ok(ct) = HeaderValue::from_str(&content_type) {
                    resp.headers_mut().insert(header::CONTENT_TYPE, ct);
                }
                resp
            }
            Fault::Reply(reply) => reply.into_response(),
        })
    }
}

/// A set of faults for one group of routes; cheap to use through `&Faults`.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<FaultsInner>,
}

#[derive(Debug, Default)]
struct FaultsInner {
    latency: Duration,
    script: VecDeque<Fault>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, FaultsInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delay every answer by `latency` (tokio clock, so paused-clock tests auto-advance); zero turns it off.
    pub fn latency(&self, latency: Duration) -> &Self {
        self.lock().latency = latency;
        self
    }

    /// Answer the next requests with these statuses (one each, in order), then behave normally.
    pub fn fail_next(&self, statuses: &[u16]) -> &Self {
        self.lock()
            .script
            .extend(statuses.iter().map(|s| Fault::Status(*s)));
        self
    }

    /// Answer the next `n` requests with 429 and `Retry-After: <retry_after_secs>`.
    pub fn rate_limit_next(&self, n: usize, retry_after_secs: u64) -> &Self {
        let retry_after = Some(retry_after_secs.to_string());
        self.lock().script.extend((0..n).map(|_| Fault::RateLimit {
            retry_after: retry_after.clone(),
        }));
        self
    }

    /// Close the connections of the next `n` requests without answering.
    pub fn drop_next_connections(&self, n: usize) -> &Self {
        self.lock()
            .script
            .extend((0..n).map(|_| Fault::DropConnection));
        self
    }

    /// Append any scripted fault.
    pub fn push(&self, fault: Fault) -> &Self {
        self.lock().script.push_back(fault);
        self
    }

    /// Remove all scripted faults and the latency.
    pub fn clear(&self) -> &Self {
        let mut inner = self.lock();
        inner.script.clear();
        inner.latency = Duration::ZERO;
        self
    }

    /// How many scripted faults are still waiting for a request.
    pub fn pending(&self) -> usize {
        self.lock().script.len()
    }

    /// The latency and next scripted fault for a request (consuming the fault).
    pub(crate) fn take(&self) -> (Duration, Option<Fault>) {
        let mut inner = self.lock();
        let fault = inner.script.pop_front();
        (inner.latency, fault)
    }

    /// Wait out the latency, then answer the next scripted fault, if any.
    pub(crate) async fn apply(&self) -> Option<Result<Response<Body>, DropConnection>> {
        let (latency, fault) = self.take();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        fault.map(Fault::into_response)
    }
}
