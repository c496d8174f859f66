//! The service under attack: every numbered way in which a hostile client could stall it,
//! lose an update, exhaust it or get an empty answer, tried on the real binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server::Server;

/// Raw bytes to the server; its answer as (status, JSON body), reading until it closes.
fn raw(port: u16, bytes: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse(&answer)
}

fn parse(answer: &[u8]) -> (u16, Value) {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (
        status,
        serde_json::from_str(body).unwrap_or(json!({ "raw": body })),
    )
}

fn has_reason(body: &Value) -> bool {
    body["error"].as_str().is_some_and(|e| !e.is_empty())
}

/// Heads the HTTP layer would refuse with an empty body are refused with a JSON reason, and a
/// declared body over the limit is refused at once, not after a wait for its bytes.
#[test]
fn errors_before_the_application_have_json_bodies() {
    let s = Server::start(&["--max-body-bytes", "1000"]);
    let cases: [(u16, Vec<u8>); 4] = [
        (400, b"GARBAGE\x01 / HTTP/1.1\r\n\r\n".to_vec()),
        (
            414,
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9000)).into_bytes(),
        ),
        (
            431,
            format!(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
                "b".repeat(20000)
            )
            .into_bytes(),
        ),
        (
            413,
            b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n{".to_vec(),
        ),
    ];
    for (want, bytes) in cases {
        let started = Instant::now();
        let (status, body) = raw(s.port, &bytes);
        assert_eq!(status, want, "{body}");
        assert!(has_reason(&body), "{want}: {body}");
        assert!(started.elapsed() < Duration::from_secs(5), "{want} waited");
    }
}

/// A client that never finishes its head gets a 408 with a reason, and holds no worker:
/// `/healthz` answers meanwhile; shutting down does not wait for it.
#[test]
fn a_head_that_never_ends_times_out_and_does_not_block_shutdown() {
    let s = Server::start(&["--header-timeout-ms", "500", "--shutdown-grace-secs", "1"]);
    let stalled: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut t = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            t.write_all(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            t
        })
        .collect();
    assert_eq!(s.call("GET", "/healthz", &[], b"").0, 200);
    let mut first = stalled.into_iter().next().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = first.read_to_end(&mut answer);
    let (status, body) = parse(&answer);
    assert_eq!(status, 408, "{body}");
    assert!(has_reason(&body));
    // A fresh stalled client, then SIGTERM: the server is gone long before the client leaves.
    let mut lingering = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    lingering.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    let started = Instant::now();
    assert!(s.stop().success());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown waited for a stalled client"
    );
    drop(lingering);
}

/// Concurrent messages to one conversation are scanned one at a time: none is lost, so the
/// payment one of them confirms is still known to the address change after them. (Long
/// ordinary messages make each scan last long enough for updates to cross, as they did when
/// the state was taken, scanned and put back unguarded: 119 of 161 survived.)
#[test]
fn concurrent_messages_to_one_conversation_lose_no_update() {
    // over the size scanned in place, so every scan runs on the blocking pool
    no_update_lost("亲 这个还有货吗 什么时候发货 ".repeat(200));
}

/// The same with short messages, scanned in place on the async workers unless another
/// message holds the conversation, when they go to the blocking pool and wait their turn.
#[test]
fn concurrent_short_messages_to_one_conversation_lose_no_update() {
    no_update_lost("亲 这个还有货吗 什么时候发货".to_string());
}

fn no_update_lost(chatter: String) {
    let s = Server::start(&[]);
    let port = s.port;
    let senders: Vec<_> = (0..16)
        .map(|t| {
            let chatter = chatter.clone();
            std::thread::spawn(move || {
                let client = Server::client(port);
                for i in 0..10 {
                    let text = if t == 7 && i == 5 {
                        "买家已付款"
                    } else {
                        chatter.as_str()
                    };
                    let speaker = if text == "买家已付款" {
                        "system"
                    } else {
                        "buyer"
                    };
                    let id = format!("t{t}-{i}");
                    let (status, _) = client.post(
                        "/v1/conversations/busy/messages",
                        &json!({"id": id, "speaker": speaker, "text": text}),
                    );
                    assert_eq!(status, 200);
                }
            })
        })
        .collect();
    for h in senders {
        h.join().unwrap();
    }
    let (_, r) = s.post(
        "/v1/conversations/busy/messages",
        &json!({"speaker": "buyer", "text": "收件人改成我表姐"}),
    );
    assert_eq!(r["line"], 161, "a message was lost: {r}");
    assert_eq!(r["findings"][0]["context"], json!(["t7-5"]));
}

