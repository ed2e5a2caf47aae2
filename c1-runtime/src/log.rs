//! What c1 logs, through `tracing` with the target `c1`: one event per
//! finished call, per retry and per token fetch, at `DEBUG`. Events carry
//! methods, path templates, statuses, counts and durations; never a token,
//! a secret, a path value or a query value.

use std::time::Duration;

/// `d` in whole milliseconds, for log fields.
pub(crate) fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
