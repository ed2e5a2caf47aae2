//! Two services of two areas of the API: list the tenant's users page by page
//! (`User`, feature `user`, area `area-user`), then search the open tasks
//! (`TaskSearch`, feature `task-search`, area `area-task`).
//!
//! ```sh
//! cargo run --example directory_and_tasks --features user,task-search
//! ```
//!
//! With no credentials in the environment it runs against the embedded fake
//! C1 tenant (`c1-fake`) and its default tenant (four users, open tasks that
//! wait on them); with `CONDUCTORONE_CLIENT_ID` + `CONDUCTORONE_CLIENT_SECRET` (or
//! `CONDUCTORONE_ACCESS_TOKEN` and `CONDUCTORONE_SERVER_URL`) it reads your
//! tenant. Both operations only read.

use c1::models::{TaskSearchRequest, TaskState};
use c1::prelude::*;
use futures_util::TryStreamExt;

mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keeps the fake (if one was started) alive until the end of main.
    let (client, _fake) = support::connect().await?;

    // Every user, 50 a page: each page is fetched when the stream reaches it.
    let mut listing = client.user().list_stream(50);
    let mut shown = 0;
    while let Some(view) = listing.try_next().await? {
        let user = view.user.unwrap_or_default();
        if shown < 5 {
            println!(
                "user {} <{}>",
                user.display_name.as_deref().unwrap_or("?"),
                user.email.as_deref().unwrap_or("?"),
            );
        }
        shown += 1;
    }
    println!("{shown} users in all");

    // A read-only POST search: declared `idempotent`, so it is retried like a
    // GET. Its stream sets the page size and token in the request.
    let request = TaskSearchRequest::default().task_states([TaskState::Open]);
    let mut open = client.task_search().search_stream(request, 10);
    while let Some(view) = open.try_next().await? {
        let task = view.task.unwrap_or_default();
        println!(
            "open task {}: {}",
            task.id.as_deref().unwrap_or("?"),
            task.display_name.as_deref().unwrap_or("(no name)"),
        );
    }
    Ok(())
}
