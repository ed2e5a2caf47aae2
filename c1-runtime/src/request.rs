//! One endpoint call: built by the expansion, then sent by the client.

use std::fmt;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{ApiStatus, Error, ErrorKind, Result, snippet};
use crate::path::{PathValue, push_segment};
use crate::query::QueryValue;

/// The HTTP methods an endpoint can use.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending the request twice has the effect of sending it once.
    pub const fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an expansion knows at compile time about its endpoint.
#[derive(Debug)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template for errors and traces, placeholders as `{name}`.
    pub template: &'static str,
    /// Whether sending the request twice has the effect of sending it once:
    /// the method's own answer, or `true` for a read-only `POST` search
    /// declared `idempotent`. Decides which failures are retried.
    pub idempotent: bool,
}

impl Endpoint {
    /// The endpoint `method template`, idempotent when its method is.
    pub const fn new(method: Method, template: &'static str) -> Self {
        Endpoint {
            method,
            template,
            idempotent: method.is_idempotent(),
        }
    }

    /// The same endpoint, declared idempotent (retried like a `GET`).
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

/// A request being built by an expansion: path, query and body. A value that
/// cannot be sent is remembered, and `send` returns it before any I/O.
pub struct Request<'c> {
    pub(crate) client: &'c Client,
    pub(crate) endpoint: &'static Endpoint,
    /// Base URL, path and query, escaped.
    pub(crate) url: String,
    pub(crate) has_query: bool,
    pub(crate) body: Option<Bytes>,
    pub(crate) error: Option<Error>,
}

impl<'c> Request<'c> {
    /// Starts a request of `endpoint` on `client`.
    pub fn new(client: &'c Client, endpoint: &'static Endpoint) -> Self {
        let base = &client.inner.base_url;
        // One allocation for the whole URL: room for the template's
        // placeholders to become a few 27-character C1 ids and a query.
        let mut url = String::with_capacity(base.len() + endpoint.template.len() + 128);
        url.push_str(base);
        Request {
            client,
            endpoint,
            url,
            has_query: false,
            body: None,
            error: None,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(
                Error::new(ErrorKind::InvalidArgument, message)
                    .with_request(self.endpoint.method, self.endpoint.template),
            );
        }
    }

    /// Appends literal, already valid path text.
    pub fn path_literal(&mut self, text: &'static str) {
        self.url.push_str(text);
    }

    /// Appends `value` as one escaped path segment.
    pub fn path_param<V: PathValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        let value = value.to_path_value();
        if let Err(e) = push_segment(&mut self.url, &value) {
            self.fail(format!("path parameter `{name}` {}", e.describe()));
        }
    }

    /// Appends `name=value` to the query, unless the value is absent.
    pub fn query_param<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        if let Some(value) = value.to_query_value() {
            self.url.push(if self.has_query { '&' } else { '?' });
            self.has_query = true;
            self.url
                .extend(form_urlencoded::byte_serialize(name.as_bytes()));
            self.url.push('=');
            self.url
                .extend(form_urlencoded::byte_serialize(value.as_bytes()));
        }
    }

    /// Sends `body` as the JSON request body.
    pub fn json_body<B: Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(e) => self.fail(format!("the request body could not be serialized: {e}")),
        }
    }

    /// Sends the request and decodes a 2xx JSON answer into `T` (an empty
    /// body decodes as `{}`).
    ///
    /// Not an `async fn`: the returned future declares `Send`, so the
    /// `+ Send` of each expanded method is proven from this bound instead of
    /// from the whole request pipeline's state machine once per method (a
    /// crate of 200 endpoints type-checks about 4x faster; see
    /// scripts/compile-scale.sh).
    #[allow(
        clippy::manual_async_fn,
        reason = "the declared `Send` bound is the point"
    )]
    pub fn send<T: DeserializeOwned>(self) -> impl std::future::Future<Output = Result<T>> + Send {
        async move {
            let endpoint = self.endpoint;
            let (body, attempts) = self.execute().await?;
            decode(endpoint, &body).map_err(|e| e.with_attempts(attempts))
        }
    }

    /// Sends the request and accepts an empty body or any JSON object.
    pub fn send_empty(self) -> impl std::future::Future<Output = Result<()>> + Send {
        let sent = self.send::<serde::de::IgnoredAny>();
        async move { sent.await.map(|_| ()) }
    }

    /// Sends the request (with retries and auth) and returns a 2xx body and
    /// the number of requests sent.
    async fn execute(self) -> Result<(Bytes, u32)> {
        if let Some(error) = self.error {
            return Err(error);
        }
        crate::send::execute(self.client, self.endpoint, self.url, self.body).await
    }
}

/// Decodes a 2xx body; an empty body reads as `{}`. The error names the
/// JSON path that failed and shows the start of the body.
pub(crate) fn decode<T: DeserializeOwned>(endpoint: &Endpoint, body: &[u8]) -> Result<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // serde_json limits nesting to 128 levels, so a hostile body cannot
    // overflow the stack. Tracking the path costs an allocation per key, so
    // it is done only to explain a failure: decoding is deterministic, the
    // second pass fails where the first did.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(first) => Err(decode_error::<T>(endpoint, body, first)),
    }
}

/// The error for a body that does not decode into `T`, with its JSON path.
#[cold]
fn decode_error<T: DeserializeOwned>(
    endpoint: &Endpoint,
    body: &[u8],
    first: serde_json::Error,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        // Only trailing characters are left to fail on.
        Ok(_) => (String::new(), de.end().err().unwrap_or(first)),
    };
    let mut err = Error::new(
        ErrorKind::Decode,
        format!("the response body does not decode: {inner}"),
    )
    .with_request(endpoint.method, endpoint.template)
    .with_body_snippet(snippet(body));
    if !path.is_empty() && path != "." {
        err = err.with_json_path(path);
    }
    err.with_source(inner)
}

/// The error for a non-2xx answer: the `google.rpc.Status` of the body when
/// it is one, else the start of the body.
pub(crate) fn status_error(status: u16, body: &[u8]) -> Error {
    let mut err =
        Error::new(ErrorKind::Status, "the server refused the request").with_status(status);
    match serde_json::from_slice::<ApiStatus>(body) {
        Ok(api) if !api.message.is_empty() || api.code != 0 => err = err.with_api_status(api),
        _ if !body.iter().all(u8::is_ascii_whitespace) => {
            err = err.with_body_snippet(snippet(body));
        }
        _ => {}
    }
    err
}
