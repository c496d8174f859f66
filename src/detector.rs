//! The [`Detector`]: built once from lexicons, immutable, shared by reference across threads.

use std::cell::RefCell;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::confidence::{Calibration, CALIBRATION_FILE};
use crate::conversation::{found_signal, Conversation, ConversationState, Speaker, Turn};
use crate::engine::{Engine, Outcome, Scratch, DEFAULT_LARGE_AMOUNT};
use crate::error::Error;
use crate::lang::Lang;
use crate::lexicon::schema::ExampleSchema;
use crate::lexicon::{builtin_sources, read_dir_sources, LexiconSet, LexiconSource, Rule};
use crate::redact::{self, RedactOptions};
use crate::report::{Category, Finding, Report, Severity};
use crate::scorer::{fnv1a, Scorer, FNV_OFFSET, SCORER_FILE, SCORER_MODEL};
use crate::stance::{Stance, STANCE_FILE, STANCE_MODEL};

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Scans chat messages for scam patterns.
///
/// Building compiles the lexicons into one automaton; scanning is then a pass over the
/// message plus a little work per candidate. Cloning is cheap (an `Arc` inside), and a
/// detector is `Send + Sync`: build one and share it.
#[derive(Clone, Debug)]
pub struct Detector {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: Engine,
    build_time: Duration,
    /// FNV-1a of every lexicon file's name and text, in load order.
    version: String,
    /// The language reports are written in.
    language: Lang,
    /// The confidence of findings (with the built-in lexicons).
    calibration: Option<Calibration>,
}

/// Sizes and costs of a built detector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Rules that report findings.
    pub rules: usize,
    /// Rules that only raise conversation signals.
    pub signal_rules: usize,
    /// Distinct folded literals in the automaton.
    pub terms: usize,
    /// Heap bytes of the automaton.
    pub automaton_bytes: usize,
    /// How long [`DetectorBuilder::build`] took.
    pub build_time: Duration,
}

/// An example or counter-example that did not behave as its rule says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule id.
    pub rule: String,
    /// `file:line` of the rule.
    pub location: String,
    /// The example text.
    pub text: String,
    /// True for an example that did not fire, false for a counter-example that did.
    pub should_fire: bool,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.should_fire {
            "example does not fire"
        } else {
            "counter-example fires"
        };
        write!(
            f,
            "{}: rule {}: {what}: {:?}",
            self.location, self.rule, self.text
        )
    }
}

/// Builds a [`Detector`] from the built-in lexicons and any number of user folders.
#[derive(Clone, Debug)]
pub struct DetectorBuilder {
    builtin: bool,
    user: Vec<Vec<LexiconSource>>,
    preload_segmenter: bool,
    verify_examples: bool,
    large_amount: Option<f64>,
    scorer: bool,
    stance: bool,
    language: Lang,
}

impl Default for DetectorBuilder {
    fn default() -> Self {
        DetectorBuilder {
            builtin: true,
            user: Vec::new(),
            preload_segmenter: false,
            verify_examples: true,
            large_amount: Some(DEFAULT_LARGE_AMOUNT),
            scorer: true,
            stance: true,
            language: Lang::En,
        }
    }
}

impl DetectorBuilder {
    /// A builder with the built-in lexicons.
    pub fn new() -> DetectorBuilder {
        DetectorBuilder::default()
    }

    /// Leaves the built-in lexicons out (user lexicons must then define everything).
    pub fn without_builtin(mut self) -> DetectorBuilder {
        self.builtin = false;
        self
    }

    /// Adds every `*.toml` file of a folder on top of what is there.
    pub fn lexicon_dir(mut self, dir: impl AsRef<Path>) -> Result<DetectorBuilder, Error> {
        self.user.push(read_dir_sources(dir.as_ref())?);
        Ok(self)
    }

    /// Adds one lexicon given as text, as its own layer.
    pub fn lexicon_text(mut self, name: &str, text: &str) -> DetectorBuilder {
        self.user.push(vec![LexiconSource {
            name: name.to_string(),
            text: text.to_string(),
        }]);
        self
    }

    /// Loads jieba's dictionary while building rather than on the first message that needs
    /// a word-boundary check (servers want this; one-off scripts do not).
    pub fn preload_segmenter(mut self, yes: bool) -> DetectorBuilder {
        self.preload_segmenter = yes;
        self
    }

