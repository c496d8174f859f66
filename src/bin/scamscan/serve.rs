//! `scamscan serve`: the HTTP service for bots.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;

use scamscan::batch::DEFAULT_MAX_CONVERSATIONS;
use scamscan::server::{self, ServerConfig};

use crate::args::LexiconArgs;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to bind; anything but loopback needs --token or --no-auth.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to bind (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Bearer token clients must send (`Authorization: Bearer TOKEN`); also SCAMSCAN_TOKEN.
    #[arg(long, env = "SCAMSCAN_TOKEN")]
    token: Option<String>,
    /// Serve a non-loopback address without a token.
    #[arg(long)]
    no_auth: bool,
    /// Largest request body in bytes (answered 413 past it).
    #[arg(long, default_value_t = 1 << 20)]
    max_body_bytes: usize,
    /// Most messages in one request.
    #[arg(long, default_value_t = 1000)]
    max_messages: usize,
    /// Longest message text in bytes.
    #[arg(long, default_value_t = 64 << 10)]
    max_message_bytes: usize,
    /// Longest message or conversation id in bytes.
    #[arg(long, default_value_t = 256)]
    max_id_bytes: usize,
    /// Longest a request may take, in milliseconds (answered 408 past it).
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Longest a request head may take to arrive once begun, in milliseconds (408 past it).
    #[arg(long, default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// Seconds a connection may wait between requests before it is closed.
    #[arg(long, default_value_t = 60)]
    idle_timeout_secs: u64,
    /// Seconds shutdown waits for requests in flight.
    #[arg(long, default_value_t = 10)]
    shutdown_grace_secs: u64,
    /// Conversations the server keeps (0: none); past it the least recently used 10% are
    /// forgotten.
    #[arg(long, default_value_t = DEFAULT_MAX_CONVERSATIONS)]
    max_conversations: usize,
    /// Bytes the conversation store may hold; past it the least recently used are forgotten.
    #[arg(long, default_value_t = 64 << 20)]
    max_conversation_bytes: usize,
    /// Seconds after which an unused conversation is forgotten.
    #[arg(long, default_value_t = 86_400)]
    conversation_ttl_secs: u64,
    /// How each request is logged on standard error: text or json (one object a line).
    #[arg(long, value_name = "text|json", default_value = "text")]
    log_format: LogFormat,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let blank = args.token.as_deref().is_some_and(|t| t.trim().is_empty());
    if blank {
        bail!("the token is empty: give a token clients must send (--token or SCAMSCAN_TOKEN)");
    }
    if !args.host.is_loopback() && args.token.is_none() && !args.no_auth {
        bail!(
            "binding {} exposes the service beyond this machine: give --token TOKEN (or SCAMSCAN_TOKEN), or --no-auth",
            args.host
        );
    }
    let config = ServerConfig {
        addr: std::net::SocketAddr::new(args.host, args.port),
        token: args.token,
        detector: args.lexicon.config(),
        max_body_bytes: args.max_body_bytes,
        max_messages: args.max_messages,
        max_message_bytes: args.max_message_bytes,
        max_id_bytes: args.max_id_bytes,
        request_timeout: Duration::from_millis(args.timeout_ms.max(1)),
        header_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout_secs.max(1)),
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        max_conversations: args.max_conversations,
        max_conversation_bytes: args.max_conversation_bytes,
        conversation_ttl: Duration::from_secs(args.conversation_ttl_secs),
        lang: crate::language(scamscan::Lang::En),
    };
    let log = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false);
    match args.log_format {
        LogFormat::Json => log.json().init(),
        LogFormat::Text => log.with_ansi(false).init(),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(server::serve(config, |addr| {
            eprintln!("scamscan: listening on http://{addr}");
        }))
        .context("serving")?;
    eprintln!("scamscan: shut down");
    Ok(ExitCode::SUCCESS)
}
