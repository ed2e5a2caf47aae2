//! Retries, timeouts, limits and broken servers (issue 5), over real loopback
//! sockets. Tests that wait run on tokio's paused clock: time jumps ahead
//! whenever every task is idle, so a 30 s timeout costs no real time.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use c1::{Client, ErrorKind, RetryPolicy, TimeoutKind};
use serde_json::json;
use support::{Server, Widgets, respond};
use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// A server answering `statuses[n]` (with a `google.rpc.Status` naming `n`)
/// to request `n`, then 200 `{"ok":true}`.
async fn scripted(statuses: &'static [u16]) -> Server {
    Server::start(move |n, _, mut s| async move {
        match statuses.get(n) {
            Some(&status) => {
                let body = format!(r#"{{"code":14,"message":"failure {n}"}}"#);
                respond(&mut s, status, &[], body.as_bytes()).await;
            }
            None => respond(&mut s, 200, &[], br#"{"ok":true}"#).await,
        }
    })
    .await
}

/// A server that reads its script from the last path segment: `503-500_x`
/// answers 503, then 500, then 200 to requests for that path (`_x` only makes
/// the path unique). One server and client serve a whole table of cases.
async fn scripted_by_path() -> Server {
    let seen = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        usize,
    >::new()));
    Server::start(move |_, request, mut s| {
        let seen = seen.clone();
        async move {
            let n = {
                let mut seen = seen.lock().unwrap();
                let n = seen.entry(request.target.clone()).or_default();
                *n += 1;
                *n - 1
            };
            let script = request.segments().pop().unwrap();
            let script = script.split('_').next().unwrap();
            let statuses: Vec<u16> = script.split('-').map(|s| s.parse().unwrap()).collect();
            match statuses.get(n) {
                Some(&status) => {
                    respond(&mut s, status, &[], br#"{"code":14,"message":"no"}"#).await
                }
                None => respond(&mut s, 200, &[], br#"{"ok":true}"#).await,
            }
        }
    })
    .await
}

/// How many requests `server` received for the widget `id`.
fn count_for(server: &Server, id: &str) -> usize {
    let target = format!("/api/v1/widgets/{id}");
    server
        .requests()
        .iter()
        .filter(|r| r.target == target)
        .count()
}

#[tokio::test(start_paused = true)]
async fn unavailable_twice_then_success_takes_three_attempts() {
    let server = scripted(&[503, 503]).await;
    let widget = server.client().get_widget("w").await.unwrap();
    assert_eq!(widget, json!({"ok": true}));
    assert_eq!(server.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn each_retryable_status_is_retried_for_get() {
    let server = scripted_by_path().await;
    let client = server.client();
    for script in ["429", "500", "502", "503", "504"] {
        client.get_widget(script).await.unwrap();
        assert_eq!(count_for(&server, script), 2, "{script}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_error_after_retries_says_how_many_attempts_and_keeps_the_last_answer() {
    let server = scripted(&[503, 503, 503, 503]).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        err.api_message(),
        Some("failure 2"),
        "the last answer's message"
    );
    assert_eq!(
        err.to_string(),
        "GET /api/v1/widgets/<widget_id>: 503 Service Unavailable: failure 2 (UNAVAILABLE) (after 3 attempts)"
    );
    assert_eq!(server.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn max_attempts_is_configurable_and_one_disables_retries() {
    let server = scripted(&[503, 503, 503, 503, 503]).await;
    let client = server
        .builder()
        .retry_policy(RetryPolicy::default().max_attempts(5))
        .build()
        .unwrap();
    assert_eq!(client.get_widget("w").await.unwrap_err().attempts(), 5);

    let server = scripted(&[503]).await;
    let client = server
        .builder()
        .retry_policy(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(
        (err.status(), err.attempts(), server.count()),
        (Some(503), 1, 1)
    );
    assert!(!err.to_string().contains("attempts"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn backoff_is_jittered_below_the_doubling_ceiling() {
    let server = scripted(&[500, 500]).await;
    let started = Instant::now();
    server.client().get_widget("w").await.unwrap();
    // Full jitter: at most 200 ms + 400 ms.
    assert!(
        started.elapsed() <= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => respond(&mut s, 429, &[("retry-after", "1")], b"{}").await,
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    let started = Instant::now();
    server.client().get_widget("w").await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_millis(1100), "{waited:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_and_http_dates_are_honoured() {
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => respond(&mut s, 503, &[("retry-after-ms", "2500")], b"{}").await,
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    let started = Instant::now();
    server.client().get_widget("w").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );

    // An HTTP date in the past means "now".
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => {
                let date = [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")];
                respond(&mut s, 503, &date, b"{}").await;
            }
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    let started = Instant::now();
    server.client().get_widget("w").await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_capped_at_max_backoff() {
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => respond(&mut s, 429, &[("retry-after", "3600")], b"{}").await,
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    let client = server
        .builder()
        .retry_policy(RetryPolicy::default().max_backoff(Duration::from_secs(2)))
        .timeout(Duration::from_secs(7200))
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_widget("w").await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_millis(2100),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_retry_when_the_wait_would_pass_the_call_deadline() {
    let server = Server::start(|_, _, mut s| async move {
        let body = br#"{"code":8,"message":"slow down"}"#;
        respond(&mut s, 429, &[("retry-after", "10")], body).await;
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_widget("w").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(10),
        "gave up at once"
    );
    assert_eq!((err.status(), err.attempts()), (Some(429), 1));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(10)));
    assert_eq!(err.api_message(), Some("slow down"));
}

#[tokio::test(start_paused = true)]
async fn other_client_errors_are_never_retried() {
    let server = scripted_by_path().await;
    let client = server.client();
    for status in [400, 401, 403, 404, 409, 412, 422, 501] {
        let script = status.to_string();
        let err = client.get_widget(&script).await.unwrap_err();
        assert_eq!((err.status(), err.attempts()), (Some(status), 1));
        assert_eq!(count_for(&server, &script), 1, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn post_and_patch_are_retried_only_when_the_server_did_not_act() {
    let server = scripted_by_path().await;
    let client = server.client();
    let body = json!({"name": "gear"});
    for status in [500, 502, 504] {
        let post = format!("{status}_post");
        let err = client.create_widget(&post, &body).await.unwrap_err();
        assert_eq!((err.status(), err.attempts()), (Some(status), 1));
        assert_eq!(count_for(&server, &post), 1, "POST {status}");
        let patch = format!("{status}_patch");
        let err = client.patch_widget(&patch, &body).await.unwrap_err();
        assert_eq!((err.status(), err.attempts()), (Some(status), 1));
        assert_eq!(count_for(&server, &patch), 1, "PATCH {status}");
        // PUT and DELETE are idempotent: retried.
        let put = format!("{status}_put");
        client.put_widget(&put, &body).await.unwrap();
        assert_eq!(count_for(&server, &put), 2, "PUT {status}");
        let delete = format!("{status}_delete");
        client.delete_widget(&delete).await.unwrap();
        assert_eq!(count_for(&server, &delete), 2, "DELETE {status}");
    }
    for status in [429, 503] {
        for (method, id) in [
            ("POST", format!("{status}-{status}_post")),
            ("PATCH", format!("{status}_patch")),
        ] {
            if method == "POST" {
                client.create_widget(&id, &body).await.unwrap();
            } else {
                client.patch_widget(&id, &body).await.unwrap();
            }
            let requests: Vec<_> = server
                .requests()
                .into_iter()
                .filter(|r| r.target.ends_with(&id))
                .collect();
            assert_eq!(
                requests.len(),
                if method == "POST" { 3 } else { 2 },
                "{method} {status}"
            );
            assert!(
                requests
                    .iter()
                    .all(|r| r.method == method && r.body == requests[0].body)
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_even_for_post() {
    let addr = support::refused_addr().await;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .bearer_token("tok")
        .build()
        .unwrap();
    let err = client.create_widget("w", &json!({})).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 3);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "POST /api/v1/widgets/<widget_id>: could not connect to {addr}: "
        )),
        "the message names the host and port it tried: {text}"
    );
    assert!(text.ends_with(" (after 3 attempts)"), "{text}");
}

/// A refused HTTP/2 stream was not processed, so even a POST is sent again;
/// c1 alone retries it (reqwest's own retry is off): each stream the
/// server saw is one counted attempt.
#[tokio::test(start_paused = true)]
async fn a_refused_http2_stream_is_retried_even_for_post() {
    let (base, streams) = support::refusing_h2_server(1).await;
    let created = support::h2_client(base)
        .create_widget("w", &json!({}))
        .await
        .unwrap();
    assert_eq!(created, json!({"ok": true}));
    assert_eq!(streams.load(Ordering::SeqCst), 2);

    let (base, streams) = support::refusing_h2_server(usize::MAX).await;
    let err = support::h2_client(base)
        .create_widget("w", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.attempts(), 3);
    assert_eq!(streams.load(Ordering::SeqCst), 3, "one stream per attempt");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "POST /api/v1/widgets/<widget_id>: the server refused the request without acting on it: "
        ),
        "{text}"
    );
}

/// A stream a graceful `GOAWAY` says the server never processed is sent
/// again, POST included, on a new connection.
#[tokio::test(start_paused = true)]
async fn a_stream_a_graceful_goaway_left_unprocessed_is_retried_even_for_post() {
    let (base, streams) = support::going_away_h2_server(Vec::new()).await;
    let created = support::h2_client(base)
        .create_widget("w", &json!({}))
        .await
        .unwrap();
    assert_eq!(created, json!({"ok": true}));
    assert_eq!(
        streams.load(Ordering::SeqCst),
        1,
        "one stream on the second connection"
    );
}

#[tokio::test(start_paused = true)]
async fn connection_reset_mid_body_is_a_transport_error() {
    let server = Server::start(|_, _, mut s| async move {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(br#"{"parts": ["#).await.unwrap();
        s.flush().await.unwrap();
        // Closing with SO_LINGER 0 sends a TCP RST.
        s.set_zero_linger().unwrap();
        drop(s);
    })
    .await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status(), None);
    assert_eq!(
        err.attempts(),
        3,
        "GET is retried after a broken connection"
    );
    assert!(err.to_string().contains("the connection failed"), "{err}");

    // POST is not: the server may have acted on it.
    let err = server
        .client()
        .create_widget("w", &json!({}))
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.attempts()), (ErrorKind::Transport, 1));
    assert_eq!(server.count(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_hits_the_attempt_timeout() {
    let server = Server::start(|_, _, s| support::stall(s, Duration::from_secs(3600))).await;
    let client = server
        .builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_widget("w").await.unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.timeout(), Some(TimeoutKind::Attempt));
    assert!(err.is_timeout());
    assert!(
        waited >= Duration::from_secs(30) && waited < Duration::from_millis(30_100),
        "the default attempt timeout is 30 s: {waited:?}"
    );
    assert_eq!(
        err.to_string(),
        "GET /api/v1/widgets/<widget_id>: the per-attempt timeout of 30s expired"
    );
}

/// A client kept across runtimes (a `static` client shared by
/// `#[tokio::test]`s, say) enforces its timeouts on each of them, also after
/// the runtime that first used it is gone.
#[test]
fn a_client_used_on_one_runtime_after_another_still_times_out() {
    let servers = tokio::runtime::Runtime::new().unwrap();
    let server = servers.block_on(Server::start(|_, _, s| {
        support::stall(s, Duration::from_secs(3600))
    }));
    let client = server
        .builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    for _ in 0..2 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let started = Instant::now();
            let call = tokio::time::timeout(Duration::from_secs(3600), client.get_widget("w"));
            let err = call.await.expect("the call hung").unwrap_err();
            assert_eq!(err.timeout(), Some(TimeoutKind::Attempt), "{err}");
            assert_eq!(started.elapsed(), Duration::from_secs(30));
        });
    }
}

#[tokio::test(start_paused = true)]
async fn retried_attempt_timeouts_end_at_the_call_deadline() {
    let server = Server::start(|_, _, s| support::stall(s, Duration::from_secs(3600))).await;
    let started = Instant::now();
    let err = server.client().get_widget("w").await.unwrap_err();
    let waited = started.elapsed();
    // 30 s, a backoff below 200 ms, then the 60 s call deadline cuts attempt 2.
    assert_eq!(err.timeout(), Some(TimeoutKind::Call), "{err}");
    assert_eq!(err.attempts(), 2);
    assert!(
        waited >= Duration::from_secs(60) && waited < Duration::from_millis(60_100),
        "{waited:?}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn attempt_and_call_timeouts_are_configurable() {
    let server = Server::start(|_, _, s| support::stall(s, Duration::from_secs(3600))).await;
    let client = server
        .builder()
        .attempt_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(10)
                .base_backoff(Duration::ZERO),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.timeout(), Some(TimeoutKind::Call));
    assert_eq!(err.attempts(), 3, "2 s + 2 s + 1 s");
    assert!(started.elapsed() < Duration::from_millis(5_100));
}

#[tokio::test(start_paused = true)]
async fn a_body_slower_than_the_call_deadline_is_cut() {
    let server = Server::start(|_, _, mut s| async move {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
        s.write_all(head.as_bytes()).await.unwrap();
        for _ in 0..100 {
            if s.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.timeout(), Some(TimeoutKind::Call), "{err}");
    assert_eq!(err.attempts(), 1);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(10) && waited < Duration::from_millis(10_100),
        "{waited:?}"
    );
    assert_eq!(
        err.to_string(),
        "GET /api/v1/widgets/<widget_id>: the call timeout of 10s expired"
    );
}

/// A server streaming a 100 MiB body; reports how many body bytes it wrote
/// before the client went away.
async fn huge_body_server(
    content_length: bool,
) -> (Server, Arc<AtomicUsize>, oneshot::Receiver<usize>) {
    const SIZE: usize = 100 * 1024 * 1024;
    let written = Arc::new(AtomicUsize::new(0));
    let (done_tx, done_rx) = oneshot::channel();
    let done_tx = Arc::new(std::sync::Mutex::new(Some(done_tx)));
    let counter = written.clone();
    let server = Server::start(move |_, _, mut s| {
        let (counter, done_tx) = (counter.clone(), done_tx.clone());
        async move {
            let head = if content_length {
                format!("HTTP/1.1 200 OK\r\ncontent-length: {SIZE}\r\n\r\n")
            } else {
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
            };
            s.write_all(head.as_bytes()).await.unwrap();
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < SIZE {
                let ok = if content_length {
                    s.write_all(&chunk).await.is_ok()
                } else {
                    let framed =
                        [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                    s.write_all(&framed).await.is_ok()
                };
                if !ok {
                    break;
                }
                sent += chunk.len();
                counter.store(sent, Ordering::SeqCst);
            }
            if let Some(tx) = done_tx.lock().unwrap().take() {
                let _ = tx.send(sent);
            }
        }
    })
    .await;
    (server, written, done_rx)
}

#[tokio::test]
async fn a_100_mib_body_with_content_length_is_refused_before_reading_it() {
    let (server, _, done) = huge_body_server(true).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert_eq!(err.attempts(), 1, "not retried");
    assert!(
        err.to_string().contains("104857600 bytes (Content-Length)"),
        "{err}"
    );
    let sent = done.await.unwrap();
    assert!(
        sent < 16 * 1024 * 1024,
        "the client hung up early: the server wrote {sent} bytes"
    );
}

#[tokio::test]
async fn a_100_mib_streamed_body_is_refused_at_the_limit() {
    let (server, written, done) = huge_body_server(false).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let at_error = written.load(Ordering::SeqCst);
    assert!(
        at_error < 64 * 1024 * 1024,
        "the call returned before the server finished: {at_error}"
    );
    let sent = done.await.unwrap();
    assert!(
        sent < 100 * 1024 * 1024,
        "the client closed the connection: the server wrote {sent} bytes"
    );
    assert!(
        err.to_string()
            .ends_with("the response body exceeds the limit of 33554432 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn the_size_limit_is_configurable() {
    let server = Server::always(200, r#"{"name":"a widget with a long name"}"#).await;
    let client = server.builder().max_response_size(16).build().unwrap();
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    let client = server.builder().max_response_size(1024).build().unwrap();
    client.get_widget("w").await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn garbage_instead_of_http_is_a_transport_error() {
    let server = Server::start(|_, _, mut s| async move {
        let _ = s
            .write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe garbage\r\n\r\n")
            .await;
        let _ = s.shutdown().await;
    })
    .await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status(), None);
    assert!(
        err.to_string()
            .starts_with("GET /api/v1/widgets/<widget_id>: "),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_not_retried() {
    let server = Server::always(200, r#"{"id": "w", "parts": [1, 2"#).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("EOF while parsing"), "{err}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_an_error_not_a_stack_overflow() {
    let deep: &'static str = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).leak();
    let server = Server::always(200, deep).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("recursion limit exceeded"),
        "{err}"
    );
    // Also as an error body, which is parsed for a google.rpc.Status.
    let server = Server::always(400, deep).await;
    let err = server.client().get_widget("w").await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.body_snippet().unwrap().starts_with("[[[["));
    // An endpoint that answers nothing (`Result<()>`) takes an object and
    // skips its members without recursing, however deep; an array is not
    // an object.
    let server = Server::always(200, deep).await;
    let err = server.client().delete_widget("w").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    let wrapped: &'static str = format!("{{\"a\":{deep}}}").leak();
    let server = Server::always(200, wrapped).await;
    server.client().delete_widget("w").await.unwrap();
}

/// A server with a token endpoint (`/auth/v1/token`, tokens `token-number-1`, ...)
/// that answers the API with `api(n)` for its `n`th API request.
async fn token_server(api: fn(usize) -> u16) -> (Server, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (tokens, calls) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (t, c) = (tokens.clone(), calls.clone());
    let server = Server::start(move |_, request, mut s| {
        let (t, c) = (t.clone(), c.clone());
        async move {
            if request.target.starts_with("/auth/v1/token") {
                let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                let body = format!(r#"{{"access_token":"token-number-{n}","token_type":"Bearer","expires_in":600}}"#);
                respond(&mut s, 200, &[], body.as_bytes()).await;
            } else {
                let n = c.fetch_add(1, Ordering::SeqCst);
                let status = api(n);
                let body = format!(r#"{{"code":16,"message":"{}"}}"#, request.header("authorization").unwrap_or("none"));
                respond(&mut s, status, &[], if status == 200 { b"{}" } else { body.as_bytes() }).await;
            }
        }
    })
    .await;
    (server, tokens, calls)
}

async fn credentials_client(server: &Server) -> Client {
    let fake = c1_fake::FakeC1::start().await;
    let creds = fake.credentials().clone();
    Client::builder()
        .base_url(server.url())
        .client_credentials(creds.client_id, creds.client_secret)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_401_fetches_a_fresh_token_and_retries_once() {
    let (server, tokens, calls) = token_server(|n| if n == 0 { 401 } else { 200 }).await;
    let client = credentials_client(&server).await;
    // POST: the extra attempt is allowed whatever the method.
    client.create_widget("w", &json!({})).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let auth: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.target.starts_with("/api/"))
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["Bearer token-number-1", "Bearer token-number-2"]);
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let (server, tokens, calls) = token_server(|_| 401).await;
    let client = credentials_client(&server).await;
    let err = client.get_widget("w").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.attempts(), 2);
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // The server echoed the token in its message: it is redacted.
    assert!(!err.to_string().contains("token-number"), "{err}");
    assert!(err.to_string().contains("Bearer [redacted]"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn the_401_retry_does_not_count_against_the_retry_policy() {
    let (server, tokens, calls) = token_server(|n| match n {
        0 => 401,
        1 | 2 => 503,
        _ => 200,
    })
    .await;
    let client = credentials_client(&server).await;
    client.get_widget("w").await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 4, "401 + 3 attempts");
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn unbounded_durations_do_not_overflow() {
    let server = Server::start(|n, _, mut s| async move {
        match n {
            0 => {
                respond(
                    &mut s,
                    503,
                    &[("retry-after", "18446744073709551615")],
                    b"{}",
                )
                .await
            }
            _ => respond(&mut s, 200, &[], b"{}").await,
        }
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry_policy(
            RetryPolicy::default()
                .base_backoff(Duration::MAX)
                .max_backoff(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_widget("w").await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_connect_that_hangs_hits_the_connect_timeout_and_is_retried_even_for_post() {
    let Some((addr, _held, _listener)) = support::full_backlog() else {
        panic!("this OS does not leave connections to a full backlog pending");
    };
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .bearer_token("tok")
        .retry_policy(RetryPolicy::default().base_backoff(Duration::ZERO))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.create_widget("w", &json!({})).await.unwrap_err();
    assert_eq!(err.timeout(), Some(TimeoutKind::Connect), "{err}");
    assert!(err.is_timeout() && err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 3, "nothing was sent: safe to retry a POST");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(30) && waited < Duration::from_millis(30_100),
        "{waited:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "POST /api/v1/widgets/<widget_id>: could not connect to {addr} within the connect timeout of 10s (after 3 attempts)"
        )
    );
}