/// Ids are bounded, so a client cannot fill the store with long ones; the store counts its
/// bytes; a `--max-conversations 0` service keeps no context at all.
#[test]
fn ids_are_bounded_and_zero_conversations_keep_nothing() {
    let s = Server::start(&["--max-id-bytes", "64", "--max-conversations", "0"]);
    let long = "i".repeat(65);
    let (status, body) = s.post("/v1/scan", &json!({"id": long, "text": "在吗"}));
    assert_eq!(status, 413, "{body}");
    let path = format!("/v1/conversations/{long}/messages");
    assert_eq!(s.post(&path, &json!({"text": "在吗"})).0, 413);
    s.post(
        "/v1/conversations/c/messages",
        &json!({"id": "p", "speaker": "system", "text": "买家已付款"}),
    );
    let (_, r) = s.post(
        "/v1/conversations/c/messages",
        &json!({"speaker": "buyer", "text": "收件人改成我表姐"}),
    );
    assert_eq!(r["line"], 1, "{r}");
    assert_eq!(r["findings"], json!([]), "{r}");
}

/// Reloads run one at a time: the others are told so (409), none fails.
#[test]
fn concurrent_reloads_run_one_at_a_time() {
    let s = Server::start(&[]);
    let port = s.port;
    let reloads: Vec<_> = (0..12)
        .map(|_| {
            std::thread::spawn(move || {
                Server::client(port).call("POST", "/v1/lexicon/reload", &[], b"")
            })
        })
        .collect();
    let statuses: Vec<u16> = reloads.into_iter().map(|h| h.join().unwrap().0).collect();
    assert!(
        statuses.iter().all(|&st| st == 200 || st == 409),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200), "{statuses:?}");
}

/// An empty or blank token is refused; the scheme is matched in any case.
#[test]
fn tokens_are_checked_properly() {
    for token in ["", "   "] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scamscan"))
            .args([
                "serve", "--port", "0", "--host", "0.0.0.0", "--token", token,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{token:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("token is empty"));
    }
    let s = Server::start(&["--token", "s3cret"]);
    let body = json!({"text": "在吗"}).to_string();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let auth = format!("{scheme} s3cret");
        assert_eq!(
            s.call(
                "POST",
                "/v1/scan",
                &[("Authorization", &auth)],
                body.as_bytes()
            )
            .0,
            200
        );
    }
    assert_eq!(
        s.call(
            "POST",
            "/v1/scan",
            &[("Authorization", "Bearer s3cre")],
            body.as_bytes()
        )
        .0,
        401
    );
}

/// `/metrics` counts requests by route and status, findings by category and severity, the
/// refused requests and the store; each request is one log line, JSON when asked.
#[test]
fn the_service_can_be_watched() {
    let s = Server::start(&["--log-format", "json"]);
    s.post("/v1/scan", &json!({"text": "你先付个定金我再发货"}));
    s.call("GET", "/nope", &[], b"");
    raw(s.port, b"GARBAGE\x01 / HTTP/1.1\r\n\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    for line in [
        "scamscan_requests_total{route=\"/v1/scan\",status=\"200\"} 1",
        "scamscan_requests_total{route=\"other\",status=\"404\"} 1",
        "scamscan_findings_total{category=\"deposit_first\",severity=\"high\"} 1",
        "scamscan_rejected_total{reason=\"bad_request\"} 1",
        "scamscan_conversations_kept 0",
        "scamscan_request_seconds_count",
    ] {
        assert!(text.contains(line), "no {line:?} in\n{text}");
    }
    std::thread::sleep(Duration::from_millis(200));
    let log = s.log.lock().unwrap().clone();
    let events: Vec<Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["fields"]["route"] == "/v1/scan" && e["fields"]["status"] == 200),
        "{log:?}"
    );
}
