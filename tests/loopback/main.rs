//! The client against servers on loopback (c1-fake, or the raw server of
//! `support`), one test binary: each module was a test target of its own,
//! and every target links c1, the fake and the runtime again; one binary
//! builds them once and runs its tests side by side.
//!
//! The tests that change what the whole process shares stay targets of
//! their own: `alloc` (a counting global allocator), `logging` and `http`
//! (tracing subscribers), `federation` (the environment, child processes),
//! `transport` (runs itself as a child), `examples` (runs the examples).

#[path = "../support/mod.rs"]
mod support;

mod api_coverage;
mod auth;
mod calls;
mod connector_owners;
mod dsl;
mod faults;
mod models;
mod proptest_paths;
mod security;
mod streams;