    /// Whether [`build`](Self::build) refuses user rules whose examples misbehave (the
    /// default). `scamscan lexicon check` turns it off to list every failure at once.
    pub fn verify_examples(mut self, yes: bool) -> DetectorBuilder {
        self.verify_examples = yes;
        self
    }

    /// Whether the n-gram scorer (the second stage, `src/scorer.rs`) adds findings where the
    /// rules found nothing of a category (default: yes). It catches more of the wording no
    /// rule names (README, quality) and costs a fifth of the throughput; it ships with the
    /// built-in lexicons and is left out with them.
    pub fn scorer(mut self, yes: bool) -> DetectorBuilder {
        self.scorer = yes;
        self
    }

    /// Whether the stance stage (`src/stance.rs`) silences findings whose speaker does not
    /// propose the step (refuses, warns, asks, retells); default yes. It ships with the
    /// built-in lexicons and is left out with them.
    pub fn stance(mut self, yes: bool) -> DetectorBuilder {
        self.stance = yes;
        self
    }

    /// Findings with a money amount of at least this many yuan are raised one severity step,
    /// and their explanation says so (default 1000; `None` turns it off).
    pub fn large_amount(mut self, yuan: Option<f64>) -> DetectorBuilder {
        self.large_amount = yuan;
        self
    }

    /// The language of the reports' explanations and category names (default English;
    /// [`Report::localize`] rewrites a report in another).
    pub fn language(mut self, lang: Lang) -> DetectorBuilder {
        self.language = lang;
        self
    }

    /// Loads, validates and compiles. A user rule whose examples do not fire, or whose
    /// counter-examples do, is refused here with its file, line and id.
    pub fn build(self) -> Result<Detector, Error> {
        let started = Instant::now();
        let mut layers = Vec::new();
        if self.builtin {
            layers.push((builtin_sources(), false));
        }
        let has_user = !self.user.is_empty();
        layers.extend(self.user.into_iter().map(|s| (s, true)));
        let mut hash: u64 = FNV_OFFSET;
        for (i, (sources, _)) in layers.iter().enumerate() {
            if i == 0 && self.builtin {
                // The built-in files never change within a process: hashed once.
                static BUILTIN: OnceLock<u64> = OnceLock::new();
                hash = *BUILTIN.get_or_init(|| fnv_sources(FNV_OFFSET, sources));
            } else {
                hash = fnv_sources(hash, sources);
            }
        }
        let set = LexiconSet::from_layers(&layers)?;
        let mut engine = Engine::compile(set)?;
        engine.large_amount = self.large_amount;
        if self.builtin && self.scorer {
            let scorer =
                Scorer::builtin().map_err(|e| Error::lexicon(SCORER_FILE, None, None, e))?;
            // The 2.4 MB model is hashed once per process; its digest enters the version.
            static MODEL: OnceLock<u64> = OnceLock::new();
            let model = *MODEL.get_or_init(|| fnv1a(FNV_OFFSET, SCORER_MODEL));
            hash = fnv1a(hash, b"scorer\0");
            hash = fnv1a(hash, &model.to_le_bytes());
            engine.scorer = Some(scorer);
        }
        if self.builtin && self.stance {
            let stance =
                Stance::builtin().map_err(|e| Error::lexicon(STANCE_FILE, None, None, e))?;
            static STANCE: OnceLock<u64> = OnceLock::new();
            let model = *STANCE.get_or_init(|| fnv1a(FNV_OFFSET, STANCE_MODEL));
            hash = fnv1a(hash, b"stance\0");
            hash = fnv1a(hash, &model.to_le_bytes());
            engine.stance = Some(stance);
        }
        let calibration = match self.builtin {
            true => Some(
                Calibration::builtin()
                    .map_err(|e| Error::lexicon(CALIBRATION_FILE, None, None, e))?,
            ),
            false => None,
        };
        if self.preload_segmenter {
            engine.segmenter.warm_up();
        }
        let detector = Detector {
            inner: Arc::new(Inner {
                engine,
                build_time: started.elapsed(),
                version: format!("{hash:016x}"),
                language: self.language,
                calibration,
            }),
        };
        if has_user && self.verify_examples {
            if let Some(failure) = detector.check_examples_where(|r| r.user).into_iter().next() {
                let rule = detector.rules().iter().find(|r| r.id == failure.rule);
                return Err(Error::lexicon(
                    rule.map_or("lexicon", |r| r.file.as_str()),
                    rule.and_then(|r| r.line),
                    Some(&failure.rule),
                    if failure.should_fire {
                        format!("example does not fire: {:?}", failure.text)
                    } else {
                        format!("counter-example fires: {:?}", failure.text)
                    },
                ));
            }
        }
        Ok(detector)
    }
}

