//! Outgoing deliveries: the fake calls a receiver as ConductorOne does (headers, the
//! bearer JWT and its claims, the digests), retries on failure, stops on 410, and records
//! every answer.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Uri};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};

use super::keys::{self, TestKey};
use super::{Callback, Webhooks, event::WebhookEvent};
use crate::auth::{random_hex, unix_now};
use crate::lock;

/// How long a delivery's token is valid before its `iat` (its `nbf` is `iat` minus this).
pub const NOT_BEFORE_SECS: i64 = 60;
/// How long a delivery's token is valid after its `iat` (`exp` = `iat` + 120 s).
pub const TOKEN_LIFETIME_SECS: i64 = 120;
/// Attempts before ConductorOne gives up on a delivery.
pub const MAX_ATTEMPTS: u32 = 50;
/// The longest ConductorOne waits for an answer to one attempt.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The wait before a retry: a random duration in this range (3 to 15 s), as ConductorOne.
pub const RETRY_DELAY: (Duration, Duration) = (Duration::from_secs(3), Duration::from_secs(15));
/// How long a callback stays usable by default (the webhook's callback timeout: 8 days).
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(8 * 24 * 3600);
/// The most of an answer's body the fake reads: a response document is at most 250 KiB.
pub const MAX_ANSWER_BYTES: usize = 250 * 1024;

/// How a forged delivery is signed.
#[derive(Debug, Clone)]
enum Signer {
    /// The tenant's current key.
    Tenant,
    /// Another key (not in the JWKS unless the test put it there).
    Key(TestKey),
    /// `alg` `HS256`, an HMAC-SHA256 keyed with these bytes.
    Hmac(Vec<u8>),
    /// `alg` `none`, an empty signature.
    Unsigned,
}

/// One delivery to send: where, what, how often, and (for a receiver's tests) how to forge
/// it. Made by [`Webhooks::delivery`]; [`Outgoing::send`] delivers it until it is answered,
/// refused for good (410) or attempted [`MAX_ATTEMPTS`] times.
#[derive(Debug, Clone)]
pub struct Outgoing {
    hooks: Webhooks,
    url: String,
    event: WebhookEvent,
    webhook_id: String,
    max_attempts: u32,
    retry_delay: (Duration, Duration),
    attempt_timeout: Duration,
    callback_timeout: Duration,
    claims: Map<String, Value>,
    header: Map<String, Value>,
    envelope: Map<String, Value>,
    signer: Signer,
    body: Option<Vec<u8>>,
    callback: Option<String>,
}

/// One attempt of a delivery as it goes on the wire: for a test that hands it to its
/// receiver directly ([`DeliveryRequest::to_http`]) rather than over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRequest {
    /// The receiver's URL.
    pub url: String,
    /// The headers, in order: `authorization` (`bearer <JWT>`), `content-digest`,
    /// `content-type`, `webhook-version`, `webhook-id`, `webhook-event`,
    /// `webhook-callback-url`.
    pub headers: Vec<(String, String)>,
    /// The body: the envelope (`c1.webhooks.v1.Body`) as JSON.
    pub body: Vec<u8>,
}

impl DeliveryRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bearer JWT.
    pub fn token(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("bearer ")
    }

    /// As an `http::Request` (`POST` to the URL), what a framework hands a receiver.
    pub fn to_http(&self) -> Request<Vec<u8>> {
        let mut request = Request::post(self.url.as_str());
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request
            .body(self.body.clone())
            .unwrap_or_else(|_| Request::new(self.body.clone()))
    }
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 2xx other than 202: done; the last attempt's document is the answer.
    Answered,
    /// 202: the answer comes through the callback.
    Accepted,
    /// 410: the receiver wants no more deliveries.
    Gone,
    /// Every attempt failed.
    GaveUp,
}

/// One attempt and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// The `jti` of its token (a new one each attempt).
    pub jti: String,
    /// The status answered; `None` when there was no answer (connection refused or
    /// dropped, timeout).
    pub status: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
    /// The answer's body (at most [`MAX_ANSWER_BYTES`] of it), as text.
    pub body: String,
    /// For a 2xx other than 202, the response document when the body is one (a JSON
    /// object with `"version": "v1"`, at most [`MAX_ANSWER_BYTES`]).
    pub document: Option<Value>,
    /// For a 2xx other than 202, why the body is not a response document.
    pub problem: Option<String>,
}

