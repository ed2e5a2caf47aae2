//! Regression tests for an attacker's review (issue 11): what a hostile or
//! broken server can make c1 say, where credentials may travel, and how c1
//! stops instead of looping or leaking. Real loopback sockets throughout.

use crate::support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use c1::{Client, ConnectorOwnersV2, ErrorKind, RetryPolicy, c1_endpoint};
use ed25519_dalek::SigningKey;
use futures_util::StreamExt;
use serde_json::json;
use support::{Recorded, Server, Widgets, everything_said, respond};

/// A bearer token long and distinctive enough to find anywhere it leaks.
const TOKEN: &str = "tok-SECRET-8c2f/9d1e+77aa";

/// Every way `secret` could show up in text: as is, JSON-escaped, and any
/// 10-character window of it (a truncated echo).
fn assert_absent(text: &str, secret: &str) {
    let escaped = secret.replace('/', "\\/");
    assert!(!text.contains(secret), "secret leaked in: {text}");
    assert!(!text.contains(&escaped), "escaped secret leaked in: {text}");
    let chars: Vec<char> = secret.chars().collect();
    for window in chars.windows(10) {
        let w: String = window.iter().collect();
        assert!(!text.contains(&w), "fragment {w:?} leaked in: {text}");
    }
}

fn bearer_client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .bearer_token(TOKEN)
        .build()
        .unwrap()
}

/// The raw request, as an echoing proxy would send it back.
fn echo(request: &Recorded) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in &request.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.into_bytes()
}

#[tokio::test]
async fn a_2xx_echo_of_the_request_does_not_leak_the_token() {
    let server = Server::start(|_, request, mut s| async move {
        respond(
            &mut s,
            200,
            &[("content-type", "text/plain")],
            &echo(&request),
        )
        .await;
    })
    .await;
    let err = bearer_client(&server)
        .get_user_owner("a", "c", "owner", "u")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let said = everything_said(&err);
    assert_absent(&said, TOKEN);
    assert!(err.body_snippet().unwrap().contains("[redacted]"), "{said}");
}

#[tokio::test]
async fn a_token_in_a_mistyped_field_is_not_quoted_by_the_decode_error() {
    for body in [
        json!({"connectorOwnerUser": {"user": format!("Bearer {TOKEN}")}}).to_string(),
        // The same with `/` escaped, as some JSON encoders write it.
        format!(
            r#"{{"connectorOwnerUser": {{"user": "Bearer {}"}}}}"#,
            TOKEN.replace('/', "\\/")
        ),
        json!({"connectorOwnerUser": {"createdAt": TOKEN}}).to_string(),
    ] {
        let server = Server::start(move |_, _, mut s| {
            let body = body.clone();
            async move { respond(&mut s, 200, &[], body.as_bytes()).await }
        })
        .await;
        let err = bearer_client(&server)
            .get_user_owner("a", "c", "owner", "u")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        let said = everything_said(&err);
        assert_absent(&said, TOKEN);
        // What is kept: the path, the position, serde's category.
        assert!(
            err.json_path().unwrap().starts_with("connectorOwnerUser."),
            "{said}"
        );
        assert!(err.to_string().contains("line 1, column"), "{said}");
    }
}

#[tokio::test]
async fn a_non_2xx_echo_with_the_token_json_escaped_is_redacted() {
    let server = Server::start(|_, _, mut s| async move {
        let body = format!(
            r#"<html>you sent "Bearer {}"</html>"#,
            TOKEN.replace('/', "\\/")
        );
        respond(&mut s, 400, &[], body.as_bytes()).await;
    })
    .await;
    let err = bearer_client(&server)
        .get_user_owner("a", "c", "owner", "u")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_absent(&everything_said(&err), TOKEN);
}

/// A client secret for a fixed key, and the key's client ID on `server`.
fn credentials(server: &Server) -> (String, String) {
    let seed = [9u8; 32];
    let key = SigningKey::from_bytes(&seed);
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "d": URL_SAFE_NO_PAD.encode(seed)});
    let secret = format!(
        "secret-token:conductorone.com:v1:{}",
        URL_SAFE_NO_PAD.encode(jwk.to_string())
    );
    (format!("probe@{}/pcc", server.addr), secret)
}

fn credentials_client(server: &Server) -> Client {
    let (id, secret) = credentials(server);
    Client::builder()
        .base_url(server.url())
        .client_credentials(id, secret)
        .build()
        .unwrap()
}

