//! Pagination: any list operation as a `Stream` of its items, through a
//! closure ([`paginate`]) or as the named stream of a generated operation
//! ([`Items`]).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream;

use crate::error::{Error, ErrorKind, Result};

/// How many pages in a row may come without items (but with a next token)
/// before a listing stops with an [`ErrorKind::Protocol`] error.
pub const MAX_EMPTY_PAGES: usize = 16;

/// How many recent page tokens are remembered exactly.
const RECENT_TOKENS: usize = 1024;

/// One page of a list operation: its items and the token of the next page.
pub trait Page {
    /// What the page lists.
    type Item;

    /// The token that fetches the next page; `None` or empty on the last page.
    fn next_page_token(&self) -> Option<&str>;

    /// The items of this page, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Turns a list operation into a stream of its items.
///
/// `fetch` is called with `None` for the first page and then with each
/// `nextPageToken`, until a page has none. The next page is fetched only when
/// the consumer asks for an item past the current page, so memory stays at one
/// page; the stream ends after the first error.
///
/// A server that sends the listing in circles or nowhere ends it with an
/// [`ErrorKind::Protocol`] error: a `nextPageToken` seen before (any earlier
/// token of the listing: the last 1,024 exactly, older ones by cycle
/// detection, in constant memory), or [`MAX_EMPTY_PAGES`] pages in a row
/// without items.
///
// `ignore`: this crate cannot depend on `c1`; the same code is compiled by
// c1's `tests/loopback/connector_owners.rs` and `examples/manage_owners.rs`.
/// ```ignore
/// # use c1::{ConnectorOwnersV2, Client};
/// # use futures_util::TryStreamExt;
/// # async fn run(client: Client) -> c1::Result<()> {
/// let owners = c1::paginate(|token| {
///     client.search_user_owners("app", "connector", Some(100), token.as_deref(), None)
/// });
/// let owners: Vec<_> = owners.try_collect().await?;
/// # Ok(()) }
/// ```
///
/// The stream is `Unpin` (its state is boxed once per listing), so
/// `TryStreamExt::try_next` works on it without `pin!`.
///
/// # The length of a listing is the caller's to bound
///
/// A server that keeps sending items with fresh tokens cannot be told from
/// a long listing (a system log has millions of events), so the stream has
/// no page limit: it ends when the server says so. Where that is not yours
/// to trust, bound it with `StreamExt::take(n)` (pages past the `n`th item
/// are never fetched) or a timeout, and do not `try_collect` an unbounded
/// listing.
pub fn paginate<P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P::Item>> + Unpin
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    Box::pin(pages(fetch))
}

/// Every item of a listing, page after page: the [`Stream`] that each
/// paginated operation's `..._stream` method returns
/// (`client.user().list_stream(100)`), so that no listing needs a
/// [`paginate`] closure.
///
/// It walks the listing as [`paginate`] does: a page is fetched only when an
/// item past the current one is asked for, the stream ends after the first
/// error, and a server that repeats a `nextPageToken` or sends
/// [`MAX_EMPTY_PAGES`] empty pages in a row ends it with an
/// [`ErrorKind::Protocol`] error. Its length is yours to bound
/// (`StreamExt::take`), as [`paginate`] explains.
///
/// It is [`Send`], [`Unpin`] and `'static`: it owns its arguments and a
/// handle on the client, so it can be stored, returned or moved into a
/// spawned task, and `TryStreamExt::try_next` works on it without `pin!`.
///
// `ignore`: this crate cannot depend on `c1` (nor enable its `user`
// feature); c1's `tests/loopback/streams.rs` walks the same stream.
/// ```ignore
/// use c1::prelude::*;
/// use futures_util::TryStreamExt;
/// # async fn run(client: c1::Client) -> c1::Result<()> {
/// let mut users = client.user().list_stream(100);
/// while let Some(view) = users.try_next().await? {
///     println!("{:?}", view.user.and_then(|u| u.display_name));
/// }
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing unless polled"]
pub struct Items<T> {
    stream: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
}

