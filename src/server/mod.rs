//! The HTTP service for bots: one message or a batch in, records out; conversations kept by
//! the server; lexicons reloaded without dropping a request. Feature `server` (tokio, axum).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `POST /v1/scan` | one message (`IO.md`), or `{"messages":[...]}` | its record, or `{"results":[...]}` in order, context applied per conversation |
//! | `POST /v1/conversations/{id}/messages` | one message | its record, with context from earlier messages of that conversation |
//! | `GET /healthz` | | `{"status":"ok"}` |
//! | `GET /v1/lexicon` | | version, rule and term counts |
//! | `POST /v1/lexicon/reload` | | the new lexicon's counts; on failure the running one stays and the answer says why |
//! | `GET /metrics` | | the service's counters, Prometheus text format |
//! | `GET /openapi.json` | | the OpenAPI document |
//!
//! Every error is `{"error":"..."}`: 400 malformed JSON or request head, 401 missing or wrong
//! token, 408 a request that ran past the timeout or a head that did not arrive in time, 409 a
//! reload while another runs, 413 body, batch, message or id too large, 414 and 431 a request
//! target or head too large, 422 a message without a string `text`.
//!
//! Explanations and category names are written in the language of the request's
//! `Accept-Language` (`zh-CN` or `en`), else in the service's (`--lang`).
//!
//! Under attack: scans of bodies over 4 KiB run off the async runtime, at most two per core at
//! once, each bounded by the request timeout (a smaller body is scanned in place: its scan
//! costs less than the hand-off); messages to one conversation are scanned one at a time, so no
//! update is lost; request heads are checked before the HTTP layer reads them (see `guard`);
//! the conversation store is bounded in count and in bytes; one reload runs at a time; tokens
//! are compared in constant time. Each request is logged as one `tracing` event.

mod guard;
mod metrics;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use crate::conversation_map::{ConversationMap, DEFAULT_MAX_CONVERSATIONS};
use crate::{Detector, DetectorConfig, Error};
use guard::{Guarded, Limits, Shutdown};
use metrics::Metrics;

/// The OpenAPI document of this service (also committed as `docs/openapi.json`).
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// Scans that may run at once, per core.
const SCANS_PER_CORE: usize = 2;
/// Locks that serialize messages to one conversation (a conversation id picks one).
const CONVERSATION_LOCKS: usize = 256;

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to bind.
    pub addr: SocketAddr,
    /// Bearer token clients must send; `None` for no authentication. An empty or blank
    /// token is refused.
    pub token: Option<String>,
    /// What the detector is built from; its lexicon folders are read again on
    /// `POST /v1/lexicon/reload` and SIGHUP.
    pub detector: DetectorConfig,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Most messages in one request.
    pub max_messages: usize,
    /// Longest message text in bytes.
    pub max_message_bytes: usize,
    /// Longest message or conversation id in bytes.
    pub max_id_bytes: usize,
    /// Longest time a request may take.
    pub request_timeout: Duration,
    /// Longest time a request head may take to arrive once it has begun.
    pub header_timeout: Duration,
    /// Longest time a connection may wait between requests.
    pub idle_timeout: Duration,
    /// Longest time shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
    /// Conversations kept at most (0: none, every message stands alone).
    pub max_conversations: usize,
    /// Bytes the conversation store may hold at most.
    pub max_conversation_bytes: usize,
    /// A conversation unused this long is forgotten.
    pub conversation_ttl: Duration,
    /// The language of explanations and category names when a request's `Accept-Language`
    /// names none that scamscan writes.
    pub lang: crate::Lang,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8787)),
            token: None,
            detector: DetectorConfig::default(),
            max_body_bytes: 1 << 20,
            max_messages: 1000,
            max_message_bytes: 64 << 10,
            max_id_bytes: 256,
            request_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(10),
            max_conversations: DEFAULT_MAX_CONVERSATIONS,
            max_conversation_bytes: 64 << 20,
            conversation_ttl: Duration::from_secs(24 * 3600),
            lang: crate::Lang::En,
        }
    }
}

impl ServerConfig {
    /// Builds the detector this configuration describes.
    pub fn build_detector(&self) -> Result<Detector, Error> {
        self.detector.builder()?.preload_segmenter(true).build()
    }

    /// Refuses settings that would leave the service open or useless.
    fn check(&self) -> Result<(), Error> {
        if self.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::input(
                "the token is empty: give a token clients must send, or none",
            ));
        }
        Ok(())
    }
}

/// Shared state of a running service.
#[derive(Clone)]
pub struct AppState {
    detector: Arc<RwLock<Detector>>,
    conversations: Arc<Mutex<ConversationMap>>,
    /// Held while a message of a conversation is scanned (a conversation id picks one).
    conversation_locks: Arc<Vec<Mutex<()>>>,
    /// Scans that may still start.
    scans: Arc<tokio::sync::Semaphore>,
    /// Held while a reload runs.
    reloading: Arc<tokio::sync::Mutex<()>>,
    metrics: Arc<Metrics>,
    config: Arc<ServerConfig>,
}