/// What became of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryReport {
    /// The delivery's `webhookId`.
    pub webhook_id: String,
    /// Its event type.
    pub event_type: String,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// How it ended.
    pub outcome: Outcome,
}

impl DeliveryReport {
    /// The response document of an answered delivery (the last attempt's).
    pub fn document(&self) -> Option<&Value> {
        match self.outcome {
            Outcome::Answered => self.attempts.last()?.document.as_ref(),
            _ => None,
        }
    }
}

impl Outgoing {
    pub(super) fn new(hooks: Webhooks, url: &str, event: WebhookEvent) -> Outgoing {
        let webhook_id = hooks.shared.store().objects.fresh_id();
        Outgoing {
            hooks,
            url: url.to_owned(),
            event,
            webhook_id,
            max_attempts: MAX_ATTEMPTS,
            retry_delay: RETRY_DELAY,
            attempt_timeout: ATTEMPT_TIMEOUT,
            callback_timeout: CALLBACK_TIMEOUT,
            claims: Map::new(),
            header: Map::new(),
            envelope: Map::new(),
            signer: Signer::Tenant,
            body: None,
            callback: None,
        }
    }

    /// The delivery's `webhookId` (default: a fresh 27-character id).
    pub fn webhook_id(&self) -> &str {
        &self.webhook_id
    }

    /// At most `attempts` attempts (default [`MAX_ATTEMPTS`]).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Wait a random duration from `min` to `max` before a retry (default
    /// [`RETRY_DELAY`], 3 to 15 s; the tokio clock, so a paused test can advance it).
    pub fn retry_delay(mut self, min: Duration, max: Duration) -> Self {
        self.retry_delay = (min, max.max(min));
        self
    }

    /// Wait at most this long for each answer (default [`ATTEMPT_TIMEOUT`]).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Keep the callback usable this long (default [`CALLBACK_TIMEOUT`], tokio clock).
    pub fn callback_timeout(mut self, timeout: Duration) -> Self {
        self.callback_timeout = timeout;
        self
    }

    /// Forgery, for a receiver's tests: each key of `overrides` (a JSON object) replaces or
    /// adds a claim of the token; a key set to `null` removes it (`{"exp": null}`).
    ///
    /// # Panics
    /// If `overrides` is not a JSON object.
    pub fn claims(mut self, overrides: Value) -> Self {
        self.claims = object(overrides, "claims");
        self
    }

    /// Forgery: each key of `overrides` replaces or adds a member of the token's JOSE
    /// header (`{"alg": "ES256"}` on an RS256 signature; `{"kid": "other"}`); `null`
    /// removes it.
    ///
    /// # Panics
    /// If `overrides` is not a JSON object.
    pub fn header(mut self, overrides: Value) -> Self {
        self.header = object(overrides, "header");
        self
    }

    /// Forgery: sign with `key` instead of the tenant's current key (its `kid` in the
    /// header unless [`Outgoing::header`] says otherwise).
    pub fn signed_by(mut self, key: &TestKey) -> Self {
        self.signer = Signer::Key(key.clone());
        self
    }

    /// Forgery: an `HS256` token, HMAC-SHA256 keyed with `secret` (a verifier that takes a
    /// public key as an HMAC secret would accept it).
    pub fn hs256(mut self, secret: &[u8]) -> Self {
        self.signer = Signer::Hmac(secret.to_vec());
        self
    }

    /// Forgery: an unsigned token, `alg` `none`.
    pub fn unsigned(mut self) -> Self {
        self.signer = Signer::Unsigned;
        self
    }

    /// Each key of `overrides` replaces or adds a member of the envelope before it is
    /// signed (`{"version": "v2"}`, `{"webhookId": null}`): a delivery that is signed
    /// correctly but unusual.
    ///
    /// # Panics
    /// If `overrides` is not a JSON object.
    pub fn envelope(mut self, overrides: Value) -> Self {
        self.envelope = object(overrides, "envelope");
        self
    }

