//! Workload federation (an OIDC token exchanged for an access token) and
//! token sources of the user's own, over real HTTP on loopback: the wire
//! shape against scripted servers (`support`), the sign-in against
//! `c1-fake`'s OIDC issuer and federation trusts, and `from_env` both
//! through a lookup and in child processes with the real environment.

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use c1::{
    AccessToken, BoxError, Client, ClientBuilder, ErrorKind, RetryPolicy, TimeoutKind, TokenSource,
    c1_endpoint,
};
use c1_fake::{FakeC1, Fault};
use serde_json::{Value, json};
use support::{Logs, Recorded, Server, Widgets, everything_said, respond};

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
const TRUST: &str = "trust@127.0.0.1/wfe";

/// An OIDC token's shape (what the scripted servers take): header, payload
/// and signature, each distinctive enough to be found wherever it leaks.
const OIDC: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6Ims3In0.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIiwieCI6Inh5eiJ9.Q2lTaWduYXR1cmVPZlRoZVdvcmtsb2FkVG9rZW4";

/// Another one, for a file that was rewritten.
const OIDC_2: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6Ims4In0.eyJzdWIiOiJyZXBvOmFjbWUvbmV3IiwieCI6Inh5eiJ9.U2Vjb25kU2lnbmF0dXJlT2ZUaGVXb3JrbG9hZA";

/// Endpoints hosted on the fake for these tests.
trait Probe: c1::Api {
    /// Answers 200 to a token the fake issued.
    #[c1_endpoint(GET "/api/v1/ping")]
    async fn ping(&self) -> c1::Result<Value>;
}

impl Probe for Client {}

/// The form fields of a request body, in order.
fn form(request: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn token_requests(server: &Server) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.target == "/auth/v1/token")
        .collect()
}

fn api_requests(server: &Server) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.target.starts_with("/api/"))
        .collect()
}

/// A token endpoint answering `script`'s statuses in order (body
/// `<html>busy</html>`), then tokens `issued-1`, `issued-2`, ...; the API
/// answers `api(n)` to its `n`th request (from 0), body `{}`.
async fn exchange_server(script: &'static [u16], api: fn(usize) -> u16) -> Server {
    let script = Arc::new(Mutex::new(script.to_vec()));
    let (issued, calls) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    Server::start(move |_, request, mut s| {
        let (script, issued, calls) = (script.clone(), issued.clone(), calls.clone());
        async move {
            if request.target != "/auth/v1/token" {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                return respond(&mut s, api(n), &[], b"{}").await;
            }
            let next = {
                let mut script = script.lock().unwrap();
                (!script.is_empty()).then(|| script.remove(0))
            };
            match next {
                Some(status) => respond(&mut s, status, &[], b"<html>busy</html>").await,
                None => {
                    let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                    let body = json!({"access_token": format!("issued-{n}"),
                        "token_type": "Bearer", "expires_in": 600});
                    respond(&mut s, 200, &[], body.to_string().as_bytes()).await;
                }
            }
        }
    })
    .await
}

fn exchange_client(server: &Server) -> ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .oidc_token(TRUST, OIDC)
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
}

/// `said` holds no part of the OIDC token `jwt`.
fn assert_no_part_of(said: &str, jwt: &str) {
    for part in jwt.split('.') {
        assert!(!said.contains(part), "{part} in {said}");
    }
}

/// A unique path in the temporary directory.
fn temp_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("c1-federation-{}-{n}-{name}", std::process::id()))
}

/// Jumps the tokio clock by `d` between calls (real sockets need a running clock).
async fn jump(d: Duration) {
    tokio::time::pause();
    tokio::time::advance(d).await;
    tokio::time::resume();
}

// ---- the wire shape, against scripted servers ----

#[tokio::test]
async fn the_exchange_sends_exactly_the_four_fields_and_no_authorization() {
    let server = exchange_server(&[], |_| 200).await;
    let client = exchange_client(&server).build().unwrap();
    client.get_widget("w").await.unwrap();
    client.get_widget("w").await.unwrap();
    let [exchange] = token_requests(&server).try_into().unwrap();
    assert_eq!(exchange.method, "POST");
    assert_eq!(exchange.header("authorization"), None);
    assert_eq!(
        exchange.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(exchange.header("accept"), Some("application/json"));
    let mut fields = form(&exchange);
    fields.sort();
    assert_eq!(
        fields,
        [
            ("client_id".to_owned(), TRUST.to_owned()),
            ("grant_type".to_owned(), EXCHANGE.to_owned()),
            ("subject_token".to_owned(), OIDC.to_owned()),
            ("subject_token_type".to_owned(), JWT_TYPE.to_owned()),
        ]
    );
    for api in api_requests(&server) {
        assert_eq!(api.header("authorization"), Some("Bearer issued-1"));
    }
}

#[tokio::test]
async fn a_401_from_the_api_exchanges_once_more_and_retries_once() {
    let server = exchange_server(&[], |n| if n == 0 { 401 } else { 200 }).await;
    exchange_client(&server)
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap();
    assert_eq!(token_requests(&server).len(), 2);
    let sent: Vec<_> = api_requests(&server)
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer issued-1", "Bearer issued-2"]);

    let server = exchange_server(&[], |_| 401).await;
    let err = exchange_client(&server)
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Status, Some(401)));
    assert_eq!(token_requests(&server).len(), 2, "one re-exchange, no more");
    assert_eq!(api_requests(&server).len(), 2);
}