impl<T: Send + 'static> Items<T> {
    /// The items of the pages `fetch` returns, as [`paginate`] walks them,
    /// for a `fetch` that owns what it needs (an endpoint of your own,
    /// say: `Items::new(move |token| client.list_parts(Some(100), token.as_deref()))`).
    pub fn new<P, F, Fut>(fetch: F) -> Items<T>
    where
        P: Page<Item = T> + 'static,
        F: FnMut(Option<String>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<P>> + Send + 'static,
    {
        Items {
            stream: Box::pin(pages(fetch)),
        }
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.stream.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

/// The items of the pages `fetch` returns: [`paginate`]'s walk, unboxed.
fn pages<P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P::Item>>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    enum State<I> {
        /// Fetch the page of this token (`None`: the first page).
        Fetch(Option<String>),
        /// Yield the page's items, then fetch `next`, if any.
        Yield(std::vec::IntoIter<I>, Option<String>),
        Done,
    }

    stream::unfold(
        (State::Fetch(None), fetch, Guard::default()),
        |(mut state, mut fetch, mut guard)| async move {
            loop {
                state = match state {
                    State::Done => return None,
                    State::Yield(mut items, next) => match items.next() {
                        Some(item) => {
                            return Some((Ok(item), (State::Yield(items, next), fetch, guard)));
                        }
                        None => match next {
                            Some(token) => State::Fetch(Some(token)),
                            None => return None,
                        },
                    },
                    State::Fetch(token) => match fetch(token).await {
                        Ok(page) => {
                            let next = page
                                .next_page_token()
                                .filter(|t| !t.is_empty())
                                .map(str::to_owned);
                            let items = page.into_items();
                            if let Some(next) = &next
                                && let Err(err) = guard.check(next, items.len())
                            {
                                return Some((Err(err), (State::Done, fetch, guard)));
                            }
                            State::Yield(items.into_iter(), next)
                        }
                        Err(err) => return Some((Err(err), (State::Done, fetch, guard))),
                    },
                }
            }
        },
    )
}

/// What a listing has seen, to stop a server that would make it loop
/// forever: tokens are remembered as keyed 64-bit hashes, the last
/// [`RECENT_TOKENS`] exactly and older ones through Brent's cycle detection
/// (a checkpoint token moved to each power-of-two step), so memory stays
/// constant however long the listing.
struct Guard {
    hasher: std::collections::hash_map::RandomState,
    recent: HashSet<u64>,
    order: VecDeque<u64>,
    checkpoint: Option<u64>,
    steps: u64,
    power: u64,
    empty_in_a_row: usize,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            hasher: Default::default(),
            recent: HashSet::new(),
            order: VecDeque::new(),
            checkpoint: None,
            steps: 0,
            power: 1,
            empty_in_a_row: 0,
        }
    }
}

