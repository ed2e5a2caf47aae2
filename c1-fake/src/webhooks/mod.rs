//! Webhooks, played as ConductorOne plays them: the tenant's rotating signing keys and
//! their JWKS (`GET /auth/v1/jwks`), deliveries fired at a receiver and every answer
//! recorded, single-use callbacks, and inbound listeners that verify HMAC or JWT.

mod deliver;
mod event;
mod inbound;
mod keys;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::time::Instant;

pub use deliver::{
    ATTEMPT_TIMEOUT, Attempt, CALLBACK_TIMEOUT, DeliveryReport, DeliveryRequest, MAX_ANSWER_BYTES,
    MAX_ATTEMPTS, NOT_BEFORE_SECS, Outcome, Outgoing, RETRY_DELAY, TOKEN_LIFETIME_SECS,
};
pub use event::WebhookEvent;
pub use inbound::{
    EVENT_ID_RETENTION, InboundEvent, InboundRequest, Listener, MAX_INBOUND_BODY,
    TIMESTAMP_WINDOW_SECS,
};
pub use keys::{Algorithm, TestKey};

use crate::inspect::Log;
use crate::status::ApiError;
use crate::{Shared, lock};

/// The path of a callback under the fake's base URL; the last segment is its token.
const CALLBACK_PATH: &str = "/api/v1/webhooks/callback/";
/// The path of an inbound listener under the fake's base URL.
const INCOMING_PATH: &str = "/api/v1/webhooks/incoming/";

/// Whether `path` authenticates by its own means (a callback's token, a listener's HMAC or
/// JWT) rather than the API's bearer token.
pub(crate) fn signed_path(path: &str) -> bool {
    path.starts_with(CALLBACK_PATH) || path.starts_with(INCOMING_PATH)
}

/// The webhook state of a fake.
pub(crate) struct State {
    /// The fake's base URL: the tenant's URL in tokens and callbacks.
    base_url: String,
    keys: Mutex<Option<KeyRing>>,
    deliveries: Mutex<Log<DeliveryReport>>,
    callbacks: Mutex<HashMap<String, Callback>>,
    callback_log: Mutex<Log<CallbackRecord>>,
    inbound: Mutex<inbound::Inbound>,
    jwks_requests: AtomicUsize,
    changed: tokio::sync::Notify,
}

impl State {
    /// The state of a fake at `base_url` whose logs keep `log_capacity` records each.
    pub(crate) fn new(base_url: String, log_capacity: usize) -> State {
        State {
            base_url,
            keys: Mutex::default(),
            deliveries: Mutex::new(Log::new(log_capacity)),
            callbacks: Mutex::default(),
            callback_log: Mutex::new(Log::new(log_capacity)),
            inbound: Mutex::new(inbound::Inbound::new(log_capacity)),
            jwks_requests: AtomicUsize::new(0),
            changed: tokio::sync::Notify::new(),
        }
    }
}

/// The tenant's keys: every one published (unless retired), the last made signs.
struct KeyRing {
    keys: Vec<(TestKey, bool)>,
}

impl KeyRing {
    fn current(&self) -> TestKey {
        match self.keys.last() {
            Some((key, _)) => key.clone(),
            None => unreachable!("a key ring has a key"),
        }
    }
}

/// A delivery's callback: single use, until its deadline.
pub(crate) struct Callback {
    webhook_id: String,
    deadline: Instant,
    used: bool,
}

impl Callback {
    pub(crate) fn new(webhook_id: &str, timeout: Duration) -> Callback {
        Callback {
            webhook_id: webhook_id.to_owned(),
            deadline: Instant::now()
                .checked_add(timeout)
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3650 * 24 * 3600)),
            used: false,
        }
    }
}

/// A request to a callback URL and how the fake answered it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackRecord {
    /// The delivery it answers (`None` for a URL the fake never handed out).
    pub webhook_id: Option<String>,
    /// The status the fake answered: 200 accepted; 400 used already, expired, or not a
    /// response document; 404 unknown.
    pub status: u16,
    /// The response document, when it was one.
    pub document: Option<Value>,
    /// Whether the request carried an `Authorization` header (it should not: the URL is
    /// its own credential).
    pub authorization: bool,
}

