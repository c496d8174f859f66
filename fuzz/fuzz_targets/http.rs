//! The service's handlers on arbitrary requests: any method on any route, with arbitrary
//! headers and body. No panic; every failure answered as JSON with a reason.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Request};
use libfuzzer_sys::fuzz_target;
use scamscan::server::{router, AppState, ServerConfig};
use scamscan::Detector;
use tower::ServiceExt;

fn runtime() -> &'static tokio::runtime::Runtime {
    static R: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    R.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fn state() -> &'static AppState {
    static S: OnceLock<AppState> = OnceLock::new();
    S.get_or_init(|| {
        let config = ServerConfig {
            max_conversations: 64,
            ..ServerConfig::default()
        };
        AppState::new(Detector::new().expect("built-in lexicons"), config)
    })
}

const ROUTES: [&str; 8] = [
    "/v1/scan",
    "/v1/conversations/",
    "/v1/lexicon",
    "/v1/lexicon/reload",
    "/healthz",
    "/metrics",
    "/openapi.json",
    "/",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let method = ["GET", "POST", "PUT", "DELETE"][usize::from(pick & 3)];
    let mut route = ROUTES[usize::from(pick >> 2) % ROUTES.len()].to_string();
    // The rest: a path suffix up to the first NUL, then the body.
    let (suffix, body) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&rest[..0], rest),
    };
    if route.ends_with("conversations/") {
        route.push_str(&String::from_utf8_lossy(suffix));
        route.push_str("/messages");
    }
    let Ok(request) = Request::builder()
        .method(method)
        .uri(route.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    if route.ends_with("/reload") {
        // Rebuilding the lexicons on every input would be all the fuzzer did.
        return;
    }
    let response = runtime().block_on(router(state().clone()).oneshot(request));
    let Ok(response) = response;
    let status = response.status();
    assert!(!status.is_server_error(), "{method} {route}: {status}");
    if !status.is_success() {
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        assert!(json, "{method} {route}: {status} without a JSON reason");
    }
});
