//! The handlers of the sandbox API, one per operation of the spec, each
//! documented for the OpenAPI document.

use super::AppState;
use super::error::AppError;
use crate::classify::{Class, Lax, Severity, bool_word, lax_int, read_body};
use crate::model::{
    AcquireRequest, AcquireResponse, CloseData, DumpResponse, ErrorDetail, InitializeResponse, SandboxInfo,
    SandboxStatus, StatusResponse, ValidationErrorBody,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The official example, loaded by `init_default_data=true` without a body.
const DEFAULT_DATA: &[u8] = include_bytes!("../../tests/integration/data/official-example.json");

/// Ambiguous findings this server cannot store, so it rejects them whole.
const UNSTORABLE: [&str; 2] = [crate::classify::LONE_SURROGATE, "int_overflow"];

/// Ambiguous findings that `--strict` rejects: the lax forms.
const LAX: [&str; 2] = ["coerced_int", "coerced_bool"];

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::invalid("string_unicode", &["path", "sandbox_id"], &rejection.body_text(), Value::Null)
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::invalid("value_error", &["query"], &rejection.body_text(), Value::Null)
    }
}

impl From<BytesRejection> for AppError {
    fn from(rejection: BytesRejection) -> Self {
        AppError::Status(rejection.status(), rejection.body_text())
    }
}

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(e.to_string()))?
}

fn status(text: &str) -> SandboxStatus {
    match text {
        "idle" => SandboxStatus::Idle,
        "occupied" => SandboxStatus::Occupied,
        _ => SandboxStatus::Error,
    }
}

/// Whether a content type is JSON, as FastAPI decides it: absent,
/// `application/json`, or `application/*+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let essence = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Query of initialize, for the OpenAPI document only: the handler reads
/// the raw pairs, so that a repeated parameter is not an error.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the derive, never constructed
pub struct InitializeQuery {
    /// If true and no data is sent, load the default test data (the official
    /// example).
    init_default_data: Option<bool>,
}