impl AppState {
    /// State for a service with this detector and configuration.
    pub fn new(detector: Detector, config: ServerConfig) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            detector: Arc::new(RwLock::new(detector)),
            conversations: Arc::new(Mutex::new(ConversationMap::for_service(
                config.max_conversations,
                config.max_conversation_bytes,
                config.conversation_ttl,
            ))),
            conversation_locks: Arc::new((0..CONVERSATION_LOCKS).map(|_| Mutex::new(())).collect()),
            scans: Arc::new(tokio::sync::Semaphore::new(cores * SCANS_PER_CORE)),
            reloading: Arc::new(tokio::sync::Mutex::new(())),
            metrics: Arc::new(Metrics::default()),
            config: Arc::new(config),
        }
    }

    fn detector(&self) -> Detector {
        // A poisoned lock still holds a whole detector: a swap is one assignment.
        match self.detector.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Rebuilds the detector from the configured lexicons and swaps it in; on failure the
    /// running one stays. Requests in flight finish on the detector they started with.
    pub fn reload(&self) -> Result<Detector, Error> {
        let fresh = self.config.build_detector();
        self.metrics.reloaded(fresh.is_ok());
        let fresh = fresh?;
        match self.detector.write() {
            Ok(mut d) => *d = fresh.clone(),
            Err(poisoned) => *poisoned.into_inner() = fresh.clone(),
        }
        Ok(fresh)
    }
}

/// The service's routes, with its limits, authentication, metrics and request log.
pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/v1/scan", post(routes::scan))
        .route(
            "/v1/conversations/{id}/messages",
            post(routes::conversation_message),
        )
        .route("/v1/lexicon", get(routes::lexicon_info))
        .route("/v1/lexicon/reload", post(routes::reload))
        .route("/metrics", get(routes::metrics))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            routes::authenticate,
        ));
    Router::new()
        .route(
            "/healthz",
            get(|| async { routes::json(StatusCode::OK, &serde_json::json!({"status":"ok"})) }),
        )
        .route("/openapi.json", get(routes::openapi))
        .merge(v1)
        .fallback(|| async { routes::error(StatusCode::NOT_FOUND, "no such endpoint") })
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), limits))
        .with_state(state)
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish (for at most the
/// shutdown grace) while idle and stalled connections close at once. SIGHUP reloads the
/// lexicons. `ready` receives the bound address (port 0 picks a free one).
pub async fn serve(config: ServerConfig, ready: impl FnOnce(SocketAddr)) -> Result<(), Error> {
    config.check()?;
    let detector = config.build_detector()?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| Error::input(format!("cannot bind {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::input(format!("cannot read the bound address: {e}")))?;
    let limits = Limits {
        max_body: config.max_body_bytes,
        head_timeout: config.header_timeout,
        idle_timeout: config.idle_timeout,
    };
    let grace = config.shutdown_grace;
    let state = AppState::new(detector, config);
    spawn_reload_on_sighup(state.clone());
    ready(addr);
    let service = TowerToHyperService::new(router(state.clone()));
    let shutdown = Arc::new(Shutdown::default());
    let graceful = GracefulShutdown::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        let (socket, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors or a reset before accept: the listener itself is fine.
                Err(_) => continue,
            },
            () = &mut signal => break,
        };
        let _ = socket.set_nodelay(true);
        let io = Guarded::new(socket, limits, state.metrics.clone(), shutdown.clone());
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(None);
        let connection = http.serve_connection(TokioIo::new(io), service.clone());
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = watched.await;
        });
    }
    drop(listener);
    shutdown.start();
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
    Ok(())
}

#[cfg(unix)]
fn spawn_reload_on_sighup(state: AppState) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            match routes::reload_once(&state).await {
                Ok(Ok(d)) => {
                    tracing::info!(rules = d.stats().rules, "lexicons reloaded");
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "reload refused, the running lexicons stay")
                }
                Err(busy) => tracing::warn!(error = %busy, "reload skipped"),
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_reload_on_sighup(_state: AppState) {}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The request timeout, JSON bodies for the errors axum itself answers (413 from the body
/// limit, 405, ...), the metrics and one log event per request.
async fn limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_of(req.uri().path());
    let method = req.method().clone();
    let timeout = state.config.request_timeout;
    let response = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => routes::json_errors(r, &state.config),
        Err(_) => {
            state.metrics.timed_out();
            routes::error(
                StatusCode::REQUEST_TIMEOUT,
                &format!("request took longer than {} ms", timeout.as_millis()),
            )
        }
    };
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.request(route, status, took);
    tracing::info!(
        method = %method,
        route = %route,
        status,
        micros = took.as_micros() as u64,
        "request"
    );
    response
}

/// The route a request path belongs to, for the metrics (ids left out).
fn route_of(path: &str) -> &'static str {
    match path {
        "/v1/scan" => "/v1/scan",
        "/v1/lexicon" => "/v1/lexicon",
        "/v1/lexicon/reload" => "/v1/lexicon/reload",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        "/openapi.json" => "/openapi.json",
        p if p.starts_with("/v1/conversations/") && p.ends_with("/messages") => {
            "/v1/conversations/{id}/messages"
        }
        _ => "other",
    }
}
