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
    let server = Server::start(1);
    let base = server.base_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = c1::Client::builder()
        .base_url(&base)
        .bearer_token(TOKEN)
        .build()
        .expect("the c1 client builds");
    let hand = Hand::new(&base, TOKEN);
    let [app, connector, role, user] = IDS;
    rt.block_on(async {
        for _ in 0..n {
            match side {
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
    });
}
