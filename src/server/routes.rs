//! The service's handlers: a small body is scanned on the async worker that received it, a
//! larger one on the blocking pool, so no scan holds the async runtime for long.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::TryLockError;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::metrics::StoreFacts;
use super::{AppState, ServerConfig, OPENAPI};
use crate::conversation::ConversationState;
use crate::io::{parse_record, FieldMap, OutputLine, Record};
use crate::lang::Lang;
use crate::redact::{RedactOptions, Redaction};
use crate::report::Report;
use crate::summary::ConversationVerdicts;
use crate::{Detector, Error};

/// A JSON answer.
pub(super) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot encode the answer: {e}"),
        ),
    }
}

/// A JSON error answer: `{"error": message}`.
pub(super) fn error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A failed answer from axum itself (413 from the body limit, 405, ...) made JSON.
pub(super) fn json_errors(response: Response, config: &ServerConfig) -> Response {
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
            config.max_body_bytes
        ),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this endpoint".to_string(),
        other => other
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
    };
    error(status, &message)
}

/// Lets a request through only with the configured token: `Authorization: Bearer TOKEN`,
/// the scheme in any case, the token compared in constant time.
pub(super) async fn authenticate(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    if let Some(token) = &state.config.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim());
        if !given.is_some_and(|g| same(g.as_bytes(), token.as_bytes())) {
            return error(
                StatusCode::UNAUTHORIZED,
                "missing or wrong token: send Authorization: Bearer <token>",
            );
        }
    }
    next.run(req).await
}

/// Equal bytes, compared in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

pub(super) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    let store = match state.conversations.lock() {
        Ok(map) => StoreFacts {
            kept: map.len(),
            bytes: map.bytes(),
            evicted: map.evicted(),
        },
        Err(_) => StoreFacts {
            kept: 0,
            bytes: 0,
            evicted: 0,
        },
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&store),
    )
        .into_response()
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

pub(super) async fn lexicon_info(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &lexicon_info_of(&state.detector()))
}

/// Runs one reload, unless one is running already (then `Err` says so).
pub(super) async fn reload_once(state: &AppState) -> Result<Result<Detector, Error>, String> {
    let Ok(running) = state.reloading.clone().try_lock_owned() else {
        return Err("a reload is already running".to_string());
    };
    let s = state.clone();
    // The lock goes with the work: a request that times out leaves its reload running, and
    // no second reload may start beside it.
    tokio::task::spawn_blocking(move || {
        let result = s.reload();
        drop(running);
        result
    })
    .await
    .map_err(|e| format!("reload failed: {e}"))
}

pub(super) async fn reload(State(state): State<AppState>) -> Response {
    match reload_once(&state).await {
        Ok(Ok(d)) => json(StatusCode::OK, &lexicon_info_of(&d)),
        Ok(Err(e)) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("reload refused, the running lexicons stay: {e}"),
        ),
        Err(busy) => error(StatusCode::CONFLICT, &busy),
    }
}

/// A request refused with a status and a reason, answered as `{"error": reason}`.
pub(super) struct Reject(StatusCode, String);

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        error(self.0, &self.1)
    }
}

/// One message of a request, parsed as a JSON Lines record is: the same fields and errors;
/// its text and ids within the service's limits.
fn parse_message<'a>(
    json: &'a [u8],
    at: &str,
    config: &ServerConfig,
) -> Result<Record<'a>, Reject> {
    let record = parse_record(json, 1, &FieldMap::default()).map_err(|e| {
        let status = if e.starts_with("malformed JSON") || e.starts_with("invalid UTF-8") {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Reject(status, format!("{at}: {e}"))
    })?;
    let too_long = |what: &str, len: usize, max: usize| {
        Reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{at}: {what} is {len} bytes, over the limit of {max}"),
        )
    };
    if record.text.len() > config.max_message_bytes {
        return Err(too_long(
            "text",
            record.text.len(),
            config.max_message_bytes,
        ));
    }
    for (what, id) in [("id", &record.id), ("conversation", &record.conversation)] {
        if let Some(id) = id.as_deref().filter(|id| id.len() > config.max_id_bytes) {
            return Err(too_long(what, id.len(), config.max_id_bytes));
        }
    }
    Ok(record)
}

