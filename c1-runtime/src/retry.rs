//! When and how often a failed call is tried again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use tokio::time::Instant;

use crate::error::Error;

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
///   | an HTTP/2 stream the server refused without processing it (`REFUSED_STREAM`, or a graceful `GOAWAY` it came after) | retried | retried |
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
/// A `401` when the client can get a new token (client credentials, an OIDC
/// token, a [`TokenSource`](crate::TokenSource)) is answered by one more
/// attempt with a fresh token, which does not count against `max_attempts`.
///
/// A token request (client credentials or token exchange) goes through the
/// same attempt loop as an API call: it follows the same policy, for
/// every transient failure above whatever the call's method (asking for a
/// token twice does no harm), within the call's deadline; a `400`, `401` or
/// `403` from the token endpoint means the credentials were refused and is
/// not retried. A [`TokenSource`](crate::TokenSource) of yours is not
/// retried by c1.
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
    /// server's `retry_after` if any, else `jitter` (0 to 1) times the
    /// doubling ceiling; at most `max_backoff`.
    pub(crate) fn wait(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let factor = 1u32 << retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
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

    /// Whether a call may be retried, given whether it is idempotent (its
    /// method is, or it was declared `idempotent`).
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
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
    let text = |name: &HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(wait) = text(&RETRY_AFTER_MS)
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
    {
        return Some(wait);
    }
    let value = text(&RETRY_AFTER)?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A failed attempt: the error, and what it allows.
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// For which calls it may be retried.
    pub(crate) retry: Retry,
    /// The wait the server asked for.
    pub(crate) retry_after: Option<Duration>,
    /// The server answered 401 to the credential the attempt carried.
    pub(crate) unauthorized: bool,
}

impl Failure {
    /// A failure that retrying cannot help.
    pub(crate) fn never(error: Error) -> Self {
        Failure {
            error,
            retry: Retry::Never,
            retry_after: None,
            unauthorized: false,
        }
    }
}

/// The attempts a call has made so far.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Attempts {
    /// Requests sent.
    pub(crate) sent: u32,
    /// Those that count against the policy (the retry after a 401 does not).
    pub(crate) counted: u32,
    /// Whether a 401 was already answered by fetching a fresh token.
    pub(crate) refreshed: bool,
}

impl Attempts {
    /// Counts one more request sent.
    pub(crate) fn sent_one(&mut self) {
        self.sent += 1;
        self.counted += 1;
    }
}

/// What the decision knows about the call besides the failure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call {
    /// Whether sending the request again cannot do harm.
    pub(crate) idempotent: bool,
    /// Whether a 401 can be answered with a fresh token.
    pub(crate) can_refresh: bool,
    /// The time left before the call's deadline.
    pub(crate) time_left: Duration,
    /// A random number from 0 to 1 that spreads the backoff.
    pub(crate) jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Drop the token the server refused and try again with a fresh one, at once.
    RefreshToken,
    /// Try again after this wait.
    RetryAfter(Duration),
    /// Return the failure.
    GiveUp,
}

/// Decides what follows `failure`, the last of `attempts`, under `policy`.
pub(crate) fn next(
    failure: &Failure,
    attempts: Attempts,
    policy: &RetryPolicy,
    call: Call,
) -> Next {
    if failure.unauthorized && call.can_refresh && !attempts.refreshed {
        return Next::RefreshToken;
    }
    if !failure.retry.allows(call.idempotent) || attempts.counted >= policy.attempts() {
        return Next::GiveUp;
    }
    let wait = policy.wait(attempts.counted, failure.retry_after, call.jitter);
    if wait >= call.time_left {
        return Next::GiveUp;
    }
    Next::RetryAfter(wait)
}