#[tokio::test]
async fn a_refused_exchange_is_an_auth_error_and_not_retried() {
    for status in [400, 401, 403] {
        let script: &'static [u16] = Box::leak(Box::new([status]));
        let server = exchange_server(script, |_| 200).await;
        let err = exchange_client(&server)
            .build()
            .unwrap()
            .get_widget("w")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{status}: {err}");
        assert_eq!(err.status(), Some(status));
        let text = err.to_string();
        assert!(text.contains("refused the OIDC token"), "{text}");
        assert!(text.contains("/auth/v1/token"), "{text}");
        assert_eq!(token_requests(&server).len(), 1, "{status}: not retried");
        assert!(api_requests(&server).is_empty());
    }
}

#[tokio::test]
async fn transient_exchange_failures_are_retried_whatever_the_method() {
    for status in [429, 500, 502, 503, 504] {
        let script: &'static [u16] = Box::leak(Box::new([status]));
        let server = exchange_server(script, |_| 200).await;
        // A POST: the API call itself would not be retried after a 5xx.
        exchange_client(&server)
            .build()
            .unwrap()
            .create_widget("w", &json!({}))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(token_requests(&server).len(), 2, "{status}");
    }
    // The policy's attempts, then the last failure.
    let server = exchange_server(&[503, 503, 503, 503], |_| 200).await;
    let err = exchange_client(&server)
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Auth, Some(503)));
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(token_requests(&server).len(), 3);
}

#[tokio::test]
async fn a_connection_refused_token_endpoint_is_retried_then_reported() {
    // A port nobody listens on: bound, then closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = Client::builder()
        .base_url(&url)
        .oidc_token(TRUST, OIDC)
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap_err();
    // Getting a token failed (README, Errors): `Auth`, and a failure to connect.
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 3, "{err}");
    let addr = url.trim_start_matches("http://");
    assert!(
        err.to_string().contains(&format!(
            ": signing in at {url}/auth/v1/token failed: could not connect to {addr}: "
        )),
        "{err}"
    );
}

/// A token endpoint that never answers: the token request runs under the
/// same attempt and call deadlines as an API call.
#[tokio::test]
async fn a_stalled_token_endpoint_ends_at_the_attempt_then_the_call_deadline() {
    let server = Server::start(|_, _, s| support::stall(s, Duration::from_secs(60))).await;
    let client = exchange_client(&server)
        .attempt_timeout(Duration::from_millis(100))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout(), Some(TimeoutKind::Attempt), "{err}");
    assert_eq!(err.attempts(), 3, "retried as the policy says: {err}");
    assert!(err.to_string().contains("signing in at"), "{err}");
    assert_eq!(server.count(), 3);

    let server = Server::start(|_, _, s| support::stall(s, Duration::from_secs(60))).await;
    let client = exchange_client(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout(), Some(TimeoutKind::Call), "{err}");
    assert!(err.to_string().contains("signing in at"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.count(), 1, "the call's deadline is not retried");
}

/// A token endpoint that echoes the request (form and decoded fields) in
/// every answer it can: a refusal, a 503, a 2xx whose `token_type` is
/// the subject token.
#[tokio::test]
async fn an_echoing_token_endpoint_does_not_leak_the_oidc_token() {
    for status in [400, 401, 503, 200] {
        let server = Server::start(move |_, request, mut s| async move {
            let body = String::from_utf8(request.body.clone()).unwrap();
            let decoded: String = form_urlencoded::parse(body.as_bytes())
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect();
            let subject = form_urlencoded::parse(body.as_bytes())
                .find(|(k, _)| k == "subject_token")
                .map(|(_, v)| v.into_owned())
                .unwrap();
            let answer = if status == 200 {
                json!({"access_token": "a", "token_type": subject}).to_string()
            } else {
                let json = json!({"error": subject, "error_description": decoded});
                format!("{json}{body}")
            };
            respond(&mut s, status, &[], answer.as_bytes()).await;
        })
        .await;
        let builder = exchange_client(&server);
        assert_no_part_of(&format!("{builder:?}"), OIDC);
        let client = builder.build().unwrap();
        let err = client.get_widget("w").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{status}: {err}");
        let said = everything_said(&err);
        assert_no_part_of(&said, OIDC);
        assert_no_part_of(&format!("{client:?}"), OIDC);
    }
}