/// The record of message `m`, number `line` of its request or conversation, scanned with
/// `state`. A message without an id is named `m<n>` in later findings' `context`.
fn record(
    app: &AppState,
    detector: &Detector,
    m: Record<'_>,
    line: u64,
    asked: &Asked,
    state: &mut ConversationState,
) -> OutputLine {
    let fallback = format!("m{}", state.messages() + 1);
    let mut turn = m.turn();
    turn.id = turn.id.or(Some(&fallback));
    let report = detector.scan_turn(turn, state);
    app.metrics.scanned(&report);
    let redacted = asked
        .redact
        .as_ref()
        .map(|options| detector.redact(&m.text, &report, options));
    OutputLine {
        redacted,
        ..OutputLine::scanned(&Record { line, ..m }, report.localized(asked.lang))
    }
}

/// A query value with its `%XX` escapes and `+` decoded; `None` when that is not UTF-8.
fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// What a request asks of its answer: a language (`Accept-Language`, else the service's) and
/// masking (`?redact=contacts|phrases`, with `min_severity`, `keep_length=false`, `mask`).
pub(super) struct Asked {
    lang: Lang,
    redact: Option<RedactOptions>,
    /// `?by_conversation=true`: a batch is answered with one verdict per conversation.
    by_conversation: bool,
}

impl Asked {
    fn of(app: &AppState, headers: &HeaderMap, uri: &Uri) -> Result<Asked, Reject> {
        let lang = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or(app.config.lang);
        let mut redaction: Option<Redaction> = None;
        let mut by_conversation = false;
        let mut options = RedactOptions::default();
        let bad = |what: &str| Reject(StatusCode::BAD_REQUEST, format!("query: {what}"));
        for pair in uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value =
                percent_decode(value).ok_or_else(|| bad("a value is not percent-encoded UTF-8"))?;
            let value = value.as_str();
            match key {
                "redact" => {
                    redaction = Some(match value {
                        "" | "contacts" | "true" => Redaction::Contacts,
                        "phrases" => Redaction::Phrases,
                        _ => return Err(bad("redact is contacts or phrases")),
                    });
                }
                "min_severity" => {
                    options.min_severity = value.parse().map_err(|e: String| bad(&e))?
                }
                "keep_length" => options.keep_length = value != "false",
                "by_conversation" => by_conversation = value != "false",
                "mask" => {
                    let mut chars = value.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) if !c.is_control() && !c.is_whitespace() => {
                            options.mask = c
                        }
                        _ => return Err(bad("mask is one visible character")),
                    }
                }
                _ => return Err(bad(&format!("unknown parameter {key:?}"))),
            }
        }
        let redact = redaction.map(|redaction| RedactOptions {
            redaction,
            ..options
        });
        Ok(Asked {
            lang,
            redact,
            by_conversation,
        })
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

/// Largest request body scanned in place on the async worker: its scan takes microseconds, a
/// few milliseconds at worst (the rule search is linear in the text), less than the two thread
/// hand-offs of the blocking pool cost a small request.
const INLINE_SCAN_BYTES: usize = 4096;

/// Whether a scan may wait for a conversation another scan holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wait {
    Yes,
    No,
}

/// Runs `scan` in place for a small body, else (or when it would have to wait for its
/// conversation) on the blocking pool once a scan slot is free; the request timeout bounds the
/// wait and the scan. `scan` answers `None` only when told not to wait and it would have to.
async fn blocking(
    state: &AppState,
    body_len: usize,
    scan: impl Fn(Wait) -> Option<Result<Response, Reject>> + Send + 'static,
) -> Response {
    if body_len <= INLINE_SCAN_BYTES {
        if let Some(answer) = scan(Wait::No) {
            return answer.unwrap_or_else(Reject::into_response);
        }
    }
    let Ok(_slot) = state.scans.acquire().await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the service is shutting down",
        );
    };
    let scan = move || {
        scan(Wait::Yes).unwrap_or_else(|| {
            Err(Reject(
                StatusCode::INTERNAL_SERVER_ERROR,
                "scan did not run".to_string(),
            ))
        })
    };
    match tokio::task::spawn_blocking(scan).await {
        Ok(answer) => answer.unwrap_or_else(Reject::into_response),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("scan failed: {e}"),
        ),
    }
}

