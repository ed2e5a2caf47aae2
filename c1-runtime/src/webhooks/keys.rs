//! The tenant's signing keys: its JWKS, fetched through the client, cached,
//! and fetched again when a token names a key the cache lacks (at most once
//! per interval, however many deliveries ask) or when the cache is old.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::exchange::Exchange;
use super::jwk::{self, Jwk};
use crate::client::Client;
use crate::endpoint::Method;
use crate::error::{Error, ErrorKind, Result};

/// The path of the tenant's JWKS under its base URL.
pub const JWKS_PATH: &str = "/auth/v1/jwks";

/// The largest JWKS document read.
const MAX_JWKS_BYTES: u64 = 256 * 1024;

/// The keys as last fetched.
struct Snapshot {
    keys: Arc<[Jwk]>,
    fetched: Option<Instant>,
}

/// The JWKS cache of one verifier.
pub(crate) struct KeyCache {
    client: Client,
    url: reqwest::Url,
    /// The least time between two fetches (the first excepted).
    refetch_interval: Duration,
    /// Keys older than this are fetched again before use.
    max_age: Duration,
    current: RwLock<Snapshot>,
    /// Held while fetching, so that concurrent deliveries fetch once.
    fetching: tokio::sync::Mutex<LastFetch>,
}

/// The last fetch: when it started, and its error if it failed.
#[derive(Default)]
struct LastFetch {
    started: Option<Instant>,
    error: Option<Error>,
}

/// Why no key could be found.
pub(crate) enum Missing {
    /// The JWKS (fetched or not, within the interval) has no such key.
    NoKey,
    /// The JWKS could not be fetched (now, or by the last fetch within the
    /// interval), and the cached keys, if any, lack the key.
    Unavailable(Error),
}

impl KeyCache {
    pub(crate) fn new(
        client: Client,
        refetch_interval: Duration,
        max_age: Duration,
    ) -> Result<KeyCache> {
        let url = format!("{}{JWKS_PATH}", client.base_url());
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::new(ErrorKind::Config, format!("the JWKS URL is not valid: {e}"))
        })?;
        Ok(KeyCache {
            client,
            url,
            refetch_interval,
            max_age,
            current: RwLock::new(Snapshot {
                keys: Arc::from(Vec::new()),
                fetched: None,
            }),
            fetching: tokio::sync::Mutex::new(LastFetch::default()),
        })
    }

    /// The JWKS and the indexes of the keys in it that `pick` chooses;
    /// when it chooses none, or the keys are older than the maximum age,
    /// the JWKS is fetched first (unless the last fetch started less than
    /// the interval ago). Keys that were cached stay in use when a fetch
    /// fails.
    pub(crate) async fn keys(
        &self,
        pick: impl Fn(&Jwk) -> bool,
    ) -> std::result::Result<(Arc<[Jwk]>, Vec<usize>), Missing> {
        let (keys, stale) = self.snapshot();
        let chosen = choose(&keys, &pick);
        if !chosen.is_empty() && !stale {
            return Ok((keys, chosen));
        }
        let fetched = self.refresh(&pick).await;
        let (keys, _) = self.snapshot();
        let chosen = choose(&keys, &pick);
        match fetched {
            _ if !chosen.is_empty() => Ok((keys, chosen)),
            // The key may be new: without the JWKS, "no such key" is not known.
            Err(error) => Err(Missing::Unavailable(error)),
            Ok(()) => Err(Missing::NoKey),
        }
    }

    fn snapshot(&self) -> (Arc<[Jwk]>, bool) {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        let stale = current
            .fetched
            .is_none_or(|at| at.elapsed() >= self.max_age);
        (current.keys.clone(), stale)
    }

    /// Fetches the JWKS unless another caller just did (then its result is
    /// used) or the interval since the last fetch has not passed (then the
    /// last fetch's error, if it failed, is the answer).
    async fn refresh(&self, pick: &impl Fn(&Jwk) -> bool) -> Result<()> {
        let mut last = self.fetching.lock().await;
        // Someone fetched while this caller waited: use that.
        let (keys, stale) = self.snapshot();
        if !stale && !choose(&keys, pick).is_empty() {
            return Ok(());
        }
        if let Some(at) = last.started
            && at.elapsed() < self.refetch_interval
        {
            return match &last.error {
                Some(error) => Err(error.clone()),
                None => Ok(()),
            };
        }
        last.started = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                last.error = None;
                let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
                *current = Snapshot {
                    keys: Arc::from(keys),
                    fetched: Some(Instant::now()),
                };
                Ok(())
            }
            Err(error) => {
                tracing::debug!(target: "c1", kind = ?error.kind(), status = error.status(), "JWKS fetch failed");
                last.error = Some(error.clone());
                Err(error)
            }
        }
    }

    async fn fetch(&self) -> Result<Vec<Jwk>> {
        let exchange = Exchange {
            method: Method::Get,
            url: self.url.clone(),
            template: JWKS_PATH,
            body: None,
            idempotent: true,
            max_body: MAX_JWKS_BYTES,
            headers: || Ok(HeaderMap::new()),
            sent_secrets: Vec::new(),
            secret_url: false,
        };
        let (reply, _) = exchange.send(&self.client).await?;
        jwk::parse_set(&reply.body).ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                "the JWKS is not a JSON object with a `keys` array",
            )
            .with_request(Method::Get, JWKS_PATH)
        })
    }
}

fn choose(keys: &[Jwk], pick: &impl Fn(&Jwk) -> bool) -> Vec<usize> {
    keys.iter()
        .enumerate()
        .filter(|(_, k)| pick(k))
        .map(|(i, _)| i)
        .collect()
}
