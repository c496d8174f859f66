//! The real `scamscan serve` on an ephemeral port, spoken to over HTTP/1.1 on a socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

pub struct Server {
    child: Child,
    pub port: u16,
    /// Every line the server wrote on standard error after the first.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = crate::cli::bin()
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let line = lines.next().unwrap().unwrap();
        let port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        // Keep draining stderr so the server never blocks on it.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Server { child, port, log }
    }

    /// A client of the server on `port` (started elsewhere).
    pub fn client(port: u16) -> Server {
        Server {
            child: Command::new("true").spawn().unwrap(),
            port,
            log: Default::default(),
        }
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status: u16 = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let value = serde_json::from_str(body).unwrap_or_else(|_| json!({ "raw": body }));
        (status, value)
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call("POST", path, &[], body.to_string().as_bytes())
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn every_endpoint_answers() {
    let s = Server::start(&[]);
    assert_eq!(
        s.call("GET", "/healthz", &[], b""),
        (200, json!({"status": "ok"}))
    );

    let (status, doc) = s.call("GET", "/openapi.json", &[], b"");
    assert_eq!(status, 200);
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(doc, committed);

    let (status, r) = s.post(
        "/v1/scan",
        &json!({"id": "m1", "text": "你先付个定金我再发货"}),
    );
    assert_eq!(status, 200);
    assert_eq!(r["id"], "m1");
    assert_eq!(r["findings"][0]["category"], "deposit_first");
    assert_eq!(r["findings"][0]["matched"], "先付个定金");

    let batch = json!({"messages": [
        {"id": "a1", "conversation": "A", "speaker": "system", "text": "买家已付款"},
        {"id": "b1", "conversation": "B", "speaker": "buyer", "text": "收件人改成我表姐"},
        {"id": "a2", "conversation": "A", "speaker": "buyer", "text": "收件人改成我表姐"},
    ]});
    let (status, r) = s.post("/v1/scan", &batch);
    assert_eq!(status, 200);
    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[1]["findings"], json!([]));
    assert_eq!(
        results[2]["findings"][0]["category"],
        "address_change_after_payment"
    );
    assert_eq!(results[2]["findings"][0]["context"], json!(["a1"]));

    let (status, _) = s.post(
        "/v1/conversations/c9/messages",
        &json!({"id": "p", "speaker": "system", "text": "买家已付款"}),
    );
    assert_eq!(status, 200);
    let (status, r) = s.post(
        "/v1/conversations/c9/messages",
        &json!({"speaker": "buyer", "text": "地址帮我改一下"}),
    );
    assert_eq!(status, 200);
    assert_eq!(r["conversation"], "c9");
    assert_eq!(r["findings"][0]["context"], json!(["p"]));
    let (_, other) = s.post(
        "/v1/conversations/c10/messages",
        &json!({"speaker": "buyer", "text": "地址帮我改一下"}),
    );
    assert_eq!(other["findings"], json!([]));
    // Quiet conversations are kept too: their messages go on being numbered.
    for n in 1..=3 {
        let (_, r) = s.post(
            "/v1/conversations/c11/messages",
            &json!({"speaker": "buyer", "text": "在吗"}),
        );
        assert_eq!(r["line"], n);
    }

    let (status, info) = s.call("GET", "/v1/lexicon", &[], b"");
    assert_eq!(status, 200);
    assert!(info["rules"].as_u64().unwrap() > 50 && info["terms"].as_u64().unwrap() > 100);
    let (status, again) = s.call("POST", "/v1/lexicon/reload", &[], b"");
    assert_eq!(status, 200);
    assert_eq!(again["version"], info["version"]);
    assert!(s.stop().success());
}

#[test]
fn every_error_status_has_a_json_reason() {
    let s = Server::start(&[
        "--max-body-bytes",
        "2000",
        "--max-messages",
        "2",
        "--max-message-bytes",
        "300",
    ]);
    let cases: Vec<(u16, (u16, Value))> = vec![
        (400, s.call("POST", "/v1/scan", &[], b"{not json")),
        (422, s.post("/v1/scan", &json!({"id": "x"}))),
        (422, s.post("/v1/scan", &json!({"text": 5}))),
        (
            422,
            s.post(
                "/v1/scan",
                &json!({"messages": [{"text": "ok"}, {"id": 2}]}),
            ),
        ),
        (
            413,
            s.call(
                "POST",
                "/v1/scan",
                &[],
                format!("{{\"text\":\"{}\"}}", "a".repeat(5000)).as_bytes(),
            ),
        ),
        (
            413,
            s.post(
                "/v1/scan",
                &json!({"messages": [{"text": "a"}, {"text": "b"}, {"text": "c"}]}),
            ),
        ),
        (413, s.post("/v1/scan", &json!({"text": "长".repeat(200)}))),
        (404, s.call("GET", "/nope", &[], b"")),
        (405, s.call("GET", "/v1/scan", &[], b"")),
    ];
    for (want, (got, body)) in cases {
        assert_eq!(got, want, "{body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{want}: {body}"
        );
    }
    let (_, body) = s.post(
        "/v1/scan",
        &json!({"messages": [{"text": "ok"}, {"id": 2}]}),
    );
    assert!(
        body["error"].as_str().unwrap().contains("messages[1]"),
        "{body}"
    );
}

