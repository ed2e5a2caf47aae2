//! A small, fast loopback HTTP/1.1 server (hyper) for the benchmarks and the
//! allocation tests, on its own multi-thread tokio runtime so its work never
//! runs on (or is counted against) the client's threads.
//!
//! It answers:
//! - `POST /auth/v1/token`: an access token (`bench-token`, valid 24 h); the
//!   assertion is not checked.
//! - `GET /api/v2/apps/<app>/connectors/<c>/owners/users/<role>/<user>`: the
//!   `GetConnectorUserOwnerResponse` fixture, compacted (about 3 KB).
//! - `GET /api/v2/apps/<total>/connectors/<c>/owners/users?page_size=&page_token=`:
//!   pages of a list of `<total>` owners, generated on the fly (`page_token`
//!   is the offset of the page).
//!
//! Every API request must carry `Authorization: Bearer bench-token` (else 401).
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

/// The access token the server issues and expects.
pub const TOKEN: &str = "bench-token";

/// The fixture served by the single-owner endpoint (pretty-printed; served compacted).
pub const USER_OWNER_FIXTURE: &str =
    include_str!("../../tests/fixtures/GetConnectorUserOwnerResponse.json");

/// The fixture whose first list item the list endpoint repeats.
const SEARCH_FIXTURE: &str =
    include_str!("../../tests/fixtures/SearchConnectorUserOwnersResponse.json");

const TOKEN_BODY: &str =
    r#"{"access_token":"bench-token","token_type":"Bearer","expires_in":86400}"#;

struct State {
    user_owner: Bytes,
    /// One compact `ConnectorOwnerUser`, repeated in every page.
    list_item: String,
    token_requests: AtomicUsize,
    api_requests: AtomicUsize,
}

/// A running server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    /// Starts the server on `127.0.0.1:<any port>` with `workers` runtime threads.
    pub fn start(workers: usize) -> Server {
        let compact = |json: &str| -> serde_json::Value {
            serde_json::from_str(json).expect("the fixture is JSON")
        };
        let user_owner = Bytes::from(
            serde_json::to_vec(&compact(USER_OWNER_FIXTURE)).expect("the fixture serializes"),
        );
        let list_item = compact(SEARCH_FIXTURE)["list"][0].to_string();
        let state = Arc::new(State {
            user_owner,
            list_item,
            token_requests: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .expect("the server runtime starts");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("loopback bind");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("bound address");
        let accept_state = state.clone();
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, state.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            state,
            runtime: Some(runtime),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Token requests answered so far.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::Relaxed)
    }

    /// Authorized API requests answered so far.
    pub fn api_requests(&self) -> usize {
        self.state.api_requests.load(Ordering::Relaxed)
    }

    /// The single-owner response body as served.
    pub fn user_owner_body(&self) -> &[u8] {
        &self.state.user_owner
    }

    /// The size of one list item as served, in bytes.
    pub fn list_item_len(&self) -> usize {
        self.state.list_item.len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() == Method::POST && req.uri().path() == "/auth/v1/token" {
        // Read the form so the connection stays reusable.
        let _ = req.into_body().collect().await;
        state.token_requests.fetch_add(1, Ordering::Relaxed);
        return Ok(json(
            StatusCode::OK,
            Bytes::from_static(TOKEN_BODY.as_bytes()),
        ));
    }
    let authorized = req
        .headers()
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().strip_prefix(b"Bearer ") == Some(TOKEN.as_bytes()));
    if !authorized {
        return Ok(json(
            StatusCode::UNAUTHORIZED,
            Bytes::from_static(br#"{"code":16,"message":"missing or wrong access token"}"#),
        ));
    }
    let path = req.uri().path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let response = match (req.method(), segments.as_slice()) {
        (
            &Method::GET,
            [
                "api",
                "v2",
                "apps",
                _,
                "connectors",
                _,
                "owners",
                "users",
                _,
                _,
            ],
        ) => json(StatusCode::OK, state.user_owner.clone()),
        (
            &Method::GET,
            [
                "api",
                "v2",
                "apps",
                total,
                "connectors",
                _,
                "owners",
                "users",
            ],
        ) => {
            let total: usize = total.parse().unwrap_or(0);
            let (mut size, mut offset) = (50usize, 0usize);
            for (name, value) in form_pairs(req.uri().query().unwrap_or("")) {
                match name {
                    "page_size" => size = value.parse().unwrap_or(50).clamp(1, 1000),
                    "page_token" => offset = value.parse().unwrap_or(0),
                    _ => {}
                }
            }
            json(StatusCode::OK, page(&state.list_item, total, offset, size))
        }
        _ => json(
            StatusCode::NOT_FOUND,
            Bytes::from_static(br#"{"code":5,"message":"no such route"}"#),
        ),
    };
    state.api_requests.fetch_add(1, Ordering::Relaxed);
    Ok(response)
}

/// `name=value` pairs of a query (values are plain numbers here: no decoding).
fn form_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query.split('&').filter_map(|pair| pair.split_once('='))
}

/// The page of `size` items at `offset` of a list of `total`.
fn page(item: &str, total: usize, offset: usize, size: usize) -> Bytes {
    let end = total.min(offset.saturating_add(size));
    let count = end.saturating_sub(offset);
    let mut body = String::with_capacity(count * (item.len() + 1) + 64);
    body.push_str(r#"{"list":["#);
    for i in 0..count {
        if i > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str(r#"],"nextPageToken":""#);
    if end < total {
        body.push_str(&end.to_string());
    }
    body.push_str(r#""}"#);
    Bytes::from(body)
}