/// Initialize the sandbox with Close data.
///
/// Replaces the sandbox's data with the body in one transaction and answers how
/// many records it created. An unknown sandbox is created.
#[utoipa::path(
    post,
    path = "/sandbox/close/{sandbox_id}/initialize",
    params(("sandbox_id" = String, Path, description = "The sandbox"), InitializeQuery),
    request_body(content = Option<CloseData>, content_type = "application/json"),
    responses(
        (status = 200, description = "Initialized", body = InitializeResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 404, description = "Unknown sandbox, with --require-acquire", body = ErrorDetail),
        (status = 413, description = "Body over the size limit", body = ErrorDetail),
        (status = 422, description = "Validation error", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn initialize(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<InitializeResponse>, AppError> {
    let Path(sandbox_id) = path?;
    let Query(query) = query?;
    let body = body?;
    // A repeated parameter counts by its last value, as Starlette reads it.
    let init_default_data =
        query.iter().rev().find(|(key, _)| key == "init_default_data").map(|(_, v)| v.as_str());
    let default_data = match init_default_data {
        None => false,
        Some(word) => bool_word(word).ok_or_else(|| {
            AppError::invalid(
                "bool_parsing",
                &["query", "init_default_data"],
                "Input should be a valid boolean, unable to interpret input",
                json!(word),
            )
        })?,
    };
    if !body.is_empty() && !is_json(&headers) {
        return Err(AppError::invalid(
            "model_attributes_type",
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
            json!(String::from_utf8_lossy(&body)),
        ));
    }
    let id = sandbox_id.clone();
    let records_created = blocking(move || {
        let strict = state.config().strict;
        let (verdict, value) = read_body(&body, strict);
        let refused: Vec<_> = verdict
            .reasons
            .iter()
            .filter(|r| {
                r.severity == Severity::Invalid
                    || UNSTORABLE.contains(&r.kind)
                    || (strict && LAX.contains(&r.kind))
            })
            .map(|r| r.error_item())
            .collect();
        if verdict.class == Class::Invalid || !refused.is_empty() {
            return Err(AppError::Validation(ValidationErrorBody { detail: refused }));
        }
        let mut value = value.unwrap_or_default();
        if value.is_null() && default_data {
            value = serde_json::from_slice(DEFAULT_DATA).unwrap_or_default();
        }
        let normalized = crate::classify::normalize(&value);
        let mut store = state.store();
        if state.config().require_acquire && store.sandbox(&id)?.is_none() {
            return Err(AppError::NotFound("Sandbox not found"));
        }
        Ok(store.initialize(&id, &normalized)?)
    })
    .await?;
    Ok(Json(InitializeResponse {
        sandbox_id,
        status: SandboxStatus::Occupied,
        message: format!("Initialized sandbox with {} records", records_created.total()),
        records_created: Some(records_created),
    }))
}

/// Reads acquire's optional body as pydantic would: an object or `null`,
/// strings or `null` for the strings, a lax integer in 60..=86400 for the ttl.
fn read_acquire(body: &[u8]) -> Result<AcquireRequest, AppError> {
    if body.is_empty() {
        return Ok(AcquireRequest::default());
    }
    let value: Value = serde_json::from_slice(body).map_err(|err| {
        AppError::invalid("json_invalid", &["body"], "JSON decode error", json!(err.to_string()))
    })?;
    let map = match value {
        Value::Null => return Ok(AcquireRequest::default()),
        Value::Object(map) => map,
        other => {
            let msg = "Input should be a valid dictionary or object to extract fields from";
            return Err(AppError::invalid("model_attributes_type", &["body"], msg, other));
        }
    };
    let string = |key: &str| match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(AppError::invalid(
            "string_type",
            &["body", key],
            "Input should be a valid string",
            other.clone(),
        )),
    };
    let ttl_seconds = match map.get("ttl_seconds") {
        None | Some(Value::Null) => None,
        Some(value) => match lax_int(value) {
            Lax::Exact(ttl) | Lax::Coerced(ttl) if ttl < 60 => {
                let msg = "Input should be greater than or equal to 60";
                return Err(AppError::invalid(
                    "greater_than_equal",
                    &["body", "ttl_seconds"],
                    msg,
                    value.clone(),
                ));
            }
            Lax::Exact(ttl) | Lax::Coerced(ttl) if ttl > 86_400 => {
                let msg = "Input should be less than or equal to 86400";
                return Err(AppError::invalid(
                    "less_than_equal",
                    &["body", "ttl_seconds"],
                    msg,
                    value.clone(),
                ));
            }
            Lax::Exact(ttl) | Lax::Coerced(ttl) => Some(ttl as i64),
            Lax::Error(kind, msg) => {
                return Err(AppError::invalid(kind, &["body", "ttl_seconds"], msg, value.clone()));
            }
        },
    };
    Ok(AcquireRequest { test_account_email: string("test_account_email")?, tag: string("tag")?, ttl_seconds })
}

/// Acquire a sandbox.
#[utoipa::path(
    post,
    path = "/sandbox/close",
    request_body(content = Option<AcquireRequest>, content_type = "application/json"),
    responses(
        (status = 201, description = "Acquired", body = AcquireResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 413, description = "Body over the size limit", body = ErrorDetail),
        (status = 422, description = "Validation error", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn acquire(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<AcquireResponse>), AppError> {
    let request = read_acquire(&body?)?;
    let id = format!("close-{:016x}", rand::random::<u64>());
    let url = state.sandbox_url(&id);
    let sandbox_id = id.clone();
    blocking(move || {
        let request = request;
        Ok(state.store().acquire(
            &id,
            request.tag.as_deref(),
            request.test_account_email.as_deref(),
            request.ttl_seconds,
        )?)
    })
    .await?;
    let response = AcquireResponse {
        sandbox_id,
        server_urls: BTreeMap::from([("close".to_string(), url)]),
        server_name: "close".into(),
        status: SandboxStatus::Occupied,
        message: "Sandbox acquired".into(),
    };
    Ok((StatusCode::CREATED, Json(response)))
}

/// Get a sandbox.
#[utoipa::path(
    get,
    path = "/sandbox/close/{sandbox_id}",
    params(("sandbox_id" = String, Path, description = "The sandbox")),
    responses(
        (status = 200, description = "The sandbox", body = SandboxInfo),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 404, description = "Unknown sandbox", body = ErrorDetail),
        (status = 422, description = "Unreadable sandbox id", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<SandboxInfo>, AppError> {
    let Path(id) = path?;
    let url = state.sandbox_url(&id);
    let row = blocking(move || Ok(state.store().sandbox(&id)?)).await?;
    let row = row.ok_or(AppError::NotFound("Sandbox not found"))?;
    Ok(Json(SandboxInfo {
        sandbox_id: row.id,
        server_url: url,
        server_name: "close".into(),
        status: status(&row.status),
        updated_at: row.updated_at,
    }))
}

/// Dump a sandbox's data.
#[utoipa::path(
    get,
    path = "/sandbox/close/{sandbox_id}/dump",
    params(("sandbox_id" = String, Path, description = "The sandbox")),
    responses(
        (status = 200, description = "The data as stored", body = DumpResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 404, description = "Unknown sandbox", body = ErrorDetail),
        (status = 422, description = "Unreadable sandbox id", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn dump(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, AppError> {
    let Path(id) = path?;
    let sandbox_id = id.clone();
    let data = blocking(move || Ok(state.store().dump(&id)?)).await?;
    let data = data.ok_or(AppError::NotFound("Sandbox not found"))?;
    Ok(Json(json!({
        "sandbox_id": sandbox_id,
        "server_name": "close",
        "dumped_at": super::store::now(),
        "data": data,
    })))
}

async fn clear(
    state: AppState,
    path: Result<Path<String>, PathRejection>,
    to: SandboxStatus,
) -> Result<Json<StatusResponse>, AppError> {
    let Path(id) = path?;
    let sandbox_id = id.clone();
    let message = if to == SandboxStatus::Idle { "Sandbox released" } else { "Sandbox reset" };
    let found = blocking(move || {
        let mut store = state.store();
        let found = if to == SandboxStatus::Idle { store.release(&id) } else { store.reset(&id) };
        Ok(found?)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound("Sandbox not found"));
    }
    Ok(Json(StatusResponse { sandbox_id, status: to, message: message.into() }))
}

/// Reset a sandbox: its data is emptied, it stays occupied.
#[utoipa::path(
    post,
    path = "/sandbox/close/{sandbox_id}/reset",
    params(("sandbox_id" = String, Path, description = "The sandbox")),
    responses(
        (status = 200, description = "Reset", body = StatusResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 404, description = "Unknown sandbox", body = ErrorDetail),
        (status = 422, description = "Unreadable sandbox id", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reset(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<StatusResponse>, AppError> {
    clear(state, path, SandboxStatus::Occupied).await
}

/// Release a sandbox: it becomes idle and goes back to the pool, so its id
/// is unknown afterwards (404), until an initialize creates it again.
#[utoipa::path(
    delete,
    path = "/sandbox/close/{sandbox_id}",
    params(("sandbox_id" = String, Path, description = "The sandbox")),
    responses(
        (status = 200, description = "Released", body = StatusResponse),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorDetail),
        (status = 404, description = "Unknown sandbox", body = ErrorDetail),
        (status = 422, description = "Unreadable sandbox id", body = ValidationErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn release(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<StatusResponse>, AppError> {
    clear(state, path, SandboxStatus::Idle).await
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Up")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}