/// The webhooks of a fake tenant ([`crate::FakeC1::webhooks`]): a cheap handle, `Clone`
/// and `'static`, so a delivery can be sent from a spawned task.
///
/// - **Signing keys**: the tenant signs deliveries with one key (`ES256` until
///   [`Webhooks::rotate_key`]); every key made stays published in its JWKS at
///   `GET /auth/v1/jwks` until [`Webhooks::retire_key`].
/// - **Deliveries**: [`Webhooks::delivery`] makes one; [`Outgoing::send`] delivers it.
/// - **Callbacks**: each delivery's `callbackUrl` takes one response document.
/// - **Inbound listeners**: [`Webhooks::add_hmac_listener`], [`Webhooks::add_jwt_listener`].
#[derive(Clone)]
pub struct Webhooks {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("base_url", &self.state().base_url)
            .finish_non_exhaustive()
    }
}

impl Webhooks {
    pub(crate) fn new(shared: Arc<Shared>) -> Webhooks {
        Webhooks { shared }
    }

    fn state(&self) -> &State {
        &self.shared.webhooks
    }

    fn base_url(&self) -> &str {
        &self.state().base_url
    }

    /// The tenant's JWKS URL, `<base_url>/auth/v1/jwks`.
    pub fn jwks_url(&self) -> String {
        format!("{}/auth/v1/jwks", self.base_url())
    }

    /// The `iss` of delivery tokens: the tenant's host name, `127.0.0.1`.
    pub fn issuer(&self) -> String {
        issuer_of(self.base_url())
    }

    /// The JWKS the tenant publishes: every key not retired.
    pub fn jwks(&self) -> Value {
        let mut ring = lock(&self.state().keys);
        let ring = ring_of(&mut ring);
        let keys: Vec<Value> = ring
            .keys
            .iter()
            .filter(|(_, published)| *published)
            .map(|(key, _)| key.public_jwk())
            .collect();
        json!({ "keys": keys })
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_requests(&self) -> usize {
        self.state().jwks_requests.load(Ordering::SeqCst)
    }

    /// The key that signs deliveries now.
    pub fn signing_key(&self) -> TestKey {
        let mut ring = lock(&self.state().keys);
        ring_of(&mut ring).current()
    }

    /// A new signing key of `alg`: deliveries are signed with it from now on; the
    /// earlier keys stay in the JWKS. (An RSA key takes about a second to make in a
    /// debug build: [`Webhooks::rotate_to`] a key made beforehand when timing matters.)
    pub fn rotate_key(&self, alg: Algorithm) -> TestKey {
        let key = TestKey::generate(alg);
        self.rotate_to(&key);
        key
    }

    /// Publishes `key` in the JWKS and signs deliveries with it from now on; the earlier
    /// keys stay in the JWKS.
    pub fn rotate_to(&self, key: &TestKey) {
        let mut ring = lock(&self.state().keys);
        ring_of(&mut ring).keys.push((key.clone(), true));
    }

    /// Takes the key `kid` out of the JWKS (it may still sign, if it is the current
    /// key: a test of a withdrawn key). Whether there was such a key.
    pub fn retire_key(&self, kid: &str) -> bool {
        let mut ring = lock(&self.state().keys);
        let mut found = false;
        for (key, published) in &mut ring_of(&mut ring).keys {
            if key.kid() == kid {
                *published = false;
                found = true;
            }
        }
        found
    }

    /// A delivery of `event` to `url` (plain `http`: the fake delivers to test receivers).
    pub fn delivery(&self, url: &str, event: WebhookEvent) -> Outgoing {
        Outgoing::new(self.clone(), url, event)
    }

    /// Every delivery sent (the last [`crate::FakeC1Builder::request_log_capacity`]), with its attempts and their
    /// answers, in the order they ended.
    pub fn deliveries(&self) -> Vec<DeliveryReport> {
        lock(&self.state().deliveries).to_vec()
    }

    /// Every request to a callback URL (the last [`crate::FakeC1Builder::request_log_capacity`]), in order.
    pub fn callbacks(&self) -> Vec<CallbackRecord> {
        lock(&self.state().callback_log).to_vec()
    }

    /// The response document the callback of delivery `webhook_id` accepted.
    pub fn callback_document(&self, webhook_id: &str) -> Option<Value> {
        lock(&self.state().callback_log)
            .iter()
            .find(|r| r.status == 200 && r.webhook_id.as_deref() == Some(webhook_id))
            .and_then(|r| r.document.clone())
    }

    /// Waits (tokio clock) at most `timeout` for the callback of delivery `webhook_id`
    /// to be answered; its response document.
    pub async fn wait_for_callback(&self, webhook_id: &str, timeout: Duration) -> Option<Value> {
        let wait = async {
            loop {
                let changed = self.state().changed.notified();
                if let Some(document) = self.callback_document(webhook_id) {
                    return document;
                }
                changed.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }

    /// An inbound webhook listener in HMAC mode, keyed with `secret` as given.
    pub fn add_hmac_listener(&self, secret: &str) -> Listener {
        self.add_listener(inbound::Auth::Hmac(secret.to_owned()))
    }

    /// An inbound webhook listener in JWT mode, trusting the keys of `jwks` (a JWKS
    /// document: what the sender hosts).
    pub fn add_jwt_listener(&self, jwks: Value) -> Listener {
        self.add_listener(inbound::Auth::Jwt(jwks))
    }

    fn add_listener(&self, auth: inbound::Auth) -> Listener {
        let id = self.shared.store().objects.fresh_id();
        lock(&self.state().inbound).add(&id, auth);
        Listener {
            url: format!("{}{INCOMING_PATH}{id}", self.base_url()),
            id,
        }
    }

    /// The events listener `listener_id` accepted, in order.
    pub fn inbound_events(&self, listener_id: &str) -> Vec<InboundEvent> {
        lock(&self.state().inbound).events(listener_id)
    }

    /// Every request to an inbound listener (the last [`crate::FakeC1Builder::request_log_capacity`]) and how it was
    /// answered, in order.
    pub fn inbound_requests(&self) -> Vec<InboundRequest> {
        lock(&self.state().inbound).log.to_vec()
    }

    /// Registers a callback; its URL.
    pub(crate) fn register_callback(&self, callback: Callback) -> String {
        let token = crate::auth::random_hex(24);
        lock(&self.state().callbacks).insert(token.clone(), callback);
        format!("{}{CALLBACK_PATH}{token}", self.base_url())
    }
}

/// The key ring, made on first use (key generation is not free).
fn ring_of(ring: &mut Option<KeyRing>) -> &mut KeyRing {
    ring.get_or_insert_with(|| KeyRing {
        keys: vec![(TestKey::generate(Algorithm::Es256), true)],
    })
}

/// The host of `base_url`: `http://127.0.0.1:PORT` -> `127.0.0.1`.
fn issuer_of(base_url: &str) -> String {
    base_url
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_owned))
        .unwrap_or_default()
}

/// The webhook routes: the JWKS, callbacks and inbound listeners.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/auth/v1/jwks", get(jwks))
        .route("/api/v1/webhooks/callback/{token}", post(callback))
        .route("/api/v1/webhooks/incoming/{listener_id}", post(incoming))
}

