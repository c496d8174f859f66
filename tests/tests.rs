//! One integration-test binary (links once, which matters on 2 cores).

mod util;

mod cases;
mod cli;
mod conversation;
mod hostile_files;
mod language;
mod lexicon_examples;
mod properties;
mod quality;
mod seller_guide;
#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
mod server_attacks;
