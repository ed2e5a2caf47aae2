//! Transport settings (issue 12): root certificates over a real TLS
//! handshake, an explicit proxy, default headers, changing the reqwest
//! builder and bringing a reqwest client of your own.

// Certificates need a TLS backend; without one the transport has nothing to test here.
#![cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]

mod support;

use c1::reqwest;
use c1::{Client, ErrorKind};
use support::{CERT, Server, Widgets, respond};
use tokio_rustls::rustls;

/// An HTTPS server for `localhost` with the self-signed test certificate,
/// answering every request `{"id":"tls"}`.
async fn tls_server() -> Server {
    Server::start_tls(|_, _, mut s| async move {
        respond(&mut s, 200, &[], br#"{"id":"tls"}"#).await;
    })
    .await
}

#[tokio::test]
async fn a_root_certificate_makes_a_private_server_trusted() {
    let server = tls_server().await;
    let url = server.url();
    let trusted = Client::builder()
        .base_url(&url)
        .bearer_token("tok")
        .add_root_certificate(reqwest::Certificate::from_pem(CERT).unwrap())
        .build()
        .unwrap();
    let widget = trusted.get_widget("w").await.unwrap();
    assert_eq!(widget["id"], "tls");

    // Without it, the handshake fails: not retried into success, not trusted.
    let untrusted = Client::builder()
        .base_url(&url)
        .bearer_token("tok")
        .build()
        .unwrap();
    let err = untrusted.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

#[tokio::test]
async fn an_explicit_proxy_receives_the_requests() {
    let proxy = Server::always(200, r#"{"id":"via proxy"}"#).await;
    // Nothing listens on the base URL: only the proxy can answer. Plain
    // http through a proxy leaves the machine, so it takes the opt-in.
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token("tok")
        .proxy(reqwest::Proxy::http(proxy.url()).unwrap())
        .danger_allow_http(true)
        .build()
        .unwrap();
    let widget = client.get_widget("w 1").await.unwrap();
    assert_eq!(widget["id"], "via proxy");
    let [request] = proxy.requests().try_into().unwrap();
    assert_eq!(request.target, "http://127.0.0.1:9/api/v1/widgets/w%201");
    assert_eq!(request.header("authorization"), Some("Bearer tok"));
}

/// Plain http is allowed to a loopback host because it never leaves the
/// machine; an explicit proxy would carry the token off it in clear.
#[test]
fn an_explicit_proxy_for_a_plain_http_loopback_url_is_refused() {
    for url in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        let err = Client::builder()
            .base_url(url)
            .bearer_token("tok")
            .proxy(reqwest::Proxy::all("http://127.0.0.1:3128").unwrap())
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(err.to_string().contains("danger_allow_http"), "{err}");
    }
    // https through a proxy is a CONNECT tunnel: allowed.
    Client::builder()
        .base_url("https://acme.conductor.one")
        .bearer_token("tok")
        .proxy(reqwest::Proxy::all("http://127.0.0.1:3128").unwrap())
        .build()
        .unwrap();
}

/// The environment's proxies are ignored for a plain-http loopback base URL:
/// with `HTTP_PROXY`/`ALL_PROXY` set and `NO_PROXY` unset, every call still
/// goes straight to the server and the proxy sees nothing. The variables are
/// process-wide, so the calls run in a child process of this test binary
/// (`child_calls_loopback_servers_with_proxy_variables_set`).
#[tokio::test]
async fn the_environment_proxy_never_sees_a_loopback_call() {
    let proxy = Server::always(200, r#"{"id":"via proxy"}"#).await;
    let exe = std::env::current_exe().expect("the test binary's path");
    let url = proxy.url();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args([
                "--exact",
                "child_calls_loopback_servers_with_proxy_variables_set",
                "--ignored",
                "--nocapture",
            ])
            .env("HTTP_PROXY", &url)
            .env("http_proxy", &url)
            .env("ALL_PROXY", &url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the child failed:\n{said}");
    assert!(said.contains("1 passed"), "the child ran no test:\n{said}");
    assert_eq!(proxy.count(), 0, "the proxy saw {:?}", proxy.requests());
}

/// Run by [`the_environment_proxy_never_sees_a_loopback_call`] with the proxy
/// variables set; on its own it is the same check without a proxy.
#[tokio::test]
#[ignore = "run by the_environment_proxy_never_sees_a_loopback_call"]
async fn child_calls_loopback_servers_with_proxy_variables_set() {
    let server = Server::always(200, r#"{"id":"direct"}"#).await;
    let port = server.addr.port();
    let mut urls = vec![
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ];
    // IPv6 loopback, where this machine has it.
    let v6 = Server::start_on("[::1]:0", |_, _, mut s| async move {
        respond(&mut s, 200, &[], br#"{"id":"direct"}"#).await;
    })
    .await
    .ok();
    if let Some(v6) = &v6 {
        urls.push(v6.url());
    }
    for url in urls {
        let client = Client::builder()
            .base_url(&url)
            .bearer_token("tok")
            .build()
            .unwrap();
        let widget = client
            .get_widget("w")
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(widget["id"], "direct", "{url}");
    }
}

#[tokio::test]
async fn default_headers_go_out_and_c1_headers_win() {
    let server = Server::always(200, "{}").await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-tenant-tag", "blue".parse().unwrap());
    headers.insert("authorization", "Bearer from-defaults".parse().unwrap());
    let builder = server.builder().default_headers(headers);
    assert!(
        !format!("{builder:?}").contains("from-defaults"),
        "{builder:?}"
    );
    builder.build().unwrap().get_widget("w").await.unwrap();
    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.header("x-tenant-tag"), Some("blue"));
    assert_eq!(request.header("authorization"), Some("Bearer tok"));
}

#[tokio::test]
async fn configure_http_runs_after_c1s_settings() {
    let server = Server::always(200, "{}").await;
    server
        .builder()
        .user_agent("set-by-c1")
        .configure_http(|b| b.user_agent("set-by-configure"))
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap();
    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.header("user-agent"), Some("set-by-configure"));
}

#[tokio::test]
async fn a_client_of_your_own_is_used_as_is() {
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => respond(&mut s, 503, &[("retry-after-ms", "1")], b"{}").await,
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    // A client built by hand needs a rustls provider of its own when c1 is
    // built with `rustls-ring` (reqwest then has none): install one, as a
    // user would.
    #[cfg(feature = "rustls-ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    #[cfg(not(feature = "rustls-ring"))]
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let own = reqwest::Client::builder()
        .user_agent("my-service/2.0")
        .build()
        .unwrap();
    server
        .builder()
        .http_client(own)
        .build()
        .unwrap()
        .get_widget("w")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "c1's retries still apply");
    assert_eq!(requests[1].header("user-agent"), Some("my-service/2.0"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok"));
}
