//! The guard on every client connection: request heads are read and checked here before
//! the HTTP implementation sees a byte of them.
//!
//! A head must arrive whole within the head timeout, be at most `MAX_HEAD` bytes, parse as
//! HTTP/1 with a URI of at most `MAX_URI` bytes, and declare a body no longer than the
//! limit. Anything else is answered here with a JSON error (`{"error": ...}`, the same as the
//! service's own) and the connection is closed: 400, 408, 413, 414 or 431. A connection idle
//! between requests past the idle timeout, or when the service shuts down, is closed.
//!
//! Bodies are followed by `Content-Length`; a request with `Transfer-Encoding` (chunked) is
//! passed through unguarded from there to the end of its connection, its body limited by the
//! service as before.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;
use tokio::time::{sleep, Sleep};

use super::metrics::Metrics;

/// Longest request head, in bytes.
const MAX_HEAD: usize = 16 << 10;
/// Longest request target (path and query), in bytes.
const MAX_URI: usize = 8 << 10;
/// Most header fields in a head.
const MAX_HEADERS: usize = 64;
/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 8 << 10;

/// What the guard enforces.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Longest declared body.
    pub max_body: usize,
    /// How long a head may take to arrive once its first byte has.
    pub head_timeout: Duration,
    /// How long a connection may wait between requests.
    pub idle_timeout: Duration,
}

/// Tells every guard that the service is shutting down.
#[derive(Debug, Default)]
pub(super) struct Shutdown {
    started: AtomicBool,
    notify: Arc<Notify>,
}

impl Shutdown {
    pub(super) fn start(&self) {
        self.started.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
}

/// Where a connection is between requests.
enum State {
    /// Reading a head: the bytes so far.
    Head(Vec<u8>),
    /// Passing `n` more bytes of a body.
    Body(u64),
    /// Passing everything (a chunked body made request boundaries unknown).
    Through,
}

/// A client socket as the HTTP implementation reads it.
pub(super) struct Guarded<S> {
    io: S,
    limits: Limits,
    metrics: Arc<Metrics>,
    state: State,
    /// Checked bytes not yet handed over.
    ready: Vec<u8>,
    ready_from: usize,
    /// The head or idle deadline, while one runs.
    deadline: Option<Pin<Box<Sleep>>>,
    shutdown: Arc<Shutdown>,
    shutting: Pin<Box<OwnedNotified>>,
    /// An error answer to write before the connection closes, and how much of it is written.
    answer: Option<(Vec<u8>, usize)>,
    /// No more bytes are handed over: the connection is closing.
    closed: bool,
}

impl<S> Guarded<S> {
    pub(super) fn new(
        io: S,
        limits: Limits,
        metrics: Arc<Metrics>,
        shutdown: Arc<Shutdown>,
    ) -> Self {
        let shutting = Box::pin(shutdown.notify.clone().notified_owned());
        Guarded {
            io,
            limits,
            metrics,
            state: State::Head(Vec::new()),
            ready: Vec::new(),
            ready_from: 0,
            deadline: Some(Box::pin(sleep(limits.idle_timeout))),
            shutdown,
            shutting,
            answer: None,
            closed: false,
        }
    }

    /// Refuses the request being read: the answer is written once the HTTP side has
    /// finished with the requests before it, and the connection closes.
    fn refuse(&mut self, status: u16, reason: &'static str, message: &str) {
        self.metrics.rejected(reason);
        let body = serde_json::json!({ "error": message }).to_string();
        let head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            reason_phrase(status),
            body.len()
        );
        self.answer = Some(([head.into_bytes(), body.into_bytes()].concat(), 0));
        self.closed = true;
    }

    /// Checks `bytes` just read, moving what may pass into `ready`.
    fn take_in(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && !self.closed {
            match &mut self.state {
                State::Through => {
                    self.ready.extend_from_slice(bytes);
                    return;
                }
                State::Body(left) => {
                    let n = bytes
                        .len()
                        .min(usize::try_from(*left).unwrap_or(usize::MAX));
                    self.ready.extend_from_slice(&bytes[..n]);
                    *left -= n as u64;
                    bytes = &bytes[n..];
                    if *left == 0 {
                        self.next_request();
                    }
                }
                State::Head(head) => {
                    let was_empty = head.is_empty();
                    let room = MAX_HEAD + 1 - head.len().min(MAX_HEAD + 1);
                    let n = bytes.len().min(room);
                    head.extend_from_slice(&bytes[..n]);
                    if was_empty {
                        self.deadline = Some(Box::pin(sleep(self.limits.head_timeout)));
                    }
                    // The head ends inside what was just added: what lies past its end
                    // belongs to the body or the next request.
                    let past = self.check_head().unwrap_or(0);
                    bytes = &bytes[n - past..];
                }
            }
        }
    }

