//! The one error type of c1: what failed, for which request, and why.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoint::Method;

/// `Result` with c1's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The client was configured wrongly (bad base URL, missing credentials...).
    Config,
    /// A value given to an endpoint cannot be sent (e.g. an empty path segment).
    /// No request was sent.
    InvalidArgument,
    /// An API request could not be sent or its answer not received (DNS,
    /// connect, reset, TLS, not HTTP); [`Error::is_connect`] says whether
    /// connecting failed. The token request's are [`ErrorKind::Auth`].
    Transport,
    /// A timeout expired; [`Error::timeout`] says which.
    Timeout,
    /// The server answered with a non-2xx status.
    Status,
    /// The server answered 2xx with a body that does not decode into the type.
    Decode,
    /// The response body exceeded the configured size limit.
    TooLarge,
    /// The server's answer was well-formed but broke the API's rules (e.g. a
    /// page token answered with the same `nextPageToken`).
    Protocol,
    /// Getting an access token failed: the token endpoint refused the
    /// credentials, answered an error or something unusable, or could not be
    /// reached ([`Error::is_connect`]); or a [`TokenSource`](crate::TokenSource)
    /// failed. A timeout while getting one is a [`ErrorKind::Timeout`].
    Auth,
}

/// Which timeout expired.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// Establishing the connection took too long.
    Connect,
    /// One attempt (send plus reading the answer) took too long.
    Attempt,
    /// The whole call, including retries, took too long.
    Call,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Attempt => "per-attempt timeout",
            TimeoutKind::Call => "call timeout",
        })
    }
}

/// The `google.rpc.Status` a ConductorOne error body carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct ApiStatus {
    /// The gRPC status code (5 = NOT_FOUND, 3 = INVALID_ARGUMENT, ...).
    #[serde(default)]
    pub code: i32,
    /// The server's message.
    #[serde(default)]
    pub message: String,
    /// The status details (`google.protobuf.Any` values), as sent.
    #[serde(default)]
    pub details: Vec<serde_json::Value>,
}

impl ApiStatus {
    /// The name of [`code`](ApiStatus::code) (`NOT_FOUND`), when it is a known gRPC code.
    pub fn code_name(&self) -> Option<&'static str> {
        Some(match self.code {
            0 => "OK",
            1 => "CANCELLED",
            2 => "UNKNOWN",
            3 => "INVALID_ARGUMENT",
            4 => "DEADLINE_EXCEEDED",
            5 => "NOT_FOUND",
            6 => "ALREADY_EXISTS",
            7 => "PERMISSION_DENIED",
            8 => "RESOURCE_EXHAUSTED",
            9 => "FAILED_PRECONDITION",
            10 => "ABORTED",
            11 => "OUT_OF_RANGE",
            12 => "UNIMPLEMENTED",
            13 => "INTERNAL",
            14 => "UNAVAILABLE",
            15 => "DATA_LOSS",
            16 => "UNAUTHENTICATED",
            _ => return None,
        })
    }
}

