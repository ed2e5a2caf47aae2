//! Pagination: any list operation as a `Stream` of its items.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream;

use crate::Result;

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
// `ignore`: this crate cannot depend on `c1`; the same code is compiled by
// c1's `tests/connector_owners.rs` and `examples/manage_owners.rs`.
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
pub fn paginate<P, F, Fut>(fetch: F) -> impl Stream<Item = Result<P::Item>>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    enum State<I> {
        /// Yielding the current page; then fetch with the token, if any.
        Page(std::vec::IntoIter<I>, Option<String>),
        Done,
    }

    let first = State::Page(Vec::new().into_iter(), None);
    stream::unfold(
        (first, fetch, true),
        |(mut state, mut fetch, mut first)| async move {
            loop {
                match state {
                    State::Done => return None,
                    State::Page(ref mut items, ref mut token) => {
                        if let Some(item) = items.next() {
                            return Some((Ok(item), (state, fetch, first)));
                        }
                        if !first && token.is_none() {
                            return None;
                        }
                        first = false;
                        match fetch(token.take()).await {
                            Ok(page) => {
                                let next = page
                                    .next_page_token()
                                    .filter(|t| !t.is_empty())
                                    .map(str::to_owned);
                                state = State::Page(page.into_items().into_iter(), next);
                            }
                            Err(err) => return Some((Err(err), (State::Done, fetch, first))),
                        }
                    }
                }
            }
        },
    )
}
