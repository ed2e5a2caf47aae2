//! A call owns what it needs: its request, built when the method is called,
//! and a handle on the client. It borrows neither the arguments nor the
//! client, nor the service handle it came from, so a call made on a
//! temporary handle can be returned from a closure, collected or spawned
//! (issue 29). Real HTTP against c1-fake's default tenant.

use c1::c1_endpoint;
use c1::models::GetConnectorUserOwnerResponse;
use c1::prelude::*;
use c1_fake::FakeC1;

const TOKEN: &str = "test-token";

/// A fake accepting `TOKEN`, and a client of it.
async fn fake_and_client() -> (FakeC1, Client) {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .expect("the client builds");
    (fake, client)
}

/// The seed contract, declared by the user as c1 first shipped it.
pub trait ConnectorOwnersV2: c1::Api {
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>")]
    async fn get_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> c1::Result<GetConnectorUserOwnerResponse>;
}
impl ConnectorOwnersV2 for c1::Client {}

/// A user's own endpoint returns a call that outlives its arguments and
/// the client it was called on: spawned, with the client dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_endpoint_is_spawned_and_outlives_its_client() {
    let (fake, client) = fake_and_client().await;
    let user = String::from("user-1");
    let call = ConnectorOwnersV2::get_user_owner(&client, "app-1", "conn-1", "owner", &user);
    drop((client, user));
    let owner = tokio::spawn(call).await.unwrap().expect("the owner");
    let id = owner.connector_owner_user.and_then(|o| o.user?.id);
    assert_eq!(id.as_deref(), Some("user-1"));
    assert_eq!(fake.requests().len(), 1);
}

/// The generated service, through a handle made for the call and dropped
/// before it is awaited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_on_a_temporary_handle_is_spawned() {
    let (_fake, client) = fake_and_client().await;
    let task = tokio::spawn(
        client
            .connector_owners_v2()
            .get_user_owner("app-1", "conn-1", "admin", "user-2"),
    );
    let owner = task.await.unwrap().expect("the owner");
    let id = owner.connector_owner_user.and_then(|o| o.user?.id);
    assert_eq!(id.as_deref(), Some("user-2"));
}

/// The three shapes of issue 29, as written there, on the `User` service.
#[cfg(feature = "user")]
mod user {
    use super::*;
    use c1::ErrorKind;
    use futures_util::TryStreamExt;

    #[tokio::test]
    async fn paginate_calls_a_temporary_handle() {
        let (fake, client) = fake_and_client().await;
        let users: Vec<_> = c1::paginate(|t| client.user().list(Some(100), t.as_deref()))
            .try_collect()
            .await
            .expect("the users");
        let ids: Vec<_> = users
            .iter()
            .filter_map(|v| v.user.as_ref()?.id.as_deref())
            .collect();
        assert_eq!(ids, ["user-1", "user-2", "user-3", "user 4/ü"]);
        assert_eq!(fake.requests()[0].query.as_deref(), Some("page_size=100"));
    }

    #[tokio::test]
    async fn calls_are_mapped_from_borrowed_ids() {
        let (_fake, client) = fake_and_client().await;
        let ids = vec![String::from("user-1"), String::from("user 4/ü")];
        let calls: Vec<_> = ids.iter().map(|id| client.user().get(id)).collect();
        drop(ids);
        let users = futures_util::future::try_join_all(calls)
            .await
            .expect("the users");
        let names: Vec<_> = users
            .iter()
            .map(|r| r.user_view.as_ref()?.user.as_ref()?.id.as_deref())
            .collect();
        assert_eq!(names, [Some("user-1"), Some("user 4/ü")]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_is_spawned() {
        let (fake, client) = fake_and_client().await;
        // Issue 29's line: no user "x" in the tenant, so a 404.
        let missing = tokio::spawn(client.user().get("x"));
        let found = tokio::spawn(client.user().get("user-2"));
        drop(client);
        let err = missing.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status, "{err}");
        assert_eq!(err.status(), Some(404), "{err}");
        let user = found.await.unwrap().expect("user-2");
        let id = user.user_view.and_then(|v| v.user?.id);
        assert_eq!(id.as_deref(), Some("user-2"));
        assert_eq!(fake.requests().len(), 2);
    }

    /// A call keeps its client alive: the last clone may be dropped first.
    #[tokio::test]
    async fn a_call_outlives_the_last_clone_of_its_client() {
        let (_fake, client) = fake_and_client().await;
        let call = client.user().get("user-3");
        drop(client);
        let user = call.await.expect("user-3");
        assert!(user.user_view.is_some());
    }

    /// The type a method returns is `Call<'static, T>`, and code that names
    /// it with a shorter lifetime still compiles.
    #[test]
    fn a_call_is_static_and_can_be_named_with_any_lifetime() {
        fn borrowed<'c>(client: &'c Client) -> c1::Call<'c, c1::models::UserServiceGetResponse> {
            client.user().get("user-1")
        }
        fn owned(client: &Client) -> c1::Call<'static, c1::models::UserServiceGetResponse> {
            client.user().get("user-1")
        }
        fn spawnable<F: std::future::Future + Send + Unpin + 'static>(_: F) {}
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .bearer_token(TOKEN)
            .build()
            .unwrap();
        drop(borrowed(&client));
        spawnable(owned(&client));
    }
}
