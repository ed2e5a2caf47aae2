//! The router: the token endpoint, the API routes and the `google.rpc.Status` fallbacks.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::Shared;
use crate::catalog::Call;
use crate::inspect;
use crate::server::{self, Seq};
use crate::status::ApiError;

/// Build the fake's router over its shared state.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/auth/v1/token", post(token))
        .route(
            "/oidc/.well-known/openid-configuration",
            get(oidc_discovery),
        )
        .route("/oidc/jwks", get(oidc_jwks))
        .merge(crate::owners::routes())
        .merge(crate::webhooks::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// `GET /oidc/.well-known/openid-configuration`: the fake OIDC issuer's discovery document.
async fn oidc_discovery(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.auth().issuer.discovery()).into_response()
}

/// `GET /oidc/jwks`: the fake OIDC issuer's public key.
async fn oidc_jwks(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.auth().issuer.jwks()).into_response()
}

/// `POST /auth/v1/token`: the client-credentials grant with a JWT-bearer client assertion,
/// or the token exchange of a workload's OIDC token under a federation trust.
async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match shared.auth().token_request(content_type, &body) {
        Ok(json) => (
            StatusCode::OK,
            [("cache-control", "no-store")],
            axum::Json(json),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// No route of the router: the catalog's generic operations; else a hosted route's path
/// with another method is 405; else 404.
async fn not_found(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    if path.starts_with("/api/") {
        // The body was read (and capped) before routing.
        let body = axum::body::to_bytes(body, server::MAX_BODY)
            .await
            .unwrap_or_default();
        let method = parts.method.as_str();
        let record = match parts.extensions.get::<Seq>() {
            Some(Seq(seq)) => server::recorded(&shared, *seq, &parts, &body),
            None => inspect::record(method, path, parts.uri.query(), &parts.headers, &body),
        };
        let nulls = shared.store().nulls;
        let call = Call {
            store: &shared.store,
            method,
            raw_path: path,
            body: &body,
            record,
            nulls,
        };
        if let Some(resp) = shared.catalog.serve(call) {
            return resp;
        }
    }
    if shared.routes.knows_path(path) {
        return method_not_allowed().await.into_response();
    }
    ApiError::not_found("Not Found").into_response()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, 12, "Method Not Allowed")
}
