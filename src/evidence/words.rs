//! Every word of the evidence report in each language: headings, labels, the sentences
//! with numbers in them, and dates. The renderers only choose where the words go.

use crate::amount::format_yuan;
use crate::lang::{folding_list, pick, Lang};
use crate::report::Severity;

/// The report's words in one language.
pub(super) struct Words {
    pub lang: Lang,
}

impl Words {
    pub fn new(lang: Lang) -> Words {
        Words { lang }
    }

    fn pick(&self, en: &'static str, zh: &'static str) -> &'static str {
        pick(self.lang, en, zh)
    }

    /// The value of `<html lang>`.
    pub fn html_lang(&self) -> &'static str {
        self.pick("en", "zh-CN")
    }

    pub fn title(&self) -> &'static str {
        self.pick("Evidence report", "聊天诈骗证据报告")
    }

    /// The line of facts under the title.
    pub fn facts(
        &self,
        version: &str,
        lexicons: &str,
        large: Option<f64>,
        files: &str,
        generated: Option<u64>,
    ) -> String {
        let date = generated.map(|secs| self.date(secs));
        match self.lang {
            Lang::En => {
                let large = large.map_or("off".to_string(), |y| format!("{} yuan", format_yuan(y)));
                let mut out = format!(
                    "scamscan {version} · lexicons {lexicons} · large amounts from {large} · files: {files}"
                );
                if let Some(date) = date {
                    out.push_str(&format!(" · generated {date}"));
                }
                out
            }
            Lang::ZhCn => {
                let large =
                    large.map_or("不设".to_string(), |y| format!("{} 元", format_yuan(y)));
                let mut out = format!(
                    "scamscan {version} · 词库版本 {lexicons} · 大额标准 {large} · 文件：{files}"
                );
                if let Some(date) = date {
                    out.push_str(&format!(" · 生成于 {date}"));
                }
                out
            }
        }
    }

    /// How much was scanned and found; `strong` wraps the part about findings.
    pub fn scanned(
        &self,
        messages: u64,
        conversations: u64,
        flagged_messages: u64,
        flagged_conversations: u64,
        strong: (&str, &str),
    ) -> String {
        let (on, off) = strong;
        match self.lang {
            Lang::En => format!(
                "{messages} messages in {conversations} conversations scanned; {on}{flagged_messages} messages in {flagged_conversations} conversations have findings{off}."
            ),
            Lang::ZhCn => format!(
                "共检查 {conversations} 个对话中的 {messages} 条消息，{on}其中 {flagged_conversations} 个对话的 {flagged_messages} 条消息发现了诈骗特征{off}。"
            ),
        }
    }

    pub fn keep_note(&self) -> &'static str {
        self.pick(
            "Keep this file with the original chat logs, and report the conversations below to the platform's customer service.",
            "请将本文件与原始聊天记录一并保存，并将下列对话举报给平台客服。",
        )
    }

    pub fn summary(&self) -> &'static str {
        self.pick("Summary", "汇总")
    }

    pub fn category(&self) -> &'static str {
        self.pick("Category", "类别")
    }

    pub fn conversations(&self) -> &'static str {
        self.pick("Conversations", "对话数")
    }

    pub fn messages(&self) -> &'static str {
        self.pick("Messages", "消息数")
    }

    pub fn all_categories(&self) -> &'static str {
        self.pick("all categories", "全部类别")
    }

    pub fn no_findings(&self) -> &'static str {
        self.pick("No findings.", "未发现诈骗特征。")
    }

    pub fn summary_note(&self) -> &'static str {
        self.pick(
            "A message with findings of two categories counts in both rows; the last row counts each message and conversation once, and its severity columns add up the rows above.",
            "一条消息若同时属于两个类别，会在两行中各计一次；最后一行中每条消息、每个对话只计一次，各风险等级列为上方各行之和。",
        )
    }

    /// The heading of the unreadable records.
    pub fn unreadable(&self, n: u64) -> String {
        match self.lang {
            Lang::En => format!("Records that could not be read ({n})"),
            Lang::ZhCn => format!("无法读取的记录（{n} 条）"),
        }
    }

    /// The last item of a cut list of unreadable records.
    pub fn more_unreadable(&self, n: usize, code: (&str, &str)) -> String {
        let (on, off) = code;
        match self.lang {
            Lang::En => format!("and {n} more (run {on}scamscan scan{off} to see them all)"),
            Lang::ZhCn => format!("另有 {n} 条（运行 {on}scamscan scan{off} 可查看全部）"),
        }
    }

    pub fn conversation_title(&self, id: Option<&str>) -> String {
        match (self.lang, id) {
            (Lang::En, Some(id)) => format!("Conversation {id}"),
            (Lang::ZhCn, Some(id)) => format!("对话 {id}"),
            (_, None) => self
                .pick("Message without a conversation", "不属于任何对话的消息")
                .to_string(),
        }
    }

    pub fn conversation_meta(&self, file: &str, messages: usize) -> String {
        match self.lang {
            Lang::En => format!("{file} · {messages} messages"),
            Lang::ZhCn => format!("{file} · 共 {messages} 条消息"),
        }
    }

    /// The label of a collapsed run of messages without findings.
    pub fn quiet(&self, n: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "{n} message{} without findings",
                if n == 1 { "" } else { "s" }
            ),
            Lang::ZhCn => format!("{n} 条未发现问题的消息"),
        }
    }

    pub fn line(&self, line: u64) -> String {
        match self.lang {
            Lang::En => format!("line {line}"),
            Lang::ZhCn => format!("第 {line} 行"),
        }
    }

    /// A speaker role as written, named for a person where it is a known one.
    pub fn speaker<'a>(&self, speaker: &'a str) -> &'a str {
        if self.lang == Lang::En {
            return speaker;
        }
        match speaker {
            "buyer" | "customer" => "买家",
            "seller" => "卖家",
            "agent" => "客服",
            "system" => "系统",
            other => other,
        }
    }

    pub fn context_only(&self) -> &'static str {
        self.pick("context of a finding below", "下方某项发现所依据的上文")
    }

    pub fn severity(&self, severity: Severity) -> &'static str {
        severity.name(self.lang)
    }

    pub fn amount(&self, yuan: f64) -> String {
        match self.lang {
            Lang::En => format!("amount {} yuan", format_yuan(yuan)),
            Lang::ZhCn => format!("金额 {} 元", format_yuan(yuan)),
        }
    }

    pub fn seen_through(&self, normalized: &[String]) -> String {
        match self.lang {
            Lang::En => format!("seen through {}", folding_list(normalized, self.lang)),
            Lang::ZhCn => format!("识别时还原了{}", folding_list(normalized, self.lang)),
        }
    }

    /// The words before the links to the messages a finding rests on.
    pub fn after(&self) -> &'static str {
        self.pick("after ", "依据此前的消息 ")
    }

    /// What separates the evidence from its explanation.
    pub fn colon(&self) -> &'static str {
        self.pick(": ", "：")
    }

    pub fn list_separator(&self) -> &'static str {
        self.pick(", ", "、")
    }

    /// A Unix time as a date and time (UTC): `2026-12-07 15:52 UTC`, `2026年12月7日 15:52（UTC）`.
    pub fn date(&self, secs: u64) -> String {
        let days = (secs / 86_400) as i64;
        let (y, m, d) = civil_from_days(days);
        let (hh, mm) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
        match self.lang {
            Lang::En => format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC"),
            Lang::ZhCn => format!("{y}年{m}月{d}日 {hh:02}:{mm:02}（UTC）"),
        }
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_right() {
        let zh = Words::new(Lang::ZhCn);
        let en = Words::new(Lang::En);
        assert_eq!(en.date(0), "1970-01-01 00:00 UTC");
        assert_eq!(en.date(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(zh.date(1_796_658_720), "2026年12月7日 15:52（UTC）");
    }
}
