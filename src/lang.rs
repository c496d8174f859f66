//! The language of what scamscan writes for people: explanations, category and severity
//! names, the names of foldings, the `check` output and the evidence report. Ids, keys and
//! everything a program reads stay the same in every language.
//!
//! ```
//! use scamscan::{Category, Lang};
//!
//! assert_eq!(Category::DepositFirst.name(Lang::ZhCn), "先付定金");
//! assert_eq!("zh_CN.UTF-8".parse::<Lang>(), Ok(Lang::ZhCn));
//! assert_eq!(Lang::from_accept_language("en-GB,en;q=0.8,zh;q=0.5"), Some(Lang::En));
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::report::{Category, Severity};

/// A language scamscan writes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// English (the library's default).
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in the order the CLI lists them.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The language's tag: `zh-CN` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language of a tag as users and systems write it (`zh`, `zh-CN`, `zh_CN.UTF-8`,
    /// `zh-Hans`, `en`, `en_US.UTF-8`, ...); `None` for anything else, `C` and `POSIX` included.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        let base = tag
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace('_', "-");
        let primary = base.split('-').next().unwrap_or_default();
        match primary {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language the environment asks for: the first of `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// that is set and not empty, if it names a language scamscan writes (`C.UTF-8` does not).
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::from_tag(&value))
    }

    /// The language an HTTP `Accept-Language` header prefers most among those scamscan
    /// writes (by quality, then by order); `None` when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',').take(64) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_tag(s).ok_or_else(|| format!("unknown language {s:?} (expected zh-CN or en)"))
    }
}

impl Category {
    /// The category's name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Category::OffPlatformPayment => ("Off-platform payment", "站外付款"),
            Category::OffPlatformContact => ("Off-platform contact", "站外联系"),
            Category::DepositFirst => ("Deposit first", "先付定金"),
            Category::AddressChangeAfterPayment => ("Address change after payment", "付款后改地址"),
            Category::OrderTampering => ("Order tampering", "篡改订单"),
            Category::FakeRefund => ("Fake refund", "虚假退款"),
            Category::CredentialRequest => ("Credential request", "索要验证信息"),
            Category::PhishingLink => ("Phishing link", "钓鱼链接"),
            Category::FakePaymentProof => ("Fake payment proof", "虚假付款凭证"),
            Category::PlatformImpersonation => ("Platform impersonation", "冒充平台"),
        };
        pick(lang, en, zh)
    }

    /// One line on what a message of this category does.
    pub fn description(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Category::OffPlatformPayment => (
                "pays or asks to be paid outside the platform",
                "绕开平台付款，或要求对方私下转账",
            ),
            Category::OffPlatformContact => (
                "moves the chat to another channel",
                "把聊天引到平台之外的联系方式",
            ),
            Category::DepositFirst => (
                "demands a deposit or fee before the deal",
                "交易完成前索要定金或各种费用",
            ),
            Category::AddressChangeAfterPayment => (
                "changes the address or recipient after paying",
                "付款后要求更改收货地址或收件人",
            ),
            Category::OrderTampering => (
                "changes the order or payment outside the normal flow",
                "在正常流程之外修改订单或付款方式",
            ),
            Category::FakeRefund => (
                "a refund or compensation lure outside the platform",
                "以平台之外的退款或赔付为诱饵",
            ),
            Category::CredentialRequest => (
                "asks for a code, password, card number, ID or screen share",
                "索要验证码、密码、银行卡号、身份证或屏幕共享",
            ),
            Category::PhishingLink => (
                "pushes a link, QR code or app outside the platform",
                "推送平台之外的链接、二维码或App",
            ),
            Category::FakePaymentProof => (
                "fake payment evidence, or \"I overpaid, send back the difference\"",
                "伪造付款凭证，或谎称多付了钱要求退还差价",
            ),
            Category::PlatformImpersonation => (
                "poses as the platform to threaten or demand",
                "冒充平台或其工作人员进行威胁或提出要求",
            ),
        };
        pick(lang, en, zh)
    }
}

impl Severity {
    /// The severity's name for a person (the id, `high`, in English).
    pub fn name(self, lang: Lang) -> &'static str {
        let zh = match self {
            Severity::None => "无",
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
            Severity::Critical => "严重",
        };
        pick(lang, self.as_str(), zh)
    }
}

/// The name of a folding or spelling variant that a finding's evidence was seen through
/// (`Finding::normalized`), for a person; unknown names (a user lexicon's alias kinds) are
/// given as they are.
pub fn folding_name(name: &str, lang: Lang) -> &str {
    if lang == Lang::En {
        return name;
    }
    match name {
        "width" => "全角字符",
        "case" => "大小写",
        "traditional" => "繁体字",
        "compatibility" => "兼容字符",
        "digits" => "中文或圈码数字",
        "separator" => "字间插入的符号",
        "invisible" => "不可见字符",
        "repeated" => "重复字符",
        "spelled-apart" => "拆开拼写的字母",
        "accent" => "附加符号",
        "homophone" => "谐音字",
        "pinyin" => "拼音",
        "variant" => "异体字",
        "slang" => "黑话",
        other => other,
    }
}

/// The names of foldings, joined as a list in `lang`.
pub fn folding_list(names: &[String], lang: Lang) -> String {
    let names: Vec<&str> = names.iter().map(|n| folding_name(n, lang)).collect();
    names.join(pick(lang, ", ", "、"))
}

/// `en` or `zh` by language.
pub(crate) fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}