/// A server whose token endpoint issues `token` and whose API answers with
/// `api(request)`.
async fn token_server(token: &'static str, api: fn(&Recorded) -> (u16, Vec<u8>)) -> Server {
    Server::start(move |_, request, mut s| async move {
        if request.target == "/auth/v1/token" {
            let body = json!({"access_token": token, "token_type": "Bearer", "expires_in": 600});
            respond(&mut s, 200, &[], body.to_string().as_bytes()).await;
        } else {
            let (status, body) = api(&request);
            respond(&mut s, status, &[], &body).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_client_credentials_token_is_not_leaked_by_decode_errors() {
    const ISSUED: &str = "issued-SECRET/abcdef0123456789";
    for api in [
        (|r: &Recorded| (200, echo(r))) as fn(&Recorded) -> (u16, Vec<u8>),
        |_| {
            let escaped = ISSUED.replace('/', "\\/");
            let body = format!(r#"{{"connectorOwnerUser": {{"user": "{escaped}"}}}}"#);
            (200, body.into_bytes())
        },
    ] {
        let server = token_server(ISSUED, api).await;
        let err = credentials_client(&server)
            .get_user_owner("a", "c", "owner", "u")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert_absent(&everything_said(&err), ISSUED);
    }
}

#[test]
fn plain_http_is_refused_off_loopback() {
    for url in [
        "http://acme.conductor.one",
        "http://10.0.0.1:8080",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ] {
        let err = Client::builder()
            .base_url(url)
            .bearer_token(TOKEN)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(err.to_string().contains("https"), "{url}: {err}");
        // The opt-in lets it through.
        Client::builder()
            .base_url(url)
            .bearer_token(TOKEN)
            .danger_allow_http(true)
            .build()
            .unwrap();
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://127.9.8.7",
        "http://[::1]:9000",
        "http://localhost:3000",
        "http://LOCALHOST",
        "https://acme.conductor.one",
    ] {
        Client::builder()
            .base_url(url)
            .bearer_token(TOKEN)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    // Client credentials with a plain-http base URL: the assertion would travel in clear.
    let err = Client::builder()
        .base_url("http://acme.conductor.one")
        .client_credentials(
            "probe@acme.conductor.one/pcc",
            credentials_secret_for_tests(),
        )
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    // The same from the environment.
    let err = Client::from_lookup(|name| match name {
        "CONDUCTORONE_ACCESS_TOKEN" => Some(TOKEN.to_owned()),
        "CONDUCTORONE_SERVER_URL" => Some("http://acme.conductor.one".to_owned()),
        _ => None,
    })
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("https"), "{err}");
}

fn credentials_secret_for_tests() -> String {
    let seed = [3u8; 32];
    let key = SigningKey::from_bytes(&seed);
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "d": URL_SAFE_NO_PAD.encode(seed)});
    format!(
        "secret-token:conductorone.com:v1:{}",
        URL_SAFE_NO_PAD.encode(jwk.to_string())
    )
}

/// A token endpoint answering the scripted statuses in order, then a token;
/// API calls answer `{}`.
async fn flaky_token_server(script: &'static [(u16, &'static str)]) -> Server {
    let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
    Server::start(move |_, request, mut s| {
        let script = script.clone();
        async move {
            if request.target != "/auth/v1/token" {
                return respond(&mut s, 200, &[], b"{}").await;
            }
            let next = script.lock().unwrap().pop_front();
            match next {
                Some((status, retry_after)) => {
                    let headers: &[(&str, &str)] = if retry_after.is_empty() {
                        &[]
                    } else {
                        &[("retry-after", retry_after)]
                    };
                    respond(&mut s, status, headers, b"<html>busy</html>").await;
                }
                None => {
                    let body = json!({"access_token": "fresh", "expires_in": 600});
                    respond(&mut s, 200, &[], body.to_string().as_bytes()).await;
                }
            }
        }
    })
    .await
}

fn token_requests(server: &Server) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.target == "/auth/v1/token")
        .count()
}

trait Ping: c1::Api {
    #[c1_endpoint(POST "/api/v1/ping")]
    async fn ping(&self) -> c1::Result<()>;
}
impl Ping for Client {}

