//! Every answer that is not a success, as one type: each becomes the JSON
//! error body of the contract, so that bad JSON, unknown routes and failed
//! handlers all have the same shape.

use crate::model::{ErrorDetail, LocItem, ValidationErrorBody, ValidationErrorItem};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// An error answer.
#[derive(Debug)]
pub enum AppError {
    /// `401 {"detail": "Not authenticated"}` with `WWW-Authenticate: Bearer`.
    Unauthorized,
    /// `404 {"detail": ...}`.
    NotFound(&'static str),
    /// `405 {"detail": "Method Not Allowed"}`.
    MethodNotAllowed,
    /// `422` with FastAPI's error list.
    Validation(ValidationErrorBody),
    /// Another status with `{"detail": ...}`: a body over the limit (413), an
    /// unreadable path or query.
    Status(StatusCode, String),
    /// `500`: the store failed. Never caused by a request's content.
    Internal(String),
}

impl AppError {
    /// A `422` with one error at `loc`.
    pub fn invalid(kind: &str, loc: &[&str], msg: &str, input: Value) -> Self {
        AppError::Validation(ValidationErrorBody {
            detail: vec![ValidationErrorItem {
                kind: kind.into(),
                loc: loc.iter().map(|k| LocItem::Key((*k).into())).collect(),
                msg: msg.into(),
                input,
                ctx: None,
            }],
        })
    }
}

impl From<crate::Error> for AppError {
    fn from(err: crate::Error) -> Self {
        tracing::error!("{err}");
        AppError::Internal(err.to_string())
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> Self {
        crate::Error::from(err).into()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let detail = |status: StatusCode, text: &str| {
            (status, Json(ErrorDetail { detail: text.to_string() })).into_response()
        };
        match self {
            AppError::Unauthorized => {
                let mut response = detail(StatusCode::UNAUTHORIZED, "Not authenticated");
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            AppError::NotFound(what) => detail(StatusCode::NOT_FOUND, what),
            AppError::MethodNotAllowed => detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"),
            AppError::Validation(body) => (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response(),
            AppError::Status(status, text) => detail(status, &text),
            AppError::Internal(text) => detail(StatusCode::INTERNAL_SERVER_ERROR, &text),
        }
    }
}