    /// Forgery: send `body` instead of the envelope the token and digests were made for.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The next attempt as it would be sent (a new token each call, the same body), for a
    /// test that hands it to its receiver directly. Its callback is live from the first
    /// call.
    pub fn request(&mut self) -> DeliveryRequest {
        let callback = self.callback_url();
        let Value::Object(mut envelope) = json!({
            "version": "v1",
            "webhookId": self.webhook_id,
            "callbackUrl": callback,
            "event": self.event.event_type(),
            "payload": self.event.payload(),
        }) else {
            unreachable!("an object")
        };
        overlay(&mut envelope, &self.envelope);
        let body = Value::Object(envelope).to_string().into_bytes();
        let digest = STANDARD.encode(keys::sha256(&body));
        let now = unix_now();
        let (aud, htu) = audience(&self.url);
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(self.hooks.issuer()));
        claims.insert("aud".into(), json!(aud));
        claims.insert("c1typ".into(), json!("wh"));
        claims.insert("htm".into(), json!("POST"));
        claims.insert("htu".into(), json!(htu));
        claims.insert("htb_s256".into(), json!(digest));
        claims.insert("iat".into(), json!(now));
        claims.insert("nbf".into(), json!(now - NOT_BEFORE_SECS));
        claims.insert("exp".into(), json!(now + TOKEN_LIFETIME_SECS));
        claims.insert("jti".into(), json!(random_hex(16)));
        overlay(&mut claims, &self.claims);
        let token = self.sign(&Value::Object(claims));
        let sent_body = self.body.clone().unwrap_or(body);
        DeliveryRequest {
            url: self.url.clone(),
            headers: vec![
                ("authorization".into(), format!("bearer {token}")),
                ("content-digest".into(), format!("sha-256={digest}")),
                ("content-type".into(), "application/json".into()),
                ("webhook-version".into(), "v1".into()),
                ("webhook-id".into(), self.webhook_id.clone()),
                ("webhook-event".into(), self.event.event_type().to_owned()),
                ("webhook-callback-url".into(), callback),
            ],
            body: sent_body,
        }
    }

    fn sign(&self, claims: &Value) -> String {
        let key = match &self.signer {
            Signer::Tenant => self.hooks.signing_key(),
            Signer::Key(key) => key.clone(),
            Signer::Hmac(secret) => {
                let mut header = Map::new();
                header.insert("alg".into(), json!("HS256"));
                header.insert("typ".into(), json!("JWT"));
                header.insert("kid".into(), json!(self.hooks.signing_key().kid()));
                overlay(&mut header, &self.header);
                let input = format!(
                    "{}.{}",
                    URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
                    URL_SAFE_NO_PAD.encode(claims.to_string())
                );
                let mac = keys::hmac_sha256(secret, input.as_bytes());
                return format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac));
            }
            Signer::Unsigned => {
                let mut header = Map::new();
                header.insert("alg".into(), json!("none"));
                overlay(&mut header, &self.header);
                return format!(
                    "{}.{}.",
                    URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
                    URL_SAFE_NO_PAD.encode(claims.to_string())
                );
            }
        };
        let Value::Object(mut header) = key.header() else {
            unreachable!("a key's header is an object")
        };
        overlay(&mut header, &self.header);
        key.sign(&Value::Object(header), claims)
    }

    /// The delivery's callback URL, registered on first use.
    fn callback_url(&mut self) -> String {
        if let Some(url) = &self.callback {
            return url.clone();
        }
        let url = self
            .hooks
            .register_callback(Callback::new(&self.webhook_id, self.callback_timeout));
        self.callback = Some(url.clone());
        url
    }

    /// Delivers until answered (a 2xx), refused for good (410) or out of attempts, waiting
    /// [`Outgoing::retry_delay`] between attempts; the report is also kept by
    /// [`Webhooks::deliveries`].
    pub async fn send(mut self) -> DeliveryReport {
        let mut attempts = Vec::new();
        let mut outcome = Outcome::GaveUp;
        for n in 0..self.max_attempts {
            if n > 0 {
                tokio::time::sleep(self.delay()).await;
            }
            let request = self.request();
            let jti = request.token().and_then(claim_jti).unwrap_or_default();
            let answer = tokio::time::timeout(self.attempt_timeout, post(&request)).await;
            let attempt = match answer {
                Ok(Ok((status, body))) => answered(jti, status, &body),
                Ok(Err(error)) => failed(jti, error),
                Err(_) => failed(jti, "no answer within the attempt timeout".to_owned()),
            };
            let status = attempt.status;
            attempts.push(attempt);
            match status {
                Some(202) => {
                    outcome = Outcome::Accepted;
                    break;
                }
                Some(410) => {
                    outcome = Outcome::Gone;
                    break;
                }
                Some(s) if (200..300).contains(&s) => {
                    outcome = Outcome::Answered;
                    break;
                }
                _ => {}
            }
        }
        let report = DeliveryReport {
            webhook_id: self.webhook_id.clone(),
            event_type: self.event.event_type().to_owned(),
            attempts,
            outcome,
        };
        lock(&self.hooks.shared.webhooks.deliveries).push(report.clone());
        report
    }

    fn delay(&self) -> Duration {
        let (min, max) = self.retry_delay;
        min + (max - min).mul_f64(rand::random::<f64>())
    }
}