impl Detector {
    /// A detector with the built-in lexicons.
    ///
    /// ```
    /// let detector = scamscan::Detector::new()?;
    /// let report = detector.scan("亲，加我微信私下转账");
    /// assert!(report.severity >= scamscan::Severity::Medium);
    /// # Ok::<(), scamscan::Error>(())
    /// ```
    pub fn new() -> Result<Detector, Error> {
        DetectorBuilder::new().build()
    }

    /// A builder, for user lexicons.
    pub fn builder() -> DetectorBuilder {
        DetectorBuilder::new()
    }

    /// Scans one message on its own (no conversation context).
    pub fn scan(&self, text: &str) -> Report {
        let outcome = self.run(Turn::new(text));
        self.finish(outcome, None, None)
    }

    /// Scans one message with what is known of it (its speaker), on its own: no
    /// conversation context, as `scamscan scan` does for a record without a conversation.
    pub fn scan_message(&self, turn: Turn<'_>) -> Report {
        let outcome = self.run(turn);
        self.finish(outcome, None, None)
    }

    /// Scans the next message of a conversation whose state the caller keeps.
    pub fn scan_turn(&self, turn: Turn<'_>, state: &mut ConversationState) -> Report {
        let outcome = self.run(turn);
        self.finish(outcome, turn.id, Some(state))
    }

    /// Scans a message without its conversation; [`Detector::finish`] applies it later.
    pub(crate) fn scan_alone(&self, turn: Turn<'_>) -> Outcome {
        self.run(turn)
    }