#[tokio::test]
async fn transient_token_endpoint_failures_are_retried() {
    for status in [503, 429, 502, 500, 504] {
        let script: &'static [(u16, &str)] = Box::leak(Box::new([(status, "")]));
        let server = flaky_token_server(script).await;
        let client = Client::builder()
            .base_url(server.url())
            .client_credentials(
                format!("probe@{}/pcc", server.addr),
                credentials_secret_for_tests(),
            )
            .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
            .build()
            .unwrap();
        // A POST: the API call is not retried, only the token request.
        client
            .ping()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(token_requests(&server), 2, "{status}");
    }
}

#[tokio::test]
async fn a_token_endpoint_retry_after_is_honoured() {
    let server = flaky_token_server(&[(429, "1")]).await;
    let client = credentials_client_for(&server);
    let started = std::time::Instant::now();
    client.ping().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(token_requests(&server), 2);
}

fn credentials_client_for(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .client_credentials(
            format!("probe@{}/pcc", server.addr),
            credentials_secret_for_tests(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn only_a_400_401_or_403_blames_the_credentials() {
    for status in [400, 401, 403] {
        let script: &'static [(u16, &str)] = Box::leak(Box::new([(status, "")]));
        let server = flaky_token_server(script).await;
        let err = credentials_client_for(&server).ping().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert_eq!(token_requests(&server), 1, "{status}: not retried");
        assert!(err.to_string().contains("refused"), "{status}: {err}");
    }
    let server = flaky_token_server(&[(503, ""), (503, ""), (503, ""), (503, "")]).await;
    let client = Client::builder()
        .base_url(server.url())
        .client_credentials(
            format!("probe@{}/pcc", server.addr),
            credentials_secret_for_tests(),
        )
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.ping().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(503));
    assert_eq!(token_requests(&server), 3, "the policy's 3 attempts");
    assert!(!err.to_string().contains("refused"), "{err}");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_retries_stay_single_flight() {
    let server = flaky_token_server(&[(503, ""), (503, "")]).await;
    let client = Client::builder()
        .base_url(server.url())
        .client_credentials(
            format!("probe@{}/pcc", server.addr),
            credentials_secret_for_tests(),
        )
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(20)))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.ping().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(token_requests(&server), 3);
}

#[tokio::test]
async fn a_token_endpoint_echoing_the_assertion_does_not_leak_it() {
    let server = Server::start(|_, request, mut s| async move {
        // Echo the form body (with the signed assertion) in several forms.
        let body = String::from_utf8(request.body.clone()).unwrap();
        let decoded: String = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        let json = json!({"error": "invalid_request", "error_description": decoded}).to_string();
        let answer = if request.headers.iter().any(|(n, _)| n == "x-never") {
            body.into_bytes()
        } else {
            format!("{json}{body}").into_bytes()
        };
        respond(&mut s, 400, &[("content-type", "text/plain")], &answer).await;
    })
    .await;
    let client = credentials_client_for(&server);
    let err = client.ping().await.unwrap_err();
    let [request] = server.requests().try_into().unwrap();
    let body = String::from_utf8(request.body).unwrap();
    let assertion = form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let said = everything_said(&err);
    // The signature part is what makes it a credential.
    let signature = assertion.rsplit('.').next().unwrap();
    assert_absent(&said, signature);
    assert_absent(&said, &assertion);
}

/// `url` as a base URL: the builder's `Debug` hides its password, and
/// `build` refuses it, naming user info, without quoting the password.
/// Returns everything the error says.
fn assert_user_info_refused_unquoted(url: &str) -> String {
    let builder = Client::builder().base_url(url).bearer_token(TOKEN);
    let debug = format!("{builder:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    let err = builder.build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{url}");
    let said = everything_said(&err);
    assert!(!said.contains("hunter2"), "{said}");
    assert!(
        said.contains("user info"),
        "{url}: user info is the first complaint: {said}"
    );
    said
}

#[test]
fn user_info_in_a_base_url_is_refused_and_never_printed() {
    for url in [
        "https://user:hunter2@acme.conductor.one",
        "https://user:hunter2@acme.conductor.one/?q=1",
        "ftp://user:hunter2@acme.conductor.one",
        "https://user:hunter2@exa mple.com",
        "http://user:hunter2@10.0.0.1",
        "https://:hunter2@acme.conductor.one",
    ] {
        let _ = assert_user_info_refused_unquoted(url);
    }
    let err = Client::from_lookup(|name| match name {
        "CONDUCTORONE_ACCESS_TOKEN" => Some(TOKEN.to_owned()),
        "CONDUCTORONE_SERVER_URL" => Some("https://u:hunter2@acme.conductor.one".to_owned()),
        _ => None,
    })
    .unwrap_err();
    assert!(!everything_said(&err).contains("hunter2"), "{err}");
}

/// User info is found where the URL parser (and so reqwest, which would send
/// it as `Basic` credentials) finds it, not by looking for `://`; a URL
/// refused for another reason never has its user info or path quoted.
#[test]
fn user_info_is_found_as_the_url_parser_finds_it() {
    for url in [
        "https:/user:hunter2@acme.conductor.one",
        "HTTPS:/user:hunter2@acme.conductor.one",
        "https:/\\user:hunter2@acme.conductor.one",
        "https:\\\\user:hunter2@acme.conductor.one",
        "https:user:hunter2@acme.conductor.one",
        "https://hunter2@acme.conductor.one",
        "ftp:/user:hunter2@acme.conductor.one",
        "ftp://user:hunter2@acme.conductor.one",
    ] {
        let said = assert_user_info_refused_unquoted(url);
        assert!(said.contains("contains user info"), "{url}: {said}");
        let err = Client::from_lookup(|name| match name {
            "CONDUCTORONE_ACCESS_TOKEN" => Some(TOKEN.to_owned()),
            "CONDUCTORONE_SERVER_URL" => Some(url.to_owned()),
            _ => None,
        })
        .unwrap_err();
        let said = everything_said(&err);
        assert!(!said.contains("hunter2"), "{said}");
        assert!(said.contains("contains user info"), "{url}: {said}");
    }
    // Refused for another reason: nothing of the text is quoted.
    for url in [
        "foo:/user:hunter2@acme.conductor.one",
        "user:hunter2",
        "mailto:user:hunter2@acme.conductor.one",
        "https://user:hunter2@exa mple.com",
        "//user:hunter2@acme.conductor.one",
    ] {
        let builder = Client::builder().base_url(url).bearer_token(TOKEN);
        assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
        let said = everything_said(&builder.build().unwrap_err());
        assert!(!said.contains("hunter2"), "{said}");
        assert!(said.contains("the base URL"), "{said}");
    }
    // A URL that is safe to show still is.
    let err = Client::builder()
        .base_url("ftp://acme.conductor.one")
        .build();
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("the base URL `ftp://acme.conductor.one/` must use https"),
    );
}

