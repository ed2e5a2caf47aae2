//! The runtime behind c1's `#[c1_endpoint]` methods: the [`Client`], its
//! authentication, errors, retries and the helpers that expansions call.
//!
//! This crate knows no ConductorOne model; the `c1` crate re-exports it.

#![forbid(unsafe_code)]

mod api;
mod api_call;
mod auth;
mod call;
mod checks;
mod client;
mod clock;
mod deadline;
mod decode;
mod endpoint;
mod env;
mod error;
mod http_client;
mod log;
mod origin;
mod paginate;
mod path;
mod query;
mod redact;
mod request;
mod retry;
mod send;
mod sent;
mod shown;
mod transport;
#[cfg(feature = "webhooks")]
pub mod webhooks;

/// The HTTP library c1 sends with, for its transport types
/// ([`reqwest::Proxy`], [`reqwest::Certificate`], [`reqwest::Identity`]).
pub use reqwest;

pub use api::Api;
pub use auth::{AccessToken, BoxError, TokenSource};
pub use call::Call;
pub use client::{Client, ClientBuilder};
pub use endpoint::Method;
pub use error::{ApiStatus, Error, ErrorKind, Result, TimeoutKind};
pub use paginate::{Items, MAX_EMPTY_PAGES, Page, paginate};
pub use path::PathValue;
pub use query::QueryValue;
pub use retry::RetryPolicy;

/// Items that `#[c1_endpoint]` expansions call. Not a public API: no
/// stability promise, may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::api::client;
    pub use crate::checks::*;
    pub use crate::decode::NESTING_LIMIT_EXCEEDED;
    pub use crate::endpoint::{Endpoint, Method};
    pub use crate::request::Request;
}
