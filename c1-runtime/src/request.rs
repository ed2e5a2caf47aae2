//! One endpoint call: built by the expansion, then sent by the client.

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api_call::start;
use crate::call::{Call, Decoder};
use crate::client::Client;
use crate::decode::decode;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::path::{PathValue, push_segment};
use crate::query::QueryValue;
use crate::sent::Sending;

/// The longest URL sent. HTTP libraries refuse longer ones (`http::Uri`
/// stops at 65,534 bytes), and no ConductorOne request needs one.
pub(crate) const MAX_URL_BYTES: usize = 65_534;

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
    pub fn send<T: DeserializeOwned>(self) -> Call<'static, T> {
        self.call(decode::<T>)
    }

    /// Sends the request and accepts an empty body or any JSON object; any
    /// other JSON (`null`, an array, a string, a number) is a `Decode` error.
    pub fn send_empty(self) -> Call<'static, ()> {
        self.call(|endpoint, body, secrets| {
            decode::<AnyObject>(endpoint, body, secrets).map(|_| ())
        })
    }

    /// The call: the pipeline [`start`] boxes, or the error that stops the
    /// request before any I/O (returned when the call is first polled).
    /// Either owns what it needs: the call borrows neither the request's
    /// arguments nor the client.
    fn call<T>(mut self, decode: Decoder<T>) -> Call<'static, T> {
        let sending: Sending = match self.check() {
            Ok(()) => start(self.client, self.endpoint, self.url, self.body),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        };
        Call::new(self.endpoint, sending, decode)
    }

    /// The first invalid value, or a URL too long to send.
    fn check(&mut self) -> Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.url.len() > MAX_URL_BYTES {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the request URL would be {} bytes long, over the limit of {MAX_URL_BYTES}; \
                     no request was sent",
                    self.url.len()
                ),
            )
            .with_request(self.endpoint.method, self.endpoint.template));
        }
        Ok(())
    }
}

/// Any JSON object, its members read and dropped: the answer of an
/// operation that returns nothing (`Result<()>`).
struct AnyObject;

impl<'de> serde::Deserialize<'de> for AnyObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AnyObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<AnyObject, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(Visitor)
    }
}
