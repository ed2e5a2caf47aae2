//! The `#[c1_endpoint]` DSL end to end: a user's trait, declared here as a
//! user would, called over real HTTP against c1-fake hosting its routes, which
//! records exactly what it received.

use std::borrow::Cow;

use c1::{Api, Client, ErrorKind, PathValue, Result, c1_endpoint};
use c1_fake::{FakeC1, Reply};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Deserialize)]
struct Part {
    id: String,
}

#[derive(Serialize)]
struct NewPart<'a> {
    name: &'a str,
    count: u32,
}

/// A user's id newtype: `WidgetId(7)` is the segment `w-7`.
struct WidgetId(u64);

impl PathValue for WidgetId {
    fn to_path_value(&self) -> Cow<'_, str> {
        Cow::Owned(format!("w-{}", self.0))
    }
}

/// Widgets and their parts: the trait a user of c1 writes.
trait Widgets: Api {
    /// Fetch one part.
    #[c1_endpoint(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>&<r#type>")]
    async fn get_part(
        &self,
        widget_id: &str,
        part_id: &str,
        page_size: Option<u32>,
        r#type: Option<&str>,
    ) -> Result<Part>;

    #[c1_endpoint(POST "/api/v1/widgets/<id>/parts", body = part)]
    async fn create_part(&self, id: WidgetId, part: &NewPart<'_>) -> Result<Part>;

    #[c1_endpoint(PUT "/api/v1/widgets/<id>", body = body)]
    async fn replace(&self, id: u64, body: serde_json::Value) -> Result<()>;

    #[c1_endpoint(PATCH "/api/v1/widgets/<id>?<force>", body = body)]
    async fn patch(&self, id: String, force: bool, body: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(DELETE "/api/v1/widgets/<id>")]
    async fn delete(&self, id: &str) -> Result<()>;
}

impl Widgets for Client {}

/// One request as the fake recorded it.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    content_type: Option<String>,
    body: String,
}

/// c1-fake hosting the widget routes, each answering `200` and `answer`.
struct Server {
    fake: FakeC1,
}

const TOKEN: &str = "test-token";

impl Server {
    async fn start(answer: &'static str) -> Server {
        let fake = FakeC1::start().await;
        fake.add_bearer_token(TOKEN);
        let reply = Reply::new(200)
            .header("content-type", "application/json")
            .body(answer);
        for (method, template) in [
            ("GET", "/api/v1/widgets/<widget_id>/parts/<part_id>"),
            ("POST", "/api/v1/widgets/<id>/parts"),
            ("PUT", "/api/v1/widgets/<id>"),
            ("PATCH", "/api/v1/widgets/<id>"),
            ("DELETE", "/api/v1/widgets/<id>"),
        ] {
            fake.route(method, template).reply(reply.clone());
        }
        Server { fake }
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(self.fake.base_url())
            .bearer_token(TOKEN)
            .build()
            .unwrap()
    }

    /// The only request received since the last call, answered 200 by a route.
    fn one(&self) -> Seen {
        let mut seen = self.fake.requests();
        self.fake.clear_requests();
        assert_eq!(seen.len(), 1, "{seen:?}");
        let r = seen.pop().unwrap();
        assert_eq!(r.status, Some(200), "{r:?}");
        let target = match &r.query {
            Some(q) => format!("{}?{q}", r.path),
            None => r.path.clone(),
        };
        Seen {
            method: r.method.clone(),
            content_type: r.header("content-type").map(str::to_owned),
            target,
            body: r.body,
        }
    }
}

#[tokio::test]
async fn get_escapes_path_segments_and_sends_the_query() {
    let server = Server::start(r#"{"id":"p-2"}"#).await;
    let part = server
        .client()
        .get_part("w 1", "p/2", Some(50), Some("bolt"))
        .await
        .unwrap();
    assert_eq!(part, Part { id: "p-2".into() });
    let seen = server.one();
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.target,
        "/api/v1/widgets/w%201/parts/p%2F2?page_size=50&type=bolt"
    );
    assert_eq!(seen.content_type, None);
    assert_eq!(seen.body, "");
}

