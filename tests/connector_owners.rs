//! The nine ConnectorOwnersV2 operations over real HTTP on loopback: what goes
//! on the wire (method, path, query, headers, body) and what comes back.

use c1::models::*;
use c1::{Client, ConnectorOwnersV2};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";
const OWNERS: &str = "/api/v2/apps/app-1/connectors/conn-1/owners";

/// A client of `server`, signed in with a bearer token.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .expect("the client builds")
}

/// Answers every request with `status` and `body` as JSON.
async fn answer(server: &MockServer, status: u16, body: &str) {
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
        )
        .mount(server)
        .await;
}

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().expect("an ASCII header"))
}

/// Checks the request line and the headers every call sends.
fn assert_request(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    assert_eq!(header(request, "authorization"), Some("Bearer test-token"));
}

/// Checks that the request carries `body` as JSON.
fn assert_json_body(request: &Request, body: Value) {
    let content_type = header(request, "content-type").expect("a Content-Type");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert_eq!(request.body_json::<Value>().expect("a JSON body"), body);
}

/// Checks that the request has no body.
fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "no body on {}", request.method);
    assert_eq!(header(request, "content-type"), None);
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("the fixture decodes")
}

const USER_OWNER: &str = include_str!("fixtures/GetConnectorUserOwnerResponse.json");
const ENTITLEMENT_OWNER: &str = include_str!("fixtures/GetConnectorEntitlementOwnerResponse.json");

#[tokio::test]
async fn set_owners_puts_the_owner_list() {
    let server = MockServer::start().await;
    answer(&server, 200, "{}").await;
    let request = SetConnectorOwnersV2Request::new("owner")
        .with_user_refs([UserRef::new("user-1")])
        .with_app_entitlement_refs([AppEntitlementRef::new("app-2", "ent-1")]);

    let response = client(&server)
        .set_owners("app-1", "conn-1", &request)
        .await
        .unwrap();

    assert_eq!(response, SetConnectorOwnersV2Response::default());
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    let fixture = include_str!("fixtures/SearchConnectorUserOwnersResponse.json");
    answer(&server, 200, fixture).await;

    let page = client(&server)
        .search_user_owners("app-1", "conn-1", Some(50), Some("tok/en+1"), Some("owner"))
        .await
        .unwrap();

    assert_eq!(page, decode::<SearchConnectorUserOwnersResponse>(fixture));
    assert_eq!(page.list.as_ref().unwrap().len(), 1);
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    answer(&server, 200, "{}").await;

    let page = client(&server)
        .search_entitlement_owners("app-1", "conn-1", None, None, None)
        .await
        .unwrap();

    assert_eq!(page.list, None);
    let sent = only_request(&server).await;
    assert_request(&sent, "GET", &format!("{OWNERS}/entitlements"), None);
}

#[tokio::test]
async fn get_user_owner_decodes_the_owner() {
    let server = MockServer::start().await;
    answer(&server, 200, USER_OWNER).await;

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
    let sent = only_request(&server).await;
    assert_request(&sent, "GET", &format!("{OWNERS}/users/owner/user-1"), None);
    assert_no_body(&sent);
}

#[tokio::test]
async fn path_parameters_are_escaped_per_segment() {
    let server = MockServer::start().await;
    answer(&server, 200, "{}").await;

    client(&server)
        .get_user_owner("app 1", "conn/1", "own?er", "user%1")
        .await
        .unwrap();

    let sent = only_request(&server).await;
    assert_request(
        &sent,
        "GET",
        "/api/v2/apps/app%201/connectors/conn%2F1/owners/users/own%3Fer/user%251",
        None,
    );
}

#[tokio::test]
async fn create_user_owner_posts_the_user_ref() {
    let server = MockServer::start().await;
    answer(&server, 200, USER_OWNER).await;

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
    let sent = only_request(&server).await;
    assert_request(&sent, "POST", &format!("{OWNERS}/users/owner/user-1"), None);
    assert_json_body(&sent, json!({"userRef": {"id": "user-1"}}));
}