    /// Waits for the next head, the idle deadline running.
    fn next_request(&mut self) {
        self.state = State::Head(Vec::new());
        self.deadline = Some(Box::pin(sleep(self.limits.idle_timeout)));
    }

    /// If the head read so far is complete and sound, passes it on and returns how many of
    /// the bytes read into it lie past its end. Refuses a bad one.
    fn check_head(&mut self) -> Option<usize> {
        let State::Head(head) = &self.state else {
            return None;
        };
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut fields);
        let parsed = request.parse(head);
        let (len, body) = match parsed {
            Ok(httparse::Status::Partial) if head.len() > MAX_HEAD => {
                self.refuse(
                    431,
                    "headers_too_large",
                    &format!("request head over {MAX_HEAD} bytes"),
                );
                return None;
            }
            Ok(httparse::Status::Partial) => return None,
            Err(httparse::Error::TooManyHeaders) => {
                self.refuse(
                    431,
                    "headers_too_large",
                    &format!("more than {MAX_HEADERS} header fields"),
                );
                return None;
            }
            Err(e) => {
                self.refuse(400, "bad_request", &format!("malformed request head: {e}"));
                return None;
            }
            Ok(httparse::Status::Complete(len)) => {
                if request.path.is_some_and(|p| p.len() > MAX_URI) {
                    self.refuse(
                        414,
                        "uri_too_long",
                        &format!("request target over {MAX_URI} bytes"),
                    );
                    return None;
                }
                (len, body_of(request.headers))
            }
        };
        let body = match body {
            Body::Length(n) if n > self.limits.max_body as u64 => {
                self.refuse(
                    413,
                    "body_too_large",
                    &format!(
                        "request body over the limit of {} bytes",
                        self.limits.max_body
                    ),
                );
                return None;
            }
            Body::Bad(why) => {
                self.refuse(400, "bad_request", why);
                return None;
            }
            body => body,
        };
        let State::Head(head) = std::mem::replace(&mut self.state, State::Through) else {
            return None;
        };
        self.ready.extend_from_slice(&head[..len]);
        match body {
            Body::Length(0) => self.next_request(),
            Body::Length(n) => {
                self.state = State::Body(n);
                self.deadline = None;
            }
            _ => self.deadline = None,
        }
        Some(head.len() - len)
    }
}

/// How a request's body is delimited.
enum Body {
    Length(u64),
    Chunked,
    Bad(&'static str),
}

fn body_of(headers: &[httparse::Header<'_>]) -> Body {
    let mut length: Option<u64> = None;
    for h in headers {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            return Body::Chunked;
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            let value = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok());
            match (value, length) {
                (None, _) => return Body::Bad("Content-Length is not a number"),
                (Some(v), Some(seen)) if v != seen => {
                    return Body::Bad("two different Content-Length values")
                }
                (Some(v), _) => length = Some(v),
            }
        }
    }
    Body::Length(length.unwrap_or(0))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        _ => "Request Header Fields Too Large",
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.ready_from < this.ready.len() {
                let n = buf.remaining().min(this.ready.len() - this.ready_from);
                buf.put_slice(&this.ready[this.ready_from..this.ready_from + n]);
                this.ready_from += n;
                if this.ready_from == this.ready.len() {
                    this.ready.clear();
                    this.ready_from = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.closed {
                return Poll::Ready(Ok(()));
            }
            let between = matches!(&this.state, State::Head(h) if h.is_empty());
            if between && this.shutdown.started.load(Ordering::SeqCst) {
                this.closed = true;
                continue;
            }
            let mut chunk = [0u8; READ_CHUNK];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.io).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    this.closed = true;
                }
                Poll::Ready(Ok(())) => {
                    let bytes = read.filled().to_vec();
                    this.take_in(&bytes);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    if between && this.shutting.as_mut().poll(cx).is_ready() {
                        this.closed = true;
                        continue;
                    }
                    let Some(deadline) = this.deadline.as_mut() else {
                        return Poll::Pending;
                    };
                    if deadline.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    this.deadline = None;
                    if between {
                        this.closed = true;
                    } else {
                        let secs = this.limits.head_timeout.as_secs_f64();
                        this.refuse(
                            408,
                            "header_timeout",
                            &format!("request head not complete within {secs} s"),
                        );
                    }
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    /// Writes a pending error answer, after everything the HTTP side wrote, then shuts down.
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some((answer, written)) = &mut this.answer {
            while *written < answer.len() {
                match Pin::new(&mut this.io).poll_write(cx, &answer[*written..]) {
                    Poll::Ready(Ok(0)) => break,
                    Poll::Ready(Ok(n)) => *written += n,
                    Poll::Ready(Err(_)) => break,
                    Poll::Pending => return Poll::Pending,
                }
            }
            if Pin::new(&mut this.io).poll_flush(cx).is_pending() {
                return Poll::Pending;
            }
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}
