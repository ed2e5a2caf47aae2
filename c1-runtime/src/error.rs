//! The one error type of c1: what failed, for which request, and why.

use std::fmt;
use std::sync::Arc;

use crate::request::Method;

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
    /// The request could not be sent or its answer not received (DNS, connect,
    /// reset, TLS, not HTTP).
    Transport,
    /// A timeout expired; [`Error::timeout`] says which.
    Timeout,
    /// The server answered with a non-2xx status.
    Status,
    /// The server answered 2xx with a body that does not decode into the type.
    Decode,
    /// The response body exceeded the configured size limit.
    TooLarge,
    /// Getting an access token failed (token endpoint error or bad answer).
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
}

/// An error from c1: configuration, sending, the server's answer or decoding it.
///
/// `Display` says what happened: method, path template, status and the
/// server's message. It never contains a token or secret.
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
    attempts: u32,
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
                attempts: 0,
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn with_request(mut self, method: Method, path_template: &'static str) -> Self {
        self.inner.method = Some(method);
        self.inner.path = Some(path_template);
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_api_status(mut self, status: ApiStatus) -> Self {
        self.inner.api_status = Some(status);
        self
    }

    pub(crate) fn with_body_snippet(mut self, snippet: String) -> Self {
        self.inner.body_snippet = Some(snippet);
        self
    }

    pub(crate) fn with_json_path(mut self, path: String) -> Self {
        self.inner.json_path = Some(path);
        self
    }

    pub(crate) fn with_timeout(mut self, timeout: TimeoutKind) -> Self {
        self.inner.timeout = Some(timeout);
        self
    }

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

    /// The path template of the failed call (`/api/v1/widgets/{widget_id}`):
    /// the template, not the values, so errors can be logged without personal data.
    pub fn path(&self) -> Option<&'static str> {
        self.inner.path
    }

    /// The `google.rpc.Status` of the error body, when it was one.
    pub fn api_status(&self) -> Option<&ApiStatus> {
        self.inner.api_status.as_ref()
    }

    /// The start of the response body (bounded), when it was not a `google.rpc.Status`
    /// or did not decode.
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

    /// How many attempts were made (0 when no request was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether the server answered 404.
    pub fn is_not_found(&self) -> bool {
        self.inner.status == Some(404)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let (Some(method), Some(path)) = (i.method, i.path) {
            write!(f, "{method} {path}: ")?;
        }
        if let Some(status) = i.status {
            write!(f, "{status}")?;
            if let Some(reason) = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
            {
                write!(f, " {reason}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&i.message)?;
        if let Some(api) = &i.api_status {
            write!(f, ": {} (code {})", api.message, api.code)?;
        }
        if let Some(path) = &i.json_path {
            write!(f, " at `{path}`")?;
        }
        if i.attempts > 1 {
            write!(f, " (after {} attempts)", i.attempts)?;
        }
        if i.api_status.is_none() {
            if let Some(snippet) = &i.body_snippet {
                write!(f, "; body: {snippet:?}")?;
            }
        }
        Ok(())
    }
}

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
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
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
