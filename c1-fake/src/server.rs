//! The connection loop: hyper over tokio, so faults can really drop a TCP connection.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::Shared;
use crate::faults::Fault;
use crate::inspect;
use crate::status::ApiError;

/// The largest request body the fake reads (1 MiB); a larger one is answered 413.
pub const MAX_BODY: usize = 1 << 20;

/// The most bytes of request line and headers the fake reads (32 KiB); more is answered 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The service error that makes hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Accept connections until `shutdown` flips, then shut every connection down gracefully.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    router: Router,
    shutdown: watch::Receiver<bool>,
) {
    let mut stop = shutdown.clone();
    loop {
        let stream = tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::task::yield_now().await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let router = router.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let svc =
                hyper::service::service_fn(move |req| handle(shared.clone(), router.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .max_buf_size(MAX_HEADER_BYTES)
                .serve_connection(TokioIo::new(stream), svc);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

/// Resolves once shutdown is requested (or the handle is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Handle one request: read, record, inject faults, authenticate, route.
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (parts, body) = req.into_parts();
    let (bytes, too_large) = match axum::body::to_bytes(Body::new(body), MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (bytes::Bytes::new(), true),
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let record = inspect::record(
        parts.method.as_str(),
        &path,
        query.as_deref(),
        &parts.headers,
        &bytes,
    );
    let seq = shared.push_request(record);
    if path == "/auth/v1/token" && parts.method == axum::http::Method::POST {
        shared.token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let needles = shared.secret_needles();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    if inspect::contains_any(&path, query.as_deref(), &parts.headers, &bytes, &needles) {
        shared.secret_leaks.fetch_add(1, Ordering::SeqCst);
    }

    let is_api = path.starts_with("/api/");
    let faults = if is_api {
        Some(&shared.api_faults)
    } else if path == "/auth/v1/token" {
        Some(&shared.token_faults)
    } else {
        None
    };
    if let Some(faults) = faults {
        let (latency, fault) = faults.take();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if let Some(fault) = fault {
            let resp = match fault {
                Fault::DropConnection => return Err(DropConnection),
                Fault::Status(s) => {
                    ApiError::for_status(s, format!("injected fault: HTTP {s}")).into_response()
                }
                Fault::RateLimit { retry_after } => {
                    let mut resp =
                        ApiError::for_status(429, "injected fault: rate limited").into_response();
                    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                        resp.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                    resp
                }
                Fault::Raw {
                    status,
                    content_type,
                    body,
                } => {
                    let status =
                        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let mut resp = (status, body).into_response();
                    if let Ok(ct) = HeaderValue::from_str(&content_type) {
                        resp.headers_mut().insert(header::CONTENT_TYPE, ct);
                    }
                    resp
                }
            };
            shared.set_status(seq, resp.status().as_u16());
            return Ok(resp);
        }
    }

    let resp = if too_large {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, 8, "request body too large").into_response()
    } else if is_api
        && let Err(rejection) = shared.auth().check_bearer(
            parts
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
        )
    {
        ApiError::unauthenticated(rejection.message()).into_response()
    } else {
        let req = Request::from_parts(parts, Body::from(bytes));
        let mut router = router;
        let result: Result<Response<Body>, Infallible> =
            tower_service::Service::call(&mut router, req).await;
        match result {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    };
    shared.set_status(seq, resp.status().as_u16());
    Ok(resp)
}
