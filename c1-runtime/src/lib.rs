//! The runtime behind c1's `#[c1_endpoint]` methods: the [`Client`], its
//! authentication, errors, retries and the helpers that expansions call.
//!
//! This crate knows no ConductorOne model; the `c1` crate re-exports it.

mod api;
mod auth;
mod client;
mod error;
mod paginate;
mod path;
mod query;
mod request;
mod retry;
mod send;

pub use api::Api;
pub use client::{Client, ClientBuilder};
pub use error::{ApiStatus, Error, ErrorKind, Result, TimeoutKind};
pub use paginate::{Page, paginate};
pub use path::PathValue;
pub use query::QueryValue;
pub use request::Method;
pub use retry::RetryPolicy;

/// Items that `#[c1_endpoint]` expansions call. Not a public API: no
/// stability promise, may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::api::client;
    pub use crate::request::{Endpoint, Method, Request};
}