/// Credentials of several shapes: a client secret, a JWT, an opaque token,
/// a hex key; and the part of each that must never be shown.
fn misplaced_secrets() -> Vec<(String, String)> {
    let secret = credentials_secret_for_tests();
    let key = secret
        .strip_prefix("secret-token:conductorone.com:v1:")
        .unwrap()
        .to_owned();
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.\
               dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let hex = "3f9a1c0e7b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a";
    vec![
        (secret, key),
        (jwt.to_owned(), jwt.to_owned()),
        (TOKEN.to_owned(), TOKEN.to_owned()),
        (hex.to_owned(), hex.to_owned()),
    ]
}

/// A credential in the wrong slot (client ID, server URL, tenant, base URL;
/// builder or environment) is named by its slot, never quoted, in the error
/// and in the builder's `Debug`.
#[test]
fn a_credential_in_the_wrong_slot_is_never_quoted() {
    let good_secret = credentials_secret_for_tests();
    for (secret, hidden) in misplaced_secrets() {
        let check = |err: c1::Error, slot: &str| {
            assert_eq!(err.kind(), ErrorKind::Config, "{err}");
            let said = everything_said(&err);
            assert_absent(&said, &hidden);
            assert!(said.contains(slot), "{slot}: {said}");
        };
        // Arguments swapped.
        let builder = Client::builder().client_credentials(&secret, "probe@acme/pcc");
        assert_absent(&format!("{builder:?}"), &hidden);
        check(builder.build().unwrap_err(), "the client ID has no `@`");
        // A token as the base URL.
        let builder = Client::builder().base_url(&secret).bearer_token("t");
        assert_absent(&format!("{builder:?}"), &hidden);
        check(builder.build().unwrap_err(), "the base URL");
        // The environment.
        let env = |vars: Vec<(&'static str, String)>| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
            }
        };
        let id = |v: &str| ("CONDUCTORONE_CLIENT_ID", v.to_owned());
        let token = ("CONDUCTORONE_ACCESS_TOKEN", "t".to_owned());
        let server = |v: &str| ("CONDUCTORONE_SERVER_URL", v.to_owned());
        let tenant = |v: &str| ("CONDUCTORONE_TENANT_DOMAIN", v.to_owned());
        let good = ("CONDUCTORONE_CLIENT_SECRET", good_secret.clone());
        for (vars, slot) in [
            (vec![id(&secret), good.clone()], "CONDUCTORONE_CLIENT_ID"),
            (vec![token.clone(), id(&secret)], "CONDUCTORONE_CLIENT_ID"),
            (vec![token.clone(), server(&secret)], "the base URL"),
            (
                vec![token.clone(), tenant(&secret)],
                "CONDUCTORONE_TENANT_DOMAIN",
            ),
            (
                vec![id("probe@acme/pcc"), good.clone(), server(&secret)],
                "the base URL",
            ),
        ] {
            if let Ok(builder) = c1::ClientBuilder::from_lookup(env(vars.clone())) {
                assert_absent(&format!("{builder:?}"), &hidden);
            }
            check(Client::from_lookup(env(vars)).unwrap_err(), slot);
        }
    }
    // A value of the slot's shape is still quoted.
    let err = Client::builder()
        .client_credentials("probe@a?b/pcc", &good_secret)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the client ID `probe@a?b/pcc` has an invalid host `a?b`"),
        "{err}"
    );
}