/// An error from c1: configuration, sending, the server's answer or decoding it.
///
/// `Display` says what happened in one line: method and path template, the
/// HTTP status and the server's `google.rpc.Status` message (or the start of a
/// non-JSON body), the JSON path that failed to decode, and the number of
/// attempts when the call was retried:
///
/// ```text
/// GET /api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>: 404 Not Found: user not found (NOT_FOUND)
/// GET /api/v2/apps/<app_id>/connectors/<connector_id>/owners/users: 503 Service Unavailable; body: "<html>upstream down</html>" (after 3 attempts)
/// POST /api/v1/apps: could not connect to acme.conductor.one:443: Connection refused (os error 111) (after 3 attempts)
/// ```
///
/// It names the path *template*, never the values filled in, and never
/// contains a token or secret. `Error` is cheap to clone, `Send + Sync`, and
/// keeps the underlying cause as its [`source`](std::error::Error::source).
///
/// [`kind`](Error::kind) says what failed; the questions a caller usually
/// asks have methods of their own: [`is_not_found`](Error::is_not_found),
/// [`is_unauthorized`](Error::is_unauthorized),
/// [`is_forbidden`](Error::is_forbidden),
/// [`is_bad_request`](Error::is_bad_request),
/// [`is_conflict`](Error::is_conflict),
/// [`is_rate_limited`](Error::is_rate_limited),
/// [`is_server_error`](Error::is_server_error) (each about the API's
/// answer), [`is_timeout`](Error::is_timeout) and
/// [`is_connect`](Error::is_connect).
///
/// ```
/// # use c1_runtime as c1;
/// /// The answer of a `get`, `None` when there is no such resource.
/// fn found<T>(answer: c1::Result<T>) -> c1::Result<Option<T>> {
///     match answer {
///         Ok(resource) => Ok(Some(resource)),
///         Err(err) if err.is_not_found() => Ok(None),
///         Err(err) => Err(err),
///     }
/// }
/// ```
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    method: Option<Method>,
    path: Option<&'static str>,
    status: Option<u16>,
    api_status: Option<ApiStatus>,
    body_snippet: Option<String>,
    json_path: Option<String>,
    timeout: Option<TimeoutKind>,
    retry_after: Option<Duration>,
    attempts: u32,
    /// The request never reached a server: connecting failed or timed out.
    connect: bool,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with a message that must not contain secrets.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                method: None,
                path: None,
                status: None,
                api_status: None,
                body_snippet: None,
                json_path: None,
                timeout: None,
                retry_after: None,
                attempts: 0,
                connect: false,
                source: None,
            }),
        }
    }

    /// Keeps `source` as the cause; it must not display a secret or a URL.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Arc::new(source));
        self
    }

    /// Keeps `source`, an error of the user's code, as the cause.
    pub(crate) fn with_boxed_source(
        mut self,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        self.inner.source = Some(Arc::from(source));
        self
    }

    /// The same error with another kind and its message rewritten by `f`.
    pub(crate) fn reworded(mut self, kind: ErrorKind, f: impl FnOnce(&str) -> String) -> Self {
        self.inner.message = f(&self.inner.message);
        self.inner.kind = kind;
        self
    }

    /// Names the call: its method and path template.
    pub(crate) fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        self.inner.method = Some(method);
        self.inner.path = Some(path_template);
        self
    }

    /// The HTTP status of the answer.
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// The `google.rpc.Status` the error body carried.
    pub(crate) fn with_api_status(mut self, status: ApiStatus) -> Self {
        self.inner.api_status = Some(status);
        self
    }

    /// The start of the body (see [`snippet`]).
    pub(crate) fn with_body_snippet(mut self, snippet: String) -> Self {
        self.inner.body_snippet = Some(snippet);
        self
    }

    /// The JSON path where decoding failed.
    pub(crate) fn with_json_path(mut self, path: String) -> Self {
        self.inner.json_path = Some(path);
        self
    }

    /// Which timeout expired.
    pub(crate) fn with_timeout(mut self, timeout: TimeoutKind) -> Self {
        self.inner.timeout = Some(timeout);
        self
    }

    /// The wait the server asked for (`Retry-After`).
    pub(crate) fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.inner.retry_after = wait;
        self
    }

    /// Marks a failure to connect (refused, unreachable, DNS, TLS handshake
    /// or connect timeout): no request reached a server.
    pub(crate) fn with_connect_failure(mut self) -> Self {
        self.inner.connect = true;
        self
    }

    /// How many requests were sent.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of the server's answer, if one was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The HTTP method of the failed call.
    pub fn method(&self) -> Option<Method> {
        self.inner.method
    }

    /// The path template of the failed call, as declared
    /// (`/api/v1/widgets/<widget_id>`): the template, not the values, so
    /// errors can be logged without personal data.
    pub fn path(&self) -> Option<&'static str> {
        self.inner.path
    }

    /// The `google.rpc.Status` of the error body, when it was one.
    pub fn api_status(&self) -> Option<&ApiStatus> {
        self.inner.api_status.as_ref()
    }

    /// The server's message: the `google.rpc.Status` message, if the error body was one.
    pub fn api_message(&self) -> Option<&str> {
        self.inner
            .api_status
            .as_ref()
            .map(|s| s.message.as_str())
            .filter(|m| !m.is_empty())
    }

    /// The start of the response body (at most 512 bytes of it, whitespace
    /// collapsed, credentials the call carried `[redacted]`, `…` when cut),
    /// when it was not a `google.rpc.Status` or did not decode.
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.body_snippet.as_deref()
    }

    /// For a [`ErrorKind::Decode`] error, the JSON path that failed (`connectorOwnerUser.user.id`).
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// For a [`ErrorKind::Timeout`] error, which timeout expired.
    pub fn timeout(&self) -> Option<TimeoutKind> {
        self.inner.timeout
    }

    /// The wait the server asked for with `Retry-After` (or `retry-after-ms`) on its last answer.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// How many requests were sent (0 when none was; a call that was retried
    /// counts every attempt). For an [`ErrorKind::Auth`] error, the token
    /// requests.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether the API answered `status` (a [`ErrorKind::Status`] error).
    /// A status of the token endpoint is an [`ErrorKind::Auth`] error, which
    /// none of the status questions below matches: a token endpoint that
    /// answers 404 says the base URL is wrong, not that a resource is gone.
    fn answered(&self, status: u16) -> bool {
        self.inner.kind == ErrorKind::Status && self.inner.status == Some(status)
    }

    /// Whether the API answered `400 Bad Request`: a value the server refuses
    /// (`api_status()` has its `INVALID_ARGUMENT` message).
    pub fn is_bad_request(&self) -> bool {
        self.answered(400)
    }

    /// Whether the API answered `401 Unauthorized`: the access token was
    /// refused, also after c1 fetched a fresh one (or the fixed token is
    /// wrong). Credentials the token endpoint refuses are an
    /// [`ErrorKind::Auth`] error instead.
    pub fn is_unauthorized(&self) -> bool {
        self.answered(401)
    }

    /// Whether the API answered `403 Forbidden`: signed in, but not allowed.
    pub fn is_forbidden(&self) -> bool {
        self.answered(403)
    }

    /// Whether the API answered `404 Not Found`: no such resource (or path).
    pub fn is_not_found(&self) -> bool {
        self.answered(404)
    }

    /// Whether the API answered `409 Conflict`: the resource exists already,
    /// or changed meanwhile.
    pub fn is_conflict(&self) -> bool {
        self.answered(409)
    }

    /// Whether the API answered `429 Too Many Requests` (after c1's retries);
    /// [`retry_after`](Error::retry_after) has the wait it asked for.
    pub fn is_rate_limited(&self) -> bool {
        self.answered(429)
    }

    /// Whether the API answered a `5xx` status (after c1's retries).
    pub fn is_server_error(&self) -> bool {
        self.inner.kind == ErrorKind::Status
            && self.inner.status.is_some_and(|s| (500..600).contains(&s))
    }

    /// Whether a timeout expired (see [`timeout`](Error::timeout) for which),
    /// for an API request or a token request alike.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether connecting failed: the host refused or could not be reached
    /// (DNS, routing, TLS handshake), or the connect timeout expired; no
    /// request reached a server. The message names the host and port. True
    /// for the token endpoint too (an [`ErrorKind::Auth`] error).
    pub fn is_connect(&self) -> bool {
        self.inner.connect
    }
}

