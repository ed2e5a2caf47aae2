//! Request recording for inspection, with secrets redacted, in bounded memory.

use std::collections::VecDeque;

use axum::http::HeaderMap;

/// What replaces a redacted secret.
pub const REDACTED: &str = "[redacted]";

/// How many requests the log keeps by default (the oldest are forgotten first).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 1024;

/// The most body bytes recorded per request; the rest is cut (see [`RecordedRequest::body_len`]).
pub const MAX_RECORDED_BODY: usize = 32 * 1024;

/// One request the fake received, as recorded (secrets redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The raw path, still percent-encoded, e.g. `/api/v2/apps/a%2Fb/connectors/c/owners`.
    pub path: String,
    /// The raw query string without the `?`, if any.
    pub query: Option<String>,
    /// Header names (lowercase) and values in received order; `authorization`, `cookie` and the
    /// like are redacted to their scheme, e.g. `Bearer [redacted]`.
    pub headers: Vec<(String, String)>,
    /// The body as (lossy) UTF-8, cut after [`MAX_RECORDED_BODY`] bytes; the token request's
    /// `client_assertion`, `client_secret` and `subject_token` (and a form's `password` and
    /// `actor_token`) are redacted.
    pub body: String,
    /// The body's length in bytes as received (larger than `body.len()` when it was cut).
    pub body_len: usize,
    /// The HTTP status answered, or `None` when the connection was dropped (or no answer yet).
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The query parameters, percent-decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];
const SECRET_FORM_FIELDS: [&str; 5] = [
    "client_assertion",
    "client_secret",
    "password",
    "subject_token",
    "actor_token",
];

fn redact_header(name: &str, value: &str) -> String {
    if !SECRET_HEADERS.contains(&name) {
        return value.to_owned();
    }
    match value.split_once(' ') {
        Some((scheme, _)) if name.ends_with("authorization") => format!("{scheme} {REDACTED}"),
        _ => REDACTED.to_owned(),
    }
}

/// Redact secret fields of a form body; non-form bodies are returned as they are.
fn redact_body(is_form: bool, body: &[u8]) -> String {
    if !is_form {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(body) {
        if SECRET_FORM_FIELDS.contains(&k.as_ref()) {
            out.append_pair(&k, REDACTED);
        } else {
            out.append_pair(&k, &v);
        }
    }
    out.finish()
}

/// Build the redacted record of a request.
pub(crate) fn record(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> RecordedRequest {
    let mut hs = Vec::with_capacity(headers.len());
    let mut is_form = false;
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name.as_str() == "content-type"
            && value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        {
            is_form = true;
        }
        hs.push((
            name.as_str().to_owned(),
            redact_header(name.as_str(), &value),
        ));
    }
    RecordedRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.map(str::to_owned),
        headers: hs,
        body: redact_body(
            is_form || path == "/auth/v1/token",
            &body[..body.len().min(MAX_RECORDED_BODY)],
        ),
        body_len: body.len(),
        status: None,
    }
}

/// Whether any part of the raw request contains one of `needles`.
pub(crate) fn contains_any(
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    needles: &[&str],
) -> bool {
    let hit = |hay: &[u8]| {
        needles
            .iter()
            .any(|n| !n.is_empty() && hay.windows(n.len()).any(|w| w == n.as_bytes()))
    };
    hit(path.as_bytes())
        || query.is_some_and(|q| hit(q.as_bytes()))
        || headers.iter().any(|(_, v)| hit(v.as_bytes()))
        || hit(body)
}

/// The newest entries of a record, oldest first: at most `capacity`, the oldest forgotten
/// first, so a long-running fake stays bounded whatever reaches it. The requests, each
/// hosted route's requests and the webhooks' logs are kept in one.
#[derive(Debug)]
pub(crate) struct Log<T> {
    entries: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> Log<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Log {
            entries: VecDeque::new(),
            capacity,
        }
    }

    /// Appends `entry`, forgetting the oldest when full; whether an entry was forgotten
    /// (`entry` itself when the capacity is 0).
    pub(crate) fn push(&mut self, entry: T) -> bool {
        if self.capacity == 0 {
            return true;
        }
        let full = self.entries.len() == self.capacity;
        if full {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        full
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.iter()
    }

    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.entries.iter().cloned().collect()
    }

    fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.entries.get_mut(index)
    }

    fn clear(&mut self) {
        self.entries.clear();
    }
}

/// The last requests received, oldest first, each with its sequence number.
#[derive(Debug)]
pub(crate) struct RequestLog {
    records: Log<RecordedRequest>,
    /// The sequence number of the oldest record kept (every request gets the next one).
    first_seq: u64,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            records: Log::new(capacity),
            first_seq: 0,
        }
    }

    /// Append a record, forgetting the oldest when full; returns its sequence number.
    pub(crate) fn push(&mut self, record: RecordedRequest) -> u64 {
        let seq = self.first_seq + self.records.len() as u64;
        if self.records.push(record) {
            self.first_seq += 1;
        }
        seq
    }

    /// The record with this sequence number, unless it was already forgotten.
    pub(crate) fn get_mut(&mut self, seq: u64) -> Option<&mut RecordedRequest> {
        let index = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.records.get_mut(index)
    }

    pub(crate) fn to_vec(&self) -> Vec<RecordedRequest> {
        self.records.to_vec()
    }

    pub(crate) fn clear(&mut self) {
        self.first_seq += self.records.len() as u64;
        self.records.clear();
    }
}