/// What could break a log line or rewrite a terminal: line breaks, ANSI
/// escapes, other C0 and C1 controls, Unicode line and paragraph
/// separators, bidi overrides.
const NASTY: &str =
    "one\ntwo\r\u{1b}[2J\u{1b}]8;;x\u{7}\u{0}\u{85}\u{9b}\u{2028}\u{2029}\u{202e}\u{2066}end";

fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `err` says `NASTY` (escaped) on one line, in `Display` and `Debug`.
fn assert_one_line(err: &c1::Error) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.chars().any(breaks_a_line), "{text:?}");
        assert!(text.contains(r"\u{1b}[2J"), "{text:?}");
    }
    assert!(err.to_string().contains(r"\u{202e}\u{2066}end"), "{err}");
}

trait Keyed: c1::Api {
    #[c1_endpoint(GET "/api/v1/keyed")]
    async fn keyed(&self) -> c1::Result<std::collections::HashMap<String, u32>>;
}
impl Keyed for Client {}

/// Server text in an error's `Display` (a `google.rpc.Status` message, a JSON
/// key in the decode path, an OAuth `error_description`, a body snippet)
/// has its control characters escaped: one line, read as written.
#[tokio::test]
async fn an_error_is_one_line_whatever_the_server_sends() {
    let status = json!({"code": 3, "message": NASTY}).to_string();
    let server = Server::start(move |_, _, mut s| {
        let status = status.clone();
        async move { respond(&mut s, 400, &[], status.as_bytes()).await }
    })
    .await;
    let err = bearer_client(&server).ping().await.unwrap_err();
    assert_eq!(err.api_message(), Some(NASTY), "kept as sent");
    assert_one_line(&err);

    let keyed = json!({ NASTY: "not a number" }).to_string();
    let server = Server::start(move |_, _, mut s| {
        let keyed = keyed.clone();
        async move { respond(&mut s, 200, &[], keyed.as_bytes()).await }
    })
    .await;
    let err = bearer_client(&server).keyed().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_one_line(&err);

    let oauth = json!({"error": "invalid_client", "error_description": NASTY}).to_string();
    let server = Server::start(move |_, _, mut s| {
        let oauth = oauth.clone();
        async move { respond(&mut s, 401, &[], oauth.as_bytes()).await }
    })
    .await;
    let err = credentials_client_for(&server).ping().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_one_line(&err);

    let server = Server::start(|_, _, mut s| async move {
        respond(
            &mut s,
            502,
            &[("content-type", "text/html")],
            NASTY.as_bytes(),
        )
        .await
    })
    .await;
    let err = bearer_client(&server).ping().await.unwrap_err();
    assert!(err.body_snippet().is_some(), "{err}");
    assert_one_line(&err);
}