impl fmt::Display for Error {
    /// One line whatever the server sent: everything is written through
    /// [`write_one_line`], so a `google.rpc.Status` message, an OAuth
    /// `error_description`, a JSON key or a transport cause cannot start a
    /// new line, move the cursor or reorder the text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(&mut OneLine(f))
    }
}

impl Error {
    /// The text of `Display`, before escaping.
    fn describe(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let i = &self.inner;
        if let (Some(method), Some(path)) = (i.method, i.path) {
            write!(f, "{method} {path}: ")?;
        }
        match i.status {
            // A non-2xx answer: the status says what happened.
            Some(status) if i.kind == ErrorKind::Status => {
                write!(f, "{status}")?;
                if let Some(reason) = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                {
                    write!(f, " {reason}")?;
                }
            }
            Some(status) => write!(f, "{status}: {}", i.message)?,
            None => f.write_str(&i.message)?,
        }
        if let Some(path) = &i.json_path {
            write!(f, " at `{path}`")?;
        }
        match &i.api_status {
            Some(api) => {
                if !api.message.is_empty() {
                    write!(f, ": {}", api.message)?;
                }
                match api.code_name() {
                    Some(name) => write!(f, " ({name})")?,
                    None => write!(f, " (code {})", api.code)?,
                }
            }
            None => {
                if let Some(snippet) = &i.body_snippet {
                    write!(f, "; body: {snippet:?}")?;
                }
            }
        }
        if i.attempts > 1 {
            write!(f, " (after {} attempts)", i.attempts)?;
        }
        Ok(())
    }
}

