//! The fake's webhooks over real HTTP on loopback: the JWKS and its rotation, deliveries
//! as ConductorOne sends them, single-use callbacks, and inbound listeners with each of
//! their refusals.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::{digest, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use c1_fake::webhooks::{Algorithm, TestKey, WebhookEvent};
use c1_fake::{DEFAULT_REQUEST_LOG_CAPACITY, FakeC1};
use serde_json::{Value, json};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

#[tokio::test]
async fn the_jwks_publishes_every_key_until_retired() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let get = || async {
        let body = reqwest::get(hooks.jwks_url())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice::<Value>(&body).unwrap()
    };
    let kids = |jwks: &Value| -> Vec<String> {
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = hooks.signing_key();
    let jwks = get().await;
    assert_eq!(kids(&jwks), [first.kid()]);
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    assert_eq!(jwks["keys"][0]["crv"], "P-256");
    assert_eq!(jwks["keys"][0]["alg"], "ES256");
    assert_eq!(jwks["keys"][0]["use"], "sig");
    assert!(jwks["keys"][0].get("d").is_none(), "no private part");

    let second = hooks.rotate_key(Algorithm::EdDsa);
    assert_eq!(hooks.signing_key().kid(), second.kid());
    assert_eq!(kids(&get().await), [first.kid(), second.kid()]);
    assert!(hooks.retire_key(first.kid()));
    assert!(!hooks.retire_key("no-such-kid"));
    assert_eq!(kids(&get().await), [second.kid()]);
    assert_eq!(hooks.jwks_requests(), 3);
}

#[tokio::test]
async fn a_delivery_is_signed_as_conductorone_signs_it() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let url = "http://127.0.0.1:9/hooks/c1?tenant=acme";
    let mut outgoing = hooks.delivery(url, WebhookEvent::test());
    let first = outgoing.request();
    let second = outgoing.request();

    let header = |name: &str| first.header(name).unwrap();
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("webhook-version"), "v1");
    assert_eq!(header("webhook-id"), outgoing.webhook_id());
    assert_eq!(header("webhook-event"), "c1.webhooks.v1.PayloadTest");
    let digest = STANDARD.encode(sha256(&first.body));
    assert_eq!(header("content-digest"), format!("sha-256={digest}"));

    let body: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(body["version"], "v1");
    assert_eq!(body["webhookId"], outgoing.webhook_id());
    assert_eq!(body["event"], "c1.webhooks.v1.PayloadTest");
    assert_eq!(body["callbackUrl"], header("webhook-callback-url"));
    assert_eq!(
        body["payload"],
        json!({"@type": "type.googleapis.com/c1.webhooks.v1.PayloadTest"})
    );

    let token = header("authorization").strip_prefix("bearer ").unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let (jose, claims) = (b64_json(parts[0]), b64_json(parts[1]));
    let key = hooks.signing_key();
    assert_eq!(jose["alg"], "ES256");
    assert_eq!(jose["kid"], key.kid());
    assert_eq!(claims["iss"], "127.0.0.1");
    assert_eq!(claims["aud"], "127.0.0.1");
    assert_eq!(claims["htu"], "http://127.0.0.1:9/hooks/c1");
    assert_eq!(claims["htm"], "POST");
    assert_eq!(claims["c1typ"], "wh");
    assert_eq!(claims["htb_s256"], digest);
    let iat = claims["iat"].as_i64().unwrap();
    assert!((iat - now()).abs() <= 5);
    assert_eq!(claims["nbf"].as_i64(), Some(iat - 60));
    assert_eq!(claims["exp"].as_i64(), Some(iat + 120));

    // A retry: the same body, a new token.
    assert_eq!(first.body, second.body);
    let jti = |r: &c1_fake::webhooks::DeliveryRequest| {
        b64_json(r.token().unwrap().split('.').nth(1).unwrap())["jti"].clone()
    };
    assert_ne!(jti(&first), jti(&second));
}

/// A test delivery (to a receiver that is never called) and its callback URL.
fn with_callback(hooks: &c1_fake::webhooks::Webhooks) -> (c1_fake::webhooks::Outgoing, String) {
    let mut outgoing = hooks.delivery("http://127.0.0.1:9/x", WebhookEvent::test());
    let url = outgoing
        .request()
        .header("webhook-callback-url")
        .unwrap()
        .to_owned();
    (outgoing, url)
}

