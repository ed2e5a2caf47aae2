//! The identity cache: one per `Client` (shared by its clones), in front of
//! whichever [`Resolve`] obtains its access tokens (client credentials,
//! token exchange, a [`TokenSource`](crate::TokenSource) of the user's).
//! Adding a way to obtain a token is one new resolver; the cache does not
//! change.
//!
//! Design:
//! - The current token sits in a `std::sync::RwLock<Option<Arc<Token>>>`. The
//!   warm path takes the read lock, checks `now < refresh_at` and clones the
//!   `Arc`: no mutex, nothing held across an `.await`.
//! - Refreshing is single-flight: callers that find no fresh token queue on a
//!   `tokio::sync::Mutex` (the flight). The first one resolves; the others,
//!   when they get the lock, see that a flight completed since they looked
//!   (a generation counter) and take its result, token or error. So N
//!   concurrent callers cause exactly one resolution, and a failure is
//!   handed to the callers that waited for it but not cached: the next caller
//!   tries again. If the resolving caller is cancelled, the next waiter resolves.
//!   Waiting for the flight is bounded by the call's deadline, enforced by
//!   the client's [`Deadlines`](crate::deadline::Deadlines) like every other wait.
//! - Expiry uses `tokio::time::Instant`, measured from when the token was
//!   asked for. A token is refreshed [`refresh_margin`] before it expires:
//!   half its lifetime, but at least 10 s and at most 60 s early (never later
//!   than 10 s before expiry). A token that lives 10 s or less is used by the
//!   callers of the flight that fetched it, then replaced. An unknown
//!   lifetime means 5 minutes; lifetimes are capped at 24 hours.
//! - `reject` drops the cached token only if it is the very token that was
//!   sent (`Arc::ptr_eq`), never a newer one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::time::Instant;

use crate::client::ClientInner;
use crate::error::{Error, ErrorKind, Result, TimeoutKind};

/// The lifetime assumed when none is known.
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// The longest lifetime believed (guards against overflow and forever-tokens).
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long before expiry a token with `lifetime` is refreshed.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 2)
        .clamp(Duration::from_secs(10), Duration::from_secs(60))
        .min(lifetime)
}

/// An access token and when to replace it.
pub(crate) struct Token {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    /// From this instant on, callers fetch a new token.
    pub(crate) refresh_at: Instant,
    /// When the token expires.
    pub(crate) expires_at: Instant,
}

impl Token {
    /// A token asked for at `asked_at` that lives `lifetime` (`None`:
    /// [`DEFAULT_LIFETIME`]; at most [`MAX_LIFETIME`]).
    pub(crate) fn new(header: HeaderValue, asked_at: Instant, lifetime: Option<Duration>) -> Token {
        let lifetime = lifetime.unwrap_or(DEFAULT_LIFETIME).min(MAX_LIFETIME);
        Token {
            header,
            refresh_at: asked_at + (lifetime - refresh_margin(lifetime)),
            expires_at: asked_at + lifetime,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("header", &"[redacted]")
            .field("refresh_at", &self.refresh_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A boxed, sendable future: what a resolver returns.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How an access token is obtained: one implementation per way (client
/// credentials, token exchange, the user's [`TokenSource`](crate::TokenSource)).
pub(crate) trait Resolve: Send + Sync {
    /// A new token, by `deadline` (the call's) or an error; sent with the
    /// client's transport, retry policy and deadlines.
    fn resolve<'a>(
        &'a self,
        inner: &'a ClientInner,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Token>>;

    /// `Debug` for the resolver, with `token` (whether one is cached, never
    /// its value) as its last field.
    fn describe(&self, f: &mut fmt::Formatter<'_>, token: &str) -> fmt::Result;
}

/// A resolver and the token it last gave: one per `Client` (shared by clones).
pub(crate) struct IdentityCache {
    source: Box<dyn Resolve>,
    current: RwLock<Option<Arc<Token>>>,
    /// Completed flights, readable without the flight lock.
    completed: AtomicU64,
    flight: tokio::sync::Mutex<Flight>,
}

/// What the last completed flight produced.
struct Flight {
    generation: u64,
    last: Option<Result<Arc<Token>>>,
}

impl IdentityCache {
    /// An empty cache in front of `source`.
    pub(crate) fn new(source: Box<dyn Resolve>) -> IdentityCache {
        IdentityCache {
            source,
            current: RwLock::new(None),
            completed: AtomicU64::new(0),
            flight: tokio::sync::Mutex::new(Flight {
                generation: 0,
                last: None,
            }),
        }
    }

    /// The cached token if it is not due for refresh.
    fn fresh(&self) -> Option<Arc<Token>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .cloned()
    }

    /// A valid token: the cached one, or one resolved (once for all
    /// concurrent callers) by `deadline`.
    pub(crate) async fn token(&self, inner: &ClientInner, deadline: Instant) -> Result<Arc<Token>> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        // Boxed: inline, the token request (once an hour) would make every
        // call's future as large as itself, and each call moves its future.
        Box::pin(self.refresh(inner, deadline)).await
    }

    /// A token resolved (once for all concurrent callers) by `deadline`, or
    /// the one a concurrent caller just resolved.
    async fn refresh(&self, inner: &ClientInner, deadline: Instant) -> Result<Arc<Token>> {
        let seen = self.completed.load(Ordering::Acquire);
        let waiting = inner
            .deadlines
            .run(Instant::now(), deadline, self.flight.lock());
        let Ok(mut flight) = waiting.await else {
            return Err(call_timeout(inner));
        };
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if flight.generation != seen
            && let Some(last) = &flight.last
        {
            // A flight completed while we waited: its result is ours, even a
            // token already due for refresh (one that lives 10 s or less), so
            // waiters never fetch one after the other.
            return last.clone();
        }
        let result = self.source.resolve(inner, deadline).await.map(Arc::new);
        if let Ok(token) = &result {
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        }
        flight.generation += 1;
        flight.last = Some(result.clone());
        self.completed.store(flight.generation, Ordering::Release);
        result
    }

    /// Forgets `token` if it is still the cached one.
    pub(crate) fn reject(&self, token: &Arc<Token>) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, token)) {
            *current = None;
        }
    }
}

/// The call's deadline passed while waiting for a token.
pub(crate) fn call_timeout(inner: &ClientInner) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "the call timeout of {:?} expired while waiting for an access token",
            inner.timeouts.call
        ),
    )
    .with_timeout(TimeoutKind::Call)
}