/// Whether `c` is escaped in an error's `Display`: control characters (C0,
/// DEL, C1: line breaks, ANSI escape sequences), the Unicode line and
/// paragraph separators, and the bidirectional controls that reorder text.
fn escaped_in_messages(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Writes `text` with each character of [`escaped_in_messages`] written as
/// Rust writes it in a string literal: `\n`, `\r`, `\t`, `\u{1b}`,
/// `\u{202e}`. Other text, backslashes included, is written as is.
pub(crate) fn write_one_line(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some((at, c)) = rest.char_indices().find(|(_, c)| escaped_in_messages(*c)) {
        out.write_str(&rest[..at])?;
        write!(out, "{}", c.escape_debug())?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// A writer that passes everything through [`write_one_line`].
struct OneLine<'a, 'f>(&'a mut fmt::Formatter<'f>);

impl fmt::Write for OneLine<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        write_one_line(self.0, text)
    }
}

/// `Debug` writes every text field as a Rust string literal (`{:?}`), which
/// escapes all that [`write_one_line`] does.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(m) = i.method {
            d.field("method", &m);
        }
        if let Some(p) = i.path {
            d.field("path", &p);
        }
        if let Some(s) = i.status {
            d.field("status", &s);
        }
        if let Some(a) = &i.api_status {
            d.field("api_status", a);
        }
        if let Some(b) = &i.body_snippet {
            d.field("body_snippet", b);
        }
        if let Some(j) = &i.json_path {
            d.field("json_path", j);
        }
        if let Some(t) = i.timeout {
            d.field("timeout", &t);
        }
        if let Some(r) = i.retry_after {
            d.field("retry_after", &r);
        }
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
        }
        if i.connect {
            d.field("connect", &true);
        }
        if let Some(s) = &i.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The most of a body an error shows.
pub(crate) const SNIPPET_BYTES: usize = 512;