    /// Applies a conversation (if any) to an outcome and makes the report.
    pub(crate) fn finish(
        &self,
        mut outcome: Outcome,
        id: Option<&str>,
        state: Option<&mut ConversationState>,
    ) -> Report {
        let message = outcome.message.take();
        let speaker = outcome.speaker;
        let mut state = state;
        let mut findings = self.inner.engine.resolve(outcome, id, state.as_deref_mut());
        if let Some(calibration) = &self.inner.calibration {
            for f in &mut findings {
                f.confidence = Some(calibration.of(f));
            }
        }
        let mut report = Report::from_findings(findings);
        if let (Some(stance), Some(text)) = (&self.inner.engine.stance, message) {
            // Asked only of the findings the report keeps, once their severity is known.
            let asked = |f: &Finding| f.severity >= Severity::Medium;
            if report.findings.iter().any(asked) {
                let scored = report.findings.iter().any(|f| asked(f) && f.is_scored());
                let view = stance.message(&text, scored);
                for f in report.findings.iter_mut().filter(|f| asked(f)) {
                    let logit = stance.logit(
                        &view,
                        (f.start, f.end),
                        (&f.rule, f.category.as_str()),
                        speaker,
                    );
                    f.why.set_stance(logit);
                }
                report.silence(|f| asked(f) && f.why.stance().is_some_and(|z| stance.silences(z)));
            }
        }
        if let Some(state) = state {
            // What the speaker was found doing, for their later messages (`found.<category>`).
            let id = id.map_or_else(|| state.messages().to_string(), str::to_string);
            let mut found: Vec<Category> = report
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::Medium)
                .map(|f| f.category)
                .collect();
            found.sort_unstable();
            found.dedup();
            for category in found {
                state.raise(found_signal(category, speaker), &id);
            }
        }
        match self.inner.language {
            Lang::En => report,
            lang => report.localized(lang),
        }
    }

    /// `text` with what `report` (this detector's report of it) found masked: see
    /// [`crate::redact`].
    pub fn redact(&self, text: &str, report: &Report, options: &RedactOptions) -> String {
        let ranges = redact::masked_ranges(text, report, options, &self.inner.engine.segmenter);
        redact::apply(text, &ranges, options)
    }

    /// The language this detector writes its reports in.
    pub fn language(&self) -> Lang {
        self.inner.language
    }

    /// A conversation bound to this detector.
    pub fn conversation(&self) -> Conversation {
        Conversation::new(self.clone(), ConversationState::new())
    }

    /// A conversation that goes on from a saved state (see [`ConversationState::to_bytes`]).
    pub fn resume(&self, state: ConversationState) -> Conversation {
        Conversation::new(self.clone(), state)
    }

    fn run(&self, turn: Turn<'_>) -> Outcome {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let outcome = self.inner.engine.scan(turn, &mut scratch);
                scratch.release_if_large();
                outcome
            }
            // Only reachable if scanning were re-entered on this thread; stay correct anyway.
            Err(_) => self.inner.engine.scan(turn, &mut Scratch::default()),
        })
    }

    /// The compiled lexicon, for the engine's own tests.
    #[cfg(test)]
    pub(crate) fn inner_engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Sizes and build cost.
    pub fn stats(&self) -> Stats {
        let engine = &self.inner.engine;
        let signal_rules = engine.rules.iter().filter(|r| r.category.is_none()).count();
        Stats {
            rules: engine.rules.len() - signal_rules,
            signal_rules,
            terms: engine.terms().len(),
            automaton_bytes: engine.automaton_bytes(),
            build_time: self.inner.build_time,
        }
    }

    /// The amount in yuan from which a finding is raised one severity step (`None`: off).
    pub fn large_amount(&self) -> Option<f64> {
        self.inner.engine.large_amount
    }

    /// Identifies the lexicons this detector was built from: a hash of every file's name and
    /// text, so two detectors built from the same files report the same version.
    pub fn lexicon_version(&self) -> &str {
        &self.inner.version
    }

    /// Every rule, in lexicon order.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.engine.rules
    }

    /// Every literal the automaton is built from (folded), in automaton order.
    pub fn terms(&self) -> &[String] {
        self.inner.engine.terms()
    }

    /// Runs every rule's examples and counter-examples; returns what misbehaved.
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        self.check_examples_where(|_| true)
    }

    /// Counts of (examples, counter-examples) over all rules.
    pub fn example_counts(&self) -> (usize, usize) {
        self.rules().iter().fold((0, 0), |(e, c), r| {
            (e + r.examples(), c + r.counter_examples())
        })
    }

    fn check_examples_where(&self, which: impl Fn(&Rule) -> bool) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for (index, rule) in self.rules().iter().enumerate() {
            if !which(rule) {
                continue;
            }
            let cases = rule
                .examples
                .iter()
                .map(|e| (e, true))
                .chain(rule.counter_examples.iter().map(|e| (e, false)));
            for (example, should_fire) in cases {
                if self.example_fires(index, rule, example) != should_fire {
                    failures.push(ExampleFailure {
                        rule: rule.id.clone(),
                        location: rule.location(),
                        text: example_text(example).to_string(),
                        should_fire,
                    });
                }
            }
        }
        failures
    }

    fn example_fires(&self, index: usize, rule: &Rule, example: &ExampleSchema) -> bool {
        let mut state = ConversationState::new();
        let (text, speaker) = match example {
            ExampleSchema::Text(text) => (text.as_str(), None),
            ExampleSchema::Turns {
                text,
                speaker,
                before,
            } => {
                for (i, turn) in before.iter().enumerate() {
                    let id = format!("e{}", i + 1);
                    self.scan_turn(
                        Turn {
                            id: Some(&id),
                            speaker: turn.speaker.as_deref().and_then(|s| s.parse().ok()),
                            text: &turn.text,
                        },
                        &mut state,
                    );
                }
                (text.as_str(), speaker.as_deref())
            }
        };
        let speaker: Option<Speaker> = speaker.and_then(|s| s.parse().ok());
        let outcome = self.run(Turn {
            id: Some("example"),
            speaker,
            text,
        });
        if rule.signal.is_some() && rule.repeat.is_none() {
            return outcome.raised.iter().any(|(r, _)| *r == index as u32);
        }
        self.inner
            .engine
            .resolve(outcome, Some("example"), Some(&mut state))
            .iter()
            .any(|f| f.rule == rule.id)
    }
}

fn example_text(example: &ExampleSchema) -> &str {
    match example {
        ExampleSchema::Text(t) => t,
        ExampleSchema::Turns { text, .. } => text,
    }
}

/// [`fnv1a`] over every source's name, a zero byte and its text, in order: the lexicon
/// version's hash.
fn fnv_sources(hash: u64, sources: &[LexiconSource]) -> u64 {
    sources.iter().fold(hash, |h, source| {
        fnv1a(
            fnv1a(fnv1a(h, source.name.as_bytes()), &[0]),
            source.text.as_bytes(),
        )
    })
}