#[tokio::test]
async fn an_oidc_token_file_is_read_again_for_every_exchange() {
    let path = temp_path("token");
    std::fs::write(&path, format!("{OIDC}\n")).unwrap();
    // The second API request gets a 401: the client exchanges again.
    let server = exchange_server(&[], |n| if n == 1 { 401 } else { 200 }).await;
    let client = Client::builder()
        .base_url(server.url())
        .oidc_token_file(TRUST, &path)
        .build()
        .unwrap();
    client.get_widget("w").await.unwrap();
    // The platform rewrites the file while the process runs.
    std::fs::write(&path, OIDC_2).unwrap();
    client.get_widget("w").await.unwrap();
    let subjects: Vec<String> = token_requests(&server)
        .iter()
        .map(|r| {
            form(r)
                .into_iter()
                .find(|(k, _)| k == "subject_token")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(subjects, [OIDC, OIDC_2]);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_missing_or_empty_token_file_fails_the_call_before_any_request() {
    let server = exchange_server(&[], |_| 200).await;
    let path = temp_path("absent");
    let client = Client::builder()
        .base_url(server.url())
        .oidc_token_file(TRUST, &path)
        .build()
        .expect("the file is read when a token is needed, not by build()");
    let shown = format!("{path:?}");
    assert!(format!("{client:?}").contains(&shown), "{client:?}");
    for content in [None, Some(" \n"), Some("secret-content-not-a-jwt")] {
        if let Some(content) = content {
            std::fs::write(&path, content).unwrap();
        }
        let err = client.get_widget("w").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        let text = err.to_string();
        assert!(text.contains(&shown), "{text}");
        assert!(!everything_said(&err).contains("secret-content"), "{err:?}");
        assert_eq!(server.count(), 0, "no request was sent");
    }
    // Not cached: once the file is there, the next call signs in.
    std::fs::write(&path, OIDC).unwrap();
    client.get_widget("w").await.unwrap();
    assert_eq!(token_requests(&server).len(), 1);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_builder_checks_the_client_id_and_the_token_and_never_shows_it() {
    let config = |builder: ClientBuilder| {
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert_no_part_of(&everything_said(&err), OIDC);
        err.to_string()
    };
    let text = config(Client::builder().oidc_token(TRUST, ""));
    assert_eq!(text, "the OIDC token is empty");
    let text = config(Client::builder().oidc_token(TRUST, "abc.def"));
    assert!(text.contains("is not a JWT"), "{text}");
    let text = config(Client::builder().oidc_token("trust-acme-wfe", OIDC));
    assert!(text.contains("has no `@`"), "{text}");
    // Arguments swapped: the token in the client ID's slot is not quoted.
    let swapped = Client::builder().oidc_token(OIDC, TRUST);
    assert_no_part_of(&format!("{swapped:?}"), OIDC);
    let text = config(swapped);
    assert!(text.starts_with("the client ID has no `@`"), "{text}");
    let text = config(
        Client::builder()
            .oidc_token(TRUST, OIDC)
            .client_credentials("name@acme/pcc", "secret-token:conductorone.com:v1:x"),
    );
    assert_eq!(
        text,
        "both client credentials and an OIDC token are set: choose one"
    );
    let text = config(
        Client::builder()
            .bearer_token("tok")
            .oidc_token_file(TRUST, "/tmp/t")
            .token_source(Fixed("t")),
    );
    assert_eq!(
        text,
        "a bearer token, an OIDC token and a token source are set: choose one"
    );

    // A token source names no host: the base URL must be given.
    let text = config(Client::builder().token_source(Fixed("t")));
    assert!(
        text.starts_with("no base URL: call `base_url(..)`"),
        "{text}"
    );

    // The base URL comes from the trust's client ID unless given.
    let builder = Client::builder().oidc_token("trust@acme/wfe", format!(" {OIDC}\n"));
    let debug = format!("{builder:?}");
    assert!(debug.contains("trust@acme/wfe"), "{debug}");
    assert_no_part_of(&debug, OIDC);
    let client = builder.build().unwrap();
    assert_eq!(client.base_url(), "https://acme.conductor.one");
    let debug = format!("{client:?}");
    assert!(
        debug.contains("TokenExchange")
            && debug.contains("https://acme.conductor.one/auth/v1/token"),
        "{debug}"
    );
    assert_no_part_of(&debug, OIDC);
    let client = Client::builder()
        .oidc_token_file("trust@acme.example.com/wfe", "/var/run/c1/token")
        .base_url("https://c1.example.com")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://c1.example.com");
    assert!(format!("{client:?}").contains("/var/run/c1/token"));
}

// ---- a token source of the user's ----

/// Always the same token.
struct Fixed(&'static str);

impl TokenSource for Fixed {
    async fn token(&self) -> Result<AccessToken, BoxError> {
        Ok(AccessToken::new(self.0))
    }
}

/// Tokens `user-1`, `user-2`, ..., each after `delay`, living `lifetime`;
/// fails while `failing` is set.
#[derive(Default)]
struct Counting {
    asked: AtomicUsize,
    delay: Duration,
    lifetime: Option<Duration>,
    failing: Mutex<Option<&'static str>>,
}

impl TokenSource for Counting {
    async fn token(&self) -> Result<AccessToken, BoxError> {
        let n = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(self.delay).await;
        if let Some(message) = *self.failing.lock().unwrap() {
            return Err(message.into());
        }
        let token = AccessToken::new(format!("user-{n}"));
        Ok(match self.lifetime {
            Some(lifetime) => token.expires_in(lifetime),
            None => token,
        })
    }
}

fn source_client(server: &Server, source: &Arc<Counting>) -> Client {
    Client::builder()
        .base_url(server.url())
        .token_source(source.clone())
        .build()
        .unwrap()
}

fn authorizations(server: &Server) -> Vec<String> {
    api_requests(server)
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_token_source_of_the_users_is_asked_once_and_its_token_cached() {
    let server = Server::always(200, "{}").await;
    let source = Arc::new(Counting::default());
    let client = source_client(&server, &source);
    let debug = format!("{client:?}");
    assert!(
        debug.contains("TokenSource") && debug.contains("Counting"),
        "{debug}"
    );
    client.get_widget("w").await.unwrap();
    client.clone().get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 1);
    assert_eq!(authorizations(&server), ["Bearer user-1", "Bearer user-1"]);
    assert!(!format!("{client:?}").contains("user-1"), "{client:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_cold_callers_ask_a_token_source_once() {
    let server = Server::always(200, "{}").await;
    let source = Arc::new(Counting {
        delay: Duration::from_millis(200),
        ..Counting::default()
    });
    let client = source_client(&server, &source);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_widget("w").await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(source.asked.load(Ordering::SeqCst), 1);
    assert_eq!(api_requests(&server).len(), 100);
}

#[tokio::test]
async fn a_401_asks_the_token_source_again_once() {
    let server = Server::start(|n, _, mut s| async move {
        respond(&mut s, if n == 0 { 401 } else { 200 }, &[], b"{}").await;
    })
    .await;
    let source = Arc::new(Counting::default());
    source_client(&server, &source)
        .get_widget("w")
        .await
        .unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 2);
    assert_eq!(authorizations(&server), ["Bearer user-1", "Bearer user-2"]);
}

#[tokio::test]
async fn a_token_source_is_asked_again_before_its_token_expires() {
    let server = Server::always(200, "{}").await;
    let source = Arc::new(Counting {
        lifetime: Some(Duration::from_secs(30)),
        ..Counting::default()
    });
    let client = source_client(&server, &source);
    client.get_widget("w").await.unwrap();
    // 30 s: refreshed 15 s early.
    jump(Duration::from_secs(14)).await;
    client.get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 1);
    jump(Duration::from_secs(2)).await;
    client.get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 2);
    // Without a lifetime: 5 minutes, refreshed 60 s early.
    let source = Arc::new(Counting::default());
    let client = source_client(&server, &source);
    client.get_widget("w").await.unwrap();
    jump(Duration::from_secs(239)).await;
    client.get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 1);
    jump(Duration::from_secs(2)).await;
    client.get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failing_token_source_is_an_auth_error_with_its_error_as_source() {
    let server = Server::always(200, "{}").await;
    let source = Arc::new(Counting::default());
    *source.failing.lock().unwrap() = Some("the vault is sealed");
    let client = source_client(&server, &source);
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(err.to_string().contains("the token source failed"), "{err}");
    let cause = std::error::Error::source(&err).expect("the source's error");
    assert_eq!(cause.to_string(), "the vault is sealed");
    assert_eq!(server.count(), 0);
    assert_eq!(source.asked.load(Ordering::SeqCst), 1, "not retried by c1");
    // Not cached: the next call asks again.
    *source.failing.lock().unwrap() = None;
    client.get_widget("w").await.unwrap();
    assert_eq!(source.asked.load(Ordering::SeqCst), 2);

    // A token that cannot be sent is refused before any request.
    let client = Client::builder()
        .base_url(server.url())
        .token_source(Fixed(" "))
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_token_source_that_hangs_ends_at_the_call_timeout() {
    let server = Server::always(200, "{}").await;
    let source = Arc::new(Counting {
        delay: Duration::from_secs(3600),
        ..Counting::default()
    });
    let client = Client::builder()
        .base_url(server.url())
        .token_source(source.clone())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    // The first asks the source; the second waits for the first's answer.
    let (first, second) = tokio::join!(client.get_widget("w"), client.get_widget("w"));
    for err in [first.unwrap_err(), second.unwrap_err()] {
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert_eq!(err.timeout(), Some(TimeoutKind::Call));
        assert!(
            err.to_string().contains("waiting for an access token"),
            "{err}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(source.asked.load(Ordering::SeqCst), 1);
    assert_eq!(server.count(), 0);
}

/// `RUST_LOG=c1=debug`: one event per token obtained or not, whichever way;
/// a token request's retry is logged like a call's; no token on any line.
/// Alone in a child process: tracing caches per callsite whether anyone
/// listens, and the other tests' threads in this process raced that cache
/// (lines went missing in 2 of 4 runs).
#[test]
fn each_token_is_one_debug_event_and_no_line_shows_a_token() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "token_debug_events_alone",
            "--ignored",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && said.contains("1 passed"),
        "{said}"
    );
}

/// Run by [`each_token_is_one_debug_event_and_no_line_shows_a_token`].
#[test]
#[ignore = "run alone by each_token_is_one_debug_event_and_no_line_shows_a_token"]
fn token_debug_events_alone() {
    use tracing_subscriber::filter::{LevelFilter, Targets};

    let logs = Logs::default();
    let _default = logs.capture(
        Targets::new().with_target("c1", LevelFilter::DEBUG),
        tracing_subscriber::fmt::format::FmtSpan::NONE,
    );
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let server = exchange_server(&[503], |_| 200).await;
            exchange_client(&server)
                .build()
                .unwrap()
                .get_widget("w")
                .await
                .unwrap();
            let source = Arc::new(Counting::default());
            source_client(&server, &source)
                .get_widget("w")
                .await
                .unwrap();
            let refusing = exchange_server(&[400], |_| 200).await;
            let client = exchange_client(&refusing).build().unwrap();
            client.get_widget("w").await.unwrap_err();
        });
    let text = logs.text();
    let lines: Vec<&str> = text.lines().collect();
    let with = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(with("fetched an access token"), 2, "{lines:#?}");
    assert_eq!(with("fetching an access token failed"), 1, "{lines:#?}");
    assert_eq!(with("retrying"), 1, "{lines:#?}");
    assert_eq!(with("call finished"), 2, "{lines:#?}");
    assert_eq!(with("call failed"), 1, "{lines:#?}");
    assert_eq!(lines.len(), 7, "nothing else at DEBUG: {lines:#?}");
    for line in &lines {
        assert_no_part_of(line, OIDC);
        for token in ["issued-", "user-1", "Bearer"] {
            assert!(!line.contains(token), "{token} in {line}");
        }
    }
}

// ---- against the fake's OIDC issuer and federation trusts ----

fn api_statuses(fake: &FakeC1) -> Vec<Option<u16>> {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| r.status)
        .collect()
}

/// A fake with the ping route, a trust requiring `repository: acme/app`
/// and a token that satisfies it.
async fn federated_fake(builder: c1_fake::FakeC1Builder) -> (FakeC1, String, String) {
    let fake = builder.start().await;
    fake.route("GET", "/api/v1/ping").json(json!({"ok": true}));
    let trust = fake.add_federation_trust(json!({"repository": "acme/app"}));
    let token = fake.oidc_token(json!({"repository": "acme/app"}));
    (fake, trust, token)
}

#[tokio::test]
async fn signs_in_with_the_fakes_oidc_token_under_a_trust() {
    let (fake, trust, token) = federated_fake(FakeC1::builder()).await;
    assert!(trust.ends_with("@127.0.0.1/wfe"), "{trust}");
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token(&trust, &token)
        .build()
        .unwrap();
    assert_eq!(client.ping().await.unwrap(), json!({"ok": true}));
    client.ping().await.unwrap();
    assert_eq!(fake.token_exchanges(), 1);
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(api_statuses(&fake), [Some(200), Some(200)]);
    assert_no_part_of(&format!("{client:?}"), &token);
}

#[tokio::test]
async fn the_fake_refusing_the_token_is_an_auth_error_without_it() {
    let (fake, _, token) = federated_fake(FakeC1::builder()).await;
    // The trust wants a repository this token does not name.
    let other = fake.add_federation_trust(json!({"repository": "other/app"}));
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token(&other, &token)
        .build()
        .unwrap();
    let err = client.ping().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Auth, Some(400)));
    assert!(err.to_string().contains("`invalid_grant`"), "{err}");
    assert_no_part_of(&everything_said(&err), &token);
    assert_eq!(fake.token_requests(), 1, "not retried");
    assert!(api_statuses(&fake).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_cold_callers_cause_exactly_one_exchange() {
    let (fake, trust, token) = federated_fake(FakeC1::builder()).await;
    fake.token_faults().latency(Duration::from_millis(200));
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token(&trust, &token)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.ping().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_exchanges(), 1);
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(api_statuses(&fake).len(), 200);
}

