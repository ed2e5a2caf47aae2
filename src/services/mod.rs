//! The ConductorOne services, declared with `#[c1_endpoint]` by `c1-codegen`:
//! one trait, one handle and one cargo feature per service.
//!
//! Each item's page says which feature enables it (on docs.rs, which builds
//! with `full`); the index below lists every service, its feature and its
//! operations, enabled or not.
// Only for rustdoc: rustc would read the index (markdown) on every build.
#![cfg_attr(doc, doc = include_str!("generated/index.md"))]

mod generated;

pub use generated::*;