/// `GET /auth/v1/jwks`.
async fn jwks(Extract(shared): Extract<Arc<Shared>>) -> Response {
    shared.webhooks.jwks_requests.fetch_add(1, Ordering::SeqCst);
    let hooks = Webhooks::new(shared);
    (
        [(header::CACHE_CONTROL, "max-age=300")],
        axum::Json(hooks.jwks()),
    )
        .into_response()
}

/// `POST /api/v1/webhooks/callback/{token}`: a response document, once.
async fn callback(
    Extract(shared): Extract<Arc<Shared>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let state = &shared.webhooks;
    let authorization = headers.contains_key(header::AUTHORIZATION);
    let (webhook_id, answer) = {
        let mut callbacks = lock(&state.callbacks);
        match callbacks.get_mut(&token) {
            None => (None, Err(ApiError::not_found("no such callback"))),
            Some(cb) => {
                let answer = if cb.used {
                    Err(ApiError::invalid("the callback was used already"))
                } else if Instant::now() > cb.deadline {
                    Err(ApiError::invalid("the callback has expired"))
                } else {
                    deliver::response_document(&body).map_err(ApiError::invalid)
                };
                cb.used |= answer.is_ok();
                (Some(cb.webhook_id.clone()), answer)
            }
        }
    };
    let status = match &answer {
        Ok(_) => 200,
        Err(e) => e.status.as_u16(),
    };
    lock(&state.callback_log).push(CallbackRecord {
        webhook_id,
        status,
        document: answer.as_ref().ok().cloned(),
        authorization,
    });
    state.changed.notify_waiters();
    match answer {
        Ok(_) => (StatusCode::OK, axum::Json(json!({}))).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/webhooks/incoming/{listener_id}`.
async fn incoming(
    Extract(shared): Extract<Arc<Shared>>,
    Path(listener_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let base_url = shared.webhooks.base_url.clone();
    let url = format!("{base_url}{INCOMING_PATH}{listener_id}");
    let answer =
        lock(&shared.webhooks.inbound).receive(&listener_id, &base_url, &url, &headers, &body);
    match answer {
        Ok(()) => axum::Json(json!({})).into_response(),
        Err(error) => error.into_response(),
    }
}
