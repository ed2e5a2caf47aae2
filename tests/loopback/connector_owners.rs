//! The nine ConnectorOwnersV2 operations over real HTTP on loopback: what goes
//! on the wire (method, path, query, headers, body) and what comes back.

use c1::models::*;
use c1::{Client, ConnectorOwnersV2};
use c1_fake::{FakeC1, RecordedRequest, Reply, Route};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

const TOKEN: &str = "test-token";
const OWNERS: &str = "/api/v2/apps/app-1/connectors/conn-1/owners";
const PREFIX: &str = "/api/v2/apps/<app_id>/connectors/<connector_id>/owners";

/// The nine operations' (method, template), as c1-fake hosts them.
const ROUTES: [(&str, &str); 9] = [
    ("PUT", ""),
    ("GET", "/users"),
    ("GET", "/entitlements"),
    ("GET", "/users/<role_slug>/<user_ref_id>"),
    ("POST", "/users/<role_slug>/<user_ref_id>"),
    ("DELETE", "/users/<role_slug>/<user_ref_id>"),
    ("GET", "/entitlements/<role_slug>/<app_id>/<id>"),
    ("POST", "/entitlements/<role_slug>/<app_id>/<id>"),
    ("DELETE", "/entitlements/<role_slug>/<app_id>/<id>"),
];

/// A fake accepting only `TOKEN` (any other answers 401, so a successful call proves the
/// client sent `Authorization: Bearer test-token`).
async fn fake() -> FakeC1 {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    fake
}

/// A client of `fake`, signed in with a bearer token.
fn client(fake: &FakeC1) -> Client {
    Client::builder()
        .base_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .expect("the client builds")
}

/// A fake answering every ConnectorOwnersV2 operation with `status` and `body` as JSON.
async fn answer(status: u16, body: &str) -> FakeC1 {
    let fake = fake().await;
    let reply = Reply::new(status)
        .header("content-type", "application/json")
        .body(body);
    for (method, suffix) in ROUTES {
        fake.route(method, &format!("{PREFIX}{suffix}"))
            .reply(reply.clone());
    }
    fake
}

/// The one request `fake` received.
fn only_request(fake: &FakeC1) -> RecordedRequest {
    let mut requests = fake.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

/// Checks the request line and the headers every call sends.
fn assert_request(request: &RecordedRequest, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.path, path);
    assert_eq!(request.query.as_deref(), query);
    // The fake records the scheme only; it accepted the request, so the token was TOKEN.
    assert_eq!(request.header("authorization"), Some("Bearer [redacted]"));
    assert!(request.status.is_some_and(|s| s != 401), "{request:?}");
}

/// Checks that the request carries `body` as JSON.
fn assert_json_body(request: &RecordedRequest, body: Value) {
    let content_type = request.header("content-type").expect("a Content-Type");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert_eq!(request.json().expect("a JSON body"), body);
}

/// Checks that the request has no body.
fn assert_no_body(request: &RecordedRequest) {
    assert!(request.body.is_empty(), "no body on {}", request.method);
    assert_eq!(request.header("content-type"), None);
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("the fixture decodes")
}

const USER_OWNER: &str = include_str!("../fixtures/GetConnectorUserOwnerResponse.json");
const ENTITLEMENT_OWNER: &str =
    include_str!("../fixtures/GetConnectorEntitlementOwnerResponse.json");

#[tokio::test]
async fn set_owners_puts_the_owner_list() {
    let server = answer(200, "{}").await;
    let request = SetConnectorOwnersV2Request::new("owner")
        .with_user_refs([UserRef::new("user-1")])
        .with_app_entitlement_refs([AppEntitlementRef::new("app-2", "ent-1")]);

    let response = client(&server)
        .set_owners("app-1", "conn-1", &request)
        .await
        .unwrap();

    assert_eq!(response, SetConnectorOwnersV2Response::default());
    let sent = only_request(&server);
    assert_request(&sent, "PUT", OWNERS, None);
    assert_json_body(
        &sent,
        json!({
            "roleSlug": "owner",
            "userRefs": [{"id": "user-1"}],
            "appEntitlementRefs": [{"appId": "app-2", "id": "ent-1"}],
        }),
    );
}

