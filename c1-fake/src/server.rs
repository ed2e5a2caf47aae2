//! The connection loop: hyper over tokio, so faults can really drop a TCP connection.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::Shared;
use crate::hosted::RouteRequest;
use crate::inspect::{self, RecordedRequest};
use crate::status::ApiError;

/// The largest request body the fake reads (1 MiB); a larger one is answered 413.
pub const MAX_BODY: usize = 1 << 20;

/// The most bytes of request line and headers the fake reads (32 KiB); more is answered 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// How long a request's head, and then its body, may take to arrive by default (10 s).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connections may finish what they are doing once the fake stops.
const SHUTDOWN_DRAIN: Duration = Duration::from_secs(1);

/// The service error that makes hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Accept connections until `shutdown` flips, then shut every connection
/// down: gracefully, for at most [`SHUTDOWN_DRAIN`]; whatever is left (a
/// half-sent request, say) is closed.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    router: Router,
    shutdown: watch::Receiver<bool>,
) {
    let mut stop = shutdown.clone();
    let mut connections = JoinSet::new();
    let mut failures = 0u32;
    loop {
        let stream = tokio::select! {
            _ = stopped(&mut stop) => break,
            // Finished connections leave the set, so it holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    failures = 0;
                    stream
                }
                // Out of file descriptors (EMFILE) or the like: the pending
                // connection stays queued and accept fails again at once, so
                // wait instead of spinning, longer while it lasts.
                Err(_) => {
                    failures = failures.saturating_add(1);
                    tokio::select! {
                        _ = stopped(&mut stop) => break,
                        _ = tokio::time::sleep(accept_backoff(failures)) => continue,
                    }
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let router = router.clone();
        let mut stop = shutdown.clone();
        connections.spawn(async move {
            let read_timeout = shared.read_timeout;
            let svc =
                hyper::service::service_fn(move |req| handle(shared.clone(), router.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .max_buf_size(MAX_HEADER_BYTES)
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(TokioIo::new(stream), svc);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_DRAIN, conn).await;
                }
            }
        });
    }
    // Each connection saw the signal too; wait for them, then close the rest.
    let _ = tokio::time::timeout(SHUTDOWN_DRAIN * 2, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.shutdown().await;
}

/// The wait after the `failures`th accept error in a row: 10 ms doubling to 1 s.
fn accept_backoff(failures: u32) -> Duration {
    Duration::from_millis(10u64 << failures.saturating_sub(1).min(7)).min(Duration::from_secs(1))
}

/// Resolves once shutdown is requested (or the handle is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Handle one request: read, record, then answer (recording the status answered).
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (parts, body) = req.into_parts();
    let read = axum::body::to_bytes(Body::new(body), MAX_BODY);
    let body = match tokio::time::timeout(shared.read_timeout, read).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(PayloadTooLarge),
        // A body that stopped arriving: answered, and the connection closed.
        Err(_) => return Ok(body_timeout()),
    };
    let seq = record(&shared, &parts, body.as_deref().unwrap_or_default());
    let resp = answer(&shared, router, parts, body, seq).await;
    if let Ok(resp) = &resp {
        shared.set_status(seq, resp.status().as_u16());
    }
    resp
}

/// 408 for a body that did not arrive within the read timeout; hyper closes
/// the connection after it (the rest of the body is never read).
fn body_timeout() -> Response<Body> {
    let mut resp = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        4,
        "the request body did not arrive in time",
    )
    .into_response();
    resp.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    resp
}

/// A request's sequence number in the log, passed to the router's handlers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seq(pub(crate) u64);

/// The log's record of request `seq`, for a handler that keeps its own copy; recorded again
/// only if the ring has already dropped it.
pub(crate) fn recorded(shared: &Shared, seq: u64, parts: &Parts, body: &[u8]) -> RecordedRequest {
    shared.recorded(seq).unwrap_or_else(|| {
        let query = parts.uri.query();
        inspect::record(
            parts.method.as_str(),
            parts.uri.path(),
            query,
            &parts.headers,
            body,
        )
    })
}

/// A body over [`MAX_BODY`]: answered 413 (after faults, like a gateway).
struct PayloadTooLarge;

/// Record the request, count token requests and leaked secrets; returns its sequence number.
fn record(shared: &Shared, parts: &Parts, body: &[u8]) -> u64 {
    let path = parts.uri.path();
    let query = parts.uri.query();
    let record = inspect::record(parts.method.as_str(), path, query, &parts.headers, body);
    let seq = shared.push_request(record);
    if path == "/auth/v1/token" && parts.method == axum::http::Method::POST {
        shared.token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let needles = shared.secret_needles();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    if inspect::contains_any(path, query, &parts.headers, body, &needles) {
        shared.secret_leaks.fetch_add(1, Ordering::SeqCst);
    }
    seq
}

/// Faults first (like a gateway), then the body cap, authentication, hosted routes and the router.
async fn answer(
    shared: &Arc<Shared>,
    router: Router,
    parts: Parts,
    body: Result<bytes::Bytes, PayloadTooLarge>,
    seq: u64,
) -> Result<Response<Body>, DropConnection> {
    let path = parts.uri.path();
    let is_api = path.starts_with("/api/");
    let faults = if is_api {
        Some(&shared.api_faults)
    } else if path == "/auth/v1/token" {
        Some(&shared.token_faults)
    } else {
        None
    };
    if let Some(faults) = faults
        && let Some(fault) = faults.apply().await
    {
        return fault;
    }
    let Ok(bytes) = body else {
        return Ok(
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 8, "request body too large")
                .into_response(),
        );
    };
    // Callbacks and inbound listeners authenticate by their own means.
    if is_api && !crate::webhooks::signed_path(path) {
        let authorization = parts.headers.get(header::AUTHORIZATION);
        let authorization = authorization.and_then(|v| v.to_str().ok());
        if let Err(rejection) = shared.auth().check_bearer(authorization) {
            return Ok(ApiError::unauthenticated(rejection.message()).into_response());
        }
    }
    if let Some((route, params)) = shared.routes.find(parts.method.as_str(), path) {
        let request = recorded(shared, seq, &parts, &bytes);
        return route.answer(RouteRequest { request, params }).await;
    }
    let mut parts = parts;
    parts.extensions.insert(Seq(seq));
    let req = Request::from_parts(parts, Body::from(bytes));
    let mut router = router;
    let result: Result<Response<Body>, Infallible> =
        tower_service::Service::call(&mut router, req).await;
    match result {
        Ok(resp) => Ok(resp),
        Err(never) => match never {},
    }
}
