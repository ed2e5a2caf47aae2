//! Allocation counts and peak memory, with a counting global allocator.
//!
//! Counting is per thread: only allocations made by the thread running a
//! measurement, while it measures, are counted. The loopback server runs on
//! its own threads and the client on a current-thread runtime on the test
//! thread, so a count is exactly the client's work.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::pin::pin;

use c1::__private::{Endpoint, Method, Request};
use c1::ConnectorOwnersV2;
use futures_util::StreamExt;

#[path = "../benches/support/hand.rs"]
mod hand;
#[path = "../benches/support/server.rs"]
mod server;

use hand::Hand;
use server::{Server, TOKEN};

/// What one thread allocated while counting.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    on: bool,
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    allocs: u64,
    /// Bytes allocated minus bytes freed since counting started.
    live: i64,
    /// The highest `live` reached.
    peak: i64,
}

thread_local! {
    static COUNTS: Cell<Counts> = const {
        Cell::new(Counts { on: false, allocs: 0, live: 0, peak: 0 })
    };
}

fn record(allocs: u64, bytes: i64) {
    let _ = COUNTS.try_with(|cell| {
        let mut c = cell.get();
        if c.on {
            c.allocs += allocs;
            c.live += bytes;
            c.peak = c.peak.max(c.live);
            cell.set(c);
        }
    });
}

fn size(layout: Layout) -> i64 {
    i64::try_from(layout.size()).unwrap_or(i64::MAX)
}

/// The system allocator, counting on threads that asked for it.
struct Counting;

// SAFETY: every call is forwarded unchanged to `System`; counting only
// touches a const-initialized thread-local `Cell` and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(1, size(layout));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(1, size(layout));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        record(0, -size(layout));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(
                1,
                i64::try_from(new_size).unwrap_or(i64::MAX) - size(layout),
            );
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn start_counting() {
    COUNTS.with(|c| {
        c.set(Counts {
            on: true,
            ..Counts::default()
        })
    });
}

fn stop_counting() -> Counts {
    COUNTS.with(|c| {
        let counts = c.get();
        c.set(Counts::default());
        counts
    })
}

/// What `f` allocated on this thread.
fn count<R>(f: impl FnOnce() -> R) -> Counts {
    start_counting();
    black_box(f());
    stop_counting()
}

/// A runtime on the test thread: the client's tasks (connections included) run here.
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const IDS: [&str; 4] = [
    "27IEhl63GSXCHZTu5dX9GUSst5b",
    "2dg4jcQCiK8wRbwktyRYEcGmHcM",
    "owner",
    "2jD6KXL7qvKrhsITXUilKucqwot",
];

/// The endpoint of `ConnectorOwnersV2::get_user_owner`, as its expansion declares it.
static GET_USER_OWNER: Endpoint = Endpoint::new(
    Method::Get,
    "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>",
);

#[test]
fn building_the_url_allocates_no_more_than_format() {
    let base = "http://127.0.0.1:9";
    let client = c1::Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let hand = Hand::new(base, TOKEN);
    let [app_id, connector_id, role_slug, user_ref_id] = IDS;

    // Exactly the calls the expansion of `get_user_owner` makes before `send`.
    let build_c1 = || {
        let mut request = Request::new(c1::__private::client(&client), &GET_USER_OWNER);
        request.path_literal("/api/v2/apps/");
        request.path_param("app_id", &app_id);
        request.path_literal("/connectors/");
        request.path_param("connector_id", &connector_id);
        request.path_literal("/owners/users/");
        request.path_param("role_slug", &role_slug);
        request.path_literal("/");
        request.path_param("user_ref_id", &user_ref_id);
        request
    };
    // Warm up lazily initialized state, if any.
    black_box(build_c1());
    black_box(hand.url(app_id, connector_id, role_slug, user_ref_id));

    let c1_counts = count(build_c1);
    let format_counts = count(|| hand.url(app_id, connector_id, role_slug, user_ref_id));
    let builder_counts = count(|| {
        hand.request(hand.url(app_id, connector_id, role_slug, user_ref_id))
            .build()
            .unwrap()
    });
    println!(
        "URL building, allocations: c1 Request::new + path_param: {}; hand-written format!: {}; \
         hand-written format! + reqwest RequestBuilder::build: {}",
        c1_counts.allocs, format_counts.allocs, builder_counts.allocs
    );
    assert!(c1_counts.allocs >= 1, "the counter counts");
    assert!(
        c1_counts.allocs <= format_counts.allocs,
        "c1 builds the path with {} allocations, format! with {}",
        c1_counts.allocs,
        format_counts.allocs
    );
}

