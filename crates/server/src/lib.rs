//! The HTTP server of epiwire: a JSON API over the store, the search index, an Atom feed of
//! signals, streamed exports, and the dashboard.
//!
//! [`app`] builds the [`axum::Router`] (tests drive it with `tower::ServiceExt::oneshot`);
//! [`serve`] opens a data directory and serves it until Ctrl-C. Every route is listed in
//! [`ROUTES`] and documented in the OpenAPI 3.1 document served at `/api/openapi.json`
//! ([`OPENAPI`]); a test checks that the two agree.
//!
//! Reads are open (on loopback; on another address they need a token unless
//! [`Options::open_reads`] is set); writes need `Authorization: Bearer <token>` with a token made
//! by [`auth::create_token`] (`epiwire token create NAME`). Bad parameters are 400 with a JSON
//! `{"error", "code"}` body, unknown ids 404, missing or bad tokens 401.
//!
//! Article text is data: the server never puts it into HTML (the feed is XML with every text
//! escaped; search snippets are returned as text with highlight offsets, never as HTML).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::get;
use epiwire_search::SearchIndex;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

mod api;
mod assets;
pub mod auth;
mod error;
mod export;
mod feed;
mod params;
mod pool;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use export::spreadsheet_safe;
pub use params::SIGNAL_KINDS;
pub use pool::StorePool;

/// The OpenAPI 3.1 document of the API, served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route of the server as (method, path in OpenAPI syntax). `/api/documents/{id}` takes
/// the rest of the path, slashes included.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/events"),
    ("get", "/api/events/{id}"),
    ("get", "/api/events/{id}/triage"),
    ("post", "/api/events/{id}/triage"),
    ("get", "/api/documents"),
    ("get", "/api/documents/{id}"),
    ("get", "/api/search"),
    ("get", "/api/signals"),
    ("get", "/api/export/facts.csv"),
    ("get", "/api/export/facts.jsonl"),
    ("get", "/api/export/facts.geojson"),
    ("get", "/api/export/events.csv"),
    ("get", "/api/export/events.jsonl"),
    ("get", "/api/export/events.geojson"),
    ("get", "/feed.atom"),
];

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Absolute URL the server is reached at, without a trailing slash (links in the feed).
    pub base_url: String,
    /// Serve reads without a token even when not on loopback. On loopback reads are always open.
    pub open_reads: bool,
    /// Whether reads need a token (set by [`serve`] from the address and `open_reads`).
    pub reads_need_token: bool,
    /// Origins allowed by CORS; empty (the default) sends no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// Longest time to produce a response's headers (exports stream past it).
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            base_url: "http://127.0.0.1:8080".to_owned(),
            open_reads: false,
            reads_need_token: false,
            cors_origins: Vec::new(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What the handlers share.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) pool: Arc<StorePool>,
    pub(crate) search: Option<Arc<SearchIndex>>,
    pub(crate) options: Arc<Options>,
}

/// The whole application: API, feed, exports and dashboard, with compression, tracing, a
/// timeout, a request-body limit, `X-Content-Type-Options: nosniff`, and CORS only when origins
/// are configured. `search` is `None` when the index could not be opened (search then answers
/// 503).
pub fn app(
    pool: Arc<StorePool>,
    search: Option<Arc<SearchIndex>>,
    options: Options,
) -> Result<Router> {
    let cors = cors_layer(&options.cors_origins)?;
    let timeout = options.timeout;
    let state = AppState {
        pool,
        search,
        options: Arc::new(options),
    };
    let api = api::router()
        .route("/feed.atom", get(feed::atom))
        .route(
            "/api/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
        )
        .merge(export::router())
        .method_not_allowed_fallback(api::wrong_method)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::read_access,
        ))
        .with_state(state);
    let mut app = api
        .merge(assets::router())
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(TraceLayer::new_for_http());
    if let Some(cors) = cors {
        app = app.layer(cors);
    }
    Ok(app)
}

fn cors_layer(origins: &[String]) -> Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let values = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim_end_matches('/'))
                .map_err(|_| Error::Config(format!("bad CORS origin {o:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(values))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
    ))
}

/// `epiwire serve` settings.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// The data directory (store and search index).
    pub data_dir: PathBuf,
    /// Store connections (0: twice the number of cores, at least 4).
    pub connections: usize,
    /// How often to add newly ingested documents to the search index (zero: never).
    pub sync_every: Duration,
    /// The rest.
    pub options: Options,
}

/// Opens the store and the search index in `config.data_dir` and serves until Ctrl-C. Blocking:
/// runs its own multi-threaded runtime.
pub fn serve(config: ServeConfig) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            what: "cannot start the async runtime".to_owned(),
            source,
        })?;
    runtime.block_on(serve_async(config))
}

async fn serve_async(mut config: ServeConfig) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let size = if config.connections == 0 {
        (cores * 2).max(4)
    } else {
        config.connections
    };
    let pool = Arc::new(StorePool::open(&config.data_dir, size)?);
    let search = open_search(&config.data_dir, &pool).await;
    if let (Some(index), false) = (&search, config.sync_every.is_zero()) {
        spawn_sync(Arc::clone(index), Arc::clone(&pool), config.sync_every);
    }
    config.options.reads_need_token = !config.addr.ip().is_loopback() && !config.options.open_reads;
    if config.options.reads_need_token {
        tracing::warn!(
            "listening on a non-loopback address: reads need a token too (--open-reads to serve them openly)"
        );
    }
    let app = app(pool, search, config.options)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| Error::Io {
            what: format!("cannot listen on {}", config.addr),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| Error::Io {
        what: "no local address".to_owned(),
        source,
    })?;
    tracing::info!("serving {} on http://{local}/", config.data_dir.display());
    eprintln!("epiwire: serving on http://{local}/ (Ctrl-C to stop)");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|source| Error::Io {
            what: "server failed".to_owned(),
            source,
        })
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix, so that in-flight requests finish.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

/// Opens (or rebuilds) the search index; `None` with a warning when that fails, so that the rest
/// of the API still serves.
async fn open_search(
    data_dir: &std::path::Path,
    pool: &Arc<StorePool>,
) -> Option<Arc<SearchIndex>> {
    let dir = epiwire_search::index_dir(data_dir);
    let opened = pool
        .run(move |store| {
            SearchIndex::open_or_rebuild(&dir, store)
                .map_err(|e| Error::Config(format!("search index: {e}")))
        })
        .await;
    match opened {
        Ok(index) => Some(Arc::new(index)),
        Err(e) => {
            tracing::warn!("search disabled: {e}");
            None
        }
    }
}

fn spawn_sync(index: Arc<SearchIndex>, pool: Arc<StorePool>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let index = Arc::clone(&index);
            let result = pool
                .run(move |store| {
                    index
                        .sync(store)
                        .map_err(|e| Error::Config(format!("search index sync: {e}")))
                })
                .await;
            match result {
                Ok(report) if report.added > 0 => {
                    tracing::info!("search index: {} documents added", report.added);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("{e}"),
            }
        }
    });
}
