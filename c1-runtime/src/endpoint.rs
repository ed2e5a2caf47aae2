//! What an endpoint is, as an expansion declares it: its HTTP method, its
//! path template and whether it may be sent twice.

use std::fmt;

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
    /// The path template for errors and traces, placeholders as declared (`<name>`).
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
