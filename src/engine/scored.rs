//! The scorer stage: a finding per category the n-gram scorer reports and the rules did not,
//! unless the message warns, or the evidence is negated, asked about or allowed, exactly as a
//! rule's would be.

use super::context::Outcome;
use super::finding::{Claim, Evidence, Message};
use super::{Engine, Scratch};
use crate::conversation::{Speaker, Turn};
use crate::explain::Explanation;
use crate::report::{Category, Severity};
use crate::scorer::{Scorer, SCORER_RULE_PREFIX};

impl Engine {
    /// Runs after the rule stages, on the folded text and hits they left in `scratch`.
    pub(super) fn add_scored(
        &self,
        scorer: &Scorer,
        turn: Turn<'_>,
        scratch: &mut Scratch,
        outcome: &mut Outcome,
    ) {
        // The platform's own notices are never scams.
        if turn.speaker == Some(Speaker::System) {
            return;
        }
        scorer.score(
            &scratch.folded.text,
            &mut scratch.grams,
            &mut scratch.scored,
        );
        if scratch.scored.is_empty() {
            return;
        }
        self.complete_hits(scratch);
        let Scratch {
            folded,
            hits,
            cues,
            scored,
            ..
        } = scratch;
        cues.read(self, hits);
        if cues.warning {
            return;
        }
        folded.build_maps();
        // A rule that presses a step the speaker was found taking earlier (`found.<category>`)
        // does not stand in for the scorer: without that earlier finding it reports nothing.
        let links = &self.links;
        let reported = |category: Category, outcome: &Outcome| {
            outcome
                .findings
                .iter()
                .chain(
                    outcome
                        .conditional
                        .iter()
                        .filter(|(_, rule)| !links[*rule as usize].continues())
                        .map(|(f, _)| f),
                )
                .chain(outcome.raised.iter().filter_map(|(_, f)| f.as_ref()))
                .any(|f| f.category == category)
        };
        let mut evidence = Evidence::new(Message {
            folded,
            hits,
            turn: &turn,
        });
        for sc in scored.iter() {
            let (s, e) = (sc.start as u32, sc.end as u32);
            if s >= e || reported(sc.category, outcome) {
                continue;
            }
            if cues.allowed(s, e)
                || cues.negated(folded, s, e)
                || (turn.speaker == Some(Speaker::Buyer) && folded.asks(sc.start))
            {
                continue;
            }
            let claim = Claim {
                category: sc.category,
                severity: Severity::Medium,
                rule: format!("{SCORER_RULE_PREFIX}{}", sc.category),
                why: Explanation::of_scorer(sc.probability),
                aliases: Vec::new(),
            };
            outcome.findings.push(evidence.finding(claim, (s, e)));
        }
    }
}
