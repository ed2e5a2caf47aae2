//! ConductorOne's webhooks (feature `webhooks`): receive, verify and answer
//! its deliveries, and trigger automations through inbound webhooks.
//!
//! ConductorOne calls your service for provisioning by webhook, policy
//! steps that approve or deny, automation steps, post actions, findings and
//! tests. Each delivery is a `POST` signed with a JWT of the tenant's key;
//! [`Verifier::verify`] checks it (signature against the tenant's JWKS,
//! issuer, audience, URL, method, type, times, body digests, replays) and
//! returns a typed [`Delivery`]. Answer it at once with a response
//! document ([`Answer`], [`Delivery::reply`]), or answer `202` and send the
//! document later to its callback ([`Delivery::answer_later`]).
//!
//! A receiver in a few lines (any framework: the verifier takes an
//! `http::Request` of the body's bytes):
//!
//! ```no_run
//! use c1::webhooks::{accepted, http, refusal, Answer, Event, Verifier};
//!
//! async fn receive(verifier: &Verifier, client: &c1::Client, request: http::Request<Vec<u8>>)
//!     -> http::Response<String>
//! {
//!     let delivery = match verifier.verify(&request).await {
//!         Ok(delivery) => delivery,
//!         Err(refused) => return refusal(&refused), // 401 forged, 503 keys unreachable (it retries)
//!     };
//!     let answer = match delivery.event() {
//!         Event::PolicyApprovalStep(_) => Answer::approve("within policy"),
//!         Event::ProvisionStep(_) => {
//!             let (delivery, client) = (delivery.clone(), client.clone());
//!             tokio::spawn(async move { // provision, then answer through the callback
//!                 let done = Answer::complete("account created").expect("a short comment");
//!                 delivery.answer_later(&client, &done).await
//!             });
//!             return accepted(); // 202
//!         }
//!         _ => Ok(Answer::acknowledge()),
//!     };
//!     answer.and_then(|answer| delivery.reply(&answer)).unwrap_or_else(|e| refusal(&e))
//! }
//!
//! # async fn setup() -> c1::Result<()> {
//! let client = c1::Client::from_env()?;
//! // The URL configured on the webhook, as ConductorOne calls it.
//! let verifier = Verifier::new(&client, "https://hooks.example.com/c1/webhook")?;
//! # Ok(()) }
//! ```
//!
//! Inbound webhooks go the other way: [`InboundWebhook`] triggers an
//! automation's webhook listener, signed with its HMAC secret or your JWT
//! key.

mod answer;
mod event;

use std::fmt;

pub use answer::{
    Answer, AnswerError, MAX_ANSWER_BYTES, MAX_COMMENT_CHARS, MAX_REASSIGN_USERS, VERSION,
};
pub use c1_runtime::webhooks::{
    Algorithm, CallbackError, CallbackUrl, Check, DEFAULT_JWKS_MAX_AGE, DEFAULT_LEEWAY,
    DEFAULT_REFETCH_INTERVAL, DEFAULT_REPLAY_CAPACITY, EventId, InboundWebhook, JWKS_PATH, JwtKey,
    MAX_INBOUND_BODY, MAX_TOKEN_LIFETIME, TokenVerifier, TokenVerifierBuilder, Triggered,
    VerifiedToken, VerifyError, http, send_callback,
};
pub use event::{
    Event, FINDING_DISPATCH, POLICY_APPROVAL_STEP, POLICY_POST_ACTION, PROVISION_STEP, TEST,
    WORKFLOW_STEP,
};

use crate::Client;
use crate::models::Body;

/// Verifies ConductorOne's deliveries to one receiver URL and reads them
/// as [`Delivery`]s. Cheap to clone; `Send + Sync`. Its checks are
/// [`TokenVerifier`]'s; tune them with [`TokenVerifier::builder`] and
/// `Verifier::from`.
#[derive(Debug, Clone)]
pub struct Verifier {
    tokens: TokenVerifier,
}

impl From<TokenVerifier> for Verifier {
    fn from(tokens: TokenVerifier) -> Verifier {
        Verifier { tokens }
    }
}

impl Verifier {
    /// A verifier of deliveries that the tenant of `client` sends to
    /// `receiver_url` (the URL configured on the webhook, as ConductorOne
    /// calls it). The tenant's JWKS is fetched through `client` on the
    /// first delivery.
    pub fn new(client: &Client, receiver_url: impl Into<String>) -> crate::Result<Verifier> {
        TokenVerifier::new(client, receiver_url).map(Verifier::from)
    }

    /// Verifies `request` (see [`TokenVerifier`] for the checks) and reads
    /// its body: the delivery, or which check failed.
    pub async fn verify<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Delivery, VerifyError> {
        self.verify_parts(request.method(), request.headers(), request.body().as_ref())
            .await
    }

    /// [`verify`](Verifier::verify) from a request's method, headers and body.
    pub async fn verify_parts(
        &self,
        method: &http::Method,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Delivery, VerifyError> {
        let token = self.tokens.verify_parts(method, headers, body).await?;
        Delivery::read(body, token)
    }
}

/// A verified delivery: the envelope (`c1.webhooks.v1.Body`) and its typed
/// [`Event`].
///
/// A delivery is retried (with the same body and a new token) until it is
/// answered, so handle each [`webhook_id`](Delivery::webhook_id) once.
/// `Debug` does not show the callback URL.
#[derive(Clone)]
pub struct Delivery {
    webhook_id: String,
    event_type: String,
    version: String,
    callback_url: Option<CallbackUrl>,
    event: Event,
    token: VerifiedToken,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("webhook_id", &self.webhook_id)
            .field("event_type", &self.event_type)
            .field("version", &self.version)
            .field("callback_url", &self.callback_url)
            .field("event", &self.event)
            .field("token", &self.token)
            .finish()
    }
}