#[test]
fn token_is_required_when_set_and_public_binds_need_one() {
    let s = Server::start(&["--token", "s3cret"]);
    let body = json!({"text": "在吗"}).to_string();
    assert_eq!(s.call("POST", "/v1/scan", &[], body.as_bytes()).0, 401);
    assert_eq!(
        s.call(
            "POST",
            "/v1/scan",
            &[("Authorization", "Bearer nope")],
            body.as_bytes()
        )
        .0,
        401
    );
    assert_eq!(
        s.call(
            "POST",
            "/v1/scan",
            &[("Authorization", "Bearer s3cret")],
            body.as_bytes()
        )
        .0,
        200
    );
    assert_eq!(s.call("GET", "/healthz", &[], b"").0, 200);

    let out = Command::new(env!("CARGO_BIN_EXE_scamscan"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .env_remove("SCAMSCAN_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"));
}

#[test]
fn reload_under_load_drops_nothing_and_a_bad_lexicon_keeps_the_old_one() {
    let dir = std::env::temp_dir().join(format!("scamscan-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let good = "category = \"deposit_first\"\n[[rules]]\nid = \"mine/tea\"\nexplanation = \"tea fee first\"\npatterns = [\"先交 ~0..3 茶水费\"]\nexamples = [\"先交200茶水费\"]\ncounter_examples = [\"茶水费免了\"]\n";
    std::fs::write(dir.join("mine.toml"), good).unwrap();
    // A reload builds a detector in the test profile, slow on a loaded machine: the request
    // timeout is raised so that it measures nothing here.
    let s = Server::start(&["--lexicon", dir.to_str().unwrap(), "--timeout-ms", "120000"]);
    let port = s.port;
    let load: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let client = Server::client(port);
                let mut ok = 0;
                for _ in 0..100 {
                    let (status, r) = client.post("/v1/scan", &json!({"text": "先交50茶水费"}));
                    assert_eq!(status, 200, "{r}");
                    assert_eq!(r["findings"][0]["rule"], "mine/tea");
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    for _ in 0..5 {
        assert_eq!(s.call("POST", "/v1/lexicon/reload", &[], b"").0, 200);
    }
    let done: usize = load.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(done, 400);

    std::fs::write(dir.join("mine.toml"), "category = \"nope\"\n").unwrap();
    let (status, body) = s.call("POST", "/v1/lexicon/reload", &[], b"");
    assert_eq!(status, 422);
    assert!(
        body["error"].as_str().unwrap().contains("mine.toml"),
        "{body}"
    );
    let (_, r) = s.post("/v1/scan", &json!({"text": "先交50茶水费"}));
    assert_eq!(r["findings"][0]["rule"], "mine/tea");
    assert!(s.stop().success());
}

#[test]
fn answers_in_the_language_the_request_asks_for() {
    let s = Server::start(&[]);
    let body = json!({"text": "亲，先付个定金我再发货"}).to_string();
    let ask = |lang: Option<&str>| {
        let headers: Vec<(&str, &str)> = lang.map(|l| ("Accept-Language", l)).into_iter().collect();
        let (status, r) = s.call("POST", "/v1/scan", &headers, body.as_bytes());
        assert_eq!(status, 200, "{r}");
        let f = &r["findings"][0];
        (
            f["category_name"].as_str().unwrap().to_string(),
            f["explanation"].as_str().unwrap().to_string(),
        )
    };
    let (name, explanation) = ask(Some("zh-CN,zh;q=0.9,en;q=0.8"));
    assert_eq!(name, "先付定金");
    assert!(explanation.contains("定金"), "{explanation}");
    let (name, explanation) = ask(Some("fr-FR, en;q=0.5, zh;q=0.4"));
    assert_eq!(name, "Deposit first");
    assert!(explanation.starts_with("asks"), "{explanation}");
    assert_eq!(ask(None).0, "Deposit first");
    // The conversation route too, and the service's own default.
    let zh = Server::start(&["--lang", "zh-CN"]);
    let (status, r) = zh.call(
        "POST",
        "/v1/conversations/c1/messages",
        &[],
        body.as_bytes(),
    );
    assert_eq!(status, 200);
    assert_eq!(r["findings"][0]["category_name"], "先付定金");
}

#[test]
fn masks_what_it_found_when_asked() {
    let s = Server::start(&[]);
    let body = json!({"text": "加我微信 abc_shop88 私下转账更便宜"}).to_string();
    let (status, r) = s.call("POST", "/v1/scan?redact=contacts", &[], body.as_bytes());
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["redacted"], "加我微信 ********** 私下转账更便宜");
    let (_, r) = s.call(
        "POST",
        "/v1/scan?redact=phrases&keep_length=false&mask=%23",
        &[],
        body.as_bytes(),
    );
    assert!(!r["redacted"].as_str().unwrap().contains("微信"), "{r}");
    let (_, r) = s.call("POST", "/v1/scan", &[], body.as_bytes());
    assert!(r.get("redacted").is_none());
    let (status, r) = s.call("POST", "/v1/scan?redact=everything", &[], body.as_bytes());
    assert_eq!(status, 400, "{r}");
    assert!(r["error"].as_str().unwrap().contains("redact"));
}

#[test]
fn a_batch_can_be_answered_per_conversation() {
    let s = Server::start(&[]);
    let body = json!({"messages": [
        {"id": "m1", "conversation": "c1", "speaker": "system", "text": "买家已付款"},
        {"id": "m2", "conversation": "c1", "speaker": "buyer", "text": "收件人改成我表姐吧"},
        {"id": "n1", "conversation": "c2", "text": "这个耳机多少钱"}
    ]})
    .to_string();
    let (status, r) = s.call(
        "POST",
        "/v1/scan?by_conversation=true",
        &[],
        body.as_bytes(),
    );
    assert_eq!(status, 200, "{r}");
    let conversations = r["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 2);
    assert_eq!(conversations[0]["conversation"], "c1");
    assert_eq!(conversations[0]["evidence"][0]["id"], "m2");
    assert_eq!(conversations[1]["severity"], "none");
}
