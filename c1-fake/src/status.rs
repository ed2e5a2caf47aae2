//! `google.rpc.Status` error bodies, the shape every C1 API error uses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// gRPC status code `INVALID_ARGUMENT`.
pub const INVALID_ARGUMENT: i32 = 3;
/// gRPC status code `NOT_FOUND`.
pub const NOT_FOUND: i32 = 5;
/// gRPC status code `ALREADY_EXISTS`.
pub const ALREADY_EXISTS: i32 = 6;
/// gRPC status code `UNAUTHENTICATED`.
pub const UNAUTHENTICATED: i32 = 16;

/// The gRPC code grpc-gateway pairs with an HTTP status.
pub fn grpc_code_for(status: u16) -> i32 {
    match status {
        400 => 3,
        401 => 16,
        403 => 7,
        404 => 5,
        405 => 12,
        409 => 6,
        412 => 9,
        429 => 8,
        499 => 1,
        500 => 13,
        501 => 12,
        503 => 14,
        504 => 4,
        _ => 2,
    }
}

/// An API error answered as `google.rpc.Status` JSON.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The gRPC code in the body.
    pub code: i32,
    /// The human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with an explicit HTTP status and gRPC code.
    pub fn new(status: StatusCode, code: i32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `INVALID_ARGUMENT`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, INVALID_ARGUMENT, message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, NOT_FOUND, message)
    }

    /// 409 `ALREADY_EXISTS`.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ALREADY_EXISTS, message)
    }

    /// 401 `UNAUTHENTICATED`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, UNAUTHENTICATED, message)
    }

    /// An error for an arbitrary HTTP status, with the matching gRPC code.
    pub fn for_status(status: u16, message: impl Into<String>) -> Self {
        let http = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(http, grpc_code_for(status), message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "details": [] });
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        resp
    }
}
