//! A ConductorOne webhook receiver: verify each delivery, approve a policy
//! step at once, accept a provisioning step and answer it later through its
//! callback.
//!
//! ```sh
//! cargo run --example webhook_receiver --features webhooks
//! ```
//!
//! It runs offline: the embedded fake C1 tenant (`c1-fake`) serves the
//! tenant's JWKS and delivers to the receiver exactly as ConductorOne does
//! (headers, signed JWT, digests, callbacks). Against a real tenant the
//! receiver is the same: build the `Client` from the environment and the
//! `Verifier` with the public URL configured on the webhook
//! (`https://hooks.example.com/c1/webhook`), and serve the router there
//! (ConductorOne calls HTTPS on port 443).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use c1::webhooks::{Answer, Event, Verifier, accepted, http, refusal};
use c1_fake::webhooks::WebhookEvent;

/// What a handler needs: the verifier, and a client for the callbacks.
#[derive(Clone)]
struct Receiver {
    verifier: Verifier,
    client: c1::Client,
}

/// `POST /c1/webhook`.
async fn receive(
    State(app): State<Receiver>,
    request: http::Request<Body>,
) -> http::Response<String> {
    let (parts, body) = request.into_parts();
    // ConductorOne's documents are small; a body this large is not one.
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        let mut too_large = http::Response::new(String::new());
        *too_large.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
        return too_large;
    };
    let request = http::Request::<Bytes>::from_parts(parts, body);
    let delivery = match app.verifier.verify(&request).await {
        Ok(delivery) => delivery,
        // 401 for a forgery, 503 when the tenant's keys are out of reach: the tenant retries.
        Err(refused) => return refusal(&refused),
    };
    let task = delivery
        .event()
        .task_view()
        .and_then(|view| view.task.as_ref())
        .and_then(|task| task.id.clone())
        .unwrap_or_default();
    let answer = match delivery.event() {
        Event::PolicyApprovalStep(_) => Answer::approve(format!("task {task} is within policy")),
        Event::ProvisionStep(_) => {
            // Provisioning takes a while: accept now (202), answer through the callback.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await; // the account is created
                let done = Answer::complete(format!("account created for task {task}"));
                let sent = match done {
                    Ok(done) => delivery.answer_later(&app.client, &done).await,
                    Err(e) => Err(c1::webhooks::CallbackError::NotSent(e.to_string())),
                };
                if let Err(e) = sent {
                    eprintln!(
                        "the answer to {} was not delivered: {e}",
                        delivery.webhook_id()
                    );
                }
            });
            return accepted();
        }
        Event::WorkflowStep(_) => Answer::context(serde_json::Map::new()),
        _ => Ok(Answer::acknowledge()),
    };
    match answer.and_then(|answer| delivery.reply(&answer)) {
        Ok(response) => response,
        Err(e) => refusal(&e),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = c1_fake::FakeC1::start().await;
    eprintln!(
        "the embedded fake C1 tenant plays ConductorOne at {}",
        fake.base_url()
    );
    // The client knows the tenant: its JWKS, and where callbacks may go.
    let client = c1::Client::builder().base_url(fake.base_url()).build()?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/c1/webhook", listener.local_addr()?);
    let app = Receiver {
        verifier: Verifier::new(&client, &url)?,
        client,
    };
    let router = axum::Router::new()
        .route("/c1/webhook", axum::routing::post(receive))
        .with_state(app);
    tokio::spawn(async move { axum::serve(listener, router).await });
    println!("receiver listening at {url}");

    let hooks = fake.webhooks();
    let task = fake
        .object("c1.api.task.v1.Task", "task-1")
        .ok_or("the fake's default tenant has task-1")?;

    // A policy step: answered at once.
    let report = hooks
        .delivery(&url, WebhookEvent::policy_approval_step(task.clone()))
        .send()
        .await;
    let status = report.attempts.last().and_then(|a| a.status);
    println!(
        "policy approval step: {status:?}, answer {}",
        show(report.document())
    );

    // A provisioning step: accepted, then answered through the callback.
    let outgoing = hooks.delivery(&url, WebhookEvent::provision_step(task));
    let webhook_id = outgoing.webhook_id().to_owned();
    let report = outgoing.send().await;
    let status = report.attempts.last().and_then(|a| a.status);
    println!("provision step: {status:?} ({:?})", report.outcome);
    let answer = hooks
        .wait_for_callback(&webhook_id, Duration::from_secs(10))
        .await;
    println!("provision step answered later: {}", show(answer.as_ref()));

    // A forgery (signed with a key the tenant never published) is refused.
    let stranger = c1_fake::webhooks::TestKey::generate(c1_fake::webhooks::Algorithm::EdDsa);
    let report = hooks
        .delivery(&url, WebhookEvent::test())
        .signed_by(&stranger)
        .max_attempts(1)
        .send()
        .await;
    let refused = report.attempts.last().map(|a| (a.status, a.body.clone()));
    println!("forged delivery: {refused:?}");
    Ok(())
}

fn show(document: Option<&serde_json::Value>) -> String {
    document.map_or_else(|| "none".to_owned(), ToString::to_string)
}
