//! Signing in: client credentials (secret parsing, the signed assertion, the
//! token cache, refresh, 401 handling), bearer tokens and `from_env`.
//!
//! Real HTTP on loopback and real Ed25519 signatures, against `c1-fake` (which
//! verifies every assertion and hosts the routes a test adds, e.g. a redirect
//! to another host).

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use c1::{Client, ClientBuilder, ErrorKind, Result, RetryPolicy, c1_endpoint};
use c1_fake::{FakeC1, Fault, Reply};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

/// Endpoints used to probe authentication.
trait Probe: c1::Api {
    /// A user owner that the fake's default seed has.
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>")]
    async fn user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> Result<Value>;

    /// Hosted on the fake: answers 302 to another host.
    #[c1_endpoint(GET "/api/v1/redirect")]
    async fn redirect(&self) -> Result<Value>;

    /// Hosted on the fake: answers 200 to a token it issued.
    #[c1_endpoint(GET "/api/v1/ping")]
    async fn ping(&self) -> Result<Value>;
}

impl Probe for Client {}

async fn seeded_owner(client: &Client) -> Result<Value> {
    client
        .user_owner("app-1", "conn-1", "owner", "user-1")
        .await
}

const PREFIX: &str = "secret-token:conductorone.com:v1:";

/// A client secret for `seed` built from `jwk` fields (so tests can break any of them).
fn secret_from_jwk(jwk: &Value) -> String {
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(jwk.to_string()))
}

fn good_jwk(seed: [u8; 32]) -> Value {
    let key = SigningKey::from_bytes(&seed);
    json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "d": URL_SAFE_NO_PAD.encode(seed),
    })
}