#[tokio::test]
async fn a_callback_takes_one_response_document() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let (outgoing, url) = with_callback(&hooks);
    assert!(url.starts_with(&format!("{}/api/v1/webhooks/callback/", fake.base_url())));
    let http = reqwest::Client::new();
    let post = |body: &'static str| {
        http.post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // Not a response document: 400, and the callback is still usable.
    assert_eq!(post("").await.unwrap().status(), 400);
    assert_eq!(post(r#"{"version": "v2"}"#).await.unwrap().status(), 400);
    // No bearer token needed: the URL is the credential.
    assert_eq!(post(r#"{"version": "v1"}"#).await.unwrap().status(), 200);
    let again = post(r#"{"version": "v1"}"#).await.unwrap();
    assert_eq!(again.status(), 400);
    let status: Value = serde_json::from_slice(&again.bytes().await.unwrap()).unwrap();
    assert_eq!(status["message"], "the callback was used already");
    let unknown = http
        .post(format!("{}/api/v1/webhooks/callback/nope", fake.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    assert_eq!(
        hooks.callback_document(outgoing.webhook_id()),
        Some(json!({"version": "v1"}))
    );
    let statuses: Vec<u16> = hooks.callbacks().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [400, 400, 200, 400, 404]);
}

/// Whoever posts to the callback path, the fake keeps the newest records, as many as
/// its request log (`request_log_capacity`, default 1,024), and no more.
#[tokio::test]
async fn the_callback_log_keeps_the_newest_records() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let http = reqwest::Client::new();
    for n in 0..DEFAULT_REQUEST_LOG_CAPACITY + 8 {
        let url = format!("{}/api/v1/webhooks/callback/n{n}", fake.base_url());
        let sent = http.post(url).body("{}").send().await.unwrap();
        assert_eq!(sent.status(), 404);
    }
    let log = hooks.callbacks();
    assert_eq!(log.len(), DEFAULT_REQUEST_LOG_CAPACITY);
    assert!(
        log.iter()
            .all(|r| r.webhook_id.is_none() && r.status == 404)
    );
    // A new record pushes the oldest out and is kept.
    let (outgoing, url) = with_callback(&hooks);
    http.post(url)
        .body(r#"{"version": "v1"}"#)
        .send()
        .await
        .unwrap();
    let log = hooks.callbacks();
    assert_eq!(log.len(), DEFAULT_REQUEST_LOG_CAPACITY);
    assert_eq!(
        log.last().unwrap().webhook_id.as_deref(),
        Some(outgoing.webhook_id())
    );
}

/// Posts `body` to `url` with `headers`.
async fn post(url: &str, headers: &[(&str, String)], body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(url).body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Request headers, as name and value.
type Headers = Vec<(&'static str, String)>;

fn hmac_headers(
    secret: &str,
    timestamp: i64,
    event_id: &str,
    body: &str,
) -> Vec<(&'static str, String)> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signature = hmac::sign(&key, format!("{timestamp}.{event_id}.{body}").as_bytes());
    vec![
        ("content-type", "application/json".to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-event-id", event_id.to_owned()),
        (
            "webhook-signature",
            URL_SAFE_NO_PAD.encode(signature.as_ref()),
        ),
    ]
}

#[tokio::test]
async fn an_hmac_listener_checks_what_the_tenant_checks() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let secret = "c1-listener-secret";
    let listener = hooks.add_hmac_listener(secret);
    let id = "0b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70";
    let body = r#"{"user":"u-1"}"#;
    let t = now();

    let cases: Vec<(&str, Headers, &str, u16)> = vec![
        ("signed", hmac_headers(secret, t, id, body), body, 200),
        (
            "the same event id",
            hmac_headers(secret, t, id, body),
            body,
            409,
        ),
        (
            "another secret",
            hmac_headers("other", t, "1b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70", body),
            body,
            401,
        ),
        (
            "6 minutes old",
            hmac_headers(
                secret,
                t - 360,
                "2b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70",
                body,
            ),
            body,
            400,
        ),
        (
            "6 minutes ahead",
            hmac_headers(
                secret,
                t + 360,
                "3b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70",
                body,
            ),
            body,
            400,
        ),
        (
            "the earliest time there is",
            hmac_headers(
                secret,
                i64::MIN,
                "7b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70",
                body,
            ),
            body,
            400,
        ),
        (
            "the latest time there is",
            hmac_headers(
                secret,
                i64::MAX,
                "8b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70",
                body,
            ),
            body,
            400,
        ),
        (
            "not a UUID v4",
            hmac_headers(secret, t, "event-1", body),
            body,
            400,
        ),
        (
            "not JSON",
            hmac_headers(
                secret,
                t,
                "4b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70",
                "user=u-1",
            ),
            "user=u-1",
            400,
        ),
    ];
    for (what, headers, body, status) in cases {
        let (got, _) = post(&listener.url, &headers, body).await;
        assert_eq!(got, status, "{what}");
    }
    let mut no_type = hmac_headers(secret, t, "5b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70", body);
    no_type.remove(0);
    assert_eq!(post(&listener.url, &no_type, body).await.0, 400);
    let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(64 * 1024));
    let headers = hmac_headers(secret, t, "6b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70", &big);
    assert_eq!(post(&listener.url, &headers, &big).await.0, 400);
    let nobody = format!("{}/api/v1/webhooks/incoming/nobody", fake.base_url());
    assert_eq!(
        post(&nobody, &hmac_headers(secret, t, id, body), body)
            .await
            .0,
        404
    );

    let events = hooks.inbound_events(&listener.id);
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].event_id.as_str(), &events[0].body),
        (id, &json!({"user": "u-1"}))
    );
    assert_eq!(hooks.inbound_requests().len(), 12);
}

#[tokio::test]
async fn a_jwt_listener_checks_the_documented_claims() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let key = TestKey::generate(Algorithm::EdDsa);
    let listener = hooks.add_jwt_listener(key.jwks());
    let body = r#"{"n":1}"#;
    let hash = URL_SAFE_NO_PAD.encode(sha256(body.as_bytes()));
    let t = now();
    let mut n = 0;
    let mut send = |overrides: Value, signer: &TestKey| {
        n += 1;
        let id = format!("{n:08x}-8c1f-4e7a-9d3b-2f6a1c4e8b70");
        let mut claims = json!({
            "sub": fake.base_url(),
            "aud": listener.url,
            "iat": t,
            "exp": t + 300,
            "jti": id,
            "htm": "POST",
            "htb_s256": hash,
        });
        for (k, v) in overrides.as_object().unwrap() {
            claims[k] = v.clone();
        }
        let token = signer.sign(&json!({"alg": "EdDSA", "kid": signer.kid()}), &claims);
        let headers = vec![
            ("content-type", "application/json".to_owned()),
            ("webhook-timestamp", t.to_string()),
            ("webhook-event-id", id),
            ("authorization", format!("Bearer {token}")),
        ];
        let url = listener.url.clone();
        async move { post(&url, &headers, body).await.0 }
    };
    assert_eq!(send(json!({}), &key).await, 200);
    let stranger = TestKey::generate(Algorithm::EdDsa).with_kid(key.kid());
    for (what, overrides, signer, status) in [
        ("another key", json!({}), &stranger, 401),
        (
            "another sub",
            json!({"sub": "https://evil.example"}),
            &key,
            401,
        ),
        ("another aud", json!({"aud": fake.base_url()}), &key, 401),
        (
            "jti not the event id",
            json!({"jti": "0b9d5a5e-8c1f-4e7a-9d3b-2f6a1c4e8b70"}),
            &key,
            401,
        ),
        ("htm GET", json!({"htm": "GET"}), &key, 401),
        (
            "htb_s256 standard base64",
            json!({"htb_s256": STANDARD.encode(sha256(body.as_bytes()))}),
            &key,
            401,
        ),
        ("expired", json!({"exp": t - 60}), &key, 401),
        ("exp 20 minutes ahead", json!({"exp": t + 1200}), &key, 401),
        (
            "exp the latest time there is",
            json!({"exp": i64::MAX}),
            &key,
            401,
        ),
        (
            "exp the earliest time there is",
            json!({"exp": i64::MIN}),
            &key,
            401,
        ),
    ] {
        assert_eq!(send(overrides, signer).await, status, "{what}");
    }
    assert_eq!(hooks.inbound_events(&listener.id).len(), 1);
}

#[tokio::test]
async fn deliveries_wait_between_attempts_on_the_tokio_clock() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let start = tokio::time::Instant::now();
    let report = hooks
        .delivery("http://127.0.0.1:9/x", WebhookEvent::test())
        .retry_delay(Duration::from_millis(30), Duration::from_millis(30))
        .max_attempts(3)
        .send()
        .await;
    assert!(start.elapsed() >= Duration::from_millis(60));
    assert_eq!(report.attempts.len(), 3);
    assert_eq!(hooks.deliveries().len(), 1);
}
