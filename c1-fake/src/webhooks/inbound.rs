//! Inbound webhook listeners: `POST /api/v1/webhooks/incoming/{listener_id}`, checked as
//! the tenant checks them (HMAC or JWT, the 5-minute window, one run per event id).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tokio::time::Instant;

use super::keys;
use crate::auth::{CLOCK_SKEW_SECS, unix_now};
use crate::inspect::Log;
use crate::status::ApiError;

/// The largest body a listener accepts: 64 KiB (65,536 bytes).
pub const MAX_INBOUND_BODY: usize = 64 * 1024;
/// How far `Webhook-Timestamp` may be from the fake's clock, in seconds (5 minutes).
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;
/// How long an event id is remembered (a repeat within it is answered 409): 7 days.
pub const EVENT_ID_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// The furthest a JWT's `exp` may be ahead, in seconds (10 minutes).
const MAX_JWT_AHEAD_SECS: i64 = 600;

/// An inbound listener: its id and URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The listener's id.
    pub id: String,
    /// `<base_url>/api/v1/webhooks/incoming/<id>`.
    pub url: String,
}

/// An event a listener accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundEvent {
    /// Its `Webhook-Event-Id`.
    pub event_id: String,
    /// Its `Webhook-Timestamp`.
    pub timestamp: i64,
    /// Its body (the automation's `ctx.trigger`).
    pub body: Value,
}

/// A request to a listener and the fake's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRequest {
    /// The listener addressed.
    pub listener_id: String,
    /// The status answered: 200, 400 malformed, 401 authentication failed, 404 no such
    /// listener, 409 a repeated event id.
    pub status: u16,
    /// Why it was refused.
    pub reason: Option<String>,
}

pub(super) enum Auth {
    Hmac(String),
    Jwt(Value),
}

pub(super) struct Inbound {
    listeners: HashMap<String, (Auth, Vec<InboundEvent>)>,
    /// Event ids seen, with when, oldest first.
    seen: VecDeque<(Instant, String, String)>,
    pub(super) log: Log<InboundRequest>,
}

impl Inbound {
    /// No listener yet; the log keeps `log_capacity` requests.
    pub(super) fn new(log_capacity: usize) -> Inbound {
        Inbound {
            listeners: HashMap::new(),
            seen: VecDeque::new(),
            log: Log::new(log_capacity),
        }
    }

    pub(super) fn add(&mut self, id: &str, auth: Auth) {
        self.listeners.insert(id.to_owned(), (auth, Vec::new()));
    }

    pub(super) fn events(&self, id: &str) -> Vec<InboundEvent> {
        self.listeners
            .get(id)
            .map(|(_, events)| events.clone())
            .unwrap_or_default()
    }

    /// Checks and records one request to listener `id`, whose URL is `url`, on the
    /// tenant at `base_url`.
    pub(super) fn receive(
        &mut self,
        id: &str,
        base_url: &str,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let result = self.check(id, base_url, url, headers, body);
        self.log.push(InboundRequest {
            listener_id: id.to_owned(),
            status: match &result {
                Ok(()) => 200,
                Err(e) => e.status.as_u16(),
            },
            reason: result.as_ref().err().map(|e| e.message.clone()),
        });
        result
    }

    fn check(
        &mut self,
        id: &str,
        base_url: &str,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let Some((auth, _)) = self.listeners.get(id) else {
            return Err(ApiError::not_found("no such webhook listener"));
        };
        if !text(header::CONTENT_TYPE.as_str())
            .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"))
        {
            return Err(ApiError::invalid("Content-Type must be application/json"));
        }
        if body.len() > MAX_INBOUND_BODY {
            return Err(ApiError::invalid("the body is over 64 KiB"));
        }
        let json: Value =
            serde_json::from_slice(body).map_err(|_| ApiError::invalid("the body is not JSON"))?;
        let timestamp = text("webhook-timestamp")
            .and_then(|t| t.trim().parse::<i64>().ok())
            .ok_or_else(|| ApiError::invalid("Webhook-Timestamp is missing or not Unix seconds"))?;
        if unix_now().abs_diff(timestamp) > TIMESTAMP_WINDOW_SECS.unsigned_abs() {
            return Err(ApiError::invalid(
                "Webhook-Timestamp is more than 5 minutes from the tenant's clock",
            ));
        }
        let event_id = text("webhook-event-id")
            .filter(|id| is_uuid_v4(id))
            .ok_or_else(|| ApiError::invalid("Webhook-Event-Id is missing or not a UUID v4"))?
            .to_owned();
        let unauthenticated = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, 16, m);
        match auth {
            Auth::Hmac(secret) => {
                let mut message = format!("{timestamp}.{event_id}.").into_bytes();
                message.extend_from_slice(body);
                let expected =
                    URL_SAFE_NO_PAD.encode(keys::hmac_sha256(secret.as_bytes(), &message));
                if text("webhook-signature") != Some(expected.as_str()) {
                    return Err(unauthenticated("Webhook-Signature does not verify"));
                }
            }
            Auth::Jwt(jwks) => {
                let token = text(header::AUTHORIZATION.as_str())
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, token)| token.trim())
                    .ok_or_else(|| unauthenticated("no bearer token"))?;
                let claims = keys::verify_jws(token, jwks).map_err(unauthenticated)?;
                let claim = |name: &str| claims.get(name).and_then(Value::as_str);
                let hash = URL_SAFE_NO_PAD.encode(keys::sha256(body));
                let exp = claims.get("exp").and_then(crate::auth::seconds);
                let now = unix_now();
                let problem = if claim("sub") != Some(base_url) {
                    Some("the token's sub is not the tenant's base URL")
                } else if claim("aud") != Some(url) {
                    Some("the token's aud is not the listener's URL")
                } else if claim("jti") != Some(event_id.as_str()) {
                    Some("the token's jti is not the Webhook-Event-Id")
                } else if claim("htm") != Some("POST") {
                    Some("the token's htm is not POST")
                } else if claim("htb_s256") != Some(hash.as_str()) {
                    Some("the token's htb_s256 is not the body's SHA-256 (base64url)")
                } else if exp.is_none_or(|exp| exp.saturating_add(CLOCK_SKEW_SECS) < now) {
                    Some("the token has expired")
                } else if exp.is_some_and(|exp| exp > now + MAX_JWT_AHEAD_SECS + CLOCK_SKEW_SECS) {
                    Some("the token's exp is more than 10 minutes ahead")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(unauthenticated(problem));
                }
            }
        }
        let now = Instant::now();
        while self
            .seen
            .front()
            .is_some_and(|(at, _, _)| now.duration_since(*at) > EVENT_ID_RETENTION)
        {
            self.seen.pop_front();
        }
        if self.seen.iter().any(|(_, l, e)| l == id && *e == event_id) {
            return Err(ApiError::already_exists(
                "the event id was delivered already",
            ));
        }
        self.seen.push_back((now, id.to_owned(), event_id.clone()));
        if let Some((_, events)) = self.listeners.get_mut(id) {
            events.push(InboundEvent {
                event_id,
                timestamp,
                body: json,
            });
        }
        Ok(())
    }
}

/// Whether `id` is a UUID v4 (hyphenated, either case).
fn is_uuid_v4(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && b[14] == b'4'
        && matches!(b[19] | 0x20, b'8' | b'9' | b'a' | b'b')
}