fn client_for(fake: &FakeC1) -> Client {
    let creds = fake.credentials();
    Client::builder()
        .client_credentials(&creds.client_id, &creds.client_secret)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// Jumps the tokio clock by `d` between calls (real sockets need a running clock).
async fn jump(d: Duration) {
    tokio::time::pause();
    tokio::time::advance(d).await;
    tokio::time::resume();
}

/// The API requests (not token requests) the fake saw, with their statuses.
fn api_statuses(fake: &FakeC1) -> Vec<Option<u16>> {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn signs_in_and_calls_the_api_with_the_issued_token() {
    let fake = FakeC1::start().await;
    let client = client_for(&fake);
    let owner = seeded_owner(&client).await.unwrap();
    assert_eq!(owner["connectorOwnerUser"]["roleSlug"], "owner", "{owner}");
    assert_eq!(fake.token_requests(), 1);

    // Clones share the cache: no new token request.
    let clone = client.clone();
    seeded_owner(&clone).await.unwrap();
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);

    let requests = fake.requests();
    let token = requests
        .iter()
        .find(|r| r.path == "/auth/v1/token")
        .unwrap();
    assert_eq!(token.method, "POST");
    assert_eq!(token.header("authorization"), None);
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: HashMap<String, String> = url_form(&token.body);
    assert_eq!(form["client_id"], fake.credentials().client_id);
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(
        form["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert_eq!(form.len(), 4, "{form:?}");
    for api in requests.iter().filter(|r| r.path.starts_with("/api/")) {
        assert_eq!(api.header("authorization"), Some("Bearer [redacted]"));
        assert_eq!(api.status, Some(200));
    }
    assert_eq!(fake.secret_leaks(), 0);
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn url_form(body: &str) -> HashMap<String, String> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

#[tokio::test]
async fn a_client_without_credentials_gets_401_from_the_fake() {
    // The fake only answers authenticated calls: the happy path above is not vacuous.
    let fake = FakeC1::start().await;
    let client = Client::builder().base_url(fake.base_url()).build().unwrap();
    let err = seeded_owner(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("not-issued")
        .build()
        .unwrap();
    assert_eq!(seeded_owner(&client).await.unwrap_err().status(), Some(401));
    fake.add_bearer_token("static-token");
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("static-token")
        .build()
        .unwrap();
    seeded_owner(&client).await.unwrap();
}

#[test]
fn base_url_is_derived_from_the_client_id_unless_given() {
    let secret = secret_from_jwk(&good_jwk([3; 32]));
    let build = |id: &str, base: Option<&str>| {
        let mut b = Client::builder().client_credentials(id, &secret);
        if let Some(base) = base {
            b = b.base_url(base);
        }
        b.build().unwrap().base_url().to_owned()
    };
    assert_eq!(
        build("name@acme.conductor.one/pcc", None),
        "https://acme.conductor.one"
    );
    assert_eq!(build("name@acme/pcc", None), "https://acme.conductor.one");
    assert_eq!(
        build("name@c1.dev.example.com/pcc", None),
        "https://c1.dev.example.com"
    );
    assert_eq!(
        build("name@acme/pcc", Some("http://127.0.0.1:9000/")),
        "http://127.0.0.1:9000"
    );
}

#[test]
fn malformed_client_ids_say_which_part_is_wrong() {
    let secret = secret_from_jwk(&good_jwk([4; 32]));
    for (id, want) in [
        ("", "the client ID is empty"),
        ("acme.conductor.one/pcc", "has no `@`"),
        ("@acme/pcc", "empty name before `@`"),
        ("name@acme.conductor.one", "no `/<use>` after the host"),
        ("name@acme/", "empty `<use>`"),
        ("name@/pcc", "invalid host ``"),
        ("name@a?b/pcc", "invalid host `a?b`"),
        ("na me@acme/pcc", "whitespace"),
    ] {
        let err = Client::builder()
            .client_credentials(id, &secret)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{id}");
        let text = err.to_string();
        assert!(text.contains(want), "{id:?}: {text}");
        assert!(
            text.contains("<name>@<host>/<use>") || want == "whitespace",
            "{text}"
        );
    }
}

/// Every 8-character window of `secret` after the prefix: none may appear in output.
fn fragments(secret: &str) -> Vec<String> {
    // The prefix (any version) is public; what follows is the secret.
    let key = match secret.strip_prefix("secret-token:conductorone.com:") {
        Some(rest) => rest.split_once(':').map_or(rest, |(_, key)| key),
        None => secret,
    };
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 8 {
        return if key.is_empty() {
            vec![]
        } else {
            vec![key.to_owned()]
        };
    }
    chars.windows(8).map(|w| w.iter().collect()).collect()
}

fn assert_no_fragment(text: &str, secret: &str, extra: &[&str]) {
    for f in fragments(secret) {
        assert!(!text.contains(&f), "fragment {f:?} of the secret in {text}");
    }
    for e in extra {
        assert!(!text.contains(e), "{e:?} in {text}");
    }
}

/// The JWK in base64url *with* padding (which the format does not allow).
fn padded(jwk: &Value) -> String {
    let mut text = jwk.to_string();
    while !URL_SAFE.encode(&text).ends_with('=') {
        text.push(' ');
    }
    URL_SAFE.encode(&text)
}

#[test]
fn malformed_secrets_say_which_part_is_wrong_and_never_echo_it() {
    let seed = [5u8; 32];
    let jwk = good_jwk(seed);
    let d = jwk["d"].as_str().unwrap().to_owned();
    let with = |k: &str, v: Value| {
        let mut j = jwk.clone();
        j[k] = v;
        secret_from_jwk(&j)
    };
    let without = |k: &str| {
        let mut j = jwk.clone();
        j.as_object_mut().unwrap().remove(k);
        secret_from_jwk(&j)
    };
    let other_x =
        URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&[6; 32]).verifying_key().to_bytes());
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "the client secret is empty"),
        (
            format!(
                "secret-token:conductorone.com:v2:{}",
                URL_SAFE_NO_PAD.encode(jwk.to_string())
            ),
            "does not start with `secret-token:conductorone.com:v1:`",
        ),
        (PREFIX.to_owned(), "has no key after"),
        (format!("{PREFIX}!!not*base64!!"), "not valid base64url"),
        (format!("{PREFIX}{}", padded(&jwk)), "not valid base64url"),
        (
            format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode("not json at all")),
            "not a JSON Web Key",
        ),
        (
            format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode("[1,2]")),
            "not a JSON Web Key",
        ),
        (with("kty", json!("RSA")), "`kty` must be `OKP`"),
        (without("kty"), "`kty` must be `OKP`"),
        (with("crv", json!("X25519")), "`crv` must be `Ed25519`"),
        (without("d"), "no private key (`d`)"),
        (
            with("d", json!("***")),
            "private key (`d`) is not valid base64url",
        ),
        (
            with("d", json!(URL_SAFE_NO_PAD.encode([1u8; 31]))),
            "(`d`) is not 32 bytes",
        ),
        (without("x"), "no public key (`x`)"),
        (
            with("x", json!(URL_SAFE_NO_PAD.encode([1u8; 33]))),
            "(`x`) is not 32 bytes",
        ),
        (
            with("x", json!(other_x)),
            "public key (`x`) does not match its private key (`d`)",
        ),
    ];
    for (secret, want) in &cases {
        let builder = Client::builder().client_credentials("name@acme/pcc", secret);
        let builder_debug = format!("{builder:?}");
        assert_no_fragment(&builder_debug, secret, &[&d]);
        assert!(builder_debug.contains("name@acme/pcc"), "{builder_debug}");
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{want}");
        let text = err.to_string();
        assert!(text.contains(want), "want {want:?}, got {text}");
        assert_no_fragment(&text, secret, &[&d]);
        assert_no_fragment(&format!("{err:?}"), secret, &[&d]);
        assert!(std::error::Error::source(&err).is_none(), "{text}");
    }
    // The good one builds.
    Client::builder()
        .client_credentials("name@acme/pcc", secret_from_jwk(&jwk))
        .build()
        .unwrap();
    // Surrounding whitespace (a pasted value) is tolerated.
    Client::builder()
        .client_credentials(" name@acme/pcc\n", format!("{}\n", secret_from_jwk(&jwk)))
        .build()
        .unwrap();
}

