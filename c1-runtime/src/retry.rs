//! When and how often a failed call is tried again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The retry policy of a [`Client`](crate::Client). Retries are on by default.
///
/// A failed attempt is tried again when all of these hold:
///
/// - the failure is transient:
///
///   | failure | `GET` `PUT` `DELETE` | `POST` `PATCH` |
///   |---|---|---|
///   | `429 Too Many Requests`, `503 Service Unavailable` | retried | retried |
///   | could not connect (refused, DNS, TLS handshake, connect timeout): the request was not sent | retried | retried |
///   | `500`, `502`, `504` | retried | not retried |
///   | connection broken after the request was sent (reset, closed, not HTTP), per-attempt timeout | retried | not retried |
///   | any other status (`400`, `401`, `403`, `404`, `409`, ...), a body that does not decode, a body over the size limit, the call timeout | not retried | not retried |
///
///   `POST` and `PATCH` are not idempotent: they are retried only when the
///   server cannot have acted on the request.
/// - fewer than [`max_attempts`](RetryPolicy::max_attempts) attempts were made
///   (default 3, the first included);
/// - the wait before the next attempt ends before the call's deadline
///   ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)); otherwise the
///   last failure is returned at once.
///
/// The wait is the server's `retry-after-ms` or `Retry-After` (seconds or an
/// HTTP date) when it sent one, else a full-jitter exponential backoff: a
/// random duration between zero and `base_backoff * 2^(retry - 1)` (default
/// base 200 ms); either way at most [`max_backoff`](RetryPolicy::max_backoff)
/// (default 20 s).
///
/// A `401` when the client can fetch a new token (client credentials) is
/// answered by one more attempt with a fresh token, which does not count
/// against `max_attempts`.
///
/// The error of a retried call says how many attempts were made
/// ([`Error::attempts`](crate::Error::attempts)) and keeps the last answer's
/// status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The default policy: 3 attempts, full-jitter backoff from 200 ms capped at 20 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries: every call is one attempt.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included; `1` turns retries off (`0` counts as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff's upper bound; each retry doubles it.
    pub fn base_backoff(mut self, base: Duration) -> Self {
        self.base_backoff = base;
        self
    }

    /// The largest wait between two attempts, `Retry-After` included.
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before retry number `retry` (1 for the second attempt): the
    /// server's wish if any, else full jitter; at most `max_backoff`.
    pub(crate) fn wait(&self, retry: u32, server_wish: Option<Duration>) -> Duration {
        if let Some(wish) = server_wish {
            return wish.min(self.max_backoff);
        }
        let factor = 1u32 << retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::random_range(0..=nanos))
    }
}

/// For which methods a failure may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Any method: the server did not act on the request (429, 503, not connected).
    Any,
    /// Only idempotent methods: the server may have acted on the request.
    Idempotent,
    /// Never: retrying cannot help.
    Never,
}

impl Retry {
    /// How an answer with `status` (not 2xx) may be retried.
    pub(crate) fn for_status(status: u16) -> Retry {
        match status {
            429 | 503 => Retry::Any,
            500 | 502 | 504 => Retry::Idempotent,
            _ => Retry::Never,
        }
    }

    /// Whether a call may be retried, given whether it is idempotent.
    pub(crate) fn allows(self, idempotent: bool) -> bool {
        match self {
            Retry::Any => true,
            Retry::Idempotent => idempotent,
            Retry::Never => false,
        }
    }
}

/// The wait the server asked for: `retry-after-ms` (milliseconds) or
/// `Retry-After` (seconds, or an HTTP date). Malformed values are ignored.
pub(crate) fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(wait) = text("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
    {
        return Some(wait);
    }
    let value = text(RETRY_AFTER.as_str())?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn backoff_is_full_jitter_below_the_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 1..=10 {
            let ceiling = Duration::from_millis(200)
                .saturating_mul(1 << (retry - 1))
                .min(Duration::from_secs(20));
            for _ in 0..50 {
                assert!(policy.wait(retry, None) <= ceiling);
            }
        }
        // Jitter: 100 draws below 20 s are not all the same.
        let draws: std::collections::HashSet<_> = (0..100).map(|_| policy.wait(8, None)).collect();
        assert!(draws.len() > 1);
        assert_eq!(
            policy.wait(u32::MAX, Some(Duration::from_secs(3600))),
            Duration::from_secs(20)
        );
        assert!(policy.wait(u32::MAX, None) <= Duration::from_secs(20));
        let zero = RetryPolicy::default().base_backoff(Duration::ZERO);
        assert_eq!(zero.wait(3, None), Duration::ZERO);
    }

    #[test]
    fn server_wait_reads_seconds_dates_and_milliseconds() {
        assert_eq!(
            server_wait(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_wait(&headers(&[
                ("retry-after", "7"),
                ("retry-after-ms", "1500")
            ])),
            Some(Duration::from_millis(1500))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = server_wait(&headers(&[("retry-after", &soon)])).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            server_wait(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        for junk in ["-1", "soon", "1e400", ""] {
            assert_eq!(
                server_wait(&headers(&[("retry-after", junk)])),
                None,
                "{junk}"
            );
        }
        for junk in ["-5", "NaN", "inf", "1e300"] {
            assert_eq!(
                server_wait(&headers(&[("retry-after-ms", junk)])),
                None,
                "{junk}"
            );
        }
        assert_eq!(server_wait(&HeaderMap::new()), None);
    }

    #[test]
    fn status_classes() {
        for s in [429, 503] {
            assert!(
                Retry::for_status(s).allows(Method::Post.is_idempotent()),
                "{s}"
            );
        }
        for s in [500, 502, 504] {
            assert!(
                Retry::for_status(s).allows(Method::Get.is_idempotent()),
                "{s}"
            );
            assert!(
                Retry::for_status(s).allows(Method::Delete.is_idempotent()),
                "{s}"
            );
            assert!(
                !Retry::for_status(s).allows(Method::Patch.is_idempotent()),
                "{s}"
            );
        }
        for s in [400, 401, 403, 404, 409, 412, 501] {
            assert!(
                !Retry::for_status(s).allows(Method::Get.is_idempotent()),
                "{s}"
            );
        }
    }
}