fn object(value: Value, what: &str) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => panic!("c1-fake: forged {what} must be a JSON object, not {other}"),
    }
}

/// Applies `overrides` to `map`: a `null` removes the key.
fn overlay(map: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (name, value) in overrides {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.clone(), value.clone());
        }
    }
}

/// `aud` (the URL's host name) and `htu` (the URL without its query) of `url`.
fn audience(url: &str) -> (String, String) {
    let htu = url.split(['?', '#']).next().unwrap_or(url).to_owned();
    let host = url
        .parse::<Uri>()
        .ok()
        .and_then(|u| {
            u.host()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
        })
        .unwrap_or_default();
    (host, htu)
}

/// The `jti` of a token, for the report.
fn claim_jti(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(claims.get("jti")?.as_str()?.to_owned())
}

fn failed(jti: String, error: String) -> Attempt {
    Attempt {
        jti,
        status: None,
        error: Some(error),
        body: String::new(),
        document: None,
        problem: None,
    }
}

fn answered(jti: String, status: u16, body: &Result<Vec<u8>, String>) -> Attempt {
    let empty = Vec::new();
    let text = String::from_utf8_lossy(body.as_ref().unwrap_or(&empty)).into_owned();
    let (document, problem) = match body {
        _ if !(200..300).contains(&status) || status == 202 => (None, None),
        Err(problem) => (None, Some(problem.clone())),
        Ok(body) => match response_document(body) {
            Ok(document) => (Some(document), None),
            Err(problem) => (None, Some(problem)),
        },
    };
    Attempt {
        jti,
        status: Some(status),
        error: None,
        body: text,
        document,
        problem,
    }
}

/// `body` as a response document: a JSON object with `"version": "v1"`, at most
/// [`MAX_ANSWER_BYTES`].
pub(crate) fn response_document(body: &[u8]) -> Result<Value, String> {
    if body.len() > MAX_ANSWER_BYTES {
        return Err(format!(
            "the response document is over {MAX_ANSWER_BYTES} bytes"
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(document) if document.get("version") == Some(&json!("v1")) => Ok(document),
        Ok(Value::Object(_)) => Err("the response document's version is not \"v1\"".to_owned()),
        Ok(_) => Err("the response document is not a JSON object".to_owned()),
        Err(_) => Err("the body is not JSON".to_owned()),
    }
}

/// One `POST` of `request` over plain HTTP/1.1: its status and body (or why the body
/// could not be read: over [`MAX_ANSWER_BYTES`], cut), or why there is no answer.
async fn post(request: &DeliveryRequest) -> Result<(u16, Result<Vec<u8>, String>), String> {
    let uri: Uri = request
        .url
        .parse()
        .map_err(|_| "the receiver URL is not a URL".to_owned())?;
    if uri.scheme_str() != Some("http") {
        return Err("the fake delivers over plain http only".to_owned());
    }
    let host = uri.host().ok_or("the receiver URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut http = request.to_http();
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    if let Ok(value) = authority.parse() {
        http.headers_mut().insert(axum::http::header::HOST, value);
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    *http.uri_mut() = path.parse().unwrap_or_default();
    let (parts, body) = http.into_parts();
    let http = Request::from_parts(parts, Body::from(body));
    let response = sender
        .send_request(http)
        .await
        .map_err(|e| format!("send: {e}"))?;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(Body::new(response.into_body()), MAX_ANSWER_BYTES)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| format!("the body is over {MAX_ANSWER_BYTES} bytes, or was cut"));
    Ok((status, body))
}
