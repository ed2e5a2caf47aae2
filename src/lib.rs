//! c1: a typed, safe-by-default Rust toolkit for the ConductorOne (C1) API.
//!
//! Declare an endpoint by annotating a trait method with [`c1_endpoint`]; the
//! attribute expands into path escaping, authentication, sending and typed
//! decoding, backed by the runtime re-exported here. The ConductorOne services
//! c1 ships are declared the same way ([`ConnectorOwnersV2`]).

// Lets this crate's own declarations use the `::c1` paths that expansions emit.
extern crate self as c1;

pub use c1_macros::c1_endpoint;
pub use c1_runtime::{
    Api, ApiStatus, Client, ClientBuilder, Error, ErrorKind, Method, Page, PathValue, QueryValue,
    Result, RetryPolicy, TimeoutKind, paginate,
};

#[doc(hidden)]
pub use c1_runtime::__private;

pub mod models;
mod services;

pub use services::connector_owners_v2::ConnectorOwnersV2;