pub(super) async fn scan(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let app = state.clone();
    let asked = match Asked::of(&state, &headers, &uri) {
        Ok(asked) => asked,
        Err(reject) => return reject.into_response(),
    };
    blocking(&state, body.len(), move |_| {
        Some(scan_body(&app, &body, &asked))
    })
    .await
}

fn scan_body(app: &AppState, body: &[u8], asked: &Asked) -> Result<Response, Reject> {
    let config = &app.config;
    let detector = app.detector();
    // Anything that is not a batch is one message, and its parser says what is wrong with it.
    let Ok(Batch {
        messages: Some(messages),
    }) = serde_json::from_slice::<Batch>(body)
    else {
        let m = parse_message(body, "body", config)?;
        let line = record(app, &detector, m, 1, asked, &mut ConversationState::new());
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
        .map(|(i, item)| parse_message(item.get().as_bytes(), &format!("messages[{i}]"), config))
        .collect::<Result<Vec<_>, _>>()?;
    let mut states: HashMap<Option<String>, ConversationState> = HashMap::new();
    let results: Vec<OutputLine> = parsed
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let key = m.conversation.as_deref().map(str::to_string);
            let st = states.entry(key).or_default();
            if m.conversation.is_none() {
                *st = ConversationState::new();
            }
            record(app, &detector, m, i as u64 + 1, asked, st)
        })
        .collect();
    if asked.by_conversation {
        let mut verdicts = ConversationVerdicts::default();
        for r in &results {
            let report = Report {
                severity: r.severity,
                findings: r.findings.clone(),
                ..Report::default()
            };
            verdicts.add(r.conversation.as_deref(), r.id.as_deref(), r.line, &report);
        }
        let conversations = verdicts.finish_in(asked.lang);
        return Ok(json(
            StatusCode::OK,
            &serde_json::json!({ "conversations": conversations }),
        ));
    }
    Ok(json(StatusCode::OK, &Results { results }))
}

pub(super) async fn conversation_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let app = state.clone();
    let asked = match Asked::of(&state, &headers, &uri) {
        Ok(asked) => asked,
        Err(reject) => return reject.into_response(),
    };
    blocking(&state, body.len() + id.len(), move |wait| {
        conversation_body(&app, &id, &body, &asked, wait)
    })
    .await
}

/// Scans the next message of conversation `id`. Messages to one conversation are scanned one
/// at a time, from taking its state to putting it back, so that none is lost; `None` when
/// another holds the conversation and `wait` says not to wait for it.
fn conversation_body(
    app: &AppState,
    id: &str,
    body: &[u8],
    asked: &Asked,
    wait: Wait,
) -> Option<Result<Response, Reject>> {
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let lock = &app.conversation_locks[hasher.hash_one(id) as usize % app.conversation_locks.len()];
    let _one_at_a_time = match lock.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(TryLockError::WouldBlock) if wait == Wait::No => return None,
        Err(TryLockError::WouldBlock) => lock.lock().unwrap_or_else(|p| p.into_inner()),
    };
    Some(next_message(app, id, body, asked))
}

/// [`conversation_body`] once the conversation is held.
fn next_message(app: &AppState, id: &str, body: &[u8], asked: &Asked) -> Result<Response, Reject> {
    let config = &app.config;
    if id.len() > config.max_id_bytes {
        return Err(Reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "conversation id is {} bytes, over the limit of {}",
                id.len(),
                config.max_id_bytes
            ),
        ));
    }
    let mut m = parse_message(body, "body", config)?;
    m.conversation = Some(id.into());
    let detector = app.detector();
    let unavailable = || {
        Reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            "conversation store unavailable".to_string(),
        )
    };
    let mut st = app
        .conversations
        .lock()
        .map_err(|_| unavailable())?
        .take(id);
    let line = st.messages() + 1;
    let out = record(app, &detector, m, line, asked, &mut st);
    app.conversations
        .lock()
        .map_err(|_| unavailable())?
        .put(id, st);
    Ok(json(StatusCode::OK, &out))
}