impl Delivery {
    /// Reads a verified body.
    fn read(bytes: &[u8], token: VerifiedToken) -> Result<Delivery, VerifyError> {
        let body: Body = serde_json::from_slice(bytes).map_err(|e| {
            VerifyError::body(format!(
                "the body is not a webhook envelope ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        let webhook_id = body
            .webhook_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| VerifyError::body("the body has no `webhookId`"))?;
        let payload = body.payload.unwrap_or_default();
        let event_type = body
            .event
            .filter(|e| !e.is_empty())
            .or_else(|| {
                let type_url = payload.get("@type")?.as_str()?;
                Some(type_url.strip_prefix(event::TYPE_URL_PREFIX)?.to_owned())
            })
            .ok_or_else(|| VerifyError::body("the body names no event type"))?;
        let event = Event::decode(&event_type, bytes, payload).map_err(VerifyError::body)?;
        Ok(Delivery {
            webhook_id,
            event_type,
            version: body.version.unwrap_or_default(),
            callback_url: body
                .callback_url
                .filter(|u| !u.is_empty())
                .map(CallbackUrl::new),
            event,
            token,
        })
    }

    /// The delivery's id (`webhookId`): the same on every retry.
    pub fn webhook_id(&self) -> &str {
        &self.webhook_id
    }

    /// The event type (`c1.webhooks.v1.PayloadPolicyApprovalStep`, ...).
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The envelope's version: `v1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The event, typed.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// The event, owned.
    pub fn into_event(self) -> Event {
        self.event
    }

    /// What the verified token said (its `jti`, key, times).
    pub fn token(&self) -> &VerifiedToken {
        &self.token
    }

    /// The callback URL for an answer sent later.
    pub fn callback_url(&self) -> Option<&CallbackUrl> {
        self.callback_url.as_ref()
    }

    /// Whether `answer` answers this delivery's event type; else
    /// [`AnswerError::WrongEvent`].
    pub fn check(&self, answer: &Answer) -> Result<(), AnswerError> {
        if answer.answers(&self.event_type) {
            Ok(())
        } else {
            Err(AnswerError::WrongEvent {
                action: answer.action(),
                event_type: self.event_type.clone(),
            })
        }
    }

    /// The `200` response that answers the delivery now with `answer`
    /// (`Content-Type: application/json`), once [`check`](Delivery::check)ed.
    pub fn reply(&self, answer: &Answer) -> Result<http::Response<String>, AnswerError> {
        self.check(answer)?;
        Ok(json_response(200, answer.as_str().to_owned()))
    }

    /// Sends `answer` to the delivery's callback, for a delivery answered
    /// [`accepted`] (`202`): see [`send_callback`]
    /// (only to the tenant's host, without the client's credential,
    /// retried like a `POST`). An answer that does not
    /// [`check`](Delivery::check), or a delivery without a callback URL, is
    /// [`CallbackError::NotSent`]; a callback used already or expired,
    /// [`CallbackError::UsedOrExpired`].
    pub async fn answer_later(
        &self,
        client: &Client,
        answer: &Answer,
    ) -> Result<(), CallbackError> {
        self.check(answer)
            .map_err(|e| CallbackError::NotSent(e.to_string()))?;
        let url = self
            .callback_url
            .as_ref()
            .ok_or_else(|| CallbackError::NotSent("the delivery has no callback URL".to_owned()))?;
        send_callback(client, url, answer.as_str().to_owned().into()).await
    }
}

/// The `202 Accepted` response: the answer follows through the callback
/// ([`Delivery::answer_later`]).
pub fn accepted() -> http::Response<String> {
    let mut response = http::Response::new(String::new());
    *response.status_mut() = http::StatusCode::ACCEPTED;
    response
}

/// A response refusing a delivery: the status of a [`VerifyError`]
/// ([`VerifyError::status`]: `401`, `503`, ...), `500` for anything else
/// (ConductorOne retries either), with a `google.rpc.Status`-like JSON body
/// whose message says only what the caller may know: the failed check's
/// [reason](VerifyError::reason) (not why the JWKS could not be fetched),
/// an [`AnswerError`], or for any other error that the receiver failed.
/// The caller may be anyone who can reach the receiver: log `error`
/// yourself.
pub fn refusal(error: &(dyn std::error::Error + 'static)) -> http::Response<String> {
    let (status, message) = if let Some(refused) = error.downcast_ref::<VerifyError>() {
        (
            refused.status(),
            format!("webhook delivery refused: {}", refused.reason()),
        )
    } else if let Some(answer) = error.downcast_ref::<AnswerError>() {
        (500, format!("the answer is not valid: {answer}"))
    } else {
        (500, "the receiver could not handle the delivery".to_owned())
    };
    json_response(
        status,
        serde_json::json!({ "message": message }).to_string(),
    )
}

fn json_response(status: u16, body: String) -> http::Response<String> {
    let mut response = http::Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// An event type as a message may quote it: short and printable, else not at all.
pub(crate) fn shown_event_type(event_type: &str) -> &str {
    let printable = event_type.len() <= 100
        && event_type
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
    if printable { event_type } else { "[not shown]" }
}