#[tokio::test]
async fn search_user_owners_sends_the_query() {
    let fixture = include_str!("../fixtures/SearchConnectorUserOwnersResponse.json");
    let server = answer(200, fixture).await;

    let page = client(&server)
        .search_user_owners("app-1", "conn-1", Some(50), Some("tok/en+1"), Some("owner"))
        .await
        .unwrap();

    assert_eq!(page, decode::<SearchConnectorUserOwnersResponse>(fixture));
    assert_eq!(page.list.as_ref().unwrap().len(), 1);
    let sent = only_request(&server);
    assert_request(
        &sent,
        "GET",
        &format!("{OWNERS}/users"),
        Some("page_size=50&page_token=tok%2Fen%2B1&role_slug=owner"),
    );
    assert_no_body(&sent);
}

#[tokio::test]
async fn search_leaves_absent_parameters_out_of_the_query() {
    let server = answer(200, "{}").await;

    let page = client(&server)
        .search_entitlement_owners("app-1", "conn-1", None, None, None)
        .await
        .unwrap();

    assert_eq!(page.list, None);
    let sent = only_request(&server);
    assert_request(&sent, "GET", &format!("{OWNERS}/entitlements"), None);
}

#[tokio::test]
async fn get_user_owner_decodes_the_owner() {
    let server = answer(200, USER_OWNER).await;

    let response = client(&server)
        .get_user_owner("app-1", "conn-1", "owner", "user-1")
        .await
        .unwrap();

    assert_eq!(
        response,
        decode::<GetConnectorUserOwnerResponse>(USER_OWNER)
    );
    let user = response.connector_owner_user.unwrap().user.unwrap();
    assert_eq!(user.email.as_deref(), Some("ada.lovelace@example.com"));
    assert_eq!(user.status, Some(UserStatus::Enabled));
    let sent = only_request(&server);
    assert_request(&sent, "GET", &format!("{OWNERS}/users/owner/user-1"), None);
    assert_no_body(&sent);
}

#[tokio::test]
async fn path_parameters_are_escaped_per_segment() {
    let server = answer(200, "{}").await;

    client(&server)
        .get_user_owner("app 1", "conn/1", "own?er", "user%1")
        .await
        .unwrap();

    let sent = only_request(&server);
    assert_request(
        &sent,
        "GET",
        "/api/v2/apps/app%201/connectors/conn%2F1/owners/users/own%3Fer/user%251",
        None,
    );
}

#[tokio::test]
async fn create_user_owner_posts_the_user_ref() {
    let server = answer(200, USER_OWNER).await;

    let response = client(&server)
        .create_user_owner(
            "app-1",
            "conn-1",
            "owner",
            "user-1",
            &CreateConnectorUserOwnerRequest::new(UserRef::new("user-1")),
        )
        .await
        .unwrap();

    assert_eq!(
        response.connector_owner_user,
        decode::<GetConnectorUserOwnerResponse>(USER_OWNER).connector_owner_user
    );
    let sent = only_request(&server);
    assert_request(&sent, "POST", &format!("{OWNERS}/users/owner/user-1"), None);
    assert_json_body(&sent, json!({"userRef": {"id": "user-1"}}));
}

#[tokio::test]
async fn delete_user_owner_sends_a_body_with_delete() {
    let server = answer(200, "{}").await;

    let response = client(&server)
        .delete_user_owner(
            "app-1",
            "conn-1",
            "owner",
            "user-1",
            &DeleteConnectorUserOwnerRequest::new(UserRef::new("user-1")),
        )
        .await
        .unwrap();

    assert_eq!(response, DeleteConnectorUserOwnerResponse::default());
    let sent = only_request(&server);
    assert_request(
        &sent,
        "DELETE",
        &format!("{OWNERS}/users/owner/user-1"),
        None,
    );
    assert_json_body(&sent, json!({"userRef": {"id": "user-1"}}));
}

#[tokio::test]
async fn search_entitlement_owners_decodes_the_page() {
    let fixture = include_str!("../fixtures/SearchConnectorEntitlementOwnersResponse.json");
    let server = answer(200, fixture).await;

    let page = client(&server)
        .search_entitlement_owners("app-1", "conn-1", Some(10), None, Some("owner"))
        .await
        .unwrap();

    assert_eq!(
        page,
        decode::<SearchConnectorEntitlementOwnersResponse>(fixture)
    );
    let sent = only_request(&server);
    assert_request(
        &sent,
        "GET",
        &format!("{OWNERS}/entitlements"),
        Some("page_size=10&role_slug=owner"),
    );
    assert_no_body(&sent);
}

