//! The replay cache: each token id (`jti`) is accepted once while its token
//! is valid, and forgotten once it has expired.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

/// The default number of token ids held: far more than the deliveries a
/// receiver gets within one token lifetime.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// What became of a token id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// First sight: it is now held until it expires.
    New,
    /// It was accepted before.
    Again,
    /// The cache is full of ids that have not expired: nothing is accepted
    /// until some expire, rather than forget one that could then be replayed.
    Full,
}

/// Token ids with the Unix second after which their token is dead.
#[derive(Debug)]
pub(crate) struct ReplayCache {
    capacity: usize,
    ids: HashSet<Arc<str>>,
    /// `(forget_at, id)`, oldest first.
    by_expiry: BTreeSet<(i64, Arc<str>)>,
}

impl ReplayCache {
    pub(crate) fn new(capacity: usize) -> ReplayCache {
        ReplayCache {
            capacity: capacity.max(1),
            ids: HashSet::new(),
            by_expiry: BTreeSet::new(),
        }
    }

    /// Records `id`, whose token may be presented until `forget_at` (Unix
    /// seconds), at wall-clock second `now`.
    pub(crate) fn insert(&mut self, id: &str, forget_at: i64, now: i64) -> Seen {
        while let Some(first) = self.by_expiry.first()
            && first.0 < now
        {
            if let Some((_, old)) = self.by_expiry.pop_first() {
                self.ids.remove(&old);
            }
        }
        if self.ids.contains(id) {
            return Seen::Again;
        }
        if self.ids.len() >= self.capacity {
            return Seen::Full;
        }
        let id: Arc<str> = Arc::from(id);
        self.ids.insert(id.clone());
        self.by_expiry.insert((forget_at, id));
        Seen::New
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_accepted_once_while_its_token_lives() {
        let mut cache = ReplayCache::new(10);
        assert_eq!(cache.insert("a", 100, 0), Seen::New);
        assert_eq!(cache.insert("a", 100, 50), Seen::Again);
        assert_eq!(cache.insert("a", 100, 100), Seen::Again);
        // Past its expiry the token itself is refused; the id is let go.
        assert_eq!(cache.insert("b", 200, 101), Seen::New);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_full_cache_refuses_rather_than_forgets() {
        let mut cache = ReplayCache::new(2);
        assert_eq!(cache.insert("a", 100, 0), Seen::New);
        assert_eq!(cache.insert("b", 150, 0), Seen::New);
        assert_eq!(cache.insert("c", 150, 0), Seen::Full);
        assert_eq!(cache.insert("a", 100, 0), Seen::Again);
        assert_eq!(cache.insert("c", 150, 101), Seen::New);
        assert_eq!(cache.insert("a", 300, 101), Seen::Full);
    }
}
