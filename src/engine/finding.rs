//! Where every [`Finding`] is made: evidence on folded bytes mapped back to the text as typed,
//! with its character offsets, the foldings needed to see it and the money amount near it.

use std::borrow::Cow;

use super::Engine;
use crate::amount::amount_around;
use crate::conversation::Turn;
use crate::explain::Explanation;
use crate::lang::Lang;
use crate::lexicon::Rule;
use crate::matcher::Hit;
use crate::normalize::Folded;
use crate::report::{Category, Finding, Severity};

/// The message a finding is made from.
#[derive(Clone, Copy)]
pub(super) struct Message<'a> {
    pub folded: &'a Folded,
    pub hits: &'a [Hit],
    pub turn: &'a Turn<'a>,
}

/// What a finding says, before its evidence is located.
pub(super) struct Claim {
    pub category: Category,
    pub severity: Severity,
    pub rule: String,
    pub why: Explanation,
    /// Spelling variants (alias kinds) the evidence rests on, besides the foldings.
    pub aliases: Vec<String>,
}

/// Makes the findings of one message.
pub(super) struct Evidence<'a> {
    message: Message<'a>,
}

impl<'a> Evidence<'a> {
    pub(super) fn new(message: Message<'a>) -> Evidence<'a> {
        Evidence { message }
    }

    pub(super) fn message(&self) -> Message<'a> {
        self.message
    }

    /// The finding of `claim` on folded bytes `s..e`.
    pub(super) fn finding(&mut self, claim: Claim, (s, e): (u32, u32)) -> Finding {
        let Message { folded, turn, .. } = self.message;
        let text = turn.text;
        let (start, end) = folded.original_span(s as usize, e as usize);
        let char_start = text[..start].chars().count();
        let matched = text[start..end].to_string();
        let mut normalized = folded.folds_in(s as usize, e as usize).names();
        for name in claim.aliases {
            if !normalized.contains(&name) {
                normalized.push(name);
            }
        }
        Finding {
            category: claim.category,
            category_name: Cow::Borrowed(claim.category.name(Lang::En)),
            severity: claim.severity,
            rule: claim.rule,
            start,
            end,
            char_start,
            char_end: char_start + matched.chars().count(),
            matched,
            explanation: claim.why.render(claim.category, Lang::En),
            normalized,
            context: Vec::new(),
            amount: amount_around(text, start, end),
            confidence: None,
            why: claim.why,
        }
    }
}

impl Engine {
    /// The finding of `rule` on folded bytes `s..e`: the rule's severity for this speaker, and
    /// the alias kinds of the hits inside the evidence.
    pub(super) fn rule_finding(
        &self,
        rule: &Rule,
        category: Category,
        evidence: &mut Evidence<'_>,
        (s, e): (u32, u32),
    ) -> Finding {
        let Message { hits, turn, .. } = evidence.message();
        let severity = rule
            .speaker_severity
            .iter()
            .find(|(who, _)| *who == turn.speaker)
            .map_or(rule.severity, |(_, sev)| *sev);
        let mut aliases: Vec<String> = Vec::new();
        for h in hits.iter().filter(|h| h.start >= s && h.end <= e) {
            let kind = self.term_alias_kind[h.term as usize];
            if let Some(name) = kind
                .checked_sub(1)
                .and_then(|k| self.alias_kinds.get(k as usize))
            {
                if !aliases.contains(name) {
                    aliases.push(name.clone());
                }
            }
        }
        let claim = Claim {
            category,
            severity,
            rule: rule.id.clone(),
            why: Explanation::of_rule(&rule.words),
            aliases,
        };
        evidence.finding(claim, (s, e))
    }
}
