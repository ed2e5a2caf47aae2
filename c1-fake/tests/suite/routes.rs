//! Routes a test hosts on the fake: its own endpoints over real HTTP on loopback.

use c1_fake::{FakeC1, Fault, Reply};
use serde_json::{Value, json};

const TOKEN: &str = "route-token";

async fn fake() -> FakeC1 {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    fake
}

/// Send a request; returns (status, headers, body text).
async fn send(
    fake: &FakeC1,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client
        .request(method, format!("{}{path}", fake.base_url()))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (
        status,
        headers,
        String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap(),
    )
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn a_route_answers_json_and_records_its_requests() {
    let fake = fake().await;
    let widgets = fake.route("GET", "/api/v1/widgets/<widget_id>");
    let (status, _, body) = send(&fake, "GET", "/api/v1/widgets/w1", None).await;
    assert_eq!(
        (status, json_of(&body)),
        (200, json!({})),
        "answers {{}} by default"
    );
    widgets.json(json!({"id": "w"}));
    let (status, headers, body) =
        send(&fake, "GET", "/api/v1/widgets/a%2Fb%20c?view=full", None).await;
    assert_eq!((status, json_of(&body)), (200, json!({"id": "w"})));
    assert_eq!(headers["content-type"], "application/json");

    assert_eq!(widgets.hits(), 2);
    let seen = widgets.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].param("widget_id"), Some("a/b c"));
    assert_eq!(seen[1].request.path, "/api/v1/widgets/a%2Fb%20c");
    assert_eq!(seen[1].request.query.as_deref(), Some("view=full"));
    assert_eq!(
        seen[1].request.header("authorization"),
        Some("Bearer [redacted]")
    );
    assert_eq!(seen[1].request.status, None, "recorded before the answer");
    // The fake's own log has them too, with their statuses.
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.status == Some(200))
            .count(),
        2
    );
    // Another path is not this route.
    assert_eq!(
        send(&fake, "GET", "/api/v1/widgets/w/parts", None).await.0,
        404
    );
    assert_eq!(widgets.hits(), 2);
}

#[tokio::test]
async fn replies_carry_status_headers_and_body() {
    let fake = fake().await;
    fake.route("GET", "/api/v1/moved").reply(
        Reply::new(302)
            .header("location", "http://localhost:1/elsewhere")
            .header("x-one", "1"),
    );
    let (status, headers, body) = send(&fake, "GET", "/api/v1/moved", None).await;
    assert_eq!(status, 302);
    assert_eq!(headers["location"], "http://localhost:1/elsewhere");
    assert_eq!(headers["x-one"], "1");
    assert_eq!(body, "");
    fake.route("POST", "/api/v1/html").reply(
        Reply::new(502)
            .header("content-type", "text/html")
            .body("<html>bad</html>"),
    );
    let (status, headers, body) = send(&fake, "POST", "/api/v1/html", Some("{}")).await;
    assert_eq!((status, body.as_str()), (502, "<html>bad</html>"));
    assert_eq!(headers["content-type"], "text/html");
}

#[tokio::test]
async fn a_handler_answers_from_the_request() {
    let fake = fake().await;
    let parts = fake.route("POST", "/api/v1/widgets/{widget_id}/parts");
    parts.handler(|req| {
        let body = req.request.json().unwrap_or(Value::Null);
        Reply::json(&json!({"widget": req.param("widget_id"), "echo": body})).status(201)
    });
    let (status, _, body) = send(
        &fake,
        "POST",
        "/api/v1/widgets/w-7/parts",
        Some(r#"{"n":3}"#),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(json_of(&body), json!({"widget": "w-7", "echo": {"n": 3}}));
    assert_eq!(parts.requests()[0].request.body, r#"{"n":3}"#);
}

#[tokio::test]
async fn route_faults_apply_to_the_route_that_was_called() {
    let fake = fake().await;
    let a = fake.route("GET", "/api/v1/a");
    let b = fake.route("GET", "/api/v1/b");
    a.faults()
        .fail_next(&[503])
        .push(Fault::Reply(Reply::new(429).header("retry-after", "3")));
    // b is called first: a's faults wait for a.
    assert_eq!(send(&fake, "GET", "/api/v1/b", None).await.0, 200);
    let (status, _, body) = send(&fake, "GET", "/api/v1/a", None).await;
    assert_eq!(status, 503);
    assert_eq!(json_of(&body)["code"], 14);
    let (status, headers, _) = send(&fake, "GET", "/api/v1/a", None).await;
    assert_eq!(
        (status, &headers["retry-after"]),
        (429, &"3".parse::<reqwest::header::HeaderValue>().unwrap())
    );
    assert_eq!(send(&fake, "GET", "/api/v1/a", None).await.0, 200);
    assert_eq!((a.hits(), b.hits()), (3, 1));
    assert_eq!(a.faults().pending(), 0);
    // A reply scripted for every API route is a fault too.
    fake.faults().push(Fault::Reply(
        Reply::new(307).header("location", "/api/v1/b"),
    ));
    assert_eq!(send(&fake, "GET", "/api/v1/a", None).await.0, 307);
    assert_eq!(a.hits(), 3, "gateway faults answer before routing");
}

#[tokio::test]
async fn the_most_specific_route_wins_and_methods_are_checked() {
    let fake = fake().await;
    fake.route("GET", "/api/v1/apps/<app_id>/<id>")
        .json(json!("generic"));
    fake.route("GET", "/api/v1/apps/search/<id>")
        .json(json!("search"));
    fake.route("GET", "/api/v1/apps/<app_id>/users")
        .json(json!("users"));
    let get = |p: &'static str| {
        let fake = &fake;
        async move { json_of(&send(fake, "GET", p, None).await.2) }
    };
    assert_eq!(get("/api/v1/apps/x/y").await, "generic");
    assert_eq!(get("/api/v1/apps/search/users").await, "search");
    assert_eq!(get("/api/v1/apps/x/users").await, "users");
    let (status, _, body) = send(&fake, "DELETE", "/api/v1/apps/x/y", None).await;
    assert_eq!(status, 405);
    assert_eq!(json_of(&body)["code"], 12);
    // Registering again replaces.
    fake.route("GET", "/api/v1/apps/<app_id>/<id>")
        .json(json!("again"));
    assert_eq!(get("/api/v1/apps/x/y").await, "again");
    // Under /api/ a token is needed, as for every API route.
    let resp = reqwest::get(format!("{}/api/v1/apps/x/y", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // Hosted routes take precedence over the fake's own.
    let owner = "/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1";
    assert!(json_of(&send(&fake, "GET", owner, None).await.2)["connectorOwnerUser"].is_object());
    fake.route(
        "GET",
        "/api/v2/apps/<a>/connectors/<c>/owners/users/<r>/<u>",
    )
    .json(json!(1));
    assert_eq!(get(owner).await, 1);
}
