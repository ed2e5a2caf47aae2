//! c1: a typed, safe-by-default Rust toolkit for the ConductorOne (C1) API.
//!
//! Declare an endpoint by annotating a trait method with [`c1_endpoint`]; the
//! attribute expands into path escaping, authentication, sending (with
//! retries, timeouts and a response size limit) and typed decoding, backed by
//! the runtime re-exported here. The ConductorOne services c1 ships are
//! declared the same way ([`ConnectorOwnersV2`]).
//!
//! ```no_run
//! use c1::{c1_endpoint, Api, Client, Result};
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize)]
//! pub struct Part {
//!     pub id: Option<String>,
//! }
//!
//! pub trait Widgets: Api {
//!     /// Fetch one part of a widget.
//!     #[c1_endpoint(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>")]
//!     async fn get_part(&self, widget_id: &str, part_id: &str, page_size: Option<u32>)
//!         -> Result<Part>;
//! }
//! impl Widgets for Client {}
//!
//! # async fn run() -> Result<()> {
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:8080")
//!     .bearer_token("tok")
//!     .build()?;
//! // GET /api/v1/widgets/w%201/parts/p%2F2
//! let part = client.get_part("w 1", "p/2", None).await?;
//!
//! // The shipped service, signing in from the environment:
//! use c1::ConnectorOwnersV2;
//! let client = Client::from_env()?;
//! let owner = client.get_user_owner("app", "connector", "owner", "user").await?;
//! # Ok(()) }
//! ```
//!
//! The DSL's reference (grammar, placeholders, parameter types, query, body,
//! `idempotent`, return types, the generated method, limits, a renamed crate)
//! is the documentation of [`c1_endpoint`](macro@c1_endpoint). Signing in is
//! on [`Client`], retries on [`RetryPolicy`], errors on [`Error`], listing
//! on [`Items`] (the stream each paginated operation's `<method>_stream`
//! returns) and [`paginate`] (for your own endpoints).
//!
//! The whole ConductorOne API is declared in [`services`], one cargo feature
//! per service (default: `connector-owners-v2`; `full` enables all), with
//! its types in [`models`]; call a service through its handle after
//! `use c1::prelude::*;`, e.g. `client.apps().get(id).await?`, or every app
//! as a stream, 100 a page: `client.apps().list_stream(100)`. A call owns
//! what it needs, so it borrows neither its arguments nor the handle:
//! `tokio::spawn(client.apps().get(id))` works as written. The docs of
//! [`services`] begin with an index of every service, its feature and its
//! operations, and those of [`models`] say which features enable each model;
//! calling the handle of a service whose feature is off is a compile error
//! that names the feature.

#![forbid(unsafe_code)]
// docs.rs (see `[package.metadata.docs.rs]`) marks each service and model
// with the feature that enables it.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets this crate's own declarations use the `::c1` paths that expansions emit.
extern crate self as c1;

#[doc = include_str!("docs/c1_endpoint.md")]
pub use c1_macros::c1_endpoint;
pub use c1_runtime::{
    AccessToken, Api, ApiStatus, BoxError, Call, Client, ClientBuilder, Error, ErrorKind, Items,
    MAX_EMPTY_PAGES, Method, Page, PathValue, QueryValue, Result, RetryPolicy, TimeoutKind,
    TokenSource, paginate,
};

#[doc(hidden)]
pub use c1_runtime::__private;
#[doc(no_inline)]
pub use c1_runtime::reqwest;

pub mod models;
pub mod services;
#[cfg(feature = "webhooks")]
pub mod webhooks;

#[cfg(feature = "connector-owners-v2")]
pub use services::ConnectorOwnersV2;

/// Everything a call needs: `use c1::prelude::*;` then `client.apps().get(..)`.
///
/// Brings [`Api`], [`Client`], [`Page`], [`Result`] and [`paginate`] by name,
/// and every enabled service trait and [`services::ServiceHandles`] unnamed
/// (their methods are callable; their names do not clash with models).
pub mod prelude {
    pub use crate::services::prelude::*;
    pub use crate::{Api, Client, Page, Result, paginate};
}
