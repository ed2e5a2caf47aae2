//! What the benchmarks and the allocation tests share: the baseline call a
//! user writes with reqwest, and a fast loopback server to call.

pub mod hand;
pub mod server;
