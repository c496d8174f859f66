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
//! | `GET /openapi.json` | | the OpenAPI document |
//!
//! Errors are `{"error":"..."}`: 400 malformed JSON, 401 missing or wrong token, 413 body,
//! batch or message too large, 422 a message without a string `text`, 408 a request that ran
//! past the timeout. Conversation state is bounded: a conversation unused for the TTL is
//! forgotten, and past the maximum the least recently used 10% are.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::conversation::ConversationState;
use crate::conversation_map::{ConversationMap, DEFAULT_MAX_CONVERSATIONS};
use crate::io::{parse_record, FieldMap, OutputLine, Record};
use crate::{Detector, DetectorConfig, Error};

/// The OpenAPI document of this service (also committed as `docs/openapi.json`).
pub const OPENAPI: &str = include_str!("../docs/openapi.json");

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to bind.
    pub addr: SocketAddr,
    /// Bearer token clients must send; `None` for no authentication.
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
    /// Longest time a request may take.
    pub request_timeout: Duration,
    /// Conversations kept at most.
    pub max_conversations: usize,
    /// A conversation unused this long is forgotten.
    pub conversation_ttl: Duration,
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
            request_timeout: Duration::from_secs(10),
            max_conversations: DEFAULT_MAX_CONVERSATIONS,
            conversation_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

impl ServerConfig {
    /// Builds the detector this configuration describes.
    pub fn build_detector(&self) -> Result<Detector, Error> {
        self.detector.builder()?.preload_segmenter(true).build()
    }
}

/// Shared state of a running service.
#[derive(Clone)]
pub struct AppState {
    detector: Arc<RwLock<Detector>>,
    conversations: Arc<Mutex<ConversationMap>>,
    config: Arc<ServerConfig>,
}

impl AppState {
    /// State for a service with this detector and configuration.
    pub fn new(detector: Detector, config: ServerConfig) -> AppState {
        AppState {
            detector: Arc::new(RwLock::new(detector)),
            conversations: Arc::new(Mutex::new(ConversationMap::for_service(
                config.max_conversations,
                config.conversation_ttl,
            ))),
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
        let fresh = self.config.build_detector()?;
        match self.detector.write() {
            Ok(mut d) => *d = fresh.clone(),
            Err(poisoned) => *poisoned.into_inner() = fresh.clone(),
        }
        Ok(fresh)
    }
}

/// The service's routes, with its limits and authentication.
pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/v1/scan", post(scan))
        .route(
            "/v1/conversations/{id}/messages",
            post(conversation_message),
        )
        .route("/v1/lexicon", get(lexicon_info))
        .route("/v1/lexicon/reload", post(reload))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .route(
            "/healthz",
            get(|| async { json(StatusCode::OK, &serde_json::json!({"status":"ok"})) }),
        )
        .route("/openapi.json", get(openapi))
        .merge(v1)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such endpoint") })
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), limits))
        .with_state(state)
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish. SIGHUP reloads the
/// lexicons. `ready` receives the bound address (port 0 picks a free one).
pub async fn serve(config: ServerConfig, ready: impl FnOnce(SocketAddr)) -> Result<(), Error> {
    let detector = config.build_detector()?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| Error::input(format!("cannot bind {}: {e}", config.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::input(format!("cannot read the bound address: {e}")))?;
    let state = AppState::new(detector, config);
    spawn_reload_on_sighup(state.clone());
    ready(addr);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Error::input(format!("server error: {e}")))
}

#[cfg(unix)]
fn spawn_reload_on_sighup(state: AppState) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            let s = state.clone();
            let result = tokio::task::spawn_blocking(move || s.reload()).await;
            match result {
                Ok(Ok(d)) => eprintln!("scamscan: lexicons reloaded ({} rules)", d.stats().rules),
                Ok(Err(e)) => {
                    eprintln!("scamscan: reload refused, keeping the running lexicons: {e}")
                }
                Err(e) => eprintln!("scamscan: reload failed: {e}"),
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

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot encode the answer: {e}"),
        ),
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Request timeout, and JSON bodies for the errors axum itself answers (413 from the body
/// limit, 405, ...).
async fn limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let timeout = state.config.request_timeout;
    let response = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                &format!("request took longer than {} ms", timeout.as_millis()),
            )
        }
    };
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status().is_success() || is_json {
        return response;
    }
    let status = response.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "request body over the limit of {} bytes",
            state.config.max_body_bytes
        ),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this endpoint".to_string(),
        other => other
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
    };
    error(status, &message)
}

