//! Pagination: any list operation as a `Stream` of its items.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream;

use crate::error::{Error, ErrorKind, Result};

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
        /// Fetch the page of this token (`None`: the first page).
        Fetch(Option<String>),
        /// Yield the page's items, then fetch `next`, if any.
        Yield(std::vec::IntoIter<I>, Option<String>),
        Done,
    }

    stream::unfold(
        (State::Fetch(None), fetch),
        |(mut state, mut fetch)| async move {
            loop {
                state = match state {
                    State::Done => return None,
                    State::Yield(mut items, next) => match items.next() {
                        Some(item) => return Some((Ok(item), (State::Yield(items, next), fetch))),
                        None => match next {
                            Some(token) => State::Fetch(Some(token)),
                            None => return None,
                        },
                    },
                    State::Fetch(token) => match fetch(token.clone()).await {
                        Ok(page) => {
                            let next = page
                                .next_page_token()
                                .filter(|t| !t.is_empty())
                                .map(str::to_owned);
                            if next.is_some() && next == token {
                                return Some((Err(repeated_token()), (State::Done, fetch)));
                            }
                            State::Yield(page.into_items().into_iter(), next)
                        }
                        Err(err) => return Some((Err(err), (State::Done, fetch))),
                    },
                }
            }
        },
    )
}

/// A server that answers a page token with the same token would make the
/// stream loop forever.
fn repeated_token() -> Error {
    Error::new(
        ErrorKind::Protocol,
        "the server answered a page token with the same `nextPageToken`; stopping the listing",
    )
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