/// A bearer token shorter than 8 characters is redacted too, where it
/// stands alone (as any echo writes it).
#[tokio::test]
async fn a_short_token_is_redacted_too() {
    const SHORT: &str = "s3Kr";
    for status in [400, 200] {
        let server = Server::start(move |_, request, mut s| async move {
            let mut body = echo(&request);
            body.extend_from_slice(format!("\r\nyou sent {SHORT:?}").as_bytes());
            respond(&mut s, status, &[("content-type", "text/plain")], &body).await;
        })
        .await;
        let client = Client::builder()
            .base_url(server.url())
            .bearer_token(SHORT)
            .build()
            .unwrap();
        let err = client.ping().await.unwrap_err();
        let said = everything_said(&err);
        assert!(!said.contains(SHORT), "{status}: {said}");
        assert!(said.contains("Bearer [redacted]"), "{status}: {said}");
    }
}

/// An error body cut by the read limit in the middle of an echoed token
/// shows none of it.
#[tokio::test]
async fn an_error_body_cut_in_a_token_shows_none_of_it() {
    const LONG: &str = "tok-SECRET-8c2f/9d1e+77aa-0123456789abcdef";
    assert_eq!(LONG.len(), 42);
    let server = Server::start(|_, _, mut s| async move {
        // The limit (64 bytes) falls 40 characters into the token.
        let body = format!("{}{LONG} and more", "x".repeat(24));
        respond(
            &mut s,
            400,
            &[("content-type", "text/plain")],
            body.as_bytes(),
        )
        .await;
    })
    .await;
    let client = Client::builder()
        .base_url(server.url())
        .bearer_token(LONG)
        .max_response_size(64)
        .build()
        .unwrap();
    let err = client.ping().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status, "{err}");
    assert_absent(&everything_said(&err), LONG);
    assert!(
        err.body_snippet().unwrap().ends_with("[redacted]…"),
        "{err}"
    );
}

/// A body snippet that ends with the first characters of a token, however
/// few, has them redacted.
#[tokio::test]
async fn a_snippet_ending_in_the_start_of_a_token_shows_none_of_it() {
    for kept in [1, 3, 9] {
        let server = Server::start(move |_, _, mut s| async move {
            // 512 bytes are shown: the token starts `kept` bytes before the end.
            let body = format!("{} Bearer {TOKEN} and more", "x".repeat(512 - 8 - kept));
            respond(
                &mut s,
                200,
                &[("content-type", "text/plain")],
                body.as_bytes(),
            )
            .await;
        })
        .await;
        let err = bearer_client(&server).ping().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        let snippet = err.body_snippet().unwrap();
        assert!(
            snippet.ends_with(" Bearer [redacted]…"),
            "{kept}: {snippet}"
        );
    }
}

/// A token endpoint's 2xx answer whose `token_type` echoes the signed
/// assertion: the error does not quote it.
#[tokio::test]
async fn a_token_type_echoing_the_assertion_is_not_quoted() {
    let server = Server::start(|_, request, mut s| async move {
        let assertion = form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "client_assertion")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let body = json!({"access_token": "fresh", "token_type": assertion});
        respond(&mut s, 200, &[], body.to_string().as_bytes()).await;
    })
    .await;
    let err = credentials_client_for(&server).ping().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(err.to_string().contains("not `Bearer`"), "{err}");
    let [request] = server.requests().try_into().unwrap();
    let assertion = form_urlencoded::parse(&request.body)
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_absent(&everything_said(&err), &assertion);
}

/// The token a call sent before a 401 made it fetch another is kept out of
/// the call's error too, whether the retry fails or returns a body that
/// does not decode.
#[tokio::test]
async fn the_token_used_before_a_401_refresh_is_redacted_too() {
    const FIRST: &str = "first-SECRET-aaaa1111bbbb";
    const SECOND: &str = "second-SECRET-cccc2222dddd";
    for status in [400, 200] {
        let issued = Arc::new(Mutex::new(0));
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let server = Server::start(move |_, request, mut s| {
            let (issued, seen) = (issued.clone(), seen.clone());
            async move {
                if request.target == "/auth/v1/token" {
                    let token = {
                        let mut issued = issued.lock().unwrap();
                        *issued += 1;
                        [FIRST, SECOND][(*issued - 1).min(1)]
                    };
                    let body = json!({"access_token": token, "expires_in": 600});
                    return respond(&mut s, 200, &[], body.to_string().as_bytes()).await;
                }
                let auth = request.header("authorization").unwrap_or_default();
                let (all, count) = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(auth.to_owned());
                    (seen.join(", "), seen.len())
                };
                match count {
                    1 => respond(&mut s, 401, &[], b"{}").await,
                    _ => {
                        let body = format!("tokens seen: {all}");
                        respond(
                            &mut s,
                            status,
                            &[("content-type", "text/plain")],
                            body.as_bytes(),
                        )
                        .await
                    }
                }
            }
        })
        .await;
        let err = credentials_client_for(&server).ping().await.unwrap_err();
        assert_eq!(err.attempts(), 2, "{err}");
        let said = everything_said(&err);
        assert_absent(&said, FIRST);
        assert_absent(&said, SECOND);
        assert!(said.contains("[redacted], Bearer [redacted]"), "{said}");
    }
}

