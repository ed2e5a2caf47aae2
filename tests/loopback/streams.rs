//! Every paginated operation has a `<method>_stream` that returns the
//! listing's items as a `c1::Items` stream, with the page size as an
//! argument: no `paginate` closure to write. Real HTTP against c1-fake.

use c1::prelude::*;
use c1_fake::FakeC1;
use futures_util::TryStreamExt;

const TOKEN: &str = "test-token";

/// A client of `fake`, signed in with `TOKEN`.
fn client(fake: &FakeC1) -> Client {
    fake.add_bearer_token(TOKEN);
    Client::builder()
        .base_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .expect("the client builds")
}

/// The seed contract's service, implemented on `Client` itself: its
/// streams are methods of the client too.
#[tokio::test]
async fn the_owners_of_a_connector_stream_from_the_client_and_its_handle() {
    let fake = FakeC1::start().await;
    let client = client(&fake);
    let owners: Vec<_> = client
        .search_user_owners_stream("app-1", "conn-1", None, 10)
        .try_collect()
        .await
        .expect("the owners");
    let roles: Vec<_> = owners
        .iter()
        .filter_map(|o| o.role_slug.as_deref())
        .collect();
    assert_eq!(roles.len(), 2, "{owners:?}");
    assert_eq!(
        fake.requests()[0].query.as_deref(),
        Some("page_size=10"),
        "the page size goes in the query"
    );

    let admins: Vec<_> = client
        .connector_owners_v2()
        .search_user_owners_stream("app-1", "conn-1", Some("admin"), 10)
        .try_collect()
        .await
        .expect("the admins");
    assert_eq!(admins.len(), 1, "{admins:?}");
    assert_eq!(admins[0].role_slug.as_deref(), Some("admin"));
}

#[cfg(feature = "user")]
mod user {
    use super::*;
    use futures_util::StreamExt;
    use serde_json::json;

    /// A tenant of `n` users, `u-01`, `u-02`, ...
    async fn tenant_of(n: usize) -> FakeC1 {
        let users: Vec<_> = (1..=n)
            .map(|i| json!({"id": format!("u-{i:02}"), "displayName": format!("User {i}")}))
            .collect();
        FakeC1::builder()
            .seed(json!({ "users": users }))
            .start()
            .await
    }

    /// The ids of the users in `views`.
    fn ids(views: &[c1::models::UserView]) -> Vec<&str> {
        views
            .iter()
            .filter_map(|v| v.user.as_ref()?.id.as_deref())
            .collect()
    }

    #[tokio::test]
    async fn a_list_streams_every_item_page_by_page() {
        let fake = tenant_of(25).await;
        let client = client(&fake);
        let users: Vec<_> = client
            .user()
            .list_stream(10)
            .try_collect()
            .await
            .expect("the users");
        let expected: Vec<String> = (1..=25).map(|i| format!("u-{i:02}")).collect();
        assert_eq!(ids(&users), expected);
        let requests = fake.requests();
        assert_eq!(requests.len(), 3, "pages of 10, 10 and 5");
        assert_eq!(requests[0].query.as_deref(), Some("page_size=10"));
        for later in &requests[1..] {
            let pairs = later.query_pairs();
            assert_eq!(pairs[0], ("page_size".into(), "10".into()));
            assert_eq!(pairs[1].0, "page_token", "{pairs:?}");
        }
    }

    /// A page is fetched only when an item past the one before is asked for.
    #[tokio::test]
    async fn pages_past_the_items_taken_are_never_fetched() {
        let fake = tenant_of(25).await;
        let client = client(&fake);
        let mut users = client.user().list_stream(10);
        let first = users.try_next().await.expect("a page").expect("a user");
        assert_eq!(ids(&[first]), ["u-01"]);
        assert_eq!(fake.requests().len(), 1);
        let twelve: Vec<_> = users.take(11).try_collect().await.expect("the users");
        assert_eq!(twelve.len(), 11);
        assert_eq!(fake.requests().len(), 2, "the second page, not the third");
    }

    /// The stream owns its client handle and arguments: it is `'static`
    /// and `Send`, so a spawned task can walk it after the client is gone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stream_is_spawned() {
        let fake = tenant_of(12).await;
        let client = client(&fake);
        let users: c1::Items<c1::models::UserView> = client.user().list_stream(10);
        drop(client);
        let users = tokio::spawn(users.try_collect::<Vec<_>>())
            .await
            .unwrap()
            .expect("the users");
        assert_eq!(users.len(), 12);
    }

    /// The stream ends after the first error, which says what failed.
    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let fake = tenant_of(25).await;
        let client = client(&fake);
        let mut users = client.user().list_stream(10);
        for _ in 0..10 {
            users.try_next().await.expect("the first page").unwrap();
        }
        fake.fail_next(&[400]);
        let err = users.try_next().await.unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(err.to_string().starts_with("GET /api/v1/users"), "{err}");
        assert!(users.next().await.is_none(), "nothing after the error");
    }

    /// A POST search: the page size and token travel in the body, the
    /// request's filters on every page. The request may be given by value
    /// or by reference.
    #[cfg(feature = "task-search")]
    #[tokio::test]
    async fn a_search_streams_with_its_filters_on_every_page() {
        use c1::models::{TaskSearchRequest, TaskState};

        let fake = FakeC1::start().await;
        let client = client(&fake);
        let request = TaskSearchRequest::default().task_states([TaskState::Open]);
        let open: Vec<_> = client
            .task_search()
            .search_stream(&request, 10)
            .try_collect()
            .await
            .expect("the open tasks");
        let ids: Vec<_> = open
            .iter()
            .filter_map(|v| v.task.as_ref()?.id.as_deref())
            .collect();
        assert_eq!(ids, ["task-1", "task-2", "task-3"]);
        let body = fake.requests()[0].json().expect("a JSON body");
        assert_eq!(
            body,
            json!({"pageSize": 10, "taskStates": ["TASK_STATE_OPEN"]})
        );

        // By value, over a tenant of 15 open tasks and 5 closed: the
        // second page's body carries the token and the filters.
        let tasks: Vec<_> = (1..=20)
            .map(|i| {
                let state = if i <= 15 { "TASK_STATE_OPEN" } else { "TASK_STATE_CLOSED" };
                json!({"id": format!("t-{i:02}"), "displayName": format!("Task {i}"), "state": state})
            })
            .collect();
        let fake = FakeC1::builder()
            .seed(json!({ "tasks": tasks }))
            .start()
            .await;
        let open: Vec<_> = super::client(&fake)
            .task_search()
            .search_stream(request, 10)
            .try_collect()
            .await
            .expect("the open tasks");
        assert_eq!(open.len(), 15);
        let requests = fake.requests();
        assert_eq!(requests.len(), 2, "pages of 10 and 5");
        let second = requests[1].json().expect("a JSON body");
        assert_eq!(second["pageSize"], 10);
        assert_eq!(second["taskStates"], json!(["TASK_STATE_OPEN"]));
        assert!(
            second["pageToken"].as_str().is_some_and(|t| !t.is_empty()),
            "{second}"
        );
    }
}