impl Guard {
    /// Checks a page of `items` items whose next token is `token`.
    fn check(&mut self, token: &str, items: usize) -> Result<()> {
        let hash = self.hasher.hash_one(token);
        if self.recent.contains(&hash) || self.checkpoint == Some(hash) {
            return Err(Error::new(
                ErrorKind::Protocol,
                "the server sent a `nextPageToken` it had sent before; stopping the listing \
                 rather than repeat it",
            ));
        }
        self.empty_in_a_row = if items == 0 {
            self.empty_in_a_row + 1
        } else {
            0
        };
        if self.empty_in_a_row >= MAX_EMPTY_PAGES {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "the server sent {MAX_EMPTY_PAGES} empty pages in a row, each with a new \
                     `nextPageToken`; stopping the listing"
                ),
            ));
        }
        self.remember(hash);
        Ok(())
    }

    fn remember(&mut self, hash: u64) {
        if self.order.len() == RECENT_TOKENS
            && let Some(oldest) = self.order.pop_front()
        {
            self.recent.remove(&oldest);
        }
        self.recent.insert(hash);
        self.order.push_back(hash);
        self.steps += 1;
        if self.steps == self.power {
            self.checkpoint = Some(hash);
            self.power = self.power.saturating_mul(2);
            self.steps = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    struct TestPage(Vec<u32>, Option<&'static str>);

    impl Page for TestPage {
        type Item = u32;
        fn next_page_token(&self) -> Option<&str> {
            self.1
        }
        fn into_items(self) -> Vec<u32> {
            self.0
        }
    }

    #[tokio::test]
    async fn follows_tokens_until_the_last_page() {
        let mut calls = Vec::new();
        let items: Vec<_> = paginate(|token: Option<String>| {
            calls.push(token.clone());
            let page = match token.as_deref() {
                None => TestPage(vec![1, 2], Some("b")),
                Some("b") => TestPage(vec![], Some("c")),
                Some("c") => TestPage(vec![3], Some("")),
                Some(other) => panic!("unexpected token {other}"),
            };
            async move { Ok(page) }
        })
        .collect()
        .await;
        let items: Vec<u32> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(calls, [None, Some("b".into()), Some("c".into())]);
    }

    #[tokio::test]
    async fn a_repeated_token_ends_the_stream_with_an_error() {
        let mut calls = 0;
        let results: Vec<_> = paginate(|token: Option<String>| {
            calls += 1;
            let page = match token {
                None => TestPage(vec![1], Some("same")),
                Some(_) => TestPage(vec![2], Some("same")),
            };
            async move { Ok(page) }
        })
        .collect()
        .await;
        assert_eq!(calls, 2);
        assert_eq!(results.len(), 2);
        assert_eq!(*results[0].as_ref().unwrap(), 1);
        assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::Protocol);
    }

    #[tokio::test]
    async fn a_cycle_longer_than_the_exact_memory_is_caught_too() {
        const CYCLE: u32 = 3 * RECENT_TOKENS as u32;
        let mut calls = 0u32;
        let results: Vec<_> = paginate(|token: Option<String>| {
            calls += 1;
            let n: u32 = token.map_or(0, |t| t.parse().unwrap());
            let next = ((n + 1) % CYCLE).to_string();
            async move { Ok(TestPage(vec![n], Some(Box::leak(next.into_boxed_str())))) }
        })
        .take(20 * CYCLE as usize)
        .collect()
        .await;
        let last = results.last().unwrap();
        assert_eq!(last.as_ref().unwrap_err().kind(), ErrorKind::Protocol);
        assert!(calls <= 3 * CYCLE, "{calls} fetches");
    }

    #[tokio::test]
    async fn items_walk_the_pages_as_paginate_does_and_own_their_fetch() {
        fn owned<S: Stream + Send + Unpin + 'static>(stream: S) -> S {
            stream
        }
        let pages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = pages.clone();
        let items = owned(Items::new(move |token: Option<String>| {
            seen.lock().unwrap().push(token.clone());
            let page = match token.as_deref() {
                None => TestPage(vec![1, 2], Some("b")),
                Some("b") => TestPage(vec![3], None),
                Some(other) => panic!("unexpected token {other}"),
            };
            async move { Ok(page) }
        }));
        let items: Vec<u32> = items.map(Result::unwrap).collect().await;
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(*pages.lock().unwrap(), [None, Some("b".into())]);

        let repeated =
            Items::new(|_token: Option<String>| async { Ok(TestPage(vec![1], Some("same"))) });
        let results: Vec<_> = repeated.collect().await;
        assert_eq!(results.len(), 2, "the first page's item, then the error");
        assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::Protocol);
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let results: Vec<_> = paginate(|_token: Option<String>| async {
            Err::<TestPage, _>(Error::new(ErrorKind::Transport, "down"))
        })
        .collect()
        .await;
        assert_eq!(results.len(), 1);
        assert_eq!(
            results[0].as_ref().unwrap_err().kind(),
            ErrorKind::Transport
        );
    }
}
