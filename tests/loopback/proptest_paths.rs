//! Any path value but `""`, `.` and `..` reaches the server unchanged, as
//! exactly one segment (one loopback server for all cases).

use crate::support;

use std::sync::OnceLock;

use c1::{Client, ErrorKind};
use proptest::prelude::*;
use support::{Server, Widgets};
use tokio::runtime::Runtime;

/// The runtime, server and client every case shares.
fn fixture() -> &'static (Runtime, Server, Client) {
    static FIXTURE: OnceLock<(Runtime, Server, Client)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(Server::always(200, "{}"));
        let client = server.client();
        (rt, server, client)
    })
}

/// Strings heavy in the characters that matter in URLs, and any strings.
fn path_value() -> impl Strategy<Value = String> {
    prop_oneof!["[./%?#&=+;:@ \\\\é😀a-zA-Z0-9~_-]{1,12}", any::<String>(),]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_value_is_one_segment(a in path_value(), b in path_value()) {
        let (rt, server, client) = fixture();
        let result = rt.block_on(client.get_part(&a, &b, None));
        let refused = |v: &str| matches!(v, "" | "." | "..");
        if refused(&a) || refused(&b) {
            let err = result.unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        } else {
            result.unwrap();
            let request = server.requests().pop().unwrap();
            let segments = request.segments();
            prop_assert_eq!(
                segments,
                vec!["api".to_owned(), "v1".into(), "widgets".into(), a, "parts".into(), b]
            );
            prop_assert_eq!(request.query(), None);
        }
    }
}

/// A value spelling a dot segment with `%2e` is text, not a dot segment: its
/// `%` is escaped, so the server receives exactly the value. (Written as a
/// template literal, it would be resolved as `..`; the macro refuses it.)
/// Its own server: the shared one's last request belongs to the proptest.
#[tokio::test]
async fn encoded_dots_in_values_are_text() {
    let server = Server::always(200, "{}").await;
    let client = server.client();
    for value in ["%2e", "%2E", "%2e%2e", ".%2E", "%2e."] {
        client.get_part(value, "p", None).await.unwrap();
        let request = server.requests().pop().unwrap();
        let escaped = value.replace('%', "%25");
        assert_eq!(request.target, format!("/api/v1/widgets/{escaped}/parts/p"));
        assert_eq!(request.segments()[3], value);
    }
}
