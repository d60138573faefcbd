//! Errors: the crate's [`Error`] (start-up and store failures) and [`ApiError`], what a handler
//! answers with (a status code and a JSON body `{"error": "…", "code": "…"}`).

use std::path::PathBuf;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Errors of the server crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] epiwire_store::Error),
    /// A socket or file could not be used.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The system random-number source failed (token creation).
    #[error("no system randomness: {0}")]
    Random(String),
    /// A connection lock was poisoned by a panic in another request.
    #[error("store connection poisoned by an earlier panic")]
    Poisoned,
    /// A blocking task could not be joined (it panicked or the runtime shut down).
    #[error("background task failed: {0}")]
    Join(String),
    /// A configuration value that cannot be used.
    #[error("bad configuration: {0}")]
    Config(String),
    /// No store in the data directory.
    #[error("no epiwire store in {}; run `epiwire ingest` first", .0.display())]
    NoStore(PathBuf),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What kind of failure an [`ApiError`] is; its `code` in the JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A parameter or body that cannot be used (400).
    BadRequest,
    /// No such event or document (404).
    NotFound,
    /// No route with this path (404).
    NoRoute,
    /// Missing or wrong bearer token (401).
    Unauthorized,
    /// Wrong method for this path (405).
    MethodNotAllowed,
    /// The body is not JSON (415).
    UnsupportedMediaType,
    /// Anything else (500); details go to the log only.
    Internal,
}

/// An error answer of the HTTP API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable kind.
    pub code: ErrorCode,
    /// The human-readable message.
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    code: ErrorCode,
}

impl ApiError {
    /// 400 with this message.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::BadRequest,
            message: message.into(),
        }
    }

    /// 404 for an unknown id.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::NotFound,
            message: message.into(),
        }
    }

    /// 401 with this message.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: ErrorCode::Unauthorized,
            message: message.into(),
        }
    }

    /// 500; the cause is logged, the answer says only "internal error".
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {cause}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: ErrorCode::Internal,
            message: "internal error (see the server log)".to_owned(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        ApiError::internal(&e)
    }
}

impl From<epiwire_store::Error> for ApiError {
    fn from(e: epiwire_store::Error) -> ApiError {
        ApiError::internal(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            code: self.code,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"epiwire\""),
            );
        }
        response
    }
}
