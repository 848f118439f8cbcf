//! `leadfuzz serve`: a reference implementation of the Close sandbox API on an
//! embedded SQLite database.
//!
//! [`app`] builds the router (handlers can be tested with `oneshot`, no
//! socket); [`serve`] runs it on a listener until a shutdown signal. Every
//! rejection, bad JSON and unknown routes included, goes through
//! [`error::AppError`], so all errors share the contract's JSON shape.

pub mod error;
pub mod handlers;
pub mod store;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::AppError;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use store::Store;
use subtle::ConstantTimeEq;
use utoipa::OpenApi;

/// How the server behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The bearer token every sandbox request must carry; `None` for no auth.
    pub token: Option<String>,
    /// Take only what the OpenAPI document describes: reject what breaks
    /// Close's meaning (confidence range, negative value, unknown period,
    /// impossible date) and pydantic's lax forms (`"48000"`, `"yes"`).
    pub strict: bool,
    /// Answer 404 to initialize on a sandbox that was not acquired, as a real
    /// deployment may, instead of creating it.
    pub require_acquire: bool,
    /// Largest request body, in bytes; larger ones get 413.
    pub max_body: usize,
    /// The SQLite file; `None` keeps everything in memory.
    pub db: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { token: None, strict: false, require_acquire: false, max_body: 64 << 20, db: None }
    }
}

/// What the handlers share: the store and the configuration.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: ServerConfig,
    /// One connection: SQLite serializes writers anyway, and one connection
    /// behind a mutex has no busy or locked errors to handle. Initializes are
    /// whole transactions under this lock, so they never interleave.
    store: Mutex<Store>,
    /// The base URL clients reach this server at, for `server_urls`.
    public_url: String,
}

impl AppState {
    /// Opens the store for `config`; `public_url` is how clients reach it.
    pub fn new(config: ServerConfig, public_url: &str) -> crate::Result<Self> {
        let store = Store::open(config.db.as_deref())?;
        let public_url = public_url.trim_end_matches('/').to_string();
        Ok(AppState(Arc::new(Inner { config, store: Mutex::new(store), public_url })))
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// The store, locked. A panic while it was held cannot leave a half-done
    /// transaction behind (rusqlite rolls back on drop), so a poisoned lock
    /// is taken over.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sandbox_url(&self, id: &str) -> String {
        format!("{}/sandbox/close/{id}", self.0.public_url)
    }
}

/// The OpenAPI 3.1 document, derived from the handlers and model types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "leadfuzz Close sandbox",
        description = "Reference implementation of the Klavis Close sandbox API. This document describes what \
                       `leadfuzz serve --strict` takes; without `--strict` the server also takes pydantic's lax \
                       forms (\"48000\", \"yes\") and values outside Close's meaning, as the published server does."
    ),
    paths(
        handlers::acquire,
        handlers::get,
        handlers::initialize,
        handlers::dump,
        handlers::reset,
        handlers::release,
        handlers::healthz
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document for this configuration: without a token, no
/// operation requires one.
pub fn document(config: &ServerConfig) -> String {
    let mut doc = ApiDoc::openapi();
    if config.token.is_none() {
        for item in doc.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.delete].into_iter().flatten() {
                operation.security = None;
            }
        }
    }
    doc.to_json().unwrap_or_default()
}

/// Checks the bearer token, in constant time, when one is configured.
async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(token) = &state.config().token {
        let sent = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, credentials)| credentials.trim());
        let valid = sent.is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(token.as_bytes())));
        if !valid {
            return AppError::Unauthorized.into_response();
        }
    }
    next.run(request).await
}

/// One log line per request: method, path, status, time. Never headers, so
/// never the token.
async fn log_request(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!("{method} {path} {} {ms:.1}ms", response.status().as_u16());
    response
}

/// The whole API as a router.
pub fn app(state: AppState) -> Router {
    let sandbox = Router::new()
        .route("/sandbox/close", post(handlers::acquire))
        .route("/sandbox/close/{sandbox_id}", get(handlers::get).delete(handlers::release))
        .route("/sandbox/close/{sandbox_id}/initialize", post(handlers::initialize))
        .route("/sandbox/close/{sandbox_id}/dump", get(handlers::dump))
        .route("/sandbox/close/{sandbox_id}/reset", post(handlers::reset))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    let openapi = document(state.config());
    Router::new()
        .merge(sandbox)
        .route("/healthz", get(handlers::healthz))
        .route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi) }),
        )
        .fallback(|| async { AppError::NotFound("Not Found") })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.config().max_body))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}

/// A reference server on a free loopback port inside this process, for
/// self-tests and benchmarks; it stops when dropped.
pub struct LocalServer {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl LocalServer {
    /// Binds `127.0.0.1:0` and serves `config` there on the current runtime.
    pub async fn start(config: ServerConfig) -> crate::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = AppState::new(config, &url)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(LocalServer { url, stop: Some(stop) })
    }

    /// Its base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => _ = signal.recv().await,
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
