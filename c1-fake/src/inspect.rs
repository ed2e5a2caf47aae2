//! Request recording for inspection, with secrets redacted.

use axum::http::HeaderMap;

/// What replaces a redacted secret.
pub const REDACTED: &str = "[redacted]";

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
    /// The body as (lossy) UTF-8; the token request's `client_assertion` and `client_secret` are redacted.
    pub body: String,
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
const SECRET_FORM_FIELDS: [&str; 3] = ["client_assertion", "client_secret", "password"];

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
        body: redact_body(is_form || path == "/auth/v1/token", body),
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