#[tokio::test]
async fn get_entitlement_owner_decodes_the_owner() {
    let server = answer(200, ENTITLEMENT_OWNER).await;

    let response = client(&server)
        .get_entitlement_owner("app-1", "conn-1", "owner", "app-2", "ent-1")
        .await
        .unwrap();

    assert_eq!(
        response,
        decode::<GetConnectorEntitlementOwnerResponse>(ENTITLEMENT_OWNER)
    );
    let entitlement = response
        .connector_owner_entitlement
        .unwrap()
        .app_entitlement
        .unwrap();
    assert_eq!(entitlement.grant_count, Some(42));
    let sent = only_request(&server);
    assert_request(
        &sent,
        "GET",
        &format!("{OWNERS}/entitlements/owner/app-2/ent-1"),
        None,
    );
    assert_no_body(&sent);
}

#[tokio::test]
async fn create_entitlement_owner_posts_the_entitlement_ref() {
    let server = answer(200, ENTITLEMENT_OWNER).await;

    let response = client(&server)
        .create_entitlement_owner(
            "app-1",
            "conn-1",
            "owner",
            "app-2",
            "ent-1",
            &CreateConnectorEntitlementOwnerRequest::new(AppEntitlementRef::new("app-2", "ent-1")),
        )
        .await
        .unwrap();

    assert_eq!(
        response.connector_owner_entitlement,
        decode::<GetConnectorEntitlementOwnerResponse>(ENTITLEMENT_OWNER)
            .connector_owner_entitlement
    );
    let sent = only_request(&server);
    assert_request(
        &sent,
        "POST",
        &format!("{OWNERS}/entitlements/owner/app-2/ent-1"),
        None,
    );
    assert_json_body(
        &sent,
        json!({"appEntitlementRef": {"appId": "app-2", "id": "ent-1"}}),
    );
}

#[tokio::test]
async fn delete_entitlement_owner_accepts_an_empty_answer() {
    // Some proxies drop the `{}`: an empty 200 body is the empty response too.
    let server = answer(200, "").await;

    let response = client(&server)
        .delete_entitlement_owner(
            "app-1",
            "conn-1",
            "owner",
            "app-2",
            "ent-1",
            &DeleteConnectorEntitlementOwnerRequest::new(AppEntitlementRef::new("app-2", "ent-1")),
        )
        .await
        .unwrap();

    assert_eq!(response, DeleteConnectorEntitlementOwnerResponse::default());
    let sent = only_request(&server);
    assert_request(
        &sent,
        "DELETE",
        &format!("{OWNERS}/entitlements/owner/app-2/ent-1"),
        None,
    );
    assert_json_body(
        &sent,
        json!({"appEntitlementRef": {"appId": "app-2", "id": "ent-1"}}),
    );
}

#[tokio::test]
async fn a_missing_owner_is_a_not_found_error() {
    let server = answer(
        404,
        r#"{"code": 5, "message": "connector owner not found", "details": []}"#,
    )
    .await;

    let err = client(&server)
        .get_user_owner("app-1", "conn-1", "owner", "nobody")
        .await
        .unwrap_err();

    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_message(), Some("connector owner not found"));
}