impl fmt::Debug for IdentityCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.current.read().map(|c| c.is_some()).unwrap_or(false);
        let token = if cached { "[redacted]" } else { "none" };
        self.source.describe(f, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Never;

    impl Resolve for Never {
        fn resolve<'a>(&'a self, _: &'a ClientInner, _: Instant) -> BoxFuture<'a, Result<Token>> {
            Box::pin(std::future::pending())
        }

        fn describe(&self, f: &mut fmt::Formatter<'_>, token: &str) -> fmt::Result {
            f.debug_struct("Never").field("token", &token).finish()
        }
    }

    fn token(value: &str, lifetime: u64) -> Arc<Token> {
        let now = Instant::now();
        Arc::new(Token {
            header: HeaderValue::from_str(value).unwrap(),
            refresh_at: now + Duration::from_secs(lifetime),
            expires_at: now + Duration::from_secs(lifetime),
        })
    }

    #[test]
    fn reject_drops_only_the_token_that_was_sent() {
        let cache = IdentityCache::new(Box::new(Never));
        let old = token("Bearer old", 60);
        let new = token("Bearer new", 60);
        *cache.current.write().unwrap() = Some(new.clone());
        cache.reject(&old);
        assert!(Arc::ptr_eq(&cache.fresh().unwrap(), &new));
        // Same value, another token: still kept (identity, not equality).
        cache.reject(&token("Bearer new", 60));
        assert!(cache.fresh().is_some());
        cache.reject(&new);
        assert!(cache.fresh().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn fresh_until_refresh_at() {
        let cache = IdentityCache::new(Box::new(Never));
        assert_eq!(format!("{cache:?}"), r#"Never { token: "none" }"#);
        *cache.current.write().unwrap() = Some(token("Bearer t", 30));
        assert!(cache.fresh().is_some());
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(cache.fresh().is_some());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(cache.fresh().is_none());
        let debug = format!("{cache:?}");
        assert_eq!(debug, r#"Never { token: "[redacted]" }"#);
    }

    #[test]
    fn margins() {
        let s = Duration::from_secs;
        assert_eq!(refresh_margin(s(600)), s(60));
        assert_eq!(refresh_margin(s(300)), s(60));
        assert_eq!(refresh_margin(s(60)), s(30));
        assert_eq!(refresh_margin(s(15)), s(10));
        assert_eq!(refresh_margin(s(8)), s(8));
        assert_eq!(refresh_margin(s(0)), s(0));
    }

    #[test]
    fn lifetimes() {
        let now = Instant::now();
        let header = HeaderValue::from_static("Bearer t");
        let t = Token::new(header.clone(), now, Some(Duration::from_secs(600)));
        assert_eq!(t.expires_at - now, Duration::from_secs(600));
        assert_eq!(t.refresh_at - now, Duration::from_secs(540));
        let t = Token::new(header.clone(), now, None);
        assert_eq!(t.expires_at - now, DEFAULT_LIFETIME);
        let t = Token::new(header, now, Some(Duration::MAX));
        assert_eq!(t.expires_at - now, MAX_LIFETIME);
    }
}
