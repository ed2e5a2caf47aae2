//! Fault injection: latency, scripted failures, rate limiting and dropped connections.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

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
    /// Close the connection without answering.
    DropConnection,
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
}