#[tokio::test]
async fn delete_user_owner_sends_a_body_with_delete() {
    let server = MockServer::start().await;
    answer(&server, 200, "{}").await;

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
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    let fixture = include_str!("fixtures/SearchConnectorEntitlementOwnersResponse.json");
    answer(&server, 200, fixture).await;

    let page = client(&server)
        .search_entitlement_owners("app-1", "conn-1", Some(10), None, Some("owner"))
        .await
        .unwrap();

    assert_eq!(
        page,
        decode::<SearchConnectorEntitlementOwnersResponse>(fixture)
    );
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    answer(&server, 200, ENTITLEMENT_OWNER).await;

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
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    answer(&server, 200, ENTITLEMENT_OWNER).await;

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
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    // Some proxies drop the `{}`: an empty 200 body is the empty response too.
    answer(&server, 200, "").await;

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
    let sent = only_request(&server).await;
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
    let server = MockServer::start().await;
    answer(
        &server,
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
    let server = MockServer::start().await;
    answer(
        &server,
        200,
        r#"{"connectorOwnerUser": {"createdAt": "yesterday"}}"#,
    )
    .await;

    let err = client(&server)
        .get_user_owner("app-1", "conn-1", "owner", "user-1")
        .await
        .unwrap_err();

    assert_eq!(err.kind(), c1::ErrorKind::Decode);
    assert!(err.to_string().contains("RFC 3339"), "{err}");
    assert_eq!(err.json_path(), Some("connectorOwnerUser.createdAt"));
}

/// A page of two user owners, `first` and `first + 1`, then `next`.
fn page_of_users(first: u32, next: &str) -> ResponseTemplate {
    let owner = |n: u32| json!({"appId": "app-1", "roleSlug": "owner", "user": {"id": format!("user-{n}")}});
    ResponseTemplate::new(200).set_body_json(json!({
        "list": [owner(first), owner(first + 1)],
        "nextPageToken": next,
    }))
}

/// Three pages of two owners; the last has an empty `nextPageToken`.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let users = format!("{OWNERS}/users");
    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param_is_missing("page_token"))
        .respond_with(page_of_users(1, "page-2"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("page_token", "page-2"))
        .respond_with(page_of_users(3, "page-3"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&users))
        .and(query_param("page_token", "page-3"))
        .respond_with(page_of_users(5, ""))
        .mount(&server)
        .await;
    server
}

fn user_id(owner: &ConnectorOwnerUser) -> &str {
    owner
        .user
        .as_ref()
        .and_then(|u| u.id.as_deref())
        .unwrap_or_default()
}

/// The `page_token` of each request `server` received, in order.
async fn tokens_sent(server: &MockServer) -> Vec<Option<String>> {
    let requests = server.received_requests().await.expect("recording is on");
    requests
        .iter()
        .map(|r| {
            assert_eq!(
                r.url
                    .query_pairs()
                    .find(|(k, _)| k == "page_size")
                    .map(|(_, v)| v.into_owned())
                    .as_deref(),
                Some("2")
            );
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page_token")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

#[tokio::test]
async fn paginate_walks_every_page_in_order() {
    let server = three_pages().await;
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
        tokens_sent(&server).await,
        [None, Some("page-2".to_owned()), Some("page-3".to_owned())]
    );
}

#[tokio::test]
async fn paginate_fetches_only_the_pages_it_needs() {
    let server = three_pages().await;
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
        tokens_sent(&server).await,
        [None, Some("page-2".to_owned())]
    );
}

/// The real service sends `null` for many unset fields: the shipped service decodes a fake
/// in nulls mode (every unset field `null`, the last `nextPageToken` `null`).
#[tokio::test]
async fn the_service_decodes_answers_full_of_nulls() {
    let fake = c1_fake::FakeC1::builder().nulls(true).start().await;
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