#[tokio::test]
async fn at_expiry_the_rewritten_token_file_is_what_is_exchanged() {
    // Access tokens of 30 s: refreshed after 15 s.
    let (fake, trust, token) =
        federated_fake(FakeC1::builder().token_lifetime(Duration::from_secs(30))).await;
    let path = temp_path("fake-token");
    std::fs::write(&path, &token).unwrap();
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token_file(&trust, &path)
        .build()
        .unwrap();
    client.ping().await.unwrap();
    jump(Duration::from_secs(14)).await;
    client.ping().await.unwrap();
    assert_eq!(fake.token_exchanges(), 1, "still fresh");

    // The platform writes a token the trust refuses: the next exchange
    // sends it, so the call fails.
    let refused = fake.oidc_token(json!({"repository": "other/app"}));
    std::fs::write(&path, &refused).unwrap();
    jump(Duration::from_secs(2)).await;
    let err = client.ping().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Auth, Some(400)));
    assert_eq!(fake.token_requests(), 2);

    // Then a good one: signed in again.
    let renewed = fake.oidc_token(json!({"repository": "acme/app", "sub": "renewed"}));
    std::fs::write(&path, &renewed).unwrap();
    client.ping().await.unwrap();
    assert_eq!(fake.token_exchanges(), 2);
    assert_eq!(fake.token_requests(), 3);
    assert_eq!(api_statuses(&fake), [Some(200), Some(200), Some(200)]);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_401_from_the_fake_causes_one_new_exchange() {
    let (fake, trust, token) = federated_fake(FakeC1::builder()).await;
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token(&trust, &token)
        .build()
        .unwrap();
    client.ping().await.unwrap();
    fake.expire_tokens();
    client.ping().await.unwrap();
    assert_eq!(fake.token_exchanges(), 2);
    assert_eq!(api_statuses(&fake), [Some(200), Some(401), Some(200)]);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_for_the_exchange_too() {
    let (fake, trust, token) = federated_fake(FakeC1::builder()).await;
    fake.token_faults().fail_next(&[503]);
    fake.token_faults().push(Fault::Raw {
        status: 429,
        content_type: "application/json".to_owned(),
        body: "{}".to_owned(),
    });
    let client = Client::builder()
        .base_url(fake.base_url())
        .oidc_token(&trust, &token)
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    client.ping().await.unwrap();
    assert_eq!(fake.token_requests(), 3);
    assert_eq!(fake.token_exchanges(), 1);
}

// ---- from_env: the priority, through a lookup ----

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

/// A client secret of the right shape (its key is never used here).
fn secret() -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let key = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": B64.encode(key.verifying_key().to_bytes()), "d": B64.encode([11u8; 32])});
    format!(
        "secret-token:conductorone.com:v1:{}",
        B64.encode(jwk.to_string())
    )
}