async fn authenticate(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    if let Some(token) = &state.config.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return error(
                StatusCode::UNAUTHORIZED,
                "missing or wrong token: send Authorization: Bearer <token>",
            );
        }
    }
    next.run(req).await
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct LexiconInfo {
    version: String,
    rules: usize,
    signal_rules: usize,
    terms: usize,
}

fn lexicon_info_of(d: &Detector) -> LexiconInfo {
    let stats = d.stats();
    LexiconInfo {
        version: d.lexicon_version().to_string(),
        rules: stats.rules,
        signal_rules: stats.signal_rules,
        terms: stats.terms,
    }
}

async fn lexicon_info(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &lexicon_info_of(&state.detector()))
}

async fn reload(State(state): State<AppState>) -> Response {
    let s = state.clone();
    match tokio::task::spawn_blocking(move || s.reload()).await {
        Ok(Ok(d)) => json(StatusCode::OK, &lexicon_info_of(&d)),
        Ok(Err(e)) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("reload refused, the running lexicons stay: {e}"),
        ),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("reload failed: {e}"),
        ),
    }
}

/// One message of a request, parsed as a JSON Lines record is: the same fields and errors.
fn parse_message<'a>(json: &'a [u8], at: &str, max_bytes: usize) -> Result<Record<'a>, Reject> {
    let record = parse_record(json, 1, &FieldMap::default()).map_err(|e| {
        let status = if e.starts_with("malformed JSON") || e.starts_with("invalid UTF-8") {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Reject(status, format!("{at}: {e}"))
    })?;
    if record.text.len() > max_bytes {
        return Err(Reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{at}: text is {} bytes, over the limit of {max_bytes}",
                record.text.len()
            ),
        ));
    }
    Ok(record)
}

/// The record of message `m`, number `line` of its request or conversation, scanned with
/// `state`. A message without an id is named `m<n>` in later findings' `context`.
fn record(
    detector: &Detector,
    m: Record<'_>,
    line: u64,
    state: &mut ConversationState,
) -> OutputLine {
    let fallback = format!("m{}", state.messages() + 1);
    let mut turn = m.turn();
    turn.id = turn.id.or(Some(&fallback));
    let report = detector.scan_turn(turn, state);
    OutputLine::scanned(&Record { line, ..m }, report)
}

/// A request refused with a status and a reason, answered as `{"error": reason}`.
struct Reject(StatusCode, String);

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        error(self.0, &self.1)
    }
}

#[derive(Serialize, Deserialize)]
struct Results {
    results: Vec<OutputLine>,
}

/// A request body as far as a batch goes: its `messages`, left unparsed.
#[derive(Deserialize)]
struct Batch<'a> {
    #[serde(borrow)]
    messages: Option<&'a RawValue>,
}

async fn scan(State(state): State<AppState>, body: Bytes) -> Response {
    scan_body(&state, &body).unwrap_or_else(Reject::into_response)
}

fn scan_body(state: &AppState, body: &[u8]) -> Result<Response, Reject> {
    let config = &state.config;
    let detector = state.detector();
    // Anything that is not a batch is one message, and its parser says what is wrong with it.
    let Ok(Batch {
        messages: Some(messages),
    }) = serde_json::from_slice::<Batch>(body)
    else {
        let m = parse_message(body, "body", config.max_message_bytes)?;
        let line = record(&detector, m, 1, &mut ConversationState::new());
        return Ok(json(StatusCode::OK, &line));
    };
    let items: Vec<&RawValue> = serde_json::from_str(messages.get()).map_err(|_| {
        Reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            "field `messages` is not an array".to_string(),
        )
    })?;
    if items.len() > config.max_messages {
        return Err(Reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} messages, over the limit of {}",
                items.len(),
                config.max_messages
            ),
        ));
    }
    let parsed = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("messages[{i}]");
            parse_message(item.get().as_bytes(), &at, config.max_message_bytes)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut states: HashMap<Option<String>, ConversationState> = HashMap::new();
    let results = parsed
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let key = m.conversation.as_deref().map(str::to_string);
            let st = states.entry(key).or_default();
            if m.conversation.is_none() {
                *st = ConversationState::new();
            }
            record(&detector, m, i as u64 + 1, st)
        })
        .collect();
    Ok(json(StatusCode::OK, &Results { results }))
}

async fn conversation_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let config = &state.config;
    let mut m = match parse_message(&body, "body", config.max_message_bytes) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    m.conversation = Some(id.as_str().into());
    let detector = state.detector();
    let mut st = match state.conversations.lock() {
        Ok(c) => c.take(&id),
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "conversation store unavailable",
            )
        }
    };
    let line = st.messages() + 1;
    let out = record(&detector, m, line, &mut st);
    if let Ok(mut c) = state.conversations.lock() {
        c.put(&id, st);
    }
    json(StatusCode::OK, &out)
}