#[test]
fn a_whole_call_allocates_no_more_than_plain_reqwest() {
    let server = Server::start(1);
    let base = server.base_url();
    let rt = current_thread();
    let client = c1::Client::builder()
        .base_url(&base)
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let hand = Hand::new(&base, TOKEN);
    let [app_id, connector_id, role_slug, user_ref_id] = IDS;

    let (c1_allocs, hand_allocs) = rt.block_on(async {
        // Warm up: connections pooled, lazy statics initialized.
        for _ in 0..3 {
            client
                .get_user_owner(app_id, connector_id, role_slug, user_ref_id)
                .await
                .unwrap();
            hand.get_user_owner(app_id, connector_id, role_slug, user_ref_id)
                .await
                .unwrap();
        }
        let (mut c1_allocs, mut hand_allocs) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            start_counting();
            let owner = client
                .get_user_owner(app_id, connector_id, role_slug, user_ref_id)
                .await
                .unwrap();
            drop(black_box(owner));
            c1_allocs.push(stop_counting().allocs);

            start_counting();
            let owner = hand
                .get_user_owner(app_id, connector_id, role_slug, user_ref_id)
                .await
                .unwrap();
            drop(black_box(owner));
            hand_allocs.push(stop_counting().allocs);
        }
        c1_allocs.sort_unstable();
        hand_allocs.sort_unstable();
        (c1_allocs, hand_allocs)
    });
    println!(
        "whole GetUserOwner call (send, read 3 KB, decode), allocations per call: \
         c1 min {} median {}; plain reqwest min {} median {}",
        c1_allocs[0], c1_allocs[5], hand_allocs[0], hand_allocs[5]
    );
    assert_eq!(server.api_requests(), 26);
    // Decoding the 3 KB model dominates both; c1's extras (escaping, span,
    // deadlines, retry state) must cost no allocation beyond the baseline's.
    assert!(
        c1_allocs[5] <= hand_allocs[5],
        "c1 median {} allocations per call, hand-written {}",
        c1_allocs[5],
        hand_allocs[5]
    );
}

/// Lists `total` owners in pages of 100 and returns how many arrived and the
/// peak of live bytes on the client while listing.
fn list_owners(server: &Server, total: usize) -> (usize, i64) {
    let rt = current_thread();
    let client = c1::Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let app_id = total.to_string();
    rt.block_on(async {
        start_counting();
        let owners = c1::paginate(|token| {
            client.search_user_owners(&app_id, "conn", Some(100), token.as_deref(), None)
        });
        let mut owners = pin!(owners);
        let mut seen = 0;
        while let Some(owner) = owners.next().await {
            let owner = owner.unwrap();
            assert!(owner.user.is_some());
            drop(black_box(owner));
            seen += 1;
        }
        (seen, stop_counting().peak)
    })
}

#[test]
fn listing_memory_does_not_grow_with_the_list() {
    let server = Server::start(1);
    let (small_n, small_peak) = list_owners(&server, 1_000);
    let (large_n, large_peak) = list_owners(&server, 10_000);
    assert_eq!((small_n, large_n), (1_000, 10_000));
    let large_json = 10_000 * server.list_item_len();
    println!(
        "paginate, pages of 100, peak live bytes on the client: 1,000 owners {small_peak}; \
         10,000 owners {large_peak} (the 10,000 owners are {large_json} bytes of JSON)"
    );
    assert!(
        large_peak <= small_peak + small_peak / 2,
        "peak {large_peak} bytes for 10,000 owners, {small_peak} for 1,000"
    );
    assert!(
        (large_peak as usize) < large_json / 4,
        "peak {large_peak} bytes is not small next to the {large_json} bytes listed"
    );
}
