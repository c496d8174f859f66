//! The context stage: a message's outcome applied to its conversation (findings that need an
//! earlier signal, counted signals, the signals it raises), then the large-amount raise.

use super::{Engine, Required};
use crate::conversation::{found_signal, ConversationState, SignalKey};
use crate::lang::Lang;
use crate::report::Finding;

/// What one message produced on its own, before its conversation is applied.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Findings that stand on this message alone, one per rule that fired.
    pub findings: Vec<Finding>,
    /// Findings of rules that require a conversation signal, with the rule's index.
    pub conditional: Vec<(Finding, u32)>,
    /// Indexes of the signal rules that fired, with the finding of a counted one that
    /// reports (built here, kept or dropped once the count is known).
    pub raised: Vec<(u32, Option<Finding>)>,
    /// The message, kept when it has findings for the stance stage, which reads only the
    /// findings the report keeps.
    pub message: Option<String>,
    /// Who wrote the message.
    pub speaker: Option<crate::Speaker>,
}

impl Outcome {
    /// True when the message produced any finding, conditional or counted ones included.
    pub(crate) fn has_findings(&self) -> bool {
        !self.findings.is_empty()
            || !self.conditional.is_empty()
            || self.raised.iter().any(|(_, f)| f.is_some())
    }

    /// True when applying a conversation could change or record anything (a finding
    /// records its category for the speaker's later messages).
    pub(crate) fn depends_on_conversation(&self) -> bool {
        !self.conditional.is_empty() || !self.raised.is_empty() || !self.findings.is_empty()
    }
}

impl Engine {
    /// Applies a conversation to a message's outcome: findings that require a signal fire
    /// if an earlier message raised it (and name that message in `context`); counted signal
    /// rules report from their n-th raise on (naming the earlier ones); then this message's
    /// signals are recorded under `id`. Without a state, conditional and counted findings
    /// are dropped and signals go nowhere. Last, a finding with a large amount is raised one
    /// step. Returns the findings, unmerged.
    pub(crate) fn resolve(
        &self,
        outcome: Outcome,
        id: Option<&str>,
        state: Option<&mut ConversationState>,
    ) -> Vec<Finding> {
        let Outcome {
            mut findings,
            conditional,
            raised,
            speaker,
            ..
        } = outcome;
        if let Some(state) = state {
            for (mut finding, rule) in conditional {
                let requires = &self.links[rule as usize].requires;
                if let Some(from) = requires.iter().find_map(|&r| earlier(r, speaker, state)) {
                    finding.context.push(from.to_string());
                    findings.push(finding);
                }
            }
            state.seen += 1;
            if !raised.is_empty() {
                let id = id.map_or_else(|| state.seen.to_string(), str::to_string);
                self.count_signals(raised, &id, speaker, state, &mut findings);
            }
        }
        if let Some(limit) = self.large_amount {
            for f in &mut findings {
                if let Some(amount) = f.amount.filter(|&a| a >= limit) {
                    f.severity = f.severity.raised();
                    f.why.raised_for_amount(amount, limit);
                    f.explanation = f.why.render(f.category, Lang::En);
                }
            }
        }
        findings
    }

    /// Records the signals one message raised, and reports the counted ones that are due.
    fn count_signals(
        &self,
        raised: Vec<(u32, Option<Finding>)>,
        id: &str,
        speaker: Option<crate::Speaker>,
        state: &mut ConversationState,
        findings: &mut Vec<Finding>,
    ) {
        let mut now: Vec<SignalKey> = Vec::new();
        for (rule, _) in &raised {
            let rule = &self.links[*rule as usize];
            let allowed = rule.requires.is_empty()
                || rule
                    .requires
                    .iter()
                    .any(|&r| earlier(r, speaker, state).is_some());
            if let (Some(sig), true) = (rule.signal, allowed) {
                if !now.contains(&sig) {
                    now.push(sig);
                }
            }
        }
        for (rule, finding) in raised {
            let links = &self.links[rule as usize];
            let (Some(sig), Some((from, up)), Some(mut finding)) =
                (links.signal, self.rules[rule as usize].repeat, finding)
            else {
                continue;
            };
            if !now.contains(&sig)
                || links
                    .not_after
                    .iter()
                    .any(|s| now.contains(s) || state.signal(*s).is_some())
            {
                continue;
            }
            let (before, ids) = state.raised(sig);
            let nth = before.saturating_add(1);
            if nth < from {
                continue;
            }
            if up.is_some_and(|up| nth >= up) {
                finding.severity = finding.severity.raised();
            }
            finding.context = ids.iter().map(|id| id.to_string()).collect();
            findings.push(finding);
        }
        for sig in now {
            state.raise(sig, id);
        }
    }
}

/// The id of the latest earlier message that satisfies `required` for a message of `speaker`.
fn earlier(
    required: Required,
    speaker: Option<crate::Speaker>,
    state: &ConversationState,
) -> Option<&str> {
    match required {
        Required::Signal(key) => state.signal(key),
        Required::Found(category) => state.signal(found_signal(category, speaker)),
    }
}
