//! The fake over loopback HTTP, one test binary: each module was a test
//! target of its own, each linking the fake again. `connections` and
//! `federation` stay targets of their own (they change what the process
//! shares: its sockets' limits, the environment of child processes).

#[path = "../common/mod.rs"]
mod common;

mod fake;
mod routes;
mod tenant;
mod webhooks;
