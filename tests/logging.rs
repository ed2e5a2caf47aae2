//! What a user sees with `RUST_LOG=c1=debug` (issue 12): one event per
//! finished call, one per token fetch, one per retry; no field twice on a
//! line; nothing secret.

mod support;

use c1::{Client, ConnectorOwnersV2, RetryPolicy};
use c1_fake::FakeC1;
use support::{Logs, Widgets};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;

/// Tracing caches per callsite whether any subscriber wants it: with two
/// subscribers of different levels alive at once, one's "always" can reach
/// the other. The tests here take turns, each with its own subscriber.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` on a current-thread runtime (the tests' `#[tokio::test]`, with
/// the turn taken outside it).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A client signing in to `fake` with client credentials, after one call
/// that was answered 503, retried and answered 200.
async fn one_retried_call(fake: &FakeC1) -> Client {
    let creds = fake.credentials();
    let client = Client::builder()
        .base_url(fake.base_url())
        .client_credentials(&creds.client_id, &creds.client_secret)
        .build()
        .unwrap();
    fake.fail_next(&[503]);
    client
        .get_user_owner("app-1", "conn-1", "owner", "user-1")
        .await
        .unwrap();
    client
}

/// The `key=` names of a formatted line, span fields included.
fn keys(line: &str) -> Vec<String> {
    line.split([' ', '{', ','])
        .filter_map(|word| word.split_once('=').map(|(k, _)| k.to_owned()))
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

#[test]
fn debug_shows_each_call_retry_and_token_fetch_once() {
    let _serial = serial();
    let logs = Logs::default();
    // What `RUST_LOG=c1=debug` selects, with the default `fmt` format.
    let _default = logs.capture(
        Targets::new().with_target("c1", LevelFilter::DEBUG),
        FmtSpan::NONE,
    );
    block_on(async {
        let fake = FakeC1::start().await;
        let creds = fake.credentials().clone();
        let client = one_retried_call(&fake).await;
        client
            .get_user_owner("app-1", "conn-1", "owner", "no-such-user")
            .await
            .unwrap_err();

        let lines = logs.lines();
        let with = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
        assert_eq!(with("fetched an access token"), 1, "{lines:#?}");
        assert_eq!(with("retrying"), 1, "{lines:#?}");
        assert_eq!(with("call finished"), 1, "{lines:#?}");
        assert_eq!(with("call failed"), 1, "{lines:#?}");
        assert_eq!(lines.len(), 4, "nothing else at DEBUG: {lines:#?}");

        let finished = lines.iter().find(|l| l.contains("call finished")).unwrap();
        for field in [
            "DEBUG",
            "method=\"GET\"",
            "path=\"/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>\"",
            "status=200",
            "attempts=2",
            "elapsed_ms=",
        ] {
            assert!(finished.contains(field), "{field} in {finished}");
        }
        let failed = lines.iter().find(|l| l.contains("call failed")).unwrap();
        assert!(
            failed.contains("status=404") && failed.contains("attempts=1"),
            "{failed}"
        );
        let retry = lines.iter().find(|l| l.contains("retrying")).unwrap();
        assert!(
            retry.contains("status=503") && retry.contains("wait_ms="),
            "{retry}"
        );

        for line in &lines {
            let mut keys = keys(line);
            let count = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), count, "a field printed twice: {line}");
            for secret in ["Bearer", "no-such-user", "user-1", &creds.client_secret] {
                assert!(!line.contains(secret), "{secret:?} in {line}");
            }
        }
    });
}

/// `RUST_LOG=info` with span events on shows nothing of c1: its span is at
/// `DEBUG` like its events (it was an `INFO` span: a line per poll).
#[test]
fn info_shows_nothing_of_c1_even_with_span_events() {
    let _serial = serial();
    let logs = Logs::default();
    let _default = logs.capture(
        Targets::new().with_default(LevelFilter::INFO),
        FmtSpan::FULL,
    );
    block_on(async {
        let fake = FakeC1::start().await;
        one_retried_call(&fake).await;
        let lines = logs.lines();
        let c1: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains("c1.request") || l.contains(" c1: "))
            .collect();
        assert!(c1.is_empty(), "{c1:#?}");
    });
}

/// Everything at `TRACE`, on every target, while a hostile HTTP/2 server
/// echoes the token in a `GOAWAY` frame's debug data: no event or span of
/// c1's own carries it. h2 itself logs that frame, debug data included, at
/// `DEBUG`: c1 cannot stop another crate's events, so the README says to keep
/// the HTTP crates at `INFO`; with that filter no line carries the token.
#[test]
fn at_trace_c1s_own_events_never_carry_the_token() {
    let _serial = serial();
    const TOKEN: &str = "tok-SECRET-trace-5b1d/77aa";
    let debug_data = format!("Authorization: Bearer {TOKEN}").into_bytes();
    for (filter, whole) in [
        (Targets::new().with_default(LevelFilter::TRACE), false),
        (
            // The README's advice: everything at TRACE but the HTTP crates.
            Targets::new()
                .with_default(LevelFilter::TRACE)
                .with_target("h2", LevelFilter::INFO)
                .with_target("hyper", LevelFilter::INFO)
                .with_target("hyper_util", LevelFilter::INFO)
                .with_target("reqwest", LevelFilter::INFO)
                .with_target("rustls", LevelFilter::INFO),
            true,
        ),
    ] {
        let logs = Logs::default();
        let _default = logs.capture(filter, FmtSpan::FULL);
        block_on(async {
            let (base, _) = support::going_away_h2_server(debug_data.clone()).await;
            let client = Client::builder()
                .base_url(base)
                .bearer_token(TOKEN)
                .retry_policy(RetryPolicy::disabled())
                .configure_http(|b| b.http2_prior_knowledge())
                .build()
                .unwrap();
            client.get_widget("w").await.unwrap_err();
            let lines = logs.lines();
            let c1: Vec<&String> = lines
                .iter()
                .filter(|l| l.contains("c1.request") || l.contains(" c1: "))
                .collect();
            assert!(!c1.is_empty(), "c1 logged nothing at TRACE: {lines:#?}");
            for line in if whole { lines.iter().collect() } else { c1 } {
                assert!(!line.contains(TOKEN), "the token in: {line}");
                assert!(!line.contains("Bearer"), "a credential in: {line}");
            }
        });
    }
}
