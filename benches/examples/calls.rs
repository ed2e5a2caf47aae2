//! Makes `n` GetUserOwner calls with one side, on the main thread, against
//! the loopback bench server (its own threads): run it under
//! `valgrind --tool=callgrind --separate-threads=yes` to count the client's
//! instructions per call, which unlike time does not depend on what else the
//! machine is doing.
//!
//! ```sh
//! cargo build --release -p c1-bench --example calls
//! valgrind --tool=callgrind --separate-threads=yes \
//!     target/release/examples/calls c1|reqwest <n>
//! ```
//!
//! With `CALLS_RUNTIME=multi` the calls run in a task on a 2-worker runtime
//! against a 2-thread server, as in the bench's `sequential` group but with
//! one client per process: time `calls c1 10000` against
//! `calls reqwest 10000`, alternating, to compare the two sides without the
//! other clients of the bench's process. `CALLS_TASKS=32` spreads the calls
//! over 32 tasks, as the bench's `concurrent_32` group does; under
//! `valgrind --tool=cachegrind --cache-sim=yes` that counts the L1 data-cache
//! misses per call, which is where c1 and plain reqwest differ
//! (`scripts/cache-misses.sh`).

use c1::ConnectorOwnersV2;
use c1_bench::hand::Hand;
use c1_bench::server::{Server, TOKEN};

const IDS: [&str; 4] = [
    "27IEhl63GSXCHZTu5dX9GUSst5b",
    "2dg4jcQCiK8wRbwktyRYEcGmHcM",
    "owner",
    "2jD6KXL7qvKrhsITXUilKucqwot",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (side, n) = match &args[..] {
        [_, side, n] => (side.as_str(), n.parse::<u64>().expect("n is a number")),
        _ => panic!("usage: calls c1|reqwest <n>"),
    };
    let multi = std::env::var("CALLS_RUNTIME").is_ok_and(|v| v == "multi");
    let server = Server::start(if multi { 2 } else { 1 });
    let base = server.base_url();
    let mut runtime = if multi {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(2);
        builder
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let rt = runtime.enable_all().build().expect("a runtime");
    let client = c1::Client::builder()
        .base_url(&base)
        .bearer_token(TOKEN)
        .build()
        .expect("the c1 client builds");
    let hand = Hand::new(&base, TOKEN);
    let [app, connector, role, user] = IDS;
    let tasks: u64 = std::env::var("CALLS_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let client = std::sync::Arc::new(client);
    let hand = std::sync::Arc::new(hand);
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let (client, hand, side) = (client.clone(), hand.clone(), side.to_owned());
            let count = n / tasks + u64::from(t < n % tasks);
            let calls = async move {
                for _ in 0..count {
                    match side.as_str() {
                        "c1" => drop(std::hint::black_box(
                            client
                                .get_user_owner(app, connector, role, user)
                                .await
                                .unwrap(),
                        )),
                        "reqwest" => drop(std::hint::black_box(
                            hand.get_user_owner(app, connector, role, user)
                                .await
                                .unwrap(),
                        )),
                        other => panic!("unknown side {other}"),
                    }
                }
            };
            // On a worker, as the bench's callers are.
            rt.spawn(calls)
        })
        .collect();
    rt.block_on(async {
        for handle in handles {
            handle.await.expect("the calls finish");
        }
    });
}