/// The start of a body for an error message: at most [`SNIPPET_BYTES`] of
/// it, cut at a character boundary, with `secrets` removed (see
/// [`crate::redact`]; a credential that runs into the cut is removed however
/// little of it is left), whitespace runs collapsed to one space, `…` when
/// cut. `cut`: `body` is itself the start of a longer body. `[redacted]` is
/// longer than a short credential, so the snippet may pass
/// [`SNIPPET_BYTES`], but no more of the body is shown.
pub(crate) fn redacted_snippet(body: &[u8], secrets: &[&[u8]], cut: bool) -> String {
    const MAX: usize = SNIPPET_BYTES;
    let cut = cut || body.len() > MAX;
    let head = &body[..body.len().min(MAX)];
    // Cut a multi-byte character split by the limit rather than show U+FFFD.
    let head = match std::str::from_utf8(head) {
        Ok(_) => head,
        Err(e) if e.error_len().is_none() => &head[..e.valid_up_to()],
        Err(_) => head,
    };
    let head = crate::redact::redact(head, secrets, cut);
    let text = String::from_utf8_lossy(&head);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_static<T: Send + Sync + Clone + 'static>() {}

    fn snippet(body: &[u8]) -> String {
        redacted_snippet(body, &[], false)
    }

    #[test]
    fn error_is_send_sync_clone() {
        assert_send_sync_static::<Error>();
    }

    #[test]
    fn display_status_with_api_status_and_attempts() {
        let err = Error::new(ErrorKind::Status, "the server refused the request")
            .with_request(Method::Get, "/api/v1/widgets/<id>")
            .with_status(404)
            .with_api_status(ApiStatus {
                code: 5,
                message: "widget not found".into(),
                details: Vec::new(),
            })
            .with_attempts(1);
        assert_eq!(
            err.to_string(),
            "GET /api/v1/widgets/<id>: 404 Not Found: widget not found (NOT_FOUND)"
        );
        let err = err.with_attempts(3);
        assert!(err.to_string().ends_with(" (after 3 attempts)"), "{err}");
    }

    /// The status questions are about the API's answer: a token endpoint's
    /// 404 (a wrong base URL) is not a resource that is gone.
    #[test]
    fn status_questions_ask_the_apis_answer() {
        let api = |status| Error::new(ErrorKind::Status, "refused").with_status(status);
        let asked = |e: &Error| {
            [
                e.is_bad_request(),
                e.is_unauthorized(),
                e.is_forbidden(),
                e.is_not_found(),
                e.is_conflict(),
                e.is_rate_limited(),
                e.is_server_error(),
            ]
        };
        for (status, which) in [(400, 0), (401, 1), (403, 2), (404, 3), (409, 4), (429, 5)] {
            let answers = asked(&api(status));
            for (i, answer) in answers.iter().enumerate() {
                assert_eq!(*answer, i == which, "{status}: question {i}");
            }
        }
        for status in [500, 502, 503, 504, 599] {
            assert!(api(status).is_server_error(), "{status}");
        }
        assert_eq!(asked(&api(418)), [false; 7]);
        for status in [400, 401, 403, 404, 409, 429, 500] {
            let token = Error::new(ErrorKind::Auth, "refused").with_status(status);
            assert_eq!(asked(&token), [false; 7], "{status}");
        }
        let connect = Error::new(ErrorKind::Transport, "x").with_connect_failure();
        assert!(connect.is_connect() && !connect.is_timeout());
        assert!(!api(503).is_connect());
    }

    #[test]
    fn display_status_with_snippet() {
        let err = Error::new(ErrorKind::Status, "the server refused the request")
            .with_request(Method::Post, "/x")
            .with_status(502)
            .with_body_snippet(snippet(b"<html>\n  <b>bad\tgateway</b>\n</html>"));
        assert_eq!(
            err.to_string(),
            r#"POST /x: 502 Bad Gateway; body: "<html> <b>bad gateway</b> </html>""#
        );
    }

    #[test]
    fn display_is_one_line_whatever_the_server_sent() {
        let nasty =
            "a\nb\r\tc\u{1b}[31md\u{0}\u{7f}\u{85}\u{9b}e\u{2028}\u{2029}\u{202e}f\u{2066}\\n é";
        let err = Error::new(ErrorKind::Auth, format!("refused: {nasty}"))
            .with_status(400)
            .with_json_path(nasty.to_owned());
        assert_eq!(
            err.to_string(),
            "400: refused: a\\nb\\r\\tc\\u{1b}[31md\\0\\u{7f}\\u{85}\\u{9b}e\\u{2028}\\u{2029}\\u{202e}f\\u{2066}\\n é \
             at `a\\nb\\r\\tc\\u{1b}[31md\\0\\u{7f}\\u{85}\\u{9b}e\\u{2028}\\u{2029}\\u{202e}f\\u{2066}\\n é`"
        );
        let err = Error::new(ErrorKind::Status, "x")
            .with_status(404)
            .with_api_status(ApiStatus {
                code: 5,
                message: nasty.to_owned(),
                details: Vec::new(),
            });
        let text = err.to_string();
        assert!(!text.chars().any(escaped_in_messages), "{text}");
        assert!(text.starts_with("404 Not Found: a\\nb"), "{text}");
        let debug = format!("{err:?}");
        assert!(!debug.chars().any(escaped_in_messages), "{debug}");
    }

    #[test]
    fn snippet_is_bounded_and_cut_at_char_boundary() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.ends_with('…'));
        assert!(s.len() <= 512 + '…'.len_utf8());
        assert!(!s.contains('\u{FFFD}'));
        assert_eq!(snippet(b"  short  "), "short");
        assert_eq!(snippet(b"\xff\xfe"), "\u{FFFD}\u{FFFD}");
    }
}
