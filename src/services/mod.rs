//! The ConductorOne services c1 ships, declared with `#[c1_endpoint]`.

pub mod connector_owners_v2;