/// A page of `(items, next token)`.
struct TestPage(Vec<u32>, Option<String>);

impl c1::Page for TestPage {
    type Item = u32;
    fn next_page_token(&self) -> Option<&str> {
        self.1.as_deref()
    }
    fn into_items(self) -> Vec<u32> {
        self.0
    }
}

#[tokio::test]
async fn any_repeated_page_token_ends_the_listing() {
    // A, B, A, B, ...: the token repeats two pages later.
    let mut fetches = 0;
    let results: Vec<_> = c1::paginate(|token: Option<String>| {
        fetches += 1;
        let next = match token.as_deref() {
            None | Some("B") => "A",
            _ => "B",
        };
        async move { Ok(TestPage(vec![1], Some(next.to_owned()))) }
    })
    .take(1000)
    .collect()
    .await;
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert_eq!(fetches, 3, "stops at the first repeat");
    assert_eq!(results.len(), 3, "two pages of items, then the error");
}

/// Endless one-item pages with fresh tokens look like a long listing, so
/// `paginate` has no bound of its own (see its docs): the caller's `take`
/// is the bound, and no page past it is fetched.
#[tokio::test]
async fn an_endless_listing_is_bounded_by_the_callers_take() {
    let mut fetches = 0u32;
    let items: Vec<u32> = c1::paginate(|_token: Option<String>| {
        fetches += 1;
        let (item, next) = (fetches, format!("t{fetches}"));
        async move { Ok(TestPage(vec![item], Some(next))) }
    })
    .take(5_000)
    .map(Result::unwrap)
    .collect()
    .await;
    assert_eq!(items.len(), 5_000);
    assert_eq!(items.last(), Some(&5_000));
    assert_eq!(fetches, 5_000, "one page per item taken, none ahead");
}

#[tokio::test]
async fn endless_empty_pages_end_the_listing() {
    let mut fetches = 0u32;
    let results: Vec<_> = c1::paginate(|_token: Option<String>| {
        fetches += 1;
        let next = format!("t{fetches}");
        async move { Ok(TestPage(Vec::new(), Some(next))) }
    })
    .take(10)
    .collect()
    .await;
    let [Err(err)] = &results[..] else {
        panic!("{} results", results.len())
    };
    assert_eq!(err.kind(), ErrorKind::Protocol);
    assert!(err.to_string().contains("empty pages"), "{err}");
    assert_eq!(fetches as usize, c1::MAX_EMPTY_PAGES, "{err}");
}

#[tokio::test]
async fn an_over_long_url_is_an_invalid_argument_sent_never() {
    let server = Server::always(200, "{}").await;
    let client = server.client();
    let long = "x".repeat(70_000);
    let started = std::time::Instant::now();
    let err = client.get_widget(&long).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert_eq!(err.attempts(), 0, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no backoff waits"
    );
    assert_eq!(server.count(), 0);
    assert!(
        !err.to_string().contains("xxxxxxxx"),
        "the value is not quoted: {err}"
    );
}

/// A graceful HTTP/2 `GOAWAY` carries debug data the server chooses: here,
/// an echo of the token. The error says the server refused the request,
/// and neither it nor any of its sources shows that data.
#[tokio::test]
async fn an_http2_goaway_echoing_the_token_does_not_leak_it() {
    let debug_data = format!("Authorization: Bearer {TOKEN}").into_bytes();
    let (base, _) = support::going_away_h2_server(debug_data).await;
    let client = Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .configure_http(|b| b.http2_prior_knowledge())
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.to_string()
            .contains("the server refused the request without acting on it"),
        "{err}"
    );
    assert_absent(&everything_said(&err), TOKEN);
}