#[test]
fn bearer_token_and_client_credentials_together_are_a_config_error() {
    let err = Client::builder()
        .client_credentials("name@acme/pcc", secret_from_jwk(&good_jwk([8; 32])))
        .bearer_token("tok")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("choose one"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_first_calls_make_one_token_request() {
    let fake = FakeC1::start().await;
    // A slow token endpoint: every caller arrives while the flight is in the air.
    fake.token_faults().latency(Duration::from_millis(200));
    let client = client_for(&fake);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { seeded_owner(&client).await.map(|_| ()) })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(api_statuses(&fake).len(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_token_request_is_shared_by_its_waiters_then_retried() {
    let fake = FakeC1::start().await;
    fake.token_faults().latency(Duration::from_millis(200));
    // A refusal, which retrying the token request cannot help.
    fake.token_faults().fail_next(&[400]);
    let client = client_for(&fake);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { seeded_owner(&client).await })
        })
        .collect();
    for task in tasks {
        let err = task.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(err.to_string().contains("/auth/v1/token"), "{err}");
    }
    assert_eq!(fake.token_requests(), 1, "waiters share the failed flight");
    assert!(
        api_statuses(&fake).is_empty(),
        "no API call without a token"
    );

    // Not cached: the next call tries again and succeeds.
    fake.token_faults().latency(Duration::ZERO);
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn token_endpoint_errors_are_auth_errors_with_the_status_and_no_secret() {
    let fake = FakeC1::start().await;
    // One answer per case: the 502 would otherwise be retried.
    let creds = fake.credentials();
    let client = Client::builder()
        .client_credentials(&creds.client_id, &creds.client_secret)
        .base_url(fake.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let secret = fake.credentials().client_secret.clone();
    let raw = |status: u16, body: &str| Fault::Raw {
        status,
        content_type: "application/json".to_owned(),
        body: body.to_owned(),
    };
    let cases = [
        (
            raw(
                401,
                r#"{"error":"invalid_client","error_description":"bad assertion"}"#,
            ),
            Some(401),
            "`invalid_client`: bad assertion",
        ),
        (
            raw(502, "<html>bad gateway</html>"),
            Some(502),
            "<html>bad gateway</html>",
        ),
        (
            raw(200, r#"{"access_token":"","token_type":"Bearer"}"#),
            Some(200),
            "empty or missing `access_token`",
        ),
        (
            raw(200, r#"{"access_token":"abc","token_type":"mac"}"#),
            Some(200),
            "the token type is `mac`",
        ),
        (raw(200, "<html>"), Some(200), "not the expected JSON"),
        (
            raw(200, r#"{"access_token":"abc","expires_in":"soon"}"#),
            Some(200),
            "`expires_in`",
        ),
    ];
    for (fault, status, want) in cases {
        fake.token_faults().push(fault);
        let err = seeded_owner(&client).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.status(), status, "{err}");
        // The status questions ask about the API's answer, not the token endpoint's.
        assert!(!err.is_unauthorized() && !err.is_server_error(), "{err}");
        let text = err.to_string();
        assert!(text.contains(want), "want {want:?}: {text}");
        assert_no_fragment(&text, &secret, &[]);
        assert_no_fragment(&format!("{err:?}"), &secret, &[]);
    }
    assert!(api_statuses(&fake).is_empty());
    // The endpoint recovers; so does the client.
    seeded_owner(&client).await.unwrap();
}

/// The README's Errors table: getting an access token failed, so `Auth`;
/// `is_connect()` says why, and the message names the token URL and the
/// host and port it tried. Retried like any failure to connect.
#[tokio::test]
async fn a_token_endpoint_that_cannot_be_reached_is_an_auth_error_naming_the_host() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials();
    // A port nobody listens on: bound, then closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .client_credentials(&creds.client_id, &creds.client_secret)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = seeded_owner(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(err.is_connect() && !err.is_timeout(), "{err:?}");
    assert_eq!((err.status(), err.attempts()), (None, 3), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "GET /api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>: \
             signing in at http://{addr}/auth/v1/token failed: could not connect to {addr}: "
        )),
        "{text}"
    );
    assert!(text.ends_with(" (after 3 attempts)"), "{text}");
    assert_no_fragment(&text, &creds.client_secret, &[]);
    assert_no_fragment(&format!("{err:?}"), &creds.client_secret, &[]);
}

#[tokio::test]
async fn unusual_but_valid_token_answers_are_accepted() {
    let fake = FakeC1::start().await;
    fake.add_bearer_token("static-tok");
    let client = client_for(&fake);
    // `BEARER`-prefixed token, upper-case type, no `expires_in` (5 minutes assumed).
    fake.token_faults().push(Fault::Raw {
        status: 200,
        content_type: "application/json".to_owned(),
        body: r#"{"access_token":"bearer static-tok","token_type":"BEARER"}"#.to_owned(),
    });
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    // Five minutes minus the 60 s margin: refreshed after 240 s, not before.
    jump(Duration::from_secs(239)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    jump(Duration::from_secs(2)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(
        fake.token_requests(),
        2,
        "a missing expires_in is not forever"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_expires_at_once_still_serves_its_waiters() {
    // `expires_in: 0`: due for refresh as soon as it arrives. The callers that
    // waited for it use it; they do not fetch one after the other.
    let fake = FakeC1::start().await;
    fake.add_bearer_token("short-lived");
    fake.token_faults().latency(Duration::from_millis(200));
    fake.token_faults().push(Fault::Raw {
        status: 200,
        content_type: "application/json".to_owned(),
        body: r#"{"access_token":"short-lived","token_type":"Bearer","expires_in":0}"#.to_owned(),
    });
    let client = client_for(&fake);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { seeded_owner(&client).await.map(|_| ()) })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests(), 1);
    // The next call replaces it.
    fake.token_faults().latency(Duration::ZERO);
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    // expires_in = 600: refreshed 60 s early.
    let fake = FakeC1::start().await;
    let client = client_for(&fake);
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    jump(Duration::from_secs(530)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1, "still fresh at 530 s");
    jump(Duration::from_secs(15)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(
        fake.token_requests(),
        2,
        "refreshed at 545 s, before the 600 s expiry"
    );
    // The new token is used from then on; the old one expires without a 401.
    jump(Duration::from_secs(100)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
    assert!(api_statuses(&fake).iter().all(|s| *s == Some(200)));
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_at_half_their_lifetime() {
    // expires_in = 30: the margin is 15 s (half), still more than 10 s.
    let fake = FakeC1::builder()
        .token_lifetime(Duration::from_secs(30))
        .start()
        .await;
    let client = client_for(&fake);
    seeded_owner(&client).await.unwrap();
    jump(Duration::from_secs(14)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    jump(Duration::from_secs(2)).await;
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
    assert!(api_statuses(&fake).iter().all(|s| *s == Some(200)));
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let fake = FakeC1::start().await;
    let client = client_for(&fake);
    seeded_owner(&client).await.unwrap();
    fake.expire_tokens();
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(api_statuses(&fake), [Some(200), Some(401), Some(200)]);
}

#[tokio::test]
async fn a_401_after_a_fresh_token_is_returned_not_retried_again() {
    let fake = FakeC1::start().await;
    let client = client_for(&fake);
    fake.fail_next(&[401, 401]);
    let err = seeded_owner(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(fake.token_requests(), 2, "one refresh");
    assert_eq!(api_statuses(&fake), [Some(401), Some(401)]);
}

#[tokio::test]
async fn a_bearer_token_is_not_refreshed_on_401() {
    let fake = FakeC1::start().await;
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("never-issued")
        .build()
        .unwrap();
    let err = seeded_owner(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(fake.token_requests(), 0);
    assert_eq!(api_statuses(&fake).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_drop_only_the_token_they_sent() {
    // 50 calls all sent with the same expired token all get 401. The first to
    // reject it causes one new token; later rejections of the old token must
    // not drop the new one (that would cause more token requests).
    let fake = FakeC1::start().await;
    let client = client_for(&fake);
    seeded_owner(&client).await.unwrap();
    fake.expire_tokens();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { seeded_owner(&client).await.map(|_| ()) })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn debug_output_of_credential_holding_types_is_redacted() {
    let fake = FakeC1::start().await;
    fake.add_bearer_token("static-secret-token-value");
    let creds = fake.credentials().clone();
    let builder = Client::builder()
        .client_credentials(&creds.client_id, &creds.client_secret)
        .base_url(fake.base_url());
    let text = format!("{builder:?}");
    assert!(text.contains(&creds.client_id), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    assert_no_fragment(&text, &creds.client_secret, &[]);

    let client = builder.build().unwrap();
    let before = format!("{client:?}");
    assert_no_fragment(&before, &creds.client_secret, &[]);
    assert!(before.contains("/auth/v1/token"), "{before}");
    // Once a token is cached, it is not shown either.
    fake.token_faults().push(Fault::Raw {
        status: 200,
        content_type: "application/json".to_owned(),
        body: r#"{"access_token":"static-secret-token-value","token_type":"Bearer"}"#.to_owned(),
    });
    seeded_owner(&client).await.unwrap();
    let after = format!("{client:?}");
    assert_no_fragment(&after, &creds.client_secret, &["static-secret-token-value"]);
    assert!(after.contains("token: \"[redacted]\""), "{after}");
    assert!(!format!("{:?}", client.clone()).contains("static-secret"));

    let bearer = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("static-secret-token-value");
    assert!(!format!("{bearer:?}").contains("static-secret"));
    assert!(!format!("{:?}", bearer.build().unwrap()).contains("static-secret"));
}

#[tokio::test]
async fn the_token_request_gets_the_attempt_timeout() {
    let fake = FakeC1::start().await;
    fake.token_faults().latency(Duration::from_secs(30));
    let creds = fake.credentials();
    let client = Client::builder()
        .client_credentials(&creds.client_id, &creds.client_secret)
        .base_url(fake.base_url())
        .attempt_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = seeded_owner(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 1, "{err}");
    assert_eq!(fake.token_requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(api_statuses(&fake).is_empty());
}

// ---- redirects: the fake signs in and answers 302 to another host ----

/// Checks that the fake accepted exactly c1's assertion shape (the Go SDK's): the nonce in
/// the header as 32 hex characters, `aud` = `["127.0.0.1"]`, `nbf` and `exp` 120 s around `iat`.
fn assert_c1_assertion_shape(fake: &FakeC1, client_id: &str) {
    let assertions = fake.assertions();
    assert_eq!(assertions.len(), 1, "{assertions:?}");
    let (header, claims) = (&assertions[0].header, &assertions[0].claims);
    assert_eq!(header["alg"], "EdDSA", "{header}");
    let nonce = header["nonce"].as_str().unwrap_or("");
    assert!(
        nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{header}"
    );
    assert_eq!(claims["iss"], client_id, "{claims}");
    assert_eq!(claims["sub"], client_id, "{claims}");
    assert_eq!(claims["aud"], json!(["127.0.0.1"]), "{claims}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let iat = claims["iat"].as_i64().expect("iat");
    assert!((iat - now).abs() <= 10, "{claims}");
    assert_eq!(claims["nbf"].as_i64(), Some(iat - 120), "{claims}");
    assert_eq!(claims["exp"].as_i64(), Some(iat + 120), "{claims}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_with_the_token() {
    // The attacker's host records every request it gets (any path).
    let attacker = FakeC1::start().await;
    // `localhost` vs `127.0.0.1`: another host, not just another port.
    let attacker_url = attacker.base_url().replace("127.0.0.1", "localhost");

    let fake = FakeC1::start().await;
    let ping = fake.route("GET", "/api/v1/ping");
    ping.json(json!({"ok": true}));
    let redirect = fake.route("GET", "/api/v1/redirect");
    redirect.reply(Reply::new(302).header("location", &format!("{attacker_url}/steal")));

    let client = client_for(&fake);
    assert_eq!(client.ping().await.unwrap(), json!({"ok": true}));
    let err = client.redirect().await.unwrap_err();
    assert_eq!(err.status(), Some(302), "{err}");
    assert!(attacker.requests().is_empty(), "the redirect was followed");
    // The fake answers API routes only to a token it issued: both calls carried it.
    assert_eq!(api_statuses(&fake), [Some(200), Some(302)]);
    assert_eq!(redirect.hits(), 1);
    let sent = &redirect.requests()[0].request;
    assert_eq!(sent.header("authorization"), Some("Bearer [redacted]"));
    assert_eq!(fake.token_requests(), 1);
    let token_request = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/auth/v1/token")
        .unwrap();
    assert_eq!(token_request.header("authorization"), None);
    assert_c1_assertion_shape(&fake, &fake.credentials().client_id);
    // The attacker is reachable: the empty log above is not for lack of a server.
    let reachable = Client::builder().base_url(&attacker_url).build().unwrap();
    let _ = reachable.ping().await;
    assert_eq!(attacker.requests().len(), 1);
}

// ---- from_env, through a lookup closure ----

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

#[test]
fn from_lookup_follows_the_priority_order() {
    let secret = secret_from_jwk(&good_jwk([9; 32]));
    let id = "name@acme/pcc";
    let build = |vars: &[(&str, &str)]| Client::from_lookup(lookup(vars)).unwrap();

    // An access token wins over client credentials.
    let c = build(&[
        ("CONDUCTORONE_ACCESS_TOKEN", "tok"),
        ("CONDUCTORONE_CLIENT_ID", id),
        ("CONDUCTORONE_CLIENT_SECRET", &secret),
        ("CONDUCTORONE_SERVER_URL", "http://127.0.0.1:9/"),
    ]);
    assert_eq!(c.base_url(), "http://127.0.0.1:9");
    assert!(format!("{c:?}").contains("Bearer([redacted])"), "{c:?}");

    let c = build(&[
        ("CONDUCTORONE_ACCESS_TOKEN", "tok"),
        ("CONDUCTORONE_TENANT_DOMAIN", "acme"),
    ]);
    assert_eq!(c.base_url(), "https://acme.conductor.one");
    // A token with a client ID (no server): the ID's host.
    let c = build(&[
        ("CONDUCTORONE_ACCESS_TOKEN", "tok"),
        ("CONDUCTORONE_CLIENT_ID", "name@beta.example.com/pcc"),
    ]);
    assert_eq!(c.base_url(), "https://beta.example.com");

    // Client credentials: the server from SERVER_URL, then TENANT_DOMAIN, then the ID.
    let creds = [
        ("CONDUCTORONE_CLIENT_ID", id),
        ("CONDUCTORONE_CLIENT_SECRET", secret.as_str()),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v = creds.to_vec();
        v.extend_from_slice(extra);
        build(&v)
    };
    let c = with(&[]);
    assert_eq!(c.base_url(), "https://acme.conductor.one");
    assert!(format!("{c:?}").contains("ClientCredentials"), "{c:?}");
    assert_eq!(
        with(&[("CONDUCTORONE_TENANT_DOMAIN", "beta")]).base_url(),
        "https://beta.conductor.one"
    );
    assert_eq!(
        with(&[("CONDUCTORONE_TENANT_DOMAIN", "beta.example.com")]).base_url(),
        "https://beta.example.com"
    );
    assert_eq!(
        with(&[
            ("CONDUCTORONE_TENANT_DOMAIN", "beta"),
            ("CONDUCTORONE_SERVER_URL", "https://gamma.example.com/"),
        ])
        .base_url(),
        "https://gamma.example.com"
    );
    // Empty values count as unset.
    assert_eq!(
        with(&[
            ("CONDUCTORONE_ACCESS_TOKEN", ""),
            ("CONDUCTORONE_SERVER_URL", " ")
        ])
        .base_url(),
        "https://acme.conductor.one"
    );
    // The builder form takes further settings.
    let c = ClientBuilder::from_lookup(lookup(&creds))
        .unwrap()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://acme.conductor.one");
}

#[test]
fn from_lookup_names_the_variables_to_set() {
    let secret = secret_from_jwk(&good_jwk([10; 32]));
    let err = |vars: &[(&str, &str)]| {
        let e = Client::from_lookup(lookup(vars)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        let text = e.to_string();
        assert_no_fragment(&text, &secret, &["tok-secret"]);
        text
    };
    let none = err(&[]);
    for var in [
        "CONDUCTORONE_CLIENT_ID",
        "CONDUCTORONE_CLIENT_SECRET",
        "CONDUCTORONE_ACCESS_TOKEN",
        "CONDUCTORONE_SERVER_URL",
        "CONDUCTORONE_TENANT_DOMAIN",
    ] {
        assert!(none.contains(var), "{none}");
    }
    let only_id = err(&[("CONDUCTORONE_CLIENT_ID", "name@acme/pcc")]);
    assert!(
        only_id.contains("CONDUCTORONE_CLIENT_SECRET is not"),
        "{only_id}"
    );
    let only_secret = err(&[("CONDUCTORONE_CLIENT_SECRET", &secret)]);
    assert!(
        only_secret.contains("CONDUCTORONE_CLIENT_ID is not"),
        "{only_secret}"
    );
    let token_only = err(&[("CONDUCTORONE_ACCESS_TOKEN", "tok-secret")]);
    assert!(
        token_only.contains("CONDUCTORONE_SERVER_URL")
            && token_only.contains("CONDUCTORONE_TENANT_DOMAIN"),
        "{token_only}"
    );
    let bad_secret = err(&[
        ("CONDUCTORONE_CLIENT_ID", "name@acme/pcc"),
        ("CONDUCTORONE_CLIENT_SECRET", &secret[..secret.len() - 4]),
    ]);
    assert!(
        bad_secret.starts_with("CONDUCTORONE_CLIENT_SECRET: the client secret"),
        "{bad_secret}"
    );
    let bad_id = err(&[
        ("CONDUCTORONE_CLIENT_ID", "name-acme-pcc"),
        ("CONDUCTORONE_CLIENT_SECRET", &secret),
    ]);
    assert!(bad_id.starts_with("CONDUCTORONE_CLIENT_ID: "), "{bad_id}");
    let bad_tenant = err(&[
        ("CONDUCTORONE_ACCESS_TOKEN", "tok-secret"),
        ("CONDUCTORONE_TENANT_DOMAIN", "https://acme.conductor.one"),
    ]);
    assert!(
        bad_tenant.contains("CONDUCTORONE_SERVER_URL"),
        "{bad_tenant}"
    );
    let bad_url = err(&[
        ("CONDUCTORONE_ACCESS_TOKEN", "tok-secret"),
        ("CONDUCTORONE_SERVER_URL", "ftp://acme"),
    ]);
    assert!(bad_url.contains("must use https"), "{bad_url}");
}

#[tokio::test]
async fn from_lookup_signs_in_against_the_fake() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials().clone();
    let base = fake.base_url();
    let client = Client::from_lookup(lookup(&[
        ("CONDUCTORONE_CLIENT_ID", &creds.client_id),
        ("CONDUCTORONE_CLIENT_SECRET", &creds.client_secret),
        ("CONDUCTORONE_SERVER_URL", &base),
    ]))
    .unwrap();
    seeded_owner(&client).await.unwrap();
    assert_eq!(fake.token_requests(), 1);
    // With only the ID's host (`127.0.0.1`, no port) the client would go to
    // https://127.0.0.1: the ID alone does not carry the fake's port.
    let derived = Client::from_lookup(lookup(&[
        ("CONDUCTORONE_CLIENT_ID", &creds.client_id),
        ("CONDUCTORONE_CLIENT_SECRET", &creds.client_secret),
    ]))
    .unwrap();
    assert_eq!(derived.base_url(), "https://127.0.0.1");
}