#[tokio::test]
async fn a_response_that_does_not_fit_the_model_is_an_error() {
    let server = answer(200, r#"{"connectorOwnerUser": {"createdAt": "yesterday"}}"#).await;

    let err = client(&server)
        .get_user_owner("app-1", "conn-1", "owner", "user-1")
        .await
        .unwrap_err();

    assert_eq!(err.kind(), c1::ErrorKind::Decode);
    assert!(err.to_string().contains("RFC 3339"), "{err}");
    assert_eq!(err.json_path(), Some("connectorOwnerUser.createdAt"));
}

/// A page of two user owners, `first` and `first + 1`, then `next`.
fn page_of_users(first: u32, next: &str) -> Reply {
    let owner = |n: u32| json!({"appId": "app-1", "roleSlug": "owner", "user": {"id": format!("user-{n}")}});
    Reply::json(&json!({
        "list": [owner(first), owner(first + 1)],
        "nextPageToken": next,
    }))
}

/// Three pages of two owners; the last has an empty `nextPageToken`. Any other
/// `page_token` is answered 404.
async fn three_pages() -> (FakeC1, Route) {
    let fake = fake().await;
    let users = fake.route("GET", &format!("{PREFIX}/users"));
    users.handler(|call| {
        let pairs = call.request.query_pairs();
        let token = pairs.iter().find(|(k, _)| k == "page_token");
        match token.map(|(_, v)| v.as_str()) {
            None => page_of_users(1, "page-2"),
            Some("page-2") => page_of_users(3, "page-3"),
            Some("page-3") => page_of_users(5, ""),
            Some(_) => Reply::new(404),
        }
    });
    (fake, users)
}

fn user_id(owner: &ConnectorOwnerUser) -> &str {
    owner
        .user
        .as_ref()
        .and_then(|u| u.id.as_deref())
        .unwrap_or_default()
}

/// The `page_token` of each request the fake received (all of them on the route), in order.
fn tokens_sent(fake: &FakeC1, users: &Route) -> Vec<Option<String>> {
    assert_eq!(fake.requests().len(), users.hits(), "{:?}", fake.requests());
    users
        .requests()
        .iter()
        .map(|r| {
            let pairs = r.request.query_pairs();
            let get = |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            assert_eq!(get("page_size").as_deref(), Some("2"));
            get("page_token")
        })
        .collect()
}

#[tokio::test]
async fn paginate_walks_every_page_in_order() {
    let (server, users) = three_pages().await;
    let client = client(&server);

    let owners: Vec<ConnectorOwnerUser> = c1::paginate(|token| {
        client.search_user_owners("app-1", "conn-1", Some(2), token.as_deref(), None)
    })
    .try_collect()
    .await
    .unwrap();

    let ids: Vec<&str> = owners.iter().map(user_id).collect();
    assert_eq!(
        ids,
        ["user-1", "user-2", "user-3", "user-4", "user-5", "user-6"]
    );
    assert_eq!(
        tokens_sent(&server, &users),
        [None, Some("page-2".to_owned()), Some("page-3".to_owned())]
    );
}

#[tokio::test]
async fn paginate_fetches_only_the_pages_it_needs() {
    let (server, users) = three_pages().await;
    let client = client(&server);

    let owners: Vec<_> = c1::paginate(|token| {
        client.search_user_owners("app-1", "conn-1", Some(2), token.as_deref(), None)
    })
    .take(3)
    .collect()
    .await;

    let ids: Vec<&str> = owners
        .iter()
        .map(|o| user_id(o.as_ref().unwrap()))
        .collect();
    assert_eq!(ids, ["user-1", "user-2", "user-3"]);
    assert_eq!(
        tokens_sent(&server, &users),
        [None, Some("page-2".to_owned())]
    );
}

/// The real service sends `null` for many unset fields: the shipped service decodes a fake
/// in nulls mode (every unset field `null`, the last `nextPageToken` `null`).
#[tokio::test]
async fn the_service_decodes_answers_full_of_nulls() {
    let fake = FakeC1::builder().nulls(true).start().await;
    fake.add_bearer_token(TOKEN);
    fake.add_user(json!({"id": "sparse", "email": "s@example.com"}));
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();

    let created = client
        .create_user_owner(
            "app-1",
            "conn-1",
            "owner",
            "sparse",
            &CreateConnectorUserOwnerRequest::new(UserRef::new("sparse")),
        )
        .await
        .unwrap();
    let user = created.connector_owner_user.unwrap().user.unwrap();
    assert_eq!(user.id.as_deref(), Some("sparse"));
    assert_eq!(user.email.as_deref(), Some("s@example.com"));
    assert_eq!(
        (user.display_name, user.status, user.created_at),
        (None, None, None)
    );
    // The fake really answered nulls (so the decoding above was tested on them).
    let raw = reqwest::Client::new()
        .get(format!("{}{OWNERS}/users/owner/sparse", fake.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let raw: Value = serde_json::from_slice(&raw).unwrap();
    let raw_user = raw["connectorOwnerUser"]["user"].as_object().unwrap();
    assert_eq!(raw_user.len(), 32, "{raw}");
    assert!(raw_user["displayName"].is_null() && raw_user["status"].is_null());

    let page = client
        .search_user_owners("app-1", "conn-1", None, None, Some("owner"))
        .await
        .unwrap();
    assert_eq!(page.next_page_token, None, "null on the last page");
    let owners: Vec<ConnectorOwnerUser> = c1::paginate(|token| {
        client.search_user_owners("app-1", "conn-1", Some(10), token.as_deref(), None)
    })
    .try_collect()
    .await
    .unwrap();
    let ids: Vec<&str> = owners.iter().map(user_id).collect();
    assert_eq!(ids, ["user-2", "sparse", "user-1"]);

    let owner = client
        .get_entitlement_owner("app-1", "conn-1", "owner", "app-1", "ent-1")
        .await
        .unwrap()
        .connector_owner_entitlement
        .unwrap();
    assert_eq!(owner.app_entitlement.unwrap().id.as_deref(), Some("ent-1"));
}
