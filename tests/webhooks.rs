//! ConductorOne's webhooks against c1-fake over loopback HTTP: the fake
//! signs and delivers as the tenant does and serves its JWKS; the verifier
//! fetches that JWKS through a `c1::Client` pointed at the fake. Every check
//! fails a forged delivery and passes a real one; keys rotate mid-run;
//! answers go back synchronously and through callbacks; inbound webhooks
//! trigger the fake's listeners.

#![cfg(feature = "webhooks")]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use c1::webhooks::{
    Answer, AnswerError, CallbackError, CallbackUrl, Check, Delivery, Event, EventId,
    InboundWebhook, JwtKey, TokenVerifier, Verifier, http, refusal,
};
use c1::{Client, ErrorKind, RetryPolicy};
use c1_fake::FakeC1;
use c1_fake::webhooks::{Algorithm, DeliveryRequest, Outcome, TestKey, WebhookEvent};
use serde_json::{Value, json};
use support::{Logs, everything_said};

/// The URL the receiver is configured with: what the fake calls.
const RECEIVER: &str = "http://127.0.0.1:9/c1/webhook";

fn client_of(fake: &FakeC1) -> Client {
    fake.add_bearer_token("api-token");
    Client::builder()
        .base_url(fake.base_url())
        .bearer_token("api-token")
        .retry_policy(RetryPolicy::new().base_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn task(fake: &FakeC1) -> Value {
    fake.object("c1.api.task.v1.Task", "task-1")
        .expect("the default tenant's task-1")
}

async fn verify(verifier: &Verifier, request: &DeliveryRequest) -> Result<Delivery, Check> {
    verifier
        .verify(&request.to_http())
        .await
        .map_err(|e| e.check())
}

#[tokio::test]
async fn a_real_delivery_verifies_and_is_typed() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let verifier = Verifier::new(&client, RECEIVER).unwrap();
    let hooks = fake.webhooks();
    let mut outgoing = hooks.delivery(RECEIVER, WebhookEvent::policy_approval_step(task(&fake)));
    let delivery = verify(&verifier, &outgoing.request()).await.unwrap();

    assert_eq!(delivery.webhook_id(), outgoing.webhook_id());
    assert_eq!(delivery.event_type(), c1::webhooks::POLICY_APPROVAL_STEP);
    assert_eq!(delivery.version(), "v1");
    let Event::PolicyApprovalStep(step) = delivery.event() else {
        panic!("{:?}", delivery.event());
    };
    let task = step
        .task_view
        .as_ref()
        .and_then(|v| v.task.as_ref())
        .unwrap();
    assert_eq!(task.id.as_deref(), Some("task-1"));
    assert_eq!(
        delivery.event().task_view().and_then(|v| v.task.as_ref()),
        Some(task)
    );
    assert_eq!(
        delivery.token().kid.as_deref(),
        Some(hooks.signing_key().kid())
    );
    assert!(delivery.callback_url().is_some());
    // The callback URL carries its own token: Debug never shows it.
    let debug = format!("{delivery:?}");
    assert!(!debug.contains("/callback/"), "{debug}");
    assert!(debug.contains("CallbackUrl([redacted])"), "{debug}");
    // One JWKS fetch, through the client, without the API token.
    assert_eq!(hooks.jwks_requests(), 1);
    let jwks = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/auth/v1/jwks")
        .unwrap();
    assert_eq!(jwks.header("authorization"), None);
}

#[tokio::test]
async fn every_event_type_is_typed_and_an_unknown_one_kept() {
    let fake = FakeC1::start().await;
    let verifier = Verifier::new(&client_of(&fake), RECEIVER).unwrap();
    let hooks = fake.webhooks();
    let events = [
        (WebhookEvent::test(), "Test"),
        (WebhookEvent::provision_step(task(&fake)), "ProvisionStep"),
        (
            WebhookEvent::policy_post_action(task(&fake)),
            "PolicyPostAction",
        ),
        (
            WebhookEvent::workflow_step("wf-1", 42, json!({"user": "u-1"})),
            "WorkflowStep",
        ),
        (
            WebhookEvent::new(
                "c1.webhooks.v1.PayloadFindingDispatch",
                json!({"findingId": "f-1"}),
            ),
            "FindingDispatch",
        ),
        (
            WebhookEvent::new("c1.webhooks.v1.PayloadSomethingNew", json!({"x": 1})),
            "Other",
        ),
    ];
    for (event, kind) in events {
        let delivery = verify(&verifier, &hooks.delivery(RECEIVER, event).request())
            .await
            .unwrap();
        let debug = format!("{:?}", delivery.event());
        assert!(debug.starts_with(kind), "{kind}: {debug}");
        match delivery.event() {
            Event::WorkflowStep(step) => {
                assert_eq!(step.workflow_execution_id, Some(42));
                assert_eq!(step.context.as_ref().unwrap()["user"], "u-1");
            }
            Event::Other {
                event_type,
                payload,
            } => {
                assert_eq!(event_type, "c1.webhooks.v1.PayloadSomethingNew");
                assert_eq!(payload["x"], 1);
            }
            _ => {}
        }
    }
}

/// Each forgery fails the check it targets; the real delivery beside it passes.
#[tokio::test]
async fn every_check_fails_a_forged_delivery() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let verifier = Verifier::new(&client, RECEIVER).unwrap();
    let hooks = fake.webhooks();
    let event = || WebhookEvent::policy_approval_step(json!({"id": "task-1"}));
    let real = || hooks.delivery(RECEIVER, event());
    let kid = hooks.signing_key().kid().to_owned();
    let stranger = TestKey::generate(Algorithm::Es256);
    let public_jwk = hooks.signing_key().public_jwk().to_string();
    let t = now();

    let forgeries: Vec<(&str, DeliveryRequest, Check)> = vec![
        ("a key not in the JWKS, under the tenant's kid", real().signed_by(&stranger.clone().with_kid(kid.clone())).request(), Check::Signature),
        ("a key not in the JWKS, under its own kid", real().signed_by(&stranger).request(), Check::Key),
        ("alg swapped to EdDSA on an ES256 signature", real().header(json!({"alg": "EdDSA"})).request(), Check::Key),
        ("alg swapped to RS256", real().header(json!({"alg": "RS256"})).request(), Check::Key),
        ("alg ES384", real().header(json!({"alg": "ES384"})).request(), Check::Algorithm),
        ("HS256 keyed with the tenant's public JWK", real().hs256(public_jwk.as_bytes()).request(), Check::Algorithm),
        ("alg none", real().unsigned().request(), Check::Algorithm),
        ("a crit header", real().header(json!({"crit": ["b64"], "b64": false})).request(), Check::Algorithm),
        ("another issuer", real().claims(json!({"iss": "evil.example"})).request(), Check::Issuer),
        ("no issuer", real().claims(json!({"iss": null})).request(), Check::Issuer),
        ("another audience", real().claims(json!({"aud": "evil.example"})).request(), Check::Audience),
        ("sent to another URL", hooks.delivery("http://127.0.0.1:9/other", event()).request(), Check::Url),
        ("htm GET", real().claims(json!({"htm": "GET"})).request(), Check::HttpMethod),
        ("c1typ of another token", real().claims(json!({"c1typ": "at"})).request(), Check::Type),
        ("no c1typ", real().claims(json!({"c1typ": null})).request(), Check::Type),
        ("expired", real().claims(json!({"iat": t - 600, "nbf": t - 660, "exp": t - 480})).request(), Check::Expired),
        ("no exp", real().claims(json!({"exp": null})).request(), Check::Expired),
        ("not yet valid", real().claims(json!({"iat": t + 120, "nbf": t + 60, "exp": t + 240})).request(), Check::NotYetValid),
        ("valid for a day", real().claims(json!({"exp": t + 86_400})).request(), Check::Lifetime),
        ("a changed body", real().body(br#"{"version":"v1","webhookId":"x","event":"c1.webhooks.v1.PayloadTest","payload":{}}"#.to_vec()).request(), Check::BodyHash),
        ("htb_s256 of another body", real().claims(json!({"htb_s256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})).request(), Check::BodyHash),
        ("no jti", real().claims(json!({"jti": null})).request(), Check::Token),
        ("a kid that is a number", real().header(json!({"kid": 7})).request(), Check::Token),
    ];
    for (what, request, check) in forgeries {
        assert_eq!(
            verify(&verifier, &request).await.err(),
            Some(check),
            "{what}"
        );
    }

    // The headers: Content-Digest changed or missing, no token, another method.
    let mut request = real().request();
    for (name, value) in &mut request.headers {
        if name == "content-digest" {
            *value = "sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into();
        }
    }
    assert_eq!(
        verify(&verifier, &request).await.err(),
        Some(Check::ContentDigest)
    );
    let mut request = real().request();
    request.headers.retain(|(n, _)| n != "content-digest");
    assert_eq!(
        verify(&verifier, &request).await.err(),
        Some(Check::ContentDigest)
    );
    let mut request = real().request();
    request.headers.retain(|(n, _)| n != "authorization");
    assert_eq!(verify(&verifier, &request).await.err(), Some(Check::Token));
    let mut request = real().request();
    request.headers[0].1 = "bearer not.a.jws".into();
    assert_eq!(verify(&verifier, &request).await.err(), Some(Check::Token));
    let request = real().request();
    let mut get = request.to_http();
    *get.method_mut() = http::Method::GET;
    let refused = verifier.verify(&get).await.unwrap_err();
    assert_eq!((refused.check(), refused.status()), (Check::Method, 405));

    // Replayed: the same request twice (a new token per attempt is the real thing).
    let mut outgoing = real();
    let first = outgoing.request();
    verify(&verifier, &first).await.unwrap();
    assert_eq!(verify(&verifier, &first).await.err(), Some(Check::Replayed));
    verify(&verifier, &outgoing.request()).await.unwrap();

    // Signed correctly, but not a delivery.
    let no_id = real().envelope(json!({"webhookId": null})).request();
    let refused = verifier.verify(&no_id.to_http()).await.unwrap_err();
    assert_eq!((refused.check(), refused.status()), (Check::Body, 400));

    // No error quotes the token.
    let request = real().claims(json!({"aud": "evil.example"})).request();
    let token = request.token().unwrap().to_owned();
    let refused = verifier.verify(&request.to_http()).await.unwrap_err();
    for shown in [refused.to_string(), format!("{refused:?}")] {
        assert!(!shown.contains(&token) && !shown.contains("eyJ"), "{shown}");
    }
    assert_eq!(
        refused.to_string(),
        "webhook delivery refused: the token's `aud` does not name this receiver's host"
    );
    // The forgeries with unknown kids refetched the JWKS at most once: the
    // first delivery fetched it, and one minute has not passed.
    assert!(hooks.jwks_requests() <= 2, "{}", hooks.jwks_requests());
}

#[tokio::test]
async fn keys_rotate_mid_run() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let interval = Duration::from_secs(1);
    let verifier = Verifier::from(
        TokenVerifier::builder(&client, RECEIVER)
            .refetch_interval(interval)
            .build()
            .unwrap(),
    );
    let hooks = fake.webhooks();
    let deliver = || hooks.delivery(RECEIVER, WebhookEvent::test()).request();
    // Made beforehand: an RSA key takes a while, and the interval is short.
    let keys = [Algorithm::EdDsa, Algorithm::Rs256, Algorithm::Es256].map(TestKey::generate);
    verify(&verifier, &deliver()).await.unwrap();
    assert_eq!(hooks.jwks_requests(), 1);

    for new in keys {
        let alg = new.algorithm();
        let old = hooks.signing_key();
        hooks.rotate_to(&new);
        // The last fetch was less than the interval ago: the new kid is unknown.
        let early = deliver();
        let fetched = hooks.jwks_requests();
        assert_eq!(
            verify(&verifier, &early).await.err(),
            Some(Check::Key),
            "{alg:?}"
        );
        assert_eq!(
            hooks.jwks_requests(),
            fetched,
            "no fetch within the interval"
        );
        tokio::time::sleep(interval + Duration::from_millis(50)).await;
        // Now the unknown kid is fetched, once, and both keys verify.
        let delivery = verify(&verifier, &deliver()).await.unwrap();
        assert_eq!(delivery.token().kid.as_deref(), Some(new.kid()));
        assert_eq!(delivery.token().algorithm.as_str(), alg.as_str());
        assert_eq!(hooks.jwks_requests(), fetched + 1);
        let by_old = hooks
            .delivery(RECEIVER, WebhookEvent::test())
            .signed_by(&old)
            .request();
        verify(&verifier, &by_old).await.unwrap();
    }

    // A withdrawn key stops verifying once the JWKS is fetched again.
    let verifier = Verifier::from(
        TokenVerifier::builder(&client, RECEIVER)
            .jwks_max_age(Duration::ZERO)
            .refetch_interval(Duration::ZERO)
            .build()
            .unwrap(),
    );
    let old = hooks.signing_key();
    hooks.rotate_key(Algorithm::EdDsa);
    assert!(hooks.retire_key(old.kid()));
    let by_old = hooks
        .delivery(RECEIVER, WebhookEvent::test())
        .signed_by(&old)
        .request();
    assert_eq!(verify(&verifier, &by_old).await.err(), Some(Check::Key));
    verify(&verifier, &deliver()).await.unwrap();
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let fake = FakeC1::start().await;
    let verifier = Verifier::new(&client_of(&fake), RECEIVER).unwrap();
    let hooks = fake.webhooks();
    // Concurrent first deliveries fetch the JWKS once.
    let requests: Vec<_> = (0..8)
        .map(|_| hooks.delivery(RECEIVER, WebhookEvent::test()).request())
        .collect();
    let results =
        futures_util::future::join_all(requests.iter().map(|r| verify(&verifier, r))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(hooks.jwks_requests(), 1);
    // A flood of tokens naming unknown keys fetches nothing more within a minute.
    for _ in 0..20 {
        let stranger = TestKey::generate(Algorithm::EdDsa);
        let forged = hooks
            .delivery(RECEIVER, WebhookEvent::test())
            .signed_by(&stranger)
            .request();
        assert_eq!(verify(&verifier, &forged).await.err(), Some(Check::Key));
    }
    assert_eq!(hooks.jwks_requests(), 1);
}

/// A token naming a key the cache lacks while the JWKS cannot be fetched
/// may be signed by a new key: 503, so the tenant retries, not 401.
#[tokio::test]
async fn a_new_key_while_the_jwks_is_unreachable_is_503() {
    let fake = FakeC1::start().await;
    let client = Client::builder()
        .base_url(fake.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let hooks = fake.webhooks();
    let served = Arc::new(std::sync::Mutex::new(Some(hooks.jwks())));
    let serving = served.clone();
    let route = fake.route("GET", "/auth/v1/jwks");
    route.handler(move |_| match serving.lock().unwrap().clone() {
        Some(jwks) => c1_fake::Reply::json(&jwks),
        None => c1_fake::Reply::new(503),
    });
    let verifier = Verifier::from(
        TokenVerifier::builder(&client, RECEIVER)
            .refetch_interval(Duration::ZERO)
            .build()
            .unwrap(),
    );
    let old = hooks.signing_key();
    let deliver = || hooks.delivery(RECEIVER, WebhookEvent::test()).request();
    verify(&verifier, &deliver()).await.unwrap();

    // The tenant rotates its key while its JWKS is out of reach.
    hooks.rotate_key(Algorithm::EdDsa);
    *served.lock().unwrap() = None;
    let refused = verifier.verify(&deliver().to_http()).await.unwrap_err();
    assert_eq!(
        (refused.check(), refused.status()),
        (Check::KeysUnavailable, 503),
        "{refused}"
    );
    assert_eq!(refused.jwks_error().unwrap().status(), Some(503));
    // The cached keys still verify what they signed.
    let by_old = hooks
        .delivery(RECEIVER, WebhookEvent::test())
        .signed_by(&old)
        .request();
    verify(&verifier, &by_old).await.unwrap();
    // The JWKS is back: the retried delivery verifies.
    *served.lock().unwrap() = Some(hooks.jwks());
    verify(&verifier, &deliver()).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_jwks_is_503_and_says_why() {
    let fake = FakeC1::start().await;
    let hooks = fake.webhooks();
    let request = hooks.delivery(RECEIVER, WebhookEvent::test()).request();
    // A tenant whose port refuses connections.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let verifier = Verifier::from(
        TokenVerifier::builder(&client, RECEIVER)
            .issuer("127.0.0.1")
            .build()
            .unwrap(),
    );
    let refused = verifier.verify(&request.to_http()).await.unwrap_err();
    assert_eq!(
        (refused.check(), refused.status()),
        (Check::KeysUnavailable, 503)
    );
    assert_eq!(refused.jwks_error().unwrap().kind(), ErrorKind::Transport);
    assert!(
        refused.to_string().starts_with(
            "webhook delivery refused: the tenant's JWKS could not be fetched: GET /auth/v1/jwks"
        ),
        "{refused}"
    );
    // The caller learns which check failed, not where the keys live.
    let response = refusal(&refused);
    assert_eq!(response.status(), 503);
    let body: Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(
        body,
        json!({"message": "webhook delivery refused: the tenant's JWKS could not be fetched"})
    );
}

/// What a refusal tells the caller: the failed check's reason, an invalid
/// answer, and nothing of any other error.
#[test]
fn refusals_say_only_what_the_caller_may_know() {
    let message = |response: http::Response<String>| {
        let body: Value = serde_json::from_str(response.body()).unwrap();
        (
            response.status().as_u16(),
            body["message"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(
        message(refusal(
            &Answer::reassign("", Vec::<String>::new()).unwrap_err()
        )),
        (
            500,
            "the answer is not valid: a reassignment must name at least one user".to_owned()
        )
    );
    let internal = std::io::Error::other("db at postgres://admin:hunter2@10.0.0.5 is down");
    assert_eq!(
        message(refusal(&internal)),
        (500, "the receiver could not handle the delivery".to_owned())
    );
}

/// A receiver on loopback at `<addr>/c1/webhook`, verifying with a verifier
/// of `client` for its own URL, then answering with `answer`. Its URL.
async fn receiver<F, Fut>(client: &Client, answer: F) -> String
where
    F: Fn(Result<Delivery, c1::webhooks::VerifyError>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = http::Response<String>> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/c1/webhook", listener.local_addr().unwrap());
    let verifier = Verifier::new(client, &url).unwrap();
    let app = axum::Router::new().route(
        "/c1/webhook",
        axum::routing::post(move |request: http::Request<axum::body::Body>| {
            let verifier = verifier.clone();
            let answer = answer.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body: Bytes = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let request = http::Request::from_parts(parts, body);
                answer(verifier.verify(&request).await).await
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// Answers a verified delivery with `answer` (or refuses it).
fn reply_with(
    answer: fn(&Delivery) -> Answer,
) -> impl Fn(Result<Delivery, c1::webhooks::VerifyError>) -> std::future::Ready<http::Response<String>>
+ Clone {
    move |verified| {
        std::future::ready(match verified {
            Ok(delivery) => delivery.reply(&answer(&delivery)).unwrap(),
            Err(refused) => c1::webhooks::refusal(&refused),
        })
    }
}

fn quick(outgoing: c1_fake::webhooks::Outgoing) -> c1_fake::webhooks::Outgoing {
    outgoing.retry_delay(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn a_policy_step_answered_at_once_over_http() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let url = receiver(
        &client,
        reply_with(|_| Answer::approve("within policy").unwrap()),
    )
    .await;
    let hooks = fake.webhooks();
    let report = hooks
        .delivery(&url, WebhookEvent::policy_approval_step(task(&fake)))
        .send()
        .await;
    assert_eq!(report.outcome, Outcome::Answered);
    assert_eq!(report.attempts.len(), 1);
    assert_eq!(report.attempts[0].status, Some(200));
    assert_eq!(
        report.document(),
        Some(&json!({"version": "v1", "approve": {"comment": "within policy"}}))
    );
    assert_eq!(hooks.deliveries(), [report]);
}

#[tokio::test]
async fn a_provisioning_step_answered_later_through_its_callback() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let answered = client.clone();
    let url = receiver(&client, move |verified| {
        let client = answered.clone();
        async move {
            let delivery = verified.unwrap();
            // Accept now, provision in the background, answer through the callback.
            tokio::spawn(async move {
                let done = Answer::complete("account created").unwrap();
                delivery.answer_later(&client, &done).await.unwrap();
                // Single use: a second answer is refused by the tenant.
                let again = delivery.answer_later(&client, &done).await.unwrap_err();
                assert!(again.is_used_or_expired(), "{again}");
                assert_eq!(again.error().unwrap().status(), Some(400));
            });
            c1::webhooks::accepted()
        }
    })
    .await;
    let hooks = fake.webhooks();
    let outgoing = hooks.delivery(&url, WebhookEvent::provision_step(task(&fake)));
    let webhook_id = outgoing.webhook_id().to_owned();
    let report = outgoing.send().await;
    assert_eq!(report.outcome, Outcome::Accepted);
    assert_eq!(report.attempts[0].status, Some(202));
    let document = hooks
        .wait_for_callback(&webhook_id, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        document,
        json!({"version": "v1", "complete": {"comment": "account created"}})
    );
    // Wait for the second (refused) callback too.
    for _ in 0..200 {
        if hooks.callbacks().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let callbacks = hooks.callbacks();
    let statuses: Vec<u16> = callbacks.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [200, 400]);
    // The callback never carries the API credential.
    assert!(callbacks.iter().all(|c| !c.authorization));
    assert!(
        fake.requests()
            .iter()
            .filter(|r| r.path.contains("/callback/"))
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn failed_attempts_are_retried_with_new_tokens_and_410_stops() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let url = receiver(&client, move |verified| {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        std::future::ready(match (n, verified) {
            (0 | 1, _) => c1::webhooks::refusal(&AnswerError::NoSteps),
            (_, Ok(delivery)) => delivery.reply(&Answer::test()).unwrap(),
            (_, Err(refused)) => c1::webhooks::refusal(&refused),
        })
    })
    .await;
    let hooks = fake.webhooks();
    let report = quick(hooks.delivery(&url, WebhookEvent::test()))
        .send()
        .await;
    assert_eq!(report.outcome, Outcome::Answered);
    let statuses: Vec<_> = report.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    let jtis: std::collections::HashSet<_> = report.attempts.iter().map(|a| &a.jti).collect();
    assert_eq!(jtis.len(), 3, "a new token per attempt");
    assert_eq!(report.document(), Some(&json!({"version": "v1"})));

    // 410: no more attempts.
    let gone = receiver(&client, |_| {
        let mut response = http::Response::new(String::new());
        *response.status_mut() = http::StatusCode::GONE;
        std::future::ready(response)
    })
    .await;
    let report = quick(hooks.delivery(&gone, WebhookEvent::test()))
        .send()
        .await;
    assert_eq!((report.outcome, report.attempts.len()), (Outcome::Gone, 1));

    // A forged delivery is refused (401) on every attempt until the tenant gives up.
    let url = receiver(&client, reply_with(|_| Answer::test())).await;
    let report = quick(hooks.delivery(&url, WebhookEvent::test()))
        .unsigned()
        .max_attempts(3)
        .send()
        .await;
    assert_eq!(report.outcome, Outcome::GaveUp);
    assert!(
        report.attempts.iter().all(|a| a.status == Some(401)),
        "{report:?}"
    );

    // Nothing listening: connection errors, retried, then given up.
    let report = quick(hooks.delivery("http://127.0.0.1:9/c1/webhook", WebhookEvent::test()))
        .max_attempts(2)
        .send()
        .await;
    assert_eq!(report.outcome, Outcome::GaveUp);
    assert!(
        report
            .attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.is_some())
    );
}

#[tokio::test]
async fn answers_must_fit_their_delivery_and_callbacks_the_tenant() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let verifier = Verifier::new(&client, RECEIVER).unwrap();
    let hooks = fake.webhooks();
    let mut provisioning = hooks.delivery(RECEIVER, WebhookEvent::provision_step(task(&fake)));
    let delivery = verify(&verifier, &provisioning.request()).await.unwrap();

    let approve = Answer::approve("").unwrap();
    assert_eq!(
        delivery.reply(&approve).unwrap_err(),
        AnswerError::WrongEvent {
            action: "approve",
            event_type: c1::webhooks::PROVISION_STEP.to_owned()
        }
    );
    let not_sent = delivery.answer_later(&client, &approve).await.unwrap_err();
    assert!(matches!(not_sent, CallbackError::NotSent(_)), "{not_sent}");
    assert_eq!(
        not_sent.to_string(),
        "the callback was not sent: `approve` does not answer a `c1.webhooks.v1.PayloadProvisionStep` delivery"
    );
    assert!(hooks.callbacks().is_empty(), "nothing was sent");
    let response = delivery
        .reply(&Answer::errored("no such account").unwrap())
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");

    // A callback URL that is not on the tenant is never called.
    for url in [
        "https://evil.example/api/v1/webhooks/callback/x",
        &format!("{}/cb", fake.base_url().replace("127.0.0.1", "localhost")),
        "not a url",
    ] {
        let sent = c1_runtime_send(&client, url).await.unwrap_err();
        assert!(matches!(sent, CallbackError::NotSent(_)), "{url}: {sent}");
        assert!(!sent.to_string().contains("evil"), "{sent}");
    }

    // An expired callback: 400, typed.
    let mut short = hooks
        .delivery(RECEIVER, WebhookEvent::provision_step(task(&fake)))
        .callback_timeout(Duration::from_millis(1));
    let delivery = verify(&verifier, &short.request()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let expired = delivery
        .answer_later(&client, &Answer::complete("").unwrap())
        .await
        .unwrap_err();
    assert!(expired.is_used_or_expired(), "{expired}");
    assert_eq!(
        expired.error().unwrap().api_message(),
        Some("the callback has expired")
    );
    // No error shows the callback URL.
    let url = delivery.callback_url().unwrap().expose().to_owned();
    assert!(!expired.to_string().contains(&url) && !format!("{expired:?}").contains(&url));
    assert!(expired.to_string().contains("{callback_url}"), "{expired}");

    // A callback refused with 503 is retried (the tenant did not act); then it lands.
    let mut retried = hooks.delivery(RECEIVER, WebhookEvent::provision_step(task(&fake)));
    let delivery = verify(&verifier, &retried.request()).await.unwrap();
    fake.fail_next(&[503]);
    delivery
        .answer_later(&client, &Answer::complete("").unwrap())
        .await
        .unwrap();
    assert!(hooks.callback_document(retried.webhook_id()).is_some());
}

/// A server that quotes the callback URL it was sent to, in every way a
/// server might (the whole URL, its path, its token, JSON-escaped, in a
/// `google.rpc.Status` or as plain text), never gets it into an error.
#[tokio::test]
async fn a_callback_url_echoed_back_is_never_shown() {
    let token = "cbtok_3q2+7w-ZXhhbXBsZS10b2tlbi1mb3ItdGVzdHM";
    let server = support::Server::start(|n, request, mut stream| async move {
        let host = request.header("host").unwrap_or_default().to_owned();
        let url = format!("http://{host}{}", request.target);
        let token = request.target.rsplit('/').next().unwrap_or_default();
        let (status, body) = match n % 6 {
            0 => (400, format!("no such callback: {url}")),
            1 => (
                500,
                json!({"code": 5, "message": format!("{} not found", request.target)}).to_string(),
            ),
            2 => (
                500,
                json!({"code": 5, "message": "gone", "details": [{"url": url}]}).to_string(),
            ),
            3 => (
                400,
                format!("{{\"message\":\"{}\"}}", url.replace('/', "\\/")),
            ),
            4 => (500, format!("token {token} is used")),
            _ => (400, url.replace("http://", "")),
        };
        support::respond(&mut stream, status, &[], body.as_bytes()).await;
    })
    .await;
    let client = Client::builder()
        .base_url(server.url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let path = format!("/api/v1/webhooks/callback/{token}");
    let url = format!("{}{path}", server.url());
    for round in 0..6 {
        let error = c1_runtime_send(&client, &url).await.unwrap_err();
        assert_eq!(server.count(), round + 1, "sent once");
        let mut shown = vec![everything_said(&error)];
        let as_c1 = c1::Error::from(error);
        shown.push(everything_said(&as_c1));
        shown.extend(
            as_c1
                .api_status()
                .map(|api| serde_json::to_string(&api.details).unwrap()),
        );
        for text in &shown {
            for secret in [token, "ZXhhbXBsZS10b2tlbi1mb3ItdGVzdHM", path.as_str()] {
                assert!(!text.contains(secret), "round {round}: {secret} in {text}");
            }
        }
        assert!(
            shown.iter().any(|text| text.contains("[redacted]")),
            "round {round}: the echo is kept, redacted: {shown:?}"
        );
    }
}

async fn c1_runtime_send(client: &Client, url: &str) -> Result<(), CallbackError> {
    c1::webhooks::send_callback(client, &CallbackUrl::new(url), "{}".into()).await
}

#[tokio::test]
async fn inbound_hmac_triggers_once_per_event_id() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let hooks = fake.webhooks();
    let secret = "whsec_Zm9vYmFyYmF6cXV4";
    let listener = hooks.add_hmac_listener(secret);
    let trigger = InboundWebhook::hmac(&client, &listener.id, secret).unwrap();
    assert_eq!(trigger.url(), listener.url);

    let event = EventId::new();
    // The first attempt is refused by a gateway (503): retried with the same event id.
    fake.fail_next(&[503]);
    let sent = trigger
        .send_event(&event, &json!({"user": "u-1", "action": "offboard"}))
        .await
        .unwrap();
    assert_eq!((sent.already_delivered, sent.attempts), (false, 2));
    let ids: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.path == format!("/api/v1/webhooks/incoming/{}", listener.id))
        .map(|r| r.header("webhook-event-id").unwrap().to_owned())
        .collect();
    assert_eq!(ids, [event.to_string(), event.to_string()]);
    let events = hooks.inbound_events(&listener.id);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_id, event.as_str());
    assert_eq!(events[0].body, json!({"user": "u-1", "action": "offboard"}));

    // The same event again: 409, already delivered, nothing runs twice.
    let again = trigger
        .send_event(&event, &json!({"user": "u-1"}))
        .await
        .unwrap();
    assert!(again.already_delivered);
    assert_eq!(hooks.inbound_events(&listener.id).len(), 1);
    // A new event runs.
    let other = trigger.send(&json!({"n": 2})).await.unwrap();
    assert_ne!(other.event_id, event);
    assert_eq!(hooks.inbound_events(&listener.id).len(), 2);

    // The wrong secret: 401, and the secret is nowhere in the error or Debug.
    let wrong = InboundWebhook::hmac(&client, &listener.id, "not-the-secret").unwrap();
    let refused = wrong.send(&json!({})).await.unwrap_err();
    assert_eq!(refused.status(), Some(401));
    assert_eq!(
        refused.api_message(),
        Some("Webhook-Signature does not verify")
    );
    for shown in [
        refused.to_string(),
        format!("{refused:?}"),
        format!("{trigger:?}"),
    ] {
        assert!(
            !shown.contains(secret) && !shown.contains("not-the-secret"),
            "{shown}"
        );
    }

    // Over 64 KiB: refused before anything is sent.
    let before = fake.requests().len();
    let big = json!({"blob": "x".repeat(c1::webhooks::MAX_INBOUND_BODY)});
    let refused = trigger.send(&big).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidArgument);
    assert_eq!(fake.requests().len(), before);
}

#[tokio::test]
async fn inbound_jwt_mode_with_each_algorithm() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let hooks = fake.webhooks();
    for alg in [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa] {
        let key = TestKey::generate(alg);
        let listener = hooks.add_jwt_listener(key.jwks());
        let c1_alg = match alg {
            Algorithm::Rs256 => c1::webhooks::Algorithm::Rs256,
            Algorithm::Es256 => c1::webhooks::Algorithm::Es256,
            Algorithm::EdDsa => c1::webhooks::Algorithm::EdDsa,
        };
        let jwt_key = JwtKey::from_pem(c1_alg, &key.private_key_pem())
            .unwrap()
            .with_kid(key.kid());
        assert!(!format!("{jwt_key:?}").contains("BEGIN"));
        let trigger = InboundWebhook::jwt(&client, &listener.id, jwt_key).unwrap();
        let sent = trigger.send(&json!({"alg": alg.as_str()})).await.unwrap();
        assert!(!sent.already_delivered, "{alg:?}");
        assert_eq!(hooks.inbound_events(&listener.id).len(), 1, "{alg:?}");
        let again = trigger
            .send_event(&sent.event_id, &json!({}))
            .await
            .unwrap();
        assert!(again.already_delivered, "{alg:?}");

        // A key the listener does not trust: 401.
        let stranger = TestKey::generate(Algorithm::EdDsa);
        let jwt_key =
            JwtKey::from_der(c1::webhooks::Algorithm::EdDsa, &stranger.private_key_der()).unwrap();
        let refused = InboundWebhook::jwt(&client, &listener.id, jwt_key)
            .unwrap()
            .send(&json!({}))
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(401), "{alg:?}");
    }
}

#[tokio::test]
async fn the_jwks_is_fetched_with_the_clients_retries() {
    let fake = FakeC1::start().await;
    let client = client_of(&fake);
    let hooks = fake.webhooks();
    // A hosted route answers first: the JWKS is 503 once, then served.
    let jwks = hooks.jwks();
    let route = fake.route("GET", "/auth/v1/jwks");
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    route.handler(move |_| match counted.fetch_add(1, Ordering::SeqCst) {
        0 => c1_fake::Reply::new(503),
        _ => c1_fake::Reply::json(&jwks),
    });
    let verifier = Verifier::new(&client, RECEIVER).unwrap();
    let request = hooks.delivery(RECEIVER, WebhookEvent::test()).request();
    verify(&verifier, &request).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Logs at TRACE for c1 show none of the token, the callback URL's token,
/// the HMAC secret or a JWT.
#[test]
fn nothing_secret_is_logged() {
    let logs = Logs::default();
    let _guard = logs.capture(
        tracing_subscriber::filter::Targets::new().with_target("c1", tracing::Level::TRACE),
        tracing_subscriber::fmt::format::FmtSpan::NONE,
    );
    let secret = "listener-secret-Zm9vYmFy";
    let (token, callback) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let fake = FakeC1::start().await;
            let client = client_of(&fake);
            let hooks = fake.webhooks();
            let verifier = Verifier::new(&client, RECEIVER).unwrap();
            let request = hooks
                .delivery(RECEIVER, WebhookEvent::provision_step(task(&fake)))
                .request();
            let delivery = verify(&verifier, &request).await.unwrap();
            let done = Answer::complete("").unwrap();
            delivery.answer_later(&client, &done).await.unwrap();
            assert!(
                delivery
                    .answer_later(&client, &done)
                    .await
                    .unwrap_err()
                    .is_used_or_expired()
            );
            let listener = hooks.add_hmac_listener(secret);
            InboundWebhook::hmac(&client, &listener.id, secret)
                .unwrap()
                .send(&json!({}))
                .await
                .unwrap();
            let wrong = InboundWebhook::hmac(&client, &listener.id, "x").unwrap();
            assert!(wrong.send(&json!({})).await.is_err());
            let key = TestKey::generate(Algorithm::EdDsa);
            let listener = hooks.add_jwt_listener(json!({"keys": []}));
            let jwt_key =
                JwtKey::from_der(c1::webhooks::Algorithm::EdDsa, &key.private_key_der()).unwrap();
            assert!(
                InboundWebhook::jwt(&client, &listener.id, jwt_key)
                    .unwrap()
                    .send(&json!({}))
                    .await
                    .is_err()
            );
            let url = delivery.callback_url().unwrap().expose().to_owned();
            (request.token().unwrap().to_owned(), url)
        });
    let text = logs.text();
    assert!(text.contains("webhook request finished"), "{text}");
    assert!(text.contains("webhook request failed"), "{text}");
    let callback_token = callback.rsplit('/').next().unwrap();
    for secret in [token.as_str(), callback_token, secret, "eyJ"] {
        assert!(!text.contains(secret), "{secret} in:\n{text}");
    }
}
