//! When and how often a failed call is tried again.

use std::time::Duration;

/// The retry policy of a [`Client`](crate::Client).
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

    /// Attempts in all, the first included; `1` turns retries off.
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
}