/// `now + d`, or 30 years from `now` if that overflows.
pub(crate) fn deadline_from(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn backoff_is_jitter_times_the_doubling_ceiling() {
        let policy = RetryPolicy::default();
        let ms = Duration::from_millis;
        assert_eq!(policy.wait(1, None, 1.0), ms(200));
        assert_eq!(policy.wait(2, None, 1.0), ms(400));
        assert_eq!(policy.wait(3, None, 0.5), ms(400));
        assert_eq!(policy.wait(1, None, 0.0), Duration::ZERO);
        assert_eq!(policy.wait(8, None, 1.0), Duration::from_secs(20), "capped");
        assert_eq!(policy.wait(u32::MAX, None, 1.0), Duration::from_secs(20));
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(3600)), 0.3),
            Duration::from_secs(20),
            "the server's wait is capped too"
        );
        assert_eq!(policy.wait(1, Some(ms(50)), 0.3), ms(50), "no jitter on it");
        let zero = RetryPolicy::default().base_backoff(Duration::ZERO);
        assert_eq!(zero.wait(3, None, 1.0), Duration::ZERO);
    }

    #[test]
    fn the_decision_table() {
        use Next::*;
        let s = Duration::from_secs;
        let failure = |retry, retry_after: Option<u64>, unauthorized| Failure {
            error: Error::new(crate::ErrorKind::Status, "x"),
            retry,
            retry_after: retry_after.map(s),
            unauthorized,
        };
        let after = |sent, counted, refreshed| Attempts {
            sent,
            counted,
            refreshed,
        };
        let call = |idempotent, can_refresh, time_left| Call {
            idempotent,
            can_refresh,
            time_left: s(time_left),
            jitter: 1.0,
        };
        let policy = RetryPolicy::default();
        #[rustfmt::skip]
        let table = [
            // A 401 with a refreshable token: once, then by the usual rules.
            (failure(Retry::Never, None, true), after(1, 1, false), call(true, true, 60), RefreshToken),
            (failure(Retry::Never, None, true), after(2, 1, true), call(true, true, 60), GiveUp),
            (failure(Retry::Never, None, true), after(1, 1, false), call(true, false, 60), GiveUp),
            // Transient for any method.
            (failure(Retry::Any, None, false), after(1, 1, false), call(false, false, 60), RetryAfter(Duration::from_millis(200))),
            (failure(Retry::Any, Some(7), false), after(2, 2, false), call(false, false, 60), RetryAfter(s(7))),
            // Transient only where the server cannot have acted twice.
            (failure(Retry::Idempotent, None, false), after(1, 1, false), call(true, false, 60), RetryAfter(Duration::from_millis(200))),
            (failure(Retry::Idempotent, None, false), after(1, 1, false), call(false, false, 60), GiveUp),
            (failure(Retry::Never, None, false), after(1, 1, false), call(true, false, 60), GiveUp),
            // The budget: 3 attempts, the refresh not counted.
            (failure(Retry::Any, None, false), after(3, 3, false), call(true, false, 60), GiveUp),
            (failure(Retry::Any, None, false), after(3, 2, true), call(true, false, 60), RetryAfter(Duration::from_millis(400))),
            // A wait that would pass the deadline.
            (failure(Retry::Any, Some(5), false), after(1, 1, false), call(true, false, 5), GiveUp),
            (failure(Retry::Any, Some(4), false), after(1, 1, false), call(true, false, 5), RetryAfter(s(4))),
        ];
        for (i, (failure, attempts, call, want)) in table.into_iter().enumerate() {
            assert_eq!(next(&failure, attempts, &policy, call), want, "row {i}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers(&[
                ("retry-after", "7"),
                ("retry-after-ms", "1500")
            ])),
            Some(Duration::from_millis(1500))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = retry_after(&headers(&[("retry-after", &soon)])).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        for junk in ["-1", "soon", "1e400", ""] {
            assert_eq!(
                retry_after(&headers(&[("retry-after", junk)])),
                None,
                "{junk}"
            );
        }
        for junk in ["-5", "NaN", "inf", "1e300"] {
            assert_eq!(
                retry_after(&headers(&[("retry-after-ms", junk)])),
                None,
                "{junk}"
            );
        }
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn status_classes() {
        for s in [429, 503] {
            assert_eq!(Retry::for_status(s), Retry::Any, "{s}");
        }
        for s in [500, 502, 504] {
            assert_eq!(Retry::for_status(s), Retry::Idempotent, "{s}");
        }
        for s in [400, 401, 403, 404, 409, 412, 501] {
            assert_eq!(Retry::for_status(s), Retry::Never, "{s}");
        }
        assert!(Retry::Any.allows(false) && Retry::Any.allows(true));
        assert!(Retry::Idempotent.allows(true) && !Retry::Idempotent.allows(false));
        assert!(!Retry::Never.allows(true));
    }
}
