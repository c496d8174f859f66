//! Finds scam patterns in Chinese customer-service chat messages and points at the exact
//! text that gave each one away.
//!
//! A shop's chat window is where off-platform payment, deposits demanded up front, address
//! changes after payment, fake refunds and requests for verification codes happen. scamscan
//! reads each message, reports every scam pattern in it with a category from `TAXONOMY.md`, a
//! severity and the byte span of the evidence in the text as it was typed, and uses the
//! conversation around a message where the words alone do not decide.
//!
//! # Overview
//!
//! * [`Detector`] is built once from lexicons (the built-in ones, plus user folders through
//!   [`DetectorBuilder`]); it is immutable, cheap to clone and `Send + Sync`.
//! * [`Detector::scan`] returns a [`Report`]: the message's [`Severity`] and its
//!   [`Finding`]s, each with a [`Category`], the rule that fired, the span and an explanation.
//! * [`Conversation`] (or [`ConversationState`] with [`Detector::scan_turn`]) carries
//!   signals from message to message: a payment confirmed earlier turns a later address change
//!   into `address_change_after_payment`.
//! * [`batch`] scans large inputs in parallel, in order, in bounded memory; [`io`] reads and
//!   writes the formats of `IO.md`; [`eval`] scores labeled files.
//!
//! # Example
//!
//! ```
//! use scamscan::{Category, Detector, Severity};
//!
//! let detector = Detector::new()?;
//! let text = "亲，先付个定金我再发货";
//! let report = detector.scan(text);
//! assert_eq!(report.severity, Severity::High);
//! let finding = &report.findings[0];
//! assert_eq!(finding.category, Category::DepositFirst);
//! assert_eq!(&text[finding.start..finding.end], finding.matched);
//!
//! // Look-alikes stay quiet.
//! assert!(detector.scan("参加微信公众号活动").findings.is_empty());
//! assert!(detector.scan("请确定金额").findings.is_empty());
//! # Ok::<(), scamscan::Error>(())
//! ```
//!
//! # Normalization and offsets
//!
//! Before matching, a message is folded: traditional to simplified, full-width to half-width,
//! lower case, invisible characters removed, separators and emoji between the characters of
//! a word removed (加 微-信, 验🔑证码), and Chinese or circled digits inside digit runs turned
//! into digits. Every folded character remembers its original bytes, so `start..end` always
//! index the text as given, on character boundaries; `normalized` on a finding names the
//! foldings that were needed to see it.
//!
//! # Untrusted input
//!
//! Scanning never panics. Time per message is linear in its length plus a bounded search per
//! candidate pattern (at most 4,096 steps each); memory per message is a few buffers of
//! about 16 bytes per input byte, reused from message to message on each thread.
//!
//! # Crate features
//!
//! * `cli` (default): the `scamscan` binary's own dependencies (clap, anyhow).
//! * `server` (default): [`server`], the HTTP service behind `scamscan serve` (tokio, axum).
//!
//! A program that embeds the library sets `default-features = false` and compiles none of
//! those dependencies.

#![deny(missing_docs)]

pub mod amount;
pub mod batch;
mod confidence;
mod config;
mod conversation;
mod conversation_map;
mod detector;
mod engine;
mod error;
pub mod eval;
pub mod evidence;
mod explain;
pub mod highlight;
pub mod io;
pub mod lang;
mod lexicon;
mod matcher;
mod normalize;
pub mod redact;
mod report;
mod scorer;
mod segment;
#[cfg(feature = "server")]
pub mod server;
mod stance;
pub mod summary;
mod tables;

pub use config::DetectorConfig;
pub use conversation::{Conversation, ConversationState, Speaker, Turn};
pub use detector::{Detector, DetectorBuilder, ExampleFailure, Stats};
pub use engine::DEFAULT_LARGE_AMOUNT;
pub use error::Error;
pub use lang::Lang;
pub use lexicon::{builtin_sources, LexiconSource, Rule};
pub use normalize::fold;
pub use report::{Category, Finding, Report, Severity};

#[cfg(test)]
mod testoibits {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_clone<T: Clone>() {}

    #[test]
    fn public_types_are_send_sync() {
        assert_send_sync::<Detector>();
        assert_send_sync::<DetectorBuilder>();
        assert_send_sync::<Report>();
        assert_send_sync::<Finding>();
        assert_send_sync::<Conversation>();
        assert_send_sync::<ConversationState>();
        assert_send_sync::<Error>();
        assert_send_sync::<batch::ScanOptions>();
        assert_clone::<Detector>();
        assert_clone::<Conversation>();
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
