//! `c1::paginate` is `Unpin`: `try_next()` needs no `pin!`.

use c1::{Page, Result};
use futures_util::TryStreamExt;

pub struct Numbers(Vec<u32>);

impl Page for Numbers {
    type Item = u32;

    fn next_page_token(&self) -> Option<&str> {
        None
    }

    fn into_items(self) -> Vec<u32> {
        self.0
    }
}

async fn first() -> Result<Option<u32>> {
    let mut numbers = c1::paginate(|_token| async { Ok(Numbers(vec![1, 2])) });
    numbers.try_next().await
}

fn assert_send<T: Send>(_: &T) {}

pub fn main() {
    let future = first();
    assert_send(&future);
}
