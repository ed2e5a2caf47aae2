//! The ConductorOne services, declared with `#[c1_endpoint]` by `c1-codegen`:
//! one trait, one handle and one cargo feature per service.

mod generated;

pub use generated::*;
