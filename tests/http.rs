//! What goes on the wire and what an error says (issue 2), over real loopback sockets.

mod support;

use c1::{Client, ErrorKind, Method, RetryPolicy, c1_endpoint};
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Logs, Server, Widgets, respond};
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::test]
async fn get_sends_method_path_query_and_headers() {
    let server = Server::always(200, r#"{"id":"p2"}"#).await;
    let part = server
        .client()
        .get_part("w1", "p2", Some("full & more=yes"))
        .await
        .unwrap();
    assert_eq!(part, json!({"id": "p2"}));

    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/api/v1/widgets/w1/parts/p2?view=full+%26+more%3Dyes"
    );
    assert_eq!(request.header("authorization"), Some("Bearer tok"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("c1/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("content-type"),
        None,
        "no body, no Content-Type"
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn absent_query_values_are_left_out() {
    let server = Server::always(200, "{}").await;
    server.client().get_part("w", "p", None).await.unwrap();
    assert_eq!(server.requests()[0].target, "/api/v1/widgets/w/parts/p");
}

#[tokio::test]
async fn post_sends_a_json_body_with_content_type() {
    let server = Server::always(200, r#"{"created":true}"#).await;
    let widget = json!({"name": "gear", "teeth": 12});
    let created = server.client().create_widget("w1", &widget).await.unwrap();
    assert_eq!(created, json!({"created": true}));

    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/api/v1/widgets/w1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent, widget);
}

#[tokio::test]
async fn every_method_goes_out_as_declared() {
    let server = Server::always(200, "{}").await;
    let client = server.client();
    client.put_widget("w", &json!({})).await.unwrap();
    client.patch_widget("w", &json!({})).await.unwrap();
    client.delete_widget("w").await.unwrap();
    let methods: Vec<_> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["PUT", "PATCH", "DELETE"]);
}

#[tokio::test]
async fn empty_answers_are_accepted_by_unit_endpoints() {
    let server = Server::start(|n, _, mut s| async move {
        let status = if n == 0 { 200 } else { 204 };
        respond(&mut s, status, &[], b"").await;
    })
    .await;
    let client = server.client();
    client.delete_widget("w").await.unwrap();
    client.delete_widget("w").await.unwrap();
}

#[tokio::test]
async fn hostile_values_arrive_as_one_decoded_segment() {
    let server = Server::always(200, "{}").await;
    let client = server.client();
    let hostile = [
        "a/b", "?x", "#f", "%2F", "é", "a b", "a+b", "...", "../x", "a;b", "a\\b", "😀", "\u{0}",
    ];
    for value in hostile {
        client.get_widget(value).await.unwrap();
        let request = server.requests().pop().unwrap();
        assert_eq!(
            request.segments(),
            ["api", "v1", "widgets", value],
            "{value:?} was sent as {}",
            request.target
        );
        assert_eq!(request.query(), None, "{value:?}");
    }
    assert_eq!(server.count(), hostile.len());
}

#[tokio::test]
async fn empty_and_dot_values_are_refused_before_sending() {
    let server = Server::always(200, "{}").await;
    let client = server.client();
    for value in ["", ".", ".."] {
        let err = client.get_part("w", value, None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{value:?}");
        assert_eq!(err.attempts(), 0);
        assert_eq!(err.method(), Some(Method::Get));
        assert_eq!(
            err.path(),
            Some("/api/v1/widgets/<widget_id>/parts/<part_id>")
        );
        let text = err.to_string();
        assert!(
            text.starts_with("GET /api/v1/widgets/<widget_id>/parts/<part_id>: "),
            "{text}"
        );
        assert!(text.contains("`part_id`"), "{text}");
    }
    assert_eq!(server.connections(), 0, "no request may reach the server");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn not_found_says_status_and_server_message() {
    let server = Server::always(
        404,
        r#"{"code":5,"message":"widget w9 not found","details":[]}"#,
    )
    .await;
    let err = server.client().get_widget("w9").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert!(err.is_not_found());
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_status().map(|s| s.code), Some(5));
    assert_eq!(err.api_message(), Some("widget w9 not found"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        err.to_string(),
        "GET /api/v1/widgets/<widget_id>: 404 Not Found: widget w9 not found (NOT_FOUND)"
    );
    assert_eq!(server.count(), 1, "a 404 is not retried");
}

/// The README's status questions, each asked of a real answer: exactly the
/// one that matches is true (after c1's retries of 429 and 5xx).
#[tokio::test(start_paused = true)]
async fn each_status_question_matches_its_status_only() {
    type Question = fn(&c1::Error) -> bool;
    let questions: [(&str, Question); 7] = [
        ("is_bad_request", c1::Error::is_bad_request),
        ("is_unauthorized", c1::Error::is_unauthorized),
        ("is_forbidden", c1::Error::is_forbidden),
        ("is_not_found", c1::Error::is_not_found),
        ("is_conflict", c1::Error::is_conflict),
        ("is_rate_limited", c1::Error::is_rate_limited),
        ("is_server_error", c1::Error::is_server_error),
    ];
    let cases: [(u16, &[&str]); 9] = [
        (400, &["is_bad_request"]),
        (401, &["is_unauthorized"]),
        (403, &["is_forbidden"]),
        (404, &["is_not_found"]),
        (409, &["is_conflict"]),
        (429, &["is_rate_limited"]),
        (500, &["is_server_error"]),
        (503, &["is_server_error"]),
        (418, &[]),
    ];
    for (status, expected) in cases {
        let server = Server::always(status, r#"{"code":2,"message":"no"}"#).await;
        let err = server.client().get_widget("w").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status, "{err}");
        for (name, question) in questions {
            assert_eq!(question(&err), expected.contains(&name), "{status}: {name}");
        }
        assert!(!err.is_timeout() && !err.is_connect(), "{err:?}");
    }
}

#[tokio::test]
async fn html_error_body_is_shown_as_a_bounded_snippet() {
    let filler = "<p>lorem ipsum</p>\n".repeat(500);
    let body: &'static str =
        format!("<html>\n<body><h1>Internal   Server Error</h1>\n{filler}</body></html>").leak();
    let server = Server::start(move |_, _, mut s| async move {
        respond(
            &mut s,
            500,
            &[("content-type", "text/html")],
            body.as_bytes(),
        )
        .await;
    })
    .await;
    let client = server
        .builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.api_status().is_none());
    let text = err.to_string();
    assert!(
        text.starts_with(
            r#"GET /api/v1/widgets/<widget_id>: 500 Internal Server Error; body: "<html> <body><h1>Internal Server Error</h1> <p>lorem"#
        ),
        "{text}"
    );
    assert!(
        text.len() < 700,
        "the snippet is bounded: {} bytes",
        text.len()
    );
    assert!(err.body_snippet().unwrap().ends_with('…'));
}

#[tokio::test]
async fn plain_text_error_body_is_shown() {
    let server = Server::start(|_, _, mut s| async move {
        respond(
            &mut s,
            403,
            &[("content-type", "text/plain")],
            b"forbidden by proxy\n",
        )
        .await;
    })
    .await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"GET /api/v1/widgets/<widget_id>: 403 Forbidden; body: "forbidden by proxy""#
    );
}

/// A typed answer, to see where decoding fails.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Gear {
    parts: Vec<Part>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Part {
    id: String,
}

trait Gears: c1::Api {
    #[c1_endpoint(GET "/api/v1/gears/<gear_id>")]
    async fn get_gear(&self, gear_id: &str) -> c1::Result<Gear>;
}

impl Gears for Client {}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let server = Server::always(200, r#"{"parts":[{"id":"a"},{"id":7}]}"#).await;
    let err = server.client().get_gear("g").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), Some("parts[1].id"));
    assert_eq!(err.attempts(), 1);
    let text = err.to_string();
    assert!(
        text.starts_with("GET /api/v1/gears/<gear_id>: the response body does not decode: invalid type: integer, expected a string (line 1, column 28)"),
        "{text}"
    );
    assert!(text.contains(" at `parts[1].id`"), "{text}");
    assert!(
        text.contains(r#"body: "{\"parts\":[{\"id\":\"a\"},{\"id\":7}]}""#),
        "{text}"
    );
    assert_eq!(server.count(), 1, "decode errors are not retried");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_a_snippet() {
    let server = Server::always(200, r#"{"parts": [ {"id": "a"} oops"#).await;
    let err = server.client().get_gear("g").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), Some("parts"));
    assert!(err.body_snippet().unwrap().contains("oops"));
    let untyped = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(untyped.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn trailing_data_after_the_json_is_a_decode_error() {
    let server = Server::always(200, r#"{"parts":[]} {"parts":[]}"#).await;
    let err = server.client().get_gear("g").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), None);
    assert!(err.to_string().contains("trailing characters"), "{err}");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = Server::always(200, "{}").await;
    for base in [
        format!("{}/c1-proxy/", server.url()),
        format!("{}/c1-proxy", server.url()),
    ] {
        let client = Client::builder()
            .base_url(base)
            .bearer_token("tok")
            .build()
            .unwrap();
        client.get_widget("w").await.unwrap();
        assert_eq!(
            server.requests().pop().unwrap().target,
            "/c1-proxy/api/v1/widgets/w"
        );
    }
}

#[tokio::test]
async fn bearer_prefix_is_added_only_when_missing() {
    let server = Server::always(200, "{}").await;
    for (given, sent) in [
        ("tok123", "Bearer tok123"),
        ("Bearer tok123", "Bearer tok123"),
        ("  tok123\n", "Bearer tok123"),
    ] {
        let client = Client::builder()
            .base_url(server.url())
            .bearer_token(given)
            .build()
            .unwrap();
        client.get_widget("w").await.unwrap();
        let request = server.requests().pop().unwrap();
        assert_eq!(request.header("authorization"), Some(sent), "{given:?}");
    }
    // Any case of the scheme is kept as given, never doubled.
    let client = Client::builder()
        .base_url(server.url())
        .bearer_token("bearer tok123")
        .build()
        .unwrap();
    client.get_widget("w").await.unwrap();
    let sent = server.requests().pop().unwrap();
    assert!(
        sent.header("authorization")
            .unwrap()
            .eq_ignore_ascii_case("bearer tok123"),
        "{sent:?}"
    );
    for empty in ["", "   "] {
        let err = Client::builder()
            .base_url(server.url())
            .bearer_token(empty)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{empty:?}");
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    const TOKEN: &str = "s3cr3t-t0ken-value";
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token(TOKEN);
    let builder_debug = format!("{builder:?}");
    assert!(builder_debug.contains("[redacted]"), "{builder_debug}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    let client = builder.build().unwrap();
    for text in [format!("{client:?}"), format!("{client:#?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("http://127.0.0.1:9"), "{text}");
    }
}

#[tokio::test]
async fn errors_never_show_the_token_even_when_the_server_echoes_it() {
    const TOKEN: &str = "s3cr3t-t0ken-value";
    // A misbehaving proxy that echoes the request, Authorization included.
    let server = Server::start(|_, request, mut s| async move {
        let echo = format!("{request:?}");
        respond(
            &mut s,
            401,
            &[("content-type", "text/plain")],
            echo.as_bytes(),
        )
        .await;
    })
    .await;
    let client = Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(server.count(), 1, "a 401 with a fixed token is not retried");
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(err.body_snippet().unwrap().contains("[redacted]"));
}

#[tokio::test]
async fn errors_and_traces_name_the_template_not_the_values() {
    const TOKEN: &str = "s3cr3t-t0ken-value";
    const VALUE: &str = "alice@example.com";
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    // Global, not scoped to this thread: tracing caches a callsite's interest
    // process-wide, and a scoped subscriber loses it to a concurrent test
    // hitting the callsite first. This also checks every other test's logs.
    subscriber.try_init().unwrap();

    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => respond(&mut s, 503, &[("retry-after-ms", "1")], b"{}").await,
            _ => respond(&mut s, 400, &[], br#"{"code":3,"message":"bad"}"#).await,
        }
    })
    .await;
    let client = Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let err = client
        .get_part(VALUE, VALUE, Some(VALUE))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.attempts(), 2);
    assert!(!err.to_string().contains("alice"), "{err}");
    assert!(!format!("{err:?}").contains("alice"), "{err:?}");

    let logs = logs.text();
    assert!(logs.contains("c1.request"), "{logs}");
    assert!(
        logs.contains("/api/v1/widgets/<widget_id>/parts/<part_id>"),
        "{logs}"
    );
    assert!(logs.contains(" retrying "), "{logs}");
    assert!(logs.contains("status=400"), "{logs}");
    assert!(logs.contains("attempts=2"), "{logs}");
    assert!(logs.contains("elapsed_ms="), "{logs}");
    assert!(!logs.contains("alice"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
}

/// `Result<()>` takes an empty body or any JSON object, as the README says;
/// any other JSON is a `Decode` error (`null`, arrays and strings were once
/// accepted).
#[tokio::test]
async fn a_unit_answer_is_an_empty_body_or_an_object() {
    for body in ["", " \n", "{}", r#"{"deleted":true,"n":[1,{"x":null}]}"#] {
        let server = Server::start(move |_, _, mut s| async move {
            respond(&mut s, 200, &[], body.as_bytes()).await;
        })
        .await;
        server
            .client()
            .delete_widget("w")
            .await
            .unwrap_or_else(|e| panic!("{body:?}: {e}"));
    }
    for body in ["[1,2,3]", r#""str""#, "null", "7", "true", "{} {}", "{"] {
        let server = Server::start(move |_, _, mut s| async move {
            respond(&mut s, 200, &[], body.as_bytes()).await;
        })
        .await;
        let err = server.client().delete_widget("w").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}: {err}");
    }
}