/// Which way the client from `vars` signs in, by its `Debug`.
fn signs_in_with(vars: &[(&str, &str)]) -> &'static str {
    let client = Client::from_lookup(lookup(vars)).unwrap_or_else(|e| panic!("{vars:?}: {e}"));
    let debug = format!("{client:?}");
    assert_no_part_of(&debug, OIDC);
    assert_no_part_of(&debug, OIDC_2);
    if debug.contains("Bearer([redacted])") {
        "access token"
    } else if debug.contains("TokenExchange") {
        "token exchange"
    } else if debug.contains("ClientCredentials") {
        "client credentials"
    } else {
        panic!("{debug}")
    }
}

#[test]
fn from_lookup_prefers_access_token_then_oidc_then_terraform_then_secret() {
    let secret = secret();
    let id = ("CONDUCTORONE_CLIENT_ID", "trust@acme/wfe");
    let sec = ("CONDUCTORONE_CLIENT_SECRET", secret.as_str());
    let oidc = ("CONDUCTORONE_OIDC_TOKEN", OIDC);
    let tfc = ("TFC_WORKLOAD_IDENTITY_TOKEN", OIDC_2);
    let tfc_c1 = ("TFC_WORKLOAD_IDENTITY_TOKEN_C1", OIDC_2);
    let tfc_conductorone = ("TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE", OIDC_2);
    let access = ("CONDUCTORONE_ACCESS_TOKEN", "tok");
    assert_eq!(signs_in_with(&[access, id, oidc, sec]), "access token");
    assert_eq!(signs_in_with(&[id, oidc, sec, tfc]), "token exchange");
    assert_eq!(signs_in_with(&[id, sec, tfc]), "token exchange");
    assert_eq!(signs_in_with(&[id, sec, tfc_c1]), "token exchange");
    assert_eq!(signs_in_with(&[id, tfc_conductorone]), "token exchange");
    assert_eq!(signs_in_with(&[id, sec]), "client credentials");
    // Empty counts as unset.
    assert_eq!(
        signs_in_with(&[
            id,
            sec,
            ("CONDUCTORONE_OIDC_TOKEN", " "),
            ("TFC_WORKLOAD_IDENTITY_TOKEN", "")
        ]),
        "client credentials"
    );

    // Which token: CONDUCTORONE_OIDC_TOKEN, else the first Terraform one set.
    // A malformed one is named by its variable: the one that was chosen.
    let chosen = |vars: &[(&str, &str)]| {
        let err = Client::from_lookup(lookup(vars)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        err.to_string()
    };
    let bad = "not-a-jwt";
    assert!(
        chosen(&[id, ("CONDUCTORONE_OIDC_TOKEN", bad), tfc])
            .starts_with("CONDUCTORONE_OIDC_TOKEN: the OIDC token is not a JWT")
    );
    assert!(
        chosen(&[
            id,
            ("TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE", bad),
            tfc_c1,
            tfc
        ])
        .starts_with("TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE: ")
    );
    assert!(
        chosen(&[id, ("TFC_WORKLOAD_IDENTITY_TOKEN_C1", bad), tfc])
            .starts_with("TFC_WORKLOAD_IDENTITY_TOKEN_C1: ")
    );
    assert!(
        chosen(&[id, ("TFC_WORKLOAD_IDENTITY_TOKEN", bad)])
            .starts_with("TFC_WORKLOAD_IDENTITY_TOKEN: ")
    );
    assert!(
        signs_in_with(&[id, ("TFC_WORKLOAD_IDENTITY_TOKEN", bad), tfc_c1]) == "token exchange",
        "a later Terraform variable is not read"
    );

    // The server: SERVER_URL, then TENANT_DOMAIN, then the client ID's host.
    let base = |vars: &[(&str, &str)]| {
        Client::from_lookup(lookup(vars))
            .unwrap()
            .base_url()
            .to_owned()
    };
    assert_eq!(base(&[id, oidc]), "https://acme.conductor.one");
    assert_eq!(
        base(&[id, oidc, ("CONDUCTORONE_TENANT_DOMAIN", "beta")]),
        "https://beta.conductor.one"
    );
    assert_eq!(
        base(&[
            id,
            oidc,
            ("CONDUCTORONE_TENANT_DOMAIN", "beta"),
            ("CONDUCTORONE_SERVER_URL", "http://127.0.0.1:9/")
        ]),
        "http://127.0.0.1:9"
    );
    // The builder form takes further settings.
    ClientBuilder::from_lookup(lookup(&[id, oidc]))
        .unwrap()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
}

#[test]
fn an_oidc_token_without_a_client_id_names_the_variable_to_set() {
    let secret = secret();
    for vars in [
        vec![("CONDUCTORONE_OIDC_TOKEN", OIDC)],
        vec![
            ("CONDUCTORONE_OIDC_TOKEN", OIDC),
            ("CONDUCTORONE_CLIENT_SECRET", &secret),
        ],
        vec![
            ("CONDUCTORONE_OIDC_TOKEN", OIDC),
            ("CONDUCTORONE_SERVER_URL", "https://acme.conductor.one"),
        ],
    ] {
        let err = Client::from_lookup(lookup(&vars)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let text = err.to_string();
        assert!(
            text.starts_with("CONDUCTORONE_OIDC_TOKEN is set but CONDUCTORONE_CLIENT_ID is not"),
            "{text}"
        );
        assert_no_part_of(&everything_said(&err), OIDC);
    }
    // A Terraform token without a ConductorOne client ID may be another
    // provider's: it is not read, and the usual message says what to set.
    let err = Client::from_lookup(lookup(&[("TFC_WORKLOAD_IDENTITY_TOKEN", OIDC)])).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("no ConductorOne credentials"), "{text}");
    assert!(text.contains("CONDUCTORONE_OIDC_TOKEN"), "{text}");
    assert_no_part_of(&text, OIDC);
    // A bad trust client ID is named by its variable.
    let err = Client::from_lookup(lookup(&[
        ("CONDUCTORONE_OIDC_TOKEN", OIDC),
        ("CONDUCTORONE_CLIENT_ID", "trust-acme-wfe"),
    ]))
    .unwrap_err();
    assert!(
        err.to_string().starts_with("CONDUCTORONE_CLIENT_ID: "),
        "{err}"
    );
}

// ---- from_env: the real environment, in child processes ----

/// Every variable `from_env` reads, removed from a child's environment
/// before the test sets its own.
const VARIABLES: [&str; 9] = [
    "CONDUCTORONE_ACCESS_TOKEN",
    "CONDUCTORONE_OIDC_TOKEN",
    "CONDUCTORONE_CLIENT_ID",
    "CONDUCTORONE_CLIENT_SECRET",
    "CONDUCTORONE_SERVER_URL",
    "CONDUCTORONE_TENANT_DOMAIN",
    "TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE",
    "TFC_WORKLOAD_IDENTITY_TOKEN_C1",
    "TFC_WORKLOAD_IDENTITY_TOKEN",
];

/// Runs [`child_pings_the_fake_from_the_environment`] in a child process
/// with exactly `vars` set, and says whether it passed.
async fn child_with(vars: Vec<(&'static str, String)>) -> Result<(), String> {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(exe);
        command.args([
            "--exact",
            "child_pings_the_fake_from_the_environment",
            "--ignored",
            "--nocapture",
        ]);
        for name in VARIABLES {
            command.env_remove(name);
        }
        command.envs(vars).output()
    })
    .await
    .unwrap()
    .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() && said.contains("1 passed") {
        Ok(())
    } else {
        Err(said)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_env_reads_the_real_environment_in_priority_order() {
    let (fake, trust, token) = federated_fake(FakeC1::builder()).await;
    fake.add_bearer_token("static-access-token");
    let server = ("CONDUCTORONE_SERVER_URL", fake.base_url());
    let id = ("CONDUCTORONE_CLIENT_ID", trust.clone());
    let garbage = |name: &'static str| (name, "not-a-jwt".to_owned());

    // The access token first: the OIDC token (malformed) is not even read.
    child_with(vec![
        server.clone(),
        (
            "CONDUCTORONE_ACCESS_TOKEN",
            "static-access-token".to_owned(),
        ),
        id.clone(),
        garbage("CONDUCTORONE_OIDC_TOKEN"),
    ])
    .await
    .unwrap();
    assert_eq!(fake.token_requests(), 0);

    // Then CONDUCTORONE_OIDC_TOKEN, before any Terraform token.
    child_with(vec![
        server.clone(),
        id.clone(),
        ("CONDUCTORONE_OIDC_TOKEN", token.clone()),
        garbage("TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE"),
    ])
    .await
    .unwrap();
    assert_eq!(fake.token_exchanges(), 1);

    // Then the Terraform tokens, the first one set.
    child_with(vec![
        server.clone(),
        id.clone(),
        ("TFC_WORKLOAD_IDENTITY_TOKEN_C1", token.clone()),
        garbage("TFC_WORKLOAD_IDENTITY_TOKEN"),
    ])
    .await
    .unwrap();
    assert_eq!(fake.token_exchanges(), 2);

    // An OIDC token without a client ID: the child fails to build.
    let failed = child_with(vec![
        server.clone(),
        ("CONDUCTORONE_OIDC_TOKEN", token.clone()),
    ])
    .await
    .unwrap_err();
    assert!(failed.contains("CONDUCTORONE_CLIENT_ID is not"), "{failed}");
    assert_no_part_of(&failed, &token);

    // Client credentials last.
    let creds = fake.credentials().clone();
    child_with(vec![
        server,
        ("CONDUCTORONE_CLIENT_ID", creds.client_id.clone()),
        ("CONDUCTORONE_CLIENT_SECRET", creds.client_secret.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(fake.token_exchanges(), 2);
    assert_eq!(fake.token_requests(), 3);
    assert_eq!(fake.secret_leaks(), 0);
}

/// Run by [`from_env_reads_the_real_environment_in_priority_order`] with
/// the variables set; on its own (no variables) it is skipped.
#[tokio::test]
#[ignore = "run by from_env_reads_the_real_environment_in_priority_order"]
async fn child_pings_the_fake_from_the_environment() {
    let client = Client::from_env().unwrap_or_else(|e| panic!("from_env: {e}"));
    client.ping().await.unwrap_or_else(|e| panic!("ping: {e}"));
}