#[tokio::test]
async fn none_leaves_a_query_parameter_out() {
    let server = Server::start(r#"{"id":"p"}"#).await;
    let client = server.client();
    client.get_part("w", "p", None, Some("a&b")).await.unwrap();
    assert_eq!(server.one().target, "/api/v1/widgets/w/parts/p?type=a%26b");
    client.get_part("w", "p", None, None).await.unwrap();
    assert_eq!(server.one().target, "/api/v1/widgets/w/parts/p");
}

#[tokio::test]
async fn post_sends_the_json_body() {
    let server = Server::start(r#"{"id":"new"}"#).await;
    let part = server
        .client()
        .create_part(
            WidgetId(7),
            &NewPart {
                name: "gear",
                count: 3,
            },
        )
        .await
        .unwrap();
    assert_eq!(part.id, "new");
    let seen = server.one();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/api/v1/widgets/w-7/parts");
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
    assert_eq!(seen.body, r#"{"name":"gear","count":3}"#);
}

#[tokio::test]
async fn unit_result_accepts_an_empty_object() {
    let server = Server::start("{}").await;
    let client = server.client();
    client
        .replace(42, serde_json::json!({"name": "w"}))
        .await
        .unwrap();
    let seen = server.one();
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PUT", "/api/v1/widgets/42")
    );
    assert_eq!(seen.body, r#"{"name":"w"}"#);

    client
        .patch("w9".to_owned(), true, &serde_json::json!([1]))
        .await
        .unwrap();
    let seen = server.one();
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PATCH", "/api/v1/widgets/w9?force=true")
    );
    assert_eq!(seen.body, "[1]");
}

#[tokio::test]
async fn unit_result_accepts_an_empty_body() {
    let server = Server::start("").await;
    server.client().delete("w.1").await.unwrap();
    let seen = server.one();
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("DELETE", "/api/v1/widgets/w.1")
    );
    assert_eq!(seen.content_type, None);
}

#[tokio::test]
async fn a_value_that_cannot_be_a_segment_fails_before_sending() {
    let server = Server::start("{}").await;
    let err = server.client().delete("..").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("`id`"), "{err}");
    assert!(server.fake.requests().is_empty());
}

/// The returned future holds no borrow of the arguments: it is built from
/// temporaries that are dropped before it is awaited.
#[tokio::test]
async fn the_future_outlives_its_arguments() {
    let server = Server::start(r#"{"id":"x"}"#).await;
    let client = server.client();
    let future = {
        let widget = String::from("w");
        let kind = String::from("k");
        client.get_part(widget.as_str(), &kind, Some(1), Some(kind.as_str()))
    };
    assert_eq!(future.await.unwrap().id, "x");
    assert_eq!(
        server.one().target,
        "/api/v1/widgets/w/parts/k?page_size=1&type=k"
    );
}

/// Read-only searches sent as POST, one declared `idempotent`.
trait Searches: Api {
    #[c1_endpoint(POST "/api/v1/widgets/search", body = query, idempotent)]
    async fn search(&self, query: &serde_json::Value) -> Result<serde_json::Value>;

    #[c1_endpoint(POST "/api/v1/widgets/create", body = query)]
    async fn create(&self, query: &serde_json::Value) -> Result<serde_json::Value>;
}

impl Searches for Client {}

/// A fake hosting both searches, each answering `status` to its first request,
/// then `200 {"ok":true}`.
async fn fails_once(status: u16) -> Server {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    for template in ["/api/v1/widgets/search", "/api/v1/widgets/create"] {
        let route = fake.route("POST", template);
        route.json(serde_json::json!({"ok": true}));
        route.faults().fail_next(&[status]);
    }
    Server { fake }
}

/// A POST declared `idempotent` is sent again after a 503, with the same
/// body (503 says the server did not act, so any method is retried).
#[tokio::test(start_paused = true)]
async fn an_idempotent_post_is_retried_on_503() {
    let server = fails_once(503).await;
    let query = serde_json::json!({"name": "gear"});
    let found = server.client().search(&query).await.unwrap();
    assert_eq!(found, serde_json::json!({"ok": true}));
    let requests = server.fake.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    for r in &requests {
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
            ("POST", "/api/v1/widgets/search", None)
        );
        assert_eq!(r.body, r#"{"name":"gear"}"#);
    }
    assert_eq!(
        requests.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Some(503), Some(200)]
    );
}

/// What the flag changes: a 502 (the server may have acted) is retried for a
/// POST declared `idempotent`, and not for a plain POST.
#[tokio::test(start_paused = true)]
async fn only_an_idempotent_post_is_retried_on_502() {
    let query = serde_json::json!({});
    let server = fails_once(502).await;
    server.client().search(&query).await.unwrap();
    assert_eq!(server.fake.requests().len(), 2);

    let server = fails_once(502).await;
    let err = server.client().create(&query).await.unwrap_err();
    assert_eq!((err.status(), err.attempts()), (Some(502), 1));
    assert_eq!(server.fake.requests().len(), 1);
}
