//! A customer-service bot loop that embeds the library: one detector for the process, one
//! `ConversationState` per chat, every incoming message checked before the bot answers.
//!
//! ```text
//! cargo run --release --example bot < examples/chat.jsonl
//! ```
//!
//! Reads JSON Lines messages (`IO.md` shape) on standard input, as a bot's message queue
//! would deliver them, and prints a warning for each one that reaches `medium`.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use scamscan::{ConversationState, Detector, Severity, Speaker, Turn};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let detector = Detector::builder().preload_segmenter(true).build()?;
    let mut chats: HashMap<String, ConversationState> = HashMap::new();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let msg: serde_json::Value = serde_json::from_str(&line?)?;
        let text = msg["text"].as_str().unwrap_or_default();
        let chat = msg["conversation"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        let turn = Turn {
            id: msg["id"].as_str(),
            speaker: msg["speaker"]
                .as_str()
                .and_then(|s| s.parse::<Speaker>().ok()),
            text,
        };
        let report = detector.scan_turn(turn, chats.entry(chat.clone()).or_default());
        if report.reaches(Severity::Medium) {
            for f in &report.findings {
                let written = writeln!(
                    out,
                    "[{chat}] {} {}: {:?} ({})",
                    f.severity, f.category, f.matched, f.explanation
                );
                // A closed output pipe (`... | head`) ends the loop quietly.
                if matches!(&written, Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe) {
                    return Ok(());
                }
                written?;
            }
        }
    }
    Ok(())
}
